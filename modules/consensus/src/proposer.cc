// Weighted round-robin proposer selection (see proposer.h for the rule).
#include "phalanx/consensus/proposer.h"

#include "phalanx/base/check.h"

namespace phalanx::consensus {

uint32_t ProposerIndex(const types::ValidatorSet& validators, uint64_t height, uint32_t round) {
  const auto& vs = validators.validators;
  PHX_CHECK(!vs.empty(), "proposer of an empty validator set");
  const uint64_t total = validators.TotalPower();
  const uint64_t slot = height % total;
  uint64_t cumulative = 0;
  size_t base = 0;
  for (; base < vs.size(); ++base) {
    cumulative += vs[base].power;
    if (slot < cumulative) break;
  }
  return static_cast<uint32_t>((base + round) % vs.size());
}

}  // namespace phalanx::consensus
