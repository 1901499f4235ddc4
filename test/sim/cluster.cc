// The simulator's event loop: one priority queue of timed events (message deliveries, timer
// expiries, gossip ticks, crashes, restarts) processed in (time, sequence) order, so a run is a
// pure function of its scenario.
#include "cluster.h"

#include <cstdio>
#include <map>
#include <memory>
#include <queue>
#include <set>
#include <tuple>
#include <unordered_map>

#include "phalanx/consensus/proposer.h"
#include "phalanx/crypto/hash.h"
#include "sim_app.h"

namespace phalanx::sim {
namespace {

using consensus::Engine;
using consensus::Output;
using consensus::Proposal;
using types::Vote;

constexpr uint64_t kLiveHeights = 3;
// A run that commits more heights than this has stopped moving simulated time forward.
constexpr uint64_t kMaxHeights = 5000;

// splitmix64: a tiny, portable, seedable generator (std distributions differ between libraries).
struct Rng {
  uint64_t state;
  uint64_t Next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  uint64_t Uniform(uint64_t lo, uint64_t hi) { return lo + Next() % (hi - lo + 1); }  // [lo, hi]
  bool Chance(uint32_t permille) { return Next() % 1000 < permille; }
};

// Signature checks shared by all simulated nodes: each distinct (key, message, signature) is
// verified once. Same answers as crypto::Verify, a quarter of the work with 4 nodes.
class CachingVerifier final : public consensus::SignatureVerifier {
 public:
  explicit CachingVerifier(bool enabled) : enabled_(enabled) {}
  bool Verify(const crypto::PublicKey& key, ByteView message,
              const crypto::Signature& signature) const override {
    if (!enabled_ || message.size() != Hash32::size())
      return crypto::Verify(key, message, signature);
    auto [it, fresh] = cache_.try_emplace(signature);
    Entry& e = it->second;
    if (!fresh && e.key == key && e.message == Hash32::FromView(message)) return e.ok;
    e = Entry{key, Hash32::FromView(message), crypto::Verify(key, message, signature)};
    return e.ok;
  }

 private:
  struct Entry {
    crypto::PublicKey key;
    Hash32 message;
    bool ok = false;
  };
  bool enabled_;
  mutable std::unordered_map<crypto::Signature, Entry, FixedBytesHash> cache_;
};

struct StatusMsg {
  uint64_t height = 0;
};
using Msg = std::variant<std::shared_ptr<const Proposal>, Vote,
                         std::shared_ptr<const consensus::CommittedBlock>, StatusMsg>;

uint64_t HeightOf(const Msg& m) {
  if (auto* p = std::get_if<std::shared_ptr<const Proposal>>(&m)) return (*p)->height;
  if (auto* v = std::get_if<Vote>(&m)) return v->height;
  if (auto* c = std::get_if<std::shared_ptr<const consensus::CommittedBlock>>(&m))
    return (*c)->certificate.height;
  return std::get<StatusMsg>(m).height;
}

uint32_t RoundOf(const Msg& m) {
  if (auto* p = std::get_if<std::shared_ptr<const Proposal>>(&m)) return (*p)->round;
  if (auto* v = std::get_if<Vote>(&m)) return v->round;
  return 0;
}

struct Deliver {
  uint32_t from, to;
  Msg msg;
};
struct Fire {
  uint32_t node;
  uint64_t incarnation;
  consensus::Timeout timeout;
};
struct GossipTick {
  uint32_t node;
};
struct CrashEv {
  uint32_t node;
};
struct RestartEv {
  uint32_t node;
};
struct Event {
  uint64_t at_ms;
  uint64_t seq;
  std::variant<Deliver, Fire, GossipTick, CrashEv, RestartEv> body;
  bool operator>(const Event& o) const { return std::tie(at_ms, seq) > std::tie(o.at_ms, o.seq); }
};

struct Node {
  uint32_t index = 0;
  std::optional<crypto::SigningKey> key;
  bool byzantine = false;
  std::unique_ptr<SimApp> app;
  std::unique_ptr<consensus::MemWal> wal;
  std::unique_ptr<Engine> engine;
  bool up = true;
  uint64_t incarnation = 0;
  // Messages of the current height this node has (own and accepted), re-sent every gossip tick
  // so that drops and partitions are repaired, as a real gossip layer does. A Byzantine node
  // keeps two versions of its own messages: `gossip_alt` goes to the other half of its peers.
  uint64_t gossip_height = 0;
  std::vector<Msg> gossip;
  std::vector<std::pair<Msg, Msg>> gossip_split;
  // Height and round at the last change, and when: the gossip store is re-sent only by a node
  // that has made no progress for a gossip interval (what was lost is then likely needed).
  std::pair<uint64_t, uint32_t> position;
  uint64_t progress_ms = 0;
  std::map<uint32_t, std::pair<uint64_t, uint64_t>> last_sync;  // peer -> (height, time)
};

class Cluster {
 public:
  Cluster(const Scenario& s, bool trace)
      : s_(s), trace_(trace), rng_{s.seed * 7919 + 17}, verifier_(s.shared_signature_cache) {}
  Outcome Run();

