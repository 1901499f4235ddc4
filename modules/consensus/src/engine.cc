// The Tendermint state machine: inputs, heights, rounds, signing and the WAL. Each Step applies
// one input to the height's state, then re-evaluates the upon-rules (rules.cc) until none fires,
// collecting outputs. Comments cite the line numbers of Algorithm 1 in arXiv 1807.04938.
#include "phalanx/consensus/engine.h"

#include <algorithm>
#include <tuple>

#include "engine_internal.h"
#include "phalanx/consensus/limits.h"
#include "phalanx/consensus/proposer.h"

namespace phalanx::consensus {

namespace {
// A block's hash is its header's hash, and proposal signatures and certificates cover only that:
// the body must be bound to the header here, or anyone relaying a proposal could swap its
// transactions (keeping the signature valid) and make nodes that see the swapped copy first judge
// the real block invalid.
bool BodyMatchesHeader(const types::Block& b) {
  const Hash32 last_commit = b.last_commit ? b.last_commit->Hash() : Hash32{};
  return b.header.last_commit_hash == last_commit &&
         b.header.tx_root == types::TxRoot(b.transactions);
}
}  // namespace

std::string_view VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kAccepted:
      return "accepted";
    case Verdict::kDuplicate:
      return "duplicate";
    case Verdict::kWrongHeight:
      return "wrong height";
    case Verdict::kBuffered:
      return "buffered for the next height";
    case Verdict::kRoundOutOfRange:
      return "round out of range";
    case Verdict::kTooManyProposals:
      return "too many proposals for the round";
    case Verdict::kEquivocation:
      return "equivocation";
    case Verdict::kBadSignature:
      return "bad signature";
    case Verdict::kUnknownValidator:
      return "unknown validator";
    case Verdict::kMalformed:
      return "malformed";
    case Verdict::kBadCertificate:
      return "bad commit certificate";
    case Verdict::kNotStarted:
      return "not started";
  }
  return "unknown";
}

Engine::Engine(Config config, Hash32 genesis_hash, std::optional<crypto::SigningKey> key,
               Application& app, Wal& wal, const SignatureVerifier* verifier)
    : config_(config),
      genesis_hash_(genesis_hash),
      key_(std::move(key)),
      app_(app),
      wal_(wal),
      verifier_(verifier) {}

Engine::~Engine() = default;

uint64_t Engine::TimeoutMs(TimeoutStep step, uint32_t round) const {
  uint64_t base = 0;
  switch (step) {
    case TimeoutStep::kPropose:
      base = config_.timeout_propose_ms;
      break;
    case TimeoutStep::kPrevote:
      base = config_.timeout_prevote_ms;
      break;
    case TimeoutStep::kPrecommit:
      base = config_.timeout_precommit_ms;
      break;
    case TimeoutStep::kCommit:
      return config_.timeout_commit_ms;
  }
  return base + static_cast<uint64_t>(round) * config_.timeout_delta_ms;
}

StepResult Engine::Step(const Input& input) {
  StepResult result;
  if (halted_ || (!state_ && !std::holds_alternative<Start>(input))) {
    result.verdict = Verdict::kNotStarted;
    return result;
  }
  Run run(*this, result.outputs);
  result.verdict = run.Dispatch(input);
  return result;
}

EngineStatus Engine::status() const {
  EngineStatus s;
  s.halted = halted_;
  if (!state_) return s;
  s.height = state_->height;
  s.round = state_->round;
  s.step = state_->step;
  s.locked_round = state_->locked_round;
  s.locked_block = state_->locked_hash;
  s.valid_round = state_->valid_round;
  return s;
}

Verdict Engine::Run::Dispatch(const Input& input) {
  Verdict v = std::visit(
      [this](const auto& in) -> Verdict {
        using T = std::decay_t<decltype(in)>;
        if constexpr (std::is_same_v<T, Start>) return OnStart(in);
        if constexpr (std::is_same_v<T, ProposalMsg>) return OnProposal(in.proposal);
        if constexpr (std::is_same_v<T, VoteMsg>) return OnVote(in.vote);
        if constexpr (std::is_same_v<T, Timeout>) return OnTimeout(in);
        if constexpr (std::is_same_v<T, BlockVerdict>) return OnVerdict(in);
        if constexpr (std::is_same_v<T, CommittedBlock>) return OnCommitted(in);
      },
      input);
  if (v == Verdict::kAccepted || v == Verdict::kEquivocation) Evaluate();
  return v;
}

// ---- Heights and rounds ----

