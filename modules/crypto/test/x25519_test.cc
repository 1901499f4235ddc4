// X25519: RFC 7748 known answers and the all-zero shared secret check.
#include "phalanx/crypto/x25519.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace phalanx::crypto {
namespace {

using testing::FixedHex;

TEST(X25519, Rfc7748Section5_2ScalarMultiplication) {
  auto shared =
      X25519(FixedHex<32>("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"),
             FixedHex<32>("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"));
  ASSERT_TRUE(shared.ok()) << shared.status().ToString();
  EXPECT_EQ(ToHex(*shared), "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
}

TEST(X25519, Rfc7748Section6_1DiffieHellman) {
  X25519KeyPair alice = X25519KeyPair::FromSecret(
      FixedHex<32>("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
  X25519KeyPair bob = X25519KeyPair::FromSecret(
      FixedHex<32>("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
  EXPECT_EQ(ToHex(alice.public_key),
            "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  EXPECT_EQ(ToHex(bob.public_key),
            "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  auto ab = X25519(alice.secret, bob.public_key);
  auto ba = X25519(bob.secret, alice.public_key);
  ASSERT_TRUE(ab.ok() && ba.ok());
  EXPECT_EQ(ToHex(*ab), "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
  EXPECT_EQ(*ab, *ba);
}

TEST(X25519, GeneratedPairsAgreeOnTheSharedSecret) {
  X25519KeyPair a = X25519KeyPair::Generate();
  X25519KeyPair b = X25519KeyPair::Generate();
  EXPECT_NE(a.secret, b.secret);
  EXPECT_EQ(X25519(a.secret, b.public_key).value(), X25519(b.secret, a.public_key).value());
}

TEST(X25519, SmallOrderPeerKeyIsRejected) {
  X25519KeyPair a = X25519KeyPair::Generate();
  // u = 0 and u = 1 are points of small order: every scalar maps them to the all-zero output.
  for (auto peer :
       {FixedBytes<32>{},
        FixedHex<32>("0100000000000000000000000000000000000000000000000000000000000000")}) {
    auto shared = X25519(a.secret, peer);
    ASSERT_FALSE(shared.ok());
    EXPECT_EQ(shared.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(shared.status().message().find("small-order"), std::string_view::npos);
  }
}

}  // namespace
}  // namespace phalanx::crypto
