// libFuzzer target: signed-range extraction and TCB Info / QE Identity parsing of collateral JSON,
// and decoding of the codec form of a collateral set.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "phalanx/codec/codec.h"
#include "phalanx/tee/collateral.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view doc(reinterpret_cast<const char*>(data), size);
  for (const char* key : {"tcbInfo", "enclaveIdentity"}) {
    auto body = phalanx::tee::SignedJsonValue(doc, key);
    if (!body.ok()) continue;
    (void)phalanx::tee::ParseTcbInfo(*body);
    (void)phalanx::tee::ParseQeIdentity(*body);
  }
  // The codec form of a whole collateral set, as the chain stores it.
  (void)phalanx::codec::DecodeAll<phalanx::tee::CollateralFiles>(phalanx::ByteView(data, size));
  return 0;
}
