// Chain: genesis, block production with certificates and roots, resume after reopen, and a
// fault-injecting store proving that a failed commit leaves no trace.
#include "phalanx/node/chain.h"

#include <gtest/gtest.h>

#include "phalanx/codec/codec.h"
#include "phalanx/crypto/hash.h"
#include "phalanx/crypto/mnemonic.h"
#include "phalanx/platform/files.h"
#include "phalanx/runtime/storage.h"
#include "phalanx/state/proof.h"
#include "phalanx/store/memory_store.h"
#include "phalanx/store/rocksdb_store.h"
#include "phalanx/types/merkle.h"

namespace phalanx::node {
namespace {

constexpr types::Balance kPhx = types::kUnitsPerPhx;

// Forwards to a real store; fails writes on demand (the "crash" before the batch lands).
class FaultyStore final : public store::KvStore {
 public:
  explicit FaultyStore(store::KvStore& inner) : inner_(inner) {}
  Result<std::optional<Bytes>> Get(store::Column c, ByteView k) const override {
    return inner_.Get(c, k);
  }
  Status Write(store::WriteBatch&& b, bool sync) override {
    if (fail_writes) return IOError("injected write failure");
    return inner_.Write(std::move(b), sync);
  }
  std::unique_ptr<store::Iterator> NewIterator(store::Column c) const override {
    return inner_.NewIterator(c);
  }
  Status Flush() override { return inner_.Flush(); }
  bool fail_writes = false;

 private:
  store::KvStore& inner_;
};

crypto::SigningKey Alice() { return *crypto::DevAccount("alice"); }

struct PendingTx {
  types::SignedTransaction tx;
  size_t length;
  Hash32 hash;
};

PendingTx Transfer(const Hash32& genesis, std::string_view from, std::string_view to,
                   uint64_t nonce, types::Balance amount) {
  types::TransactionPayload p;
  p.signer = crypto::DevAccount(from)->public_key();
  p.nonce = nonce;
  p.call.value = types::calls::Transfer{crypto::DevAccount(to)->public_key(), amount};
  auto tx = types::Sign(p, *crypto::DevAccount(from), genesis);
  auto bytes = codec::EncodeToBytes(tx);
  return {tx, bytes.size(), crypto::Blake2b256(bytes)};
}

std::vector<Candidate> Candidates(const std::vector<PendingTx>& txs) {
  std::vector<Candidate> out;
  for (const auto& t : txs) out.push_back({&t.tx, t.length, t.hash});
  return out;
}

Result<std::unique_ptr<Chain>> OpenRocks(const std::filesystem::path& dir, ChainOptions opts = {}) {
  ASSIGN_OR_RETURN(auto kv, store::RocksDbStore::Open(dir.string()));
  return Chain::Open(std::move(kv), runtime::ChainSpec::Dev(), opts);
}

TEST(Chain, GenesisThenBlocksCarryCertificatesAndRoots) {
  auto dir = platform::TempDir::Create("phx-chain-");
  auto chain = OpenRocks(dir->path());
  ASSERT_TRUE(chain.ok()) << chain.status().ToString();
  Chain& c = **chain;
  EXPECT_EQ(c.head().height, 0u);
  EXPECT_EQ(c.head().hash, c.genesis_hash());

  std::vector<PendingTx> txs = {Transfer(c.genesis_hash(), "alice", "bob", 0, kPhx),
                                Transfer(c.genesis_hash(), "alice", "bob", 1, kPhx)};
  auto b1 = c.ProduceBlock(Candidates(txs), 1000, Alice(), 100);
  ASSERT_TRUE(b1.ok()) << b1.status().ToString();
  EXPECT_EQ(b1->included.size(), 2u);
  EXPECT_FALSE(b1->block.last_commit.has_value());  // nothing to certify before height 1
  EXPECT_TRUE(types::VerifyCommit(b1->certificate, *c.ValidatorsFor(1), c.genesis_hash()).ok());
  EXPECT_EQ(b1->block.header.tx_root, types::MerkleRoot(b1->included));
  EXPECT_EQ(b1->block.header.state_root, *c.tree().RootAt(1));

  auto b2 = c.ProduceBlock({}, 2000, Alice(), 100);
  ASSERT_TRUE(b2.ok());
  ASSERT_TRUE(b2->block.last_commit.has_value());
  EXPECT_EQ(b2->block.last_commit->block_hash, b1->hash);
  EXPECT_EQ(b2->block.header.last_commit_hash, b1->certificate.Hash());
  EXPECT_EQ(b2->block.header.parent_hash, b1->hash);
  EXPECT_GT(b2->block.header.time_ms, b1->block.header.time_ms);
  EXPECT_EQ(*c.blocks().HashAtHeight(2), b2->hash);
  auto loc = c.blocks().FindTransaction(txs[1].hash);
  ASSERT_TRUE(loc.ok() && loc->has_value());
  EXPECT_EQ((*loc)->height, 1u);
  EXPECT_EQ((*loc)->index, 1u);
}

TEST(Chain, StaleTransactionsAreRejectedNotIncluded) {
  auto dir = platform::TempDir::Create("phx-chain-");
  auto chain = OpenRocks(dir->path());
  Chain& c = **chain;
  std::vector<PendingTx> txs = {Transfer(c.genesis_hash(), "bob", "eve", 0, kPhx)};
  ASSERT_TRUE(c.ProduceBlock(Candidates(txs), 1000, Alice(), 10).ok());
  auto again = c.ProduceBlock(Candidates(txs), 2000, Alice(), 10);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->included.empty());
  ASSERT_EQ(again->rejected.size(), 1u);
  EXPECT_EQ(again->rejected[0].first, txs[0].hash);
}

TEST(Chain, ReopenResumesAtTheLastCommittedBlock) {
  auto dir = platform::TempDir::Create("phx-chain-");
  Hash32 genesis, head;
  {
    auto chain = OpenRocks(dir->path());
    genesis = (*chain)->genesis_hash();
    std::vector<PendingTx> txs = {Transfer(genesis, "charlie", "dave", 0, 3 * kPhx)};
    ASSERT_TRUE((*chain)->ProduceBlock(Candidates(txs), 1000, Alice(), 10).ok());
    head = (*chain)->ProduceBlock({}, 2000, Alice(), 10)->hash;
  }
  auto chain = OpenRocks(dir->path());
  ASSERT_TRUE(chain.ok()) << chain.status().ToString();
  EXPECT_EQ((*chain)->genesis_hash(), genesis);
  EXPECT_EQ((*chain)->head().height, 2u);
  EXPECT_EQ((*chain)->head().hash, head);
  auto dave =
      runtime::LoadAccount((*chain)->latest_state(), crypto::DevAccount("dave")->public_key());
  EXPECT_EQ(dave->free, 1'000'003 * kPhx);
  EXPECT_TRUE((*chain)->ProduceBlock({}, 3000, Alice(), 10).ok());
}

TEST(Chain, ADifferentChainSpecIsRefused) {
  auto dir = platform::TempDir::Create("phx-chain-");
  { ASSERT_TRUE(OpenRocks(dir->path()).ok()); }
  auto kv = store::RocksDbStore::Open(dir->path().string());
  auto other = Chain::Open(std::move(*kv), runtime::ChainSpec::Dev(1), {});
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(other.status().message().find("different chain spec"), std::string::npos);
}

TEST(Chain, FailedCommitLeavesNoTraceAndTheNextBlockSucceeds) {
  store::MemoryStore mem;
  auto faulty = std::make_unique<FaultyStore>(mem);
  FaultyStore* f = faulty.get();
  auto chain = Chain::Open(std::move(faulty), runtime::ChainSpec::Dev(), {});
  ASSERT_TRUE(chain.ok());
  Chain& c = **chain;
  std::vector<PendingTx> txs = {Transfer(c.genesis_hash(), "alice", "ferdie", 0, 5 * kPhx)};
  f->fail_writes = true;
  auto failed = c.ProduceBlock(Candidates(txs), 1000, Alice(), 10);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(c.head().height, 0u);
  auto ferdie = crypto::DevAccount("ferdie")->public_key();
  EXPECT_EQ(runtime::LoadAccount(c.latest_state(), ferdie)->free, 1'000'000 * kPhx);
  f->fail_writes = false;
  auto ok = c.ProduceBlock(Candidates(txs), 1000, Alice(), 10);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->block.header.height, 1u);
  EXPECT_EQ(ok->included.size(), 1u);
  EXPECT_EQ(runtime::LoadAccount(c.latest_state(), ferdie)->free, 1'000'005 * kPhx);
  EXPECT_EQ(ok->block.header.state_root, *c.tree().RootAt(1));
}

