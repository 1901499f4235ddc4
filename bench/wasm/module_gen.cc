// Implementation of module_gen.h. A function generator builds one body at a time: statements
// (local/global sets, stores, if, blocks left by br_if, counted loops, dropped calls) and then
// one result expression, with a depth budget so bodies stay small. Loop counters are locals of
// their own that no other code touches, so every loop ends.
#include "module_gen.h"

#include <cstring>
#include <map>
#include <utility>

namespace phalanx::wasmbench {
namespace {

constexpr uint8_t kI32 = 0x7F, kI64 = 0x7E, kF32 = 0x7D, kF64 = 0x7C;
constexpr uint32_t kDataBytes = 512;
constexpr uint32_t kAddressMask = 0x7FF8;  // keeps masked addresses well inside one page
constexpr int kExprDepth = 4;
constexpr int kStmtDepth = 2;

// SplitMix64: tiny, seedable, and the same everywhere.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint32_t Below(uint32_t n) { return static_cast<uint32_t>(Next() % n); }
  bool Chance(uint32_t percent) { return Below(100) < percent; }
  template <typename T, size_t N>
  T Pick(const T (&items)[N]) {
    return items[Below(N)];
  }

 private:
  uint64_t state_;
};

void Uleb(Bytes& out, uint64_t v) {
  do {
    uint8_t byte = v & 0x7F;
    v >>= 7;
    out.push_back(v ? byte | 0x80 : byte);
  } while (v);
}

void Sleb(Bytes& out, int64_t v) {
  while (true) {
    uint8_t byte = v & 0x7F;
    v >>= 7;
    bool done = (v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40));
    out.push_back(done ? byte : byte | 0x80);
    if (done) return;
  }
}

void Name(Bytes& out, const std::string& s) {
  Uleb(out, s.size());
  out.insert(out.end(), s.begin(), s.end());
}

void Section(Bytes& module, uint8_t id, const Bytes& content) {
  module.push_back(id);
  Uleb(module, content.size());
  module.insert(module.end(), content.begin(), content.end());
}

struct Sig {
  std::vector<uint8_t> params;
  uint8_t result = kI32;
};

const uint32_t kI32Consts[] = {0,    1,      0xFFFFFFFF, 2,  0x7FFFFFFF, 0x80000000,
                               0xFF, 0x8000, 31,         32, 33};
const uint64_t kI64Consts[] = {
    0,  1,  ~0ull, 2,          0x7FFFFFFFFFFFFFFFull, 0x8000000000000000ull,
    63, 64, 65,    0xFFFFFFFF, 0x100000000ull};
const uint32_t kF32Consts[] = {0,          0x80000000, 0x3F800000, 0xBF800000, 0x7F800000,
                               0xFF800000, 0x7FC00000, 0x7FA00001, 0xFFC00123, 0x00000001,
                               0x4F000000, 0xCF000000, 0x4F800000, 0x5F000000, 0x3F000000,
                               0x3FC00000, 0x40200000, 0xBFC00000, 0x7F7FFFFF};
const uint64_t kF64Consts[] = {0,
                               0x8000000000000000ull,
                               0x3FF0000000000000ull,
                               0xBFF0000000000000ull,
                               0x7FF0000000000000ull,
                               0xFFF0000000000000ull,
                               0x7FF8000000000000ull,
                               0x7FF4000000000001ull,
                               0xFFF8000000000123ull,
                               0x0000000000000001ull,
                               0x41E0000000000000ull,  // 2^31
                               0xC1E0000000000000ull,
                               0x41F0000000000000ull,  // 2^32
                               0x43E0000000000000ull,  // 2^63
                               0x3FE0000000000000ull,
                               0x3FF8000000000000ull,
                               0x4004000000000000ull,
                               0xBFF8000000000000ull,
                               0x7FEFFFFFFFFFFFFFull};

class FuncGen {
 public:
  FuncGen(Rng& rng, const std::vector<Sig>& callees, const std::vector<uint8_t>& params)
      : rng_(rng), callees_(callees), locals_(params), num_params_(params.size()) {
    // A few declared locals of every type, zero-initialized by wasm.
    for (uint8_t t : {kI32, kI64, kF32, kF64}) {
      for (uint32_t n = rng_.Below(3); n > 0; --n) locals_.push_back(t);
    }
    reserved_.assign(locals_.size(), false);
  }

