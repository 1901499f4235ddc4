// The threaded interpreter: one function whose instructions are labels, dispatched with
// computed goto from the handler address stored in each code word (direct threading). Values
// live in one preallocated slot array; each frame is [locals | constants | operand stack] and
// every instruction names its operand and result slots (see compiler.cc), so there is no stack
// pointer to maintain. Calls between wasm functions push a Frame and never recurse in C++ or
// allocate: the callee's frame starts at the caller's argument slots. Traps are values.
#include <bit>
#include <cstring>

#include "numeric.h"
#include "ops.h"
#include "phalanx/vm/instance.h"

namespace phalanx::vm {

struct Machine::Frame {
  const CodeWord* ret_pc;
  uint64_t* fp;
  const FunctionInstance* func;
};

namespace {
using namespace internal;

inline uint32_t U32(uint64_t s) { return static_cast<uint32_t>(s); }
inline int32_t S32(uint64_t s) { return static_cast<int32_t>(s); }
inline int64_t S64(uint64_t s) { return static_cast<int64_t>(s); }
inline float F32(uint64_t s) { return std::bit_cast<float>(static_cast<uint32_t>(s)); }
inline double F64(uint64_t s) { return std::bit_cast<double>(s); }
inline uint64_t FromF32Bits(float f) { return std::bit_cast<uint32_t>(f); }
inline uint64_t FromF64Bits(double d) { return std::bit_cast<uint64_t>(d); }

bool SameType(const FuncType& a, const FuncType& b) {
  return a.params == b.params && a.results == b.results;
}

// Zeroes the declared locals and copies the constants in (the parameters are in place).
// (Loops, not memset/memcpy: frames are small and a library call costs more than the copy.)
inline void EnterFrame(uint64_t* fp, const FunctionCode& code) {
  uint64_t* p = fp + code.num_params;
  uint64_t* const locals_end = fp + code.num_locals;
  while (p < locals_end) {
    *p++ = 0;
    asm("" : "+r"(p));  // keeps GCC from turning the loop back into a memset call
  }
  for (const uint64_t *c = code.consts.data(), *end = c + code.consts.size(); c < end;) {
    *p++ = *c++;
    asm("" : "+r"(p));
  }
}

}  // namespace

struct Interpreter {
  // Runs `entry` (a wasm function) with its arguments at fp[0..params); leaves its results at
  // fp[0..results). With m == nullptr, returns the handler table through `handlers` instead.
  static std::optional<Trap> Run(Machine* m, const FunctionInstance* entry, uint64_t* fp,
                                 const void* const** handlers);
  [[gnu::noinline]] static std::optional<TrapKind> CallHost(Machine* m,
                                                            const FunctionInstance* callee,
                                                            Instance* caller, uint64_t* sp,
                                                            uint32_t depth, std::string* message);
};

std::optional<Trap> Interpreter::Run(Machine* m, const FunctionInstance* entry, uint64_t* fp,
                                     const void* const** handlers) {
  static const void* const kHandlers[] = {
#define PHX_VM_LABEL(name) &&L_##name,
#define PHX_VM_NUM_LABEL(name, opcode, a, b, r) &&L_##name,
#define PHX_VM_BR_LABEL(name, get, op, negation) &&L_Br##name,
#define PHX_VM_NUM_IMM_LABEL(name, opcode, a, b, r) PHX_VM_IMM_LABEL_##b(name)
#define PHX_VM_IMM_LABEL__(name) &&L_Unreachable,  // unary: no immediate form (never emitted)
#define PHX_VM_IMM_LABEL_I(name) &&L_##name##Imm,
#define PHX_VM_IMM_LABEL_L(name) &&L_##name##Imm,
#define PHX_VM_IMM_LABEL_F(name) &&L_##name##Imm,
#define PHX_VM_IMM_LABEL_D(name) &&L_##name##Imm,
#define PHX_VM_BR_IMM_LABEL(name, get, op, negation) &&L_Br##name##Imm,
#define PHX_VM_MEM_LABEL(name, form, type, get, put, expr, load) &&L_##name##form,
#define PHX_VM_BR_ADD_LABEL(name, get, op, negation) &&L_BrAdd##name,
#define PHX_VM_BR_ADD_IMM_LABEL(name, get, op, negation) &&L_BrAdd##name##Imm,
#define PHX_VM_SHIFTED_LABEL(name, shift, get, put, expr, shifted) &&L_##name##shift,
      PHX_VM_CONTROL_OPS(PHX_VM_LABEL) PHX_VM_NUMERIC_OPS(PHX_VM_NUM_LABEL)
              PHX_VM_SAT_OPS(PHX_VM_NUM_LABEL) PHX_VM_BRANCH_CMP_OPS(PHX_VM_BR_LABEL)
                  PHX_VM_NUMERIC_OPS(PHX_VM_NUM_IMM_LABEL)
                      PHX_VM_BRANCH_CMP_OPS(PHX_VM_BR_IMM_LABEL)
                          PHX_VM_MEM_OPERAND_OPS(PHX_VM_MEM_LABEL)
                              PHX_VM_BRANCH_CMP_OPS(PHX_VM_BR_ADD_LABEL)
                                  PHX_VM_BRANCH_CMP_OPS(PHX_VM_BR_ADD_IMM_LABEL)
                                      PHX_VM_SHIFTED_OPS(PHX_VM_SHIFTED_LABEL) &&
          L_Copy3,
      &&L_Copy4,
#undef PHX_VM_LABEL
#undef PHX_VM_NUM_LABEL
#undef PHX_VM_BR_LABEL
#undef PHX_VM_NUM_IMM_LABEL
#undef PHX_VM_IMM_LABEL__
#undef PHX_VM_IMM_LABEL_I
#undef PHX_VM_IMM_LABEL_L
#undef PHX_VM_IMM_LABEL_F
#undef PHX_VM_IMM_LABEL_D
#undef PHX_VM_BR_IMM_LABEL
#undef PHX_VM_MEM_LABEL
#undef PHX_VM_BR_ADD_LABEL
#undef PHX_VM_BR_ADD_IMM_LABEL
#undef PHX_VM_SHIFTED_LABEL
  };
  static_assert(sizeof(kHandlers) / sizeof(kHandlers[0]) == static_cast<size_t>(Op::kCount));
  if (m == nullptr) {
    *handlers = kHandlers;
    return std::nullopt;
  }

  Machine::Frame* const frames = m->frames_.get();
  uint64_t* const stack_end = m->stack_.data() + m->stack_.size();
  const uint32_t max_depth = m->limits_.max_call_depth;
  const uint32_t base_depth = m->depth_ + 1;
  uint32_t depth = base_depth;
  uint64_t fuel = m->fuel_;
  TrapKind trap_kind = TrapKind::kUnreachable;
  std::string trap_message;

  const FunctionInstance* cur = entry;
  Instance* inst = cur->instance;
  MemoryInstance* mem = nullptr;
  uint8_t* mem_base = nullptr;
  uint64_t mem_size = 0;
  const CodeWord* pc = cur->code->code.data();
  const CodeWord* ret_pc = nullptr;
  const FunctionInstance* callee = nullptr;
  uint64_t* args = nullptr;

#define REFRESH_MEMORY()                                              \
  do {                                                                \
    mem = inst->memories.empty() ? nullptr : inst->memories[0].get(); \
    mem_base = mem ? mem->data() : nullptr;                           \
    mem_size = mem ? mem->size_bytes() : 0;                           \
  } while (0)
#define NEXT(n)    \
  do {             \
    pc += (n);     \
    goto * pc->op; \
  } while (0)
#define TRAP(kind)                 \
  do {                             \
    trap_kind = TrapKind::k##kind; \
    goto trap;                     \
  } while (0)

  REFRESH_MEMORY();
  if (m->depth_ >= max_depth) {
    pc = nullptr;
    TRAP(CallStackExhausted);
  }
  {
    const FunctionCode* code = cur->code;
    if (fp + code->max_frame_slots > stack_end) {
      pc = nullptr;
      TRAP(CallStackExhausted);
    }
    EnterFrame(fp, *code);
  }
  goto * pc->op;

#include "interpreter_ops.inc"

trap : {
  m->fuel_ = fuel;
  Trap t;
  t.kind = trap_kind;
  t.func_index = cur->func_index;
  t.code_offset = pc ? cur->code->OffsetOf(pc - cur->code->code.data()) : cur->code->body_offset;
  t.message = std::move(trap_message);
  return t;
}
done:
  m->fuel_ = fuel;
  return std::nullopt;
#undef NEXT
#undef TRAP
#undef REFRESH_MEMORY
}

// Calls a host function with the arguments on top of the value stack (`sp` is one past them)
// and writes its results in their place (ascending: a result never overwrites an unread one). Kept
// out of the interpreter loop: it owns objects with destructors, which computed goto may not jump
// across.
std::optional<TrapKind> Interpreter::CallHost(Machine* m, const FunctionInstance* callee,
                                              Instance* caller, uint64_t* sp, uint32_t depth,
                                              std::string* message) {
  const size_t np = callee->type.params.size(), nr = callee->type.results.size();
  uint64_t* const args = sp - np;
  // The results go just above the arguments (no allocation), then move down onto them.
  uint64_t* const res = sp;
  if (nr > static_cast<size_t>(m->stack_.data() + m->stack_.size() - sp)) {
    return TrapKind::kCallStackExhausted;
  }
  const size_t saved_used = m->stack_used_;
  const uint32_t saved_depth = m->depth_;
  m->stack_used_ = res + nr - m->stack_.data();  // a re-entrant call starts above them
  m->depth_ = depth;
  m->host_out_of_fuel_ = false;
  HostContext ctx(*m, caller);
  Status s = callee->host(ctx, std::span<const uint64_t>(args, np), std::span<uint64_t>(res, nr));
  m->stack_used_ = saved_used;
  m->depth_ = saved_depth;
  if (!s.ok()) {
    *message = std::string(s.message());
    return m->host_out_of_fuel_ ? TrapKind::kOutOfFuel : TrapKind::kHost;
  }
  for (size_t i = 0; i < nr; ++i) args[i] = res[i];
  return std::nullopt;
}

namespace internal {
const void* const* OpHandlers() {
  static const void* const* table = [] {
    const void* const* h = nullptr;
    (void)Interpreter::Run(nullptr, nullptr, nullptr, &h);
    return h;
  }();
  return table;
}
}  // namespace internal

Machine::Machine(const Limits& limits)
    : limits_(limits),
      stack_(limits.max_value_stack_bytes / 8),
      frames_(new Frame[limits.max_call_depth + 2]) {}
Machine::~Machine() = default;

Result<ExecOutcome> Machine::Call(const FunctionInstance& func, std::span<const Value> args) {
  const FuncType& type = func.type;
  if (args.size() != type.params.size()) {
    return InvalidArgument("function takes " + std::to_string(type.params.size()) +
                           " arguments, got " + std::to_string(args.size()));
  }
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].type != type.params[i]) {
      return InvalidArgument("argument " + std::to_string(i) + " must be " +
                             std::string(ValTypeName(type.params[i])) + ", got " +
                             std::string(ValTypeName(args[i].type)));
    }
  }
  const size_t need = std::max(args.size(), type.results.size());
  if (stack_used_ + need > stack_.size()) {
    ExecOutcome out;
    out.trap = Trap{TrapKind::kCallStackExhausted, func.func_index, 0, ""};
    return out;
  }
  uint64_t* base = stack_.data() + stack_used_;
  for (size_t i = 0; i < args.size(); ++i) base[i] = args[i].bits;
  ExecOutcome out;
  if (func.host) {
    std::vector<uint64_t> results(type.results.size());
    HostContext ctx(*this, nullptr);
    host_out_of_fuel_ = false;
    Status s = func.host(ctx, std::span<const uint64_t>(base, args.size()), results);
    if (!s.ok()) {
      out.trap = Trap{host_out_of_fuel_ ? TrapKind::kOutOfFuel : TrapKind::kHost, func.func_index,
                      0, std::string(s.message())};
      return out;
    }
    std::copy(results.begin(), results.end(), base);
  } else {
    out.trap = Interpreter::Run(this, &func, base, nullptr);
    if (out.trap) return out;
  }
  out.results.reserve(type.results.size());
  for (size_t i = 0; i < type.results.size(); ++i) {
    uint64_t bits = base[i];
    if (type.results[i] == ValType::kI32 || type.results[i] == ValType::kF32) bits &= 0xFFFFFFFFu;
    out.results.push_back({type.results[i], bits});
  }
  return out;
}

Result<ExecOutcome> Machine::Invoke(const Instance& instance, std::string_view name,
                                    std::span<const Value> args) {
  const Export* e = instance.module().FindExport(name);
  if (e == nullptr || e->kind != ExternKind::kFunc) {
    return NotFound("the module exports no function named '" + std::string(name) + "'");
  }
  return Call(*instance.funcs[e->index], args);
}

MemoryInstance* HostContext::memory() {
  if (caller_ == nullptr || caller_->memories.empty()) return nullptr;
  return caller_->memories[0].get();
}

Status HostContext::ChargeFuel(uint64_t amount) {
  if (machine_.fuel_ < amount) {
    machine_.fuel_ = 0;
    machine_.host_out_of_fuel_ = true;
    return LimitExceeded("out of fuel");
  }
  machine_.fuel_ -= amount;
  return Status::Ok();
}

}  // namespace phalanx::vm
