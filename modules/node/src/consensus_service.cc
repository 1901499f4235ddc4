// ConsensusService: the consensus driver thread, the network handler and block sync glue.
#include "consensus_service.h"

#include "phalanx/base/clock.h"
#include "phalanx/base/log.h"
#include "phalanx/codec/codec.h"
#include "phalanx/runtime/storage.h"
#include "phalanx/types/address.h"

namespace phalanx::node {
namespace {

enum ConsensusKind : uint8_t { kProposalKind = 0, kVoteKind = 1 };
// Inputs waiting for the driver; beyond this, network messages are dropped (the driver is
// overwhelmed; consensus recovers through later rounds and block sync).
constexpr size_t kMaxQueuedInputs = 100'000;
// Consensus messages for heights further ahead of the engine than this cost the sender score.
constexpr uint64_t kMaxHeightsAhead = 2;
// How long a height may stand still before this node re-sends its own messages of it.
constexpr auto kResendInterval = std::chrono::milliseconds(1000);
// Own messages kept for re-sending: a proposal and two votes per round, for the latest rounds.
constexpr size_t kMaxOwnMessages = 12;

// Consensus payload: u8 kind || u8 copy || message. `copy` is 0 when a message is first sent and
// changes with every re-send, so that a re-sent message passes the receivers' gossip seen-cache
// (which remembers payload bytes forever): a node that dropped the first copy — it was at another
// height then — must be able to take a later one. The engine drops true duplicates itself.
template <typename T>
Bytes Tagged(uint8_t kind, const T& message) {
  codec::Encoder e;
  e.WriteU8(kind);
  e.WriteU8(0);
  message.Encode(e);
  return e.Take();
}
constexpr size_t kConsensusHeaderBytes = 2;

std::string_view StepName(consensus::TimeoutStep s) {
  switch (s) {
    case consensus::TimeoutStep::kPropose:
      return "propose";
    case consensus::TimeoutStep::kPrevote:
      return "prevote";
    case consensus::TimeoutStep::kPrecommit:
      return "precommit";
    case consensus::TimeoutStep::kCommit:
      return "commit";
  }
  return "?";
}

}  // namespace

ConsensusService::ConsensusService(Chain& chain, mempool::Mempool& pool,
                                   ConsensusServiceOptions options, Hooks hooks)
    : chain_(chain), pool_(pool), options_(std::move(options)), hooks_(std::move(hooks)) {}

Result<std::unique_ptr<ConsensusService>> ConsensusService::Start(Chain& chain,
                                                                  mempool::Mempool& pool,
                                                                  ConsensusServiceOptions options,
                                                                  Hooks hooks) {
  std::unique_ptr<ConsensusService> s(
      new ConsensusService(chain, pool, std::move(options), std::move(hooks)));
  auto wal = consensus::FileWal::Open(s->options_.wal_path);
  if (!wal.ok()) return wal.status().WithContext("opening the consensus WAL");
  s->wal_ = std::move(wal).value();
  if (s->wal_->torn_bytes_dropped() > 0)
    PHX_LOG_WARN("consensus WAL: dropped a torn last record ({} bytes) left by a crash",
                 s->wal_->torn_bytes_dropped());
  s->engine_ = std::make_unique<consensus::Engine>(s->options_.config, chain.genesis_hash(),
                                                   s->options_.validator, *s, *s->wal_);
  if (s->options_.network) {
    s->network_ = std::make_unique<p2p::Network>();
    s->sync_ = std::make_unique<p2p::BlockSync>(*s->network_, *s, *s);
    p2p::NetworkOptions net = *s->options_.network;
    if (Status st = s->network_->Start(std::move(net), s.get()); !st.ok())
      return st.WithContext("starting the p2p network (--listen-addr)");
    PHX_LOG_INFO("p2p: peer id {} listening on port {}", p2p::PeerIdHex(s->network_->local_id()),
                 s->network_->listen_port());
  }
  s->driver_ = std::thread([self = s.get()] { self->DriverLoop(); });
  return s;
}

ConsensusService::~ConsensusService() { Stop(); }

void ConsensusService::Stop() {
  // The network first: after it stops no handler call can reach the driver or the chain.
  if (network_) network_->Stop();
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (driver_.joinable()) driver_.join();
}

consensus::EngineStatus ConsensusService::status() const {
  std::lock_guard lock(status_mu_);
  return status_;
}

size_t ConsensusService::peer_count() const { return network_ ? network_->Peers().size() : 0; }

void ConsensusService::BroadcastTransaction(ByteView encoded) {
  if (network_) network_->Broadcast(p2p::Channel::kTransactions, encoded);
}

// ---- Driver thread ----

void ConsensusService::Enqueue(Queued q) {
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= kMaxQueuedInputs) {
      PHX_LOG_WARN("consensus input queue full ({} entries): dropping a message", kMaxQueuedInputs);
      return;
    }
    queue_.push_back(std::move(q));
  }
  cv_.notify_one();
}