  // The function body: local declarations, instructions, end.
  Bytes Body(uint8_t result, bool reinterpret_result) {
    for (uint32_t n = 1 + rng_.Below(5); n > 0; --n) Stmt(kStmtDepth);
    Expr(result, kExprDepth);
    if (reinterpret_result && result == kF32) code_.push_back(0xBC);  // i32.reinterpret_f32
    if (reinterpret_result && result == kF64) code_.push_back(0xBD);  // i64.reinterpret_f64
    code_.push_back(0x0B);
    Bytes body;
    Uleb(body, locals_.size() - num_params_);
    for (size_t i = num_params_; i < locals_.size(); ++i) {
      Uleb(body, 1);
      body.push_back(locals_[i]);
    }
    body.insert(body.end(), code_.begin(), code_.end());
    return body;
  }

 private:
  void Op(uint8_t op) { code_.push_back(op); }
  void OpU(uint8_t op, uint64_t imm) {
    code_.push_back(op);
    Uleb(code_, imm);
  }

  // A local of type t that generic code may use, or -1.
  int PickLocal(uint8_t t) {
    std::vector<int> candidates;
    for (size_t i = 0; i < locals_.size(); ++i) {
      if (locals_[i] == t && !reserved_[i]) candidates.push_back(static_cast<int>(i));
    }
    return candidates.empty() ? -1 : candidates[rng_.Below(candidates.size())];
  }

  void Const(uint8_t t) {
    bool special = rng_.Chance(50);
    uint64_t r = rng_.Next();
    switch (t) {
      case kI32:
        Op(0x41);
        Sleb(code_, static_cast<int32_t>(special ? rng_.Pick(kI32Consts)
                                                 : (rng_.Chance(50) ? r % 200 : r)));
        break;
      case kI64:
        Op(0x42);
        Sleb(code_, static_cast<int64_t>(special ? rng_.Pick(kI64Consts)
                                                 : (rng_.Chance(50) ? r % 200 : r)));
        break;
      case kF32: {
        uint32_t bits = special ? rng_.Pick(kF32Consts) : static_cast<uint32_t>(r);
        if (!special && rng_.Chance(60)) {
          float f = static_cast<float>(static_cast<int32_t>(r % 2001) - 1000) / 8.0f;
          std::memcpy(&bits, &f, 4);
        }
        Op(0x43);
        for (int i = 0; i < 4; ++i) code_.push_back(static_cast<uint8_t>(bits >> (8 * i)));
        break;
      }
      default: {
        uint64_t bits = special ? rng_.Pick(kF64Consts) : r;
        if (!special && rng_.Chance(60)) {
          double d = static_cast<double>(static_cast<int64_t>(r % 20001) - 10000) / 16.0;
          std::memcpy(&bits, &d, 8);
        }
        Op(0x44);
        for (int i = 0; i < 8; ++i) code_.push_back(static_cast<uint8_t>(bits >> (8 * i)));
      }
    }
  }

  // An i32 address: usually masked into the first 32 KiB, sometimes anything (may trap).
  void Address(int depth) {
    Expr(kI32, depth);
    if (rng_.Chance(97)) {
      Op(0x41);
      Sleb(code_, kAddressMask);
      Op(0x71);  // i32.and
    }
  }

  void MemArg(uint32_t align_log2) {
    Uleb(code_, align_log2);
    Uleb(code_, rng_.Chance(50) ? 0 : rng_.Below(65));
  }

  void Load(uint8_t t, int depth) {
    Address(depth - 1);
    switch (t) {
      case kI32: {
        static const std::pair<uint8_t, uint32_t> kOps[] = {
            {0x28, 2}, {0x2C, 0}, {0x2D, 0}, {0x2E, 1}, {0x2F, 1}};
        auto [op, align] = rng_.Pick(kOps);
        Op(op);
        MemArg(align);
        break;
      }
      case kI64: {
        static const std::pair<uint8_t, uint32_t> kOps[] = {
            {0x29, 3}, {0x30, 0}, {0x31, 0}, {0x32, 1}, {0x33, 1}, {0x34, 2}, {0x35, 2}};
        auto [op, align] = rng_.Pick(kOps);
        Op(op);
        MemArg(align);
        break;
      }
      case kF32:
        Op(0x2A);
        MemArg(2);
        break;
      default:
        Op(0x2B);
        MemArg(3);
    }
  }

