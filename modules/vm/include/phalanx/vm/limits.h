// Every bound the engine puts on untrusted modules and on execution, in one options struct.
// Each limit has a test (modules/vm/test/limits_test.cc) that a module one past it is rejected.
#pragma once

#include <cstdint>

namespace phalanx::vm {

struct Limits {
  // Decoding and validation.
  uint64_t max_module_bytes = 16u << 20;
  uint32_t max_types = 10'000;
  uint32_t max_functions = 100'000;  // imported + defined
  uint32_t max_imports = 10'000;
  uint32_t max_exports = 10'000;
  uint32_t max_locals = 50'000;  // per function, parameters included
  uint32_t max_params = 1'000;   // per function type (and as many results)
  uint32_t max_globals = 10'000;
  uint32_t max_tables = 100;
  uint64_t max_table_elements = 1'000'000;  // initial and maximum size of any table
  uint32_t max_memory_pages = 16'384;       // 1 GiB; initial and grown size (65536 = 4 GiB)
  uint32_t max_br_table_targets = 65'536;
  uint32_t max_data_segments = 100'000;
  uint32_t max_element_segments = 100'000;
  uint32_t max_function_body_bytes = 7'654'321;
  uint32_t max_block_depth = 10'000;  // nested block/loop/if in one function
  // Execution.
  uint64_t max_value_stack_bytes = 1u << 20;  // locals + operands of all active frames
  uint32_t max_call_depth = 10'000;
  // Compile fuel-metering instructions into the code (one per basic block).
  bool fuel_metering = true;
};

}  // namespace phalanx::vm
