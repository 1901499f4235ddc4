// Validates one function body and translates it to the interpreter's code (one pass).
#pragma once

#include <vector>

#include "phalanx/base/bytes.h"
#include "phalanx/base/status.h"
#include "phalanx/vm/limits.h"
#include "phalanx/vm/module.h"

namespace phalanx::vm::internal {

struct ModuleContext {
  const Module& module;
  const Limits& limits;
  const std::vector<bool>& declared_refs;  // by function index: may be named by ref.func
  bool has_data_count = false;
};

// Whether `opcode` starts some instruction (malformed vs. merely invalid in constant expressions).
bool IsKnownOpcode(uint8_t opcode);

// `body` is the code entry after its size (local declarations, then the expression);
// `body_offset` its absolute offset. Fills `out` (type_index must already be set).
Status CompileFunction(const ModuleContext& ctx, ByteView body, size_t body_offset,
                       FunctionCode* out);

}  // namespace phalanx::vm::internal
