// Cryptographically secure randomness (libsodium randombytes: getrandom(2) on Linux). Only for
// keys, nonces and salts; deterministic modules take randomness as an argument instead.
#pragma once

#include <cstdint>
#include <span>

#include "phalanx/base/bytes.h"

namespace phalanx::crypto {

void RandomBytes(std::span<uint8_t> out);

template <size_t N>
FixedBytes<N> RandomFixedBytes() {
  FixedBytes<N> out;
  RandomBytes(std::span<uint8_t>(out.data.data(), N));
  return out;
}

}  // namespace phalanx::crypto
