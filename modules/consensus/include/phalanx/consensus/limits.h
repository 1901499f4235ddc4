// Named limits of the consensus module. Everything consensus accepts from the network or reads
// back from disk is bounded by one of these; each has its own test in test/limits_test.cc.
#pragma once

#include <cstddef>
#include <cstdint>

#include "phalanx/types/limits.h"

namespace phalanx::consensus {

// Messages for rounds more than this far above the current round are ignored: a Byzantine
// validator could otherwise make us store votes for 2^32 rounds. Honest validators never run this
// far ahead of an honest quorum, and gossip re-delivers what we skipped once we catch up.
inline constexpr uint32_t kMaxRoundsAhead = 64;
// Distinct validly signed proposals kept per round. An honest proposer sends one; an equivocating
// one may send more, and we keep a few so that the block a quorum actually voted for is at hand.
inline constexpr size_t kMaxProposalsPerRound = 4;
// Messages for the next height kept (unverified) until this height is decided; more are
// ignored (gossip delivers them again). Enough for every vote of two rounds of the largest set.
inline constexpr size_t kMaxNextHeightMessages = 4 * types::kMaxValidators;
// Distinct block hashes counted per validator, round and vote type. An honest validator votes
// once; an equivocating one is reported (Evidence) and its conflicting votes still count for
// their values, up to this many, so that a polka it helped make stays visible everywhere.
inline constexpr size_t kMaxVoteValuesPerSlot = 3;
// Encoded size of one proposal: a block plus the fixed fields.
inline constexpr size_t kMaxProposalBytes = types::kMaxBlockBytes + 1024;
// Payload of one write-ahead-log record (a vote or an own proposal).
inline constexpr size_t kMaxWalRecordBytes = kMaxProposalBytes + 64;
// Size of the whole WAL file read back at start. It holds only the current height's own messages
// (older heights are truncated after each commit), so this is generous.
inline constexpr size_t kMaxWalFileBytes = size_t{1} << 30;

}  // namespace phalanx::consensus
