// Specification of the validators module: the set lives in state from genesis, only the sudo
// account changes it, changes take effect two blocks later and are exposed for the header, and
// equivocation evidence is verified and recorded once.
#include "phalanx/runtime/validators.h"

#include <gtest/gtest.h>

#include "phalanx/codec/codec.h"
#include "phalanx/crypto/hash.h"
#include "phalanx/crypto/mnemonic.h"
#include "phalanx/runtime/executor.h"
#include "phalanx/runtime/genesis.h"

namespace phalanx::runtime {
namespace {

using types::ValidatorSet;
using types::Vote;
using types::VoteType;

crypto::SigningKey Dev(std::string_view name) { return *crypto::DevAccount(name); }
types::AccountId Id(std::string_view name) { return Dev(name).public_key(); }
const Hash32 kGenesis = crypto::Blake2b256(AsBytes("validators test genesis"));

class ValidatorsTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(ChainSpec::Dev()); }

  void Start(ChainSpec spec) {
    spec_ = std::move(spec);
    state_ = MapState();
    auto changes = BuildGenesisState(spec_);
    ASSERT_TRUE(changes.ok()) << changes.status().ToString();
    state_.Apply(*changes);
    height_ = 0;
    nonces_.clear();
  }

  // The dev spec with alice, bob and charlie as validators (powers 1, 2, 3).
  static ChainSpec ThreeValidators() {
    ChainSpec spec = ChainSpec::Dev();
    spec.validators = *ValidatorSet::Create({{Id("alice"), 1}, {Id("bob"), 2}, {Id("charlie"), 3}});
    return spec;
  }

  types::SignedTransaction Tx(std::string_view from, types::CallVariant call) {
    types::TransactionPayload p;
    p.signer = Id(from);
    p.nonce = nonces_[std::string(from)]++;
    p.call.value = std::move(call);
    return types::Sign(p, Dev(from), kGenesis);
  }

  // Executes the next block with `txs` and applies it; returns its output.
  BlockOutput Block(const std::vector<types::SignedTransaction>& txs = {}) {
    ++height_;
    auto ex =
        BlockExecutor::Begin(state_, BlockContext{height_, 1000 * height_, Id("alice"), kGenesis});
    EXPECT_TRUE(ex.ok()) << ex.status().ToString();
    for (const auto& tx : txs) {
      auto v = ex->Apply(tx, codec::EncodeToBytes(tx).size());
      EXPECT_TRUE(v.ok() && v->ok()) << (v.ok() ? v->message : v.status().ToString());
    }
    BlockOutput out = std::move(*ex).Finish();
    state_.Apply(out.changes);
    return out;
  }

  // The error of the first failed call in `out`, or "" if every call succeeded.
  static std::string FailureOf(const BlockOutput& out) {
    for (const auto& r : out.events)
      if (auto* f = std::get_if<types::events::ExtrinsicFailed>(&r.event.value)) return f->error;
    return "";
  }
  template <typename E>
  static std::vector<E> EventsOf(const BlockOutput& out) {
    std::vector<E> found;
    for (const auto& r : out.events)
      if (auto* e = std::get_if<E>(&r.event.value)) found.push_back(*e);
    return found;
  }

  Vote SignedVote(std::string_view signer, uint32_t index, uint64_t height, uint32_t round,
                  uint8_t block_byte, VoteType type = VoteType::kPrevote,
                  const Hash32& genesis = kGenesis) {
    Vote v;
    v.type = type;
    v.height = height;
    v.round = round;
    v.block_hash.data.fill(block_byte);
    v.validator_index = index;
    return types::SignVote(v, Dev(signer), genesis);
  }
  uint32_t IndexOf(std::string_view name) const {
    return static_cast<uint32_t>(spec_.validators.IndexOf(Id(name)));
  }

  ChainSpec spec_;
  MapState state_;
  uint64_t height_ = 0;
  std::map<std::string, uint64_t> nonces_;
};

TEST_F(ValidatorsTest, GenesisSetCommitsTheFirstTwoBlocks) {
  EXPECT_EQ(*LoadCurrentValidators(state_), spec_.validators);
  EXPECT_EQ(*LoadNextValidators(state_), spec_.validators);
  EXPECT_EQ(*LoadSudo(state_), Id("alice"));
  BlockOutput b1 = Block();
  EXPECT_EQ(b1.validators_hash, spec_.validators.Hash());
  EXPECT_EQ(b1.next_validators_hash, spec_.validators.Hash());
  EXPECT_EQ(b1.next_validators, spec_.validators);
}

