// The engine's rules one by one: each test drives one validator's engine with hand-made messages
// from the other validators and checks what it signs.
#include "phalanx/consensus/engine.h"

#include <gtest/gtest.h>

#include "phalanx/platform/files.h"
#include "test_util.h"

namespace phalanx::consensus {
namespace {

using testing::MakeBlock;
using testing::OutputsOf;
using testing::TestApp;
using types::VoteType;

constexpr Hash32 kNil{};

// An engine for validator `me` of a 4-validator set.
struct Node {
  Node(const testing::Validators& vals, uint32_t me, Wal* wal_in = nullptr)
      : app(vals.set),
        wal(wal_in ? wal_in : &own_wal),
        engine(Config{}, testing::kGenesis, vals.keys[me], app, *wal) {}
  TestApp app;
  MemWal own_wal;
  Wal* wal;
  Engine engine;
};

std::vector<types::Vote> VotesOf(const StepResult& r, VoteType type) {
  std::vector<types::Vote> out;
  for (const auto& b : OutputsOf<BroadcastVote>(r))
    if (b.vote.type == type) out.push_back(b.vote);
  return out;
}

class ConsensusRules : public ::testing::Test {
 protected:
  testing::Validators vals{4};
  uint32_t p0 = ProposerIndex(vals.set, 1, 0);
  // Proposes in none of rounds 0..2 at height 1.
  uint32_t me = (p0 + 3) % 4;
  // Two validators that are neither `me` nor `skip`.
  std::vector<uint32_t> Others(uint32_t skip) const {
    std::vector<uint32_t> out;
    for (uint32_t i = 0; i < 4; ++i)
      if (i != me && i != skip) out.push_back(i);
    return out;
  }
};

TEST(Consensus, SingleValidatorCommitsAlone) {
  testing::Validators vals(1);
  Node n(vals, 0);
  StepResult r = n.engine.Step(Start{1, std::nullopt});
  ASSERT_EQ(OutputsOf<BroadcastProposal>(r).size(), 1u);
  ASSERT_EQ(VotesOf(r, VoteType::kPrevote).size(), 1u);
  ASSERT_EQ(VotesOf(r, VoteType::kPrecommit).size(), 1u);
  auto commits = OutputsOf<Commit>(r);
  ASSERT_EQ(commits.size(), 1u);
  EXPECT_EQ(commits[0].block.header.height, 1u);
  EXPECT_TRUE(types::VerifyCommit(commits[0].certificate, vals.set, testing::kGenesis).ok());
  EXPECT_EQ(n.engine.status().height, 2u);

  // After timeout_commit the next height starts and its block carries this certificate.
  StepResult r2 = n.engine.Step(Timeout{2, 0, TimeoutStep::kCommit});
  auto commits2 = OutputsOf<Commit>(r2);
  ASSERT_EQ(commits2.size(), 1u);
  ASSERT_TRUE(commits2[0].block.last_commit.has_value());
  EXPECT_EQ(*commits2[0].block.last_commit, commits[0].certificate);
}

TEST(Consensus, TimeoutsGrowPerRound) {
  testing::Validators vals(4);
  TestApp app(vals.set);
  MemWal wal;
  Config c{.timeout_propose_ms = 300,
           .timeout_prevote_ms = 100,
           .timeout_precommit_ms = 120,
           .timeout_delta_ms = 50,
           .timeout_commit_ms = 70};
  Engine e(c, testing::kGenesis, vals.keys[0], app, wal);
  EXPECT_EQ(e.TimeoutMs(TimeoutStep::kPropose, 0), 300u);
  EXPECT_EQ(e.TimeoutMs(TimeoutStep::kPropose, 3), 450u);
  EXPECT_EQ(e.TimeoutMs(TimeoutStep::kPrevote, 2), 200u);
  EXPECT_EQ(e.TimeoutMs(TimeoutStep::kPrecommit, 1), 170u);
  EXPECT_EQ(e.TimeoutMs(TimeoutStep::kCommit, 5), 70u);
  // The engine schedules what it computes: round 1's propose timeout is longer than round 0's.
  StepResult r0 = e.Step(Start{1, std::nullopt});
  StepResult r1 = e.Step(Timeout{1, 0, TimeoutStep::kPrecommit});
  auto t0 = OutputsOf<ScheduleTimeout>(r0);
  auto t1 = OutputsOf<ScheduleTimeout>(r1);
  ASSERT_FALSE(t0.empty());
  ASSERT_FALSE(t1.empty());
  EXPECT_EQ(t0.back().delay_ms, 300u);
  EXPECT_EQ(t1.back().round, 1u);
  EXPECT_EQ(t1.back().delay_ms, 350u);
}

TEST_F(ConsensusRules, ValidProposalIsPrevotedAndPolkaLocksAndPrecommits) {
  Node n(vals, me);
  n.engine.Step(Start{1, std::nullopt});
  types::Block a = MakeBlock(1, 1);
  StepResult r = n.engine.Step(ProposalMsg{vals.MakeProposal(1, 0, a)});
  auto prevotes = VotesOf(r, VoteType::kPrevote);
  ASSERT_EQ(prevotes.size(), 1u);
  EXPECT_EQ(prevotes[0].block_hash, a.Hash());
  // Our prevote plus one other is not yet more than 2/3 of 4; the proposer's makes it.
  r = n.engine.Step(VoteMsg{vals.Vote(VoteType::kPrevote, 1, 0, a.Hash(), Others(p0)[0])});
  EXPECT_TRUE(VotesOf(r, VoteType::kPrecommit).empty());
  r = n.engine.Step(VoteMsg{vals.Vote(VoteType::kPrevote, 1, 0, a.Hash(), p0)});
  auto precommits = VotesOf(r, VoteType::kPrecommit);
  ASSERT_EQ(precommits.size(), 1u);
  EXPECT_EQ(precommits[0].block_hash, a.Hash());
  EXPECT_EQ(n.engine.status().locked_round, 0);
  EXPECT_EQ(n.engine.status().locked_block, a.Hash());
}

TEST_F(ConsensusRules, InvalidBlockIsPrevotedNil) {
  Node n(vals, me);
  types::Block a = MakeBlock(1, 1);
  n.app.invalid.insert(a.Hash());
  n.engine.Step(Start{1, std::nullopt});
  StepResult r = n.engine.Step(ProposalMsg{vals.MakeProposal(1, 0, a)});
  auto prevotes = VotesOf(r, VoteType::kPrevote);
  ASSERT_EQ(prevotes.size(), 1u);
  EXPECT_EQ(prevotes[0].block_hash, kNil);
}

// Drives `n` to a lock on `a` in round 0, then into round 1.
void LockInRoundZero(Node& n, const testing::Validators& vals, const types::Block& a, uint32_t me) {
  n.engine.Step(Start{1, std::nullopt});
  n.engine.Step(ProposalMsg{vals.MakeProposal(1, 0, a)});
  for (uint32_t i = 0, added = 0; i < 4 && added < 2; ++i) {
    if (i == me) continue;
    n.engine.Step(VoteMsg{vals.Vote(VoteType::kPrevote, 1, 0, a.Hash(), i)});
    ++added;
  }
  ASSERT_EQ(n.engine.status().locked_round, 0);
  n.engine.Step(Timeout{1, 0, TimeoutStep::kPrecommit});
  ASSERT_EQ(n.engine.status().round, 1u);
}

TEST_F(ConsensusRules, LockedValidatorPrevotesNilOnADifferentBlockWithoutNewerPolka) {
  Node n(vals, me);
  types::Block a = MakeBlock(1, 1), b = MakeBlock(1, 2);
  LockInRoundZero(n, vals, a, me);
  StepResult r = n.engine.Step(ProposalMsg{vals.MakeProposal(1, 1, b)});
  auto prevotes = VotesOf(r, VoteType::kPrevote);
  ASSERT_EQ(prevotes.size(), 1u);
  EXPECT_EQ(prevotes[0].block_hash, kNil);
  EXPECT_EQ(n.engine.status().locked_block, a.Hash());
}

TEST_F(ConsensusRules, LockedValidatorPrevotesItsLockedBlock) {
  Node n(vals, me);
  types::Block a = MakeBlock(1, 1);
  LockInRoundZero(n, vals, a, me);
  StepResult r = n.engine.Step(ProposalMsg{vals.MakeProposal(1, 1, a)});
  auto prevotes = VotesOf(r, VoteType::kPrevote);
  ASSERT_EQ(prevotes.size(), 1u);
  EXPECT_EQ(prevotes[0].block_hash, a.Hash());
}

TEST_F(ConsensusRules, HigherPolkaUnlocks) {
  Node n(vals, me);
  types::Block a = MakeBlock(1, 1), b = MakeBlock(1, 2);
  LockInRoundZero(n, vals, a, me);
  // Round 1: the others prevote b (a polka at round 1 > our lock round 0); we time out there.
  for (uint32_t i = 0; i < 4; ++i)
    if (i != me) n.engine.Step(VoteMsg{vals.Vote(VoteType::kPrevote, 1, 1, b.Hash(), i)});
  n.engine.Step(Timeout{1, 1, TimeoutStep::kPropose});
  n.engine.Step(Timeout{1, 1, TimeoutStep::kPrecommit});
  ASSERT_EQ(n.engine.status().round, 2u);
  // Round 2 re-proposes b naming the round-1 polka: the locked validator may now prevote it.
  StepResult r = n.engine.Step(ProposalMsg{vals.MakeProposal(1, 2, b, /*pol_round=*/1)});
  auto prevotes = VotesOf(r, VoteType::kPrevote);
  ASSERT_EQ(prevotes.size(), 1u);
  EXPECT_EQ(prevotes[0].block_hash, b.Hash());
}

TEST_F(ConsensusRules, PolkaClaimWithoutThePrevotesDoesNotUnlock) {
  Node n(vals, me);
  types::Block a = MakeBlock(1, 1), b = MakeBlock(1, 2);
  LockInRoundZero(n, vals, a, me);
  n.engine.Step(Timeout{1, 1, TimeoutStep::kPropose});
  n.engine.Step(Timeout{1, 1, TimeoutStep::kPrecommit});
  StepResult r = n.engine.Step(ProposalMsg{vals.MakeProposal(1, 2, b, /*pol_round=*/1)});
  EXPECT_TRUE(VotesOf(r, VoteType::kPrevote).empty());  // waits for the polka or the timeout
  r = n.engine.Step(Timeout{1, 2, TimeoutStep::kPropose});
  auto prevotes = VotesOf(r, VoteType::kPrevote);
  ASSERT_EQ(prevotes.size(), 1u);
  EXPECT_EQ(prevotes[0].block_hash, kNil);
}

TEST_F(ConsensusRules, ProposerReProposesItsValidBlockWithValidRound) {
  const uint32_t proposer1 = ProposerIndex(vals.set, 1, 1);
  Node n(vals, proposer1);
  types::Block a = MakeBlock(1, 1);
  LockInRoundZero(n, vals, a, proposer1);
  ASSERT_EQ(n.engine.status().valid_round, 0);
  // LockInRoundZero's timeout started round 1, where this node proposes: a again, pol_round 0,
  // without building a new block.
  auto recorded = n.wal->ReadAll().value();
  const Proposal* p1 = nullptr;
  for (const WalRecord& rec : recorded)
    if (auto* p = std::get_if<Proposal>(&rec.message); p && p->round == 1) p1 = p;
  ASSERT_NE(p1, nullptr);
  EXPECT_EQ(p1->pol_round, 0);
  EXPECT_EQ(p1->BlockHash(), a.Hash());
  EXPECT_EQ(n.app.proposed, 0);
  EXPECT_EQ(n.engine.status().round, 1u);
}

TEST_F(ConsensusRules, PendingBlockCheckWaitsForTheVerdict) {
  Node n(vals, me);
  n.app.pending = true;
  n.engine.Step(Start{1, std::nullopt});
  types::Block a = MakeBlock(1, 1);
  StepResult r = n.engine.Step(ProposalMsg{vals.MakeProposal(1, 0, a)});
  EXPECT_TRUE(VotesOf(r, VoteType::kPrevote).empty());
  r = n.engine.Step(BlockVerdict{1, a.Hash(), true});
  auto prevotes = VotesOf(r, VoteType::kPrevote);
  ASSERT_EQ(prevotes.size(), 1u);
  EXPECT_EQ(prevotes[0].block_hash, a.Hash());
}

TEST_F(ConsensusRules, MoreThanOneThirdInAHigherRoundSkipsToIt) {
  Node n(vals, me);
  n.engine.Step(Start{1, std::nullopt});
  std::vector<uint32_t> others = Others(me);
  n.engine.Step(VoteMsg{vals.Vote(VoteType::kPrevote, 1, 5, kNil, others[0])});
  EXPECT_EQ(n.engine.status().round, 0u);  // one of four is not more than a third
  n.engine.Step(VoteMsg{vals.Vote(VoteType::kPrecommit, 1, 5, kNil, others[1])});
  EXPECT_EQ(n.engine.status().round, 5u);
}

TEST_F(ConsensusRules, PrecommitQuorumCommitsWithAssembledCertificate) {
  Node n(vals, me);
  n.engine.Step(Start{1, std::nullopt});
  types::Block a = MakeBlock(1, 1);
  n.engine.Step(ProposalMsg{vals.MakeProposal(1, 0, a)});
  StepResult r;
  for (uint32_t i = 0, added = 0; i < 4 && added < 3; ++i) {
    if (i == me) continue;
    r = n.engine.Step(VoteMsg{vals.Vote(VoteType::kPrecommit, 1, 0, a.Hash(), i)});
    ++added;
  }
  auto commits = OutputsOf<Commit>(r);
  ASSERT_EQ(commits.size(), 1u);
  EXPECT_EQ(commits[0].block.Hash(), a.Hash());
  EXPECT_EQ(commits[0].certificate.signatures.size(), 3u);
  EXPECT_TRUE(types::VerifyCommit(commits[0].certificate, vals.set, testing::kGenesis).ok());
  EXPECT_EQ(n.engine.status().height, 2u);
}

TEST_F(ConsensusRules, VotesForUnknownHeightsAreIgnored) {
  Node n(vals, me);
  n.engine.Step(Start{1, std::nullopt});
  for (uint64_t h : {0ull, 3ull, 1000ull}) {
    StepResult r = n.engine.Step(VoteMsg{vals.Vote(VoteType::kPrevote, h, 0, kNil, p0)});
    EXPECT_EQ(r.verdict, Verdict::kWrongHeight);
    EXPECT_TRUE(r.outputs.empty());
    EXPECT_FALSE(IsPeerFault(r.verdict));
  }
  StepResult r = n.engine.Step(ProposalMsg{vals.MakeProposal(3, 0, MakeBlock(3, 1))});
  EXPECT_EQ(r.verdict, Verdict::kWrongHeight);
}

TEST_F(ConsensusRules, NextHeightMessagesAreKeptUntilThatHeightStarts) {
  Node n(vals, me);
  n.engine.Step(Start{1, std::nullopt});
  types::Block a = MakeBlock(1, 1);
  types::Block b = MakeBlock(2, 1);
  b.header.parent_hash = a.Hash();
  // Height 2's proposal and a forged vote arrive before this node has decided height 1.
  types::Vote forged = vals.Vote(VoteType::kPrevote, 2, 0, kNil, p0);
  forged.signature[0] ^= 1;
  EXPECT_EQ(n.engine.Step(ProposalMsg{vals.MakeProposal(2, 0, b)}).verdict, Verdict::kBuffered);
  EXPECT_EQ(n.engine.Step(VoteMsg{forged}).verdict, Verdict::kBuffered);
  n.engine.Step(ProposalMsg{vals.MakeProposal(1, 0, a)});
  const int checked_before = n.app.checked;
  for (uint32_t i = 0, added = 0; i < 4 && added < 3; ++i)
    if (i != me && ++added)
      n.engine.Step(VoteMsg{vals.Vote(VoteType::kPrecommit, 1, 0, a.Hash(), i)});
  ASSERT_EQ(n.engine.status().height, 2u);
  // Not asked about b while height 1's Commit output may still be unapplied.
  EXPECT_EQ(n.app.checked, checked_before);
  // Round 0 of height 2 starts after timeout_commit: the buffered proposal is prevoted at once
  // (if this node is not height 2's proposer itself).
  if (ProposerIndex(vals.set, 2, 0) == me) GTEST_SKIP();
  StepResult r = n.engine.Step(Timeout{2, 0, TimeoutStep::kCommit});
  auto prevotes = VotesOf(r, VoteType::kPrevote);
  ASSERT_EQ(prevotes.size(), 1u);
  EXPECT_EQ(prevotes[0].block_hash, b.Hash());
}

TEST_F(ConsensusRules, InvalidSignaturesAreRejectedWithATypedReason) {
  Node n(vals, me);
  n.engine.Step(Start{1, std::nullopt});
  types::Vote v = vals.Vote(VoteType::kPrevote, 1, 0, kNil, p0);
  v.signature[0] ^= 1;
  StepResult r = n.engine.Step(VoteMsg{v});
  EXPECT_EQ(r.verdict, Verdict::kBadSignature);
  EXPECT_TRUE(IsPeerFault(r.verdict));
  // Signed by another validator than the index claims.
  types::Vote w = vals.Vote(VoteType::kPrevote, 1, 0, kNil, p0);
  w.validator_index = (p0 + 1) % 4;
  EXPECT_EQ(n.engine.Step(VoteMsg{w}).verdict, Verdict::kBadSignature);
  types::Vote u = vals.Vote(VoteType::kPrevote, 1, 0, kNil, p0);
  u.validator_index = 4;
  EXPECT_EQ(n.engine.Step(VoteMsg{u}).verdict, Verdict::kUnknownValidator);
  // A proposal signed by a validator that is not the round's proposer.
  Proposal p{1, 0, -1, MakeBlock(1, 1), {}};
  p = SignProposal(p, vals.keys[(p0 + 1) % 4], testing::kGenesis);
  EXPECT_EQ(n.engine.Step(ProposalMsg{p}).verdict, Verdict::kBadSignature);
  Proposal q = vals.MakeProposal(1, 0, MakeBlock(2, 1));  // block for another height
  EXPECT_EQ(n.engine.Step(ProposalMsg{q}).verdict, Verdict::kMalformed);
  // None of these moved the engine.
  EXPECT_EQ(n.engine.status().step, RoundStep::kPropose);
}

TEST_F(ConsensusRules, AnInjectedVerifierDecidesSignatures) {
  struct RejectAll : SignatureVerifier {
    bool Verify(const crypto::PublicKey&, ByteView, const crypto::Signature&) const override {
      return false;
    }
  } reject;
  TestApp app(vals.set);
  MemWal wal;
  Engine e(Config{}, testing::kGenesis, vals.keys[me], app, wal, &reject);
  e.Step(Start{1, std::nullopt});
  EXPECT_EQ(e.Step(VoteMsg{vals.Vote(VoteType::kPrevote, 1, 0, kNil, p0)}).verdict,
            Verdict::kBadSignature);
  EXPECT_EQ(e.Step(ProposalMsg{vals.MakeProposal(1, 0, MakeBlock(1, 1))}).verdict,
            Verdict::kBadSignature);
}

TEST_F(ConsensusRules, ProposalWithASwappedBodyIsMalformedAndTheGenuineOneStillCounts) {
  Node n(vals, me);
  n.engine.Step(Start{1, std::nullopt});
  Proposal genuine = vals.MakeProposal(1, 0, MakeBlock(1, 1));
  Proposal swapped = genuine;  // same header and signature, other transactions
  swapped.block.transactions.emplace_back();
  ASSERT_EQ(swapped.BlockHash(), genuine.BlockHash());
  EXPECT_EQ(n.engine.Step(ProposalMsg{swapped}).verdict, Verdict::kMalformed);
  StepResult r = n.engine.Step(ProposalMsg{genuine});
  EXPECT_EQ(r.verdict, Verdict::kAccepted);
  auto prevotes = VotesOf(r, VoteType::kPrevote);
  ASSERT_EQ(prevotes.size(), 1u);
  EXPECT_EQ(prevotes[0].block_hash, genuine.BlockHash());
}

TEST_F(ConsensusRules, DuplicateVoteIsRecognizedBeforeVerification) {
  Node n(vals, me);
  n.engine.Step(Start{1, std::nullopt});
  types::Vote v = vals.Vote(VoteType::kPrevote, 1, 0, kNil, p0);
  EXPECT_EQ(n.engine.Step(VoteMsg{v}).verdict, Verdict::kAccepted);
  EXPECT_EQ(n.engine.Step(VoteMsg{v}).verdict, Verdict::kDuplicate);
}

TEST_F(ConsensusRules, ConflictingVotesProduceEvidenceOnce) {
  Node n(vals, me);
  n.engine.Step(Start{1, std::nullopt});
  types::Vote a = vals.Vote(VoteType::kPrecommit, 1, 0, MakeBlock(1, 1).Hash(), p0);
  types::Vote b = vals.Vote(VoteType::kPrecommit, 1, 0, MakeBlock(1, 2).Hash(), p0);
  EXPECT_EQ(n.engine.Step(VoteMsg{a}).verdict, Verdict::kAccepted);
  StepResult r = n.engine.Step(VoteMsg{b});
  EXPECT_EQ(r.verdict, Verdict::kEquivocation);
  auto ev = OutputsOf<Evidence>(r);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].vote_a, a);
  EXPECT_EQ(ev[0].vote_b, b);
  types::Vote c = vals.Vote(VoteType::kPrecommit, 1, 0, kNil, p0);
  EXPECT_TRUE(OutputsOf<Evidence>(n.engine.Step(VoteMsg{c})).empty());
}

