// Helpers shared by the crypto tests.
#pragma once

#include <gtest/gtest.h>

#include <string_view>

#include "phalanx/base/bytes.h"

namespace phalanx::crypto::testing {

// Hex that is known to be valid (test vectors); fails the test otherwise.
inline Bytes Hex(std::string_view hex) {
  Result<Bytes> bytes = FromHex(hex);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  return bytes.ok() ? *bytes : Bytes{};
}

template <size_t N>
FixedBytes<N> FixedHex(std::string_view hex) {
  Result<FixedBytes<N>> bytes = FixedFromHex<N>(hex);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  return bytes.ok() ? *bytes : FixedBytes<N>{};
}

}  // namespace phalanx::crypto::testing
