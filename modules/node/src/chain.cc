// Chain: genesis initialisation, resume after restart, and block production + atomic commit.
#include "phalanx/node/chain.h"

#include <malloc.h>

#include <chrono>

#include "phalanx/codec/encoder.h"
#include "phalanx/crypto/hash.h"
#include "phalanx/types/address.h"
#include "phalanx/types/merkle.h"

namespace phalanx::node {
namespace {

constexpr std::string_view kSpecHashKey = "spec_hash";

class FlatStateReader final : public runtime::StateReader {
 public:
  explicit FlatStateReader(const state::StateTree& tree) : tree_(tree) {}
  Result<std::optional<Bytes>> Get(ByteView key) const override { return tree_.Get(key); }

 private:
  const state::StateTree& tree_;
};

Hash32 SpecHash(const runtime::ChainSpec& spec) {
  return crypto::Blake2b256(AsBytes(spec.ToJson().dump()));
}

double MsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

Hash32 EventsRoot(const std::vector<types::EventRecord>& events) {
  std::vector<Hash32> leaves;
  leaves.reserve(events.size());
  for (const auto& e : events) {
    codec::Encoder enc;
    e.Encode(enc);
    leaves.push_back(crypto::Blake2b256(enc.bytes()));
  }
  return types::MerkleRoot(leaves);
}

}  // namespace

Chain::Chain(std::unique_ptr<store::KvStore> kv, runtime::ChainSpec spec, ChainOptions options)
    : kv_(std::move(kv)), spec_(std::move(spec)), options_(options), blocks_(*kv_) {
  tree_ = std::make_unique<state::StateTree>(*kv_);
  latest_state_ = std::make_unique<FlatStateReader>(*tree_);
}

Result<std::unique_ptr<Chain>> Chain::Open(std::unique_ptr<store::KvStore> kv,
                                           runtime::ChainSpec spec, ChainOptions options) {
  RETURN_IF_ERROR(spec.validators.Validate());
  std::unique_ptr<Chain> chain(new Chain(std::move(kv), std::move(spec), options));
  RETURN_IF_ERROR(chain->InitGenesisOrResume());
  // Building a large genesis allocates and frees hundreds of MiB; hand them back to the OS
  // instead of keeping them in the allocator for the life of the process.
  ::malloc_trim(0);
  return chain;
}

Status Chain::InitGenesisOrResume() {
  Hash32 spec_hash = SpecHash(spec_);
  ASSIGN_OR_RETURN(auto stored_head, blocks_.Head());
  if (stored_head) {
    ASSIGN_OR_RETURN(auto stored_spec, kv_->Get(store::Column::kMeta, AsBytes(kSpecHashKey)));
    if (!stored_spec || Hash32::FromView(*stored_spec) != spec_hash)
      return FailedPrecondition(
          "the database at this --base-path belongs to a different chain spec; use another "
          "--base-path or delete it to start over");
    ASSIGN_OR_RETURN(auto genesis, blocks_.GenesisHash());
    ASSIGN_OR_RETURN(auto block, blocks_.BlockByHash(stored_head->hash));
    if (!genesis || !block) return Corruption("database has a head but no genesis or head block");
    genesis_hash_ = *genesis;
    head_ = Head{stored_head->height, stored_head->hash, block->header};
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(auto changes, runtime::BuildGenesisState(spec_));
  store::WriteBatch batch;
  ASSIGN_OR_RETURN(auto commit, tree_->Commit(0, changes, batch));
  types::Block genesis;
  types::Header& h = genesis.header;
  h.height = 0;
  h.time_ms = spec_.genesis_time_ms;
  h.state_root = commit.root;
  h.validators_hash = spec_.validators.Hash();
  h.next_validators_hash = h.validators_hash;
  Hash32 hash = h.Hash();
  ChainStore::AppendBlock(batch, genesis, hash, {}, nullptr);
  ChainStore::AppendGenesisHash(batch, hash);
  batch.Put(store::Column::kMeta, AsBytes(kSpecHashKey), spec_hash.view());
  RETURN_IF_ERROR(kv_->Write(std::move(batch), /*sync=*/true));
  // A large genesis sits in the write-ahead log until the memtable is flushed; flush now so that
  // a restart does not replay (and hold in memory) the whole genesis again.
  RETURN_IF_ERROR(kv_->Flush());
  genesis_hash_ = hash;
  head_ = Head{0, hash, h};
  return Status::Ok();
}

Head Chain::head() const {
  std::shared_lock lock(head_mu_);
  return head_;
}

Result<types::CommitCertificate> Chain::Certify(const Hash32& block_hash, uint64_t height,
                                                const crypto::SigningKey& validator) const {
  const int64_t index = spec_.validators.IndexOf(validator.public_key());
  if (index < 0)
    return FailedPrecondition("this node's key " + types::ToSs58(validator.public_key()) +
                              " is not in the validator set");
  types::CommitCertificate cert;
  cert.height = height;
  cert.round = 0;
  cert.block_hash = block_hash;
  Hash32 msg =
      types::VoteSigningHash(types::VoteType::kPrecommit, height, 0, block_hash, genesis_hash_);
  cert.signatures.push_back({static_cast<uint32_t>(index), validator.Sign(msg.view())});
  RETURN_IF_ERROR(types::VerifyCommit(cert, spec_.validators, genesis_hash_));
  return cert;
}

Result<ProducedBlock> Chain::ProduceBlock(std::span<const Candidate> candidates, uint64_t now_ms,
                                          const crypto::SigningKey& validator,
                                          size_t max_transactions) {
  std::lock_guard produce(produce_mu_);
  auto t0 = std::chrono::steady_clock::now();
  Head parent = head();
  uint64_t height = parent.height + 1;
  runtime::BlockContext ctx{height, std::max(now_ms, parent.header.time_ms + 1),
                            validator.public_key()};
  ASSIGN_OR_RETURN(auto exec, runtime::BlockExecutor::Begin(*latest_state_, ctx));

  ProducedBlock out;
  types::Block& block = out.block;
  std::vector<Hash32> tx_hashes;
  for (const Candidate& c : candidates) {
    if (block.transactions.size() >= max_transactions) break;
    ASSIGN_OR_RETURN(runtime::TxVerdict v, exec.Apply(*c.tx, c.encoded_length));
    if (v.ok()) {
      block.transactions.push_back(*c.tx);
      tx_hashes.push_back(c.hash);
    } else if (v.validity == runtime::TxValidity::kStale ||
               v.validity == runtime::TxValidity::kExpired ||
               v.validity == runtime::TxValidity::kCannotPayFees) {
      out.rejected.emplace_back(c.hash, v.message);
    }
    // kFuture and kExhaustsResources: stays in the pool for a later block.
  }
  runtime::BlockOutput result = std::move(exec).Finish();
  out.execute_ms = MsSince(t0);
  auto t1 = std::chrono::steady_clock::now();

  store::WriteBatch batch;
  ASSIGN_OR_RETURN(auto commit, tree_->Commit(height, result.changes, batch));
  types::Header& h = block.header;
  h.parent_hash = parent.hash;
  h.height = height;
  h.time_ms = ctx.time_ms;
  h.proposer = validator.public_key();
  h.state_root = commit.root;
  h.tx_root = types::MerkleRoot(tx_hashes);
  h.events_root = EventsRoot(result.events);
  h.validators_hash = spec_.validators.Hash();
  h.next_validators_hash = h.validators_hash;
  if (parent.height >= 1) {
    ASSIGN_OR_RETURN(auto last, blocks_.Certificate(parent.height));
    if (!last)
      return Corruption("missing commit certificate for block " + std::to_string(parent.height));
    h.last_commit_hash = last->Hash();
    block.last_commit = std::move(*last);
  }
  out.hash = h.Hash();
  ASSIGN_OR_RETURN(out.certificate, Certify(out.hash, height, validator));
  ChainStore::AppendBlock(batch, block, out.hash, result.events, &out.certificate, tx_hashes);
  // A window of N keeps the state of the last N blocks: versions height-N+1 .. height.
  if (options_.state_pruning_window && height >= *options_.state_pruning_window)
    RETURN_IF_ERROR(tree_->Prune(height + 1 - *options_.state_pruning_window, batch));
  RETURN_IF_ERROR(kv_->Write(std::move(batch), options_.sync_writes));
  {
    std::unique_lock lock(head_mu_);
    head_ = Head{height, out.hash, h};
  }
  out.events = std::move(result.events);
  out.included = std::move(tx_hashes);
  out.commit_ms = MsSince(t1);
  return out;
}

}  // namespace phalanx::node
