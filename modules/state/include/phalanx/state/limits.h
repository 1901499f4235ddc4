// Named limits of the state module. Proofs arrive from untrusted peers and RPC servers, so their
// decoder checks every count against these before allocating.
#pragma once

#include <cstddef>

namespace phalanx::state {

// Nibbles in a key hash (BLAKE2b-256): the tree has at most this many internal levels.
inline constexpr size_t kKeyNibbles = 64;
// Levels (internal nodes on the path from the root) in one proof.
inline constexpr size_t kMaxProofLevels = kKeyNibbles;
// Sibling hashes at one level: at most all 16 children (a level that proves an empty child).
inline constexpr size_t kMaxSiblingsPerLevel = 16;
// Encoded proof size: header, every level full, and the terminal leaf (about 35 KiB).
inline constexpr size_t kMaxProofBytes =
    1 + 1 + kMaxProofLevels * (2 + 1 + kMaxSiblingsPerLevel * 32) + 64;

}  // namespace phalanx::state
