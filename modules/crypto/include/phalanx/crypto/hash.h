// Hash functions: BLAKE2b (the chain's hash: state keys, block and transaction hashes) and SHA-256
// (for interoperability: attestation quotes, HKDF).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "phalanx/base/bytes.h"

namespace phalanx::crypto {

// BLAKE2b with a 32-byte digest (unkeyed).
Hash32 Blake2b256(ByteView data);

// BLAKE2b with a digest of out.size() bytes; out.size() must be 1..64 (programmer error otherwise).
// SS58 addresses use the 64-byte variant.
void Blake2b(ByteView data, std::span<uint8_t> out);

// Incremental BLAKE2b-256 for data that arrives in pieces (Merkle nodes, streamed blocks). The
// result equals Blake2b256 of the concatenation of all updates. Finalize may be called once.
class Blake2b256Hasher {
 public:
  Blake2b256Hasher();
  void Update(ByteView data);
  Hash32 Finalize();

 private:
  // Storage for libsodium's crypto_generichash_state, kept opaque so that users of this header do
  // not include sodium.h; hash.cc checks that the size and alignment suffice.
  static constexpr size_t kStateBytes = 384;
  alignas(64) std::array<unsigned char, kStateBytes> state_;
  bool finalized_ = false;
};

Hash32 Sha256(ByteView data);

}  // namespace phalanx::crypto
