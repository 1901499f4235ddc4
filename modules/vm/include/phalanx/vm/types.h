// WebAssembly types and values as the engine's public API sees them, plus the engine's error
// kinds (for rejected modules) and traps (for failed executions, returned as values).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "phalanx/base/status.h"

namespace phalanx::vm {

enum class ValType : uint8_t {
  kI32 = 0x7F,
  kI64 = 0x7E,
  kF32 = 0x7D,
  kF64 = 0x7C,
  kV128 = 0x7B,
  kFuncRef = 0x70,
  kExternRef = 0x6F,
};
std::string_view ValTypeName(ValType t);
inline bool IsRef(ValType t) { return t == ValType::kFuncRef || t == ValType::kExternRef; }

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;
  bool operator==(const FuncType&) const = default;
};
std::string ToString(const FuncType& t);  // "(i32 i64) -> (f32)"

// Sizes in pages (memories) or elements (tables).
struct SizeLimits {
  uint64_t min = 0;
  bool has_max = false;
  uint64_t max = 0;
};
struct TableType {
  ValType elem = ValType::kFuncRef;
  SizeLimits limits;
};
struct MemoryType {
  SizeLimits limits;
};
struct GlobalType {
  ValType type = ValType::kI32;
  bool mut = false;
};
enum class ExternKind : uint8_t { kFunc = 0, kTable = 1, kMemory = 2, kGlobal = 3 };
std::string_view ExternKindName(ExternKind k);

// A value crossing the API. Numbers are stored as raw bits (floats bit-exact, i32 zero-extended).
// References are opaque: 0 is null; a funcref is an engine handle, an externref is whatever
// non-zero number the host chose.
struct Value {
  ValType type = ValType::kI32;
  uint64_t bits = 0;

  static Value I32(uint32_t v) { return {ValType::kI32, v}; }
  static Value I64(uint64_t v) { return {ValType::kI64, v}; }
  static Value F32Bits(uint32_t v) { return {ValType::kF32, v}; }
  static Value F64Bits(uint64_t v) { return {ValType::kF64, v}; }
  static Value F32(float v);
  static Value F64(double v);
  static Value Ref(ValType t, uint64_t r) { return {t, r}; }
  uint32_t i32() const { return static_cast<uint32_t>(bits); }
  uint64_t i64() const { return bits; }
  float f32() const;
  double f64() const;
  bool operator==(const Value&) const = default;
};
// "i32:42", "f64:1.5", "funcref:null" (the CLI's output format).
std::string ToString(const Value& v);

// Why a module was rejected. Each maps to a base StatusCode (see ErrorStatus) so callers can
// branch on either.
enum class Error : uint8_t {
  kMalformed,       // the bytes are not a well-formed binary module (StatusCode::kCorruption)
  kInvalid,         // well-formed but fails validation (kInvalidArgument)
  kLimitExceeded,   // exceeds a vm::Limits bound (kLimitExceeded)
  kUnlinkable,      // an import is missing or has the wrong type (kNotFound)
  kUninstantiable,  // a segment is out of bounds or the start function trapped
                    // (kFailedPrecondition)
};
std::string_view ErrorName(Error e);
// "wasm <kind> at byte <offset>: <reason>", with the code of the kind.
Status ErrorStatus(Error e, uint64_t offset, std::string_view reason);
// The kind of an error made by ErrorStatus (kInvalid for codes no kind maps to).
Error ErrorOf(const Status& s);

enum class TrapKind : uint8_t {
  kUnreachable,
  kMemoryOutOfBounds,
  kTableOutOfBounds,
  kIndirectCallNull,          // call_indirect through a null table element
  kIndirectCallTypeMismatch,  // call_indirect signature differs
  kIntegerDivideByZero,
  kIntegerOverflow,
  kInvalidConversion,   // float to int of NaN
  kCallStackExhausted,  // call depth or value-stack bytes exceeded
  kOutOfFuel,
  kNullReference,
  kHost,  // a host function trapped; see Trap::message
};
std::string_view TrapKindName(TrapKind k);

// A failed execution. func_index is the index in the module's function space (imports first);
// code_offset the byte offset of the trapping instruction in the module (0 for host traps).
struct Trap {
  TrapKind kind = TrapKind::kUnreachable;
  uint32_t func_index = 0;
  uint32_t code_offset = 0;
  std::string message;           // host traps: the host's reason
  std::string ToString() const;  // "integer divide by zero (function 3, byte 0x1f2)"
};

}  // namespace phalanx::vm
