// Network internals shared by network.cc (the event loop, timers, dialing, public API) and
// connection.cc (one connection's handshake, framing, scoring and writes).
//
// Why POSIX sockets and epoll rather than Boost.Asio: the p2p layer needs a handful of
// non-blocking TCP operations, one thread, and exact control of when bytes are encrypted (fault
// delays must hold frames back before they take a nonce) and of per-peer buffers (limits). That
// is ~150 lines of epoll; Asio would add a slow-to-compile dependency and its own buffering
// policy to reason about. Everything below is touched only on the network thread except where
// a member says otherwise.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "phalanx/p2p/network.h"
#include "phalanx/p2p/noise.h"
#include "seen_cache.h"

namespace phalanx::p2p {

enum class ConnState : uint8_t { kConnecting, kHandshake, kEstablished, kClosed };

struct Conn {
  int fd = -1;
  ConnState state = ConnState::kConnecting;
  bool inbound = false;
  std::string ip;
  std::string address;  // ip:port
  int dial_index = -1;  // index into Impl::dials for outbound connections
  uint64_t started_ms = 0;
  uint64_t established_ms = 0;
  std::optional<noise::HandshakeState> handshake;
  std::optional<noise::TransportState> transport;
  std::optional<PeerId> expected_peer;  // from a "<id>@host:port" address
  std::optional<PeerId> peer;
  RecordReader records;
  FrameDecoder frames{kMaxFrameBytes};
  Bytes plaintext;  // scratch for one record's plaintext
  Bytes staged;     // plaintext of small frames, sealed together before the next write
  Bytes out;        // encrypted bytes not yet written
  size_t out_pos = 0;
  bool want_write = false;  // EPOLLOUT registered
  bool dirty = false;       // in Impl::dirty, to be flushed at the end of the loop iteration
  int score = 0;
  uint64_t last_recovery_ms = 0;
  uint64_t messages_sent = 0, messages_received = 0, bytes_sent = 0, bytes_received = 0;

  size_t pending() const { return out.size() - out_pos + staged.size(); }
};

struct Dial {
  std::string address;  // as given
  std::string host;
  uint16_t port = 0;
  std::optional<PeerId> expected_peer;
  std::optional<PeerId> learned_peer;  // from the last successful handshake
  Conn* conn = nullptr;                // the connection under way or established
  uint64_t next_attempt_ms = 0;
  uint32_t backoff_ms = 0;
  bool is_self = false;  // dialed ourselves: never again
};

struct Delayed {
  uint64_t due_ms = 0;
  uint64_t seq = 0;  // keeps equal due times in send order
  PeerId peer;
  Channel channel = Channel::kControl;
  Bytes payload;
  bool operator>(const Delayed& o) const {
    return due_ms != o.due_ms ? due_ms > o.due_ms : seq > o.seq;
  }
};

struct Network::Impl {
  NetworkOptions options;
  NetworkHandler* handler = nullptr;
  PeerId local_id;
  Bytes prologue;
  int epoll_fd = -1;
  int listen_fd = -1;
  int wake_fd = -1;
  std::atomic<uint16_t> port{0};
  std::thread thread;
  std::atomic<bool> running{false};
  std::atomic<bool> stop_requested{false};
  std::thread::id thread_id;

  std::mutex commands_mu;  // guards commands (any thread)
  std::vector<std::function<void()>> commands;

  std::unordered_map<int, std::unique_ptr<Conn>> conns;  // by fd
  std::vector<std::unique_ptr<Conn>> graveyard;          // closed this iteration
  std::map<PeerId, Conn*> peers;                         // established
  std::vector<Conn*> dirty;
  std::vector<Dial> dials;
  std::priority_queue<Delayed, std::vector<Delayed>, std::greater<>> delayed;
  uint64_t delayed_seq = 0;
  SeenCache seen{0};
  BanList bans{0};
  FaultInjector faults;
  NetworkStats stats;
  uint64_t next_tick_ms = 0;
  Bytes read_buffer;

  static uint64_t NowMs();
  void Loop();
  void RunCommands();
  void RunTimers(uint64_t now_ms);
  void FlushDirty();

  // Listening and dialing (network.cc).
  void AcceptAll();
  void StartDial(int index, uint64_t now_ms);
  void OnDialEnded(Conn* c, uint64_t now_ms);

  // One connection (connection.cc).
  Conn* AddConn(int fd, bool inbound, std::string ip, std::string address);
  void OnReadable(Conn* c);
  void OnWritable(Conn* c);
  void OnConnected(Conn* c);
  Status OnRecord(Conn* c, ByteView record);
  Status OnHandshakeMessage(Conn* c, ByteView message);
  Status OnFrame(Conn* c, Channel channel, ByteView payload);
  Status WriteHandshake(Conn* c, ByteView payload);
  void Established(Conn* c);
  // Queues a frame, applying fault hooks unless `bypass_faults` (delayed frames already passed).
  void QueueFrame(Conn* c, Channel channel, ByteView payload, bool bypass_faults = false);
  void SendNow(Conn* c, Channel channel, ByteView payload);
  void MarkDirty(Conn* c);
  // Encrypts the staged small frames into `out`.
  Status SealStaged(Conn* c);
  void Flush(Conn* c);
  void UpdateInterest(Conn* c);
  void Penalize(Conn* c, Verdict verdict, std::string_view reason);
  // Closes at once for a framing/handshake violation and bans the peer id and IP.
  void BanAndClose(Conn* c, std::string reason);
  void Close(Conn* c, std::string reason);
  bool IpBannable(const std::string& ip) const;

  void Broadcast(Channel channel, ByteView payload, const std::optional<PeerId>& except);
  void Relay(Conn* from, Channel channel, ByteView payload);
  PeerInfo Info(const Conn* c, uint64_t now_ms) const;
};

}  // namespace phalanx::p2p
