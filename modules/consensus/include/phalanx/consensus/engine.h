// The Tendermint BFT consensus engine ("Tendermint: latest gossip on BFT consensus", Buchman,
// Kwon, Milosevic 2018, arXiv 1807.04938, Algorithm 1) as a pure state machine:
//
//   StepResult r = engine.Step(input);   // then execute r.outputs in order
//
// The engine reads no clock, does no network I/O, starts no threads and uses no randomness. Time
// enters as Timeout inputs that the driver feeds back after the delay an earlier ScheduleTimeout
// output asked for. The rest of the node is behind two narrow interfaces: Application (build,
// check and describe blocks) and Wal (durable record of own signed messages).
//
// How a node drives it (one driver thread owns the engine; the engine is not thread-safe):
//   1. At start: Step(Start{next_height, last_commit}) where next_height = committed head + 1 and
//      last_commit = the head's commit certificate (none at height 1). The engine reads the WAL
//      and re-emits whatever it had signed for next_height before a crash, plus the polka it
//      last acted on (others' prevotes and proposal: gossip them like its own messages).
//   2. Feed every proposal and vote from the network as ProposalMsg / VoteMsg; use the returned
//      verdict for peer scoring (IsPeerFault: the peer sent something provably bad).
//   3. Execute outputs in order:
//        BroadcastProposal / BroadcastVote -> gossip to peers (already in the WAL).
//        ScheduleTimeout -> after delay_ms, Step(Timeout{height, round, step}).
//                           Stale timeouts are harmless; the engine ignores them.
//        Commit          -> apply the block and store the certificate atomically, BEFORE feeding
//                           the next input: the next height asks the Application about it.
//        Evidence        -> submit to the chain (equivocation: two signed votes, one slot).
//        Halt            -> the WAL or the Application failed; the engine signs nothing more.
//                           Stop the node.
//   4. If Application::CheckBlock returned kPending, Step(BlockVerdict{...}) once known.
//   5. A node that learns a committed block from block sync feeds Step(CommittedBlock{...}).
//
// What the network layer must provide (the engine never re-sends anything itself): eventual
// delivery of the current height's proposals and votes to every peer at that height — i.e. gossip
// that relays each newly accepted message (verdict kAccepted or kEquivocation) once and re-sends
// the height's messages to peers that seem stuck — and block sync for peers that are two or more
// heights behind (messages for height + 1 are buffered, kBuffered; older/newer are dropped,
// kWrongHeight). test/sim/cluster.cc is a small working model of all of this.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "phalanx/base/result.h"
#include "phalanx/consensus/proposal.h"
#include "phalanx/consensus/wal.h"
#include "phalanx/crypto/ed25519.h"
#include "phalanx/types/block.h"
#include "phalanx/types/consensus_types.h"

namespace phalanx::consensus {

// All timeouts. A round r waits timeout_X_ms + r * timeout_delta_ms for step X, so timeouts grow
// with the round until the network's actual delay is covered (the paper's partial-synchrony
// argument). timeout_commit_ms is the pause after a commit before the next height's round 0 (it
// gathers late precommits and sets the block time); 0 starts the next height at once.
struct Config {
  uint64_t timeout_propose_ms = 3000;
  uint64_t timeout_prevote_ms = 1000;
  uint64_t timeout_precommit_ms = 1000;
  uint64_t timeout_delta_ms = 500;
  uint64_t timeout_commit_ms = 1000;
};

enum class TimeoutStep : uint8_t { kPropose = 1, kPrevote = 2, kPrecommit = 3, kCommit = 4 };

// What the engine needs from the rest of the node. Calls are made from inside Step and must be
// deterministic functions of the committed chain (every honest node must answer alike).
class Application {
 public:
  enum class Check : uint8_t { kValid, kInvalid, kPending };

