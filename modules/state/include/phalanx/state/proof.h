// State proofs: inclusion of a (key, value) or absence of a key, checked against a state root.
// This header and its sources depend on base, crypto and codec only (no storage), so the light
// client and enclave workers link the verifier alone (target phalanx_state_proof).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "phalanx/base/bytes.h"
#include "phalanx/base/result.h"
#include "phalanx/codec/decoder.h"
#include "phalanx/codec/encoder.h"

namespace phalanx::state {

// One internal node on the path from the root to the key.
struct ProofLevel {
  // Which of the node's 16 children exist.
  uint16_t bitmap = 0;
  // The hashes of the present children other than the one on the key's path, in nibble order.
  // At the last level of a proof that ends in an empty child, all present children.
  std::vector<Hash32> siblings;

  bool operator==(const ProofLevel&) const = default;
};

struct Proof {
  // What the path ends in below the last level.
  enum class Terminal : uint8_t {
    kEmpty = 0,  // an absent child (or the empty tree): the key is absent
    kLeaf = 1,   // a leaf: the key itself (inclusion) or another key on the path (absence)
  };

  std::vector<ProofLevel> levels;  // root first; at most kMaxProofLevels
  Terminal terminal = Terminal::kEmpty;
  Hash32 leaf_key_hash;    // kLeaf only
  Hash32 leaf_value_hash;  // kLeaf only

  // Encoding: u8 terminal, compact level count, per level (u16 bitmap, compact sibling count,
  // siblings), then for kLeaf the key hash and value hash. See docs/state.md.
  void Encode(codec::Encoder& encoder) const;
  Bytes Encode() const;
  static Result<Proof> Decode(codec::Decoder& decoder);
  // Decodes exactly one proof; rejects trailing bytes and inputs over kMaxProofBytes.
  static Result<Proof> Decode(ByteView bytes);

  bool operator==(const Proof&) const = default;
};

// Checks that under `root`, `key` has `value` (or, with std::nullopt, that `key` is absent).
// Errors: kInvalidArgument for a proof that is malformed for this key (wrong shape, counts that do
// not match the bitmap, a leaf off the key's path), kPermissionDenied for a well-formed proof that
// does not lead to `root` or shows a different value or presence than claimed.
Status VerifyProof(const Hash32& root, ByteView key, const std::optional<ByteView>& value,
                   const Proof& proof);
// The same with the key and value already hashed (value_hash nullopt = absence).
Status VerifyProofHashed(const Hash32& root, const Hash32& key_hash,
                         const std::optional<Hash32>& value_hash, const Proof& proof);

}  // namespace phalanx::state
