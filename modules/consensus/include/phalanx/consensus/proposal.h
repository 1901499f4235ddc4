// Proposals: the block a round's proposer suggests, signed by it. A proposal carries the block
// itself (blocks are small enough here that splitting them into parts is not needed) and the
// proof-of-lock round (pol_round) of the Tendermint algorithm.
//
// Signing message = BLAKE2b-256("phalanx/proposal/v1" || genesis_hash || u64 height || u32 round
//                                || i32 pol_round || block_hash), integers little-endian.
#pragma once

#include "phalanx/base/bytes.h"
#include "phalanx/base/result.h"
#include "phalanx/codec/codec.h"
#include "phalanx/crypto/ed25519.h"
#include "phalanx/types/block.h"

namespace phalanx::consensus {

Hash32 ProposalSigningHash(uint64_t height, uint32_t round, int32_t pol_round,
                           const Hash32& block_hash, const Hash32& genesis_hash);

struct Proposal {
  uint64_t height = 0;
  uint32_t round = 0;
  // The round in which this block got a polka (>2/3 prevotes) that the proposer saw, or -1.
  // A re-proposed locked/valid block names its polka round so that locked validators may
  // unlock for it.
  int32_t pol_round = -1;
  types::Block block;
  crypto::Signature signature;  // by the proposer of (height, round)

  Hash32 BlockHash() const { return block.Hash(); }
  Hash32 SigningHash(const Hash32& genesis_hash) const {
    return ProposalSigningHash(height, round, pol_round, BlockHash(), genesis_hash);
  }
  void Encode(codec::Encoder& e) const;
  // Rejects pol_round < -1 and pol_round >= round (structurally impossible polkas).
  static Result<Proposal> Decode(codec::Decoder& d);
  bool operator==(const Proposal&) const = default;
};

// Fills in proposal.signature with `key`.
Proposal SignProposal(Proposal proposal, const crypto::SigningKey& key, const Hash32& genesis_hash);

// Decodes one proposal from untrusted bytes: kMaxProposalBytes is checked first, trailing bytes
// are rejected.
Result<Proposal> DecodeProposal(ByteView bytes);
// Decodes one vote from untrusted bytes (fixed size; trailing bytes are rejected).
Result<types::Vote> DecodeVote(ByteView bytes);

}  // namespace phalanx::consensus
