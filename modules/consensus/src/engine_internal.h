// The engine's private state: HeightState (everything about the height being decided) and Run
// (one Step's worth of work). Shared by engine.cc (inputs, heights, rounds, signing) and rules.cc
// (the upon-rules of the algorithm).
#pragma once

#include <map>
#include <memory>
#include <set>
#include <tuple>
#include <variant>
#include <vector>

#include "phalanx/consensus/engine.h"
#include "round_state.h"

namespace phalanx::consensus {

using types::Vote;
using types::VoteType;

// Everything about the height being decided; replaced wholesale when the height changes.
struct Engine::HeightState {
  uint64_t height = 0;
  types::ValidatorSet validators;
  uint64_t total_power = 0;
  uint64_t quorum_power = 0;
  std::optional<uint32_t> my_index;
  std::optional<types::CommitCertificate> last_commit;  // for height - 1

  uint32_t round = 0;
  RoundStep step = RoundStep::kNewHeight;
  int32_t locked_round = -1;
  std::optional<Hash32> locked_hash;
  int32_t valid_round = -1;
  std::shared_ptr<const types::Block> valid_block;

  std::map<uint32_t, RoundState> rounds;
  std::map<Hash32, std::shared_ptr<const types::Block>> blocks;
  std::map<Hash32, Application::Check> checks;
  // Own signed messages of this height (this run and earlier runs, from the WAL).
  std::map<std::pair<uint32_t, VoteType>, Vote> own_votes;
  std::map<uint32_t, Proposal> own_proposals;
  std::set<std::tuple<uint32_t, VoteType, uint32_t>> evidenced;
  // Unverified messages for height + 1 (at most kMaxNextHeightMessages): a node that decides a
  // little later than its peers would otherwise drop the next proposal and first votes.
  std::vector<std::variant<Proposal, Vote>> next_height;

  RoundState& At(uint32_t r) {
    auto it = rounds.find(r);
    if (it == rounds.end()) it = rounds.emplace(r, RoundState(validators.validators.size())).first;
    return it->second;
  }
};

// One Step's worth of work: the engine plus the outputs collected so far.
class Engine::Run {
 public:
  Run(Engine& e, std::vector<Output>& out) : e_(e), out_(out) {}

  Verdict Dispatch(const Input& input);

 private:
  HeightState& S() { return *e_.state_; }
  Verdict OnStart(const Start& in);
  Verdict OnProposal(const Proposal& p);
  Verdict OnVote(const Vote& v);
  Verdict OnTimeout(const Timeout& t);
  Verdict OnVerdict(const BlockVerdict& v);
  Verdict OnCommitted(const CommittedBlock& c);

  template <typename M>
  Verdict Buffer(const M& m);
  bool EnterHeight(uint64_t height, std::optional<types::CommitCertificate> last_commit);
  void RestoreFromWal();
  void StartRound(uint32_t round);
  void Propose();
  void CastVote(VoteType type, const Hash32& hash);
  void Decide(const types::CommitCertificate& cert);
  void Schedule(TimeoutStep step, uint64_t height, uint32_t round, uint64_t delay_ms) {
    out_.push_back(ScheduleTimeout{height, round, step, delay_ms});
  }
  void Halt(Status reason) {
    e_.halted_ = true;
    out_.push_back(consensus::Halt{std::move(reason)});
  }
  Application::Check CheckOf(const Hash32& hash);
  bool VerifySignature(const crypto::PublicKey& key, const Hash32& message,
                       const crypto::Signature& signature) const {
    return e_.verifier_ ? e_.verifier_->Verify(key, message.view(), signature)
                        : crypto::Verify(key, message.view(), signature);
  }

  void Evaluate();
  bool TryRule();
  bool TryCommit();
  bool TrySkipRound();
  bool TryPrevoteOnProposal(RoundState& rs);
  bool TryPolka(RoundState& rs);

  Engine& e_;
  std::vector<Output>& out_;
};

}  // namespace phalanx::consensus
