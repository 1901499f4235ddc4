// One pass over a function body that both validates it (spec section 3.3, the algorithm of the
// appendix) and emits the interpreter's code: direct-threaded words (handler address, then
// immediates), branch targets resolved to relative word offsets, stack drops precomputed, and
// one Fuel instruction at the head of every basic block carrying the block's instruction count.
// Unreachable code is validated but not emitted.
#include "compiler.h"

#include <limits>

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

struct Ctrl {
  uint8_t opcode = 0;  // 0x02 block, 0x03 loop, 0x04 if, 0x05 else, 0x00 the function
  std::vector<ValType> params;
  std::vector<ValType> results;
  size_t height = 0;  // operand stack height below the block's params
  bool unreachable = false;
  bool dead = false;  // entered from unreachable code: nothing inside is emitted
  uint32_t loop_target = 0;
  std::vector<std::pair<uint32_t, uint32_t>> fixups;  // (op word, immediate word) -> end
  int64_t else_op = -1;                               // the if's BrUnless op word
  const std::vector<ValType>& labels() const { return opcode == 0x03 ? params : results; }
};

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
  void Push(ValType t) {
    opd_.push_back(t);
    if (opd_.size() > max_height_) max_height_ = opd_.size();
  }
  void PushAll(const std::vector<ValType>& ts) {
    for (ValType t : ts) Push(t);
  }
  Status Pop(ValType* out) {
    const Ctrl& c = ctrl_.back();
    if (opd_.size() == c.height) {
      if (c.unreachable) {
        *out = kAny;
        return Status::Ok();
      }
      return Fail("type mismatch: operand stack underflow");
    }
    *out = opd_.back();
    opd_.pop_back();
    return Status::Ok();
  }
  Status PopExpect(ValType want) {
    ValType got = kAny;
    RETURN_IF_ERROR(Pop(&got));
    if (got != want && got != kAny && want != kAny) {
      return Fail("type mismatch: expected " + std::string(ValTypeName(want)) + ", found " +
                  std::string(ValTypeName(got)));
    }
    return Status::Ok();
  }
  Status PopAll(const std::vector<ValType>& ts) {
    for (size_t i = ts.size(); i-- > 0;) RETURN_IF_ERROR(PopExpect(ts[i]));
    return Status::Ok();
  }
  void SetUnreachable() {
    opd_.resize(ctrl_.back().height);
    ctrl_.back().unreachable = true;
    block_open_ = false;
  }

  // Emission.
  bool Live() const { return !ctrl_.back().unreachable && !ctrl_.back().dead; }
  uint32_t Here() const { return static_cast<uint32_t>(out_->code.size()); }
  uint32_t Emit(Op op, std::initializer_list<uint64_t> imms = {}) {
    if (!Live()) return UINT32_MAX;
    auto& code = out_->code;
    if (metering_ && !block_open_) {
      code.push_back(CodeWord{.op = handlers_[static_cast<int>(Op::kFuel)]});
      fuel_word_ = code.size();
      code.push_back(CodeWord{.u64 = 0});
      block_open_ = true;
    }
    if (metering_) ++code[fuel_word_].u64;
    uint32_t at = Here();
    out_->offsets.emplace_back(at, static_cast<uint32_t>(instr_offset_));
    code.push_back(CodeWord{.op = handlers_[static_cast<int>(op)]});
    for (uint64_t imm : imms) code.push_back(CodeWord{.u64 = imm});
    return at;
  }
  void EndBasicBlock() { block_open_ = false; }
  void Patch(uint32_t op_at, uint32_t imm_at, uint32_t target) {
    out_->code[imm_at].u64 = static_cast<uint32_t>(static_cast<int32_t>(target - op_at));
  }
  Status Branch(uint32_t depth, Op plain, Op with_drop);
  Status BranchTable();
  Status End();

  const ModuleContext& ctx_;
  const Module& m_;
  Reader r_;
  FunctionCode* out_;
  const void* const* handlers_;
  bool metering_;
  bool block_open_ = false;
  size_t fuel_word_ = 0;
  size_t instr_offset_ = 0;
  std::vector<ValType> locals_;
  std::vector<ValType> opd_;
  std::vector<Ctrl> ctrl_;
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
// as malformed even where a validation error would come first in the single main pass.
Status CheckSyntax(Reader r) {
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
      case 0xD0:
        RETURN_IF_ERROR(r.U8(&b));
        break;
      case 0x41:
        RETURN_IF_ERROR(r.S32(&s32));
        break;
      case 0x42:
        RETURN_IF_ERROR(r.S64(&s64));
        break;
      case 0x43:
        RETURN_IF_ERROR(r.Fixed32(&u));
        break;
      case 0x44:
        RETURN_IF_ERROR(r.Fixed64(&u64));
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

// br / br_if: `plain` when no values need dropping, else `with_drop` with (drop | keep << 32).
Status FunctionCompiler::Branch(uint32_t depth, Op plain, Op with_drop) {
  if (depth >= ctrl_.size()) return Fail("unknown label");
  Ctrl& target = ctrl_[ctrl_.size() - 1 - depth];
  const auto& labels = target.labels();
  RETURN_IF_ERROR(PopAll(labels));
  if (plain == Op::kBrIf) PushAll(labels);  // br_if falls through with the values
  if (!Live()) return Status::Ok();
  const size_t keep = labels.size();
  const size_t height = opd_.size() + (plain == Op::kBrIf ? 0 : keep);
  const uint64_t drop = height - keep - target.height;
  uint32_t at = drop == 0 ? Emit(plain, {0}) : Emit(with_drop, {0, drop | (keep << 32)});
  if (target.opcode == 0x03) {
    Patch(at, at + 1, target.loop_target);
  } else {
    target.fixups.emplace_back(at, at + 1);
  }
  return Status::Ok();
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
  RETURN_IF_ERROR(PopExpect(ValType::kI32));
  for (uint32_t d : depths) {
    if (d >= ctrl_.size()) return Fail("unknown label");
  }
  const size_t arity = ctrl_[ctrl_.size() - 1 - depths.back()].labels().size();
  for (uint32_t d : depths) {
    const auto& labels = ctrl_[ctrl_.size() - 1 - d].labels();
    if (labels.size() != arity) return Fail("type mismatch: br_table targets differ in arity");
    // Check each target against the stack without consuming it (values may be polymorphic).
    std::vector<ValType> saved = opd_;
    RETURN_IF_ERROR(PopAll(labels));
    opd_ = std::move(saved);
  }
  if (Live()) {
    std::vector<uint64_t> imms;
    imms.push_back(n);
    for (uint32_t d : depths) {
      const Ctrl& t = ctrl_[ctrl_.size() - 1 - d];
      imms.push_back(0);
      imms.push_back((opd_.size() - arity - t.height) | (uint64_t{arity} << 32));
    }
    uint32_t at = Emit(Op::kBrTable, {});
    out_->code.insert(out_->code.end(), imms.size(), CodeWord{.u64 = 0});
    for (size_t i = 0; i < imms.size(); ++i) out_->code[at + 1 + i].u64 = imms[i];
    for (size_t i = 0; i < depths.size(); ++i) {
      Ctrl& t = ctrl_[ctrl_.size() - 1 - depths[i]];
      uint32_t imm_at = at + 2 + 2 * i;
      if (t.opcode == 0x03) {
        Patch(at, imm_at, t.loop_target);
      } else {
        t.fixups.emplace_back(at, imm_at);
      }
    }
  }
  RETURN_IF_ERROR(PopAll(ctrl_[ctrl_.size() - 1 - depths.back()].labels()));
  SetUnreachable();
  return Status::Ok();
}

Status FunctionCompiler::End() {
  Ctrl& c = ctrl_.back();
  RETURN_IF_ERROR(PopAll(c.results));
  if (opd_.size() != c.height) return Fail("type mismatch: values remain at the end of a block");
  if (c.opcode == 0x04 && c.params != c.results) {
    return Fail("type mismatch: if without else must leave its parameters as its results");
  }
  if (c.opcode == 0x00) {
    // The function's end: branches to the function's label land on its return.
    for (auto [op_at, imm_at] : c.fixups) Patch(op_at, imm_at, Here());
    if (!c.fixups.empty()) c.unreachable = false;  // the return is reached by those branches
    EndBasicBlock();
    opd_.insert(opd_.end(), c.results.begin(), c.results.end());
    Emit(Op::kReturn, {c.results.size()});
    ctrl_.pop_back();
    done_ = true;
    return Status::Ok();
  }
  const uint32_t here = Here();
  if (c.else_op >= 0) Patch(c.else_op, c.else_op + 1, here);
  for (auto [op_at, imm_at] : c.fixups) Patch(op_at, imm_at, here);
  EndBasicBlock();
  std::vector<ValType> results = std::move(c.results);
  ctrl_.pop_back();
  PushAll(results);
  return Status::Ok();
}

Status FunctionCompiler::Run() {
  RETURN_IF_ERROR(Locals());
  RETURN_IF_ERROR(CheckSyntax(r_));
  const FuncType& type = m_.types[out_->type_index];
  out_->num_params = type.params.size();
  out_->num_results = type.results.size();
  out_->num_locals = locals_.size();
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
  out_->max_frame_slots = out_->num_locals + max_height_;
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
