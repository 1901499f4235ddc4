// NodeCache: open-addressing index + intrusive LRU list under one mutex; the critical sections
// are a few probes and pointer moves.
#include "node_cache.h"

namespace phalanx::state {
namespace {
// Per-entry bookkeeping (entry, control block, index slot) on top of the node itself.
constexpr size_t kEntryOverheadBytes = 128;
constexpr size_t kInitialSlots = 1024;
}  // namespace

NodeCache::NodeCache(size_t capacity_bytes) : capacity_bytes_(capacity_bytes) {
  head_.prev = head_.next = &head_;
  slots_.resize(kInitialSlots);
}

NodeCache::~NodeCache() {
  for (Slot& s : slots_) delete s.entry;
}

size_t NodeCache::FindLocked(const NodeKey& key, uint64_t code) const {
  const size_t mask = slots_.size() - 1;
  for (size_t i = code & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (s.entry == nullptr) return kNotFound;
    if (s.code == code && s.entry->key == key) return i;
  }
}

void NodeCache::InsertSlotLocked(uint64_t code, Entry* entry) {
  if ((used_ + 1) * 4 > slots_.size() * 3) GrowLocked();
  const size_t mask = slots_.size() - 1;
  size_t i = code & mask;
  while (slots_[i].entry != nullptr) i = (i + 1) & mask;
  slots_[i] = Slot{code, entry};
  ++used_;
}

void NodeCache::EraseSlotLocked(size_t index) {
  Entry* e = slots_[index].entry;
  Unlink(e);
  bytes_ -= e->charge;
  delete e;
  // Backward-shift deletion keeps every remaining entry reachable from its home slot.
  const size_t mask = slots_.size() - 1;
  size_t hole = index;
  for (size_t j = (hole + 1) & mask; slots_[j].entry != nullptr; j = (j + 1) & mask) {
    const size_t home = slots_[j].code & mask;
    // Move slot j into the hole unless its home lies cyclically in (hole, j].
    const bool home_between = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
    if (!home_between) {
      slots_[hole] = slots_[j];
      hole = j;
    }
  }
  slots_[hole] = Slot{};
  --used_;
}

void NodeCache::GrowLocked() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.size() * 2, Slot{});
  const size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.entry == nullptr) continue;
    size_t i = s.code & mask;
    while (slots_[i].entry != nullptr) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

void NodeCache::LinkFrontLocked(Entry* e) {
  e->prev = &head_;
  e->next = head_.next;
  head_.next->prev = e;
  head_.next = e;
}

void NodeCache::Unlink(Entry* e) {
  e->prev->next = e->next;
  e->next->prev = e->prev;
}

std::shared_ptr<const InternalNode> NodeCache::Get(const NodeKey& key,
                                                   const Hash32& expected_hash) {
  const uint64_t code = NodeKeyHasher()(key);
  std::lock_guard lock(mu_);
  const size_t i = FindLocked(key, code);
  if (i == kNotFound || slots_[i].entry->node->hash != expected_hash) {
    ++misses_;
    return nullptr;
  }
  ++hits_;
  Entry* e = slots_[i].entry;
  Unlink(e);
  LinkFrontLocked(e);
  return e->node;
}

std::shared_ptr<const InternalNode> NodeCache::Take(const NodeKey& key,
                                                    const Hash32& expected_hash) {
  const uint64_t code = NodeKeyHasher()(key);
  std::lock_guard lock(mu_);
  const size_t i = FindLocked(key, code);
  if (i == kNotFound || slots_[i].entry->node->hash != expected_hash) {
    ++misses_;
    return nullptr;
  }
  ++hits_;
  std::shared_ptr<const InternalNode> node = std::move(slots_[i].entry->node);
  EraseSlotLocked(i);
  return node;
}

void NodeCache::Put(const NodeKey& key, std::shared_ptr<const InternalNode> node) {
  if (capacity_bytes_ == 0) return;
  const size_t charge = node->MemoryBytes() + kEntryOverheadBytes;
  const uint64_t code = NodeKeyHasher()(key);
  std::lock_guard lock(mu_);
  const size_t i = FindLocked(key, code);
  Entry* e;
  if (i != kNotFound) {
    e = slots_[i].entry;
    bytes_ -= e->charge;
    Unlink(e);
  } else {
    e = new Entry{key, nullptr, 0, nullptr, nullptr};
    InsertSlotLocked(code, e);
  }
  e->node = std::move(node);
  e->charge = charge;
  bytes_ += charge;
  LinkFrontLocked(e);
  EvictLocked();
}

void NodeCache::EvictLocked() {
  while (bytes_ > capacity_bytes_ && head_.prev != &head_) {
    Entry* victim = head_.prev;
    const size_t i = FindLocked(victim->key, NodeKeyHasher()(victim->key));
    EraseSlotLocked(i);
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
  return used_;
}

}  // namespace phalanx::state
