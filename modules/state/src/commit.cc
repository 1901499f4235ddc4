// StateTree::Commit: the batch update. The changes are hashed and sorted by key hash, then the
// tree is rebuilt in one recursive pass: each subtree that receives updates is read once (through
// the node cache), each changed node is written once, and subtrees without updates are kept by
// reference. Leaves live inline in their parent (node.h), so updating a key never reads a leaf.
#include <algorithm>

#include "node.h"
#include "node_cache.h"
#include "phalanx/state/hashing.h"
#include "phalanx/state/limits.h"
#include "phalanx/state/state_tree.h"

namespace phalanx::state {

using store::Column;

class StateTree::Committer {
 public:
  Committer(StateTree& tree, uint64_t version, store::WriteBatch& batch)
      : tree_(tree), version_(version), batch_(batch) {
    result_.version = version;
  }

  Result<CommitResult> Run(std::span<const StateChange> changes);

 private:
  struct Update {
    uint64_t order;  // the first 8 bytes of key_hash, big-endian: sorts like key_hash
    Hash32 key_hash;
    Hash32 leaf_hash;  // sets only
    const StateChange* change;
    bool noop = false;  // sets the value the key already has

    bool is_set() const { return change->second.has_value(); }
    bool places_leaf() const { return is_set() && !noop; }
  };

  Result<Child> Apply(size_t depth, const Child& old, std::span<Update> updates);
  Result<Child> ApplyToLeaf(size_t depth, const Child& old, std::span<Update> updates);
  Result<Child> ApplyToInternal(size_t depth, const Child& old, std::span<Update> updates);
  // The subtree holding the leaves placed by `updates` plus `carried` (an existing leaf, or null).
  Result<Child> Build(size_t depth, std::span<Update> updates, const Child* carried);
  Child PlaceNewLeaf(const Update& update);
  Child WriteNode(size_t depth, const Hash32& path_source, const Children& children);
  void MarkStaleNode(uint64_t node_version, size_t depth, const Hash32& path_source);
  void MarkStaleValue(const Hash32& key_hash, uint64_t value_version);

