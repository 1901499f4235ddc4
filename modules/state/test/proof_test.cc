// Proof encoding limits and verification rules, on hand-built trees (no storage involved).
#include "phalanx/state/proof.h"

#include <gtest/gtest.h>

#include "phalanx/state/hashing.h"
#include "phalanx/state/limits.h"

namespace phalanx::state {
namespace {

Hash32 Filled(uint8_t b) {
  Hash32 h;
  h.data.fill(b);
  return h;
}

TEST(StateHashing, MatchesTheDocumentedDefinitions) {
  // docs/state.md: leaf = H(0x00 || key_hash || value_hash); internal = H(0x01 || bitmap LE ||
  // children). Recomputed here from raw bytes to pin the byte layout.
  const Hash32 kh = KeyHash(AsBytes("k")), vh = ValueHash(AsBytes("v"));
  Bytes leaf_input = {0x00};
  leaf_input.insert(leaf_input.end(), kh.begin(), kh.end());
  leaf_input.insert(leaf_input.end(), vh.begin(), vh.end());
  EXPECT_EQ(LeafHash(kh, vh), KeyHash(leaf_input));  // KeyHash is plain BLAKE2b-256

  const Hash32 a = Filled(0xaa), b = Filled(0xbb);
  Bytes internal_input = {0x01, 0x02, 0x80};  // bitmap 0x8002: children 1 and 15
  internal_input.insert(internal_input.end(), a.begin(), a.end());
  internal_input.insert(internal_input.end(), b.begin(), b.end());
  const Hash32 children[] = {a, b};
  EXPECT_EQ(InternalHash(0x8002, children), KeyHash(internal_input));
  EXPECT_TRUE(kEmptyRoot.IsZero());
}

TEST(StateHashing, NibblesAreHighHalfFirst) {
  Hash32 h;
  h[0] = 0xab;
  h[31] = 0xcd;
  EXPECT_EQ(Nibble(h, 0), 0xa);
  EXPECT_EQ(Nibble(h, 1), 0xb);
  EXPECT_EQ(Nibble(h, 62), 0xc);
  EXPECT_EQ(Nibble(h, 63), 0xd);
  Hash32 g = h;
  EXPECT_EQ(CommonPrefixNibbles(h, g), 64u);
  g[0] = 0xac;
  EXPECT_EQ(CommonPrefixNibbles(h, g), 1u);
  g[0] = 0x1b;
  EXPECT_EQ(CommonPrefixNibbles(h, g), 0u);
}

TEST(StateProof, EmptyTreeProvesAbsenceOfEverything) {
  Proof proof;  // no levels, empty terminal
  EXPECT_TRUE(VerifyProof(kEmptyRoot, AsBytes("any"), std::nullopt, proof).ok());
  const Bytes value = {1};
  EXPECT_EQ(VerifyProof(kEmptyRoot, AsBytes("any"), ByteView(value), proof).code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(VerifyProof(Filled(1), AsBytes("any"), std::nullopt, proof).code(),
            StatusCode::kPermissionDenied);
}

TEST(StateProof, SingleLeafTreeProvesItsKeyAndTheAbsenceOfOthers) {
  const Bytes value = {7, 7};
  Proof proof;
  proof.terminal = Proof::Terminal::kLeaf;
  proof.leaf_key_hash = KeyHash(AsBytes("only"));
  proof.leaf_value_hash = ValueHash(value);
  const Hash32 root = LeafHash(proof.leaf_key_hash, proof.leaf_value_hash);
  EXPECT_TRUE(VerifyProof(root, AsBytes("only"), ByteView(value), proof).ok());
  EXPECT_TRUE(VerifyProof(root, AsBytes("other"), std::nullopt, proof).ok());
  EXPECT_EQ(VerifyProof(root, AsBytes("only"), std::nullopt, proof).code(),
            StatusCode::kPermissionDenied);
  const Bytes wrong = {7, 8};
  Status s = VerifyProof(root, AsBytes("only"), ByteView(wrong), proof);
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find("value mismatch"), std::string_view::npos) << s.ToString();
}

TEST(StateProof, EncodingRoundTrips) {
  Proof proof;
  proof.levels.push_back(ProofLevel{0x0103, {Filled(1), Filled(2)}});
  proof.levels.push_back(ProofLevel{0x0010, {}});
  proof.terminal = Proof::Terminal::kLeaf;
  proof.leaf_key_hash = Filled(3);
  proof.leaf_value_hash = Filled(4);
  const Bytes bytes = proof.Encode();
  EXPECT_EQ(bytes.size(), 1u + 1 + (2 + 1 + 64) + (2 + 1) + 64);
  auto decoded = Proof::Decode(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, proof);
}

TEST(StateProof, DecodeRejectsMoreLevelsThanAKeyHashHas) {
  Proof proof;
  for (size_t i = 0; i <= kMaxProofLevels; ++i) proof.levels.push_back(ProofLevel{0x0001, {}});
  proof.terminal = Proof::Terminal::kLeaf;
  auto decoded = Proof::Decode(proof.Encode());
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), StatusCode::kLimitExceeded) << decoded.status().ToString();
  // Exactly the limit is fine.
  proof.levels.pop_back();
  EXPECT_TRUE(Proof::Decode(proof.Encode()).ok());
}

