// NodeCache: an LRU of decoded internal nodes, bounded in bytes. Entries are keyed by
// (version, path) and returned only if their hash equals the hash the caller expects (the hash
// stored in the parent), so a node computed for a batch that was never written cannot be served
// for a different node stored under the same key.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "node.h"

namespace phalanx::state {

class NodeCache {
 public:
  explicit NodeCache(size_t capacity_bytes) : capacity_bytes_(capacity_bytes) {}

  // The node at `key` if cached with hash `expected_hash`; nullptr otherwise.
  std::shared_ptr<const InternalNode> Get(const NodeKey& key, const Hash32& expected_hash);
  // Inserts or replaces the node at `key`, evicting the least recently used nodes over capacity.
  void Put(const NodeKey& key, std::shared_ptr<const InternalNode> node);
  // Like Get, but also removes the entry: Commit takes the nodes it is about to replace (only reads
  // of old versions need them) and puts back the few that turn out unchanged.
  std::shared_ptr<const InternalNode> Take(const NodeKey& key, const Hash32& expected_hash);

  uint64_t hits() const;
  uint64_t misses() const;
  size_t bytes() const;
  size_t size() const;

 private:
  struct Entry {
    NodeKey key;
    std::shared_ptr<const InternalNode> node;
    size_t charge;
  };
  using List = std::list<Entry>;

  void EvictLocked();

  const size_t capacity_bytes_;
  mutable std::mutex mu_;
  List lru_;  // most recently used first; guarded by mu_
  std::unordered_map<NodeKey, List::iterator, NodeKeyHasher> index_;  // guarded by mu_
  size_t bytes_ = 0;                                                  // guarded by mu_
  uint64_t hits_ = 0, misses_ = 0;                                    // guarded by mu_
};

}  // namespace phalanx::state