TEST_F(ValidatorsTest, ChangeExecutedInBlockHCommitsBlockHPlus2) {
  const ValidatorSet genesis = spec_.validators;
  BlockOutput b1 = Block({Tx("alice", types::calls::SetValidator{Id("bob"), 5})});
  ASSERT_EQ(FailureOf(b1), "");
  auto updated = EventsOf<types::events::ValidatorUpdated>(b1);
  ASSERT_EQ(updated.size(), 1u);
  EXPECT_EQ(updated[0], (types::events::ValidatorUpdated{Id("bob"), 5, 3}));
  const ValidatorSet with_bob = *ValidatorSet::Create({{Id("alice"), 1}, {Id("bob"), 5}});

  EXPECT_EQ(b1.validators_hash, genesis.Hash());
  EXPECT_EQ(b1.next_validators_hash, genesis.Hash());  // block 2 is still the genesis set's
  EXPECT_EQ(*ValidatorSetAt(state_, 1, 2), genesis);
  EXPECT_EQ(*ValidatorSetAt(state_, 1, 3), with_bob);
  EXPECT_FALSE(ValidatorSetAt(state_, 1, 4).ok());
  EXPECT_FALSE(ValidatorSetAt(state_, 1, 1).ok());

  BlockOutput b2 = Block();
  EXPECT_EQ(b2.validators_hash, genesis.Hash());
  EXPECT_EQ(b2.next_validators_hash, with_bob.Hash());
  EXPECT_EQ(b2.next_validators, with_bob);
  EXPECT_EQ(*LoadCurrentValidators(state_), with_bob);

  BlockOutput b3 = Block();
  EXPECT_EQ(b3.validators_hash, with_bob.Hash());
  EXPECT_EQ(b3.next_validators_hash, with_bob.Hash());
}

TEST_F(ValidatorsTest, ChangesInOneBlockAccumulateAndPowerZeroRemoves) {
  Start(ThreeValidators());
  BlockOutput b1 = Block({Tx("alice", types::calls::SetValidator{Id("dave"), 4}),
                          Tx("alice", types::calls::SetValidator{Id("bob"), 0}),
                          Tx("alice", types::calls::SetValidator{Id("charlie"), 7})});
  ASSERT_EQ(FailureOf(b1), "");
  EXPECT_EQ(*LoadNextValidators(state_),
            *ValidatorSet::Create({{Id("alice"), 1}, {Id("charlie"), 7}, {Id("dave"), 4}}));
  EXPECT_EQ(*LoadCurrentValidators(state_), spec_.validators);
}

TEST_F(ValidatorsTest, OnlyTheSudoAccountMaySetValidators) {
  BlockOutput b1 = Block({Tx("bob", types::calls::SetValidator{Id("bob"), 100})});
  EXPECT_NE(FailureOf(b1).find("needs the root origin"), std::string::npos) << FailureOf(b1);
  EXPECT_EQ(*LoadNextValidators(state_), spec_.validators);
  EXPECT_TRUE(EventsOf<types::events::ValidatorUpdated>(b1).empty());
}

TEST_F(ValidatorsTest, ChainWithoutSudoRejectsSetValidator) {
  ChainSpec spec = ChainSpec::Dev();
  spec.sudo.reset();
  Start(spec);
  BlockOutput b1 = Block({Tx("alice", types::calls::SetValidator{Id("bob"), 1})});
  EXPECT_NE(FailureOf(b1).find("has none"), std::string::npos) << FailureOf(b1);
}

TEST_F(ValidatorsTest, RemovingTheLastValidatorOrAStrangerFails) {
  BlockOutput b1 = Block({Tx("alice", types::calls::SetValidator{Id("alice"), 0})});
  EXPECT_NE(FailureOf(b1).find("validator set is empty"), std::string::npos) << FailureOf(b1);
  BlockOutput b2 = Block({Tx("alice", types::calls::SetValidator{Id("eve"), 0})});
  EXPECT_NE(FailureOf(b2).find("not in the next validator set"), std::string::npos)
      << FailureOf(b2);
  EXPECT_EQ(*LoadNextValidators(state_), spec_.validators);
}

TEST_F(ValidatorsTest, SetWhoseTotalPowerOverflowsIsRejected) {
  BlockOutput b1 = Block({Tx("alice", types::calls::SetValidator{Id("bob"), UINT64_MAX})});
  EXPECT_NE(FailureOf(b1).find("overflows u64"), std::string::npos) << FailureOf(b1);
}

TEST_F(ValidatorsTest, EquivocationIsRecordedOncePerValidatorHeightRoundAndType) {
  Start(ThreeValidators());
  Block();
  const uint32_t bob = IndexOf("bob");
  types::calls::ReportEquivocation evidence{SignedVote("bob", bob, 1, 0, 0xaa),
                                            SignedVote("bob", bob, 1, 0, 0xbb)};
  BlockOutput b2 = Block({Tx("dave", evidence)});  // any signer may report
  ASSERT_EQ(FailureOf(b2), "");
  auto found = EventsOf<types::events::Equivocation>(b2);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0], (types::events::Equivocation{Id("bob"), 1, 0, VoteType::kPrevote}));

  // The same offence again (even with other block hashes) fails; another round is new.
  BlockOutput b3 = Block({Tx("eve", types::calls::ReportEquivocation{
                                        SignedVote("bob", bob, 1, 0, 0xcc), evidence.vote_a})});
  EXPECT_NE(FailureOf(b3).find("already reported"), std::string::npos) << FailureOf(b3);
  EXPECT_TRUE(EventsOf<types::events::Equivocation>(b3).empty());
  BlockOutput b4 = Block({Tx("eve", types::calls::ReportEquivocation{
                                        SignedVote("bob", bob, 1, 1, 0xaa, VoteType::kPrecommit),
                                        SignedVote("bob", bob, 1, 1, 0, VoteType::kPrecommit)})});
  EXPECT_EQ(FailureOf(b4), "");  // a nil precommit against a block precommit is an equivocation
  EXPECT_EQ(EventsOf<types::events::Equivocation>(b4).size(), 1u);
}