  virtual ~Application() = default;
  // Builds a block to propose at `height` (the parent is the committed head, height - 1).
  // `last_commit` is the certificate for height - 1 the block must carry (none at height 1).
  virtual Result<types::Block> ProposeBlock(
      uint64_t height, uint32_t round,
      const std::optional<types::CommitCertificate>& last_commit) = 0;
  // Is `block` a valid next block (parent, last commit, transactions, state root)? The node
  // executes it. kPending: the answer will come later as Input BlockVerdict. Called only once
  // the previous height's Commit output has been applied (the answer is cached per block).
  virtual Check CheckBlock(const types::Block& block) = 0;
  // The validator set that decides `height`. Called for height h + 1 as soon as h is decided,
  // before the Commit output for h has been applied: set changes take effect at H + 2, so the
  // set for h + 1 is already fixed by block h - 1.
  virtual Result<types::ValidatorSet> Validators(uint64_t height) = 0;
};

// Signature checks of incoming votes and proposals. Replaceable so that several components (or
// the simulated nodes of one process) can share a cache of verified signatures; any
// implementation must return exactly what crypto::Verify returns.
class SignatureVerifier {
 public:
  virtual ~SignatureVerifier() = default;
  virtual bool Verify(const crypto::PublicKey& key, ByteView message,
                      const crypto::Signature& signature) const = 0;
};

// ---- Inputs ----

// Begin deciding `height`. Also the restart entry point: own messages for `height` found in the
// WAL are restored (votes, proposals, the lock) and re-broadcast.
struct Start {
  uint64_t height = 1;
  std::optional<types::CommitCertificate> last_commit;  // for height - 1
};
struct ProposalMsg {
  Proposal proposal;
};
struct VoteMsg {
  types::Vote vote;
};
struct Timeout {
  uint64_t height = 0;
  uint32_t round = 0;
  TimeoutStep step = TimeoutStep::kPropose;
};
// The Application's late answer for a block it returned kPending for.
struct BlockVerdict {
  uint64_t height = 0;
  Hash32 block_hash;
  bool valid = false;
};
// A block with its commit certificate from block sync (this node fell behind).
struct CommittedBlock {
  types::Block block;
  types::CommitCertificate certificate;
};
using Input = std::variant<Start, ProposalMsg, VoteMsg, Timeout, BlockVerdict, CommittedBlock>;

// ---- Outputs ----

struct BroadcastProposal {
  Proposal proposal;
};
struct BroadcastVote {
  types::Vote vote;
};
struct ScheduleTimeout {
  uint64_t height = 0;
  uint32_t round = 0;
  TimeoutStep step = TimeoutStep::kPropose;
  uint64_t delay_ms = 0;
};
// `block` is decided; `certificate` (>2/3 of the power precommitted it) proves it.
struct Commit {
  types::Block block;
  types::CommitCertificate certificate;
};
// Two validly signed votes by one validator for the same height, round and type but different
// block hashes.
struct Evidence {
  types::Vote vote_a;
  types::Vote vote_b;
};
// The engine cannot continue safely (the WAL failed, or the Application could not name the
// validator set); it has stopped signing.
struct Halt {
  Status reason;
};
using Output =
    std::variant<BroadcastProposal, BroadcastVote, ScheduleTimeout, Commit, Evidence, Halt>;

// What became of an input message. The first group is normal traffic; IsPeerFault() marks what
// only a faulty or malicious peer sends.
enum class Verdict : uint8_t {
  kAccepted,
  kDuplicate,         // already had exactly this message
  kWrongHeight,       // not for the height being decided (stale or too far ahead)
  kBuffered,          // for the next height: kept unverified, checked when that height starts
  kRoundOutOfRange,   // more than kMaxRoundsAhead rounds ahead
  kTooManyProposals,  // kMaxProposalsPerRound distinct proposals already kept for this round
  kEquivocation,      // validly signed, conflicts with an earlier vote: Evidence emitted, and
                      // the vote still counts for its value (kMaxVoteValuesPerSlot)
  kBadSignature,      // signature does not verify for the signer (proposals: the round's proposer)
  kUnknownValidator,  // validator index outside the set
  kMalformed,  // inconsistent fields (block height, pol_round, body vs header, certificate hash)
  kBadCertificate,  // CommittedBlock certificate does not verify
  kNotStarted,      // no Start yet, or halted
};
std::string_view VerdictName(Verdict v);
inline bool IsPeerFault(Verdict v) {
  return v == Verdict::kBadSignature || v == Verdict::kUnknownValidator ||
         v == Verdict::kMalformed || v == Verdict::kBadCertificate;
}

struct StepResult {
  std::vector<Output> outputs;
  Verdict verdict = Verdict::kAccepted;
};

// Where the engine is, for metrics, RPC and tests.
enum class RoundStep : uint8_t { kNewHeight, kPropose, kPrevote, kPrecommit };
struct EngineStatus {
  uint64_t height = 0;
  uint32_t round = 0;
  RoundStep step = RoundStep::kNewHeight;
  int32_t locked_round = -1;
  std::optional<Hash32> locked_block;
  int32_t valid_round = -1;
  bool halted = false;
};

class Engine {
 public:
  // `key`: this node's validator key, or none for a node that only follows. `app`, `wal` and
  // `verifier` must outlive the engine; no verifier means crypto::Verify.
  Engine(Config config, Hash32 genesis_hash, std::optional<crypto::SigningKey> key,
         Application& app, Wal& wal, const SignatureVerifier* verifier = nullptr);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  StepResult Step(const Input& input);

  EngineStatus status() const;
  const Config& config() const { return config_; }
  // The timeout for `step` in `round` (grows by timeout_delta_ms per round).
  uint64_t TimeoutMs(TimeoutStep step, uint32_t round) const;

 private:
  struct HeightState;
  class Run;

  Config config_;
  Hash32 genesis_hash_;
  std::optional<crypto::SigningKey> key_;
  Application& app_;
  Wal& wal_;
  const SignatureVerifier* verifier_;
  std::unique_ptr<HeightState> state_;
  bool halted_ = false;
};

}  // namespace phalanx::consensus