bool Engine::Run::EnterHeight(uint64_t height,
                              std::optional<types::CommitCertificate> last_commit) {
  Result<types::ValidatorSet> set = e_.app_.Validators(height);
  if (!set.ok()) {
    Halt(set.status().WithContext("validator set for height " + std::to_string(height)));
    return false;
  }
  if (Status st = set->Validate(); !st.ok()) {
    Halt(st.WithContext("validator set for height " + std::to_string(height)));
    return false;
  }
  auto s = std::make_unique<HeightState>();
  s->height = height;
  s->validators = std::move(set).value();
  s->total_power = s->validators.TotalPower();
  s->quorum_power = s->validators.QuorumPower();
  if (e_.key_) {
    int64_t index = s->validators.IndexOf(e_.key_->public_key());
    if (index >= 0) s->my_index = static_cast<uint32_t>(index);
  }
  s->last_commit = std::move(last_commit);
  e_.state_ = std::move(s);
  return true;
}

Verdict Engine::Run::OnStart(const Start& in) {
  if (!EnterHeight(in.height, in.last_commit)) return Verdict::kAccepted;
  RestoreFromWal();
  if (e_.halted_) return Verdict::kAccepted;
  uint32_t round = 0;
  for (const auto& [key, vote] : S().own_votes) round = std::max(round, key.first);
  for (const auto& [r, p] : S().own_proposals) round = std::max(round, r);
  StartRound(round);
  return Verdict::kAccepted;
}

// Restores what this validator signed at the current height before a restart: the messages are
// re-broadcast and kept so that CastVote/Propose re-emit them instead of signing anew, and the
// lock is rebuilt from the own non-nil precommit of the highest round (line 36-41 lock exactly
// when they precommit a block).
void Engine::Run::RestoreFromWal() {
  Result<std::vector<WalRecord>> records = e_.wal_.ReadAll();
  if (!records.ok()) return Halt(records.status().WithContext("reading the consensus WAL"));
  HeightState& s = S();
  for (WalRecord& rec : *records) {
    if (rec.height() != s.height) continue;
    if (auto* v = std::get_if<Vote>(&rec.message)) {
      if (!s.my_index || v->validator_index != *s.my_index) continue;
      s.own_votes.emplace(std::make_pair(v->round, v->type), *v);
      s.At(v->round).Add(*v, s.validators);
      if (v->type == VoteType::kPrecommit && !v->block_hash.IsZero() &&
          static_cast<int32_t>(v->round) > s.locked_round) {
        s.locked_round = static_cast<int32_t>(v->round);
        s.locked_hash = v->block_hash;
      }
      out_.push_back(BroadcastVote{*v});
    } else if (auto* polka = std::get_if<PolkaRecord>(&rec.message)) {
      // Verified before it was recorded; restores the valid block and re-shows the polka.
      const Proposal& p = polka->proposal;
      const Hash32 hash = p.BlockHash();
      auto block = s.blocks.emplace(hash, std::make_shared<const types::Block>(p.block)).first;
      s.checks[hash] = Application::Check::kValid;
      RoundState& rs = s.At(p.round);
      rs.AddProposal(p, hash);
      rs.polka_handled = true;
      for (const Vote& v : polka->prevotes) {
        if (v.validator_index >= s.validators.validators.size()) continue;
        rs.Add(v, s.validators);
        out_.push_back(BroadcastVote{v});
      }
      if (static_cast<int32_t>(p.round) > s.valid_round) {
        s.valid_round = static_cast<int32_t>(p.round);
        s.valid_block = block->second;
      }
      out_.push_back(BroadcastProposal{p});
    } else {
      Proposal& p = std::get<Proposal>(rec.message);
      Hash32 hash = p.BlockHash();
      s.blocks.emplace(hash, std::make_shared<const types::Block>(p.block));
      s.checks[hash] = Application::Check::kValid;  // we built it
      s.At(p.round).AddProposal(p, hash);
      out_.push_back(BroadcastProposal{p});
      s.own_proposals.emplace(p.round, std::move(p));
    }
  }
}

// Lines 11-21.
void Engine::Run::StartRound(uint32_t round) {
  HeightState& s = S();
  s.round = round;
  s.step = RoundStep::kPropose;
  s.At(round);
  if (s.my_index && ProposerIndex(s.validators, s.height, round) == *s.my_index) Propose();
  // Scheduled by the proposer too: harmless once it has prevoted, and it keeps the round moving
  // if building the block failed.
  Schedule(TimeoutStep::kPropose, s.height, round, e_.TimeoutMs(TimeoutStep::kPropose, round));
}

