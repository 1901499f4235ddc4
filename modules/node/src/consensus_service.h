// ConsensusService: runs the BFT engine (modules/consensus) for this node and connects it to the
// chain, the transaction pool and the p2p network (modules/p2p).
//
// Threads: one driver thread owns the consensus::Engine and its timers; the network thread
// delivers messages (decoded there, then queued to the driver) and runs block sync, which imports
// blocks directly into the chain. Both commit paths (a decision of the engine, a block fetched by
// sync) go through CommitLocked under commit_mu_, so blocks are published in height order exactly
// once, whichever path gets there first.
//
// Consensus channel payload: u8 kind (0 proposal, 1 vote) || u8 copy (0 first send, then a
// re-send counter) || the encoded message.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <variant>

#include "phalanx/consensus/engine.h"
#include "phalanx/consensus/wal.h"
#include "phalanx/mempool/mempool.h"
#include "phalanx/node/chain.h"
#include "phalanx/p2p/block_sync.h"
#include "phalanx/p2p/network.h"

namespace phalanx::node {

struct ConsensusServiceOptions {
  consensus::Config config;
  std::optional<crypto::SigningKey> validator;  // none: follow the chain without voting
  std::filesystem::path wal_path;
  // The p2p network; none: a single node that talks to nobody (the dev chain).
  std::optional<p2p::NetworkOptions> network;
  // Proposals from clocks further ahead than this are refused (they would drag block time).
  uint64_t max_clock_drift_ms = 15'000;
};

class ConsensusService final : public consensus::Application,
                               public p2p::NetworkHandler,
                               public p2p::BlockSource,
                               public p2p::BlockSink {
 public:
  struct Hooks {
    std::function<mempool::ChainView()> view;
    // Called once per committed block, in height order, under the commit lock.
    std::function<void(const ProducedBlock&)> on_commit;
  };

  static Result<std::unique_ptr<ConsensusService>> Start(Chain& chain, mempool::Mempool& pool,
                                                         ConsensusServiceOptions options,
                                                         Hooks hooks);
  ~ConsensusService() override;
  void Stop();

  // Gossips a transaction this node accepted from a client.
  void BroadcastTransaction(ByteView encoded);
  consensus::EngineStatus status() const;
  p2p::Network* network() { return network_.get(); }
  bool syncing() const { return syncing_.load(); }
  size_t peer_count() const;

  // consensus::Application (driver thread).
  Result<types::Block> ProposeBlock(
      uint64_t height, uint32_t round,
      const std::optional<types::CommitCertificate>& last_commit) override;
  Check CheckBlock(const types::Block& block) override;
  Result<types::ValidatorSet> Validators(uint64_t height) override;

  // p2p::NetworkHandler (network thread).
  p2p::Verdict OnMessage(const p2p::PeerId& peer, p2p::Channel channel, ByteView payload) override;
  void OnPeerConnected(const p2p::PeerInfo& peer) override;
  void OnPeerDisconnected(const p2p::PeerId& peer, std::string_view reason) override;
  void OnTick(uint64_t now_ms) override;

  // p2p::BlockSource and BlockSink (network thread).
  p2p::SyncStatus Head() override;
  Result<p2p::SyncBlock> GetBlockWithCert(uint64_t height) override;
  Status ApplyBlock(const types::Block& block, const types::CommitCertificate& cert) override;

 private:
  ConsensusService(Chain& chain, mempool::Mempool& pool, ConsensusServiceOptions options,
                   Hooks hooks);

  // A message for the driver: an engine input (with the peer that sent it, if any), or a note
  // that sync moved the head.
  struct HeadMoved {};
  struct PeerJoined {
    p2p::PeerId peer;
  };
  struct Queued {
    std::variant<consensus::Input, HeadMoved, PeerJoined> item;
    std::optional<p2p::PeerId> from;
  };

  void Enqueue(Queued q);
  void DriverLoop();
  void Handle(Queued q);
  void Execute(std::vector<consensus::Output>& outputs);
  // (Re)starts the engine at the chain head + 1 when it is not already there.
  void FollowHead(bool force);
  // Commits `block` unless the chain already has it; the one place blocks get committed.
  Status CommitLocked(const types::Block& block, const types::CommitCertificate& cert,
                      std::optional<PreparedBlock> prepared,
                      Chain::Durability durability = Chain::Durability::kDurable);
  void SubmitEvidence(const consensus::Evidence& e);
  // The head height `peer` last announced (block sync Status), if any.
  std::optional<uint64_t> PeerHeight(const p2p::PeerId& peer) const;
  // Records an own signed message of the current height for re-sending.
  void RememberOwn(uint64_t height, Bytes payload);
  // Sends this node's own messages of the current height again: to `peer` (a peer that just
  // connected), or to everyone when the height has not moved for a while. Votes are gossiped
  // once; without this, a validator that restarts or reconnects mid-round never learns the votes
  // it missed and a network that lost quorum could not regain it.
  void ResendOwn(const std::optional<p2p::PeerId>& peer);

  Chain& chain_;
  mempool::Mempool& pool_;
  // Transactions in the pool had their signatures checked on the way in; block checks skip them.
  const std::function<bool(const Hash32&)> pool_verified_ = [this](const Hash32& tx) {
    return pool_.Contains(tx);
  };
  ConsensusServiceOptions options_;
  Hooks hooks_;
  std::unique_ptr<consensus::FileWal> wal_;
  std::unique_ptr<consensus::Engine> engine_;  // driver thread only (status() takes status_mu_)
  std::unique_ptr<p2p::Network> network_;
  std::unique_ptr<p2p::BlockSync> sync_;  // network thread only
  std::atomic<bool> syncing_{false};

  // Blocks executed for the height being decided, by hash (driver thread only).
  std::map<Hash32, PreparedBlock> prepared_;
  uint64_t prepared_height_ = 0;
  // Own proposal and votes of own_height_, newest last (driver thread only).
  std::deque<Bytes> own_messages_;
  uint64_t own_height_ = 0;
  uint64_t resend_seen_height_ = 0;
  uint64_t resend_copy_ = 0;
  // When the engine started the height it is deciding (driver thread only).
  std::chrono::steady_clock::time_point height_started_ = std::chrono::steady_clock::now();

  std::mutex commit_mu_;  // serialises CommitLocked

  mutable std::mutex peer_heights_mu_;
  std::map<p2p::PeerId, uint64_t> peer_heights_;

  mutable std::mutex status_mu_;
  consensus::EngineStatus status_;

  std::mutex mu_;  // guards queue_, timers_, stopping_
  std::condition_variable cv_;
  std::deque<Queued> queue_;
  std::multimap<std::chrono::steady_clock::time_point, consensus::Timeout> timers_;
  bool stopping_ = false;
  std::thread driver_;
};

}  // namespace phalanx::node
