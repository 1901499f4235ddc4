#include "phalanx/mempool/mempool.h"

#include <gtest/gtest.h>

#include "phalanx/codec/codec.h"
#include "phalanx/crypto/hash.h"
#include "phalanx/crypto/mnemonic.h"
#include "phalanx/runtime/executor.h"
#include "phalanx/runtime/genesis.h"
#include "phalanx/runtime/storage.h"

namespace phalanx::mempool {
namespace {

using runtime::Balance;
constexpr Balance kPhx = types::kUnitsPerPhx;
const Hash32 kGenesis = crypto::Blake2b256(AsBytes("pool genesis"));

crypto::SigningKey Dev(std::string_view name) { return *crypto::DevAccount(name); }

class MempoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto changes = runtime::BuildGenesisState(runtime::ChainSpec::Dev());
    ASSERT_TRUE(changes.ok());
    state_.Apply(*changes);
    pool_.SetListener([this](const std::vector<TxEvent>& ev) {
      for (const auto& e : ev) events_.push_back(e);
    });
  }

  ChainView View() { return ChainView{&state_, height_ + 1, kGenesis}; }

  Bytes Tx(std::string_view from, uint64_t nonce, Balance tip = 0, uint64_t valid_until = 0,
           size_t remark_bytes = 0) {
    types::TransactionPayload p;
    p.signer = Dev(from).public_key();
    p.nonce = nonce;
    p.tip = tip;
    p.valid_until = valid_until;
    p.call.value = types::calls::Remark{Bytes(remark_bytes, 7)};
    return codec::EncodeToBytes(types::Sign(p, Dev(from), kGenesis));
  }

  // Executes the pool's ready transactions as a block, like the producer does.
  std::vector<Hash32> ProduceBlock() {
    ++height_;
    auto ex =
        runtime::BlockExecutor::Begin(state_, {height_, height_ * 1000, Dev("alice").public_key()});
    std::vector<Hash32> included;
    for (const auto& p : pool_.ReadyForBlock(1000, 1 << 20)) {
      auto v = ex->Apply(p->tx, p->encoded.size());
      if (v.ok() && v->ok()) included.push_back(p->hash);
    }
    state_.Apply(std::move(*ex).Finish().changes);
    pool_.OnBlockCommitted(included, height_, Hash32{}, View());
    return included;
  }

  bool SawStatus(const Hash32& h, TxStatus s) const {
    for (const auto& e : events_)
      if (e.hash == h && e.status == s) return true;
    return false;
  }

  runtime::MapState state_;
  uint64_t height_ = 0;
  Mempool pool_{Options{}};
  std::vector<TxEvent> events_;
};

TEST_F(MempoolTest, ValidTransactionIsReadyAndAnnounced) {
  auto r = pool_.Submit(Tx("alice", 0), View());
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_TRUE(r.ready);
  EXPECT_EQ(pool_.size(), 1u);
  EXPECT_EQ(pool_.ready_count(), 1u);
  EXPECT_TRUE(SawStatus(r.hash, TxStatus::kReady));
}

TEST_F(MempoolTest, FutureNonceIsHeldBackUntilTheGapCloses) {
  auto r2 = pool_.Submit(Tx("alice", 2), View());
  auto r1 = pool_.Submit(Tx("alice", 1), View());
  ASSERT_TRUE(r2.ok() && r1.ok());
  EXPECT_FALSE(r2.ready);
  EXPECT_EQ(pool_.ready_count(), 0u);
  EXPECT_TRUE(pool_.ReadyForBlock(100, 1 << 20).empty());
  auto r0 = pool_.Submit(Tx("alice", 0), View());
  ASSERT_TRUE(r0.ok());
  EXPECT_EQ(pool_.ready_count(), 3u);
  auto ready = pool_.ReadyForBlock(100, 1 << 20);
  ASSERT_EQ(ready.size(), 3u);
  for (uint64_t i = 0; i < 3; ++i) EXPECT_EQ(ready[i]->tx.payload.nonce, i);
  EXPECT_EQ(pool_.NextNonce(Dev("alice").public_key(), 0), 3u);
}

