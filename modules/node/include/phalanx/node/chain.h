// The chain: genesis, the latest committed head, and block production for the dev validator.
// A block is committed with ONE atomic, synced write batch holding the state-tree nodes, the
// flat state, the block, its events, certificate and indexes, and the new head — so kill -9 at
// any moment restarts at the last committed block with nothing lost or doubled.
#pragma once

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

struct ProducedBlock {
  types::Block block;
  Hash32 hash{};
  types::CommitCertificate certificate;
  std::vector<types::EventRecord> events;
  std::vector<Hash32> included;
  // Candidates that can never enter a block as they are (stale, expired, cannot pay fees).
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
  const types::ValidatorSet& validators() const { return spec_.validators; }

  // Builds block head+1 from `candidates` (in order, skipping those that cannot be included),
  // certifies it with `validator` (the dev chain's single validator) and commits it.
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
  std::mutex produce_mu_;              // one block production at a time
  mutable std::shared_mutex head_mu_;  // guards head_
  Head head_;
};

}  // namespace phalanx::node