void Engine::Run::Propose() {
  HeightState& s = S();
  if (auto it = s.own_proposals.find(s.round); it != s.own_proposals.end()) {
    out_.push_back(BroadcastProposal{it->second});  // signed before a restart: same again
    return;
  }
  Proposal p;
  p.height = s.height;
  p.round = s.round;
  if (s.valid_block) {  // line 15: re-propose the valid block with its polka round
    p.block = *s.valid_block;
    p.pol_round = s.valid_round;
  } else {
    Result<types::Block> block = e_.app_.ProposeBlock(s.height, s.round, s.last_commit);
    if (!block.ok()) return;  // the propose timeout moves the round on
    p.block = std::move(block).value();
  }
  p = SignProposal(std::move(p), *e_.key_, e_.genesis_hash_);
  if (Status st = e_.wal_.Append(WalRecord{p}); !st.ok())
    return Halt(st.WithContext("writing own proposal to the consensus WAL"));
  Hash32 hash = p.BlockHash();
  s.blocks.emplace(hash, std::make_shared<const types::Block>(p.block));
  s.checks.emplace(hash, Application::Check::kValid);
  s.At(p.round).AddProposal(p, hash);
  out_.push_back(BroadcastProposal{p});
  s.own_proposals.emplace(p.round, std::move(p));
}

void Engine::Run::CastVote(VoteType type, const Hash32& hash) {
  HeightState& s = S();
  if (!s.my_index) return;
  auto key = std::make_pair(s.round, type);
  if (auto it = s.own_votes.find(key); it != s.own_votes.end()) {
    // Already signed in this slot (before a restart): never sign a second, different vote.
    out_.push_back(BroadcastVote{it->second});
    return;
  }
  Vote v;
  v.type = type;
  v.height = s.height;
  v.round = s.round;
  v.block_hash = hash;
  v.validator_index = *s.my_index;
  v = types::SignVote(v, *e_.key_, e_.genesis_hash_);
  if (Status st = e_.wal_.Append(WalRecord{v}); !st.ok())
    return Halt(st.WithContext("writing own vote to the consensus WAL"));
  s.own_votes.emplace(key, v);
  s.At(v.round).Add(v, s.validators);
  out_.push_back(BroadcastVote{v});
}

// Line 49-54: decide, then wait timeout_commit before round 0 of the next height.
void Engine::Run::Decide(const types::CommitCertificate& cert) {
  HeightState& s = S();
  auto block = s.blocks.at(cert.block_hash);
  const uint64_t height = s.height;
  out_.push_back(Commit{*block, cert});
  // Keeps this height's records: if the node dies before the Commit output is applied it restarts
  // at this height again and must find what it signed here.
  if (Status st = e_.wal_.TruncateBelow(height); !st.ok())
    return Halt(
        st.WithContext("truncating the consensus WAL after height " + std::to_string(height)));
  std::vector<std::variant<Proposal, Vote>> early = std::move(s.next_height);
  if (!EnterHeight(height + 1, cert)) return;
  Schedule(TimeoutStep::kCommit, height + 1, 0, e_.TimeoutMs(TimeoutStep::kCommit, 0));
  // Messages that arrived for this height while the last one was being decided: checked now that
  // the validator set is known. They only fill the vote sets; rules run from round 0 on.
  for (const auto& m : early) {
    if (const auto* p = std::get_if<Proposal>(&m)) {
      OnProposal(*p);
    } else {
      OnVote(std::get<Vote>(m));
    }
  }
}

template <typename M>
Verdict Engine::Run::Buffer(const M& m) {
  HeightState& s = S();
  if (s.next_height.size() >= kMaxNextHeightMessages) return Verdict::kWrongHeight;
  s.next_height.emplace_back(m);
  return Verdict::kBuffered;
}

Application::Check Engine::Run::CheckOf(const Hash32& hash) {
  HeightState& s = S();
  if (auto it = s.checks.find(hash); it != s.checks.end()) return it->second;
  auto block = s.blocks.find(hash);
  if (block == s.blocks.end()) return Application::Check::kPending;
  Application::Check c = e_.app_.CheckBlock(*block->second);
  s.checks[hash] = c;
  return c;
}

// ---- Messages ----

