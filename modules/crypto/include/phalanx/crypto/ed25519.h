// Ed25519 signatures (RFC 8032) for accounts, validators and workers, with strict verification and
// a multi-threaded batch verifier used for blocks and gossip.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "phalanx/base/bytes.h"

namespace phalanx::crypto {

using PublicKey = FixedBytes<32>;
using Signature = FixedBytes<64>;
// The 32-byte RFC 8032 private key from which the signing scalar and public key are derived.
using Seed = FixedBytes<32>;

// An ed25519 key pair. Secrets are wiped (sodium_memzero) when the object is destroyed; copies are
// independent and each wipes its own secrets.
class SigningKey {
 public:
  static SigningKey FromSeed(const Seed& seed);
  static SigningKey Generate();

  SigningKey(const SigningKey&) = default;
  SigningKey& operator=(const SigningKey&) = default;
  ~SigningKey();

  const PublicKey& public_key() const { return public_key_; }
  const Seed& seed() const { return seed_; }
  Signature Sign(ByteView msg) const;

 private:
  SigningKey() = default;

  Seed seed_;
  PublicKey public_key_;
  // libsodium's expanded form, seed || public key, kept to avoid re-deriving on every Sign.
  FixedBytes<64> secret_key_;
};

// Strict verification as libsodium does it: rejects non-canonical S, small-order R, and
// non-canonical or small-order public keys. Returns true only for a valid signature.
bool Verify(const PublicKey& pk, ByteView msg, const Signature& sig);

struct VerifyItem {
  PublicKey public_key;
  ByteView message;  // must stay valid for the duration of VerifyBatch
  Signature signature;
};

// Verifies every item; returns one entry per item: 1 if it verifies (same rule as Verify), else 0.
// Work is spread over up to `threads` threads (0 = std::thread::hardware_concurrency()), the
// calling thread included, using a persistent internal pool. Batches smaller than
// kMinParallelVerifyBatch are verified on the calling thread. Safe to call from many threads.
std::vector<uint8_t> VerifyBatch(std::span<const VerifyItem> items, size_t threads = 0);

}  // namespace phalanx::crypto
