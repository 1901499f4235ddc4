// Specification of validator sets, votes, commit certificates and VerifyCommit.
#include "phalanx/types/consensus_types.h"

#include <gtest/gtest.h>

#include "phalanx/types/limits.h"
#include "test_util.h"

namespace phalanx::types {
namespace {

using testing::HashFromByte;
using testing::KeyFromByte;
using testing::TestGenesis;

// Validators with the given powers; keys()[i] is the key of set index i.
class Committee {
 public:
  explicit Committee(std::vector<uint64_t> powers) {
    std::vector<ValidatorInfo> infos;
    std::vector<crypto::SigningKey> keys;
    for (size_t i = 0; i < powers.size(); ++i) {
      keys.push_back(KeyFromByte(static_cast<uint8_t>(i + 1)));
      infos.push_back({keys.back().public_key(), powers[i]});
    }
    set_ = ValidatorSet::Create(infos).value();
    for (const ValidatorInfo& v : set_.validators) {
      for (const auto& k : keys)
        if (k.public_key() == v.public_key) keys_.push_back(k);
    }
  }
  const ValidatorSet& set() const { return set_; }

  // A certificate for (height, round, block) signed by the validators at `indices`.
  CommitCertificate Commit(uint64_t height, uint32_t round, const Hash32& block,
                           std::vector<uint32_t> indices, VoteType type = VoteType::kPrecommit,
                           const Hash32& genesis = TestGenesis()) const {
    CommitCertificate c{height, round, block, {}};
    const Hash32 msg = VoteSigningHash(type, height, round, block, genesis);
    for (uint32_t i : indices)
      c.signatures.push_back({i, keys_[i % keys_.size()].Sign(msg.view())});
    return c;
  }

 private:
  ValidatorSet set_;
  std::vector<crypto::SigningKey> keys_;
};

const Hash32 kBlock = HashFromByte(0xb1);

TEST(ValidatorSet, CreateSortsByKeyAndComputesPower) {
  Committee c({10, 20, 30});
  const auto& v = c.set().validators;
  EXPECT_TRUE(v[0].public_key < v[1].public_key && v[1].public_key < v[2].public_key);
  EXPECT_EQ(c.set().TotalPower(), 60u);
  EXPECT_EQ(c.set().QuorumPower(), 41u);
  EXPECT_EQ(c.set().IndexOf(v[2].public_key), 2);
  EXPECT_EQ(c.set().IndexOf(HashFromByte(0)), -1);
}

TEST(ValidatorSet, QuorumIsMoreThanTwoThirds) {
  const std::pair<uint64_t, uint64_t> cases[] = {{1, 1}, {3, 3}, {4, 3}, {100, 67}, {300, 201}};
  for (auto [total, quorum] : cases) {
    ValidatorSet s{{{HashFromByte(1), total}}};
    EXPECT_EQ(s.QuorumPower(), quorum) << total;
  }
  ValidatorSet big{{{HashFromByte(1), UINT64_MAX}}};
  EXPECT_EQ(big.QuorumPower(), UINT64_MAX / 3 * 2 + 1);
}

TEST(ValidatorSet, ValidationRejectsEachInvalidForm) {
  auto err = [](std::vector<ValidatorInfo> v) {
    return std::string(ValidatorSet{std::move(v)}.Validate().message());
  };
  EXPECT_NE(err({}).find("empty"), std::string::npos);
  EXPECT_NE(err({{HashFromByte(1), 0}}).find("zero voting power"), std::string::npos);
  EXPECT_NE(err({{HashFromByte(1), 5}, {HashFromByte(1), 5}}).find("appears twice"),
            std::string::npos);
  EXPECT_NE(err({{HashFromByte(2), 5}, {HashFromByte(1), 5}}).find("canonical order"),
            std::string::npos);
  EXPECT_NE(err({{HashFromByte(1), UINT64_MAX}, {HashFromByte(2), 1}}).find("overflows u64"),
            std::string::npos);
  EXPECT_FALSE(ValidatorSet::Create({{HashFromByte(1), 1}, {HashFromByte(1), 2}}).ok());
}

TEST(ValidatorSet, MoreThanMaxValidatorsRejected) {
  std::vector<ValidatorInfo> v;
  for (size_t i = 0; i <= kMaxValidators; ++i) {
    AccountId k;
    k[0] = static_cast<uint8_t>(i >> 8);
    k[1] = static_cast<uint8_t>(i);
    v.push_back({k, 1});
  }
  EXPECT_NE(ValidatorSet::Create(v).status().message().find("kMaxValidators"), std::string::npos);
  // Decoding stops at the length prefix.
  Result<ValidatorSet> r = codec::DecodeAll<ValidatorSet>(codec::EncodeToBytes(ValidatorSet{v}));
  EXPECT_EQ(r.status().code(), StatusCode::kLimitExceeded);
  v.pop_back();
  EXPECT_TRUE(codec::DecodeAll<ValidatorSet>(codec::EncodeToBytes(ValidatorSet{v})).ok());
}

TEST(ValidatorSet, DecodeRejectsInvalidSets) {
  ValidatorSet unsorted{{{HashFromByte(2), 5}, {HashFromByte(1), 5}}};
  Result<ValidatorSet> r = codec::DecodeAll<ValidatorSet>(codec::EncodeToBytes(unsorted));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("validator set at offset 0: "), std::string::npos);
  Committee c({1, 2, 3});
  EXPECT_EQ(codec::DecodeAll<ValidatorSet>(codec::EncodeToBytes(c.set())).value(), c.set());
}

TEST(Vote, RoundTripsAndRejectsUnknownType) {
  Vote v{VoteType::kPrecommit, 7, 2, kBlock, 3, {}};
  v = SignVote(v, KeyFromByte(9), TestGenesis());
  EXPECT_TRUE(crypto::Verify(KeyFromByte(9).public_key(), v.SigningHash(TestGenesis()).view(),
                             v.signature));
  Bytes enc = codec::EncodeToBytes(v);
  EXPECT_EQ(enc.size(), 1 + 8 + 4 + 32 + 4 + 64u);
  EXPECT_EQ(codec::DecodeAll<Vote>(enc).value(), v);
  for (uint8_t bad : {0, 3, 255}) {
    enc[0] = bad;
    Result<Vote> r = codec::DecodeAll<Vote>(enc);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find("unknown vote type"), std::string::npos);
  }
}

