// StateTree reads (roots, values, proofs) and pruning. Commit lives in commit.cc.
#include "phalanx/state/state_tree.h"

#include "node.h"
#include "node_cache.h"
#include "phalanx/state/hashing.h"

namespace phalanx::state {

using store::Column;

struct StateTree::Root : RootRecord {};

StateTree::StateTree(const store::KvStore& store, const StateTreeOptions& options)
    : store_(store), cache_(std::make_unique<NodeCache>(options.node_cache_bytes)) {}

StateTree::~StateTree() = default;

Result<std::optional<uint64_t>> StateTree::LatestVersion() const {
  ASSIGN_OR_RETURN(std::optional<Bytes> raw, store_.Get(Column::kMeta, AsBytes(kLatestVersionKey)));
  if (!raw.has_value()) return std::optional<uint64_t>();
  ASSIGN_OR_RETURN(uint64_t v, ReadU64BigEndian(*raw, "the latest state version record"));
  return std::optional<uint64_t>(v);
}

Result<uint64_t> StateTree::OldestVersion() const {
  ASSIGN_OR_RETURN(std::optional<Bytes> raw, store_.Get(Column::kMeta, AsBytes(kOldestVersionKey)));
  if (!raw.has_value()) return uint64_t{0};
  return ReadU64BigEndian(*raw, "the oldest state version record");
}

Status StateTree::VersionUnavailable(uint64_t version) const {
  const std::string v = std::to_string(version);
  ASSIGN_OR_RETURN(std::optional<uint64_t> latest, LatestVersion());
  if (!latest.has_value())
    return NotFound("no state at version " + v + ": nothing is committed yet");
  if (version > *latest) {
    return NotFound("no state at version " + v + ": the latest committed version is " +
                    std::to_string(*latest));
  }
  ASSIGN_OR_RETURN(uint64_t oldest, OldestVersion());
  if (version < oldest) {
    return NotFound("state at version " + v + " was pruned (pruning window " +
                    std::to_string(*latest - oldest + 1) + ": versions " + std::to_string(oldest) +
                    ".." + std::to_string(*latest) +
                    " are kept); run with --state-pruning archive to keep all versions");
  }
  return Corruption("the root of state version " + v + " is missing although versions " +
                    std::to_string(oldest) + ".." + std::to_string(*latest) +
                    " should be stored; the database is damaged");
}

Result<StateTree::Root> StateTree::ReadRoot(uint64_t version) const {
  const SmallKey key = NodeKey::Make(version, 0, Hash32{}).Encode();
  ASSIGN_OR_RETURN(std::optional<Bytes> raw, store_.Get(Column::kTreeNodes, key));
  if (!raw.has_value()) return VersionUnavailable(version);
  Result<RootRecord> record = DecodeRootRecord(*raw, version);
  if (!record.ok()) {
    return record.status().WithContext("reading the root of state version " +
                                       std::to_string(version));
  }
  return Root{std::move(record).value()};
}

Result<std::shared_ptr<const InternalNode>> StateTree::LoadNode(const NodeKey& key,
                                                                const Hash32& expected_hash,
                                                                bool take) const {
  if (auto cached = take ? cache_->Take(key, expected_hash) : cache_->Get(key, expected_hash)) {
    return cached;
  }
  const std::string where = "state tree node (version " + std::to_string(key.version) + ", depth " +
                            std::to_string(key.depth) + ")";
  ASSIGN_OR_RETURN(std::optional<Bytes> raw, store_.Get(Column::kTreeNodes, key.Encode()));
  if (!raw.has_value()) {
    return NotFound(where + " is missing: its version was pruned while it was being read");
  }
  Result<InternalNode> node = DecodeInternalNode(*raw);
  if (!node.ok()) return node.status().WithContext("decoding " + where);
  if (node->hash != expected_hash) {
    return Corruption(where + " has hash " + ToHex(node->hash) + " but its parent expects " +
                      ToHex(expected_hash));
  }
  auto shared = std::make_shared<const InternalNode>(std::move(node).value());
  if (!take) cache_->Put(key, shared);
  return shared;
}

Result<Bytes> StateTree::ReadValue(const Hash32& key_hash, uint64_t value_version) const {
  ASSIGN_OR_RETURN(std::optional<Bytes> raw,
                   store_.Get(Column::kStateValues, ValueRecordKey(key_hash, value_version)));
  if (!raw.has_value()) {
    return NotFound("the value of key hash " + ToHex(key_hash) + " set at version " +
                    std::to_string(value_version) + " is missing (pruned while being read?)");
  }
  ASSIGN_OR_RETURN(ValueRecord record, DecodeValueRecord(*raw));
  return Bytes(record.value.begin(), record.value.end());
}

Result<Hash32> StateTree::RootAt(uint64_t version) const {
  ASSIGN_OR_RETURN(Root root, ReadRoot(version));
  return root.root.kind == ChildKind::kNone ? kEmptyRoot : root.root.hash;
}

Result<std::optional<Bytes>> StateTree::Get(ByteView key) const {
  return store_.Get(Column::kFlatState, key);
}

Result<std::optional<Bytes>> StateTree::GetAt(ByteView key, uint64_t version) const {
  ASSIGN_OR_RETURN(Root root, ReadRoot(version));
  const Hash32 key_hash = KeyHash(key);
  Child current = root.root;
  std::shared_ptr<const InternalNode> node = root.node;
  for (size_t depth = 0; current.kind == ChildKind::kInternal; ++depth) {
    if (depth > 0) {
      ASSIGN_OR_RETURN(node,
                       LoadNode(NodeKey::Make(current.version, depth, key_hash), current.hash));
    }
    current = node->At(Nibble(key_hash, depth));
  }
  if (current.kind != ChildKind::kLeaf || current.key_hash != key_hash) {
    return std::optional<Bytes>();
  }
  ASSIGN_OR_RETURN(Bytes value, ReadValue(key_hash, current.version));
  return std::optional<Bytes>(std::move(value));
}

Result<Proof> StateTree::GetProof(ByteView key, uint64_t version) const {
  ASSIGN_OR_RETURN(Root root, ReadRoot(version));
  const Hash32 key_hash = KeyHash(key);
  Proof proof;
  Child current = root.root;
  std::shared_ptr<const InternalNode> node = root.node;
  for (size_t depth = 0; current.kind == ChildKind::kInternal; ++depth) {
    if (depth > 0) {
      ASSIGN_OR_RETURN(node,
                       LoadNode(NodeKey::Make(current.version, depth, key_hash), current.hash));
    }
    const uint8_t nibble = Nibble(key_hash, depth);
    ProofLevel& level = proof.levels.emplace_back();
    level.bitmap = node->bitmap;
    level.siblings.reserve(node->present.size());
    for (uint8_t c = 0; c < 16; ++c) {
      if (c != nibble && ((node->bitmap >> c) & 1)) level.siblings.push_back(node->At(c).hash);
    }
    current = node->At(nibble);
  }
  if (current.kind == ChildKind::kLeaf) {
    proof.terminal = Proof::Terminal::kLeaf;
    proof.leaf_key_hash = current.key_hash;
    ASSIGN_OR_RETURN(Bytes value, ReadValue(current.key_hash, current.version));
    proof.leaf_value_hash = ValueHash(value);
  }
  return proof;
}

Status StateTree::Prune(uint64_t keep_from_version, store::WriteBatch& batch) {
  ASSIGN_OR_RETURN(std::optional<uint64_t> latest, LatestVersion());
  if (!latest.has_value() || keep_from_version > *latest) {
    return InvalidArgument("cannot prune below state version " + std::to_string(keep_from_version) +
                           ": the latest committed version is " +
                           (latest ? std::to_string(*latest) : "none") +
                           " and at least the latest version must be kept");
  }
  ASSIGN_OR_RETURN(uint64_t oldest, OldestVersion());
  if (keep_from_version <= oldest) return Status::Ok();
  // Entries stale since <= oldest were deleted by the previous prune; start after them.
  auto it = store_.NewIterator(Column::kStaleNodes);
  for (it->Seek(U64BigEndian(oldest + 1)); it->Valid(); it->Next()) {
    const ByteView key = it->key();
    if (key.size() < 9) return Corruption("state stale index entry is too short");
    ASSIGN_OR_RETURN(uint64_t stale_since, ReadU64BigEndian(key.first(8), "stale index version"));
    if (stale_since > keep_from_version) break;
    const auto kind = static_cast<StaleKind>(key[8]);
    if (kind != StaleKind::kNode && kind != StaleKind::kValue) {
      return Corruption("state stale index entry has unknown kind " + std::to_string(key[8]));
    }
    batch.Delete(kind == StaleKind::kNode ? Column::kTreeNodes : Column::kStateValues,
                 key.subspan(9));
    batch.Delete(Column::kStaleNodes, key);
  }
  RETURN_IF_ERROR(it->status());
  batch.Put(Column::kMeta, AsBytes(kOldestVersionKey), U64BigEndian(keep_from_version));
  return Status::Ok();
}

StateTree::CacheStats StateTree::cache_stats() const {
  return CacheStats{cache_->hits(), cache_->misses(), cache_->bytes(), cache_->size()};
}

}  // namespace phalanx::state
