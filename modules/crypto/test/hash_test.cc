// Known-answer tests for BLAKE2b (one-shot, variable length, incremental) and SHA-256.
#include "phalanx/crypto/hash.h"

#include <gtest/gtest.h>

#include <string>

namespace phalanx::crypto {
namespace {

Bytes Pattern(size_t n) {
  Bytes out(n);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(i);
  return out;
}

TEST(Blake2b256, EmptyInputMatchesReference) {
  EXPECT_EQ(ToHex(Blake2b256({})),
            "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
}

TEST(Blake2b256, AbcMatchesReference) {
  EXPECT_EQ(ToHex(Blake2b256(AsBytes("abc"))),
            "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
}

TEST(Blake2b256, MultiBlockInputMatchesReference) {
  // 1 KiB spans eight 128-byte BLAKE2b blocks (value from Python hashlib.blake2b).
  EXPECT_EQ(ToHex(Blake2b256(Pattern(1024))),
            "f1551feeb252c7e60bb362205bd1ac2f70b145260a91d41e8c5d0a187549a5f2");
}

TEST(Blake2b, VariableDigestLengthsMatchReference) {
  uint8_t out64[64];
  Blake2b(AsBytes("abc"), out64);
  EXPECT_EQ(ToHex(ByteView(out64)),
            "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
            "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923");
  uint8_t out20[20];
  Blake2b(AsBytes("abc"), out20);
  EXPECT_EQ(ToHex(ByteView(out20)), "384264f676f39536840523f284921cdc68b6846b");
  uint8_t out1[1];
  Blake2b(AsBytes("abc"), out1);
  EXPECT_EQ(ToHex(ByteView(out1)), "6b");
}

TEST(Blake2bDeathTest, DigestLongerThan64BytesIsAProgrammerError) {
  uint8_t out65[65];
  EXPECT_DEATH(Blake2b(AsBytes("abc"), out65), "1..64");
}

TEST(Blake2b256Hasher, IncrementalEqualsOneShotForEverySplit) {
  Bytes data = Pattern(300);
  Hash32 expected = Blake2b256(data);
  for (size_t split = 0; split <= data.size(); split += 7) {
    Blake2b256Hasher hasher;
    hasher.Update(ByteView(data).subspan(0, split));
    hasher.Update(ByteView(data).subspan(split));
    EXPECT_EQ(hasher.Finalize(), expected) << "split at " << split;
  }
}

TEST(Blake2b256Hasher, NoUpdatesHashesEmptyInput) {
  Blake2b256Hasher hasher;
  EXPECT_EQ(hasher.Finalize(), Blake2b256({}));
}

TEST(Blake2b256HasherDeathTest, UpdateAfterFinalizeIsAProgrammerError) {
  Blake2b256Hasher hasher;
  (void)hasher.Finalize();
  EXPECT_DEATH(hasher.Update(AsBytes("x")), "after Finalize");
}

TEST(Sha256, MatchesFips180Vectors) {
  EXPECT_EQ(ToHex(Sha256({})), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(ToHex(Sha256(AsBytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(ToHex(Sha256(AsBytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

}  // namespace
}  // namespace phalanx::crypto
