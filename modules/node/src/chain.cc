// Chain: genesis initialisation, resume after restart, and block production + atomic commit.
#include "phalanx/node/chain.h"

#include <malloc.h>

#include <chrono>

#include "phalanx/base/check.h"
#include "phalanx/codec/encoder.h"
#include "phalanx/crypto/hash.h"
#include "phalanx/runtime/storage.h"
#include "phalanx/runtime/validators.h"
#include "phalanx/types/address.h"
#include "phalanx/types/merkle.h"

namespace phalanx::node {
namespace {

constexpr std::string_view kSpecHashKey = "spec_hash";
// The validator set that committed the head block, written in the head's batch (a restarted
// node needs it to check the next block's last commit, and the state no longer has it).
constexpr std::string_view kHeadValidatorsKey = "head_validators";

class FlatStateReader final : public runtime::StateReader {
 public:
  explicit FlatStateReader(const state::StateTree& tree) : tree_(tree) {}
  Result<std::optional<Bytes>> Get(ByteView key) const override { return tree_.Get(key); }

 private:
  const state::StateTree& tree_;
};

// Reads of one past state version, through the tree (NotFound once the version is pruned).
class VersionStateReader final : public runtime::StateReader {
 public:
  VersionStateReader(const state::StateTree& tree, uint64_t version)
      : tree_(tree), version_(version) {}
  Result<std::optional<Bytes>> Get(ByteView key) const override {
    return tree_.GetAt(key, version_);
  }

