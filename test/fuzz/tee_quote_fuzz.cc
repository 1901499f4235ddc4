// libFuzzer target: the DCAP quote parser (and the SIMULATED quote parser) must reject or parse
// any bytes without crashing.
#include <cstddef>
#include <cstdint>

#include "phalanx/tee/quote.h"
#include "phalanx/tee/sim.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto q = phalanx::tee::ParseQuote(phalanx::ByteView(data, size));
  if (q.ok()) (void)q->report_data();
  (void)phalanx::tee::VerifySimQuote(phalanx::ByteView(data, size));
  return 0;
}