void ConsensusService::DriverLoop() {
  FollowHead(/*force=*/true);
  std::vector<Queued> batch;
  auto next_resend = std::chrono::steady_clock::now() + kResendInterval;
  for (;;) {
    batch.clear();
    bool resend = false;
    {
      std::unique_lock lock(mu_);
      for (;;) {
        if (stopping_) return;
        const auto now = std::chrono::steady_clock::now();
        if (now >= next_resend) {
          resend = true;
          next_resend = now + kResendInterval;
        }
        while (!timers_.empty() && timers_.begin()->first <= now) {
          batch.push_back(Queued{consensus::Input(timers_.begin()->second), std::nullopt});
          timers_.erase(timers_.begin());
        }
        while (!queue_.empty()) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
        if (!batch.empty() || resend) break;
        auto wake = next_resend;
        if (!timers_.empty()) wake = std::min(wake, timers_.begin()->first);
        cv_.wait_until(lock, wake);
      }
    }
    for (Queued& q : batch) Handle(std::move(q));
    if (resend) {
      // Only when the height stood still for a whole interval: normal progress needs no resends.
      const uint64_t height = engine_->status().height;
      if (height == resend_seen_height_) ResendOwn(std::nullopt);
      resend_seen_height_ = height;
    }
  }
}

void ConsensusService::Handle(Queued q) {
  if (std::holds_alternative<HeadMoved>(q.item)) {
    FollowHead(/*force=*/false);
    return;
  }
  if (auto* joined = std::get_if<PeerJoined>(&q.item)) {
    ResendOwn(joined->peer);
    return;
  }
  const consensus::Input& input = std::get<consensus::Input>(q.item);
  if (auto* t = std::get_if<consensus::Timeout>(&input);
      t && t->step == consensus::TimeoutStep::kCommit)
    height_started_ = std::chrono::steady_clock::now();
  consensus::StepResult r = engine_->Step(input);
  if (q.from && network_ && consensus::IsPeerFault(r.verdict))
    network_->ReportPeer(*q.from, p2p::Verdict::kInvalid,
                         "consensus message: " + std::string(consensus::VerdictName(r.verdict)));
  Execute(r.outputs);
  std::lock_guard lock(status_mu_);
  status_ = engine_->status();
}

void ConsensusService::FollowHead(bool force) {
  node::Head head = chain_.head();
  if (!force && engine_->status().height > head.height) return;
  std::optional<types::CommitCertificate> last_commit;
  if (head.height >= 1) {
    auto cert = chain_.blocks().Certificate(head.height);
    if (!cert.ok() || !*cert) {
      PHX_LOG_ERROR("no commit certificate stored for the head #{}: consensus cannot start",
                    head.height);
      return;
    }
    last_commit = std::move(**cert);
  }
  prepared_.clear();
  height_started_ = std::chrono::steady_clock::now();
  consensus::StepResult r = engine_->Step(consensus::Start{head.height + 1, last_commit});
  Execute(r.outputs);
  std::lock_guard lock(status_mu_);
  status_ = engine_->status();
}