TEST_F(ConsensusRules, RestartedValidatorReEmitsItsRecordedVoteInsteadOfSigningAnother) {
  MemWal wal;
  types::Block a = MakeBlock(1, 1), b = MakeBlock(1, 2);
  types::Vote first;
  {
    Node n(vals, me, &wal);
    n.engine.Step(Start{1, std::nullopt});
    auto prevotes =
        VotesOf(n.engine.Step(ProposalMsg{vals.MakeProposal(1, 0, a)}), VoteType::kPrevote);
    ASSERT_EQ(prevotes.size(), 1u);
    first = prevotes[0];
  }
  wal.Crash();  // durable appends: nothing is lost
  Node n(vals, me, &wal);
  StepResult r = n.engine.Step(Start{1, std::nullopt});
  auto again = VotesOf(r, VoteType::kPrevote);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0], first);
  // Now only b reaches us (an equivocating proposer): we must not prevote b in round 0.
  Proposal pb = vals.MakeProposal(1, 0, b);
  r = n.engine.Step(ProposalMsg{pb});
  for (const types::Vote& v : VotesOf(r, VoteType::kPrevote)) EXPECT_EQ(v, first);
}

TEST_F(ConsensusRules, RestartedProposerReEmitsItsProposalFromAFileWal) {
  auto dir = platform::TempDir::Create("consensus-wal").value();
  const auto path = dir.path() / "wal";
  Proposal first;
  {
    auto wal = FileWal::Open(path).value();
    Node n(vals, p0, wal.get());
    auto proposals = OutputsOf<BroadcastProposal>(n.engine.Step(Start{1, std::nullopt}));
    ASSERT_EQ(proposals.size(), 1u);
    first = proposals[0].proposal;
  }
  auto wal = FileWal::Open(path).value();
  Node n(vals, p0, wal.get());
  n.app.proposed = 0;
  StepResult r = n.engine.Step(Start{1, std::nullopt});
  auto again = OutputsOf<BroadcastProposal>(r);
  ASSERT_FALSE(again.empty());
  for (const auto& b : again) EXPECT_EQ(b.proposal, first);
  EXPECT_EQ(n.app.proposed, 0);  // no second block was built, so none could be signed
  auto prevotes = VotesOf(r, VoteType::kPrevote);
  ASSERT_FALSE(prevotes.empty());
  EXPECT_EQ(prevotes[0].block_hash, first.BlockHash());
}