  StateTree& tree_;
  const uint64_t version_;
  store::WriteBatch& batch_;
  CommitResult result_;
};

Result<CommitResult> StateTree::Commit(uint64_t version, std::span<const StateChange> changes,
                                       store::WriteBatch& batch) {
  Committer committer(*this, version, batch);
  return committer.Run(changes);
}

Result<CommitResult> StateTree::Committer::Run(std::span<const StateChange> changes) {
  for (size_t i = 1; i < changes.size(); ++i) {
    if (!(changes[i - 1].first < changes[i].first)) {
      return InvalidArgument("state changes must be sorted by key with unique keys: change " +
                             std::to_string(i) + " (key " + ToHex(changes[i].first) +
                             ") does not sort after the one before it");
    }
  }
  ASSIGN_OR_RETURN(std::optional<uint64_t> latest, tree_.LatestVersion());
  const uint64_t expected = latest.has_value() ? *latest + 1 : 0;
  if (version_ != expected) {
    return FailedPrecondition("cannot commit state version " + std::to_string(version_) +
                              ": the next version is " + std::to_string(expected) +
                              " (versions are consecutive; was the previous batch written?)");
  }

  // The base: the root record of version-1 (or the empty tree for genesis).
  Child old_root;
  std::optional<Bytes> old_root_bytes;
  if (version_ > 0) {
    const NodeKey key = NodeKey::Make(version_ - 1, 0, Hash32{});
    ASSIGN_OR_RETURN(old_root_bytes, tree_.store_.Get(Column::kTreeNodes, key.Encode()));
    if (!old_root_bytes.has_value()) return tree_.VersionUnavailable(version_ - 1);
    ASSIGN_OR_RETURN(RootRecord record, DecodeRootRecord(*old_root_bytes, version_ - 1));
    old_root = record.root;
    if (record.node) tree_.cache_->Put(key, record.node);
  }

  std::vector<Update> updates(changes.size());
  for (size_t i = 0; i < changes.size(); ++i) {
    Update& u = updates[i];
    u.change = &changes[i];
    u.key_hash = KeyHash(changes[i].first);
    u.order = 0;
    for (int b = 0; b < 8; ++b) u.order = (u.order << 8) | u.key_hash[b];
    if (u.is_set()) u.leaf_hash = LeafHash(u.key_hash, ValueHash(*changes[i].second));
  }
  std::sort(updates.begin(), updates.end(), [](const Update& a, const Update& b) {
    return a.order != b.order ? a.order < b.order : a.key_hash < b.key_hash;
  });
  for (size_t i = 1; i < updates.size(); ++i) {
    if (updates[i - 1].key_hash == updates[i].key_hash) {
      return Internal("keys " + ToHex(updates[i - 1].change->first) + " and " +
                      ToHex(updates[i].change->first) + " have the same BLAKE2b-256 hash");
    }
  }

  ASSIGN_OR_RETURN(Child new_root, Apply(0, old_root, updates));

  // Every version has a root record at (version, root path), even if nothing changed.
  const SmallKey root_key = NodeKey::Make(version_, 0, Hash32{}).Encode();
  if (new_root.kind == ChildKind::kInternal) {
    if (new_root.version != version_) {  // unchanged root node: copy it to this version
      batch_.Put(Column::kTreeNodes, root_key, *old_root_bytes);
      ++result_.nodes_written;
    }
  } else {
    batch_.Put(Column::kTreeNodes, root_key, EncodeRootRecord(new_root));
    ++result_.nodes_written;
  }
  if (version_ > 0) MarkStaleNode(version_ - 1, 0, Hash32{});
  batch_.Put(Column::kMeta, AsBytes(kLatestVersionKey), U64BigEndian(version_));

  result_.root = new_root.kind == ChildKind::kNone ? kEmptyRoot : new_root.hash;
  result_.unchanged = changes.size() - result_.values_written - result_.values_deleted;
  return result_;
}

Result<Child> StateTree::Committer::Apply(size_t depth, const Child& old,
                                          std::span<Update> updates) {
  if (updates.empty()) return old;
  switch (old.kind) {
    case ChildKind::kNone:
      return Build(depth, updates, nullptr);
    case ChildKind::kLeaf:
      return ApplyToLeaf(depth, old, updates);
    case ChildKind::kInternal:
      return ApplyToInternal(depth, old, updates);
  }
  return Internal("unknown child kind");
}

Result<Child> StateTree::Committer::ApplyToLeaf(size_t depth, const Child& old,
                                                std::span<Update> updates) {
  // The only key present in this subtree is the old leaf's: an update to another key is an
  // insert (or the delete of an absent key, which changes nothing).
  auto it = std::lower_bound(updates.begin(), updates.end(), old.key_hash,
                             [](const Update& u, const Hash32& h) { return u.key_hash < h; });
  bool keep_old = true;
  if (it != updates.end() && it->key_hash == old.key_hash) {
    if (!it->is_set()) {
      batch_.Delete(Column::kFlatState, it->change->first);
      MarkStaleValue(old.key_hash, old.version);
      ++result_.values_deleted;
      keep_old = false;
    } else if (it->leaf_hash == old.hash) {
      it->noop = true;
    } else {
      MarkStaleValue(old.key_hash, old.version);
      keep_old = false;  // Build places the new value
    }
  }
  if (keep_old && std::none_of(updates.begin(), updates.end(),
                               [](const Update& u) { return u.places_leaf(); })) {
    return old;
  }
  return Build(depth, updates, keep_old ? &old : nullptr);
}

Result<Child> StateTree::Committer::ApplyToInternal(size_t depth, const Child& old,
                                                    std::span<Update> updates) {
  const Hash32& path = updates.front().key_hash;
  const NodeKey key = NodeKey::Make(old.version, depth, path);
  ASSIGN_OR_RETURN(std::shared_ptr<const InternalNode> node,
                   tree_.LoadNode(key, old.hash, /*take=*/true));
  Children children;
  node->Expand(children);
  bool changed = false;
  for (size_t i = 0; i < updates.size();) {
    const uint8_t nibble = Nibble(updates[i].key_hash, depth);
    size_t j = i + 1;
    while (j < updates.size() && Nibble(updates[j].key_hash, depth) == nibble) ++j;
    ASSIGN_OR_RETURN(Child child, Apply(depth + 1, children[nibble], updates.subspan(i, j - i)));
    if (child != children[nibble]) {
      children[nibble] = child;
      changed = true;
    }
    i = j;
  }
  if (!changed) {
    tree_.cache_->Put(key, std::move(node));
    return old;
  }
  if (depth > 0) MarkStaleNode(old.version, depth, path);  // Run handles the root

  // A node left with a single leaf is replaced by the leaf (it moves up to its shortest unique
  // prefix); a single internal child stays below this node, whose path is still shared.
  size_t count = 0;
  const Child* only = nullptr;
  for (const Child& c : children) {
    if (c.kind != ChildKind::kNone) {
      ++count;
      only = &c;
    }
  }
  if (count == 0) return Child{};
  if (count == 1 && only->kind == ChildKind::kLeaf) return *only;
  return WriteNode(depth, path, children);
}

Result<Child> StateTree::Committer::Build(size_t depth, std::span<Update> updates,
                                          const Child* carried) {
  size_t leaves = carried ? 1 : 0;
  const Update* single = nullptr;
  for (const Update& u : updates) {
    if (u.places_leaf()) {
      ++leaves;
      single = &u;
    }
  }
  if (leaves == 0) return Child{};
  if (leaves == 1) return carried ? *carried : PlaceNewLeaf(*single);
  if (depth >= kKeyNibbles) return Internal("two leaves share a whole key hash");

  Children children;
  const uint8_t carried_nibble = carried ? Nibble(carried->key_hash, depth) : 16;
  size_t i = 0;
  for (uint8_t nibble = 0; nibble < 16; ++nibble) {
    size_t j = i;
    while (j < updates.size() && Nibble(updates[j].key_hash, depth) == nibble) ++j;
    const Child* carried_here = nibble == carried_nibble ? carried : nullptr;
    if (j > i || carried_here) {
      ASSIGN_OR_RETURN(children[nibble], Build(depth + 1, updates.subspan(i, j - i), carried_here));
    }
    i = j;
  }
  return WriteNode(depth, carried ? carried->key_hash : updates.front().key_hash, children);
}

Child StateTree::Committer::PlaceNewLeaf(const Update& update) {
  const Bytes& key = update.change->first;
  const Bytes& value = *update.change->second;
  batch_.Put(Column::kStateValues, ValueRecordKey(update.key_hash, version_),
             EncodeValueRecord(key, value));
  batch_.Put(Column::kFlatState, key, value);
  ++result_.values_written;
  return Child{ChildKind::kLeaf, version_, update.leaf_hash, update.key_hash};
}

Child StateTree::Committer::WriteNode(size_t depth, const Hash32& path_source,
                                      const Children& children) {
  auto node = std::make_shared<const InternalNode>(InternalNode::FromChildren(children));
  const NodeKey key = NodeKey::Make(version_, depth, path_source);
  EncodeInternalNode(*node, batch_.PutUninitialized(Column::kTreeNodes, key.Encode(),
                                                    EncodedInternalNodeBytes(*node)));
  ++result_.nodes_written;
  const Child child{ChildKind::kInternal, version_, node->hash, {}};
  tree_.cache_->Put(key, std::move(node));
  return child;
}

void StateTree::Committer::MarkStaleNode(uint64_t node_version, size_t depth,
                                         const Hash32& path_source) {
  const NodeKey key = NodeKey::Make(node_version, depth, path_source);
  batch_.Put(Column::kStaleNodes, StaleKey(version_, StaleKind::kNode, key.Encode()), {});
  ++result_.stale_entries;
}

void StateTree::Committer::MarkStaleValue(const Hash32& key_hash, uint64_t value_version) {
  batch_.Put(Column::kStaleNodes,
             StaleKey(version_, StaleKind::kValue, ValueRecordKey(key_hash, value_version)), {});
  ++result_.stale_entries;
}

}  // namespace phalanx::state
