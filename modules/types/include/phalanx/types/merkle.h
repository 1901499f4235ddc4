// Binary Merkle trees over 32-byte leaves (transaction hashes, event hashes), shaped as in
// RFC 6962: a tree of n leaves splits at the largest power of two below n, so no leaf is ever
// duplicated. Leaves and inner nodes are domain-separated so an inner node cannot pose as a leaf:
//   leaf  = BLAKE2b-256(0x00 || leaf_value)
//   inner = BLAKE2b-256(0x01 || left || right)
// The root of zero leaves is the all-zero hash.
#pragma once

#include <span>
#include <vector>

#include "phalanx/base/bytes.h"

namespace phalanx::types {

Hash32 MerkleRoot(std::span<const Hash32> leaves);

// The sibling hashes from leaf `index` up to the root (index < leaves.size()).
std::vector<Hash32> MerkleProof(std::span<const Hash32> leaves, size_t index);

// True if `proof` shows that `leaf` is leaf `index` of a tree of `count` leaves with root `root`.
// The proof does not authenticate `count`: take it from a trusted source.
bool VerifyMerkleProof(const Hash32& root, const Hash32& leaf, size_t index, size_t count,
                       std::span<const Hash32> proof);

}  // namespace phalanx::types