void ConsensusService::Execute(std::vector<consensus::Output>& outputs) {
  for (consensus::Output& out : outputs) {
    if (auto* p = std::get_if<consensus::BroadcastProposal>(&out)) {
      Bytes payload = Tagged(kProposalKind, p->proposal);
      if (network_) network_->Broadcast(p2p::Channel::kConsensus, payload);
      RememberOwn(p->proposal.height, std::move(payload));
    } else if (auto* v = std::get_if<consensus::BroadcastVote>(&out)) {
      Bytes payload = Tagged(kVoteKind, v->vote);
      if (network_) network_->Broadcast(p2p::Channel::kConsensus, payload);
      RememberOwn(v->vote.height, std::move(payload));
    } else if (auto* t = std::get_if<consensus::ScheduleTimeout>(&out)) {
      const auto now = std::chrono::steady_clock::now();
      auto delay = std::chrono::milliseconds(t->delay_ms);
      if (t->step == consensus::TimeoutStep::kCommit) {
        // The pause after a commit is the block time minus what this height already took, so
        // heights start one block time apart (not block time + the time to propose and vote).
        const auto took =
            std::chrono::duration_cast<std::chrono::milliseconds>(now - height_started_);
        delay = took >= delay ? std::chrono::milliseconds(0) : delay - took;
      }
      std::lock_guard lock(mu_);
      timers_.emplace(now + delay, consensus::Timeout{t->height, t->round, t->step});
      PHX_LOG_TRACE("timeout {} at #{} round {} in {} ms", StepName(t->step), t->height, t->round,
                    t->delay_ms);
    } else if (auto* c = std::get_if<consensus::Commit>(&out)) {
      std::optional<PreparedBlock> prepared;
      if (auto it = prepared_.find(c->certificate.block_hash); it != prepared_.end()) {
        prepared = std::move(it->second);
      }
      prepared_.clear();
      {
        std::lock_guard lock(commit_mu_);
        if (Status st = CommitLocked(c->block, c->certificate, std::move(prepared)); !st.ok())
          PHX_LOG_ERROR("committing decided block #{}: {}", c->block.header.height, st.ToString());
      }
      if (network_) network_->Post([this] { sync_->AnnounceHead(); });
    } else if (auto* e = std::get_if<consensus::Evidence>(&out)) {
      SubmitEvidence(*e);
    } else if (auto* h = std::get_if<consensus::Halt>(&out)) {
      PHX_LOG_ERROR("consensus halted, this node signs nothing more: {}", h->reason.ToString());
    }
  }
}

Status ConsensusService::CommitLocked(const types::Block& block,
                                      const types::CommitCertificate& cert,
                                      std::optional<PreparedBlock> prepared,
                                      Chain::Durability durability) {
  const uint64_t height = block.header.height;
  node::Head head = chain_.head();
  if (height <= head.height) {
    ASSIGN_OR_RETURN(auto have, chain_.blocks().HashAtHeight(height));
    if (have && *have == cert.block_hash) return Status::Ok();  // the other path was first
    PHX_LOG_ERROR("FORK: block #{} {} is certified but this node committed {} at that height",
                  height, ToHex0x(cert.block_hash), have ? ToHex0x(*have) : "nothing");
    return Corruption("a different block is already committed at #" + std::to_string(height));
  }
  if (height != head.height + 1)
    return FailedPrecondition("block #" + std::to_string(height) + " is not next after head #" +
                              std::to_string(head.height));
  ASSIGN_OR_RETURN(ProducedBlock produced,
                   prepared ? chain_.CommitBlock(std::move(*prepared), cert, durability)
                            : chain_.ImportBlock(block, cert, durability, pool_verified_));
  if (hooks_.on_commit) hooks_.on_commit(produced);
  return Status::Ok();
}

void ConsensusService::RememberOwn(uint64_t height, Bytes payload) {
  if (height != own_height_) {
    own_messages_.clear();
    own_height_ = height;
  }
  own_messages_.push_back(std::move(payload));
  if (own_messages_.size() > kMaxOwnMessages) own_messages_.pop_front();
}

void ConsensusService::ResendOwn(const std::optional<p2p::PeerId>& peer) {
  if (!network_ || own_height_ != engine_->status().height) return;
  ++resend_copy_;
  for (Bytes& m : own_messages_) {
    m[1] = static_cast<uint8_t>(resend_copy_ % 255 + 1);  // never 0, the first copy's mark
    if (peer)
      network_->Send(*peer, p2p::Channel::kConsensus, m);
    else
      network_->Broadcast(p2p::Channel::kConsensus, m);
  }
}

void ConsensusService::SubmitEvidence(const consensus::Evidence& e) {
  PHX_LOG_WARN("equivocation by validator #{} at #{} round {}: reporting it on chain",
               e.vote_a.validator_index, e.vote_a.height, e.vote_a.round);
  if (!options_.validator) return;  // only validators report (they pay the fee)
  const crypto::SigningKey& key = *options_.validator;
  mempool::ChainView view = hooks_.view();
  auto account = runtime::LoadAccount(*view.state, key.public_key());
  if (!account.ok()) return;
  types::TransactionPayload p;
  p.signer = key.public_key();
  p.nonce = pool_.NextNonce(key.public_key(), account->nonce);
  p.call.value = types::calls::ReportEquivocation{e.vote_a, e.vote_b};
  Bytes encoded = codec::EncodeToBytes(types::Sign(p, key, chain_.genesis_hash()));
  mempool::SubmitResult r = pool_.Submit(encoded, view);
  if (!r.ok()) {
    PHX_LOG_WARN("equivocation report refused by the pool: {}", r.message);
    return;
  }
  BroadcastTransaction(encoded);
}