TEST(StateProof, DecodeRejectsMoreSiblingsThanANodeHasChildren) {
  Proof proof;
  proof.levels.push_back(ProofLevel{0xffff, std::vector<Hash32>(kMaxSiblingsPerLevel + 1)});
  auto decoded = Proof::Decode(proof.Encode());
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), StatusCode::kLimitExceeded) << decoded.status().ToString();
  proof.levels[0].siblings.pop_back();  // 16 siblings of an empty-terminal level: allowed
  EXPECT_TRUE(Proof::Decode(proof.Encode()).ok());
}

TEST(StateProof, DecodeRejectsInputsOverTheByteLimit) {
  Bytes huge(kMaxProofBytes + 1, 0);
  auto decoded = Proof::Decode(huge);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), StatusCode::kLimitExceeded);
  // The largest well-formed proof fits the limit.
  Proof largest;
  for (size_t i = 0; i < kMaxProofLevels; ++i) {
    largest.levels.push_back(ProofLevel{0xffff, std::vector<Hash32>(15)});
  }
  largest.levels.back().siblings.resize(16);
  EXPECT_LE(largest.Encode().size(), kMaxProofBytes);
  EXPECT_TRUE(Proof::Decode(largest.Encode()).ok());
}

TEST(StateProof, DecodeRejectsTruncatedTrailingAndMisshapenInput) {
  Proof proof;
  proof.levels.push_back(ProofLevel{0x0003, {Filled(9)}});
  proof.terminal = Proof::Terminal::kLeaf;
  Bytes bytes = proof.Encode();
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(Proof::Decode(ByteView(bytes.data(), n)).ok()) << "prefix of " << n;
  }
  Bytes trailing = bytes;
  trailing.push_back(0);
  EXPECT_FALSE(Proof::Decode(trailing).ok());
  Bytes bad_terminal = bytes;
  bad_terminal[0] = 2;
  EXPECT_FALSE(Proof::Decode(bad_terminal).ok());

  Proof misshapen = proof;
  misshapen.levels[0].siblings.push_back(Filled(8));  // 2 siblings for 2 children + a leaf
  auto decoded = Proof::Decode(misshapen.Encode());
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument);
  Proof childless;
  childless.levels.push_back(ProofLevel{0, {}});
  EXPECT_EQ(Proof::Decode(childless.Encode()).status().code(), StatusCode::kInvalidArgument);
}

