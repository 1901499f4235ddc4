// libFuzzer target: the PCK certificate SGX extension (DER) parser.
#include <cstddef>
#include <cstdint>

#include "phalanx/tee/pck.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)phalanx::tee::ParseSgxExtension(phalanx::ByteView(data, size));
  return 0;
}
