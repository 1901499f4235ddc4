// The interpreter's internal instruction set. Control, variable, memory and table instructions
// are listed in PHX_VM_CONTROL_OPS; numeric instructions, which map one to one from a wasm
// opcode, in PHX_VM_NUMERIC_OPS with their wasm opcode and operand/result types
// (I = i32, L = i64, F = f32, D = f64, _ = none) so the compiler can validate them from the table.
#pragma once

#include <cstdint>

namespace phalanx::vm::internal {

// clang-format off
// Operands are frame slots (fp-relative indices: locals, then constants, then the operand stack's
// temporaries); immediate layouts are documented in interpreter_ops.inc next to each handler.
#define PHX_VM_CONTROL_OPS(X) \
  X(Unreachable)              \
  X(Fuel)                     \
  X(Jump)                     \
  X(BrIf)                     \
  X(BrUnless)                 \
  X(BrIf64)                   \
  X(BrUnless64)               \
  X(BrTable)                  \
  X(Return)                   \
  X(Return1)                  \
  X(Call)                     \
  X(CallIndirect)             \
  X(Copy)                     \
  X(Copy2)                    \
  X(Select)                   \
  X(GlobalGet)                \
  X(GlobalSet)                \
  X(TableGet)                 \
  X(TableSet)                 \
  X(TableSize)                \
  X(TableGrow)                \
  X(TableFill)                \
  X(TableCopy)                \
  X(TableInit)                \
  X(ElemDrop)                 \
  X(RefFunc)                  \
  X(MemorySize)               \
  X(MemoryGrow)               \
  X(MemoryInit)               \
  X(DataDrop)                 \
  X(MemoryCopy)               \
  X(MemoryFill)               \
  X(I32Load)                  \
  X(I64Load)                  \
  X(I32Load8S)                \
  X(I32Load8U)                \
  X(I32Load16S)               \
  X(I32Load16U)               \
  X(I64Load8S)                \
  X(I64Load8U)                \
  X(I64Load16S)               \
  X(I64Load16U)               \
  X(I64Load32S)               \
  X(I64Load32U)               \
  X(I32Store)                 \
  X(I64Store)                 \
  X(I32Store8)                \
  X(I32Store16)               \
  X(I32WrapI64)               \
  X(Const)                    \
  X(Const64)

// A comparison fused with the conditional branch that consumes it: (compare op, how its
// operands are read, C++ operator, the comparison that is its negation).
#define PHX_VM_BRANCH_CMP_OPS(X)   \
  X(I32Eq, U32, ==, I32Ne)         \
  X(I32Ne, U32, !=, I32Eq)         \
  X(I32LtS, S32, <, I32GeS)        \
  X(I32LtU, U32, <, I32GeU)        \
  X(I32GtS, S32, >, I32LeS)        \
  X(I32GtU, U32, >, I32LeU)        \
  X(I32LeS, S32, <=, I32GtS)       \
  X(I32LeU, U32, <=, I32GtU)       \
  X(I32GeS, S32, >=, I32LtS)       \
  X(I32GeU, U32, >=, I32LtU)       \
  X(I64Eq, RAW, ==, I64Ne)         \
  X(I64Ne, RAW, !=, I64Eq)         \
  X(I64LtS, S64, <, I64GeS)        \
  X(I64LtU, RAW, <, I64GeU)        \
  X(I64GtS, S64, >, I64LeS)        \
  X(I64GtU, RAW, >, I64LeU)        \
  X(I64LeS, S64, <=, I64GtS)       \
  X(I64LeU, RAW, <=, I64GtU)       \
  X(I64GeS, S64, >=, I64LtS)       \
  X(I64GeU, RAW, >=, I64LtU)

#define PHX_VM_NUMERIC_OPS(X)      \
  X(I32Eqz, 0x45, I, _, I)         \
  X(I32Eq, 0x46, I, I, I)          \
  X(I32Ne, 0x47, I, I, I)          \
  X(I32LtS, 0x48, I, I, I)         \
  X(I32LtU, 0x49, I, I, I)         \
  X(I32GtS, 0x4a, I, I, I)         \
  X(I32GtU, 0x4b, I, I, I)         \
  X(I32LeS, 0x4c, I, I, I)         \
  X(I32LeU, 0x4d, I, I, I)         \
  X(I32GeS, 0x4e, I, I, I)         \
  X(I32GeU, 0x4f, I, I, I)         \
  X(I64Eqz, 0x50, L, _, I)         \
  X(I64Eq, 0x51, L, L, I)          \
  X(I64Ne, 0x52, L, L, I)          \
  X(I64LtS, 0x53, L, L, I)         \
  X(I64LtU, 0x54, L, L, I)         \
  X(I64GtS, 0x55, L, L, I)         \
  X(I64GtU, 0x56, L, L, I)         \
  X(I64LeS, 0x57, L, L, I)         \
  X(I64LeU, 0x58, L, L, I)         \
  X(I64GeS, 0x59, L, L, I)         \
  X(I64GeU, 0x5a, L, L, I)         \
  X(F32Eq, 0x5b, F, F, I)          \
  X(F32Ne, 0x5c, F, F, I)          \
  X(F32Lt, 0x5d, F, F, I)          \
  X(F32Gt, 0x5e, F, F, I)          \
  X(F32Le, 0x5f, F, F, I)          \
  X(F32Ge, 0x60, F, F, I)          \
  X(F64Eq, 0x61, D, D, I)          \
  X(F64Ne, 0x62, D, D, I)          \
  X(F64Lt, 0x63, D, D, I)          \
  X(F64Gt, 0x64, D, D, I)          \
  X(F64Le, 0x65, D, D, I)          \
  X(F64Ge, 0x66, D, D, I)          \
  X(I32Clz, 0x67, I, _, I)         \
  X(I32Ctz, 0x68, I, _, I)         \
  X(I32Popcnt, 0x69, I, _, I)      \
  X(I32Add, 0x6a, I, I, I)         \
  X(I32Sub, 0x6b, I, I, I)         \
  X(I32Mul, 0x6c, I, I, I)         \
  X(I32DivS, 0x6d, I, I, I)        \
  X(I32DivU, 0x6e, I, I, I)        \
  X(I32RemS, 0x6f, I, I, I)        \
  X(I32RemU, 0x70, I, I, I)        \
  X(I32And, 0x71, I, I, I)         \
  X(I32Or, 0x72, I, I, I)          \
  X(I32Xor, 0x73, I, I, I)         \
  X(I32Shl, 0x74, I, I, I)         \
  X(I32ShrS, 0x75, I, I, I)        \
  X(I32ShrU, 0x76, I, I, I)        \
  X(I32Rotl, 0x77, I, I, I)        \
  X(I32Rotr, 0x78, I, I, I)        \
  X(I64Clz, 0x79, L, _, L)         \
  X(I64Ctz, 0x7a, L, _, L)         \
  X(I64Popcnt, 0x7b, L, _, L)      \
  X(I64Add, 0x7c, L, L, L)         \
  X(I64Sub, 0x7d, L, L, L)         \
  X(I64Mul, 0x7e, L, L, L)         \
  X(I64DivS, 0x7f, L, L, L)        \
  X(I64DivU, 0x80, L, L, L)        \
  X(I64RemS, 0x81, L, L, L)        \
  X(I64RemU, 0x82, L, L, L)        \
  X(I64And, 0x83, L, L, L)         \
  X(I64Or, 0x84, L, L, L)          \
  X(I64Xor, 0x85, L, L, L)         \
  X(I64Shl, 0x86, L, L, L)         \
  X(I64ShrS, 0x87, L, L, L)        \
  X(I64ShrU, 0x88, L, L, L)        \
  X(I64Rotl, 0x89, L, L, L)        \
  X(I64Rotr, 0x8a, L, L, L)        \
  X(F32Abs, 0x8b, F, _, F)         \
  X(F32Neg, 0x8c, F, _, F)         \
  X(F32Ceil, 0x8d, F, _, F)        \
  X(F32Floor, 0x8e, F, _, F)       \
  X(F32Trunc, 0x8f, F, _, F)       \
  X(F32Nearest, 0x90, F, _, F)     \
  X(F32Sqrt, 0x91, F, _, F)        \
  X(F32Add, 0x92, F, F, F)         \
  X(F32Sub, 0x93, F, F, F)         \
  X(F32Mul, 0x94, F, F, F)         \
  X(F32Div, 0x95, F, F, F)         \
  X(F32Min, 0x96, F, F, F)         \
  X(F32Max, 0x97, F, F, F)         \
  X(F32Copysign, 0x98, F, F, F)    \
  X(F64Abs, 0x99, D, _, D)         \
  X(F64Neg, 0x9a, D, _, D)         \
  X(F64Ceil, 0x9b, D, _, D)        \
  X(F64Floor, 0x9c, D, _, D)       \
  X(F64Trunc, 0x9d, D, _, D)       \
  X(F64Nearest, 0x9e, D, _, D)     \
  X(F64Sqrt, 0x9f, D, _, D)        \
  X(F64Add, 0xa0, D, D, D)         \
  X(F64Sub, 0xa1, D, D, D)         \
  X(F64Mul, 0xa2, D, D, D)         \
  X(F64Div, 0xa3, D, D, D)         \
  X(F64Min, 0xa4, D, D, D)         \
  X(F64Max, 0xa5, D, D, D)         \
  X(F64Copysign, 0xa6, D, D, D)    \
  X(I32TruncF32S, 0xa8, F, _, I)   \
  X(I32TruncF32U, 0xa9, F, _, I)   \
  X(I32TruncF64S, 0xaa, D, _, I)   \
  X(I32TruncF64U, 0xab, D, _, I)   \
  X(I64ExtendI32S, 0xac, I, _, L)  \
  X(I64TruncF32S, 0xae, F, _, L)   \
  X(I64TruncF32U, 0xaf, F, _, L)   \
  X(I64TruncF64S, 0xb0, D, _, L)   \
  X(I64TruncF64U, 0xb1, D, _, L)   \
  X(F32ConvertI32S, 0xb2, I, _, F) \
  X(F32ConvertI32U, 0xb3, I, _, F) \
  X(F32ConvertI64S, 0xb4, L, _, F) \
  X(F32ConvertI64U, 0xb5, L, _, F) \
  X(F32DemoteF64, 0xb6, D, _, F)   \
  X(F64ConvertI32S, 0xb7, I, _, D) \
  X(F64ConvertI32U, 0xb8, I, _, D) \
  X(F64ConvertI64S, 0xb9, L, _, D) \
  X(F64ConvertI64U, 0xba, L, _, D) \
  X(F64PromoteF32, 0xbb, F, _, D)  \
  X(I32Extend8S, 0xc0, I, _, I)    \
  X(I32Extend16S, 0xc1, I, _, I)   \
  X(I64Extend8S, 0xc2, L, _, L)    \
  X(I64Extend16S, 0xc3, L, _, L)   \
  X(I64Extend32S, 0xc4, L, _, L)

// Binary ops whose second operand is read from memory (a load fused into them): (op, form,
// loaded type, how operands are read, how the result is written, expression, the load). A
// narrow load's value is extended as the load would (the loaded type's own conversion).
#define PHX_VM_MEM_OPERAND_OPS(X) \
  X(I32Add, Mem, uint32_t, U32, I32, a + b, I32Load)        \
  X(I32Sub, Mem, uint32_t, U32, I32, a - b, I32Load)        \
  X(I32Mul, Mem, uint32_t, U32, I32, a * b, I32Load)        \
  X(I32And, Mem, uint32_t, U32, I32, a & b, I32Load)        \
  X(I32Or, Mem, uint32_t, U32, I32, a | b, I32Load)         \
  X(I32Xor, Mem, uint32_t, U32, I32, a ^ b, I32Load)        \
  X(I64Add, Mem, uint64_t, RAW, RAW, a + b, I64Load)        \
  X(I64Sub, Mem, uint64_t, RAW, RAW, a - b, I64Load)        \
  X(I64Mul, Mem, uint64_t, RAW, RAW, a * b, I64Load)        \
  X(I64And, Mem, uint64_t, RAW, RAW, a & b, I64Load)        \
  X(I64Or, Mem, uint64_t, RAW, RAW, a | b, I64Load)         \
  X(I64Xor, Mem, uint64_t, RAW, RAW, a ^ b, I64Load)        \
  X(F32Add, Mem, uint32_t, F32, CanonF32, a + b, I32Load)   \
  X(F32Sub, Mem, uint32_t, F32, CanonF32, a - b, I32Load)   \
  X(F32Mul, Mem, uint32_t, F32, CanonF32, a * b, I32Load)   \
  X(F64Add, Mem, uint64_t, F64, CanonF64, a + b, I64Load)   \
  X(F64Sub, Mem, uint64_t, F64, CanonF64, a - b, I64Load)   \
  X(F64Mul, Mem, uint64_t, F64, CanonF64, a * b, I64Load)   \
  X(I32Add, Mem8U, uint8_t, U32, I32, a + b, I32Load8U)     \
  X(I32Add, Mem8S, int8_t, U32, I32, a + b, I32Load8S)      \
  X(I32Add, Mem16U, uint16_t, U32, I32, a + b, I32Load16U)  \
  X(I32Add, Mem16S, int16_t, U32, I32, a + b, I32Load16S)   \
  X(I32Sub, Mem8U, uint8_t, U32, I32, a - b, I32Load8U)     \
  X(I32Sub, Mem8S, int8_t, U32, I32, a - b, I32Load8S)      \
  X(I32Sub, Mem16U, uint16_t, U32, I32, a - b, I32Load16U)  \
  X(I32Sub, Mem16S, int16_t, U32, I32, a - b, I32Load16S)   \
  X(I32Mul, Mem8U, uint8_t, U32, I32, a * b, I32Load8U)     \
  X(I32Mul, Mem8S, int8_t, U32, I32, a * b, I32Load8S)      \
  X(I32Mul, Mem16U, uint16_t, U32, I32, a * b, I32Load16U)  \
  X(I32Mul, Mem16S, int16_t, U32, I32, a * b, I32Load16S)   \
  X(I32And, Mem8U, uint8_t, U32, I32, a & b, I32Load8U)     \
  X(I32And, Mem8S, int8_t, U32, I32, a & b, I32Load8S)      \
  X(I32And, Mem16U, uint16_t, U32, I32, a & b, I32Load16U)  \
  X(I32And, Mem16S, int16_t, U32, I32, a & b, I32Load16S)   \
  X(I32Or, Mem8U, uint8_t, U32, I32, a | b, I32Load8U)      \
  X(I32Or, Mem8S, int8_t, U32, I32, a | b, I32Load8S)       \
  X(I32Or, Mem16U, uint16_t, U32, I32, a | b, I32Load16U)   \
  X(I32Or, Mem16S, int16_t, U32, I32, a | b, I32Load16S)    \
  X(I32Xor, Mem8U, uint8_t, U32, I32, a ^ b, I32Load8U)     \
  X(I32Xor, Mem8S, int8_t, U32, I32, a ^ b, I32Load8S)      \
  X(I32Xor, Mem16U, uint16_t, U32, I32, a ^ b, I32Load16U)  \
  X(I32Xor, Mem16S, int16_t, U32, I32, a ^ b, I32Load16S)  

// Binary ops whose second operand is shifted or rotated by a constant just before (an ARM-style
// shifted operand; hashes and ciphers are made of these): (op, shift, how operands are read,
// result, expression of a and b, shifted value of x by k).
#define PHX_VM_SHIFTED_OPS(X)                                         \
  X(I32Add, I32Shl, U32, I32, a + b, x << (k & 31))                   \
  X(I32Xor, I32Shl, U32, I32, a ^ b, x << (k & 31))                   \
  X(I32Or, I32Shl, U32, I32, a | b, x << (k & 31))                    \
  X(I32And, I32Shl, U32, I32, a & b, x << (k & 31))                   \
  X(I32Add, I32ShrU, U32, I32, a + b, x >> (k & 31))                  \
  X(I32Xor, I32ShrU, U32, I32, a ^ b, x >> (k & 31))                  \
  X(I32Or, I32ShrU, U32, I32, a | b, x >> (k & 31))                   \
  X(I32And, I32ShrU, U32, I32, a & b, x >> (k & 31))                  \
  X(I32Add, I32Rotl, U32, I32, a + b, std::rotl(x, int(k & 31)))      \
  X(I32Xor, I32Rotl, U32, I32, a ^ b, std::rotl(x, int(k & 31)))      \
  X(I32Or, I32Rotl, U32, I32, a | b, std::rotl(x, int(k & 31)))       \
  X(I32And, I32Rotl, U32, I32, a & b, std::rotl(x, int(k & 31)))      \
  X(I64Add, I64Shl, RAW, RAW, a + b, x << (k & 63))                   \
  X(I64Xor, I64Shl, RAW, RAW, a ^ b, x << (k & 63))                   \
  X(I64Or, I64Shl, RAW, RAW, a | b, x << (k & 63))                    \
  X(I64And, I64Shl, RAW, RAW, a & b, x << (k & 63))                   \
  X(I64Add, I64ShrU, RAW, RAW, a + b, x >> (k & 63))                  \
  X(I64Xor, I64ShrU, RAW, RAW, a ^ b, x >> (k & 63))                  \
  X(I64Or, I64ShrU, RAW, RAW, a | b, x >> (k & 63))                   \
  X(I64And, I64ShrU, RAW, RAW, a & b, x >> (k & 63))                  \
  X(I64Add, I64Rotl, RAW, RAW, a + b, std::rotl(x, int(k & 63)))      \
  X(I64Xor, I64Rotl, RAW, RAW, a ^ b, std::rotl(x, int(k & 63)))      \
  X(I64Or, I64Rotl, RAW, RAW, a | b, std::rotl(x, int(k & 63)))       \
  X(I64And, I64Rotl, RAW, RAW, a & b, std::rotl(x, int(k & 63)))

// Saturating float-to-int (prefix 0xFC, sub-opcodes 0-7).
#define PHX_VM_SAT_OPS(X)          \
  X(I32TruncSatF32S, 0, F, _, I)   \
  X(I32TruncSatF32U, 1, F, _, I)   \
  X(I32TruncSatF64S, 2, D, _, I)   \
  X(I32TruncSatF64U, 3, D, _, I)   \
  X(I64TruncSatF32S, 4, F, _, L)   \
  X(I64TruncSatF32U, 5, F, _, L)   \
  X(I64TruncSatF64S, 6, D, _, L)   \
  X(I64TruncSatF64U, 7, D, _, L)

enum class Op : uint16_t {
#define PHX_VM_OP_ENUM(name) k##name,
#define PHX_VM_NUM_ENUM(name, opcode, a, b, r) k##name,
#define PHX_VM_BR_ENUM(name, get, op, negation) kBr##name,
#define PHX_VM_NUM_IMM_ENUM(name, opcode, a, b, r) k##name##Imm,
#define PHX_VM_BR_IMM_ENUM(name, get, op, negation) kBr##name##Imm,
#define PHX_VM_MEM_ENUM(name, form, type, get, put, expr, load) k##name##form,
#define PHX_VM_BR_ADD_ENUM(name, get, op, negation) kBrAdd##name,
#define PHX_VM_BR_ADD_IMM_ENUM(name, get, op, negation) kBrAdd##name##Imm,
#define PHX_VM_SHIFTED_ENUM(name, shift, get, put, expr, shifted) k##name##shift,
  PHX_VM_CONTROL_OPS(PHX_VM_OP_ENUM)
  PHX_VM_NUMERIC_OPS(PHX_VM_NUM_ENUM)
  PHX_VM_SAT_OPS(PHX_VM_NUM_ENUM)
  PHX_VM_BRANCH_CMP_OPS(PHX_VM_BR_ENUM)
  // Binary numeric ops and fused branches whose second operand is an immediate (a constant
  // that fits in 32 bits, sign-extended for 64-bit types); unary ops have no such form.
  PHX_VM_NUMERIC_OPS(PHX_VM_NUM_IMM_ENUM)
  PHX_VM_BRANCH_CMP_OPS(PHX_VM_BR_IMM_ENUM)
  PHX_VM_MEM_OPERAND_OPS(PHX_VM_MEM_ENUM)
  // A fused branch whose first operand an add of an immediate computed just before (loop
  // counters): both its register and immediate forms.
  PHX_VM_BRANCH_CMP_OPS(PHX_VM_BR_ADD_ENUM)
  PHX_VM_BRANCH_CMP_OPS(PHX_VM_BR_ADD_IMM_ENUM)
  PHX_VM_SHIFTED_OPS(PHX_VM_SHIFTED_ENUM)
  kCopy3,
  kCopy4,
#undef PHX_VM_OP_ENUM
#undef PHX_VM_NUM_ENUM
#undef PHX_VM_BR_ENUM
#undef PHX_VM_NUM_IMM_ENUM
#undef PHX_VM_BR_IMM_ENUM
#undef PHX_VM_MEM_ENUM
#undef PHX_VM_BR_ADD_ENUM
#undef PHX_VM_BR_ADD_IMM_ENUM
#undef PHX_VM_SHIFTED_ENUM
  kCount
};

// Handler addresses of the threaded interpreter, indexed by Op (see interpreter.cc).
const void* const* OpHandlers();

// clang-format on

}  // namespace phalanx::vm::internal
