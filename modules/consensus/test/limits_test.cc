// One test per named limit of limits.h.
#include "phalanx/consensus/limits.h"

#include <gtest/gtest.h>

#include <fstream>

#include "phalanx/consensus/engine.h"
#include "phalanx/platform/files.h"
#include "test_util.h"

namespace phalanx::consensus {
namespace {

TEST(ConsensusLimits, RoundsMoreThanMaxRoundsAheadAreIgnored) {
  testing::Validators vals(4);
  testing::TestApp app(vals.set);
  MemWal wal;
  Engine e(Config{}, testing::kGenesis, vals.keys[0], app, wal);
  e.Step(Start{1, std::nullopt});
  auto at = [&](uint32_t round) {
    return e.Step(VoteMsg{vals.Vote(types::VoteType::kPrevote, 1, round, Hash32{}, 1)}).verdict;
  };
  EXPECT_EQ(at(kMaxRoundsAhead + 1), Verdict::kRoundOutOfRange);
  EXPECT_EQ(at(UINT32_MAX), Verdict::kRoundOutOfRange);
  EXPECT_EQ(at(kMaxRoundsAhead), Verdict::kAccepted);
}

TEST(ConsensusLimits, AtMostMaxProposalsPerRoundAreKept) {
  testing::Validators vals(4);
  testing::TestApp app(vals.set);
  MemWal wal;
  const uint32_t proposer = ProposerIndex(vals.set, 1, 0);
  Engine e(Config{}, testing::kGenesis, vals.keys[(proposer + 1) % 4], app, wal);
  e.Step(Start{1, std::nullopt});
  for (size_t i = 0; i < kMaxProposalsPerRound; ++i) {
    auto p = vals.MakeProposal(1, 0, testing::MakeBlock(1, i));
    EXPECT_EQ(e.Step(ProposalMsg{p}).verdict, Verdict::kAccepted) << i;
  }
  auto extra = vals.MakeProposal(1, 0, testing::MakeBlock(1, 99));
  EXPECT_EQ(e.Step(ProposalMsg{extra}).verdict, Verdict::kTooManyProposals);
}

// An equivocator's precommits count for at most kMaxVoteValuesPerSlot values: with two honest
// precommits, its vote for value kMaxVoteValuesPerSlot completes a quorum and the next does not.
TEST(ConsensusLimits, AtMostMaxVoteValuesPerSlotOfAnEquivocatorCount) {
  static_assert(kMaxVoteValuesPerSlot < kMaxProposalsPerRound);
  testing::Validators vals(4);
  const uint32_t p0 = ProposerIndex(vals.set, 1, 0);
  const uint32_t me = (p0 + 1) % 4, q1 = (p0 + 2) % 4, q2 = (p0 + 3) % 4;
  for (size_t target : {kMaxVoteValuesPerSlot, kMaxVoteValuesPerSlot + 1}) {
    testing::TestApp app(vals.set);
    MemWal wal;
    Engine e(Config{}, testing::kGenesis, vals.keys[me], app, wal);
    e.Step(Start{1, std::nullopt});
    std::vector<Hash32> hashes;
    for (size_t i = 1; i <= kMaxVoteValuesPerSlot + 1; ++i) {
      types::Block b = testing::MakeBlock(1, i);
      hashes.push_back(b.Hash());
      e.Step(ProposalMsg{vals.MakeProposal(1, 0, b)});
    }
    for (const Hash32& h : hashes)
      e.Step(VoteMsg{vals.Vote(types::VoteType::kPrecommit, 1, 0, h, p0)});
    const Hash32& h = hashes[target - 1];
    e.Step(VoteMsg{vals.Vote(types::VoteType::kPrecommit, 1, 0, h, q1)});
    StepResult r = e.Step(VoteMsg{vals.Vote(types::VoteType::kPrecommit, 1, 0, h, q2)});
    EXPECT_EQ(testing::OutputsOf<Commit>(r).size(), target == kMaxVoteValuesPerSlot ? 1u : 0u)
        << target;
  }
}

TEST(ConsensusLimits, AtMostMaxNextHeightMessagesAreBuffered) {
  testing::Validators vals(4);
  testing::TestApp app(vals.set);
  MemWal wal;
  Engine e(Config{}, testing::kGenesis, vals.keys[0], app, wal);
  e.Step(Start{1, std::nullopt});
  types::Vote v = vals.Vote(types::VoteType::kPrevote, 2, 0, Hash32{}, 1);
  for (size_t i = 0; i < kMaxNextHeightMessages; ++i)
    ASSERT_EQ(e.Step(VoteMsg{v}).verdict, Verdict::kBuffered) << i;
  EXPECT_EQ(e.Step(VoteMsg{v}).verdict, Verdict::kWrongHeight);
}

TEST(ConsensusLimits, ProposalsLargerThanMaxProposalBytesAreRejectedBeforeDecoding) {
  Bytes huge(kMaxProposalBytes + 1, 0);
  Result<Proposal> p = DecodeProposal(huge);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), StatusCode::kLimitExceeded);
}

TEST(ConsensusLimits, WalRecordLengthAboveMaxWalRecordBytesIsCorruption) {
  codec::Encoder e;
  e.WriteU32(static_cast<uint32_t>(kMaxWalRecordBytes + 1));
  e.WriteU64(0);
  Bytes file = e.Take();
  Result<ParsedWal> short_file = ParseWalFile(file);  // could be a torn header: cut, no error
  ASSERT_TRUE(short_file.ok());
  EXPECT_EQ(short_file->valid_bytes, 0u);
  file.resize(12 + kMaxWalRecordBytes + 1, 0);  // more data than any record: not a torn write
  Result<ParsedWal> parsed = ParseWalFile(file);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::kCorruption);
}

TEST(ConsensusLimits, WalFilesLargerThanMaxWalFileBytesAreRefused) {
  auto dir = platform::TempDir::Create("wal").value();
  auto path = dir.path() / "wal";
  { std::ofstream(path).put('x'); }
  std::filesystem::resize_file(path, kMaxWalFileBytes + 1);  // sparse: no disk space used
  auto wal = FileWal::Open(path);
  ASSERT_FALSE(wal.ok());
  EXPECT_EQ(wal.status().code(), StatusCode::kLimitExceeded);
}

}  // namespace
}  // namespace phalanx::consensus