TEST_F(MempoolTest, RejectsDuplicatesBadSignaturesGarbageAndStaleNonces) {
  Bytes tx = Tx("alice", 0);
  ASSERT_TRUE(pool_.Submit(tx, View()).ok());
  EXPECT_EQ(pool_.Submit(tx, View()).error, SubmitError::kAlreadyImported);

  Bytes bad = Tx("bob", 0);
  bad[bad.size() - 1] ^= 1;  // last byte of the signature
  EXPECT_EQ(pool_.Submit(bad, View()).error, SubmitError::kBadSignature);
  EXPECT_EQ(pool_.Submit(Bytes{1, 2, 3}, View()).error, SubmitError::kMalformed);
  Bytes trailing = Tx("bob", 0);
  trailing.push_back(0);
  EXPECT_EQ(pool_.Submit(trailing, View()).error, SubmitError::kMalformed);

  ProduceBlock();
  auto stale = pool_.Submit(Tx("alice", 0, 1), View());
  EXPECT_EQ(stale.error, SubmitError::kInvalid);
  EXPECT_EQ(stale.validity, runtime::TxValidity::kStale);
  auto far = pool_.Submit(Tx("alice", 1000), View());
  EXPECT_EQ(far.error, SubmitError::kInvalid);
  EXPECT_EQ(pool_.size(), 0u);
}

TEST_F(MempoolTest, ReplacingAPendingNonceNeedsAHigherTip) {
  auto first = pool_.Submit(Tx("alice", 0, 5), View());
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(pool_.Submit(Tx("alice", 0, 5, 0, 1), View()).error, SubmitError::kTooLowPriority);
  auto better = pool_.Submit(Tx("alice", 0, 6), View());
  ASSERT_TRUE(better.ok()) << better.message;
  EXPECT_TRUE(SawStatus(first.hash, TxStatus::kUsurped));
  EXPECT_EQ(pool_.size(), 1u);
}

TEST_F(MempoolTest, FullPoolEvictsTheLowestTipAndRefusesLowerOnes) {
  Mempool small(Options{.max_count = 2, .max_bytes = 1 << 20, .verify_threads = 1});
  std::vector<TxEvent> ev;
  small.SetListener(
      [&](const std::vector<TxEvent>& e) { ev.insert(ev.end(), e.begin(), e.end()); });
  auto low = small.Submit(Tx("alice", 0, 1), View());
  ASSERT_TRUE(small.Submit(Tx("bob", 0, 5), View()).ok());
  EXPECT_EQ(small.Submit(Tx("charlie", 0, 1), View()).error, SubmitError::kTooLowPriority);
  auto high = small.Submit(Tx("charlie", 0, 9), View());
  ASSERT_TRUE(high.ok()) << high.message;
  EXPECT_EQ(small.size(), 2u);
  EXPECT_FALSE(small.Contains(low.hash));
  bool dropped = false;
  for (const auto& e : ev) dropped |= e.hash == low.hash && e.status == TxStatus::kDropped;
  EXPECT_TRUE(dropped);
}

TEST_F(MempoolTest, ByteLimitIsEnforced) {
  Bytes big = Tx("alice", 0, 0, 0, 3000);
  Mempool small(Options{.max_count = 100, .max_bytes = big.size() + 10, .verify_threads = 1});
  ASSERT_TRUE(small.Submit(big, View()).ok());
  EXPECT_EQ(small.Submit(Tx("bob", 0, 0, 0, 3000), View()).error, SubmitError::kTooLowPriority);
  EXPECT_LE(small.bytes(), big.size() + 10);
}