// ---- consensus::Application ----

Result<types::Block> ConsensusService::ProposeBlock(
    uint64_t height, uint32_t round, const std::optional<types::CommitCertificate>& last_commit) {
  if (!options_.validator) return FailedPrecondition("this node is not a validator");
  node::Head head = chain_.head();
  if (height != head.height + 1)
    return FailedPrecondition("asked to propose #" + std::to_string(height) + " at head #" +
                              std::to_string(head.height));
  mempool::ChainView view = hooks_.view();
  const size_t max_tx = view.params ? view.params->max_block_transactions : 0;
  const size_t max_bytes = view.params ? view.params->max_block_bytes : 0;
  auto ready = pool_.ReadyForBlock(max_tx, max_bytes);
  std::vector<Candidate> candidates;
  candidates.reserve(ready.size());
  for (const auto& p : ready) candidates.push_back({&p->tx, p->encoded.size(), p->hash});
  ASSIGN_OR_RETURN(PreparedBlock prepared,
                   chain_.BuildBlock(candidates, SystemClock().NowUnixMs(),
                                     options_.validator->public_key(), max_tx));
  for (const auto& [hash, reason] : prepared.rejected) pool_.Remove(hash, reason);
  if (last_commit && prepared.block.last_commit != last_commit)
    PHX_LOG_DEBUG("proposal #{} carries the stored certificate of its parent, not the engine's",
                  height);
  types::Block block = prepared.block;
  if (prepared_height_ != height) prepared_.clear();
  prepared_height_ = height;
  prepared_.emplace(prepared.hash, std::move(prepared));
  PHX_LOG_DEBUG("proposing #{} round {} with {} tx", height, round, block.transactions.size());
  return block;
}

consensus::Application::Check ConsensusService::CheckBlock(const types::Block& block) {
  const Hash32 hash = block.Hash();
  if (prepared_.contains(hash)) return Check::kValid;
  const uint64_t now_ms = SystemClock().NowUnixMs();
  if (block.header.time_ms > now_ms + options_.max_clock_drift_ms) {
    PHX_LOG_WARN("refusing proposal #{}: its time is {} ms ahead of this node's clock",
                 block.header.height, block.header.time_ms - now_ms);
    return Check::kInvalid;
  }
  if (block.header.height <= chain_.head().height) return Check::kInvalid;  // sync got there first
  auto prepared = chain_.CheckBlock(block, pool_verified_);
  if (!prepared.ok()) {
    PHX_LOG_WARN("refusing proposal: {}", prepared.status().message());
    return Check::kInvalid;
  }
  if (prepared_height_ != block.header.height) prepared_.clear();
  prepared_height_ = block.header.height;
  prepared_.emplace(hash, std::move(prepared).value());
  return Check::kValid;
}

Result<types::ValidatorSet> ConsensusService::Validators(uint64_t height) {
  return chain_.ValidatorsFor(height);
}

// ---- p2p (network thread) ----

