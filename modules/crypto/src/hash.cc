// BLAKE2b and SHA-256 via libsodium.
#include "phalanx/crypto/hash.h"

#include <sodium.h>

#include "phalanx/base/check.h"
#include "sodium_init.h"

namespace phalanx::crypto {

static_assert(sizeof(crypto_generichash_state) <= 384, "Blake2b256Hasher::kStateBytes too small");
static_assert(alignof(crypto_generichash_state) <= 64, "Blake2b256Hasher state alignment");

Hash32 Blake2b256(ByteView data) {
  Hash32 out;
  Blake2b(data, std::span<uint8_t>(out.data.data(), out.size()));
  return out;
}

void Blake2b(ByteView data, std::span<uint8_t> out) {
  // libsodium's BLAKE2b accepts any digest length 1..64 even though crypto_generichash_BYTES_MIN
  // documents 16.
  PHX_CHECK(!out.empty() && out.size() <= crypto_generichash_BYTES_MAX,
            "Blake2b digest length must be 1..64 bytes");
  internal::EnsureSodium();
  int rc = crypto_generichash(out.data(), out.size(), data.data(), data.size(), nullptr, 0);
  PHX_CHECK(rc == 0, "crypto_generichash failed");
}

Blake2b256Hasher::Blake2b256Hasher() {
  internal::EnsureSodium();
  auto* state = reinterpret_cast<crypto_generichash_state*>(state_.data());
  int rc = crypto_generichash_init(state, nullptr, 0, 32);
  PHX_CHECK(rc == 0, "crypto_generichash_init failed");
}

void Blake2b256Hasher::Update(ByteView data) {
  PHX_CHECK(!finalized_, "Blake2b256Hasher::Update after Finalize");
  auto* state = reinterpret_cast<crypto_generichash_state*>(state_.data());
  int rc = crypto_generichash_update(state, data.data(), data.size());
  PHX_CHECK(rc == 0, "crypto_generichash_update failed");
}

Hash32 Blake2b256Hasher::Finalize() {
  PHX_CHECK(!finalized_, "Blake2b256Hasher::Finalize called twice");
  finalized_ = true;
  Hash32 out;
  auto* state = reinterpret_cast<crypto_generichash_state*>(state_.data());
  int rc = crypto_generichash_final(state, out.data.data(), out.size());
  PHX_CHECK(rc == 0, "crypto_generichash_final failed");
  return out;
}

Hash32 Sha256(ByteView data) {
  internal::EnsureSodium();
  Hash32 out;
  crypto_hash_sha256(out.data.data(), data.data(), data.size());
  return out;
}

}  // namespace phalanx::crypto
