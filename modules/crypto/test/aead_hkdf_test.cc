// AEAD (RFC 8439 and the XChaCha20-Poly1305 draft vectors), HKDF-SHA256 (RFC 5869) and randomness.
#include <gtest/gtest.h>

#include "phalanx/crypto/aead.h"
#include "phalanx/crypto/hkdf.h"
#include "phalanx/crypto/limits.h"
#include "phalanx/crypto/random.h"
#include "test_util.h"

namespace phalanx::crypto {
namespace {

using testing::FixedHex;
using testing::Hex;

constexpr std::string_view kSunscreen =
    "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, "
    "sunscreen would be it.";

FixedBytes<32> Rfc8439Key() {
  return FixedHex<32>("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
}

TEST(ChaCha20Poly1305, Rfc8439Section2_8_2Vector) {
  auto nonce = FixedHex<12>("070000004041424344454647");
  Bytes aad = Hex("50515253c0c1c2c3c4c5c6c7");
  Bytes sealed = ChaCha20Poly1305Seal(Rfc8439Key(), nonce, aad, AsBytes(kSunscreen));
  EXPECT_EQ(ToHex(sealed),
            "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb"
            "69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad6"
            "75945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116"
            "1ae10b594f09e26a7e902ecbd0600691");
  auto opened = ChaCha20Poly1305Open(Rfc8439Key(), nonce, aad, sealed);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(std::string(opened->begin(), opened->end()), kSunscreen);
}

TEST(ChaCha20Poly1305, TamperedCiphertextAadOrNonceIsPermissionDenied) {
  auto key = RandomFixedBytes<32>();
  auto nonce = RandomFixedBytes<12>();
  Bytes aad = {1, 2};
  Bytes sealed = ChaCha20Poly1305Seal(key, nonce, aad, AsBytes("secret"));
  Bytes flipped = sealed;
  flipped[0] ^= 1;
  EXPECT_EQ(ChaCha20Poly1305Open(key, nonce, aad, flipped).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(ChaCha20Poly1305Open(key, nonce, Bytes{1, 3}, sealed).status().code(),
            StatusCode::kPermissionDenied);
  auto other_nonce = nonce;
  other_nonce[11] ^= 1;
  EXPECT_EQ(ChaCha20Poly1305Open(key, other_nonce, aad, sealed).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(ChaCha20Poly1305Open(RandomFixedBytes<32>(), nonce, aad, sealed).status().code(),
            StatusCode::kPermissionDenied);
}

TEST(ChaCha20Poly1305, CiphertextShorterThanTagIsInvalidArgument) {
  Bytes short_ct(kAeadTagBytes - 1);
  EXPECT_EQ(ChaCha20Poly1305Open({}, {}, {}, short_ct).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(ChaCha20Poly1305, EmptyPlaintextIsJustATag) {
  auto key = RandomFixedBytes<32>();
  Bytes sealed = ChaCha20Poly1305Seal(key, {}, {}, {});
  EXPECT_EQ(sealed.size(), kAeadTagBytes);
  auto opened = ChaCha20Poly1305Open(key, {}, {}, sealed);
  ASSERT_TRUE(opened.ok());
  EXPECT_TRUE(opened->empty());
}

TEST(XChaCha20Poly1305, DraftIrtfCfrgXchachaA3_1Vector) {
  auto nonce = FixedHex<24>("404142434445464748494a4b4c4d4e4f5051525354555657");
  Bytes aad = Hex("50515253c0c1c2c3c4c5c6c7");
  Bytes sealed = XChaCha20Poly1305Seal(Rfc8439Key(), nonce, aad, AsBytes(kSunscreen));
  EXPECT_EQ(ToHex(sealed),
            "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a8"
            "2f4eda7e39ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369"
            "488f76b2383565d3fff921f9664c97637da9768812f615c68b13b52e"
            "c0875924c1c7987947deafd8780acf49");
  auto opened = XChaCha20Poly1305Open(Rfc8439Key(), nonce, aad, sealed);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(std::string(opened->begin(), opened->end()), kSunscreen);
  sealed.back() ^= 0x80;
  EXPECT_EQ(XChaCha20Poly1305Open(Rfc8439Key(), nonce, aad, sealed).status().code(),
            StatusCode::kPermissionDenied);
}

TEST(HkdfSha256, Rfc5869TestCase1) {
  auto okm = HkdfSha256(Bytes(22, 0x0b), Hex("000102030405060708090a0b0c"),
                        Hex("f0f1f2f3f4f5f6f7f8f9"), 42);
  ASSERT_TRUE(okm.ok()) << okm.status().ToString();
  EXPECT_EQ(ToHex(*okm),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
}

TEST(HkdfSha256, Rfc5869TestCase3NoSaltNoInfo) {
  auto okm = HkdfSha256(Bytes(22, 0x0b), {}, {}, 42);
  ASSERT_TRUE(okm.ok()) << okm.status().ToString();
  EXPECT_EQ(ToHex(*okm),
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
}

TEST(HkdfSha256, EmptyInputKeyMaterialIsAllowed) {
  // Value from Python cryptography's HKDF.
  auto okm = HkdfSha256({}, AsBytes("salt"), AsBytes("info"), 32);
  ASSERT_TRUE(okm.ok()) << okm.status().ToString();
  EXPECT_EQ(ToHex(*okm), "7aac7b8120501c2c8e1ee50e6cde135361e99ceb9d8d406ac528b9e9175614c0");
}

TEST(HkdfSha256, OutputLengthLimitIs255Blocks) {
  auto longest =
      HkdfSha256(AsBytes("k"), AsBytes("salt"), AsBytes("info"), kMaxHkdfSha256OutputBytes);
  ASSERT_TRUE(longest.ok()) << longest.status().ToString();
  EXPECT_EQ(ToHex(ByteView(*longest).last(16)), "542fbc2383d218d36f6a6c2d68a479f5");
  EXPECT_EQ(HkdfSha256(AsBytes("k"), {}, {}, kMaxHkdfSha256OutputBytes + 1).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(HkdfSha256(AsBytes("k"), {}, {}, 0).status().code(), StatusCode::kInvalidArgument);
}

TEST(RandomBytes, FillsTheWholeBufferDifferentlyEachTime) {
  Bytes a(64), b(64);
  RandomBytes(a);
  RandomBytes(b);
  EXPECT_NE(a, b);
  EXPECT_NE(a, Bytes(64, 0));
}

}  // namespace
}  // namespace phalanx::crypto