 private:
  void Fail(std::string why) {
    if (out_.ok) {
      out_.ok = false;
      out_.failure = "t=" + std::to_string(now_) + "ms: " + std::move(why);
    }
  }
  void Push(uint64_t at, decltype(Event::body) body) {
    queue_.push(Event{at, seq_++, std::move(body)});
  }
  bool Connected(uint32_t a, uint32_t b) const {
    for (const Partition& p : s_.partitions)
      if (now_ >= p.start_ms && now_ < p.end_ms && p.group[a] != p.group[b]) return false;
    return true;
  }
  void Send(uint32_t from, uint32_t to, const Msg& m);
  void StartNode(Node& n);
  void StepNode(Node& n, const consensus::Input& in, std::optional<uint32_t> from = {});
  void Execute(Node& n, consensus::StepResult& r);
  void Broadcast(Node& n, const Msg& m);
  Msg Equivocate(Node& n, const Msg& m);
  void OnDeliver(const Deliver& d);
  void OnGossip(Node& n);
  void CheckCommit(Node& n, const consensus::Commit& c);
  void CheckSigned(Node& n, const Msg& m);
  bool Live(uint64_t base) const;
  uint64_t MinHonestHeight() const;
  uint64_t MaxHonestHeight() const;
  std::string Where(const Node& n) const;