TEST(Chain, PruningWindowDropsOldStateButKeepsBlocks) {
  auto dir = platform::TempDir::Create("phx-chain-");
  ChainOptions opts;
  opts.state_pruning_window = 2;
  auto chain = OpenRocks(dir->path(), opts);
  Chain& c = **chain;
  Bytes key = runtime::keys::Account(crypto::DevAccount("alice")->public_key());
  for (uint64_t i = 0; i < 5; ++i) {
    std::vector<PendingTx> txs = {Transfer(c.genesis_hash(), "alice", "bob", i, kPhx)};
    ASSERT_TRUE(c.ProduceBlock(Candidates(txs), 1000 * (i + 1), Alice(), 10).ok());
  }
  EXPECT_TRUE(c.tree().GetAt(key, 5).ok());
  EXPECT_TRUE(c.tree().GetAt(key, 4).ok());
  auto old = c.tree().GetAt(key, 1);
  EXPECT_FALSE(old.ok());
  EXPECT_TRUE(c.blocks().BlockAtHeight(1).ok());
  // Proofs at the head verify against the header's state root with the store-free verifier.
  auto proof = c.tree().GetProof(key, 5);
  ASSERT_TRUE(proof.ok());
  auto value = c.tree().Get(key);
  ASSERT_TRUE(value.ok() && value->has_value());
  EXPECT_TRUE(state::VerifyProof(c.head().header.state_root, key, ByteView(**value), *proof).ok());
}

}  // namespace
}  // namespace phalanx::node
