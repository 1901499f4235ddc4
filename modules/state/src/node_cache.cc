// NodeCache: one mutex around a list + hash map; the critical sections are a few pointer moves.
#include "node_cache.h"

namespace phalanx::state {
namespace {
// Per-entry bookkeeping (list node, map node, control block) on top of the node itself.
constexpr size_t kEntryOverheadBytes = 128;
}  // namespace

std::shared_ptr<const InternalNode> NodeCache::Get(const NodeKey& key,
                                                   const Hash32& expected_hash) {
  std::lock_guard lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end() || it->second->node->hash != expected_hash) {
    ++misses_;
    return nullptr;
  }
  ++hits_;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->node;
}

void NodeCache::Put(const NodeKey& key, std::shared_ptr<const InternalNode> node) {
  if (capacity_bytes_ == 0) return;
  const size_t charge = node->MemoryBytes() + kEntryOverheadBytes;
  std::lock_guard lock(mu_);
  auto it = index_.find(key);
  if (it != index_.end()) {
    bytes_ -= it->second->charge;
    it->second->node = std::move(node);
    it->second->charge = charge;
    bytes_ += charge;
    lru_.splice(lru_.begin(), lru_, it->second);
  } else {
    lru_.push_front(Entry{key, std::move(node), charge});
    index_.emplace(key, lru_.begin());
    bytes_ += charge;
  }
  EvictLocked();
}

std::shared_ptr<const InternalNode> NodeCache::Take(const NodeKey& key,
                                                    const Hash32& expected_hash) {
  std::lock_guard lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end() || it->second->node->hash != expected_hash) {
    ++misses_;
    return nullptr;
  }
  ++hits_;
  std::shared_ptr<const InternalNode> node = std::move(it->second->node);
  bytes_ -= it->second->charge;
  lru_.erase(it->second);
  index_.erase(it);
  return node;
}

void NodeCache::EvictLocked() {
  while (bytes_ > capacity_bytes_ && !lru_.empty()) {
    const Entry& victim = lru_.back();
    bytes_ -= victim.charge;
    index_.erase(victim.key);
    lru_.pop_back();
  }
}

uint64_t NodeCache::hits() const {
  std::lock_guard lock(mu_);
  return hits_;
}
uint64_t NodeCache::misses() const {
  std::lock_guard lock(mu_);
  return misses_;
}
size_t NodeCache::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}
size_t NodeCache::size() const {
  std::lock_guard lock(mu_);
  return index_.size();
}

}  // namespace phalanx::state
