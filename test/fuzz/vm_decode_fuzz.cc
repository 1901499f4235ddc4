// libFuzzer target for the wasm engine's front end: decode + validate + compile arbitrary bytes.
// Must never crash, hang or allocate without bound; every rejection is a typed vm::Error.
#include <cstddef>
#include <cstdint>

#include "phalanx/vm/module.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  phalanx::vm::Limits limits;
  limits.max_module_bytes = 1 << 20;
  (void)phalanx::vm::CompileModule(phalanx::ByteView(data, size), limits);
  return 0;
}