  void Leaf(uint8_t t, int depth) {
    uint32_t r = rng_.Below(100);
    int local = PickLocal(t);
    if (r < 40 || (r < 75 && local < 0)) {
      Const(t);
    } else if (r < 75) {
      OpU(0x20, local);
    } else if (r < 85 && (t == kI32 || t == kI64)) {
      OpU(0x23, t == kI32 ? 0 : 1);  // global.get
    } else {
      Load(t, std::max(depth, 1));
    }
  }

  // Operations that produce a value of type t from operands of other kinds.
  void Convert(uint8_t t, int depth) {
    switch (t) {
      case kI32: {
        uint32_t r = rng_.Below(20);
        if (r <= 2) {
          Expr(kI64, depth);
          Op(0xA7);  // wrap
        } else if (r == 3) {
          Expr(kF32, depth);
          Op(rng_.Chance(50) ? 0xA8 : 0xA9);  // trunc_f32_s/u (trap on NaN and overflow)
        } else if (r == 4) {
          Expr(kF64, depth);
          Op(rng_.Chance(50) ? 0xAA : 0xAB);
        } else if (r <= 6) {
          uint32_t sat = rng_.Below(4);
          Expr(sat < 2 ? kF32 : kF64, depth);
          OpU(0xFC, sat);
        } else if (r <= 9) {
          Expr(kI32, depth);
          Op(rng_.Chance(50) ? 0xC0 : 0xC1);  // extend8_s / extend16_s
        } else {
          // Comparisons of any type.
          static const uint8_t kTypes[] = {kI32, kI64, kF32, kF64};
          uint8_t ct = rng_.Pick(kTypes);
          Expr(ct, depth);
          if (rng_.Chance(15) && (ct == kI32 || ct == kI64)) {
            Op(ct == kI32 ? 0x45 : 0x50);  // eqz
            return;
          }
          Expr(ct, depth);
          switch (ct) {
            case kI32:
              Op(0x46 + rng_.Below(10));
              break;
            case kI64:
              Op(0x51 + rng_.Below(10));
              break;
            case kF32:
              Op(0x5B + rng_.Below(6));
              break;
            default:
              Op(0x61 + rng_.Below(6));
          }
        }
        break;
      }
      case kI64: {
        uint32_t r = rng_.Below(9);
        if (r <= 2) {
          Expr(kI32, depth);
          Op(r == 0 ? 0xAC : 0xAD);  // extend_i32_s/u
        } else if (r == 3) {
          uint8_t op = 0xAE + rng_.Below(4);  // trunc f32/f64 to i64, s/u
          Expr(op < 0xB0 ? kF32 : kF64, depth);
          Op(op);
        } else if (r <= 5) {
          uint32_t sat = 4 + rng_.Below(4);
          Expr(sat < 6 ? kF32 : kF64, depth);
          OpU(0xFC, sat);
        } else {
          Expr(kI64, depth);
          Op(0xC2 + rng_.Below(3));  // extend8/16/32_s
        }
        break;
      }
      case kF32: {
        uint32_t r = rng_.Below(4);
        if (r == 0) {
          uint8_t op = 0xB2 + rng_.Below(4);  // convert from i32/i64, s/u
          Expr(op < 0xB4 ? kI32 : kI64, depth);
          Op(op);
        } else if (r == 1) {
          Expr(kF64, depth);
          Op(0xB6);  // demote
        } else if (r == 2) {
          Expr(kI32, depth);
          Op(0xBE);  // reinterpret_i32: exact bits from an integer
        } else {
          Expr(kF32, depth);
          Const(kF32);
          Op(0x98);  // copysign, sign from a constant (a computed NaN's sign is not portable)
        }
        break;
      }
      default: {
        uint32_t r = rng_.Below(4);
        if (r == 0) {
          uint8_t op = 0xB7 + rng_.Below(4);
          Expr(op < 0xB9 ? kI32 : kI64, depth);
          Op(op);
        } else if (r == 1) {
          Expr(kF32, depth);
          Op(0xBB);  // promote
        } else if (r == 2) {
          Expr(kI64, depth);
          Op(0xBF);
        } else {
          Expr(kF64, depth);
          Const(kF64);
          Op(0xA6);
        }
      }
    }
  }

