// NodeCache: an LRU of decoded internal nodes, bounded in bytes. Entries are keyed by
// (version, path) and returned only if their hash equals the hash the caller expects (the hash
// stored in the parent), so a node computed for a batch that was never written cannot be served
// for a different node stored under the same key (docs/state.md, section 5).
//
// Commit does two lookups per node it touches, so the index is an open-addressing table (linear
// probing, backward-shift deletion) rather than std::unordered_map, whose chained buckets and
// modulo cost a third of Commit's time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "node.h"

namespace phalanx::state {

class NodeCache {
 public:
  explicit NodeCache(size_t capacity_bytes);
  ~NodeCache();
  NodeCache(const NodeCache&) = delete;
  NodeCache& operator=(const NodeCache&) = delete;

  // The node at `key` if cached with hash `expected_hash`; nullptr otherwise.
  std::shared_ptr<const InternalNode> Get(const NodeKey& key, const Hash32& expected_hash);
  // Like Get, but also removes the entry: Commit takes the nodes it is about to replace (only reads
  // of old versions need them) and puts back the few that turn out unchanged.
  std::shared_ptr<const InternalNode> Take(const NodeKey& key, const Hash32& expected_hash);
  // Inserts or replaces the node at `key`, evicting the least recently used nodes over capacity.
  void Put(const NodeKey& key, std::shared_ptr<const InternalNode> node);

  uint64_t hits() const;
  uint64_t misses() const;
  size_t bytes() const;
  size_t size() const;

 private:
  struct Entry {
    NodeKey key;
    std::shared_ptr<const InternalNode> node;
    size_t charge = 0;
    Entry* prev = nullptr;  // LRU list, most recent after head_
    Entry* next = nullptr;
  };
  struct Slot {
    uint64_t code = 0;  // NodeKeyHasher of entry->key
    Entry* entry = nullptr;
  };
  static constexpr size_t kNotFound = ~size_t{0};

  size_t FindLocked(const NodeKey& key, uint64_t code) const;
  void InsertSlotLocked(uint64_t code, Entry* entry);
  void EraseSlotLocked(size_t index);  // also unlinks and deletes the entry
  void GrowLocked();
  void LinkFrontLocked(Entry* e);
  static void Unlink(Entry* e);
  void EvictLocked();

  const size_t capacity_bytes_;
  mutable std::mutex mu_;
  std::vector<Slot> slots_;  // power-of-two size; guarded by mu_
  size_t used_ = 0;          // guarded by mu_
  Entry head_;               // LRU sentinel; guarded by mu_
  size_t bytes_ = 0;         // guarded by mu_
  uint64_t hits_ = 0;        // guarded by mu_
  uint64_t misses_ = 0;      // guarded by mu_
};

}  // namespace phalanx::state
