// Per-round bookkeeping of the engine: the proposals kept for a round and the prevote and
// precommit sets with their power tallies. Bounded by construction: one slot per validator and
// vote type, at most kMaxProposalsPerRound proposals.
#pragma once

#include <map>
#include <optional>
#include <vector>

#include "phalanx/consensus/proposal.h"
#include "phalanx/types/consensus_types.h"

namespace phalanx::consensus {

struct RoundState {
  struct KeptProposal {
    Hash32 hash;
    int32_t pol_round = -1;
    crypto::Signature signature;  // to rebuild the Proposal (for the WAL's polka record)
  };

  explicit RoundState(size_t validators)
      : prevotes(validators), precommits(validators), voted(validators, 0) {}

  // Proposals in arrival order (the blocks themselves live in the height's block map).
  std::vector<KeptProposal> proposals;
  // By validator index: its votes in this round, one per distinct block hash, first received
  // first. More than one means it equivocated; each still counts for its own value (see
  // kMaxVoteValuesPerSlot), at most kMaxVoteValuesPerSlot of them.
  std::vector<std::vector<types::Vote>> prevotes;
  std::vector<std::vector<types::Vote>> precommits;
  std::map<Hash32, uint64_t> prevote_power;  // zero hash = nil
  std::map<Hash32, uint64_t> precommit_power;
  uint64_t prevote_total = 0;    // power of the distinct validators that prevoted
  uint64_t precommit_total = 0;  // ... and precommitted
  std::vector<uint8_t> voted;    // validator sent any vote in this round
  uint64_t voter_power = 0;      // power of those validators (the f+1 round-skip rule)

  bool prevote_timeout_scheduled = false;
  bool precommit_timeout_scheduled = false;
  bool polka_handled = false;

  const std::vector<types::Vote>& Slot(types::VoteType type, uint32_t index) const {
    return type == types::VoteType::kPrevote ? prevotes[index] : precommits[index];
  }
  bool HasProposal(const Hash32& hash, int32_t pol_round) const {
    for (const KeptProposal& p : proposals)
      if (p.hash == hash && p.pol_round == pol_round) return true;
    return false;
  }
  void AddProposal(const Proposal& p, const Hash32& hash) {
    if (!HasProposal(hash, p.pol_round)) proposals.push_back({hash, p.pol_round, p.signature});
  }
  uint64_t PrevotePower(const Hash32& hash) const {
    auto it = prevote_power.find(hash);
    return it == prevote_power.end() ? 0 : it->second;
  }
  // Records a verified vote for a value its validator has not voted in this round yet (the caller
  // checked the signature, duplicates and kMaxVoteValuesPerSlot).
  void Add(const types::Vote& v, const types::ValidatorSet& set) {
    const uint64_t power = set.validators[v.validator_index].power;
    const bool prevote = v.type == types::VoteType::kPrevote;
    auto& slot = (prevote ? prevotes : precommits)[v.validator_index];
    for (const types::Vote& w : slot)
      if (w.block_hash == v.block_hash) return;
    if (slot.empty()) (prevote ? prevote_total : precommit_total) += power;
    slot.push_back(v);
    (prevote ? prevote_power : precommit_power)[v.block_hash] += power;
    if (!voted[v.validator_index]) {
      voted[v.validator_index] = 1;
      voter_power += power;
    }
  }
};

}  // namespace phalanx::consensus