TEST(Vote, SigningHashCoversEveryField) {
  const Hash32 base = VoteSigningHash(VoteType::kPrecommit, 5, 1, kBlock, TestGenesis());
  EXPECT_NE(base, VoteSigningHash(VoteType::kPrevote, 5, 1, kBlock, TestGenesis()));
  EXPECT_NE(base, VoteSigningHash(VoteType::kPrecommit, 6, 1, kBlock, TestGenesis()));
  EXPECT_NE(base, VoteSigningHash(VoteType::kPrecommit, 5, 2, kBlock, TestGenesis()));
  EXPECT_NE(base, VoteSigningHash(VoteType::kPrecommit, 5, 1, HashFromByte(1), TestGenesis()));
  EXPECT_NE(base, VoteSigningHash(VoteType::kPrecommit, 5, 1, kBlock, HashFromByte(1)));
}

TEST(VerifyCommit, AcceptsMoreThanTwoThirds) {
  Committee c({1, 1, 1, 1});
  EXPECT_TRUE(VerifyCommit(c.Commit(5, 0, kBlock, {0, 1, 2}), c.set(), TestGenesis()).ok());
  EXPECT_TRUE(VerifyCommit(c.Commit(5, 3, kBlock, {0, 1, 2, 3}), c.set(), TestGenesis()).ok());
}

TEST(VerifyCommit, RejectsExactlyTwoThirds) {
  Committee c({1, 1, 1});
  Status s = VerifyCommit(c.Commit(5, 0, kBlock, {0, 2}), c.set(), TestGenesis());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "commit certificate for height 5 carries 2 of 3 voting power; more than 2/3 (at least "
            "3) is required");
  EXPECT_TRUE(VerifyCommit(c.Commit(5, 0, kBlock, {0, 1, 2}), c.set(), TestGenesis()).ok());
}

TEST(VerifyCommit, CountsPowerNotSignatures) {
  Committee c({10, 20, 30});  // total 60: 40 is exactly 2/3, 41 is needed
  const auto power_of = [&](uint32_t i) { return c.set().validators[i].power; };
  std::vector<uint32_t> idx10, idx30, idx20;
  for (uint32_t i = 0; i < 3; ++i)
    (power_of(i) == 10 ? idx10 : power_of(i) == 20 ? idx20 : idx30).push_back(i);
  std::vector<uint32_t> forty = {std::min(idx10[0], idx30[0]), std::max(idx10[0], idx30[0])};
  std::vector<uint32_t> fifty = {std::min(idx20[0], idx30[0]), std::max(idx20[0], idx30[0])};
  EXPECT_FALSE(VerifyCommit(c.Commit(1, 0, kBlock, forty), c.set(), TestGenesis()).ok());
  EXPECT_TRUE(VerifyCommit(c.Commit(1, 0, kBlock, fifty), c.set(), TestGenesis()).ok());
}