TEST_F(ConsensusRules, RestartRestoresTheLock) {
  MemWal wal;
  types::Block a = MakeBlock(1, 1), b = MakeBlock(1, 2);
  {
    Node n(vals, me, &wal);
    LockInRoundZero(n, vals, a, me);
  }
  Node n(vals, me, &wal);
  n.engine.Step(Start{1, std::nullopt});
  EXPECT_EQ(n.engine.status().locked_round, 0);
  EXPECT_EQ(n.engine.status().locked_block, a.Hash());
  n.engine.Step(Timeout{1, 0, TimeoutStep::kPrecommit});
  StepResult r = n.engine.Step(ProposalMsg{vals.MakeProposal(1, 1, b)});
  auto prevotes = VotesOf(r, VoteType::kPrevote);
  ASSERT_EQ(prevotes.size(), 1u);
  EXPECT_EQ(prevotes[0].block_hash, kNil);
}

TEST_F(ConsensusRules, RestartRestoresTheValidBlockAndShowsThePolkaAgain) {
  MemWal wal;
  types::Block a = MakeBlock(1, 1);
  {
    Node n(vals, me, &wal);
    LockInRoundZero(n, vals, a, me);
  }
  Node n(vals, me, &wal);
  StepResult r = n.engine.Step(Start{1, std::nullopt});
  EXPECT_EQ(n.engine.status().valid_round, 0);
  auto proposals = OutputsOf<BroadcastProposal>(r);
  ASSERT_EQ(proposals.size(), 1u);
  EXPECT_EQ(proposals[0].proposal.BlockHash(), a.Hash());
  size_t polka_prevotes = 0;
  for (const types::Vote& v : VotesOf(r, VoteType::kPrevote))
    if (v.round == 0 && v.block_hash == a.Hash()) ++polka_prevotes;
  EXPECT_GE(polka_prevotes, 3u);  // enough for peers to accept a re-proposal with pol_round 0
}