  void Arith(uint8_t t, int depth) {
    bool unary = rng_.Chance(25);
    uint8_t op;
    switch (t) {
      case kI32:
        op = unary ? 0x67 + rng_.Below(3) : 0x6A + rng_.Below(15);
        break;
      case kI64:
        op = unary ? 0x79 + rng_.Below(3) : 0x7C + rng_.Below(15);
        break;
      case kF32:
        op = unary ? 0x8B + rng_.Below(7) : 0x92 + rng_.Below(6);
        break;
      default:
        op = unary ? 0x99 + rng_.Below(7) : 0xA0 + rng_.Below(6);
    }
    Expr(t, depth);
    if (!unary) Expr(t, depth);
    // Zero-initialized locals make zero divisors common; most divisions get `divisor | 1` so
    // the code after them runs too (INT_MIN / -1 still traps).
    bool divides = (op >= 0x6D && op <= 0x70) || (op >= 0x7F && op <= 0x82);
    if (divides && rng_.Chance(85)) {
      Op(t == kI32 ? 0x41 : 0x42);
      Sleb(code_, 1);
      Op(t == kI32 ? 0x72 : 0x84);  // or
    }
    Op(op);
  }

  void Expr(uint8_t t, int depth) {
    if (depth <= 0) return Leaf(t, 0);
    uint32_t r = rng_.Below(100);
    if (r < 20) return Leaf(t, depth);
    if (r < 55) return Arith(t, depth - 1);
    if (r < 72) return Convert(t, depth - 1);
    if (r < 77) {
      Expr(t, depth - 1);
      Expr(t, depth - 1);
      Expr(kI32, depth - 1);
      return Op(0x1B);  // select
    }
    if (r < 82) {
      Expr(kI32, depth - 1);
      Op(0x04);
      Op(t);
      Expr(t, depth - 1);
      Op(0x05);
      Expr(t, depth - 1);
      return Op(0x0B);
    }
    if (r < 87) {
      // block (result t): leave early with the first value when the condition holds.
      Op(0x02);
      Op(t);
      Expr(t, depth - 1);
      Expr(kI32, depth - 1);
      OpU(0x0D, 0);
      Op(0x1A);
      Expr(t, depth - 1);
      return Op(0x0B);
    }
    if (r < 93) {
      std::vector<uint32_t> matching;
      for (size_t i = 0; i < callees_.size(); ++i) {
        if (callees_[i].result == t) matching.push_back(i);
      }
      if (!matching.empty()) {
        uint32_t callee = matching[rng_.Below(matching.size())];
        for (uint8_t p : callees_[callee].params) Expr(p, depth - 1);
        return OpU(0x10, callee);
      }
    }
    int local = PickLocal(t);
    if (local < 0) return Leaf(t, depth);
    Expr(t, depth - 1);
    OpU(0x22, local);  // local.tee
  }

  void Stmts(int depth) {
    for (uint32_t n = 1 + rng_.Below(3); n > 0; --n) Stmt(depth);
  }

