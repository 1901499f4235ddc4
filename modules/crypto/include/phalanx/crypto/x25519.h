// X25519 Diffie-Hellman (RFC 7748) for worker identity keys and end-to-end encrypted queries.
#pragma once

#include "phalanx/base/bytes.h"
#include "phalanx/base/result.h"

namespace phalanx::crypto {

struct X25519KeyPair {
  FixedBytes<32> secret;
  FixedBytes<32> public_key;

  static X25519KeyPair Generate();
  static X25519KeyPair FromSecret(const FixedBytes<32>& secret);
};

// The shared secret between `secret` and `peer_public`. Fails with InvalidArgument when the result
// is all zeros, which happens exactly when the peer sent a small-order point (a contributory-
// behaviour check: the "shared" secret would be known to an attacker). Hash the result (HKDF)
// before using it as a key.
Result<FixedBytes<32>> X25519(const FixedBytes<32>& secret, const FixedBytes<32>& peer_public);

}  // namespace phalanx::crypto