TEST(StateProof, LeafOffTheKeysPathIsRejected) {
  // A two-level proof whose leaf does not share the key's first two nibbles.
  const Hash32 key_hash = KeyHash(AsBytes("key"));
  Hash32 other = key_hash;
  other[0] ^= 0x10;  // differs at nibble 0
  Proof proof;
  const uint16_t bit0 = uint16_t{1} << Nibble(key_hash, 0);
  const uint16_t bit1 = uint16_t{1} << Nibble(key_hash, 1);
  proof.levels = {ProofLevel{bit0, {}}, ProofLevel{bit1, {}}};
  proof.terminal = Proof::Terminal::kLeaf;
  proof.leaf_key_hash = other;
  Status s = VerifyProofHashed(Filled(0), key_hash, std::nullopt, proof);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("not on the path"), std::string_view::npos) << s.ToString();
}

TEST(StateProof, PathThroughAMissingChildIsRejected) {
  const Hash32 key_hash = KeyHash(AsBytes("key"));
  const uint8_t n0 = Nibble(key_hash, 0);
  Proof proof;
  // The bitmap lacks the key's nibble but the proof continues to a leaf.
  proof.levels = {ProofLevel{
      static_cast<uint16_t>(uint16_t{1} << ((n0 + 1) % 16) | uint16_t{1} << ((n0 + 2) % 16)),
      {Filled(1)}}};
  proof.terminal = Proof::Terminal::kLeaf;
  proof.leaf_key_hash = key_hash;
  proof.leaf_value_hash = ValueHash(AsBytes("v"));
  Status s = VerifyProofHashed(Filled(0), key_hash, ValueHash(AsBytes("v")), proof);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
}

}  // namespace
}  // namespace phalanx::state

namespace phalanx::state {
namespace {

// The test vectors of docs/state.md ("Test vectors"); if these change, every state root changed.
TEST(StateHashing, DocumentedTestVectors) {
  const Hash32 alice = KeyHash(AsBytes("alice")), bob = KeyHash(AsBytes("bob"));
  EXPECT_EQ(ToHex(alice), "e11d814979372c883b50bdb0ffadb1eaf0898bf54fd4fbf298af126fbabbda4c");
  const Hash32 alice_leaf = LeafHash(alice, ValueHash(AsBytes("100")));
  EXPECT_EQ(ToHex(alice_leaf), "e38af4efbed10b42fdae15083bf6c76845159df970f14c0593043b554fc7cfa5");
  const Hash32 bob_leaf = LeafHash(bob, ValueHash(AsBytes("200")));
  const Hash32 children[] = {bob_leaf, alice_leaf};  // nibbles 8 and e
  const Hash32 root = InternalHash(0x4100, children);
  EXPECT_EQ(ToHex(root), "833615c6e8b22ee5301fb8455206c6b6438a2d91633f405aa9485a549dc26629");

  auto inclusion = Proof::Decode(
      *FromHex("0104004104386bc222d6ae7089ef79b4eaf0031d72940dc7eac3db6a856969b6dd1f0f4dba"
               "e11d814979372c883b50bdb0ffadb1eaf0898bf54fd4fbf298af126fbabbda4c"
               "2f65d4117479347b9303a40b203651f60baee0278ea49c5a58228019f40c5e48"));
  ASSERT_TRUE(inclusion.ok()) << inclusion.status().ToString();
  EXPECT_TRUE(VerifyProof(root, AsBytes("alice"), AsBytes("100"), *inclusion).ok());
  auto absence = Proof::Decode(
      *FromHex("0004004108386bc222d6ae7089ef79b4eaf0031d72940dc7eac3db6a856969b6dd1f0f4dba"
               "e38af4efbed10b42fdae15083bf6c76845159df970f14c0593043b554fc7cfa5"));
  ASSERT_TRUE(absence.ok()) << absence.status().ToString();
  EXPECT_TRUE(VerifyProof(root, AsBytes("carol"), std::nullopt, *absence).ok());
}

}  // namespace
}  // namespace phalanx::state