  void Stmt(int depth) {
    static const uint8_t kTypes[] = {kI32, kI64, kF32, kF64};
    uint32_t r = rng_.Below(100);
    if (r < 35 || depth <= 0) {
      uint8_t t = rng_.Pick(kTypes);
      int local = PickLocal(t);
      if (local >= 0) {
        Expr(t, kExprDepth - 1);
        OpU(0x21, local);
        return;
      }
    }
    if (depth <= 0) r = 35 + r % 30;  // no nesting left: a global set or a memory operation
    if (r < 45) {
      bool wide = rng_.Chance(50);
      Expr(wide ? kI64 : kI32, kExprDepth - 1);
      OpU(0x24, wide ? 1 : 0);
    } else if (r < 58) {
      bool wide = rng_.Chance(50);
      Address(kExprDepth - 2);
      Expr(wide ? kI64 : kI32, kExprDepth - 1);
      static const std::pair<uint8_t, uint32_t> k32[] = {{0x36, 2}, {0x3A, 0}, {0x3B, 1}};
      static const std::pair<uint8_t, uint32_t> k64[] = {
          {0x37, 3}, {0x3C, 0}, {0x3D, 1}, {0x3E, 2}};
      auto [op, align] = wide ? rng_.Pick(k64) : rng_.Pick(k32);
      Op(op);
      MemArg(align);
    } else if (r < 63) {
      // memory.fill (dest, byte, length) or memory.copy (dest, source, length); lengths are
      // usually small, and an out-of-bounds range traps without writing anything.
      bool fill = rng_.Chance(50);
      Address(kExprDepth - 2);
      if (fill) {
        Expr(kI32, kExprDepth - 2);
      } else {
        Address(kExprDepth - 2);
      }
      Expr(kI32, kExprDepth - 2);
      if (rng_.Chance(95)) {
        Op(0x41);
        Sleb(code_, 0x1FF);
        Op(0x71);  // i32.and
      }
      OpU(0xFC, fill ? 11 : 10);
      Op(0x00);
      if (!fill) Op(0x00);
    } else if (r < 65) {
      // memory.grow by 0..2 pages (far below any engine's limit), its result into a global.
      Op(0x41);
      Sleb(code_, rng_.Below(3));
      Op(0x40);
      Op(0x00);
      OpU(0x24, 0);
    } else if (r < 75) {
      Expr(kI32, kExprDepth - 2);
      Op(0x04);
      Op(0x40);
      Stmts(depth - 1);
      if (rng_.Chance(40)) {
        Op(0x05);
        Stmts(depth - 1);
      }
      Op(0x0B);
    } else if (r < 85) {
      Op(0x02);
      Op(0x40);
      Stmts(depth - 1);
      Expr(kI32, kExprDepth - 2);
      OpU(0x0D, 0);
      Stmts(depth - 1);
      Op(0x0B);
    } else if (r < 93) {
      // A counted loop; its counter is a fresh local nothing else reads or writes.
      uint32_t counter = locals_.size();
      locals_.push_back(kI32);
      reserved_.push_back(true);
      Op(0x41);
      Sleb(code_, 1 + rng_.Below(4));
      OpU(0x21, counter);
      Op(0x03);
      Op(0x40);
      Stmts(depth - 1);
      OpU(0x20, counter);
      Op(0x41);
      Sleb(code_, 1);
      Op(0x6B);  // i32.sub
      OpU(0x22, counter);
      OpU(0x0D, 0);
      Op(0x0B);
    } else if (!callees_.empty()) {
      const Sig& callee_sig = callees_[rng_.Below(callees_.size())];
      uint32_t callee = static_cast<uint32_t>(&callee_sig - callees_.data());
      for (uint8_t p : callee_sig.params) Expr(p, kExprDepth - 2);
      OpU(0x10, callee);
      Op(0x1A);
    }
  }

  Rng& rng_;
  const std::vector<Sig>& callees_;  // callable functions: index i is function i
  std::vector<uint8_t> locals_;      // parameters first
  size_t num_params_;
  std::vector<bool> reserved_;  // loop counters
  Bytes code_;
};

}  // namespace