TEST_F(ConsensusRules, FollowerWithoutAKeySignsNothingButCommits) {
  TestApp app(vals.set);
  MemWal wal;
  Engine e(Config{}, testing::kGenesis, std::nullopt, app, wal);
  e.Step(Start{1, std::nullopt});
  types::Block a = MakeBlock(1, 1);
  StepResult r = e.Step(ProposalMsg{vals.MakeProposal(1, 0, a)});
  EXPECT_TRUE(OutputsOf<BroadcastVote>(r).empty());
  for (uint32_t i = 0; i < 3; ++i)
    r = e.Step(VoteMsg{vals.Vote(VoteType::kPrecommit, 1, 0, a.Hash(), i)});
  EXPECT_EQ(OutputsOf<Commit>(r).size(), 1u);
  EXPECT_EQ(wal.size(), 0u);
}

TEST_F(ConsensusRules, CommittedBlockFromSyncIsVerifiedThenDecided) {
  Node n(vals, me);
  n.engine.Step(Start{1, std::nullopt});
  types::Block a = MakeBlock(1, 1);
  types::CommitCertificate cert{1, 0, a.Hash(), {}};
  for (uint32_t i = 0; i < 2; ++i)
    cert.signatures.push_back({i, vals.Vote(VoteType::kPrecommit, 1, 0, a.Hash(), i).signature});
  EXPECT_EQ(n.engine.Step(CommittedBlock{a, cert}).verdict, Verdict::kBadCertificate);
  cert.signatures.push_back({2, vals.Vote(VoteType::kPrecommit, 1, 0, a.Hash(), 2).signature});
  StepResult r = n.engine.Step(CommittedBlock{a, cert});
  ASSERT_EQ(OutputsOf<Commit>(r).size(), 1u);
  EXPECT_EQ(n.engine.status().height, 2u);
}

}  // namespace
}  // namespace phalanx::consensus