TEST(VerifyCommit, RejectsDuplicateAndUnorderedIndices) {
  Committee c({1, 1, 1, 1});
  Status dup = VerifyCommit(c.Commit(5, 0, kBlock, {0, 1, 1, 2}), c.set(), TestGenesis());
  EXPECT_EQ(dup.message(),
            "commit certificate for height 5: signature 2 has validator index 1 after 1 (indices "
            "must be strictly increasing; no duplicates)");
  EXPECT_FALSE(VerifyCommit(c.Commit(5, 0, kBlock, {1, 0, 2}), c.set(), TestGenesis()).ok());
}

TEST(VerifyCommit, RejectsOutOfRangeIndex) {
  Committee c({1, 1, 1, 1});
  Status s = VerifyCommit(c.Commit(5, 0, kBlock, {0, 1, 2, 4}), c.set(), TestGenesis());
  EXPECT_EQ(
      s.message(),
      "commit certificate for height 5: signature 3 names validator index 4 but the set has 4 "
      "validators");
}

TEST(VerifyCommit, RejectsSignaturesForAnotherHeightRoundBlockTypeOrChain) {
  Committee c({1, 1, 1, 1});
  auto relabel = [](CommitCertificate cert, uint64_t height, uint32_t round, const Hash32& block) {
    cert.height = height;
    cert.round = round;
    cert.block_hash = block;
    return cert;
  };
  const CommitCertificate good = c.Commit(5, 1, kBlock, {0, 1, 2});
  const CommitCertificate bad[] = {
      relabel(good, 6, 1, kBlock),                                               // wrong height
      relabel(good, 5, 2, kBlock),                                               // wrong round
      relabel(good, 5, 1, HashFromByte(0xb2)),                                   // wrong block
      c.Commit(5, 1, kBlock, {0, 1, 2}, VoteType::kPrevote),                     // prevotes
      c.Commit(5, 1, kBlock, {0, 1, 2}, VoteType::kPrecommit, HashFromByte(1)),  // other chain
  };
  for (const CommitCertificate& cert : bad) {
    Status s = VerifyCommit(cert, c.set(), TestGenesis());
    EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << s.ToString();
    EXPECT_NE(s.message().find("signature 0 by validator 0"), std::string::npos) << s.message();
  }
}

TEST(VerifyCommit, NamesTheOneBadSignature) {
  Committee c({1, 1, 1, 1});
  CommitCertificate cert = c.Commit(9, 0, kBlock, {0, 1, 2, 3});
  cert.signatures[2].signature[10] ^= 0x40;
  Status s = VerifyCommit(cert, c.set(), TestGenesis());
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find("signature 2 by validator 2 ("), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("is not a valid precommit for height 9 round 0 block 0xb1b1"),
            std::string::npos);
}

TEST(VerifyCommit, RejectsNilAndEmptyCommits) {
  Committee c({1});
  EXPECT_NE(
      VerifyCommit(c.Commit(2, 0, Hash32{}, {0}), c.set(), TestGenesis()).message().find("nil"),
      std::string::npos);
  EXPECT_NE(VerifyCommit(c.Commit(2, 0, kBlock, {}), c.set(), TestGenesis())
                .message()
                .find("no signatures"),
            std::string::npos);
  EXPECT_TRUE(VerifyCommit(c.Commit(2, 0, kBlock, {0}), c.set(), TestGenesis()).ok());
}

TEST(CommitCertificate, RoundTripsAndLimitsSignatures) {
  Committee c({1, 2, 3});
  CommitCertificate cert = c.Commit(3, 1, kBlock, {0, 1, 2});
  Bytes enc = codec::EncodeToBytes(cert);
  EXPECT_EQ(codec::DecodeAll<CommitCertificate>(enc).value(), cert);
  EXPECT_EQ(cert.Hash(), crypto::Blake2b256(enc));

  CommitCertificate big{1, 0, kBlock, std::vector<CommitSignature>(kMaxValidators + 1)};
  Result<CommitCertificate> r = codec::DecodeAll<CommitCertificate>(codec::EncodeToBytes(big));
  EXPECT_EQ(r.status().code(), StatusCode::kLimitExceeded);
  big.signatures.pop_back();
  EXPECT_TRUE(codec::DecodeAll<CommitCertificate>(codec::EncodeToBytes(big)).ok());
}

}  // namespace
}  // namespace phalanx::types
