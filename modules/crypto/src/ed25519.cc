// Ed25519 keys, signing and strict single verification via libsodium.
#include "phalanx/crypto/ed25519.h"

#include <sodium.h>

#include "phalanx/base/check.h"
#include "phalanx/crypto/random.h"
#include "sodium_init.h"

namespace phalanx::crypto {

SigningKey SigningKey::FromSeed(const Seed& seed) {
  internal::EnsureSodium();
  SigningKey key;
  key.seed_ = seed;
  int rc = crypto_sign_ed25519_seed_keypair(key.public_key_.data.data(),
                                            key.secret_key_.data.data(), seed.data.data());
  PHX_CHECK(rc == 0, "crypto_sign_ed25519_seed_keypair failed");
  return key;
}

SigningKey SigningKey::Generate() {
  Seed seed = RandomFixedBytes<32>();
  SigningKey key = FromSeed(seed);
  sodium_memzero(seed.data.data(), seed.size());
  return key;
}

SigningKey::~SigningKey() {
  sodium_memzero(seed_.data.data(), seed_.size());
  sodium_memzero(secret_key_.data.data(), secret_key_.size());
}

Signature SigningKey::Sign(ByteView msg) const {
  Signature sig;
  int rc = crypto_sign_ed25519_detached(sig.data.data(), nullptr, msg.data(), msg.size(),
                                        secret_key_.data.data());
  PHX_CHECK(rc == 0, "crypto_sign_ed25519_detached failed");
  return sig;
}

bool Verify(const PublicKey& pk, ByteView msg, const Signature& sig) {
  internal::EnsureSodium();
  return crypto_sign_ed25519_verify_detached(sig.data.data(), msg.data(), msg.size(),
                                             pk.data.data()) == 0;
}

}  // namespace phalanx::crypto
