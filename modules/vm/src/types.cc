// Names and string forms of the public vm types; the mapping of vm::Error to base status codes.
#include "phalanx/vm/types.h"

#include <bit>
#include <cstdio>

namespace phalanx::vm {

std::string_view ValTypeName(ValType t) {
  switch (t) {
    case ValType::kI32:
      return "i32";
    case ValType::kI64:
      return "i64";
    case ValType::kF32:
      return "f32";
    case ValType::kF64:
      return "f64";
    case ValType::kV128:
      return "v128";
    case ValType::kFuncRef:
      return "funcref";
    case ValType::kExternRef:
      return "externref";
  }
  return "?";
}

std::string ToString(const FuncType& t) {
  std::string s = "(";
  for (size_t i = 0; i < t.params.size(); ++i) {
    s += (i ? " " : "") + std::string(ValTypeName(t.params[i]));
  }
  s += ") -> (";
  for (size_t i = 0; i < t.results.size(); ++i) {
    s += (i ? " " : "") + std::string(ValTypeName(t.results[i]));
  }
  return s + ")";
}

std::string_view ExternKindName(ExternKind k) {
  switch (k) {
    case ExternKind::kFunc:
      return "function";
    case ExternKind::kTable:
      return "table";
    case ExternKind::kMemory:
      return "memory";
    case ExternKind::kGlobal:
      return "global";
  }
  return "?";
}

Value Value::F32(float v) { return {ValType::kF32, std::bit_cast<uint32_t>(v)}; }
Value Value::F64(double v) { return {ValType::kF64, std::bit_cast<uint64_t>(v)}; }
float Value::f32() const { return std::bit_cast<float>(static_cast<uint32_t>(bits)); }
double Value::f64() const { return std::bit_cast<double>(bits); }

std::string ToString(const Value& v) {
  std::string out(ValTypeName(v.type));
  out += ':';
  char buf[64];
  switch (v.type) {
    case ValType::kI32:
      return out + std::to_string(static_cast<int32_t>(v.i32()));
    case ValType::kI64:
      return out + std::to_string(static_cast<int64_t>(v.i64()));
    case ValType::kF32:
      std::snprintf(buf, sizeof(buf), "%.9g", static_cast<double>(v.f32()));
      return out + buf;
    case ValType::kF64:
      std::snprintf(buf, sizeof(buf), "%.17g", v.f64());
      return out + buf;
    default:
      return out + (v.bits == 0 ? "null" : std::to_string(v.bits));
  }
}

std::string_view ErrorName(Error e) {
  switch (e) {
    case Error::kMalformed:
      return "malformed";
    case Error::kInvalid:
      return "invalid";
    case Error::kLimitExceeded:
      return "over limit";
    case Error::kUnlinkable:
      return "unlinkable";
    case Error::kUninstantiable:
      return "uninstantiable";
  }
  return "?";
}

Status ErrorStatus(Error e, uint64_t offset, std::string_view reason) {
  static constexpr StatusCode kCodes[] = {StatusCode::kCorruption, StatusCode::kInvalidArgument,
                                          StatusCode::kLimitExceeded, StatusCode::kNotFound,
                                          StatusCode::kFailedPrecondition};
  std::string msg = "wasm module " + std::string(ErrorName(e)) + " at byte " +
                    std::to_string(offset) + ": " + std::string(reason);
  return Status(kCodes[static_cast<int>(e)], std::move(msg));
}

Error ErrorOf(const Status& s) {
  switch (s.code()) {
    case StatusCode::kCorruption:
      return Error::kMalformed;
    case StatusCode::kLimitExceeded:
      return Error::kLimitExceeded;
    case StatusCode::kNotFound:
      return Error::kUnlinkable;
    case StatusCode::kFailedPrecondition:
      return Error::kUninstantiable;
    default:
      return Error::kInvalid;
  }
}

std::string_view TrapKindName(TrapKind k) {
  switch (k) {
    case TrapKind::kUnreachable:
      return "unreachable executed";
    case TrapKind::kMemoryOutOfBounds:
      return "out of bounds memory access";
    case TrapKind::kTableOutOfBounds:
      return "out of bounds table access";
    case TrapKind::kIndirectCallNull:
      return "uninitialized element";
    case TrapKind::kIndirectCallTypeMismatch:
      return "indirect call type mismatch";
    case TrapKind::kIntegerDivideByZero:
      return "integer divide by zero";
    case TrapKind::kIntegerOverflow:
      return "integer overflow";
    case TrapKind::kInvalidConversion:
      return "invalid conversion to integer";
    case TrapKind::kCallStackExhausted:
      return "call stack exhausted";
    case TrapKind::kOutOfFuel:
      return "out of fuel";
    case TrapKind::kNullReference:
      return "null reference";
    case TrapKind::kHost:
      return "host function trapped";
  }
  return "?";
}

std::string Trap::ToString() const {
  std::string s(TrapKindName(kind));
  if (!message.empty()) s += ": " + message;
  char buf[64];
  std::snprintf(buf, sizeof(buf), " (function %u, byte 0x%x)", func_index, code_offset);
  return s + buf;
}

}  // namespace phalanx::vm
