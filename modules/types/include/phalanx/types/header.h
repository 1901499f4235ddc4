// Block headers. The header hash is the block's identity; everything a light client needs to
// follow the chain (state root, validator set transitions, the previous commit) is committed here.
#pragma once

#include "phalanx/base/bytes.h"
#include "phalanx/codec/codec.h"
#include "phalanx/types/primitives.h"

namespace phalanx::types {

struct Header {
  Hash32 parent_hash;  // zero for the genesis block (height 0)
  uint64_t height = 0;
  uint64_t time_ms = 0;  // proposer's Unix time in milliseconds
  AccountId proposer;
  Hash32 state_root;            // after applying this block
  Hash32 tx_root;               // MerkleRoot of the transaction hashes
  Hash32 events_root;           // MerkleRoot of the event record hashes
  Hash32 validators_hash;       // ValidatorSet::Hash of the set that commits this block
  Hash32 next_validators_hash;  // ... and of the set for the next height
  Hash32 last_commit_hash;      // CommitCertificate::Hash for height - 1; zero at height 1

  Hash32 Hash() const;  // BLAKE2b-256 of the encoding
  void Encode(codec::Encoder& e) const;
  static Result<Header> Decode(codec::Decoder& d);
  bool operator==(const Header&) const = default;

  static constexpr size_t kEncodedBytes = 32 + 8 + 8 + 32 + 6 * 32;
  static constexpr size_t kMinEncodedBytes = kEncodedBytes;
};

}  // namespace phalanx::types