TEST_F(ValidatorsTest, InvalidEquivocationEvidenceFailsTheCall) {
  Start(ThreeValidators());
  Block();
  Block();
  const uint32_t bob = IndexOf("bob");
  const uint32_t charlie = IndexOf("charlie");
  const Vote good = SignedVote("bob", bob, 1, 0, 0xaa);
  struct Case {
    const char* what;
    Vote b;
    const char* error;
  };
  Vote tampered = SignedVote("bob", bob, 1, 0, 0xbb);
  tampered.signature[0] ^= 1;
  const std::vector<Case> cases = {
      {"same block", SignedVote("bob", bob, 1, 0, 0xaa), "both votes are for block"},
      {"other height", SignedVote("bob", bob, 2, 0, 0xbb), "different (height, round, type)"},
      {"other round", SignedVote("bob", bob, 1, 1, 0xbb), "different (height, round, type)"},
      {"other type", SignedVote("bob", bob, 1, 0, 0xbb, VoteType::kPrecommit),
       "different (height, round, type)"},
      {"other validator", SignedVote("charlie", charlie, 1, 0, 0xbb), "validator indices"},
      {"bad signature", tampered, "vote_b is not validly signed"},
      {"signed by someone else", SignedVote("dave", bob, 1, 0, 0xbb),
       "vote_b is not validly signed"},
      {"other chain", SignedVote("bob", bob, 1, 0, 0xbb, VoteType::kPrevote, Hash32{}),
       "vote_b is not validly signed"},
  };
  for (const Case& c : cases) {
    BlockOutput out = Block({Tx("eve", types::calls::ReportEquivocation{good, c.b})});
    EXPECT_NE(FailureOf(out).find(c.error), std::string::npos) << c.what << ": " << FailureOf(out);
    EXPECT_TRUE(EventsOf<types::events::Equivocation>(out).empty()) << c.what;
  }
  BlockOutput outside =
      Block({Tx("eve", types::calls::ReportEquivocation{SignedVote("dave", 3, 1, 0, 0xaa),
                                                        SignedVote("dave", 3, 1, 0, 0xbb)})});
  EXPECT_NE(FailureOf(outside).find("not in the current set of 3"), std::string::npos)
      << FailureOf(outside);
  BlockOutput future =
      Block({Tx("eve", types::calls::ReportEquivocation{SignedVote("bob", bob, 99, 0, 0xaa),
                                                        SignedVote("bob", bob, 99, 0, 0xbb)})});
  EXPECT_NE(FailureOf(future).find("cannot be included before"), std::string::npos)
      << FailureOf(future);
}

TEST_F(ValidatorsTest, EvidenceIsCheckedAgainstTheSetThatCommitsTheBlock) {
  // bob joins in block 1 and is in the set from block 3: evidence against bob is accepted in
  // block 3, not in block 2 (where his index does not exist yet).
  Block({Tx("alice", types::calls::SetValidator{Id("bob"), 1})});
  const ValidatorSet with_bob = *LoadNextValidators(state_);
  const uint32_t bob = static_cast<uint32_t>(with_bob.IndexOf(Id("bob")));
  types::calls::ReportEquivocation evidence{SignedVote("bob", bob, 2, 0, 1),
                                            SignedVote("bob", bob, 2, 0, 2)};
  std::string failure = FailureOf(Block({Tx("eve", evidence)}));
  EXPECT_NE(failure, "");
  BlockOutput b3 = Block({Tx("eve", evidence)});
  EXPECT_EQ(FailureOf(b3), "");
  EXPECT_EQ(EventsOf<types::events::Equivocation>(b3).size(), 1u);
}

TEST(ChainSpecSudo, JsonRoundTripsAndRejectsABadAddress) {
  ChainSpec dev = ChainSpec::Dev();
  auto back = ChainSpec::FromJson(dev.ToJson().dump());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->sudo, dev.sudo);
  nlohmann::json j = dev.ToJson();
  j["genesis"].erase("sudo");
  EXPECT_FALSE(ChainSpec::FromJson(j.dump())->sudo.has_value());
  j["genesis"]["sudo"] = "not-an-address";
  auto bad = ChainSpec::FromJson(j.dump());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("genesis.sudo"), std::string::npos);
}

}  // namespace
}  // namespace phalanx::runtime
