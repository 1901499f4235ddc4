// Simulated quotes: building and checking the 220-byte ed25519-signed document of sim.h.
#include "phalanx/tee/sim.h"

#include <cstring>

namespace phalanx::tee {
namespace {

constexpr size_t kSignedBytes = 156;

void PutU16(Bytes& b, size_t off, uint16_t v) {
  b[off] = v & 0xFF;
  b[off + 1] = v >> 8;
}

}  // namespace

bool IsSimulatedQuote(ByteView bytes) {
  return bytes.size() >= sizeof kSimQuoteMagic &&
         std::memcmp(bytes.data(), kSimQuoteMagic, sizeof kSimQuoteMagic) == 0;
}

Bytes MakeSimQuote(const crypto::SigningKey& key, const FixedBytes<32>& measurement,
                   const FixedBytes<64>& report_data) {
  Bytes b(kSimQuoteBytes, 0);
  std::memcpy(b.data(), kSimQuoteMagic, sizeof kSimQuoteMagic);
  PutU16(b, 24, kSimQuoteVersion);
  std::memcpy(b.data() + 28, measurement.data.data(), 32);
  std::memcpy(b.data() + 60, report_data.data.data(), 64);
  std::memcpy(b.data() + 124, key.public_key().data.data(), 32);
  crypto::Signature sig = key.Sign(ByteView(b.data(), kSignedBytes));
  std::memcpy(b.data() + kSignedBytes, sig.data.data(), 64);
  return b;
}

Outcome<SimQuote> VerifySimQuote(ByteView b) {
  auto bad = [](const std::string& what) {
    return Fail(ErrorCode::kParseError, "SIMULATED quote: " + what);
  };
  if (!IsSimulatedQuote(b)) return bad("does not start with \"PHALANX SIMULATED QUOTE\"");
  if (b.size() != kSimQuoteBytes)
    return bad("is " + std::to_string(b.size()) + " bytes, expected " +
               std::to_string(kSimQuoteBytes));
  SimQuote q;
  q.version = static_cast<uint16_t>(b[24] | (b[25] << 8));
  if (q.version != kSimQuoteVersion)
    return Fail(ErrorCode::kUnsupportedVersion,
                "SIMULATED quote format version " + std::to_string(q.version) + " (expected 1)");
  if (b[26] != 0 || b[27] != 0) return bad("reserved bytes are not zero");
  q.measurement = FixedBytes<32>::FromView(b.subspan(28, 32));
  q.report_data = FixedBytes<64>::FromView(b.subspan(60, 64));
  q.signer = crypto::PublicKey::FromView(b.subspan(124, 32));
  q.signature = crypto::Signature::FromView(b.subspan(kSignedBytes, 64));
  if (!crypto::Verify(q.signer, b.first(kSignedBytes), q.signature))
    return Fail(ErrorCode::kBadQuoteSignature,
                "SIMULATED quote: the ed25519 signature does not verify with the key in the quote; "
                "the quote was altered");
  return q;
}

}  // namespace phalanx::tee
