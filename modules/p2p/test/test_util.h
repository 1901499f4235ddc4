// Helpers for p2p tests on loopback: a Network with a recording handler, polling waits, and a
// raw client that speaks (or abuses) the wire protocol from a blocking socket.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "phalanx/p2p/frame.h"
#include "phalanx/p2p/identity.h"
#include "phalanx/p2p/network.h"
#include "phalanx/p2p/noise.h"

namespace phalanx::p2p::testing {

inline bool WaitFor(const std::function<bool()>& pred, int timeout_ms = 5000) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return pred();
}

struct Received {
  PeerId peer;
  Channel channel;
  std::string payload;
};

// Records everything; answers kInvalid for payloads starting with "bad", kOk otherwise.
class RecordingHandler : public NetworkHandler {
 public:
  Verdict OnMessage(const PeerId& peer, Channel channel, ByteView payload) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::string s(payload.begin(), payload.end());
    messages_.push_back({peer, channel, s});
    return s.starts_with("bad") ? Verdict::kInvalid : Verdict::kOk;
  }
  void OnPeerConnected(const PeerInfo& peer) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++connected_;
  }
  void OnPeerDisconnected(const PeerId& peer, std::string_view reason) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++disconnected_;
  }
  std::vector<Received> messages() const {
    std::lock_guard<std::mutex> lock(mu_);
    return messages_;
  }
  size_t Count(std::string_view payload) const {
    std::lock_guard<std::mutex> lock(mu_);
    size_t n = 0;
    for (const auto& m : messages_) n += m.payload == payload;
    return n;
  }
  int disconnected() const {
    std::lock_guard<std::mutex> lock(mu_);
    return disconnected_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<Received> messages_;
  int connected_ = 0;
  int disconnected_ = 0;
};

inline crypto::SigningKey KeyFor(uint8_t i) {
  crypto::Seed seed;
  seed.data.fill(i);
  return crypto::SigningKey::FromSeed(seed);
}

struct TestNode {
  Network net;
  RecordingHandler handler;

  ~TestNode() { net.Stop(); }  // the handler must outlive the network thread
  Status Start(uint8_t key, std::vector<std::string> bootnodes = {},
               const std::function<void(NetworkOptions&)>& tweak = {}) {
    NetworkOptions o;
    o.listen_addr = "127.0.0.1:0";
    o.node_key = KeyFor(key);
    o.network_id = {1, 2, 3};
    o.bootnodes = std::move(bootnodes);
    o.read_faults_env = false;
    o.limits.reconnect_min_ms = 50;
    o.limits.tick_ms = 20;
    if (tweak) tweak(o);
    return net.Start(std::move(o), &handler);
  }
  std::string Address() const {
    return PeerIdHex(net.local_id()) + "@127.0.0.1:" + std::to_string(net.listen_port());
  }
  bool HasPeer(const PeerId& id) const {
    for (const PeerInfo& p : net.Peers())
      if (p.id == id) return true;
    return false;
  }
};

// A blocking TCP client that can complete the handshake as an initiator and then send frames,
// well-formed or not.
class RawClient {
 public:
  explicit RawClient(uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
    timeval tv{5, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~RawClient() {
    if (fd_ >= 0) close(fd_);
  }
  bool connected() const { return connected_; }

  bool SendRaw(ByteView bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == ssize_t(bytes.size());
  }
  // Reads one record; empty on EOF or error.
  Bytes ReadRecord() {
    uint8_t hdr[2];
    if (!ReadExact(hdr, 2)) return {};
    Bytes rec((size_t{hdr[0]} << 8) | hdr[1]);
    if (!ReadExact(rec.data(), rec.size())) return {};
    return rec;
  }
  // True when the server closed the connection (EOF or reset) within the timeout.
  bool ClosedByServer(int timeout_ms = 5000) {
    pollfd p{fd_, POLLIN, 0};
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
      if (poll(&p, 1, 50) > 0) {
        uint8_t buf[4096];
        const ssize_t n = recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) return true;
      }
    }
    return false;
  }
  void ShutdownWrite() { shutdown(fd_, SHUT_WR); }

  // The XX handshake as initiator with `key`; true when the server accepted message 2.
  // With `forge_identity`, the identity payload signs a different Noise static key.
  bool Handshake(const crypto::SigningKey& key, Bytes network_id = {1, 2, 3},
                 bool forge_identity = false) {
    Bytes prologue(AsBytes("phalanx/p2p/v1").begin(), AsBytes("phalanx/p2p/v1").end());
    prologue.insert(prologue.end(), network_id.begin(), network_id.end());
    noise::HandshakeState hs(noise::Role::kInitiator, crypto::X25519KeyPair::Generate(), prologue);
    Bytes m0, wire;
    if (!hs.WriteMessage({}, m0).ok()) return false;
    AppendRecord(m0, wire);
    if (!SendRaw(wire)) return false;
    Bytes m1 = ReadRecord();
    Result<Bytes> payload = hs.ReadMessage(m1);
    if (!payload.ok()) return false;
    if (!VerifyIdentityPayload(*payload, *hs.remote_static()).ok()) return false;
    Bytes m2;
    const FixedBytes<32> signed_static =
        forge_identity ? crypto::X25519KeyPair::Generate().public_key : hs.local_static_public();
    if (!hs.WriteMessage(MakeIdentityPayload(key, signed_static), m2).ok()) {
      return false;
    }
    wire.clear();
    AppendRecord(m2, wire);
    if (!SendRaw(wire)) return false;
    transport_ = hs.Finish().value();
    return true;
  }
  noise::TransportState& transport() { return *transport_; }
  bool SendFrame(Channel ch, std::string_view payload) {
    Bytes wire;
    if (!SealFrame(transport_->send, ch, AsBytes(payload), wire).ok()) return false;
    return SendRaw(wire);
  }

 private:
  bool ReadExact(uint8_t* p, size_t n) {
    while (n > 0) {
      const ssize_t r = recv(fd_, p, n, 0);
      if (r <= 0) return false;
      p += r;
      n -= static_cast<size_t>(r);
    }
    return true;
  }
  int fd_ = -1;
  bool connected_ = false;
  std::optional<noise::TransportState> transport_;
};

}  // namespace phalanx::p2p::testing
