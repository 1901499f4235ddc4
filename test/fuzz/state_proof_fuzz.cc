// Fuzz target: state proofs from untrusted peers and RPC servers. Decoding arbitrary bytes must
// never crash; a decoded proof re-encodes to exactly the input (one encoding per proof), and
// verifying it against a fixed tree's root, the empty root, and for inclusion or absence, must
// never crash and must never accept both the inclusion and the absence of the same key.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "phalanx/state/hashing.h"
#include "phalanx/state/proof.h"

namespace {

using phalanx::AsBytes;
using phalanx::ByteView;
using phalanx::Hash32;
namespace state = phalanx::state;

// The root of a small fixed tree, computed from the documented hash rules.
Hash32 Subtree(std::vector<std::pair<Hash32, Hash32>>::const_iterator begin,
               std::vector<std::pair<Hash32, Hash32>>::const_iterator end, size_t depth) {
  if (end - begin == 1) return state::LeafHash(begin->first, begin->second);
  uint16_t bitmap = 0;
  std::vector<Hash32> children;
  for (auto it = begin; it != end;) {
    const uint8_t nibble = state::Nibble(it->first, depth);
    auto group_end = it;
    while (group_end != end && state::Nibble(group_end->first, depth) == nibble) ++group_end;
    bitmap |= uint16_t{1} << nibble;
    children.push_back(Subtree(it, group_end, depth + 1));
    it = group_end;
  }
  return state::InternalHash(bitmap, children);
}

const Hash32& FixedRoot() {
  static const Hash32 root = [] {
    std::vector<std::pair<Hash32, Hash32>> leaves;
    for (std::string_view k : {"alice", "bob", "carol", "dave", "erin", "frank", "grace"}) {
      leaves.emplace_back(state::KeyHash(AsBytes(k)), state::ValueHash(AsBytes(k)));
    }
    std::sort(leaves.begin(), leaves.end());
    return Subtree(leaves.begin(), leaves.end(), 0);
  }();
  return root;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ByteView in(data, size);
  auto proof = state::Proof::Decode(in);
  if (!proof.ok()) return 0;
  const phalanx::Bytes again = proof->Encode();
  if (again.size() != size || !std::equal(again.begin(), again.end(), data)) abort();

  for (std::string_view key : {"alice", "grace", "mallory"}) {
    const ByteView k = AsBytes(key);
    for (const Hash32& root : {FixedRoot(), state::kEmptyRoot}) {
      const bool present = state::VerifyProof(root, k, ByteView(k), *proof).ok();
      const bool absent = state::VerifyProof(root, k, std::nullopt, *proof).ok();
      if (present && absent) abort();
    }
  }
  return 0;
}
