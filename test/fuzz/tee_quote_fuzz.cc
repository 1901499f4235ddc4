// libFuzzer target: the DCAP quote parser must reject or parse any bytes without crashing.
#include <cstddef>
#include <cstdint>

#include "phalanx/tee/quote.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto q = phalanx::tee::ParseQuote(phalanx::ByteView(data, size));
  if (q.ok()) (void)q->report_data();
  return 0;
}
