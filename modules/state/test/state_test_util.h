// Helpers for the state tests: a seeded key/value generator, a model of the state (std::map) and
// an independent reference computation of the root from docs/state.md, written without the tree.
#pragma once

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "phalanx/base/check.h"
#include "phalanx/state/hashing.h"
#include "phalanx/state/state_tree.h"

namespace phalanx::state::testing {

using Model = std::map<Bytes, Bytes>;

inline Bytes Key(uint64_t i) {
  std::string s = "balances/account/" + std::to_string(i);
  return Bytes(s.begin(), s.end());
}

inline Bytes RandomValue(std::mt19937_64& rng) {
  Bytes v(1 + rng() % 48);
  for (auto& b : v) b = static_cast<uint8_t>(rng());
  return v;
}

// Sorted changes from a map (nullopt = delete).
inline std::vector<StateChange> Changes(const std::map<Bytes, std::optional<Bytes>>& m) {
  return std::vector<StateChange>(m.begin(), m.end());
}

inline void ApplyToModel(Model& model, const std::vector<StateChange>& changes) {
  for (const auto& [k, v] : changes) {
    if (v) {
      model[k] = *v;
    } else {
      model.erase(k);
    }
  }
}

// The root defined by docs/state.md, computed directly from the set of leaves.
inline Hash32 ReferenceSubtree(std::vector<std::pair<Hash32, Hash32>>::const_iterator begin,
                               std::vector<std::pair<Hash32, Hash32>>::const_iterator end,
                               size_t depth) {
  if (end - begin == 1) return LeafHash(begin->first, begin->second);
  uint16_t bitmap = 0;
  std::vector<Hash32> children;
  for (auto it = begin; it != end;) {
    const uint8_t nibble = Nibble(it->first, depth);
    auto group_end = it;
    while (group_end != end && Nibble(group_end->first, depth) == nibble) ++group_end;
    bitmap |= uint16_t{1} << nibble;
    children.push_back(ReferenceSubtree(it, group_end, depth + 1));
    it = group_end;
  }
  return InternalHash(bitmap, children);
}

inline Hash32 ReferenceRoot(const Model& model) {
  if (model.empty()) return kEmptyRoot;
  std::vector<std::pair<Hash32, Hash32>> leaves;
  for (const auto& [k, v] : model) leaves.emplace_back(KeyHash(k), ValueHash(v));
  std::sort(leaves.begin(), leaves.end());
  return ReferenceSubtree(leaves.begin(), leaves.end(), 0);
}

// A fresh directory under $TMPDIR, removed at the end of its scope.
class TempDir {
 public:
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "phx-state-XXXXXX").string();
    PHX_CHECK(mkdtemp(templ.data()) != nullptr, "mkdtemp failed");
    path_ = templ;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace phalanx::state::testing
