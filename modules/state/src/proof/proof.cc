// Proof encoding and verification. Everything here treats the proof as untrusted: counts are
// bounded before allocation and every mismatch is reported with the level and what was expected.
#include "phalanx/state/proof.h"

#include <array>
#include <bit>
#include <string>

#include "phalanx/state/hashing.h"
#include "phalanx/state/limits.h"

namespace phalanx::state {
namespace {

std::string Level(size_t i) { return "proof level " + std::to_string(i) + ": "; }

// Key-independent shape rules, shared by Decode and VerifyProofHashed (a Proof may also be built
// in memory): every level has children, and its sibling count is one less than its child count
// (the path goes through a present child) except at the last level of a proof that ends in an
// empty child, where all children are siblings.
Status CheckShape(const Proof& proof) {
  if (proof.levels.size() > kMaxProofLevels) {
    return LimitExceeded("proof has " + std::to_string(proof.levels.size()) +
                         " levels; a key hash has only " + std::to_string(kMaxProofLevels));
  }
  for (size_t i = 0; i < proof.levels.size(); ++i) {
    const ProofLevel& level = proof.levels[i];
    if (level.bitmap == 0) return InvalidArgument(Level(i) + "node has no children");
    const size_t children = std::popcount(level.bitmap);
    const bool ends_empty =
        i + 1 == proof.levels.size() && proof.terminal == Proof::Terminal::kEmpty;
    const size_t expected = ends_empty ? children : children - 1;
    if (level.siblings.size() != expected) {
      return InvalidArgument(Level(i) + "bitmap has " + std::to_string(children) +
                             " children, so " + std::to_string(expected) +
                             " sibling hashes are expected, got " +
                             std::to_string(level.siblings.size()));
    }
  }
  return Status::Ok();
}

}  // namespace

void Proof::Encode(codec::Encoder& e) const {
  e.WriteU8(static_cast<uint8_t>(terminal));
  e.WriteCompact(levels.size());
  for (const ProofLevel& level : levels) {
    e.WriteU16(level.bitmap);
    e.WriteCompact(level.siblings.size());
    for (const Hash32& h : level.siblings) e.WriteFixed(h);
  }
  if (terminal == Terminal::kLeaf) {
    e.WriteFixed(leaf_key_hash);
    e.WriteFixed(leaf_value_hash);
  }
}

Bytes Proof::Encode() const {
  size_t bytes = 2 + 64;
  for (const ProofLevel& level : levels) bytes += 3 + 32 * level.siblings.size();
  codec::Encoder e(bytes);
  Encode(e);
  return e.Take();
}

Result<Proof> Proof::Decode(codec::Decoder& d) {
  Proof proof;
  ASSIGN_OR_RETURN(uint8_t terminal, d.ReadTag(2, "proof terminal"));
  proof.terminal = static_cast<Terminal>(terminal);
  ASSIGN_OR_RETURN(size_t level_count, d.ReadLength(kMaxProofLevels, "proof levels"));
  // Each level takes at least 3 bytes; check before reserving.
  if (level_count > d.remaining() / 3) {
    return InvalidArgument("proof claims " + std::to_string(level_count) + " levels but only " +
                           std::to_string(d.remaining()) + " bytes follow");
  }
  proof.levels.resize(level_count);
  for (ProofLevel& level : proof.levels) {
    ASSIGN_OR_RETURN(level.bitmap, d.ReadU16());
    ASSIGN_OR_RETURN(size_t siblings, d.ReadLength(kMaxSiblingsPerLevel, "proof siblings"));
    level.siblings.reserve(siblings);
    for (size_t i = 0; i < siblings; ++i) {
      ASSIGN_OR_RETURN(Hash32 h, d.ReadFixed<32>());
      level.siblings.push_back(h);
    }
  }
  if (proof.terminal == Terminal::kLeaf) {
    ASSIGN_OR_RETURN(proof.leaf_key_hash, d.ReadFixed<32>());
    ASSIGN_OR_RETURN(proof.leaf_value_hash, d.ReadFixed<32>());
  }
  RETURN_IF_ERROR(CheckShape(proof));
  return proof;
}

Result<Proof> Proof::Decode(ByteView bytes) {
  if (bytes.size() > kMaxProofBytes) {
    return LimitExceeded("proof is " + std::to_string(bytes.size()) + " bytes, over the limit of " +
                         std::to_string(kMaxProofBytes));
  }
  codec::Decoder d(bytes);
  ASSIGN_OR_RETURN(Proof proof, Decode(d));
  RETURN_IF_ERROR(d.ExpectEnd());
  return proof;
}

Status VerifyProof(const Hash32& root, ByteView key, const std::optional<ByteView>& value,
                   const Proof& proof) {
  std::optional<Hash32> value_hash;
  if (value.has_value()) value_hash = ValueHash(*value);
  return VerifyProofHashed(root, KeyHash(key), value_hash, proof);
}

Status VerifyProofHashed(const Hash32& root, const Hash32& key_hash,
                         const std::optional<Hash32>& value_hash, const Proof& proof) {
  RETURN_IF_ERROR(CheckShape(proof));
  const size_t depth = proof.levels.size();
  Hash32 current;
  if (proof.terminal == Proof::Terminal::kEmpty) {
    if (value_hash.has_value()) {
      return PermissionDenied("the proof shows key hash " + ToHex(key_hash) +
                              " is absent, but a value was claimed");
    }
    if (depth == 0) {
      if (root != kEmptyRoot) {
        return PermissionDenied("the proof claims the empty tree, but the root is " + ToHex(root));
      }
      return Status::Ok();
    }
  } else {
    const size_t shared = CommonPrefixNibbles(proof.leaf_key_hash, key_hash);
    if (shared < depth) {
      return InvalidArgument("the proof's leaf (key hash " + ToHex(proof.leaf_key_hash) +
                             ") is not on the path of key hash " + ToHex(key_hash) +
                             ": they share " + std::to_string(shared) +
                             " nibbles and the path has " + std::to_string(depth) + " levels");
    }
    if (proof.leaf_key_hash == key_hash) {
      if (!value_hash.has_value()) {
        return PermissionDenied("the proof shows key hash " + ToHex(key_hash) +
                                " is present (value hash " + ToHex(proof.leaf_value_hash) +
                                "), but absence was claimed");
      }
      if (*value_hash != proof.leaf_value_hash) {
        return PermissionDenied("value mismatch: the proof commits to value hash " +
                                ToHex(proof.leaf_value_hash) + ", the claimed value hashes to " +
                                ToHex(*value_hash));
      }
    } else if (value_hash.has_value()) {
      return PermissionDenied("the proof shows key hash " + ToHex(key_hash) +
                              " is absent (its path ends at the leaf of key hash " +
                              ToHex(proof.leaf_key_hash) + "), but a value was claimed");
    }
    current = LeafHash(proof.leaf_key_hash, proof.leaf_value_hash);
  }

  std::array<Hash32, 16> children;
  for (size_t i = depth; i-- > 0;) {
    const ProofLevel& level = proof.levels[i];
    const uint8_t nibble = Nibble(key_hash, i);
    const bool on_path = (level.bitmap >> nibble) & 1;
    const bool ends_empty = i + 1 == depth && proof.terminal == Proof::Terminal::kEmpty;
    if (ends_empty && on_path) {
      return InvalidArgument(Level(i) +
                             "the proof ends in an empty child, but the node has child " +
                             std::to_string(nibble) + " on the key's path");
    }
    if (!ends_empty && !on_path) {
      return InvalidArgument(Level(i) + "the node has no child " + std::to_string(nibble) +
                             " on the key's path");
    }
    size_t n = 0, next_sibling = 0;
    for (uint8_t c = 0; c < 16; ++c) {
      if (!((level.bitmap >> c) & 1)) continue;
      children[n++] = (c == nibble && !ends_empty) ? current : level.siblings[next_sibling++];
    }
    current = InternalHash(level.bitmap, std::span<const Hash32>(children.data(), n));
  }
  if (current != root) {
    return PermissionDenied("the proof leads to root " + ToHex(current) + ", expected root " +
                            ToHex(root));
  }
  return Status::Ok();
}

}  // namespace phalanx::state
