// The validators module: the validator set lives in state, starts as the chain spec's genesis set
// and is changed by the root origin (the spec's sudo account) with validators.set_validator.
// A change executed in block H is in the set that commits block H+2, so every header can commit
// both the set that commits it and the set for the next height (validators_hash,
// next_validators_hash) and a light client can follow the set by certificates alone.
//
// State after block H holds two sets:
//   val/current  S(H+1): the set that commits the next block (the one built on this state)
//   val/next     S(H+2): the set after that, including every change executed up to block H
// Executing block H+1 commits S(H+1) and S(H+2) in its header, then rotates current := next.
#pragma once

#include <optional>
#include <vector>

#include "phalanx/runtime/overlay.h"
#include "phalanx/types/call.h"
#include "phalanx/types/consensus_types.h"
#include "phalanx/types/event.h"

namespace phalanx::runtime {

namespace keys {
inline constexpr std::string_view kCurrentValidators = "val/current";
inline constexpr std::string_view kNextValidators = "val/next";
// The root origin: the account allowed to call validators.set_validator (absent = nobody).
inline constexpr std::string_view kSudo = "sys/sudo";
// Marks (validator, height, round, type) as reported, so each equivocation is recorded once.
Bytes EquivocationReported(const types::AccountId& validator, uint64_t height, uint32_t round,
                           types::VoteType type);
}  // namespace keys

// The set that commits the block built on `state` (height of the state's last block + 1).
Result<types::ValidatorSet> LoadCurrentValidators(const StateReader& state);
// The set for the block after that (height + 2), with all changes executed so far.
Result<types::ValidatorSet> LoadNextValidators(const StateReader& state);
// For the state after block `state_height`: the set that commits block `height`, which must be
// state_height + 1 or state_height + 2 (later sets are not decided yet, earlier ones are gone
// from this state version).
Result<types::ValidatorSet> ValidatorSetAt(const StateReader& state, uint64_t state_height,
                                           uint64_t height);
void StoreCurrentValidators(Overlay& state, const types::ValidatorSet& set);
void StoreNextValidators(Overlay& state, const types::ValidatorSet& set);

Result<std::optional<types::AccountId>> LoadSudo(const StateReader& state);
void StoreSudo(Overlay& state, const types::AccountId& sudo);

// Call handlers. They return a Status whose message becomes the ExtrinsicFailed reason; on error
// nothing was written (the executor drops the call's overlay).
class Validators {
 public:
  // `height`: the block being executed; `current`: the set that commits it.
  Validators(Overlay& state, uint64_t height, const types::ValidatorSet& current,
             const Hash32& genesis_hash, std::vector<types::Event>& events)
      : state_(state),
        height_(height),
        current_(current),
        genesis_hash_(genesis_hash),
        events_(events) {}

  // validators.set_validator: `origin` must be the sudo account; edits val/next.
  Status SetValidator(const types::AccountId& origin, const types::calls::SetValidator& call);
  // validators.report_equivocation: verifies the evidence against the current set.
  Status ReportEquivocation(const types::calls::ReportEquivocation& call);

 private:
  Overlay& state_;
  uint64_t height_;
  const types::ValidatorSet& current_;
  Hash32 genesis_hash_;
  std::vector<types::Event>& events_;
};

}  // namespace phalanx::runtime
