// The upon-rules of Algorithm 1 (arXiv 1807.04938), evaluated after every input until none
// fires. Rule comments cite the paper's line numbers.
#include "engine_internal.h"
#include "phalanx/consensus/proposer.h"

namespace phalanx::consensus {

void Engine::Run::Evaluate() {
  // Each rule that fires moves the state forward (a step, round or height), so this terminates;
  // the bound is a backstop against a bug turning into a hang.
  for (int i = 0; i < 10'000 && !e_.halted_ && TryRule(); ++i) {
  }
}

bool Engine::Run::TryRule() {
  HeightState& s = S();
  if (s.step == RoundStep::kNewHeight) return false;
  if (TryCommit() || TrySkipRound()) return true;
  RoundState& rs = s.At(s.round);
  if (s.step == RoundStep::kPropose && TryPrevoteOnProposal(rs)) return true;
  if (s.step != RoundStep::kPropose && TryPolka(rs)) return true;
  if (s.step == RoundStep::kPrevote) {
    if (rs.PrevotePower(Hash32{}) >= s.quorum_power) {  // line 44
      CastVote(VoteType::kPrecommit, Hash32{});
      s.step = RoundStep::kPrecommit;
      return true;
    }
    if (rs.prevote_total >= s.quorum_power && !rs.prevote_timeout_scheduled) {  // line 34
      rs.prevote_timeout_scheduled = true;
      Schedule(TimeoutStep::kPrevote, s.height, s.round,
               e_.TimeoutMs(TimeoutStep::kPrevote, s.round));
      return true;
    }
  }
  if (rs.precommit_total >= s.quorum_power && !rs.precommit_timeout_scheduled) {  // line 47
    rs.precommit_timeout_scheduled = true;
    Schedule(TimeoutStep::kPrecommit, s.height, s.round,
             e_.TimeoutMs(TimeoutStep::kPrecommit, s.round));
    return true;
  }
  return false;
}

// Line 49: a proposal (any round) and >2/3 precommits for it in that round.
bool Engine::Run::TryCommit() {
  HeightState& s = S();
  for (auto& [round, rs] : s.rounds) {
    for (const auto& [hash, power] : rs.precommit_power) {
      if (hash.IsZero() || power < s.quorum_power || !s.blocks.count(hash)) continue;
      if (CheckOf(hash) != Application::Check::kValid) continue;
      types::CommitCertificate cert;
      cert.height = s.height;
      cert.round = round;
      cert.block_hash = hash;
      for (const std::vector<Vote>& slot : rs.precommits)
        for (const Vote& v : slot)
          if (v.block_hash == hash) cert.signatures.push_back({v.validator_index, v.signature});
      Decide(cert);
      return true;
    }
  }
  return false;
}

// Line 55: more than 1/3 of the power is in a higher round; go there.
bool Engine::Run::TrySkipRound() {
  HeightState& s = S();
  const uint64_t faulty_power = s.total_power - s.quorum_power;
  for (auto it = s.rounds.rbegin(); it != s.rounds.rend() && it->first > s.round; ++it) {
    if (it->second.voter_power > faulty_power) {
      StartRound(it->first);
      return true;
    }
  }
  return false;
}

// Lines 22-33: prevote the round's proposal if it is valid and the lock allows it.
bool Engine::Run::TryPrevoteOnProposal(RoundState& rs) {
  HeightState& s = S();
  for (const RoundState::KeptProposal& kp : rs.proposals) {
    const int32_t pol = kp.pol_round;
    if (pol >= 0) {  // line 28: needs the polka it claims
      auto prior = s.rounds.find(static_cast<uint32_t>(pol));
      if (prior == s.rounds.end() || prior->second.PrevotePower(kp.hash) < s.quorum_power) continue;
    }
    Application::Check c = CheckOf(kp.hash);
    if (c == Application::Check::kPending) continue;
    const bool lock_allows =
        s.locked_round == -1 || s.locked_hash == kp.hash || (pol >= 0 && s.locked_round <= pol);
    CastVote(VoteType::kPrevote,
             c == Application::Check::kValid && lock_allows ? kp.hash : Hash32{});
    s.step = RoundStep::kPrevote;
    return true;
  }
  return false;
}

// Line 36: a valid proposal of this round with >2/3 prevotes: lock and precommit it (if still in
// prevote), and remember it as the valid value either way. Once per round.
bool Engine::Run::TryPolka(RoundState& rs) {
  HeightState& s = S();
  if (rs.polka_handled) return false;
  for (const RoundState::KeptProposal& kp : rs.proposals) {
    if (rs.PrevotePower(kp.hash) < s.quorum_power) continue;
    if (CheckOf(kp.hash) != Application::Check::kValid) continue;
    rs.polka_handled = true;
    PolkaRecord polka;
    polka.proposal = Proposal{s.height, s.round, kp.pol_round, *s.blocks.at(kp.hash), kp.signature};
    for (const std::vector<Vote>& slot : rs.prevotes)
      for (const Vote& v : slot)
        if (v.block_hash == kp.hash) polka.prevotes.push_back(v);
    if (Status st = e_.wal_.Append(WalRecord{std::move(polka)}); !st.ok()) {
      Halt(st.WithContext("writing a polka to the consensus WAL"));
      return true;
    }
    if (s.step == RoundStep::kPrevote) {
      s.locked_round = static_cast<int32_t>(s.round);
      s.locked_hash = kp.hash;
      CastVote(VoteType::kPrecommit, kp.hash);
      s.step = RoundStep::kPrecommit;
    }
    s.valid_round = static_cast<int32_t>(s.round);
    s.valid_block = s.blocks.at(kp.hash);
    return true;
  }
  return false;
}

}  // namespace phalanx::consensus