Verdict Engine::Run::OnProposal(const Proposal& p) {
  HeightState& s = S();
  if (p.height == s.height + 1) return Buffer(p);
  if (p.height != s.height) return Verdict::kWrongHeight;
  if (p.round > uint64_t{s.round} + kMaxRoundsAhead) return Verdict::kRoundOutOfRange;
  if (p.pol_round < -1 || (p.pol_round >= 0 && static_cast<uint32_t>(p.pol_round) >= p.round) ||
      p.block.header.height != s.height)
    return Verdict::kMalformed;
  const Hash32 hash = p.BlockHash();
  RoundState& rs = s.At(p.round);
  if (rs.HasProposal(hash, p.pol_round)) return Verdict::kDuplicate;
  if (!BodyMatchesHeader(p.block)) return Verdict::kMalformed;
  if (rs.proposals.size() >= kMaxProposalsPerRound) return Verdict::kTooManyProposals;
  const auto& proposer = s.validators.validators[ProposerIndex(s.validators, s.height, p.round)];
  if (!VerifySignature(proposer.public_key, p.SigningHash(e_.genesis_hash_), p.signature))
    return Verdict::kBadSignature;
  rs.AddProposal(p, hash);
  s.blocks.emplace(hash, std::make_shared<const types::Block>(p.block));
  // Asked early (the answer may be pending for a while), but not while waiting to start the
  // height: buffered proposals are replayed inside Decide, before the driver has applied the
  // block just decided, and the Application would judge them against the wrong parent.
  if (s.step != RoundStep::kNewHeight) CheckOf(hash);
  return Verdict::kAccepted;
}

Verdict Engine::Run::OnVote(const Vote& v) {
  HeightState& s = S();
  if (v.height == s.height + 1) return Buffer(v);
  if (v.height != s.height) return Verdict::kWrongHeight;
  if (v.round > uint64_t{s.round} + kMaxRoundsAhead) return Verdict::kRoundOutOfRange;
  if (v.validator_index >= s.validators.validators.size()) return Verdict::kUnknownValidator;
  RoundState& rs = s.At(v.round);
  const std::vector<Vote>& slot = rs.Slot(v.type, v.validator_index);
  for (const Vote& w : slot)
    if (w == v) return Verdict::kDuplicate;
  const auto& key = s.validators.validators[v.validator_index].public_key;
  if (!VerifySignature(key, v.SigningHash(e_.genesis_hash_), v.signature))
    return Verdict::kBadSignature;
  if (slot.empty()) {
    rs.Add(v, s.validators);
    return Verdict::kAccepted;
  }
  for (const Vote& w : slot)
    if (w.block_hash == v.block_hash) return Verdict::kDuplicate;  // same vote, other signature
  if (s.evidenced.emplace(v.round, v.type, v.validator_index).second)
    out_.push_back(Evidence{slot.front(), v});
  // Counted for its own value all the same: a quorum for one value and a quorum for another
  // still share an honest validator, so safety holds, and the polka or commit an equivocator
  // helped make is not hidden from the nodes that happened to receive its other vote first.
  if (slot.size() < kMaxVoteValuesPerSlot) rs.Add(v, s.validators);
  return Verdict::kEquivocation;
}

Verdict Engine::Run::OnTimeout(const Timeout& t) {
  HeightState& s = S();
  if (t.height != s.height) return Verdict::kWrongHeight;
  switch (t.step) {
    case TimeoutStep::kCommit:
      if (s.step == RoundStep::kNewHeight) StartRound(0);
      break;
    case TimeoutStep::kPropose:  // line 57
      if (t.round == s.round && s.step == RoundStep::kPropose) {
        CastVote(VoteType::kPrevote, Hash32{});
        s.step = RoundStep::kPrevote;
      }
      break;
    case TimeoutStep::kPrevote:  // line 61
      if (t.round == s.round && s.step == RoundStep::kPrevote) {
        CastVote(VoteType::kPrecommit, Hash32{});
        s.step = RoundStep::kPrecommit;
      }
      break;
    case TimeoutStep::kPrecommit:  // line 65
      if (t.round == s.round && s.step != RoundStep::kNewHeight && s.round < UINT32_MAX)
        StartRound(s.round + 1);
      break;
  }
  return Verdict::kAccepted;
}

Verdict Engine::Run::OnVerdict(const BlockVerdict& v) {
  HeightState& s = S();
  if (v.height != s.height) return Verdict::kWrongHeight;
  s.checks[v.block_hash] = v.valid ? Application::Check::kValid : Application::Check::kInvalid;
  return Verdict::kAccepted;
}

Verdict Engine::Run::OnCommitted(const CommittedBlock& c) {
  HeightState& s = S();
  if (c.certificate.height != s.height) return Verdict::kWrongHeight;
  const Hash32 hash = c.block.Hash();
  if (hash != c.certificate.block_hash || c.block.header.height != s.height ||
      !BodyMatchesHeader(c.block))
    return Verdict::kMalformed;
  if (!types::VerifyCommit(c.certificate, s.validators, e_.genesis_hash_).ok())
    return Verdict::kBadCertificate;
  s.blocks.emplace(hash, std::make_shared<const types::Block>(c.block));
  Decide(c.certificate);
  return Verdict::kDuplicate;  // handled here; nothing left for the upon-rules to do
}

}  // namespace phalanx::consensus
