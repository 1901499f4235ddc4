#include <gtest/gtest.h>

#include "phalanx/codec/codec.h"
#include "phalanx/crypto/hash.h"
#include "phalanx/crypto/mnemonic.h"
#include "phalanx/runtime/balances.h"
#include "phalanx/runtime/executor.h"
#include "phalanx/runtime/genesis.h"
#include "phalanx/runtime/storage.h"

namespace phalanx::runtime {
namespace {

using types::kUnitsPerPhx;
constexpr Balance kPhx = kUnitsPerPhx;

crypto::SigningKey Dev(std::string_view name) { return *crypto::DevAccount(name); }
types::AccountId Id(std::string_view name) { return Dev(name).public_key(); }
const Hash32 kGenesis = crypto::Blake2b256(AsBytes("test genesis"));

class RuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    spec_ = ChainSpec::Dev();
    auto changes = BuildGenesisState(spec_);
    ASSIGN_OR_FAIL(changes);
    state_.Apply(*changes);
    genesis_issuance_ = *LoadTotalIssuance(state_);
  }
  static void ASSIGN_OR_FAIL(const Result<std::vector<std::pair<Bytes, std::optional<Bytes>>>>& r) {
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  types::SignedTransaction Tx(std::string_view from, uint64_t nonce, types::CallVariant call,
                              Balance tip = 0, uint64_t valid_until = 0) {
    types::TransactionPayload p;
    p.signer = Id(from);
    p.nonce = nonce;
    p.tip = tip;
    p.valid_until = valid_until;
    p.call.value = std::move(call);
    return types::Sign(p, Dev(from), kGenesis);
  }

  // Executes a block of transactions and applies its changes; returns the verdicts.
  std::vector<TxVerdict> RunBlock(const std::vector<types::SignedTransaction>& txs,
                                  uint64_t height = 1) {
    auto ex = BlockExecutor::Begin(state_, BlockContext{height, 1000 * height, Id("alice")});
    EXPECT_TRUE(ex.ok()) << ex.status().ToString();
    std::vector<TxVerdict> verdicts;
    for (const auto& tx : txs) {
      auto v = ex->Apply(tx, codec::EncodeToBytes(tx).size());
      EXPECT_TRUE(v.ok()) << v.status().ToString();
      verdicts.push_back(*v);
    }
    last_ = std::move(*ex).Finish();
    state_.Apply(last_.changes);
    return verdicts;
  }

  AccountInfo Account(std::string_view name) { return *LoadAccount(state_, Id(name)); }
  bool HasEvent(std::string_view name) const {
    for (const auto& e : last_.events)
      if (types::EventName(e.event) == name) return true;
    return false;
  }

  ChainSpec spec_;
  MapState state_;
  Balance genesis_issuance_ = 0;
  BlockOutput last_;
};

TEST_F(RuntimeTest, GenesisFundsDevAccountsAndTracksIssuance) {
  EXPECT_EQ(Account("alice").free, 1'000'000 * kPhx);
  EXPECT_EQ(Account("ferdie").free, 1'000'000 * kPhx);
  EXPECT_EQ(genesis_issuance_, 6 * 1'000'000 * kPhx);
  EXPECT_TRUE(LoadParams(state_).ok());
}

TEST_F(RuntimeTest, TransferMovesFundsChargesFeeAndBumpsNonce) {
  auto tx = Tx("alice", 0, types::calls::Transfer{Id("bob"), 5 * kPhx});
  auto v = RunBlock({tx});
  ASSERT_TRUE(v[0].ok()) << v[0].message;
  Params p;
  Balance fee = ComputeFee(p, tx.payload.call, codec::EncodeToBytes(tx).size());
  EXPECT_EQ(v[0].fee, fee);
  EXPECT_EQ(Account("alice").free, 1'000'000 * kPhx - 5 * kPhx - fee);
  EXPECT_EQ(Account("alice").nonce, 1u);
  EXPECT_EQ(Account("bob").free, 1'000'005 * kPhx);
  EXPECT_TRUE(HasEvent("balances.Transfer"));
  EXPECT_TRUE(HasEvent("system.ExtrinsicSuccess"));
  EXPECT_TRUE(HasEvent("balances.FeePaid"));
  // Issuance drops by exactly the burned part; the treasury gets the rest.
  Balance treasury = LoadAccount(state_, TreasuryAccount())->free;
  EXPECT_EQ(treasury, fee * p.treasury_percent / 100);
  EXPECT_EQ(*LoadTotalIssuance(state_), genesis_issuance_ - (fee - treasury));
  EXPECT_EQ(last_.fees_burned, fee - treasury);
}

TEST_F(RuntimeTest, FailedCallStillPaysFeeAndBumpsNonceButMovesNothing) {
  auto v = RunBlock({Tx("bob", 0, types::calls::Transfer{Id("charlie"), 2'000'000 * kPhx})});
  ASSERT_TRUE(v[0].ok());
  EXPECT_TRUE(HasEvent("system.ExtrinsicFailed"));
  EXPECT_FALSE(HasEvent("balances.Transfer"));
  EXPECT_EQ(Account("bob").nonce, 1u);
  EXPECT_EQ(Account("bob").free, 1'000'000 * kPhx - v[0].fee);
  EXPECT_EQ(Account("charlie").free, 1'000'000 * kPhx);
}

TEST_F(RuntimeTest, TransferBelowExistentialDepositToNewAccountFails) {
  types::AccountId fresh = crypto::Blake2b256(AsBytes("fresh"));
  RunBlock({Tx("alice", 0, types::calls::Transfer{fresh, 1})});
  EXPECT_TRUE(HasEvent("system.ExtrinsicFailed"));
  EXPECT_EQ(LoadAccount(state_, fresh)->free, 0u);
  RunBlock({Tx("alice", 1, types::calls::Transfer{fresh, kPhx})}, 2);
  EXPECT_TRUE(HasEvent("balances.Endowed"));
  EXPECT_EQ(LoadAccount(state_, fresh)->free, kPhx);
}

TEST_F(RuntimeTest, TransferAllowDeathReapsSenderAndBurnsDust) {
  // dave sends nearly everything away; what is left after the fee is below the deposit.
  auto probe = Tx("dave", 0, types::calls::Transfer{Id("eve"), 0});
  Balance fee = ComputeFee(Params{}, probe.payload.call, codec::EncodeToBytes(probe).size());
  Balance amount = 1'000'000 * kPhx - fee - Params{}.existential_deposit / 2;
  RunBlock({Tx("dave", 0, types::calls::Transfer{Id("eve"), amount})});
  EXPECT_TRUE(HasEvent("balances.AccountReaped"));
  EXPECT_EQ(Account("dave"), AccountInfo{});
  Balance treasury = LoadAccount(state_, TreasuryAccount())->free;
  EXPECT_EQ(*LoadTotalIssuance(state_),
            genesis_issuance_ - (fee - treasury) - Params{}.existential_deposit / 2);
}

TEST_F(RuntimeTest, TransferKeepAliveRefusesToReap) {
  auto probe = Tx("dave", 0, types::calls::TransferKeepAlive{Id("eve"), 0});
  Balance fee = ComputeFee(Params{}, probe.payload.call, codec::EncodeToBytes(probe).size());
  Balance amount = 1'000'000 * kPhx - fee - Params{}.existential_deposit / 2;
  auto v = RunBlock({Tx("dave", 0, types::calls::TransferKeepAlive{Id("eve"), amount})});
  EXPECT_TRUE(HasEvent("system.ExtrinsicFailed"));
  EXPECT_EQ(Account("dave").free, 1'000'000 * kPhx - v[0].fee);
  EXPECT_GE(v[0].fee, fee);
}

TEST_F(RuntimeTest, TransferAllKeepAliveLeavesExactlyTheDeposit) {
  RunBlock({Tx("eve", 0, types::calls::TransferAll{Id("ferdie"), true})});
  EXPECT_TRUE(HasEvent("system.ExtrinsicSuccess"));
  EXPECT_EQ(Account("eve").free, Params{}.existential_deposit);
}

TEST_F(RuntimeTest, TransferAllAllowDeathReapsTheEmptiedAccount) {
  RunBlock({Tx("eve", 0, types::calls::TransferAll{Id("ferdie"), false})});
  EXPECT_TRUE(HasEvent("system.ExtrinsicSuccess"));
  EXPECT_TRUE(HasEvent("balances.AccountReaped"));
  EXPECT_EQ(Account("eve"), AccountInfo{});
}

TEST_F(RuntimeTest, ReserveAndUnreserveMoveBetweenFreeAndReserved) {
  Overlay o(state_);
  std::vector<types::Event> events;
  Params p;
  Balances b(o, p, events);
  ASSERT_TRUE(b.Reserve(Id("bob"), 10 * kPhx).ok());
  EXPECT_EQ(LoadAccount(o, Id("bob"))->reserved, 10 * kPhx);
  EXPECT_EQ(LoadAccount(o, Id("bob"))->free, 999'990 * kPhx);
  EXPECT_FALSE(b.Reserve(Id("bob"), 2'000'000 * kPhx).ok());
  EXPECT_EQ(*b.Unreserve(Id("bob"), 20 * kPhx), 10 * kPhx);  // only what was reserved
  EXPECT_EQ(LoadAccount(o, Id("bob"))->free, 1'000'000 * kPhx);
  EXPECT_EQ(events.size(), 2u);
}

TEST_F(RuntimeTest, StaleFutureAndExpiredTransactionsAreNotIncluded) {
  RunBlock({Tx("alice", 0, types::calls::Remark{{1, 2, 3}})});
  auto v = RunBlock({Tx("alice", 0, types::calls::Remark{{1}}),         // stale
                     Tx("alice", 5, types::calls::Remark{{1}}),         // future
                     Tx("alice", 1, types::calls::Remark{{1}}, 0, 1)},  // expired at 1
                    2);
  EXPECT_EQ(v[0].validity, TxValidity::kStale);
  EXPECT_EQ(v[1].validity, TxValidity::kFuture);
  EXPECT_EQ(v[2].validity, TxValidity::kExpired);
  EXPECT_EQ(Account("alice").nonce, 1u);
  EXPECT_TRUE(last_.events.empty());
}

TEST_F(RuntimeTest, AccountThatCannotPayTheFeeIsRejected) {
  types::AccountId poor = Dev("eve").public_key();
  (void)poor;
  auto key = crypto::SigningKey::FromSeed(crypto::Blake2b256(AsBytes("poor")));
  RunBlock(
      {Tx("alice", 0, types::calls::Transfer{key.public_key(), Params{}.existential_deposit})});
  types::TransactionPayload p;
  p.signer = key.public_key();
  p.call.value = types::calls::Remark{};
  auto tx = types::Sign(p, key, kGenesis);
  auto v = RunBlock({tx}, 2);
  EXPECT_EQ(v[0].validity, TxValidity::kCannotPayFees);
  EXPECT_NE(v[0].message.find("cannot pay fee"), std::string::npos);
}

TEST_F(RuntimeTest, BlockStopsAtTheTransactionLimit) {
  Params p;
  p.max_block_transactions = 2;
  Overlay o(state_);
  StoreParams(o, p);
  state_.Apply(std::move(o).TakeChanges());
  auto v = RunBlock({Tx("alice", 0, types::calls::Remark{}), Tx("alice", 1, types::calls::Remark{}),
                     Tx("alice", 2, types::calls::Remark{})});
  EXPECT_TRUE(v[0].ok());
  EXPECT_TRUE(v[1].ok());
  EXPECT_EQ(v[2].validity, TxValidity::kExhaustsResources);
}

TEST(ChainSpec, JsonRoundTripsAndBadSpecsSayWhatIsWrong) {
  ChainSpec dev = ChainSpec::Dev(3);
  auto parsed = ChainSpec::FromJson(dev.ToJson().dump());
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->ToJson(), dev.ToJson());
  EXPECT_EQ(parsed->balances.size(), 6u);
  EXPECT_EQ(parsed->bench_accounts, 3u);
  auto genesis = BuildGenesisState(*parsed);
  ASSERT_TRUE(genesis.ok());
  MapState state;
  state.Apply(*genesis);
  EXPECT_EQ(LoadAccount(state, BenchAccount(2).public_key())->free, kBenchAccountBalance);

  EXPECT_FALSE(ChainSpec::FromJson("{not json").ok());
  auto j = dev.ToJson();
  j["genesis"]["balances"][0][0] = "5Gxx";
  auto bad = ChainSpec::FromJson(j.dump());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("genesis.balances[0]"), std::string::npos);
  j = dev.ToJson();
  j["genesis"]["params"]["treasury_percent"] = 101;
  EXPECT_FALSE(ChainSpec::FromJson(j.dump()).ok());
  j = dev.ToJson();
  j["genesis"]["params"]["bogus"] = 1;
  EXPECT_NE(ChainSpec::FromJson(j.dump()).status().message().find("unknown parameter"),
            std::string::npos);
}

TEST(Overlay, ChildChangesAreInvisibleToParentUntilMerged) {
  MapState base;
  Overlay parent(base);
  parent.Put(AsBytes("a"), Bytes{1});
  parent.Put(AsBytes("c"), Bytes{3});
  Overlay child = Overlay::LayeredOn(parent);
  child.Put(AsBytes("a"), Bytes{2});
  child.Delete(AsBytes("b"));
  EXPECT_EQ(**parent.Get(AsBytes("a")), Bytes{1});
  EXPECT_EQ(**child.Get(AsBytes("a")), Bytes{2});
  EXPECT_EQ(parent.size(), 2u);
  EXPECT_EQ(child.size(), 2u);  // its own writes only, not a copy of the parent's
  EXPECT_EQ(**child.Get(AsBytes("c")), Bytes{3});
  std::move(child).MergeInto(parent);
  EXPECT_EQ(**parent.Get(AsBytes("a")), Bytes{2});
  auto changes = std::move(parent).TakeChanges();
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].first, Bytes{'a'});
  EXPECT_FALSE(changes[1].second.has_value());
}

}  // namespace
}  // namespace phalanx::runtime
