// Secure random bytes from libsodium.
#include "phalanx/crypto/random.h"

#include <sodium.h>

#include "sodium_init.h"

namespace phalanx::crypto {

void RandomBytes(std::span<uint8_t> out) {
  internal::EnsureSodium();
  randombytes_buf(out.data(), out.size());
}

}  // namespace phalanx::crypto
