// A bounded LRU set of message hashes: the gossip seen-cache that makes every payload relayed
// (and delivered) at most once per node.
#pragma once

#include <list>
#include <unordered_map>

#include "phalanx/base/bytes.h"

namespace phalanx::p2p {

class SeenCache {
 public:
  explicit SeenCache(size_t capacity) : capacity_(capacity) {}

  // Inserts `h`; returns false (and refreshes it) when it was already present.
  bool Insert(const Hash32& h) {
    auto it = index_.find(h);
    if (it != index_.end()) {
      order_.splice(order_.begin(), order_, it->second);
      return false;
    }
    if (capacity_ == 0) return true;
    if (index_.size() >= capacity_) {
      index_.erase(order_.back());
      order_.pop_back();
    }
    order_.push_front(h);
    index_.emplace(h, order_.begin());
    return true;
  }
  bool Contains(const Hash32& h) const { return index_.count(h) != 0; }
  size_t size() const { return index_.size(); }

 private:
  size_t capacity_;
  std::list<Hash32> order_;  // most recent first
  std::unordered_map<Hash32, std::list<Hash32>::iterator, FixedBytesHash> index_;
};

}  // namespace phalanx::p2p
