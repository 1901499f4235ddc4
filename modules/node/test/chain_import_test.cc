// Chain::CheckBlock / ImportBlock: a block built on one node is accepted by another with the same
// genesis and refused, with a reason, when any part of it was changed.
#include <gtest/gtest.h>

#include "phalanx/codec/codec.h"
#include "phalanx/crypto/hash.h"
#include "phalanx/crypto/mnemonic.h"
#include "phalanx/node/chain.h"
#include "phalanx/store/memory_store.h"

namespace phalanx::node {
namespace {

crypto::SigningKey Alice() { return *crypto::DevAccount("alice"); }

struct PendingTx {
  types::SignedTransaction tx;
  size_t length;
  Hash32 hash;
};

PendingTx Transfer(const Hash32& genesis, uint64_t nonce, types::Balance amount) {
  types::TransactionPayload p;
  p.signer = Alice().public_key();
  p.nonce = nonce;
  p.call.value = types::calls::Transfer{crypto::DevAccount("bob")->public_key(), amount};
  auto tx = types::Sign(p, Alice(), genesis);
  auto bytes = codec::EncodeToBytes(tx);
  return {tx, bytes.size(), crypto::Blake2b256(bytes)};
}

std::unique_ptr<Chain> OpenMemory() {
  auto chain = Chain::Open(std::make_unique<store::MemoryStore>(), runtime::ChainSpec::Dev(), {});
  PHX_CHECK(chain.ok());
  return std::move(chain).value();
}

// Produces `n` blocks with one transfer each on `source`; returns them with their certificates.
std::vector<ProducedBlock> Produce(Chain& source, int n) {
  std::vector<ProducedBlock> out;
  for (int i = 0; i < n; ++i) {
    PendingTx t = Transfer(source.genesis_hash(), static_cast<uint64_t>(i), types::kUnitsPerPhx);
    Candidate c{&t.tx, t.length, t.hash};
    auto b = source.ProduceBlock({&c, 1}, 1'700'000'000'000 + 1000 * i, Alice(), 100);
    PHX_CHECK(b.ok());
    out.push_back(std::move(b).value());
  }
  return out;
}

TEST(ChainImport, BlocksFromAnotherNodeReproduceItsState) {
  auto source = OpenMemory();
  auto sink = OpenMemory();
  auto blocks = Produce(*source, 5);
  for (const ProducedBlock& b : blocks) {
    auto imported = sink->ImportBlock(b.block, b.certificate);
    ASSERT_TRUE(imported.ok()) << imported.status().ToString();
    EXPECT_EQ(imported->hash, b.hash);
    EXPECT_EQ(imported->events.size(), b.events.size());
  }
  EXPECT_EQ(sink->head().hash, source->head().hash);
  EXPECT_EQ(sink->head().header.state_root, source->head().header.state_root);
  // The sets of older blocks stay readable (consensus may finish a height sync already applied).
  for (uint64_t h = 1; h <= 7; ++h) {
    auto set = sink->ValidatorsFor(h);
    ASSERT_TRUE(set.ok()) << h << ": " << set.status().ToString();
    EXPECT_EQ(set->Hash(), source->head().header.validators_hash) << h;
  }
  EXPECT_FALSE(sink->ValidatorsFor(8).ok());  // not decided yet at head #5
}

TEST(ChainImport, TamperedBlocksAreRefusedAndLeaveNoTrace) {
  auto source = OpenMemory();
  auto blocks = Produce(*source, 2);
  auto sink = OpenMemory();
  ASSERT_TRUE(sink->ImportBlock(blocks[0].block, blocks[0].certificate).ok());

  struct Case {
    const char* name;
    std::function<void(types::Block&)> tamper;
    const char* reason;
  };
  const std::vector<Case> cases = {
      {"height", [](types::Block& b) { b.header.height += 1; }, "height"},
      {"parent", [](types::Block& b) { b.header.parent_hash.data[0] ^= 1; }, "parent hash"},
      {"time", [](types::Block& b) { b.header.time_ms = 1; }, "time"},
      {"state root", [](types::Block& b) { b.header.state_root.data[3] ^= 1; }, "state root"},
      {"tx root", [](types::Block& b) { b.header.tx_root.data[3] ^= 1; }, "transaction root"},
      {"events root", [](types::Block& b) { b.header.events_root.data[3] ^= 1; }, "events root"},
      {"validators", [](types::Block& b) { b.header.next_validators_hash.data[0] ^= 1; },
       "validator set"},
      {"proposer", [](types::Block& b) { b.header.proposer.data[0] ^= 1; }, "not a validator"},
      {"missing last commit", [](types::Block& b) { b.last_commit.reset(); }, "missing"},
      {"last commit signature",
       [](types::Block& b) { b.last_commit->signatures[0].signature.data[5] ^= 1; }, "last commit"},
      {"tx signature", [](types::Block& b) { b.transactions[0].signature.data[7] ^= 1; },
       "bad signature"},
      {"dropped tx", [](types::Block& b) { b.transactions.clear(); }, "root"},
  };
  for (const Case& c : cases) {
    types::Block block = blocks[1].block;
    c.tamper(block);
    auto r = sink->CheckBlock(block);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_NE(r.status().message().find(c.reason), std::string::npos)
        << c.name << ": " << r.status().ToString();
  }
  EXPECT_EQ(sink->head().height, 1u);
  // A certificate for another block is refused at commit.
  auto prepared = sink->CheckBlock(blocks[1].block);
  ASSERT_TRUE(prepared.ok()) << prepared.status().ToString();
  EXPECT_FALSE(sink->CommitBlock(std::move(prepared).value(), blocks[0].certificate).ok());
  EXPECT_EQ(sink->head().height, 1u);
  // The untampered block still imports.
  ASSERT_TRUE(sink->ImportBlock(blocks[1].block, blocks[1].certificate).ok());
  EXPECT_EQ(sink->head().hash, source->head().hash);
}

TEST(ChainImport, PreparedBlockOfAnOldHeadIsRefused) {
  auto chain = OpenMemory();
  auto a = chain->BuildBlock({}, 1'700'000'000'000, Alice().public_key(), 10);
  auto b = chain->BuildBlock({}, 1'700'000'000'500, Alice().public_key(), 10);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->hash, b->hash);  // two candidates for one height (two rounds)
  types::CommitCertificate cert;
  cert.height = 1;
  cert.block_hash = b->hash;
  Hash32 msg =
      types::VoteSigningHash(types::VoteType::kPrecommit, 1, 0, b->hash, chain->genesis_hash());
  cert.signatures.push_back({0, Alice().Sign(msg.view())});
  ASSERT_TRUE(chain->CommitBlock(std::move(b).value(), cert).ok());
  auto late = chain->CommitBlock(std::move(a).value(), cert);
  ASSERT_FALSE(late.ok());
  EXPECT_NE(late.status().message().find("another head"), std::string::npos);
}

}  // namespace
}  // namespace phalanx::node