  const Scenario& s_;
  bool trace_;
  Rng rng_;
  uint64_t now_ = 0;
  uint64_t seq_ = 0;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> queue_;
  std::vector<Node> nodes_;
  types::ValidatorSet set_;
  Hash32 genesis_;
  std::map<uint64_t, Hash32> committed_;  // height -> block hash (first honest commit)
  std::map<uint64_t, Hash32> app_roots_;  // height -> app state root (first honest commit)
  std::map<std::tuple<uint32_t, uint64_t, uint32_t, uint8_t>, Hash32> signed_;  // honest only
  CachingVerifier verifier_;
  std::set<uint64_t> verified_heights_;
  // Per (node, incarnation, height, round, type): the block hashes of the Byzantine validator's
  // votes that the node's engine took in, and whether it reported evidence for that slot.
  using Slot = std::tuple<uint32_t, uint64_t, uint64_t, uint32_t, uint8_t>;
  std::map<Slot, std::set<Hash32>> byzantine_votes_seen_;
  std::set<Slot> evidence_seen_;
  Outcome out_;
};

void Cluster::Send(uint32_t from, uint32_t to, const Msg& m) {
  if (rng_.Chance(s_.drop_permille)) return;
  const int copies = rng_.Chance(s_.duplicate_permille) ? 2 : 1;
  for (int i = 0; i < copies; ++i)
    Push(now_ + rng_.Uniform(s_.min_delay_ms, s_.max_delay_ms), Deliver{from, to, m});
}

void Cluster::StartNode(Node& n) {
  n.engine = std::make_unique<Engine>(s_.config, genesis_, n.key, *n.app, *n.wal,
                                      s_.shared_signature_cache ? &verifier_ : nullptr);
  n.up = true;
  n.gossip.clear();
  n.gossip_split.clear();
  n.app->set_now_ms(now_ + s_.clock_offset_ms[n.index]);
  StepNode(n, consensus::Start{n.app->height() + 1, n.app->last_commit()});
}

void Cluster::StepNode(Node& n, const consensus::Input& in, std::optional<uint32_t> from) {
  n.app->set_now_ms(now_ + s_.clock_offset_ms[n.index]);
  consensus::StepResult r = n.engine->Step(in);
  if (trace_ && from) {
    std::printf("  %llu: node %u <- %u: %s\n", static_cast<unsigned long long>(now_), n.index,
                *from, std::string(consensus::VerdictName(r.verdict)).c_str());
  }
  const auto* vote_in = std::get_if<consensus::VoteMsg>(&in);
  if (vote_in && !n.byzantine && nodes_[vote_in->vote.validator_index].byzantine &&
      (r.verdict == consensus::Verdict::kAccepted ||
       r.verdict == consensus::Verdict::kEquivocation)) {
    const Vote& v = vote_in->vote;
    byzantine_votes_seen_[{n.index, n.incarnation, v.height, v.round, static_cast<uint8_t>(v.type)}]
        .insert(v.block_hash);
  }
  if (consensus::IsPeerFault(r.verdict) && from && !nodes_[*from].byzantine)
    Fail("node " + std::to_string(n.index) + " rejected a message from honest node " +
         std::to_string(*from) + ": " + std::string(consensus::VerdictName(r.verdict)));
  // Relayed: accepted messages, and equivocating votes (they count for their value, and peers
  // need them to see the same polkas and to produce evidence).
  if ((r.verdict == consensus::Verdict::kAccepted ||
       r.verdict == consensus::Verdict::kEquivocation) &&
      from) {
    Msg m;
    if (auto* p = std::get_if<consensus::ProposalMsg>(&in))
      m = std::make_shared<const Proposal>(p->proposal);
    if (auto* v = std::get_if<consensus::VoteMsg>(&in)) m = v->vote;
    n.gossip.push_back(m);
    // Flooding: a message new to this node goes on to its other peers once. The Byzantine node
    // relays other proposals to half its peers with the transactions swapped (header and
    // signature unchanged), trying to make them reject the genuine block.
    Msg swapped = m;
    if (auto* p = std::get_if<std::shared_ptr<const Proposal>>(&m); p && n.byzantine) {
      Proposal copy = **p;
      copy.block.transactions.emplace_back();
      swapped = std::make_shared<const Proposal>(std::move(copy));
    }
    for (uint32_t to = 0; s_.flood && to < nodes_.size(); ++to)
      if (to != n.index && to != *from) Send(n.index, to, to % 2 ? swapped : m);
  }
  Execute(n, r);
}

void Cluster::Execute(Node& n, consensus::StepResult& r) {
  for (Output& o : r.outputs) {
    if (auto* p = std::get_if<consensus::BroadcastProposal>(&o)) {
      Broadcast(n, std::make_shared<const Proposal>(std::move(p->proposal)));
    } else if (auto* v = std::get_if<consensus::BroadcastVote>(&o)) {
      Broadcast(n, v->vote);
    } else if (auto* t = std::get_if<consensus::ScheduleTimeout>(&o)) {
      const uint64_t delay =
          t->delay_ms * static_cast<uint64_t>(s_.timer_rate_permille[n.index]) / 1000;
      Push(now_ + delay, Fire{n.index, n.incarnation, {t->height, t->round, t->step}});
    } else if (auto* c = std::get_if<consensus::Commit>(&o)) {
      CheckCommit(n, *c);
      n.app->Apply(c->block, c->certificate);
      const uint64_t h = n.app->height();
      if (n.byzantine) continue;
      auto [it, fresh] = app_roots_.emplace(h, n.app->app_root(h));
      if (!fresh && it->second != n.app->app_root(h))
        Fail("STATE: node " + std::to_string(n.index) + " has a different app root at height " +
             std::to_string(h));
    } else if (auto* e = std::get_if<consensus::Evidence>(&o)) {
      if (n.byzantine) continue;
      ++out_.evidence;
      evidence_seen_.insert({n.index, n.incarnation, e->vote_a.height, e->vote_a.round,
                             static_cast<uint8_t>(e->vote_a.type)});
      const Vote& a = e->vote_a;
      const Vote& b = e->vote_b;
      const auto& key = set_.validators[a.validator_index].public_key;
      const bool valid = a.validator_index == b.validator_index && a.height == b.height &&
                         a.round == b.round && a.type == b.type && a.block_hash != b.block_hash &&
                         crypto::Verify(key, a.SigningHash(genesis_).view(), a.signature) &&
                         crypto::Verify(key, b.SigningHash(genesis_).view(), b.signature);
      if (!valid) Fail("node " + std::to_string(n.index) + " produced invalid evidence");
      if (!nodes_[a.validator_index].byzantine)
        Fail("node " + std::to_string(n.index) + " produced evidence against honest validator " +
             std::to_string(a.validator_index) + " at height " + std::to_string(a.height) +
             " round " + std::to_string(a.round));
    } else if (auto* h = std::get_if<consensus::Halt>(&o)) {
      Fail("node " + std::to_string(n.index) + " halted: " + h->reason.ToString());
    }
  }
  const consensus::EngineStatus st = n.engine->status();
  if (std::make_pair(st.height, st.round) != n.position) {
    n.position = {st.height, st.round};
    n.progress_ms = now_;
  }
  const uint64_t h = st.height;
  if (h != n.gossip_height) {
    n.gossip_height = h;
    std::erase_if(n.gossip, [h](const Msg& m) { return HeightOf(m) != h; });
    std::erase_if(n.gossip_split, [h](const auto& m) { return HeightOf(m.first) != h; });
  }
}

// Own messages: gossiped from now on and sent to every peer (a Byzantine node sends a conflicting
// version to half of them).
void Cluster::Broadcast(Node& n, const Msg& m) {
  if (!n.byzantine) CheckSigned(n, m);
  if (trace_) {
    if (auto* v = std::get_if<Vote>(&m))
      std::printf("  %llu: node %u sends %s of %u h%llu r%u %s\n",
                  static_cast<unsigned long long>(now_), n.index,
                  v->type == types::VoteType::kPrevote ? "prevote" : "precommit",
                  v->validator_index, static_cast<unsigned long long>(v->height), v->round,
                  v->block_hash.IsZero() ? "nil" : ToHex(v->block_hash).substr(0, 8).c_str());
    else if (auto* p = std::get_if<std::shared_ptr<const Proposal>>(&m))
      std::printf("  %llu: node %u proposes h%llu r%u pol%d %s\n",
                  static_cast<unsigned long long>(now_), n.index,
                  static_cast<unsigned long long>((*p)->height), (*p)->round, (*p)->pol_round,
                  ToHex((*p)->BlockHash()).substr(0, 8).c_str());
  }
  const bool own = std::holds_alternative<Vote>(m)
                       ? std::get<Vote>(m).validator_index == n.index
                       : consensus::ProposerIndex(set_, HeightOf(m), RoundOf(m)) == n.index;
  if (n.byzantine && own) {
    Msg alt = Equivocate(n, m);
    n.gossip_split.emplace_back(m, alt);
    for (uint32_t to = 0; to < nodes_.size(); ++to)
      if (to != n.index) Send(n.index, to, to % 2 ? alt : m);
    return;
  }
  n.gossip.push_back(m);
  for (uint32_t to = 0; to < nodes_.size(); ++to)
    if (to != n.index) Send(n.index, to, m);
}

// A second, validly signed message for the same slot with different content.
Msg Cluster::Equivocate(Node& n, const Msg& m) {
  if (auto* v = std::get_if<Vote>(&m)) {
    Vote alt = *v;
    alt.block_hash = v->block_hash.IsZero() ? crypto::Blake2b256(AsBytes("byzantine")) : Hash32{};
    return types::SignVote(alt, *n.key, genesis_);
  }
  const auto& p = *std::get<std::shared_ptr<const Proposal>>(m);
  Proposal alt = p;
  if (p.height % 2 == 0) {
    // Same header and signature, other transactions: must be rejected as malformed without
    // spoiling the genuine block for the nodes that see this copy first.
    alt.block.transactions.emplace_back();
    return std::make_shared<const Proposal>(std::move(alt));
  }
  alt.pol_round = -1;
  alt.block = n.app->BuildBlock(p.height, p.round, n.app->last_commit(), /*variant=*/1);
  return std::make_shared<const Proposal>(consensus::SignProposal(alt, *n.key, genesis_));
}

void Cluster::OnDeliver(const Deliver& d) {
  Node& n = nodes_[d.to];
  if (!n.up || !Connected(d.from, d.to)) return;
  ++out_.deliveries;
  const uint64_t my_height = n.engine->status().height;
  const uint64_t their_height = HeightOf(d.msg);
  // The sender is behind: answer with the committed block it is missing (block sync).
  if (their_height < my_height && their_height >= 1 && their_height <= n.app->height() &&
      !std::holds_alternative<std::shared_ptr<const consensus::CommittedBlock>>(d.msg)) {
    auto& last = n.last_sync[d.from];
    if (last.first != their_height || now_ >= last.second + s_.gossip_interval_ms) {
      last = {their_height, now_};
      Send(n.index, d.from,
           std::make_shared<const consensus::CommittedBlock>(consensus::CommittedBlock{
               n.app->block(their_height), n.app->certificate(their_height)}));
    }
  }
  if (auto* p = std::get_if<std::shared_ptr<const Proposal>>(&d.msg)) {
    StepNode(n, consensus::ProposalMsg{**p}, d.from);
  } else if (auto* v = std::get_if<Vote>(&d.msg)) {
    StepNode(n, consensus::VoteMsg{*v}, d.from);
  } else if (auto* c = std::get_if<std::shared_ptr<const consensus::CommittedBlock>>(&d.msg)) {
    if ((*c)->certificate.height == my_height) StepNode(n, **c, d.from);
  }
}

void Cluster::OnGossip(Node& n) {
  for (uint32_t to = 0; to < nodes_.size(); ++to) {
    if (to == n.index) continue;
    Send(n.index, to, StatusMsg{n.engine->status().height});
    if (now_ < n.progress_ms + s_.gossip_interval_ms) continue;
    for (const Msg& m : n.gossip) Send(n.index, to, m);
    for (const auto& [m, alt] : n.gossip_split) Send(n.index, to, to % 2 ? alt : m);
  }
}

void Cluster::CheckCommit(Node& n, const consensus::Commit& c) {
  const uint64_t h = c.block.header.height;
  if (h != n.app->height() + 1)
    Fail("node " + std::to_string(n.index) + " committed height " + std::to_string(h) +
         " after height " + std::to_string(n.app->height()));
  // The real check on the first certificate of each height; later ones (often other subsets of
  // the same precommits) through the app's check with the shared signature cache.
  if (!verified_heights_.count(h)) {
    if (Status st = types::VerifyCommit(c.certificate, set_, genesis_); !st.ok())
      Fail("node " + std::to_string(n.index) +
           " committed with a bad certificate: " + st.ToString());
    verified_heights_.insert(h);
  } else if (!n.app->CertificateValid(c.certificate)) {
    Fail("node " + std::to_string(n.index) + " committed with a bad certificate at height " +
         std::to_string(h));
  }
  if (c.certificate.block_hash != c.block.Hash())
    Fail("node " + std::to_string(n.index) + " committed a certificate for another block");
  if (n.byzantine) return;
  auto [it, fresh] = committed_.emplace(h, c.block.Hash());
  if (!fresh && it->second != c.block.Hash())
    Fail("SAFETY: node " + std::to_string(n.index) + " committed " +
         ToHex(c.block.Hash()).substr(0, 16) + " at height " + std::to_string(h) +
         " where another honest node committed " + ToHex(it->second).substr(0, 16));
}

void Cluster::CheckSigned(Node& n, const Msg& m) {
  std::tuple<uint32_t, uint64_t, uint32_t, uint8_t> key;
  Hash32 content;
  // The engine also re-broadcasts others' messages (the polka it restores after a restart):
  // only what this node's own key signed counts here.
  if (auto* v = std::get_if<Vote>(&m)) {
    if (v->validator_index != n.index) return;
    key = {n.index, v->height, v->round, static_cast<uint8_t>(v->type)};
    content = v->block_hash;
  } else {
    const auto& p = *std::get<std::shared_ptr<const Proposal>>(m);
    if (consensus::ProposerIndex(set_, p.height, p.round) != n.index) return;
    key = {n.index, p.height, p.round, 0};
    content = p.SigningHash(genesis_);
  }
  auto [it, fresh] = signed_.emplace(key, content);
  if (!fresh && it->second != content)
    Fail("DOUBLE SIGN: honest node " + std::to_string(n.index) + " signed two different " +
         (std::get<3>(key) == 0   ? "proposals"
          : std::get<3>(key) == 1 ? "prevotes"
                                  : "precommits") +
         " at height " + std::to_string(std::get<1>(key)) + " round " +
         std::to_string(std::get<2>(key)) + " (lost WAL records?)");
}

uint64_t Cluster::MinHonestHeight() const {
  uint64_t h = UINT64_MAX;
  for (const Node& n : nodes_)
    if (!n.byzantine) h = std::min(h, n.app->height());
  return h;
}

uint64_t Cluster::MaxHonestHeight() const {
  uint64_t h = 0;
  for (const Node& n : nodes_)
    if (!n.byzantine) h = std::max(h, n.app->height());
  return h;
}

std::string Cluster::Where(const Node& n) const {
  if (!n.engine) return "node " + std::to_string(n.index) + " (down)";
  auto st = n.engine->status();
  return "node " + std::to_string(n.index) + " at height " + std::to_string(st.height) + " round " +
         std::to_string(st.round) + " step " + std::to_string(static_cast<int>(st.step)) +
         (n.up ? "" : " (down)");
}

Outcome Cluster::Run() {
  std::vector<types::ValidatorInfo> infos;
  std::vector<crypto::SigningKey> keys;
  for (size_t i = 0; i < s_.validators; ++i) {
    crypto::Seed seed;
    seed[0] = static_cast<uint8_t>(i);
    seed[1] = static_cast<uint8_t>(i >> 8);
    keys.push_back(crypto::SigningKey::FromSeed(seed));
    infos.push_back({keys.back().public_key(), 1});
  }
  set_ = types::ValidatorSet::Create(infos).value();
  // Voting power by position in the (sorted) set, so the Byzantine one (the last) gets its own.
  for (size_t i = 0; i < set_.validators.size() && i < s_.powers.size(); ++i)
    set_.validators[i].power = s_.powers[i];
  codec::Encoder g;
  g.WriteRaw(AsBytes("phalanx sim genesis"));
  g.WriteU64(s_.seed);
  genesis_ = crypto::Blake2b256(g.view());

  nodes_.resize(s_.validators);
  for (uint32_t i = 0; i < nodes_.size(); ++i) {
    Node& n = nodes_[i];
    n.index = i;
    for (const auto& k : keys)
      if (k.public_key() == set_.validators[i].public_key) n.key = k;
    n.byzantine = s_.byzantine && i + 1 == nodes_.size();
    n.app = std::make_unique<SimApp>(set_, genesis_, n.key->public_key(), verifier_);
    n.wal = std::make_unique<consensus::MemWal>(/*durable_appends=*/!s_.lossy_wal);
  }
  for (Node& n : nodes_) StartNode(n);
  for (Node& n : nodes_) Push(rng_.Uniform(1, s_.gossip_interval_ms), GossipTick{n.index});
  for (const Crash& c : s_.crashes) {
    Push(c.at_ms, CrashEv{c.node});
    Push(c.restart_ms, RestartEv{c.node});
  }

  std::optional<uint64_t> live_base;  // max honest height when the faults ended
  while (!queue_.empty() && out_.ok) {
    Event ev = queue_.top();
    queue_.pop();
    now_ = ev.at_ms;
    if (!live_base && now_ >= s_.fault_phase_ms) live_base = MaxHonestHeight();
    if (s_.stop_at_height ? MinHonestHeight() >= s_.stop_at_height
                          : live_base && MinHonestHeight() >= *live_base + kLiveHeights)
      break;
    if (live_base && now_ > s_.fault_phase_ms + s_.liveness_bound_ms) {
      for (const Node& n : nodes_)
        if (!n.byzantine && n.app->height() < *live_base + kLiveHeights)
          Fail("LIVENESS: " + Where(n) + " has not committed height " +
               std::to_string(*live_base + kLiveHeights) + " " +
               std::to_string(s_.liveness_bound_ms) + " ms after the network healed");
      break;
    }
    if (MaxHonestHeight() > kMaxHeights) {
      Fail("RUNAWAY: more than " + std::to_string(kMaxHeights) + " heights; timeouts too small?");
      break;
    }
    if (auto* d = std::get_if<Deliver>(&ev.body)) {
      OnDeliver(*d);
    } else if (auto* f = std::get_if<Fire>(&ev.body)) {
      Node& n = nodes_[f->node];
      if (n.up && n.incarnation == f->incarnation) StepNode(n, f->timeout);
    } else if (auto* t = std::get_if<GossipTick>(&ev.body)) {
      Node& n = nodes_[t->node];
      if (n.up) OnGossip(n);
      Push(now_ + s_.gossip_interval_ms, GossipTick{t->node});
    } else if (auto* c = std::get_if<CrashEv>(&ev.body)) {
      Node& n = nodes_[c->node];
      if (trace_) std::printf("  %llu: node %u crashes\n", (unsigned long long)now_, n.index);
      n.up = false;
      ++n.incarnation;
      n.engine.reset();
      n.wal->Crash();
    } else if (auto* r = std::get_if<RestartEv>(&ev.body)) {
      if (trace_) std::printf("  %llu: node %u restarts\n", (unsigned long long)now_, r->node);
      StartNode(nodes_[r->node]);
    }
  }
  // Every honest engine that took in two different votes of the Byzantine validator for one slot
  // reported it (both were verified, so the pair is proof).
  for (const auto& [slot, hashes] : byzantine_votes_seen_) {
    if (out_.ok && hashes.size() >= 2 && !evidence_seen_.count(slot))
      Fail("EVIDENCE: node " + std::to_string(std::get<0>(slot)) +
           " took in conflicting votes of the Byzantine validator at height " +
           std::to_string(std::get<2>(slot)) + " round " + std::to_string(std::get<3>(slot)) +
           " but produced no evidence");
  }
  out_.heights = MinHonestHeight();
  out_.sim_ms = now_;
  return out_;
}

}  // namespace

Outcome Run(const Scenario& scenario, bool trace) { return Cluster(scenario, trace).Run(); }

}  // namespace phalanx::sim
