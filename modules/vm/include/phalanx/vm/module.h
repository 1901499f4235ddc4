// A decoded, validated and compiled WebAssembly module: immutable, shareable between any number
// of instances (instantiation copies nothing from here but segment contents).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "phalanx/base/bytes.h"
#include "phalanx/base/result.h"
#include "phalanx/vm/limits.h"
#include "phalanx/vm/types.h"

namespace phalanx::vm {

struct Import {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::kFunc;
  uint32_t type_index = 0;  // kFunc
  TableType table;          // kTable
  MemoryType memory;        // kMemory
  GlobalType global;        // kGlobal
};

struct Export {
  std::string name;
  ExternKind kind = ExternKind::kFunc;
  uint32_t index = 0;
};

// A constant expression (global initializers, segment offsets and element items).
struct ConstExpr {
  enum class Kind : uint8_t { kConst, kGlobalGet, kRefFunc, kRefNull };
  Kind kind = Kind::kConst;
  ValType type = ValType::kI32;
  uint64_t bits = 0;   // kConst
  uint32_t index = 0;  // kGlobalGet: global index; kRefFunc: function index
};

struct Global {
  GlobalType type;
  ConstExpr init;
};

enum class SegmentMode : uint8_t { kActive, kPassive, kDeclarative };

struct ElemSegment {
  SegmentMode mode = SegmentMode::kActive;
  ValType type = ValType::kFuncRef;
  uint32_t table = 0;
  ConstExpr offset;
  std::vector<ConstExpr> items;
};

struct DataSegment {
  SegmentMode mode = SegmentMode::kActive;
  uint32_t memory = 0;
  ConstExpr offset;
  Bytes bytes;
};

// One word of compiled code: an instruction's handler address or an immediate.
union CodeWord {
  const void* op;
  uint64_t u64;
  int64_t i64;
  uint32_t u32[2];
};

// A defined function translated to the interpreter's internal form (see src/compiler.cc).
struct FunctionCode {
  uint32_t type_index = 0;
  uint32_t num_params = 0;
  uint32_t num_results = 0;
  uint32_t num_locals = 0;           // parameters included
  uint32_t max_frame_slots = 0;      // locals + constants + the deepest operand stack
  uint32_t body_offset = 0;          // byte offset of the body in the module
  std::vector<ValType> local_types;  // declared locals after the parameters
  std::vector<CodeWord> code;
  // Constant operands: copied into the frame's slots right after the locals at each call.
  std::vector<uint64_t> consts;
  // (code word index, module byte offset) of every instruction, ascending: maps traps to bytes.
  std::vector<std::pair<uint32_t, uint32_t>> offsets;
  uint32_t OffsetOf(size_t word_index) const;
};

struct Module {
  std::vector<FuncType> types;
  std::vector<Import> imports;
  std::vector<uint32_t> func_types;  // type index of every function, imported ones first
  std::vector<TableType> tables;     // imported ones first
  std::vector<MemoryType> memories;  // imported ones first
  std::vector<Global> globals;       // imported ones first (their init is unused)
  std::vector<Export> exports;
  std::optional<uint32_t> start;
  std::vector<ElemSegment> elems;
  std::vector<DataSegment> datas;
  std::vector<FunctionCode> code;  // defined functions, in order
  uint32_t num_imported_funcs = 0;
  uint32_t num_imported_tables = 0;
  uint32_t num_imported_memories = 0;
  uint32_t num_imported_globals = 0;
  bool fuel_metering = true;  // the code was compiled with fuel instructions

  const FuncType& TypeOfFunc(uint32_t func_index) const { return types[func_types[func_index]]; }
  const Export* FindExport(std::string_view name) const;
};

// Decodes, validates and compiles a binary module. Errors carry a vm::Error kind (ErrorOf), the
// byte offset and the reason.
Result<std::shared_ptr<const Module>> CompileModule(ByteView bytes, const Limits& limits = {});
// Decodes and validates only (the same checks; the code is compiled and dropped).
Status ValidateModule(ByteView bytes, const Limits& limits = {});

}  // namespace phalanx::vm
