// One pass over a function body that both validates it (spec section 3.3, the algorithm of the
// appendix) and emits the interpreter's code: direct-threaded words (handler address, then
// immediates), branch targets resolved to relative word offsets, stack drops precomputed, and
// one Fuel instruction at the head of every basic block carrying the block's instruction count.
// Unreachable code is validated but not emitted.
#include "compiler.h"

#include <algorithm>
#include <limits>
#include <unordered_map>

#include "ops.h"
#include "reader.h"

namespace phalanx::vm::internal {
namespace {

constexpr ValType kAny = static_cast<ValType>(0);  // the bottom type of unreachable code

struct NumericInfo {
  bool valid = false;
  Op op = Op::kCount;
  ValType in1 = kAny, in2 = kAny, out = kAny;
};

constexpr ValType TypeCode(char c) {
  return c == 'I'   ? ValType::kI32
         : c == 'L' ? ValType::kI64
         : c == 'F' ? ValType::kF32
         : c == 'D' ? ValType::kF64
                    : kAny;
}

struct NumericTables {
  NumericInfo main[256];
  NumericInfo sat[8];
  NumericTables() {
#define PHX_VM_NUM_ROW(name, opcode, a, b, r) \
  main[opcode] = {true, Op::k##name, TypeCode(#a[0]), TypeCode(#b[0]), TypeCode(#r[0])};
#define PHX_VM_SAT_ROW(name, sub, a, b, r) \
  sat[sub] = {true, Op::k##name, TypeCode(#a[0]), TypeCode(#b[0]), TypeCode(#r[0])};
    PHX_VM_NUMERIC_OPS(PHX_VM_NUM_ROW)
    PHX_VM_SAT_OPS(PHX_VM_SAT_ROW)
#undef PHX_VM_NUM_ROW
#undef PHX_VM_SAT_ROW
  }
};
const NumericTables& Numerics() {
  static const NumericTables tables;
  return tables;
}

// Where a value on the compile-time operand stack lives. Every operand stack position h has its
// own frame slot (temp_base_ + h); a value still in a local or constant slot is "lazy": no code
// copied it to its stack slot yet, so instructions read it where it is (wasm3's and WAMR
// fast-interp's idea: `local.get a; local.get b; i32.add; local.set c` is one `i32.add c,a,b`).
enum class Loc : uint8_t { kTemp, kLocal, kConst };

struct Entry {
  ValType type = kAny;
  Loc loc = Loc::kTemp;
  uint32_t slot = 0;
};

// A branch immediate to patch once its target is known: the 32-bit half `half` of word `word`,
// relative to the branch instruction's first word `op_at`.
struct Fixup {
  uint32_t op_at, word, half;
};

struct Ctrl {
  uint8_t opcode = 0;  // 0x02 block, 0x03 loop, 0x04 if, 0x05 else, 0x00 the function
  std::vector<ValType> params;
  std::vector<ValType> results;
  size_t height = 0;  // operand stack height below the block's params
  bool unreachable = false;
  bool dead = false;  // entered from unreachable code: nothing inside is emitted
  uint32_t loop_target = 0;
  std::vector<Fixup> fixups;  // branches to the end
  bool has_else_fixup = false;
  Fixup else_fixup{};  // the if's branch to its else (or end)
  const std::vector<ValType>& labels() const { return opcode == 0x03 ? params : results; }
};

// The most recently emitted value-producing instruction, while nothing has been emitted after it
// and no label separates it from what follows: its destination may still be retargeted (to the
// local of a following local.set/tee) and a comparison may still be fused into a branch.
struct LastOp {
  uint32_t at = UINT32_MAX;  // first word, or UINT32_MAX if none
  uint32_t end = 0;          // Here() just after it
  size_t height = 0;         // operand stack position of its result
  Op op = Op::kCount;
  Entry a, b;  // operands (comparisons only)
  bool compare = false;
};

// The immediate form of a binary numeric op (see ops.h), and whether an op is one.
constexpr int kImmDelta = static_cast<int>(Op::kI32EqzImm) - static_cast<int>(Op::kI32Eqz);
constexpr Op ImmOf(Op op) { return static_cast<Op>(static_cast<int>(op) + kImmDelta); }
constexpr bool IsImmOp(Op op) { return op >= Op::kI32EqzImm && op <= Op::kF64CopysignImm; }
// A comparison that a conditional branch can absorb (i32/i64, register or immediate form).
constexpr bool IsFusableCompare(Op op) {
  const auto in = [op](Op lo, Op hi) { return op >= lo && op <= hi; };
  return in(Op::kI32Eq, Op::kI32GeU) || in(Op::kI64Eq, Op::kI64GeU) ||
         in(ImmOf(Op::kI32Eq), ImmOf(Op::kI32GeU)) || in(ImmOf(Op::kI64Eq), ImmOf(Op::kI64GeU));
}
// Operand order: ops where a op b == b op a, and comparisons with their mirror (a < b == b > a).
Op Mirrored(Op op) {
  switch (op) {
    case Op::kI32Add:
    case Op::kI32Mul:
    case Op::kI32And:
    case Op::kI32Or:
    case Op::kI32Xor:
    case Op::kI32Eq:
    case Op::kI32Ne:
    case Op::kI64Add:
    case Op::kI64Mul:
    case Op::kI64And:
    case Op::kI64Or:
    case Op::kI64Xor:
    case Op::kI64Eq:
    case Op::kI64Ne:
      return op;
    case Op::kI32LtS:
      return Op::kI32GtS;
    case Op::kI32LtU:
      return Op::kI32GtU;
    case Op::kI32GtS:
      return Op::kI32LtS;
    case Op::kI32GtU:
      return Op::kI32LtU;
    case Op::kI32LeS:
      return Op::kI32GeS;
    case Op::kI32LeU:
      return Op::kI32GeU;
    case Op::kI32GeS:
      return Op::kI32LeS;
    case Op::kI32GeU:
      return Op::kI32LeU;
    case Op::kI64LtS:
      return Op::kI64GtS;
    case Op::kI64LtU:
      return Op::kI64GtU;
    case Op::kI64GtS:
      return Op::kI64LtS;
    case Op::kI64GtU:
      return Op::kI64LtU;
    case Op::kI64LeS:
      return Op::kI64GeS;
    case Op::kI64LeU:
      return Op::kI64GeU;
    case Op::kI64GeS:
      return Op::kI64LeS;
    case Op::kI64GeU:
      return Op::kI64LeU;
    default:
      return Op::kCount;
  }
}

// The memory-operand form of a binary op whose b is the result of `load` (or kCount).
Op MemOperandOf(Op op, Op load) {
#define PHX_VM_MEM_CASE(name, form, type, get, put, expr, ld) \
  if (op == Op::k##name && load == Op::k##ld) return Op::k##name##form;
  PHX_VM_MEM_OPERAND_OPS(PHX_VM_MEM_CASE)
#undef PHX_VM_MEM_CASE
  return Op::kCount;
}

// The shifted-operand form of `op` whose b is `shift`'s result (or kCount).
Op ShiftedOf(Op op, Op shift) {
#define PHX_VM_SHIFTED_CASE(name, sh, get, put, expr, shifted) \
  if (op == Op::k##name && shift == Op::k##sh) return Op::k##name##sh;
  PHX_VM_SHIFTED_OPS(PHX_VM_SHIFTED_CASE)
#undef PHX_VM_SHIFTED_CASE
  return Op::kCount;
}

// At most this many lazy entries: keeps every scan over them constant-time.
constexpr size_t kMaxLazy = 16;

class FunctionCompiler {
 public:
  FunctionCompiler(const ModuleContext& ctx, ByteView body, size_t body_offset, FunctionCode* out)
      : ctx_(ctx),
        m_(ctx.module),
        r_(body, body_offset),
        out_(out),
        handlers_(OpHandlers()),
        metering_(ctx.limits.fuel_metering) {}
  Status Run();

 private:
  Status Fail(std::string_view reason) const {
    return ErrorStatus(Error::kInvalid, instr_offset_, reason);
  }
  Status Malformed(std::string_view reason) const { return Reader::Fail(reason, instr_offset_); }
  Status Locals();
  Status ScanBody(Reader r);
  Status Instruction(uint8_t opcode);
  Status PrefixFC();
  Status BlockType(std::vector<ValType>* params, std::vector<ValType>* results);
  Status MemArg(uint32_t natural_align_log2, uint32_t* offset);
  Status CheckMemory() const {
    return m_.memories.empty() ? Fail("unknown memory 0") : Status::Ok();
  }
  Status CheckTable(uint32_t t) const {
    return t < m_.tables.size() ? Status::Ok() : Fail("unknown table " + std::to_string(t));
  }
  Status ReadTable(uint32_t* t) {
    RETURN_IF_ERROR(r_.U32(t));
    return CheckTable(*t);
  }
  Status ZeroByte() {
    uint8_t b;
    RETURN_IF_ERROR(r_.U8(&b));
    return b == 0 ? Status::Ok() : Malformed("zero byte expected");
  }

  // Operand stack.
  uint32_t TempSlot(size_t height) const { return temp_base_ + static_cast<uint32_t>(height); }
  void Push(ValType t) {
    opd_.push_back({t, Loc::kTemp, TempSlot(opd_.size())});
    if (opd_.size() > max_height_) max_height_ = opd_.size();
  }
  void PushAll(const std::vector<ValType>& ts) {
    for (ValType t : ts) Push(t);
  }
  // Pushes a value that stays where it is (a local or a constant) until it must move.
  void PushLazy(ValType t, Loc loc, uint32_t slot) {
    if (!Live()) return Push(t);
    if (lazy_.size() >= kMaxLazy) Materialize(lazy_.front());
    Push(t);
    opd_.back().loc = loc;
    opd_.back().slot = slot;
    lazy_.push_back(static_cast<uint32_t>(opd_.size() - 1));
  }
  void PushEntry(const Entry& e) {
    if (e.loc == Loc::kTemp) return Push(e.type);
    PushLazy(e.type, e.loc, e.slot);
  }
  Status Pop(Entry* out) {
    const Ctrl& c = ctrl_.back();
    if (opd_.size() == c.height) {
      if (c.unreachable) {
        *out = Entry{};
        return Status::Ok();
      }
      return Fail("type mismatch: operand stack underflow");
    }
    *out = opd_.back();
    if (!lazy_.empty() && lazy_.back() == opd_.size() - 1) lazy_.pop_back();
    opd_.pop_back();
    return Status::Ok();
  }
  Status PopExpect(ValType want, Entry* out = nullptr) {
    Entry e;
    RETURN_IF_ERROR(Pop(&e));
    if (e.type != want && e.type != kAny && want != kAny) {
      return Fail("type mismatch: expected " + std::string(ValTypeName(want)) + ", found " +
                  std::string(ValTypeName(e.type)));
    }
    if (out) *out = e;
    return Status::Ok();
  }
  // Pops `ts` (top last); their entries are left in popped_, bottom first.
  Status PopAll(const std::vector<ValType>& ts) {
    popped_.assign(ts.size(), Entry{});
    for (size_t i = ts.size(); i-- > 0;) RETURN_IF_ERROR(PopExpect(ts[i], &popped_[i]));
    return Status::Ok();
  }
  Status PopI32s(int n) { return PopAll(std::vector<ValType>(n, ValType::kI32)); }
  void Truncate(size_t height) {
    opd_.resize(height);
    while (!lazy_.empty() && lazy_.back() >= height) lazy_.pop_back();
  }
  void SetUnreachable() {
    Truncate(ctrl_.back().height);
    ctrl_.back().unreachable = true;
    block_open_ = false;
  }

  // Lazy values.
  void Materialize(uint32_t index) {
    Entry& e = opd_[index];
    EmitCopy(TempSlot(index), e.slot);
    e.loc = Loc::kTemp;
    e.slot = TempSlot(index);
    lazy_.erase(std::find(lazy_.begin(), lazy_.end(), index));
  }
  void MaterializeAll() {
    if (!Live()) return;
    while (!lazy_.empty()) Materialize(lazy_.back());
  }
  // Moves the popped values to the stack slots from `height` up (before they are pushed back as
  // temporaries, or passed to an instruction that takes consecutive slots).
  void PlacePopped(size_t height) {
    for (size_t i = 0; i < popped_.size(); ++i) {
      if (popped_[i].slot != TempSlot(height + i)) EmitCopy(TempSlot(height + i), popped_[i].slot);
    }
  }
  bool LazyRefsTo(uint32_t local) const {
    for (uint32_t i : lazy_) {
      if (opd_[i].loc == Loc::kLocal && opd_[i].slot == local) return true;
    }
    return false;
  }
  void MaterializeRefsTo(uint32_t local) {
    for (size_t k = lazy_.size(); k-- > 0;) {
      const uint32_t i = lazy_[k];
      if (opd_[i].loc == Loc::kLocal && opd_[i].slot == local) Materialize(i);
    }
  }
  // The slot of an operand, noting the constants that code reads from their slots (only those
  // are copied into the frame at each call).
  uint32_t Use(const Entry& e) {
    if (e.loc == Loc::kConst) {
      consts_used_ = std::max<size_t>(consts_used_, e.slot - out_->num_locals + 1);
    }
    return e.slot;
  }
  bool IsConstSlot(uint32_t slot) const { return slot >= out_->num_locals && slot < temp_base_; }
  // Whether local x still holds the zero every declared local starts with: no write to it has
  // been compiled yet, and no loop either (before the first loop every path to here runs only
  // code compiled before it). Setting such a local to a zero constant needs no code.
  bool IsKnownZero(uint32_t x) const {
    return !loop_seen_ && x >= out_->num_params && x < unwritten_.size() && unwritten_[x];
  }
  uint32_t ConstSlot(uint64_t bits) const { return out_->num_locals + const_index_.at(bits); }
  uint64_t ConstValue(uint32_t slot) const { return out_->consts[slot - out_->num_locals]; }

  // Emission.
  bool Live() const { return !ctrl_.back().unreachable && !ctrl_.back().dead; }
  uint32_t Here() const { return static_cast<uint32_t>(out_->code.size()); }
  // Charges one instruction to the current basic block, opening it (a Fuel instruction whose
  // count is patched as instructions are added) if needed.
  void Charge() {
    if (!metering_ || !Live()) return;
    auto& code = out_->code;
    if (!block_open_) {
      code.push_back(CodeWord{.op = handlers_[static_cast<int>(Op::kFuel)]});
      fuel_word_ = code.size();
      code.push_back(CodeWord{.u64 = 0});
      block_open_ = true;
    }
    ++code[fuel_word_].u64;
  }
  uint32_t EmitOp(Op op) {
    last_.at = UINT32_MAX;
    copy_at_ = UINT32_MAX;
    const uint32_t at = Here();
    out_->offsets.emplace_back(at, static_cast<uint32_t>(instr_offset_));
    out_->code.push_back(CodeWord{.op = handlers_[static_cast<int>(op)]});
    return at;
  }
  void Word(uint32_t lo, uint32_t hi) {
    CodeWord w;
    w.u32[0] = lo;
    w.u32[1] = hi;
    out_->code.push_back(w);
  }
  void Word64(uint64_t v) { out_->code.push_back(CodeWord{.u64 = v}); }
  // Copies right after one another become one instruction of up to four (dispatches saved).
  void EmitCopy(uint32_t dst, uint32_t src) {
    if (IsConstSlot(src)) {  // a constant is an immediate
      const uint64_t v = ConstValue(src);
      if (v <= UINT32_MAX) {
        EmitOp(Op::kConst);
        Word(dst, static_cast<uint32_t>(v));
      } else {
        EmitOp(Op::kConst64);
        Word(dst, 0);
        Word64(v);
      }
      return;
    }
    if (copy_at_ != UINT32_MAX && copy_end_ == Here()) {
      static constexpr Op kMore[] = {Op::kCopy2, Op::kCopy3, Op::kCopy4};
      const uint32_t n = Here() - copy_at_ - 1;  // copies in it so far
      out_->code[copy_at_].op = handlers_[static_cast<int>(kMore[n - 1])];
      Word(dst, src);
      copy_end_ = Here();
      if (n + 1 == 4) copy_at_ = UINT32_MAX;
      return;
    }
    const uint32_t at = EmitOp(Op::kCopy);
    Word(dst, src);
    copy_at_ = at;
    copy_end_ = Here();
  }
  // Records the instruction just emitted at `at` as producing the value on top of the stack.
  void SetLast(uint32_t at, Op op, const Entry& a = {}, const Entry& b = {}, bool compare = false) {
    last_ = {at, Here(), opd_.size() - 1, op, a, b, compare};
  }
  // Whether `e` (just popped) is the result of the last instruction, still retargetable.
  bool IsLastResult(const Entry& e) const {
    return last_.at != UINT32_MAX && last_.end == Here() && e.loc == Loc::kTemp &&
           last_.height == opd_.size() && e.slot == TempSlot(last_.height);
  }
  // Whether `e`, at stack position `height`, is the result of the last instruction, a `load`.
  bool IsLastLoad(const Entry& e, size_t height, Op load) const {
    return last_.at != UINT32_MAX && last_.end == Here() && last_.op == load &&
           e.loc == Loc::kTemp && last_.height == height && e.slot == TempSlot(height);
  }
  void EndBasicBlock() { block_open_ = false; }
  // A branch target is here: whatever was emitted before is no longer the only way in.
  void Label() {
    EndBasicBlock();
    last_.at = UINT32_MAX;
    add_at_ = UINT32_MAX;
    copy_at_ = UINT32_MAX;
  }
  void Patch(const Fixup& f, uint32_t target) {
    out_->code[f.word].u32[f.half] = static_cast<uint32_t>(static_cast<int32_t>(target - f.op_at));
  }
  void BranchTo(Ctrl& target, const Fixup& f) {
    if (target.opcode == 0x03) {
      Patch(f, target.loop_target);
    } else {
      target.fixups.push_back(f);
    }
  }
  // A conditional branch on `cond`: either a fused comparison (cmp != kCount: branch if
  // `a cmp b`, or its negation) or a test of cond's slot. Returns the fixup of its target.
  Fixup EmitCondBranch(bool when_true, Op cmp, const Entry& a, const Entry& b, const Entry& cond);
  Status Branch(uint32_t depth, bool conditional);
  Status BranchTable();
  Status End();
  Status Return();
  void EmitReturnOf(const std::vector<Entry>& vals, size_t height);

  const ModuleContext& ctx_;
  const Module& m_;
  Reader r_;
  FunctionCode* out_;
  const void* const* handlers_;
  bool metering_;
  bool block_open_ = false;
  size_t fuel_word_ = 0;
  size_t instr_offset_ = 0;
  uint32_t temp_base_ = 0;
  std::vector<ValType> locals_;
  std::vector<Entry> opd_;
  std::vector<uint32_t> lazy_;  // indices of the lazy entries of opd_, ascending
  std::vector<Entry> popped_;
  std::vector<Ctrl> ctrl_;
  std::unordered_map<uint64_t, uint32_t> const_index_;
  LastOp last_;
  std::vector<bool> unwritten_;  // by local: not written by any code compiled so far
  bool loop_seen_ = false;
  size_t consts_used_ = 0;         // a prefix of out_->consts: the ones read from their slots
  uint32_t copy_at_ = UINT32_MAX;  // the last instruction, if it is a Copy (see EmitCopy)
  uint32_t add_at_ = UINT32_MAX;   // the last add of an immediate (see EmitCondBranch)
  uint32_t copy_end_ = 0;
  size_t max_height_ = 0;
  bool done_ = false;
};

Status FunctionCompiler::Locals() {
  const FuncType& type = m_.types[out_->type_index];
  locals_ = type.params;
  uint32_t groups;
  RETURN_IF_ERROR(r_.U32(&groups));
  std::vector<std::pair<uint32_t, ValType>> decls;
  uint64_t total = locals_.size();
  for (uint32_t i = 0; i < groups; ++i) {
    instr_offset_ = r_.offset();
    uint32_t n;
    RETURN_IF_ERROR(r_.U32(&n));
    total += n;
    if (total > std::numeric_limits<uint32_t>::max()) return Malformed("too many locals");
    size_t at = r_.offset();
    uint8_t b;
    RETURN_IF_ERROR(r_.U8(&b));
    const ValType t = static_cast<ValType>(b);
    if (ValTypeName(t) == "?" || t == ValType::kV128)
      return Reader::Fail("malformed value type", at);
    decls.emplace_back(n, t);
  }
  if (total > ctx_.limits.max_locals) {
    return ErrorStatus(
        Error::kLimitExceeded, instr_offset_,
        "local count exceeds the engine limit of " + std::to_string(ctx_.limits.max_locals));
  }
  for (auto [n, t] : decls) {
    locals_.insert(locals_.end(), n, t);
    out_->local_types.insert(out_->local_types.end(), n, t);
  }
  return Status::Ok();
}

// Decodes the instruction sequence without validating it, so that a malformed body is reported
// as malformed even where a validation error would come first in the single main pass; collects
// the distinct constants (each gets a frame slot, filled at every call).
Status FunctionCompiler::ScanBody(Reader r) {
  auto add_const = [this](uint64_t bits) {
    if (const_index_.emplace(bits, static_cast<uint32_t>(out_->consts.size())).second) {
      out_->consts.push_back(bits);
    }
  };
  uint32_t depth = 1, u;
  uint8_t b;
  int32_t s32;
  int64_t s64;
  uint64_t u64;
  while (true) {
    const size_t at = r.offset();
    if (r.eof()) return Reader::Fail("unexpected end of function body (END opcode expected)", at);
    uint8_t op;
    RETURN_IF_ERROR(r.U8(&op));
    if (!IsKnownOpcode(op)) return Reader::Fail("illegal opcode " + std::to_string(op), at);
    switch (op) {
      case 0x02:
      case 0x03:
      case 0x04:
        RETURN_IF_ERROR(r.S33(&s64));
        ++depth;
        break;
      case 0x0B:
        if (--depth == 0) {
          if (!r.eof())
            return Reader::Fail("section size mismatch: bytes after the function's end",
                                r.offset());
          return Status::Ok();
        }
        break;
      case 0x0C:
      case 0x0D:
      case 0x10:
      case 0x20:
      case 0x21:
      case 0x22:
      case 0x23:
      case 0x24:
      case 0x25:
      case 0x26:
      case 0xD2:
        RETURN_IF_ERROR(r.U32(&u));
        break;
      case 0x0E: {
        uint32_t n;
        RETURN_IF_ERROR(r.U32(&n));
        for (uint64_t i = 0; i <= n; ++i) RETURN_IF_ERROR(r.U32(&u));
        break;
      }
      case 0x11:
        RETURN_IF_ERROR(r.U32(&u));
        RETURN_IF_ERROR(r.U32(&u));
        break;
      case 0x1C: {
        uint32_t n;
        RETURN_IF_ERROR(r.U32(&n));
        for (uint64_t i = 0; i < n; ++i) RETURN_IF_ERROR(r.U8(&b));
        break;
      }
      case 0x3F:
      case 0x40:
        RETURN_IF_ERROR(r.U8(&b));
        break;
      case 0xD0:
        RETURN_IF_ERROR(r.U8(&b));
        add_const(0);
        break;
      case 0x41:
        RETURN_IF_ERROR(r.S32(&s32));
        add_const(static_cast<uint32_t>(s32));
        break;
      case 0x42:
        RETURN_IF_ERROR(r.S64(&s64));
        add_const(static_cast<uint64_t>(s64));
        break;
      case 0x43:
        RETURN_IF_ERROR(r.Fixed32(&u));
        add_const(u);
        break;
      case 0x44:
        RETURN_IF_ERROR(r.Fixed64(&u64));
        add_const(u64);
        break;
      case 0xFC: {
        uint32_t sub;
        RETURN_IF_ERROR(r.U32(&sub));
        static constexpr int8_t kImms[] = {0, 0, 0, 0, 0, 0, 0, 0, 2, 1, 2, 1, 2, 1, 2, 1, 1, 1};
        if (sub >= sizeof(kImms))
          return Reader::Fail("illegal opcode 0xfc " + std::to_string(sub), at);
        // memory.init takes (u32, zero byte), memory.copy two zero bytes, memory.fill one.
        if (sub == 10 || sub == 11) {
          for (int i = 0; i < kImms[sub]; ++i) RETURN_IF_ERROR(r.U8(&b));
        } else {
          for (int i = 0; i < kImms[sub]; ++i) {
            if (sub == 8 && i == 1) {
              RETURN_IF_ERROR(r.U8(&b));
            } else {
              RETURN_IF_ERROR(r.U32(&u));
            }
          }
        }
        break;
      }
      default:
        if (op >= 0x28 && op <= 0x3E) {
          RETURN_IF_ERROR(r.U32(&u));
          RETURN_IF_ERROR(r.U32(&u));
        }
        break;
    }
  }
}

Status FunctionCompiler::BlockType(std::vector<ValType>* params, std::vector<ValType>* results) {
  int64_t v;
  RETURN_IF_ERROR(r_.S33(&v));
  if (v == -64) return Status::Ok();  // 0x40: []
  if (v < 0) {
    ValType t = static_cast<ValType>(v & 0x7F);
    if (ValTypeName(t) == "?") return Malformed("malformed block type");
    if (t == ValType::kV128) return Malformed("v128 (SIMD) is not supported by this engine");
    results->push_back(t);
    return Status::Ok();
  }
  if (static_cast<uint64_t>(v) >= m_.types.size()) return Fail("unknown type");
  *params = m_.types[v].params;
  *results = m_.types[v].results;
  return Status::Ok();
}

Status FunctionCompiler::MemArg(uint32_t natural_align_log2, uint32_t* offset) {
  uint32_t align;
  RETURN_IF_ERROR(r_.U32(&align));
  RETURN_IF_ERROR(r_.U32(offset));
  RETURN_IF_ERROR(CheckMemory());
  if (align > natural_align_log2) return Fail("alignment must not be larger than natural");
  return Status::Ok();
}

Fixup FunctionCompiler::EmitCondBranch(bool when_true, Op cmp, const Entry& a, const Entry& b,
                                       const Entry& cond) {
  if (cmp == Op::kI32Eqz || cmp == Op::kI64Eqz) {  // branch if zero = branch unless nonzero
    const bool wide = cmp == Op::kI64Eqz;
    const Op op =
        when_true ? (wide ? Op::kBrUnless64 : Op::kBrUnless) : (wide ? Op::kBrIf64 : Op::kBrIf);
    const uint32_t at = EmitOp(op);
    Word(0, Use(a));
    return {at, at + 1, 0};
  }
  if (cmp != Op::kCount) {
    struct Pair {
      Op yes, no;
    };
    static const auto* kBranches = [] {
      static Pair table[static_cast<int>(Op::kCount)] = {};
#define PHX_VM_BR_ROW(name, get, op, negation)                               \
  table[static_cast<int>(Op::k##name)] = {Op::kBr##name, Op::kBr##negation}; \
  table[static_cast<int>(Op::k##name##Imm)] = {Op::kBr##name##Imm, Op::kBr##negation##Imm};
      PHX_VM_BRANCH_CMP_OPS(PHX_VM_BR_ROW)
#undef PHX_VM_BR_ROW
      return table;
    }();
    const Pair& p = kBranches[static_cast<int>(cmp)];
    const Op br = when_true ? p.yes : p.no;
    const uint32_t b_operand = IsImmOp(cmp) ? static_cast<uint32_t>(ConstValue(b.slot)) : Use(b);
    // The add of an immediate just before, whose result is a: one instruction for both.
    const bool wide = (cmp >= Op::kI64Eq && cmp <= Op::kI64GeU) ||
                      (cmp >= ImmOf(Op::kI64Eq) && cmp <= ImmOf(Op::kI64GeU));
    const Op add = ImmOf(wide ? Op::kI64Add : Op::kI32Add);
    auto& code = out_->code;
    if (add_at_ != UINT32_MAX && add_at_ + 3 == Here() &&
        code[add_at_].op == handlers_[static_cast<int>(add)] &&
        code[add_at_ + 1].u32[0] == a.slot && a.loc != Loc::kConst) {
      const CodeWord to_from = code[add_at_ + 1];
      const uint32_t added = code[add_at_ + 2].u32[1];
      code.resize(add_at_);
      if (!out_->offsets.empty() && out_->offsets.back().first == add_at_) out_->offsets.pop_back();
      add_at_ = UINT32_MAX;
      const int fused = br >= Op::kBrI32EqImm
                            ? static_cast<int>(Op::kBrAddI32EqImm) +
                                  (static_cast<int>(br) - static_cast<int>(Op::kBrI32EqImm))
                            : static_cast<int>(Op::kBrAddI32Eq) +
                                  (static_cast<int>(br) - static_cast<int>(Op::kBrI32Eq));
      const uint32_t at = EmitOp(static_cast<Op>(fused));
      code.push_back(to_from);
      Word(added, b_operand);
      Word(0, 0);
      return {at, at + 3, 0};
    }
    const uint32_t at = EmitOp(br);
    Word(Use(a), b_operand);
    Word(0, 0);
    return {at, at + 2, 0};
  }
  const uint32_t at = EmitOp(when_true ? Op::kBrIf : Op::kBrUnless);
  Word(0, Use(cond));
  return {at, at + 1, 0};
}

// br and br_if. The label's values move to the target's stack slots (no code when they are
// there already); a branch to the function's own label is a return.
Status FunctionCompiler::Branch(uint32_t depth, bool conditional) {
  Entry cond, a, b;
  Op cmp = Op::kCount;
  if (conditional) {
    RETURN_IF_ERROR(PopExpect(ValType::kI32, &cond));
    if (Live() && IsLastResult(cond) && last_.compare) {
      // Fuse: drop the comparison's code, branch on its operands instead.
      cmp = last_.op;
      a = last_.a;
      b = last_.b;
      out_->code.resize(last_.at);
      out_->offsets.pop_back();
      last_.at = UINT32_MAX;
    }
  }
  if (depth >= ctrl_.size()) return Fail("unknown label");
  Ctrl& target = ctrl_[ctrl_.size() - 1 - depth];
  const auto& labels = target.labels();
  RETURN_IF_ERROR(PopAll(labels));
  const size_t height = opd_.size();
  if (conditional) {
    for (size_t i = 0; i < popped_.size(); ++i) {  // br_if falls through with the values
      Entry e = popped_[i];
      e.type = labels[i];  // (the label's type, where unreachable code left it unknown)
      PushEntry(e);
    }
  }
  if (!Live()) return Status::Ok();
  const size_t keep = labels.size();
  const bool to_function = depth == ctrl_.size() - 1;
  bool moves = to_function;
  for (size_t i = 0; i < keep && !moves; ++i) {
    moves = popped_[i].slot != TempSlot(target.height + i);
  }
  if (conditional && !moves) {
    BranchTo(target, EmitCondBranch(true, cmp, a, b, cond));
    return Status::Ok();
  }
  // Conditional with moves: skip the moves and the jump unless the condition holds.
  Fixup skip{};
  if (conditional) skip = EmitCondBranch(false, cmp, a, b, cond);
  if (to_function) {
    EmitReturnOf(popped_, height);
  } else {
    for (size_t i = 0; i < keep; ++i) {
      if (popped_[i].slot != TempSlot(target.height + i)) {
        EmitCopy(TempSlot(target.height + i), popped_[i].slot);
      }
    }
    const uint32_t at = EmitOp(Op::kJump);
    Word(0, 0);
    BranchTo(target, {at, at + 1, 0});
  }
  if (conditional) Patch(skip, Here());
  return Status::Ok();
}

// Returns the values `vals` (the top of the stack, whose bottom is at `height`).
void FunctionCompiler::EmitReturnOf(const std::vector<Entry>& vals, size_t height) {
  if (vals.size() == 1) {
    const uint32_t at = EmitOp(Op::kReturn1);
    Word(Use(vals[0]), 0);
    (void)at;
    return;
  }
  for (size_t i = 0; i < vals.size(); ++i) {
    if (vals[i].slot != TempSlot(height + i)) EmitCopy(TempSlot(height + i), vals[i].slot);
  }
  EmitOp(Op::kReturn);
  Word(static_cast<uint32_t>(vals.size()), TempSlot(height));
}

Status FunctionCompiler::BranchTable() {
  uint32_t n;
  RETURN_IF_ERROR(r_.U32(&n));
  if (n > ctx_.limits.max_br_table_targets) {
    return ErrorStatus(Error::kLimitExceeded, instr_offset_,
                       "br_table size exceeds the engine limit of " +
                           std::to_string(ctx_.limits.max_br_table_targets));
  }
  std::vector<uint32_t> depths(n + 1);
  for (auto& d : depths) RETURN_IF_ERROR(r_.U32(&d));
  Entry index;
  RETURN_IF_ERROR(PopExpect(ValType::kI32, &index));
  for (uint32_t d : depths) {
    if (d >= ctrl_.size()) return Fail("unknown label");
  }
  const size_t arity = ctrl_[ctrl_.size() - 1 - depths.back()].labels().size();
  for (uint32_t d : depths) {
    const auto& labels = ctrl_[ctrl_.size() - 1 - d].labels();
    if (labels.size() != arity) return Fail("type mismatch: br_table targets differ in arity");
    // Check each target against the stack without consuming it (values may be polymorphic).
    std::vector<Entry> saved = opd_;
    std::vector<uint32_t> saved_lazy = lazy_;
    RETURN_IF_ERROR(PopAll(labels));
    opd_ = std::move(saved);
    lazy_ = std::move(saved_lazy);
  }
  if (Live()) {
    // The handler copies `arity` consecutive slots: the values must be in their stack slots.
    while (!lazy_.empty() && lazy_.back() + arity >= opd_.size()) Materialize(lazy_.back());
    const size_t src = opd_.size() - arity;
    const uint32_t at = EmitOp(Op::kBrTable);
    Word(n, Use(index));
    for (size_t i = 0; i < depths.size(); ++i) {
      Ctrl& t = ctrl_[ctrl_.size() - 1 - depths[i]];
      const bool moves = arity > 0 && t.height != src;
      Word(0, moves ? static_cast<uint32_t>(arity) : 0);
      Word(TempSlot(src), TempSlot(t.height));
      BranchTo(t, {at, static_cast<uint32_t>(at + 1 + 2 * i + 1), 0});
    }
  }
  RETURN_IF_ERROR(PopAll(ctrl_[ctrl_.size() - 1 - depths.back()].labels()));
  SetUnreachable();
  return Status::Ok();
}

Status FunctionCompiler::Return() {
  RETURN_IF_ERROR(PopAll(ctrl_.front().results));
  if (Live()) EmitReturnOf(popped_, opd_.size());
  SetUnreachable();
  return Status::Ok();
}

Status FunctionCompiler::End() {
  Ctrl& c = ctrl_.back();
  if (c.opcode == 0x00) {
    // The function's end: branches to the function's label land on its return.
    const bool branched_to = !c.fixups.empty();
    if (branched_to) MaterializeAll();
    RETURN_IF_ERROR(PopAll(c.results));
    if (opd_.size() != c.height) return Fail("type mismatch: values remain at the end of a block");
    if (branched_to) {
      for (const Fixup& f : c.fixups) Patch(f, Here());
      c.unreachable = false;  // the return is reached by those branches
      Label();
      for (size_t i = 0; i < popped_.size(); ++i)
        popped_[i] = {c.results[i], Loc::kTemp, TempSlot(i)};
    }
    Charge();
    if (Live()) EmitReturnOf(popped_, 0);
    ctrl_.pop_back();
    done_ = true;
    return Status::Ok();
  }
  MaterializeAll();  // the results in their stack slots, as branches to here leave them
  RETURN_IF_ERROR(PopAll(c.results));
  if (opd_.size() != c.height) return Fail("type mismatch: values remain at the end of a block");
  if (c.opcode == 0x04 && c.params != c.results) {
    return Fail("type mismatch: if without else must leave its parameters as its results");
  }
  const uint32_t here = Here();
  if (c.has_else_fixup) Patch(c.else_fixup, here);
  for (const Fixup& f : c.fixups) Patch(f, here);
  Label();
  std::vector<ValType> results = std::move(c.results);
  ctrl_.pop_back();
  PushAll(results);
  return Status::Ok();
}

Status FunctionCompiler::Run() {
  RETURN_IF_ERROR(Locals());
  const FuncType& type = m_.types[out_->type_index];
  out_->num_params = type.params.size();
  out_->num_results = type.results.size();
  out_->num_locals = locals_.size();
  RETURN_IF_ERROR(ScanBody(r_));
  temp_base_ = out_->num_locals + static_cast<uint32_t>(out_->consts.size());
  unwritten_.assign(out_->num_locals, true);
  out_->body_offset = r_.offset();
  Ctrl fn;
  fn.results = type.results;
  ctrl_.push_back(std::move(fn));
  while (!done_) {
    instr_offset_ = r_.offset();
    if (r_.eof()) return Malformed("unexpected end of function body (END opcode expected)");
    uint8_t opcode;
    RETURN_IF_ERROR(r_.U8(&opcode));
    RETURN_IF_ERROR(Instruction(opcode));
  }
  if (!r_.eof())
    return Reader::Fail("section size mismatch: bytes after the function's end", r_.offset());
  const uint64_t slots = uint64_t{temp_base_} + max_height_;
  if (slots > std::numeric_limits<uint32_t>::max() / 2) return Fail("function frame too large");
  out_->max_frame_slots = static_cast<uint32_t>(slots);
  out_->consts.resize(consts_used_);
  out_->code.shrink_to_fit();
  return Status::Ok();
}

}  // namespace

bool IsKnownOpcode(uint8_t op) {
  return op <= 0x05 || (op >= 0x0B && op <= 0x11) || (op >= 0x1A && op <= 0x1C) ||
         (op >= 0x20 && op <= 0x26) || (op >= 0x28 && op <= 0xC4) || (op >= 0xD0 && op <= 0xD2) ||
         op == 0xFC;
}

Status CompileFunction(const ModuleContext& ctx, ByteView body, size_t body_offset,
                       FunctionCode* out) {
  return FunctionCompiler(ctx, body, body_offset, out).Run();
}

}  // namespace phalanx::vm::internal

#include "compiler_instructions.inc"
