// The hash functions of the state tree, shared by the tree and every proof verifier (light
// client, enclave workers). docs/state.md defines them byte for byte; changing any of them
// changes every state root.
#pragma once

#include <cstdint>
#include <span>

#include "phalanx/base/bytes.h"

namespace phalanx::state {

// The root of the empty tree.
inline constexpr Hash32 kEmptyRoot{};

// key_hash = BLAKE2b-256(key): the key's position in the tree.
Hash32 KeyHash(ByteView key);
// value_hash = BLAKE2b-256(value).
Hash32 ValueHash(ByteView value);
// leaf = BLAKE2b-256(0x00 || key_hash || value_hash).
Hash32 LeafHash(const Hash32& key_hash, const Hash32& value_hash);
// internal = BLAKE2b-256(0x01 || bitmap (u16 little-endian, bit i = child i present) ||
// the hashes of the present children in ascending nibble order). `children` must hold exactly
// popcount(bitmap) hashes.
Hash32 InternalHash(uint16_t bitmap, std::span<const Hash32> children);

// Nibble `index` (0..63) of a key hash: the high half of byte index/2 first.
inline uint8_t Nibble(const Hash32& key_hash, size_t index) {
  const uint8_t byte = key_hash[index / 2];
  return (index % 2 == 0) ? (byte >> 4) : (byte & 0x0f);
}

// Number of leading nibbles that `a` and `b` share (64 if equal).
size_t CommonPrefixNibbles(const Hash32& a, const Hash32& b);

}  // namespace phalanx::state