GeneratedModule GenerateModule(uint64_t seed) {
  Rng rng(seed * 0x2545F4914F6CDD1Dull + 1);
  static const uint8_t kTypes[] = {kI32, kI64, kF32, kF64};
  GeneratedModule out;

  // Functions 0..helpers-1 are helpers (each may call the ones before it); the rest are the
  // parameterless exports.
  uint32_t num_helpers = rng.Below(4);
  uint32_t num_exports = 3 + rng.Below(4);
  std::vector<Sig> sigs;
  std::vector<Bytes> bodies;
  for (uint32_t i = 0; i < num_helpers; ++i) {
    Sig sig;
    for (uint32_t n = rng.Below(4); n > 0; --n) sig.params.push_back(rng.Pick(kTypes));
    sig.result = rng.Pick(kTypes);
    std::vector<Sig> callees(sigs.begin(), sigs.end());
    FuncGen gen(rng, callees, sig.params);
    bodies.push_back(gen.Body(sig.result, false));
    sigs.push_back(sig);
  }
  for (uint32_t i = 0; i < num_exports; ++i) {
    uint8_t t = rng.Pick(kTypes);
    std::vector<Sig> callees(sigs.begin(), sigs.begin() + num_helpers);
    FuncGen gen(rng, callees, {});
    bodies.push_back(gen.Body(t, true));
    Sig sig;
    sig.result = (t == kI32 || t == kF32) ? kI32 : kI64;
    sigs.push_back(sig);
    out.exports.push_back("f" + std::to_string(i));
    out.kinds.push_back(t == kI32   ? ResultKind::kI32
                        : t == kI64 ? ResultKind::kI64
                        : t == kF32 ? ResultKind::kF32Bits
                                    : ResultKind::kF64Bits);
  }

  std::map<std::pair<std::vector<uint8_t>, uint8_t>, uint32_t> type_index;
  Bytes types, funcs;
  std::vector<uint32_t> func_types;
  for (const Sig& s : sigs) {
    auto [it, inserted] = type_index.try_emplace({s.params, s.result}, type_index.size());
    if (inserted) {
      types.push_back(0x60);
      Uleb(types, s.params.size());
      types.insert(types.end(), s.params.begin(), s.params.end());
      types.push_back(1);
      types.push_back(s.result);
    }
    func_types.push_back(it->second);
  }
  Bytes type_section;
  Uleb(type_section, type_index.size());
  type_section.insert(type_section.end(), types.begin(), types.end());
  Uleb(funcs, func_types.size());
  for (uint32_t t : func_types) Uleb(funcs, t);

  Bytes memory = {1, 0x00, 1};  // one memory, min 1 page, no max
  Bytes globals = {2, kI32, 1, 0x41};
  Sleb(globals, static_cast<int32_t>(rng.Next()));
  globals.insert(globals.end(), {0x0B, kI64, 1, 0x42});
  Sleb(globals, static_cast<int64_t>(rng.Next()));
  globals.push_back(0x0B);

  Bytes exports;
  Uleb(exports, num_exports);
  for (uint32_t i = 0; i < num_exports; ++i) {
    Name(exports, out.exports[i]);
    exports.push_back(0x00);
    Uleb(exports, num_helpers + i);
  }

  Bytes code;
  Uleb(code, bodies.size());
  for (const Bytes& body : bodies) {
    Uleb(code, body.size());
    code.insert(code.end(), body.begin(), body.end());
  }

  Bytes data = {1, 0x00, 0x41, 0x00, 0x0B};  // one active segment at offset 0
  Uleb(data, kDataBytes);
  for (uint32_t i = 0; i < kDataBytes; ++i) {
    // Mostly small numbers, some 0xFF/0x7F runs so float loads also see NaNs and infinities.
    uint32_t r = rng.Below(8);
    data.push_back(r == 0 ? 0xFF : r == 1 ? 0x7F : static_cast<uint8_t>(rng.Next()));
  }

  Bytes& m = out.wasm;
  m = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  Section(m, 1, type_section);
  Section(m, 3, funcs);
  Section(m, 5, memory);
  Section(m, 6, globals);
  Section(m, 7, exports);
  Section(m, 10, code);
  Section(m, 11, data);
  return out;
}

bool IsNanResult(ResultKind kind, const std::string& outcome) {
  if (kind == ResultKind::kF32Bits && outcome.rfind("i32:", 0) == 0) {
    uint64_t bits = std::stoull(outcome.substr(4));
    return (bits & 0x7F800000u) == 0x7F800000u && (bits & 0x007FFFFFu) != 0;
  }
  if (kind == ResultKind::kF64Bits && outcome.rfind("i64:", 0) == 0) {
    uint64_t bits = std::stoull(outcome.substr(4));
    return (bits & 0x7FF0000000000000ull) == 0x7FF0000000000000ull &&
           (bits & 0x000FFFFFFFFFFFFFull) != 0;
  }
  return false;
}

bool SameResult(ResultKind kind, const std::string& a, const std::string& b) {
  return a == b || (IsNanResult(kind, a) && IsNanResult(kind, b));
}

}  // namespace phalanx::wasmbench
