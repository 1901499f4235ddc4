// Proposal encoding and decoding from untrusted bytes; proposer selection.
#include <gtest/gtest.h>

#include <map>

#include "phalanx/consensus/proposal.h"
#include "phalanx/consensus/proposer.h"
#include "test_util.h"

namespace phalanx::consensus {
namespace {

TEST(Proposal, RoundTripsThroughTheCodec) {
  testing::Validators vals(4);
  Proposal p = vals.MakeProposal(3, 2, testing::MakeBlock(3, 1), /*pol_round=*/1);
  Bytes bytes = codec::EncodeToBytes(p);
  Result<Proposal> back = DecodeProposal(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, p);
  bytes.push_back(0);
  EXPECT_FALSE(DecodeProposal(bytes).ok());  // trailing bytes
}

TEST(Proposal, DecodeRejectsImpossiblePolRounds) {
  testing::Validators vals(4);
  for (int32_t pol : {-2, 2, 3}) {
    Proposal p = vals.MakeProposal(3, 2, testing::MakeBlock(3, 1));
    p.pol_round = pol;
    EXPECT_FALSE(DecodeProposal(codec::EncodeToBytes(p)).ok()) << pol;
  }
}

TEST(Proposal, SignatureCoversEveryField) {
  testing::Validators vals(1);
  Proposal p = vals.MakeProposal(3, 2, testing::MakeBlock(3, 1), 1);
  const Hash32 base = p.SigningHash(testing::kGenesis);
  Proposal q = p;
  q.round = 3;
  EXPECT_NE(q.SigningHash(testing::kGenesis), base);
  q = p;
  q.pol_round = 0;
  EXPECT_NE(q.SigningHash(testing::kGenesis), base);
  q = p;
  q.block.header.time_ms++;
  EXPECT_NE(q.SigningHash(testing::kGenesis), base);
  EXPECT_NE(p.SigningHash(Hash32{}), base);  // another chain
}

TEST(Proposer, HeightsFollowVotingPowerAndRoundsMoveOn) {
  std::vector<types::ValidatorInfo> infos;
  for (uint64_t power : {1, 2, 3, 4}) {
    crypto::Seed seed;
    seed[0] = static_cast<uint8_t>(power);
    infos.push_back({crypto::SigningKey::FromSeed(seed).public_key(), power});
  }
  auto set = types::ValidatorSet::Create(infos).value();
  std::map<uint32_t, uint64_t> count;
  for (uint64_t h = 0; h < 10 * 100; ++h) ++count[ProposerIndex(set, h, 0)];
  for (uint32_t i = 0; i < 4; ++i) EXPECT_EQ(count[i], set.validators[i].power * 100) << i;
  for (uint64_t h = 0; h < 20; ++h) {
    EXPECT_EQ(ProposerIndex(set, h, 1), (ProposerIndex(set, h, 0) + 1) % 4);
    EXPECT_EQ(ProposerIndex(set, h, 5), (ProposerIndex(set, h, 0) + 5) % 4);
  }
}

}  // namespace
}  // namespace phalanx::consensus
