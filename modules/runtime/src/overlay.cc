// Overlay and MapState.
#include "phalanx/runtime/overlay.h"

#include <algorithm>
#include <cstring>

namespace phalanx::runtime {

bool Overlay::Less::operator()(ByteView a, ByteView b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
}

Result<std::optional<Bytes>> Overlay::Get(ByteView key) const {
  auto it = writes_.find(key);
  if (it != writes_.end()) return it->second;
  return base_.Get(key);
}

void Overlay::Put(ByteView key, Bytes value) {
  auto it = writes_.find(key);
  if (it != writes_.end()) {
    it->second = std::move(value);
  } else {
    writes_.emplace(Bytes(key.begin(), key.end()), std::move(value));
  }
}

void Overlay::Delete(ByteView key) {
  auto it = writes_.find(key);
  if (it != writes_.end()) {
    it->second.reset();
  } else {
    writes_.emplace(Bytes(key.begin(), key.end()), std::nullopt);
  }
}

void Overlay::MergeInto(Overlay& parent) && {
  for (auto& [k, v] : writes_) parent.writes_.insert_or_assign(k, std::move(v));
  writes_.clear();
}

std::vector<std::pair<Bytes, std::optional<Bytes>>> Overlay::TakeChanges() && {
  std::vector<std::pair<Bytes, std::optional<Bytes>>> out;
  out.reserve(writes_.size());
  while (!writes_.empty()) {
    auto node = writes_.extract(writes_.begin());
    out.emplace_back(std::move(node.key()), std::move(node.mapped()));
  }
  return out;
}

Result<std::optional<Bytes>> MapState::Get(ByteView key) const {
  auto it = entries_.find(Bytes(key.begin(), key.end()));
  if (it == entries_.end()) return std::optional<Bytes>();
  return std::optional<Bytes>(it->second);
}

void MapState::Apply(const std::vector<std::pair<Bytes, std::optional<Bytes>>>& changes) {
  for (const auto& [k, v] : changes) {
    if (v) {
      entries_[k] = *v;
    } else {
      entries_.erase(k);
    }
  }
}

}  // namespace phalanx::runtime
