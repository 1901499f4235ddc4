// The p2p Network: Noise-encrypted TCP connections to peers, gossip with a seen-cache, bootnode
// reconnection with backoff, connection limits, peer scoring and bans, and fault hooks. One
// network thread owns all connections; the handler runs on it. Public methods are thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "phalanx/base/bytes.h"
#include "phalanx/base/result.h"
#include "phalanx/crypto/ed25519.h"
#include "phalanx/p2p/faults.h"
#include "phalanx/p2p/frame.h"
#include "phalanx/p2p/identity.h"
#include "phalanx/p2p/limits.h"
#include "phalanx/p2p/scoring.h"

namespace phalanx::p2p {

struct PeerInfo {
  PeerId id;
  std::string address;  // "ip:port" of the remote end
  bool inbound = false;
  int score = 0;
  uint64_t connected_for_ms = 0;
  uint64_t messages_sent = 0;
  uint64_t messages_received = 0;
  uint64_t bytes_sent = 0;      // on the wire, encrypted
  uint64_t bytes_received = 0;  // on the wire, encrypted
  size_t pending_outbound_bytes = 0;
};

struct NetworkStats {
  uint64_t connections_accepted = 0;
  uint64_t connections_dialed = 0;
  uint64_t handshakes_failed = 0;
  uint64_t bans = 0;
  uint64_t rejected_banned = 0;    // connections refused because the IP or peer is banned
  uint64_t rejected_limit = 0;     // connections refused by max peers / pending handshakes
  uint64_t gossip_duplicates = 0;  // messages dropped by the seen-cache
  uint64_t messages_relayed = 0;
  uint64_t fault_dropped = 0;  // messages dropped by loss or partition
  uint64_t fault_duplicated = 0;
  uint64_t send_to_unknown_peer = 0;  // Send to a peer that is not connected
};

// Called on the network thread; must not block for long (it stalls every connection).
class NetworkHandler {
 public:
  virtual ~NetworkHandler() = default;
  // A message on any channel. On gossip channels each distinct payload arrives once (the
  // seen-cache drops repeats), and kOk relays it to the other peers.
  virtual Verdict OnMessage(const PeerId& peer, Channel channel, ByteView payload) = 0;
  virtual void OnPeerConnected(const PeerInfo& peer) {}
  virtual void OnPeerDisconnected(const PeerId& peer, std::string_view reason) {}
  // Every limits.tick_ms.
  virtual void OnTick(uint64_t now_ms) {}
};

// The part of a Network that protocols built on it (BlockSync) use; tests fake it.
class PeerMessenger {
 public:
  virtual ~PeerMessenger() = default;
  virtual void Send(const PeerId& peer, Channel channel, ByteView payload) = 0;
  // Scores a peer for something found after OnMessage returned (a block that failed to apply).
  // Takes effect after the current handler call returns.
  virtual void ReportPeer(const PeerId& peer, Verdict verdict, std::string_view reason) = 0;
};

struct NetworkOptions {
  // "ip:port" to listen on ("0.0.0.0:30333"; port 0 picks one); empty = do not listen.
  std::string listen_addr = "0.0.0.0:30333";
  std::optional<crypto::SigningKey> node_key;  // required
  // Mixed into the Noise prologue: nodes of different chains (genesis hashes) fail the
  // handshake instead of exchanging messages.
  Bytes network_id;
  // "host:port" or "<peer id hex>@host:port" (then the peer must prove that id). Dialed at
  // start and redialed with backoff whenever not connected.
  std::vector<std::string> bootnodes;
  NetworkLimits limits;
  FaultConfig faults;
  // Merge PHALANX_P2P_FAULTS from the environment into `faults` at Start.
  bool read_faults_env = true;
};

class Network final : public PeerMessenger {
 public:
  Network();
  ~Network() override;  // Stop()s
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  // Binds, then starts the network thread. `handler` must outlive Stop().
  Status Start(NetworkOptions options, NetworkHandler* handler);
  // Closes every connection and joins the network thread. Idempotent.
  void Stop();

  const PeerId& local_id() const;
  // The bound listening port (useful with port 0), 0 when not listening.
  uint16_t listen_port() const;

  // Queues `payload` to every connected peer but `except`; on gossip channels it also enters
  // the seen-cache so echoes are not delivered back.
  void Broadcast(Channel channel, ByteView payload,
                 const std::optional<PeerId>& except = std::nullopt);
  // Queues `payload` to one peer; counted in stats().send_to_unknown_peer if not connected.
  void Send(const PeerId& peer, Channel channel, ByteView payload) override;
  void ReportPeer(const PeerId& peer, Verdict verdict, std::string_view reason) override;
  // Dials `address` (bootnode syntax) and keeps redialing it like a bootnode.
  void AddPeerAddress(std::string address);
  void Disconnect(const PeerId& peer, std::string reason);

  // Fault hooks; nullopt = every peer without its own setting.
  void SetFault(const std::optional<PeerId>& peer, const FaultSpec& spec);
  void ClearFaults();

  std::vector<PeerInfo> Peers() const;
  std::vector<BanInfo> Bans() const;
  NetworkStats stats() const;
  // Runs `fn` on the network thread (immediately when called from it).
  void Post(std::function<void()> fn);
  bool OnNetworkThread() const;

  struct Impl;

 private:
  // Queues `fn` for the network thread's next loop iteration, even when called from it.
  void PostDeferred(std::function<void()> fn);

  std::unique_ptr<Impl> impl_;
};

}  // namespace phalanx::p2p