p2p::Verdict ConsensusService::OnMessage(const p2p::PeerId& peer, p2p::Channel channel,
                                         ByteView payload) {
  switch (channel) {
    case p2p::Channel::kTransactions: {
      mempool::SubmitResult r = pool_.Submit(payload, hooks_.view());
      // Stale, already known or outbid transactions are normal under load (a block committed
      // while the message was in flight); only undecodable or forged ones are the peer's fault.
      if (r.error == mempool::SubmitError::kMalformed ||
          r.error == mempool::SubmitError::kBadSignature)
        return p2p::Verdict::kInvalid;
      return p2p::Verdict::kOk;
    }
    case p2p::Channel::kConsensus: {
      if (payload.size() < kConsensusHeaderBytes) return p2p::Verdict::kInvalid;
      ByteView body = payload.subspan(kConsensusHeaderBytes);
      consensus::Input input;
      uint64_t height = 0;
      if (payload[0] == kProposalKind) {
        auto proposal = consensus::DecodeProposal(body);
        if (!proposal.ok()) return p2p::Verdict::kInvalid;
        height = proposal->height;
        input = consensus::ProposalMsg{std::move(proposal).value()};
      } else if (payload[0] == kVoteKind) {
        auto vote = consensus::DecodeVote(body);
        if (!vote.ok()) return p2p::Verdict::kInvalid;
        height = vote->height;
        input = consensus::VoteMsg{*vote};
      } else {
        return p2p::Verdict::kInvalid;
      }
      // An honest peer neither votes nor relays beyond its own head + 1 (+ slack for a Status
      // still in flight): a peer that claims head X and sends messages for X + 10 is junk.
      if (std::optional<uint64_t> claimed = PeerHeight(peer);
          claimed && height > *claimed + 1 + kMaxHeightsAhead)
        return p2p::Verdict::kUseless;
      // This node is behind (block sync will catch it up): nothing to do with it, and not ours
      // to relay — but not the sender's fault either.
      if (height > chain_.head().height + 1 + kMaxHeightsAhead) return p2p::Verdict::kNotRelayed;
      Enqueue(Queued{std::move(input), peer});
      return p2p::Verdict::kOk;
    }
    case p2p::Channel::kBlockSync: {
      // Remember the head each peer claims (Status, tag 0: small, decoded twice), to judge the
      // heights of its consensus messages.
      if (!payload.empty() && payload[0] == 0) {
        if (auto m = p2p::DecodeSyncMessage(payload); m.ok()) {
          if (auto* st = std::get_if<p2p::SyncStatus>(&*m)) {
            std::lock_guard lock(peer_heights_mu_);
            peer_heights_[peer] = st->height;
          }
        }
      }
      p2p::Verdict v = sync_->OnMessage(peer, payload);
      syncing_ = sync_->Syncing();
      return v;
    }
    case p2p::Channel::kControl:
      return p2p::Verdict::kUseless;
  }
  return p2p::Verdict::kInvalid;
}

void ConsensusService::OnPeerConnected(const p2p::PeerInfo& peer) {
  PHX_LOG_INFO("peer {} connected ({}, {})", p2p::ShortPeerId(peer.id), peer.address,
               peer.inbound ? "inbound" : "outbound");
  sync_->OnPeerConnected(peer.id);
  Enqueue(Queued{PeerJoined{peer.id}, std::nullopt});
}

std::optional<uint64_t> ConsensusService::PeerHeight(const p2p::PeerId& peer) const {
  std::lock_guard lock(peer_heights_mu_);
  auto it = peer_heights_.find(peer);
  if (it == peer_heights_.end()) return std::nullopt;
  return it->second;
}

void ConsensusService::OnPeerDisconnected(const p2p::PeerId& peer, std::string_view reason) {
  {
    std::lock_guard lock(peer_heights_mu_);
    peer_heights_.erase(peer);
  }
  PHX_LOG_INFO("peer {} disconnected: {}", p2p::ShortPeerId(peer), reason);
  sync_->OnPeerDisconnected(peer);
}

void ConsensusService::OnTick(uint64_t now_ms) {
  sync_->OnTick(now_ms);
  syncing_ = sync_->Syncing();
}

p2p::SyncStatus ConsensusService::Head() {
  node::Head head = chain_.head();
  return p2p::SyncStatus{head.height, head.hash};
}

Result<p2p::SyncBlock> ConsensusService::GetBlockWithCert(uint64_t height) {
  ASSIGN_OR_RETURN(auto block, chain_.blocks().BlockAtHeight(height));
  ASSIGN_OR_RETURN(auto cert, chain_.blocks().Certificate(height));
  if (!block || !cert) return NotFound("no block #" + std::to_string(height));
  return p2p::SyncBlock{codec::EncodeToBytes(*block), std::move(*cert)};
}

Status ConsensusService::ApplyBlock(const types::Block& block,
                                    const types::CommitCertificate& cert) {
  {
    std::lock_guard lock(commit_mu_);
    // Blocks fetched by sync are written without fsync (see Chain::Durability): they survive
    // kill -9, and after a power cut they are simply fetched again. Durable commits of decided
    // blocks keep their fsync.
    RETURN_IF_ERROR(CommitLocked(block, cert, std::nullopt, Chain::Durability::kProcessCrashSafe));
  }
  Enqueue(Queued{HeadMoved{}, std::nullopt});
  return Status::Ok();
}

}  // namespace phalanx::node