TEST_F(MempoolTest, BlocksTakeHigherTipsFirstAndKeepNonceOrder) {
  ASSERT_TRUE(pool_.Submit(Tx("alice", 0, 1), View()).ok());
  ASSERT_TRUE(pool_.Submit(Tx("alice", 1, 100), View()).ok());
  ASSERT_TRUE(pool_.Submit(Tx("bob", 0, 50), View()).ok());
  auto ready = pool_.ReadyForBlock(10, 1 << 20);
  ASSERT_EQ(ready.size(), 3u);
  EXPECT_EQ(ready[0]->tx.payload.signer, Dev("bob").public_key());
  EXPECT_EQ(ready[1]->tx.payload.nonce, 0u);
  EXPECT_EQ(ready[2]->tx.payload.nonce, 1u);
  EXPECT_EQ(pool_.ReadyForBlock(2, 1 << 20).size(), 2u);
}

TEST_F(MempoolTest, CommittedBlockRemovesIncludedAndDropsExpired) {
  auto a = pool_.Submit(Tx("alice", 0), View());
  auto b = pool_.Submit(Tx("bob", 1, 0, 1), View());  // future, expires after height 1
  ASSERT_TRUE(a.ok() && b.ok());
  auto included = ProduceBlock();
  ASSERT_EQ(included.size(), 1u);
  EXPECT_EQ(included[0], a.hash);
  EXPECT_FALSE(pool_.Contains(a.hash));
  EXPECT_FALSE(pool_.Contains(b.hash));
  EXPECT_TRUE(SawStatus(b.hash, TxStatus::kInvalid));
  EXPECT_EQ(pool_.size(), 0u);
  EXPECT_EQ(pool_.ready_count(), 0u);
}

TEST_F(MempoolTest, BatchSubmitVerifiesSignaturesInParallel) {
  std::vector<Bytes> batch;
  for (uint64_t n = 0; n < 40; ++n) batch.push_back(Tx("dave", n));
  batch.push_back(Tx("eve", 0));
  batch.back()[batch.back().size() - 3] ^= 0x10;
  batch.push_back(Bytes{0xff});
  auto results = pool_.SubmitBatch(batch, View());
  ASSERT_EQ(results.size(), batch.size());
  for (size_t i = 0; i < 40; ++i) EXPECT_TRUE(results[i].ok()) << i << ": " << results[i].message;
  EXPECT_EQ(results[40].error, SubmitError::kBadSignature);
  EXPECT_EQ(results[41].error, SubmitError::kMalformed);
  EXPECT_EQ(pool_.ready_count(), 40u);
}

}  // namespace
}  // namespace phalanx::mempool

namespace phalanx::mempool {
namespace {
TEST_F(MempoolTest, FutureTransactionIsAnnouncedReadyWhenTheGapCloses) {
  auto r1 = pool_.Submit(Tx("bob", 1), View());
  ASSERT_TRUE(r1.ok());
  EXPECT_TRUE(SawStatus(r1.hash, TxStatus::kFuture));
  EXPECT_FALSE(SawStatus(r1.hash, TxStatus::kReady));
  ASSERT_TRUE(pool_.Submit(Tx("bob", 0), View()).ok());
  EXPECT_TRUE(SawStatus(r1.hash, TxStatus::kReady));
}

TEST_F(MempoolTest, FutureTransactionBecomesReadyAfterABlockUsesTheGap) {
  auto r0 = pool_.Submit(Tx("eve", 0), View());
  ProduceBlock();
  auto r2 = pool_.Submit(Tx("eve", 2), View());
  ASSERT_TRUE(r2.ok());
  EXPECT_FALSE(SawStatus(r2.hash, TxStatus::kReady));
  // Another node's block (simulated by executing nonce 1 outside the pool) closes the gap.
  ++height_;
  auto ex =
      runtime::BlockExecutor::Begin(state_, {height_, height_ * 1000, Dev("alice").public_key()});
  Bytes b1 = Tx("eve", 1);
  auto tx1 = types::DecodeTransaction(b1);
  ASSERT_TRUE(ex->Apply(*tx1, b1.size())->ok());
  state_.Apply(std::move(*ex).Finish().changes);
  pool_.OnBlockCommitted({}, height_, Hash32{}, View());
  EXPECT_TRUE(SawStatus(r2.hash, TxStatus::kReady));
  EXPECT_EQ(pool_.ready_count(), 1u);
  (void)r0;
}
}  // namespace
}  // namespace phalanx::mempool
