// The chain: genesis, the latest committed head, and block production for the dev validator.
// A block is committed with ONE atomic, synced write batch holding the state-tree nodes, the
// flat state, the block, its events, certificate and indexes, and the new head — so kill -9 at
// any moment restarts at the last committed block with nothing lost or doubled.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>

#include "phalanx/crypto/ed25519.h"
#include "phalanx/node/chain_store.h"
#include "phalanx/runtime/executor.h"
#include "phalanx/runtime/genesis.h"
#include "phalanx/state/state_tree.h"
#include "phalanx/store/kv_store.h"

namespace phalanx::node {

struct ChainOptions {
  // Keep state versions of the last N blocks; nullopt = archive (keep all).
  std::optional<uint64_t> state_pruning_window = 256;
  // fsync every block commit (off only in benchmarks that measure without durability).
  bool sync_writes = true;
};

struct Head {
  uint64_t height = 0;
  Hash32 hash{};
  types::Header header;
};

// A transaction offered to block production.
struct Candidate {
  const types::SignedTransaction* tx = nullptr;
  size_t encoded_length = 0;
  Hash32 hash{};
};

// A block for height head+1, executed against the head's state but not committed: the state-tree
// nodes are in `batch`. Built by a proposer (BuildBlock) or checked from a peer (CheckBlock);
// several may exist for one height (consensus rounds) and whichever gets a commit certificate is
// committed with CommitBlock. It becomes useless once another block is committed at its height.
struct PreparedBlock {
  types::Block block;
  Hash32 hash{};
  std::vector<types::EventRecord> events;
  std::vector<Hash32> tx_hashes;
  // Candidates that can never enter a block as they are (stale, expired, cannot pay fees).
  std::vector<std::pair<Hash32, std::string>> rejected;
  store::WriteBatch batch;
  types::ValidatorSet validators;  // the set that commits this block
  double execute_ms = 0;
};

// What CommitBlock reports about the block it committed.
struct ProducedBlock {
  types::Block block;
  Hash32 hash{};
  types::CommitCertificate certificate;
  std::vector<types::EventRecord> events;
  std::vector<Hash32> included;
  std::vector<std::pair<Hash32, std::string>> rejected;
  double execute_ms = 0;
  double commit_ms = 0;
};

class Chain {
 public:
  static Result<std::unique_ptr<Chain>> Open(std::unique_ptr<store::KvStore> kv,
                                             runtime::ChainSpec spec, ChainOptions options);

  const Hash32& genesis_hash() const { return genesis_hash_; }
  const runtime::ChainSpec& spec() const { return spec_; }
  Head head() const;
  // Reads of the latest committed state (the flat table).
  const runtime::StateReader& latest_state() const { return *latest_state_; }
  const ChainStore& blocks() const { return blocks_; }
  const state::StateTree& tree() const { return *tree_; }

  // The validator set that commits block `height`, for head <= height <= head + 2 (the set of
  // the head block, the next block's, and the one after: changes take effect at H + 2).
  Result<types::ValidatorSet> ValidatorsFor(uint64_t height) const;

  // Builds block head+1 from `candidates` (in order, skipping those that cannot be included)
  // with `proposer` in its header and the head's stored commit certificate as its last_commit.
  Result<PreparedBlock> BuildBlock(std::span<const Candidate> candidates, uint64_t now_ms,
                                   const types::AccountId& proposer, size_t max_transactions);
  // Checks a block proposed for head+1 by someone else: parent, height, time, proposer, the
  // previous commit certificate, limits, every transaction's signature and validity, and every
  // root in the header, by executing it. InvalidArgument says what is wrong with the block.
  // `already_verified(tx_hash)` may name transactions whose signatures were checked before (the
  // pool's); only the others are checked here.
  Result<PreparedBlock> CheckBlock(
      const types::Block& block,
      const std::function<bool(const Hash32&)>& already_verified = nullptr);
  // How CommitBlock writes. kDurable fsyncs (the default for blocks this node decides on).
  // kProcessCrashSafe writes without fsync: the write survives kill -9 (it is in the OS page
  // cache) but not a power cut — for blocks fetched by sync, which can be fetched again; the
  // next durable write makes them durable too (one RocksDB log).
  enum class Durability { kDurable, kProcessCrashSafe };
  // Commits a prepared block of height head+1 with a certificate that proves it final (checked
  // here), in one atomic write.
  Result<ProducedBlock> CommitBlock(PreparedBlock prepared, types::CommitCertificate certificate,
                                    Durability durability = Durability::kDurable);
  // CheckBlock + CommitBlock: how a syncing node applies blocks fetched from peers.
  Result<ProducedBlock> ImportBlock(
      const types::Block& block, types::CommitCertificate certificate,
      Durability durability = Durability::kDurable,
      const std::function<bool(const Hash32&)>& already_verified = nullptr);

  // The dev chain's one-validator path: builds block head+1, certifies it with `validator`'s
  // own precommit and commits it.
  Result<ProducedBlock> ProduceBlock(std::span<const Candidate> candidates, uint64_t now_ms,
                                     const crypto::SigningKey& validator, size_t max_transactions);

 private:
  Chain(std::unique_ptr<store::KvStore> kv, runtime::ChainSpec spec, ChainOptions options);
  Status InitGenesisOrResume();
  Result<types::CommitCertificate> Certify(const Hash32& block_hash, uint64_t height,
                                           const crypto::SigningKey& validator) const;

  std::unique_ptr<store::KvStore> kv_;
  runtime::ChainSpec spec_;
  ChainOptions options_;
  ChainStore blocks_;
  std::unique_ptr<state::StateTree> tree_;
  std::unique_ptr<runtime::StateReader> latest_state_;
  Hash32 genesis_hash_{};
  // Finishes a prepared block's header roots from an execution result.
  Result<PreparedBlock> Prepare(types::Block block, runtime::BlockOutput result,
                                std::vector<Hash32> tx_hashes);
  // Serialises everything that computes or writes a tree version (StateTree::Commit and Prune
  // must not run concurrently).
  std::mutex tree_mu_;
  mutable std::shared_mutex head_mu_;  // guards head_
  Head head_;
  types::ValidatorSet head_validators_;  // the set that committed head_; guarded by head_mu_
};

}  // namespace phalanx::node
