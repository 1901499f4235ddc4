// X25519 via libsodium's crypto_scalarmult (clamps the scalar as RFC 7748 requires).
#include "phalanx/crypto/x25519.h"

#include <sodium.h>

#include "phalanx/base/check.h"
#include "phalanx/crypto/random.h"
#include "sodium_init.h"

namespace phalanx::crypto {

X25519KeyPair X25519KeyPair::Generate() { return FromSecret(RandomFixedBytes<32>()); }

X25519KeyPair X25519KeyPair::FromSecret(const FixedBytes<32>& secret) {
  internal::EnsureSodium();
  X25519KeyPair pair;
  pair.secret = secret;
  int rc = crypto_scalarmult_base(pair.public_key.data.data(), secret.data.data());
  PHX_CHECK(rc == 0, "crypto_scalarmult_base failed");
  return pair;
}

Result<FixedBytes<32>> X25519(const FixedBytes<32>& secret, const FixedBytes<32>& peer_public) {
  internal::EnsureSodium();
  FixedBytes<32> shared;
  // libsodium returns -1 exactly when the output is all zeros (peer key of small order).
  if (crypto_scalarmult(shared.data.data(), secret.data.data(), peer_public.data.data()) != 0) {
    return InvalidArgument("x25519 peer public key " + ToHex(peer_public) +
                           " is a small-order point (shared secret would be all zeros); the peer "
                           "must send a real public key");
  }
  return shared;
}

}  // namespace phalanx::crypto
