// RFC 6962-shaped Merkle trees with BLAKE2b-256 and 0x00/0x01 domain separation.
#include "phalanx/types/merkle.h"

#include <bit>

#include "phalanx/base/check.h"
#include "phalanx/crypto/hash.h"

namespace phalanx::types {
namespace {

Hash32 LeafHash(const Hash32& leaf) {
  uint8_t buf[1 + 32];
  buf[0] = 0x00;
  std::copy(leaf.begin(), leaf.end(), buf + 1);
  return crypto::Blake2b256(ByteView(buf, sizeof buf));
}

Hash32 InnerHash(const Hash32& left, const Hash32& right) {
  uint8_t buf[1 + 64];
  buf[0] = 0x01;
  std::copy(left.begin(), left.end(), buf + 1);
  std::copy(right.begin(), right.end(), buf + 33);
  return crypto::Blake2b256(ByteView(buf, sizeof buf));
}

// Largest power of two strictly below n (n >= 2).
size_t SplitPoint(size_t n) { return std::bit_floor(n - 1); }

Hash32 Root(std::span<const Hash32> leaves) {
  if (leaves.size() == 1) return LeafHash(leaves[0]);
  const size_t k = SplitPoint(leaves.size());
  return InnerHash(Root(leaves.first(k)), Root(leaves.subspan(k)));
}

}  // namespace

Hash32 MerkleRoot(std::span<const Hash32> leaves) {
  if (leaves.empty()) return Hash32{};
  return Root(leaves);
}

std::vector<Hash32> MerkleProof(std::span<const Hash32> leaves, size_t index) {
  PHX_CHECK(index < leaves.size(), "MerkleProof: index out of range");
  std::vector<Hash32> path;  // collected top-down, returned bottom-up
  while (leaves.size() > 1) {
    const size_t k = SplitPoint(leaves.size());
    if (index < k) {
      path.push_back(Root(leaves.subspan(k)));
      leaves = leaves.first(k);
    } else {
      path.push_back(Root(leaves.first(k)));
      leaves = leaves.subspan(k);
      index -= k;
    }
  }
  return {path.rbegin(), path.rend()};
}

bool VerifyMerkleProof(const Hash32& root, const Hash32& leaf, size_t index, size_t count,
                       std::span<const Hash32> proof) {
  if (index >= count) return false;
  // Walk down from the root to learn, for each level, whether the leaf is in the left or right
  // subtree; then hash bottom-up with the proof.
  std::vector<bool> leaf_is_right;
  size_t n = count, i = index;
  while (n > 1) {
    const size_t k = SplitPoint(n);
    if (i < k) {
      leaf_is_right.push_back(false);
      n = k;
    } else {
      leaf_is_right.push_back(true);
      n -= k;
      i -= k;
    }
  }
  if (leaf_is_right.size() != proof.size()) return false;
  Hash32 h = LeafHash(leaf);
  for (size_t level = 0; level < proof.size(); ++level) {
    const bool right = leaf_is_right[leaf_is_right.size() - 1 - level];
    h = right ? InnerHash(proof[level], h) : InnerHash(h, proof[level]);
  }
  return h == root;
}

}  // namespace phalanx::types
