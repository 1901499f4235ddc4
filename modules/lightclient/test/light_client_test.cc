// Specification of the light client on synthetic chains: it follows honest chains through
// validator-set changes, sequentially or skipping (with the same result), and rejects every kind
// of tampering with an error naming what failed.
#include "phalanx/lightclient/light_client.h"

#include <gtest/gtest.h>

#include "phalanx/lightclient/limits.h"
#include "test_chain.h"

namespace phalanx::lightclient {
namespace {

using testing::SetOf;
using testing::TestChain;

// 60 blocks; sets change (effective at) heights 10 (a validator replaced), 21 (powers change)
// and 40 (shrinks to three).
TestChain ChangingChain() {
  std::vector<types::ValidatorInfo> weighted;
  for (uint64_t i : {1, 2, 3, 4}) weighted.push_back({testing::ValidatorKey(i).public_key(), i});
  return TestChain(60, {{0, SetOf({0, 1, 2, 3})},
                        {10, SetOf({1, 2, 3, 4})},
                        {21, *types::ValidatorSet::Create(weighted)},
                        {40, SetOf({5, 6, 7})}});
}

const TestChain& Chain() {
  static const TestChain chain = ChangingChain();
  return chain;
}

LightClient Genesis(const TestChain& chain = Chain()) {
  return LightClient::FromGenesis(chain.header(0), chain.SetAt(0)).value();
}

#define EXPECT_VERDICT(verdict, expected_code, text)                                         \
  do {                                                                                       \
    const Verdict v_ = (verdict);                                                            \
    EXPECT_EQ(v_.code(), expected_code) << ErrorCodeName(v_.code()) << ": " << v_.message(); \
    EXPECT_NE(v_.message().find(text), std::string::npos) << v_.message();                   \
  } while (0)

TEST(LightClient, StartsFromGenesisOnlyWithTheGenesisSet) {
  LightClient lc = Genesis();
  EXPECT_EQ(lc.height(), 0u);
  EXPECT_EQ(lc.genesis_hash(), Chain().genesis_hash());
  EXPECT_EQ(lc.next_validators(), Chain().SetAt(1));

  auto wrong_set = LightClient::FromGenesis(Chain().header(0), SetOf({0, 1, 2}));
  ASSERT_FALSE(wrong_set.ok());
  EXPECT_NE(wrong_set.status().message().find("genesis header commits validators_hash"),
            std::string::npos);
  auto not_genesis = LightClient::FromGenesis(Chain().header(1), Chain().SetAt(1));
  ASSERT_FALSE(not_genesis.ok());
  EXPECT_NE(not_genesis.status().message().find("height 0"), std::string::npos);
  auto wrong_next =
      LightClient::FromTrusted(Chain().header(9), Chain().SetAt(9), Chain().genesis_hash());
  ASSERT_FALSE(wrong_next.ok());  // header 9 commits the set of height 10, which differs
}

TEST(LightClient, SequentialSyncFollowsEveryValidatorSetChange) {
  LightClient lc = Genesis();
  for (const Checkpoint& c : Chain().Sequential(0, 60)) {
    Verdict v = lc.Advance(c);
    ASSERT_TRUE(v.ok()) << "height " << c.header.height << ": " << v.message();
    EXPECT_EQ(lc.next_validators(), Chain().SetAt(c.header.height + 1));
  }
  EXPECT_EQ(lc.height(), 60u);
  EXPECT_EQ(lc.header_hash(), Chain().header(60).Hash());
}

TEST(LightClient, SkippingVerifiesOnlySetChangesAndTheTargetWithTheSequentialResult) {
  LightClient sequential = Genesis();
  ASSERT_TRUE(sequential.Sync(Chain().Sequential(0, 60)).ok());

  LightClient skipping = Genesis();
  const std::vector<Checkpoint> checkpoints = Chain().Skipping(0, 60);
  ASSERT_EQ(Chain().SkippingHeights(0, 60), (std::vector<uint64_t>{9, 20, 39, 60}));
  size_t verified = 0;
  Verdict v = skipping.Sync(checkpoints, &verified);
  ASSERT_TRUE(v.ok()) << v.message();
  EXPECT_EQ(verified, 4u);
  EXPECT_EQ(skipping.header(), sequential.header());
  EXPECT_EQ(skipping.header_hash(), sequential.header_hash());
  EXPECT_EQ(skipping.next_validators(), sequential.next_validators());
}

TEST(LightClient, SkippingResumesFromAnyVerifiedHeight) {
  for (uint64_t mid : {5, 9, 10, 25, 39, 40}) {
    LightClient lc = Genesis();
    ASSERT_TRUE(lc.Sync(Chain().Skipping(0, mid)).ok()) << mid;
    Verdict v = lc.Sync(Chain().Skipping(mid, 60));
    ASSERT_TRUE(v.ok()) << mid << ": " << v.message();
    EXPECT_EQ(lc.header_hash(), Chain().header(60).Hash());
  }
}

TEST(LightClient, CertificateWithExactlyAQuorumIsEnough) {
  LightClient lc = Genesis();
  Checkpoint c = Chain().CheckpointAt(5);
  c.certificate = Chain().Certify(5, {0, 2, 3});  // 3 of 4 > 2/3
  EXPECT_TRUE(lc.Sync({&c, 1}).ok());
}

TEST(LightClient, AdjacentHeaderWithWrongParentHashIsRejected) {
  LightClient lc = Genesis();
  Checkpoint c = Chain().CheckpointAt(1);
  c.header.parent_hash.data[0] ^= 1;
  c.certificate = Chain().CertifyHeader(c.header, Chain().SetAt(1));  // validly signed fork
  EXPECT_VERDICT(lc.Advance(c), ErrorCode::kWrongParentHash, "has parent_hash");
  EXPECT_EQ(lc.height(), 0u);
}

TEST(LightClient, AdvanceRejectsAHeightGap) {
  LightClient lc = Genesis();
  EXPECT_VERDICT(lc.Advance(Chain().CheckpointAt(2)), ErrorCode::kHeightGap, "expected height 1");
}

TEST(LightClient, CheckpointsMustIncreaseInHeight) {
  LightClient lc = Genesis();
  std::vector<Checkpoint> list = {Chain().CheckpointAt(3), Chain().CheckpointAt(3)};
  size_t verified = 0;
  EXPECT_VERDICT(lc.Sync(list, &verified), ErrorCode::kHeightNotIncreasing,
                 "checkpoint 1: header 3 is not above the verified height 3");
  EXPECT_EQ(verified, 1u);
  EXPECT_EQ(lc.height(), 3u);  // keeps what verified
}

TEST(LightClient, HeaderCommittedByAnotherSetIsRejected) {
  // A header at height 5 claiming (and signed by) a set the chain never had.
  LightClient lc = Genesis();
  ASSERT_TRUE(lc.Sync(Chain().Sequential(0, 4)).ok());
  const types::ValidatorSet rogue = SetOf({8, 9, 10, 11});
  Checkpoint c = Chain().CheckpointAt(5);
  c.header.validators_hash = rogue.Hash();
  c.certificate = Chain().CertifyHeader(c.header, rogue);
  EXPECT_VERDICT(lc.Advance(c), ErrorCode::kValidatorsHashMismatch, "header 5 names");
}

TEST(LightClient, SkippingPastAValidatorSetChangeIsRejected) {
  LightClient lc = Genesis();
  std::vector<Checkpoint> list = Chain().Skipping(0, 60);
  list.erase(list.begin() + 1);  // leaves out header 20, which changes the set for 21
  EXPECT_VERDICT(lc.Sync(list), ErrorCode::kMissedValidatorChange,
                 "change between heights 10 and 38 is missing");
  EXPECT_EQ(lc.height(), 9u);
}

TEST(LightClient, CertificateForAnotherBlockIsRejected) {
  LightClient lc = Genesis();
  Checkpoint c = Chain().CheckpointAt(1);
  c.certificate = Chain().Certify(2);
  EXPECT_VERDICT(lc.Advance(c), ErrorCode::kCertificateMismatch, "is for height 2");
  Checkpoint tampered = Chain().CheckpointAt(1);
  tampered.header.state_root.data[5] ^= 0x10;  // header changed after it was certified
  EXPECT_VERDICT(lc.Advance(tampered), ErrorCode::kCertificateMismatch, "not block");
}

TEST(LightClient, CertificateWithABadSignatureNamesIt) {
  LightClient lc = Genesis();
  Checkpoint c = Chain().CheckpointAt(1);
  c.certificate.signatures[2].signature.data[10] ^= 1;
  EXPECT_VERDICT(lc.Advance(c), ErrorCode::kBadCertificate, "signature 2 by validator 2");
}

TEST(LightClient, CertificateWithoutAQuorumIsRejected) {
  LightClient lc = Genesis();
  Checkpoint c = Chain().CheckpointAt(1);
  c.certificate = Chain().Certify(1, {0, 3});  // 2 of 4
  EXPECT_VERDICT(lc.Advance(c), ErrorCode::kBadCertificate, "more than 2/3");
}

TEST(LightClient, CertificateSignedByTheWrongSetIsRejected) {
  // Header 12 is committed by S(10..20); a certificate by the genesis set does not count, even at
  // the same indices.
  LightClient lc = Genesis();
  ASSERT_TRUE(lc.Sync(Chain().Skipping(0, 11)).ok());
  Checkpoint c = Chain().CheckpointAt(12);
  c.certificate = Chain().CertifyHeader(c.header, Chain().SetAt(0));
  EXPECT_VERDICT(lc.Advance(c), ErrorCode::kBadCertificate, "is not a valid precommit");
}

TEST(LightClient, CertificateSignedForAnotherChainIsRejected) {
  LightClient lc = Genesis();
  Checkpoint c = Chain().CheckpointAt(1);
  const Hash32 other_genesis = crypto::Blake2b256(AsBytes("another chain"));
  c.certificate = Chain().CertifyHeader(c.header, Chain().SetAt(1), {}, &other_genesis);
  EXPECT_VERDICT(lc.Advance(c), ErrorCode::kBadCertificate, "is not a valid precommit");
}

TEST(LightClient, SetChangeWithoutTheNewSetIsRejected) {
  LightClient lc = Genesis();
  std::vector<Checkpoint> list = Chain().Skipping(0, 60);
  list[0].next_validators.reset();
  EXPECT_VERDICT(lc.Sync(list), ErrorCode::kMissingValidatorSet,
                 "header 9 changes the validator set for height 10");
  EXPECT_EQ(lc.height(), 0u);
}

TEST(LightClient, SuppliedSetThatDoesNotMatchTheHeaderIsRejected) {
  LightClient lc = Genesis();
  std::vector<Checkpoint> list = Chain().Skipping(0, 60);
  list[0].next_validators = SetOf({1, 2, 3, 9});
  EXPECT_VERDICT(lc.Sync(list), ErrorCode::kValidatorSetHashMismatch,
                 "the validator set supplied with header 9 hashes to");
  // A set supplied where the header does not change it must match as well.
  Checkpoint same = Chain().CheckpointAt(1);
  same.next_validators = SetOf({1, 2, 3, 9});
  EXPECT_VERDICT(lc.Advance(same), ErrorCode::kValidatorSetHashMismatch, "hashes to");
}

TEST(LightClient, FailedSyncKeepsTheLastVerifiedCheckpoint) {
  LightClient lc = Genesis();
  std::vector<Checkpoint> list = Chain().Skipping(0, 60);
  list[2].certificate.signatures[0].signature.data[0] ^= 1;
  size_t verified = 0;
  EXPECT_VERDICT(lc.Sync(list, &verified), ErrorCode::kBadCertificate, "checkpoint 2:");
  EXPECT_EQ(verified, 2u);
  EXPECT_EQ(lc.height(), 20u);
  EXPECT_EQ(lc.next_validators(), Chain().SetAt(21));
  // The honest rest still syncs from there.
  EXPECT_TRUE(lc.Sync(Chain().Skipping(20, 60)).ok());
}

TEST(LightClient, MoreThanMaxCheckpointsPerSyncIsRejectedBeforeAnyWork) {
  const TestChain chain(kMaxCheckpointsPerSync + 1, {{0, SetOf({0})}});
  LightClient lc = Genesis(chain);
  std::vector<Checkpoint> at_limit = chain.Sequential(0, kMaxCheckpointsPerSync);
  EXPECT_TRUE(lc.Sync(at_limit).ok());
  LightClient fresh = Genesis(chain);
  std::vector<Checkpoint> over = at_limit;
  over.push_back(chain.CheckpointAt(kMaxCheckpointsPerSync + 1));
  size_t verified = 99;
  EXPECT_VERDICT(fresh.Sync(over, &verified), ErrorCode::kTooManyCheckpoints,
                 "kMaxCheckpointsPerSync (4096)");
  EXPECT_EQ(verified, 0u);
  EXPECT_EQ(fresh.height(), 0u);
}

TEST(LightClient, VerdictsConvertToStatusCodes) {
  EXPECT_TRUE(Verdict::Ok().ToStatus().ok());
  EXPECT_EQ(Verdict(ErrorCode::kBadCertificate, "x").ToStatus().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(Verdict(ErrorCode::kTooManyCheckpoints, "x").ToStatus().code(),
            StatusCode::kLimitExceeded);
  EXPECT_EQ(Verdict(ErrorCode::kWrongParentHash, "x").ToStatus().message(), "wrong_parent_hash: x");
}

}  // namespace
}  // namespace phalanx::lightclient

namespace phalanx::lightclient {
namespace {

TEST(Checkpoints, RoundTripThroughTheirEncoding) {
  const std::vector<Checkpoint> list = Chain().Skipping(0, 60);
  const Bytes bytes = EncodeCheckpoints(list);
  auto back = DecodeCheckpoints(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, list);
  LightClient lc = Genesis();
  EXPECT_TRUE(lc.Sync(*back).ok());
  Bytes trailing = bytes;
  trailing.push_back(0);
  EXPECT_FALSE(DecodeCheckpoints(trailing).ok());
  for (size_t cut : {size_t{1}, bytes.size() / 2, bytes.size() - 1})
    EXPECT_FALSE(DecodeCheckpoints(ByteView(bytes.data(), cut)).ok()) << cut;
}

TEST(Checkpoints, ListLongerThanMaxCheckpointsPerSyncIsRejectedWhenDecoding) {
  codec::Encoder e;
  e.WriteCompact(kMaxCheckpointsPerSync + 1);
  auto r = DecodeCheckpoints(e.view());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kLimitExceeded);
}

TEST(Checkpoints, InputLargerThanMaxCheckpointsBytesIsRejectedBeforeDecoding) {
  const Bytes huge(kMaxCheckpointsBytes + 1, 0);
  auto r = DecodeCheckpoints(huge);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kLimitExceeded);
  EXPECT_NE(r.status().message().find("kMaxCheckpointsBytes"), std::string::npos);
}

}  // namespace
}  // namespace phalanx::lightclient
