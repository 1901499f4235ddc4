// Ed25519: RFC 8032 known answers, strict verification, secret wiping, and batch verification.
#include "phalanx/crypto/ed25519.h"

#include <gtest/gtest.h>

#include <new>
#include <thread>

#include "phalanx/crypto/limits.h"
#include "test_util.h"

namespace phalanx::crypto {
namespace {

using testing::FixedHex;
using testing::Hex;

TEST(Ed25519, Rfc8032Test1EmptyMessage) {
  SigningKey key = SigningKey::FromSeed(
      FixedHex<32>("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
  EXPECT_EQ(ToHex(key.public_key()),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  Signature sig = key.Sign({});
  EXPECT_EQ(ToHex(sig),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39"
            "701cf9b46bd25bf5f0595bbe24655141438e7a100b");
  EXPECT_TRUE(Verify(key.public_key(), {}, sig));
}

TEST(Ed25519, Rfc8032Test2OneByteMessage) {
  SigningKey key = SigningKey::FromSeed(
      FixedHex<32>("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"));
  EXPECT_EQ(ToHex(key.public_key()),
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
  Bytes msg = Hex("72");
  Signature sig = key.Sign(msg);
  EXPECT_EQ(ToHex(sig),
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f36"
            "13d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
  EXPECT_TRUE(Verify(key.public_key(), msg, sig));
}

TEST(Ed25519, VerifyRejectsModifiedMessageSignatureOrKey) {
  SigningKey key = SigningKey::Generate();
  Bytes msg = {1, 2, 3, 4};
  Signature sig = key.Sign(msg);
  ASSERT_TRUE(Verify(key.public_key(), msg, sig));

  Bytes other_msg = msg;
  other_msg[0] ^= 1;
  EXPECT_FALSE(Verify(key.public_key(), other_msg, sig));
  Signature other_sig = sig;
  other_sig[10] ^= 0x40;
  EXPECT_FALSE(Verify(key.public_key(), msg, other_sig));
  EXPECT_FALSE(Verify(SigningKey::Generate().public_key(), msg, sig));
}

TEST(Ed25519, VerifyRejectsSmallOrderPublicKeyEvenWhenTheEquationHolds) {
  // Identity public key and signature (R = identity, S = 0): [S]B = R + [h]A holds for every
  // message, so a non-strict verifier would accept this forgery.
  PublicKey identity =
      FixedHex<32>("0100000000000000000000000000000000000000000000000000000000000000");
  Signature forged = FixedHex<64>(
      "0100000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000");
  EXPECT_FALSE(Verify(identity, AsBytes("pay mallory"), forged));
}

TEST(Ed25519, VerifyRejectsNonCanonicalS) {
  // Adding the group order L to S gives a signature that satisfies the verification equation but
  // is malleated; strict verification requires S < L.
  SigningKey key = SigningKey::Generate();
  Bytes msg = {9, 9, 9};
  Signature sig = key.Sign(msg);
  FixedBytes<32> order =
      FixedHex<32>("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
  unsigned carry = 0;
  for (size_t i = 0; i < 32; ++i) {
    unsigned sum = sig[32 + i] + order[i] + carry;
    sig[32 + i] = static_cast<uint8_t>(sum);
    carry = sum >> 8;
  }
  ASSERT_EQ(carry, 0u);  // S < L < 2^253, so S + L still fits in 32 bytes
  EXPECT_FALSE(Verify(key.public_key(), msg, sig));
}

TEST(Ed25519, GenerateGivesDistinctKeysThatRoundTripThroughTheirSeed) {
  SigningKey a = SigningKey::Generate();
  SigningKey b = SigningKey::Generate();
  EXPECT_NE(a.public_key(), b.public_key());
  EXPECT_EQ(SigningKey::FromSeed(a.seed()).public_key(), a.public_key());
}

TEST(Ed25519, CopiesSignIdentically) {
  SigningKey key = SigningKey::Generate();
  SigningKey copy = key;
  EXPECT_EQ(copy.public_key(), key.public_key());
  EXPECT_EQ(copy.Sign(AsBytes("m")), key.Sign(AsBytes("m")));  // ed25519 is deterministic
}

TEST(Ed25519, DestructorWipesTheSeed) {
  Seed seed = FixedHex<32>("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  alignas(SigningKey) unsigned char storage[sizeof(SigningKey)];
  auto* key = new (storage) SigningKey(SigningKey::FromSeed(seed));
  ASSERT_NE(std::search(storage, storage + sizeof storage, seed.begin(), seed.end()),
            storage + sizeof storage);
  key->~SigningKey();
  EXPECT_EQ(std::search(storage, storage + sizeof storage, seed.begin(), seed.end()),
            storage + sizeof storage);
}

// A batch with valid signatures and three kinds of invalid ones, in a known pattern.
struct MixedBatch {
  std::vector<Bytes> messages;
  std::vector<VerifyItem> items;
  std::vector<uint8_t> expected;

  explicit MixedBatch(size_t n) {
    SigningKey alice = SigningKey::Generate();
    SigningKey bob = SigningKey::Generate();
    messages.resize(n);
    for (size_t i = 0; i < n; ++i)
      messages[i] = {static_cast<uint8_t>(i), static_cast<uint8_t>(i >> 8), 7};
    for (size_t i = 0; i < n; ++i) {
      VerifyItem item{alice.public_key(), messages[i], alice.Sign(messages[i])};
      uint8_t valid = 1;
      switch (i % 7) {
        case 3:  // signed by someone else
          item.signature = bob.Sign(messages[i]);
          valid = 0;
          break;
        case 5:  // corrupted signature
          item.signature[0] ^= 1;
          valid = 0;
          break;
        case 6:  // signature for another message
          item.signature = alice.Sign(AsBytes("other"));
          valid = 0;
          break;
      }
      items.push_back(item);
      expected.push_back(valid);
    }
  }
};

TEST(VerifyBatch, MixedValidAndInvalidWithTwoThreadsGivesOneVerdictPerItem) {
  MixedBatch batch(301);
  EXPECT_EQ(VerifyBatch(batch.items, 2), batch.expected);
}

TEST(VerifyBatch, SmallBatchIsVerifiedInline) {
  MixedBatch batch(kMinParallelVerifyBatch - 1);
  EXPECT_EQ(VerifyBatch(batch.items, 8), batch.expected);
}

TEST(VerifyBatch, EmptyBatchGivesEmptyResult) { EXPECT_TRUE(VerifyBatch({}, 4).empty()); }

TEST(VerifyBatch, DefaultAndExcessiveThreadCountsAgreeWithSingleThread) {
  MixedBatch batch(200);
  EXPECT_EQ(VerifyBatch(batch.items, 0), batch.expected);
  EXPECT_EQ(VerifyBatch(batch.items, 1), batch.expected);
  EXPECT_EQ(VerifyBatch(batch.items, 1000), batch.expected);  // capped at kMaxVerifyThreads
}

TEST(VerifyBatch, ConcurrentCallersShareThePool) {
  MixedBatch batch(500);
  std::vector<std::vector<uint8_t>> results(4);
  std::vector<std::thread> callers;
  for (size_t t = 0; t < results.size(); ++t) {
    callers.emplace_back([&, t] {
      for (int round = 0; round < 3; ++round) results[t] = VerifyBatch(batch.items, 3);
    });
  }
  for (auto& c : callers) c.join();
  for (const auto& r : results) EXPECT_EQ(r, batch.expected);
}

}  // namespace
}  // namespace phalanx::crypto
