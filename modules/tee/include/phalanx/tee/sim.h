// Simulated quotes, for machines without SGX or TDX (development only). A simulated quote is a
// small quote-shaped document that starts with the bytes "PHALANX SIMULATED QUOTE" and is signed
// by a local ed25519 key: it proves nothing about hardware, so verifiers accept it only when the
// caller passes allow_simulated (dev chains whose genesis says allow_simulated_tee), and every
// output that shows one says SIMULATED.
#pragma once

#include <cstdint>

#include "phalanx/base/bytes.h"
#include "phalanx/crypto/ed25519.h"
#include "phalanx/tee/verdict.h"

namespace phalanx::tee {

// Layout (little-endian), 220 bytes:
//   0   24  magic "PHALANX SIMULATED QUOTE\0"
//   24   2  format version (1)
//   26   2  reserved, zero
//   28  32  measurement (what the simulated enclave claims to run; chosen by the provider)
//   60  64  report data (chosen by the caller, like REPORTDATA)
//   124 32  ed25519 public key of the signer
//   156 64  ed25519 signature over bytes 0..156
inline constexpr char kSimQuoteMagic[24] = "PHALANX SIMULATED QUOTE";
inline constexpr uint16_t kSimQuoteVersion = 1;
inline constexpr size_t kSimQuoteBytes = 220;

struct SimQuote {
  uint16_t version = 0;
  FixedBytes<32> measurement;
  FixedBytes<64> report_data;
  crypto::PublicKey signer;
  crypto::Signature signature;
};

// True if `bytes` start with the simulated-quote magic (real DCAP quotes start with version 3..5).
bool IsSimulatedQuote(ByteView bytes);

Bytes MakeSimQuote(const crypto::SigningKey& key, const FixedBytes<32>& measurement,
                   const FixedBytes<64>& report_data);

// Parses and checks the signature. Failures: kParseError (wrong length, magic, version or
// reserved bytes), kBadQuoteSignature.
Outcome<SimQuote> VerifySimQuote(ByteView bytes);

}  // namespace phalanx::tee