 private:
  const state::StateTree& tree_;
  uint64_t version_;
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
    ASSIGN_OR_RETURN(auto set_bytes, kv_->Get(store::Column::kMeta, AsBytes(kHeadValidatorsKey)));
    if (!set_bytes) return Corruption("database has a head but not the set that committed it");
    ASSIGN_OR_RETURN(head_validators_, codec::DecodeAll<types::ValidatorSet>(*set_bytes));
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
  batch.Put(store::Column::kMeta, AsBytes(kHeadValidatorsKey),
            codec::EncodeToBytes(spec_.validators));
  RETURN_IF_ERROR(kv_->Write(std::move(batch), /*sync=*/true));
  // A large genesis sits in the write-ahead log until the memtable is flushed; flush now so that
  // a restart does not replay (and hold in memory) the whole genesis again.
  RETURN_IF_ERROR(kv_->Flush());
  genesis_hash_ = hash;
  head_ = Head{0, hash, h};
  head_validators_ = spec_.validators;
  return Status::Ok();
}

Result<types::ValidatorSet> Chain::ValidatorsFor(uint64_t height) const {
  uint64_t head_height;
  {
    std::shared_lock lock(head_mu_);
    head_height = head_.height;
    if (height == head_height) return head_validators_;
  }
  if (height == head_height + 1) return runtime::LoadCurrentValidators(*latest_state_);
  if (height == head_height + 2) return runtime::LoadNextValidators(*latest_state_);
  if (height >= 1 && height < head_height) {
    // An older block (consensus may still be finishing a height that block sync already
    // applied): the set is in the state after its parent, while that version is kept.
    VersionStateReader past(*tree_, height - 1);
    auto set = runtime::LoadCurrentValidators(past);
    if (set.ok()) return set;
    return FailedPrecondition(
        "the validator set of block #" + std::to_string(height) +
        " is no longer available (state pruned): " + std::string(set.status().message()));
  }
  return FailedPrecondition("the validator set of block #" + std::to_string(height) +
                            " is not decided yet at head #" + std::to_string(head_height) +
                            " (sets are known up to two blocks ahead)");
}

Head Chain::head() const {
  std::shared_lock lock(head_mu_);
  return head_;
}

Result<types::CommitCertificate> Chain::Certify(const Hash32& block_hash, uint64_t height,
                                                const crypto::SigningKey& validator) const {
  ASSIGN_OR_RETURN(types::ValidatorSet set, ValidatorsFor(height));
  const int64_t index = set.IndexOf(validator.public_key());
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
  return cert;
}

Result<PreparedBlock> Chain::BuildBlock(std::span<const Candidate> candidates, uint64_t now_ms,
                                        const types::AccountId& proposer, size_t max_transactions) {
  std::lock_guard lock(tree_mu_);
  auto t0 = std::chrono::steady_clock::now();
  Head parent = head();
  types::Block block;
  types::Header& h = block.header;
  h.parent_hash = parent.hash;
  h.height = parent.height + 1;
  h.time_ms = std::max(now_ms, parent.header.time_ms + 1);
  h.proposer = proposer;
  if (parent.height >= 1) {
    ASSIGN_OR_RETURN(auto last, blocks_.Certificate(parent.height));
    if (!last)
      return Corruption("missing commit certificate for block " + std::to_string(parent.height));
    block.last_commit = std::move(*last);
  }
  runtime::BlockContext ctx{h.height, h.time_ms, proposer, genesis_hash_};
  ASSIGN_OR_RETURN(auto exec, runtime::BlockExecutor::Begin(*latest_state_, ctx));
  std::vector<Hash32> tx_hashes;
  std::vector<std::pair<Hash32, std::string>> rejected;
  for (const Candidate& c : candidates) {
    if (block.transactions.size() >= max_transactions) break;
    ASSIGN_OR_RETURN(runtime::TxVerdict v, exec.Apply(*c.tx, c.encoded_length));
    if (v.ok()) {
      block.transactions.push_back(*c.tx);
      tx_hashes.push_back(c.hash);
    } else if (v.validity == runtime::TxValidity::kStale ||
               v.validity == runtime::TxValidity::kExpired ||
               v.validity == runtime::TxValidity::kCannotPayFees) {
      rejected.emplace_back(c.hash, v.message);
    }
    // kFuture and kExhaustsResources: stays in the pool for a later block.
  }
  ASSIGN_OR_RETURN(PreparedBlock out,
                   Prepare(std::move(block), std::move(exec).Finish(), std::move(tx_hashes)));
  out.rejected = std::move(rejected);
  out.execute_ms = MsSince(t0);
  return out;
}

Result<PreparedBlock> Chain::Prepare(types::Block block, runtime::BlockOutput result,
                                     std::vector<Hash32> tx_hashes) {
  types::Header& h = block.header;
  PreparedBlock out;
  ASSIGN_OR_RETURN(auto commit, tree_->Commit(h.height, result.changes, out.batch));
  h.state_root = commit.root;
  h.tx_root = types::MerkleRoot(tx_hashes);
  h.events_root = EventsRoot(result.events);
  h.validators_hash = result.validators_hash;
  h.next_validators_hash = result.next_validators_hash;
  out.validators = std::move(result.validators);
  h.last_commit_hash = block.last_commit ? block.last_commit->Hash() : Hash32{};
  out.hash = h.Hash();
  out.block = std::move(block);
  out.events = std::move(result.events);
  out.tx_hashes = std::move(tx_hashes);
  return out;
}

namespace {
Status BadBlock(const types::Header& h, const std::string& what) {
  return InvalidArgument("block #" + std::to_string(h.height) + " " + ToHex0x(h.Hash()) + ": " +
                         what);
}
}  // namespace

Result<PreparedBlock> Chain::CheckBlock(
    const types::Block& block, const std::function<bool(const Hash32&)>& already_verified) {
  std::lock_guard lock(tree_mu_);
  auto t0 = std::chrono::steady_clock::now();
  const types::Header& h = block.header;
  Head parent = head();
  if (h.height != parent.height + 1)
    return BadBlock(h,
                    "height is not the next one (head is #" + std::to_string(parent.height) + ")");
  if (h.parent_hash != parent.hash)
    return BadBlock(
        h, "parent hash " + ToHex0x(h.parent_hash) + " is not the head " + ToHex0x(parent.hash));
  if (h.time_ms <= parent.header.time_ms)
    return BadBlock(h, "time " + std::to_string(h.time_ms) + " ms is not after its parent's");
  ASSIGN_OR_RETURN(types::ValidatorSet validators, ValidatorsFor(h.height));
  if (validators.IndexOf(h.proposer) < 0)
    return BadBlock(h, "proposer " + types::ToSs58(h.proposer) + " is not a validator");
  if (parent.height == 0) {
    if (block.last_commit) return BadBlock(h, "block 1 must not carry a last commit");
  } else {
    if (!block.last_commit)
      return BadBlock(h, "the previous block's commit certificate is missing");
    const types::CommitCertificate& lc = *block.last_commit;
    if (lc.height != parent.height || lc.block_hash != parent.hash)
      return BadBlock(h, "last commit certifies another block");
    ASSIGN_OR_RETURN(types::ValidatorSet parent_set, ValidatorsFor(parent.height));
    if (Status st = types::VerifyCommit(lc, parent_set, genesis_hash_); !st.ok())
      return BadBlock(h, "last commit: " + std::string(st.message()));
  }

  ASSIGN_OR_RETURN(runtime::Params params, runtime::LoadParams(*latest_state_));
  if (block.transactions.size() > params.max_block_transactions)
    return BadBlock(h, std::to_string(block.transactions.size()) +
                           " transactions exceed the limit of " +
                           std::to_string(params.max_block_transactions));
  // Encode and hash every transaction once; then check the signatures the caller has not
  // already checked (the pool verified its own transactions), as one parallel batch.
  const size_t n = block.transactions.size();
  std::vector<size_t> lengths(n);
  std::vector<Hash32> tx_hashes(n);
  size_t total_bytes = 0;
  for (size_t i = 0; i < n; ++i) {
    codec::Encoder enc;
    block.transactions[i].Encode(enc);
    lengths[i] = enc.bytes().size();
    total_bytes += lengths[i];
    if (total_bytes > params.max_block_bytes)
      return BadBlock(h, "transactions exceed the block byte limit");
    tx_hashes[i] = crypto::Blake2b256(enc.bytes());  // = tx.Hash(), without re-encoding
  }
  std::vector<size_t> to_verify;
  std::vector<types::SignedTransaction> unverified;
  for (size_t i = 0; i < n; ++i) {
    if (already_verified && already_verified(tx_hashes[i])) continue;
    to_verify.push_back(i);
    unverified.push_back(block.transactions[i]);
  }
  if (!unverified.empty()) {
    types::TransactionVerifyBatch sigs(unverified, genesis_hash_);
    std::vector<uint8_t> valid = sigs.Verify();
    for (size_t k = 0; k < to_verify.size(); ++k)
      if (!valid[k])
        return BadBlock(h, "transaction " + std::to_string(to_verify[k]) + " has a bad signature");
  }
  runtime::BlockContext ctx{h.height, h.time_ms, h.proposer, genesis_hash_};
  ASSIGN_OR_RETURN(auto exec, runtime::BlockExecutor::Begin(*latest_state_, ctx));
  for (size_t i = 0; i < n; ++i) {
    ASSIGN_OR_RETURN(runtime::TxVerdict v, exec.Apply(block.transactions[i], lengths[i]));
    if (!v.ok()) return BadBlock(h, "transaction " + std::to_string(i) + ": " + v.message);
  }
  types::Block copy = block;
  ASSIGN_OR_RETURN(PreparedBlock out,
                   Prepare(std::move(copy), std::move(exec).Finish(), std::move(tx_hashes)));
  const types::Header& mine = out.block.header;
  if (mine.state_root != h.state_root) return BadBlock(h, "state root does not match");
  if (mine.tx_root != h.tx_root) return BadBlock(h, "transaction root does not match");
  if (mine.events_root != h.events_root) return BadBlock(h, "events root does not match");
  if (mine.validators_hash != h.validators_hash ||
      mine.next_validators_hash != h.next_validators_hash)
    return BadBlock(h, "validator set hashes do not match");
  if (mine.last_commit_hash != h.last_commit_hash)
    return BadBlock(h, "last commit hash does not match");
  PHX_CHECK(out.hash == h.Hash());
  out.execute_ms = MsSince(t0);
  return out;
}

Result<ProducedBlock> Chain::CommitBlock(PreparedBlock prepared,
                                         types::CommitCertificate certificate,
                                         Durability durability) {
  std::lock_guard lock(tree_mu_);
  auto t0 = std::chrono::steady_clock::now();
  const types::Header& h = prepared.block.header;
  Head parent = head();
  if (h.height != parent.height + 1 || h.parent_hash != parent.hash)
    return FailedPrecondition("block #" + std::to_string(h.height) +
                              " was prepared on another head (head is #" +
                              std::to_string(parent.height) + ")");
  if (certificate.height != h.height || certificate.block_hash != prepared.hash)
    return InvalidArgument("the commit certificate is for another block");
  RETURN_IF_ERROR(types::VerifyCommit(certificate, prepared.validators, genesis_hash_));
  store::WriteBatch& batch = prepared.batch;
  batch.Put(store::Column::kMeta, AsBytes(kHeadValidatorsKey),
            codec::EncodeToBytes(prepared.validators));
  ChainStore::AppendBlock(batch, prepared.block, prepared.hash, prepared.events, &certificate,
                          prepared.tx_hashes);
  // A window of N keeps the state of the last N blocks: versions height-N+1 .. height.
  if (options_.state_pruning_window && h.height >= *options_.state_pruning_window)
    RETURN_IF_ERROR(tree_->Prune(h.height + 1 - *options_.state_pruning_window, batch));
  RETURN_IF_ERROR(
      kv_->Write(std::move(batch), options_.sync_writes && durability == Durability::kDurable));
  {
    std::unique_lock head_lock(head_mu_);
    head_ = Head{h.height, prepared.hash, h};
    head_validators_ = std::move(prepared.validators);
  }
  ProducedBlock out;
  out.block = std::move(prepared.block);
  out.hash = prepared.hash;
  out.certificate = std::move(certificate);
  out.events = std::move(prepared.events);
  out.included = std::move(prepared.tx_hashes);
  out.rejected = std::move(prepared.rejected);
  out.execute_ms = prepared.execute_ms;
  out.commit_ms = MsSince(t0);
  return out;
}

Result<ProducedBlock> Chain::ImportBlock(
    const types::Block& block, types::CommitCertificate certificate, Durability durability,
    const std::function<bool(const Hash32&)>& already_verified) {
  ASSIGN_OR_RETURN(PreparedBlock prepared, CheckBlock(block, already_verified));
  return CommitBlock(std::move(prepared), std::move(certificate), durability);
}

Result<ProducedBlock> Chain::ProduceBlock(std::span<const Candidate> candidates, uint64_t now_ms,
                                          const crypto::SigningKey& validator,
                                          size_t max_transactions) {
  ASSIGN_OR_RETURN(PreparedBlock prepared,
                   BuildBlock(candidates, now_ms, validator.public_key(), max_transactions));
  ASSIGN_OR_RETURN(auto cert, Certify(prepared.hash, prepared.block.header.height, validator));
  return CommitBlock(std::move(prepared), std::move(cert));
}

}  // namespace phalanx::node
