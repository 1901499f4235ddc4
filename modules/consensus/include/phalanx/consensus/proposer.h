// Proposer selection: which validator proposes in (height, round). Deterministic, a function of
// the validator set and (height, round) only, so every node agrees without communication.
//
// Heights are assigned by weighted round-robin: slot = height mod total_power selects the
// validator whose cumulative power range contains the slot, so over total_power consecutive
// heights each validator proposes exactly `power` times. Rounds then move on by one validator
// (index + round mod n), so a crashed proposer costs one round, not `power` rounds.
#pragma once

#include <cstdint>

#include "phalanx/types/consensus_types.h"

namespace phalanx::consensus {

// Index into `validators.validators` (which must be non-empty and valid).
uint32_t ProposerIndex(const types::ValidatorSet& validators, uint64_t height, uint32_t round);

}  // namespace phalanx::consensus
