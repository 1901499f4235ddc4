// Network: the public API, the epoll event loop and its timers, listening and dialing.
// Connection-level logic lives in connection.cc; the design note is in network_impl.h.
#include "phalanx/p2p/network.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <future>

#include "network_impl.h"
#include "phalanx/base/log.h"

namespace phalanx::p2p {
namespace {

constexpr char kProloguePrefix[] = "phalanx/p2p/v1";
constexpr size_t kReadBufferBytes = size_t{256} << 10;

struct HostPort {
  std::optional<PeerId> peer;
  std::string host;
  uint16_t port = 0;
};

// "host:port" or "<64 hex>@host:port".
Result<HostPort> ParseAddress(std::string_view address) {
  HostPort out;
  const size_t at = address.find('@');
  if (at != std::string_view::npos) {
    ASSIGN_OR_RETURN(out.peer, ParsePeerId(address.substr(0, at)));
    address = address.substr(at + 1);
  }
  const size_t colon = address.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return InvalidArgument("peer address '" + std::string(address) +
                           "' is not host:port or <peer id>@host:port");
  }
  out.host = std::string(address.substr(0, colon));
  const std::string port_text(address.substr(colon + 1));
  char* end = nullptr;
  const long port = std::strtol(port_text.c_str(), &end, 10);
  if (port_text.empty() || *end != '\0' || port < 0 || port > 65535) {
    return InvalidArgument("bad port in peer address '" + std::string(address) + "'");
  }
  out.port = static_cast<uint16_t>(port);
  return out;
}

Result<sockaddr_in> Resolve(const std::string& host, uint16_t port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  if (inet_pton(AF_INET, host.c_str(), &sa.sin_addr) == 1) return sa;
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0 || res == nullptr) {
    return Unavailable("cannot resolve host '" + host + "' (IPv4)");
  }
  sa.sin_addr = reinterpret_cast<sockaddr_in*>(res->ai_addr)->sin_addr;
  freeaddrinfo(res);
  return sa;
}

std::string IpOf(const sockaddr_in& sa) {
  char buf[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &sa.sin_addr, buf, sizeof buf);
  return buf;
}

Status ValidateLimits(const NetworkLimits& l) {
  if (l.max_frame_bytes < 64 || l.max_frame_bytes > kMaxFrameBytes) {
    return InvalidArgument("max_frame_bytes must be 64.." + std::to_string(kMaxFrameBytes));
  }
  if (l.max_pending_outbound_bytes_per_peer < l.max_frame_bytes + (size_t{1} << 20)) {
    return InvalidArgument("max_pending_outbound_bytes_per_peer must exceed max_frame_bytes");
  }
  if (l.max_inbound_peers < 0 || l.max_outbound_peers < 0 || l.max_pending_handshakes < 1) {
    return InvalidArgument("peer limits must be non-negative and pending handshakes >= 1");
  }
  if (l.tick_ms == 0 || l.tick_ms > 10'000) return InvalidArgument("tick_ms must be 1..10000");
  if (l.reconnect_min_ms == 0 || l.reconnect_max_ms < l.reconnect_min_ms) {
    return InvalidArgument("reconnect backoff must satisfy 0 < min <= max");
  }
  return Status::Ok();
}

}  // namespace

uint64_t Network::Impl::NowMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

Network::Network() : impl_(std::make_unique<Impl>()) {}

Network::~Network() { Stop(); }

Status Network::Start(NetworkOptions options, NetworkHandler* handler) {
  Impl& m = *impl_;
  if (m.running) return FailedPrecondition("network already started");
  if (!options.node_key) return InvalidArgument("NetworkOptions.node_key is required");
  RETURN_IF_ERROR(ValidateLimits(options.limits));
  if (options.read_faults_env) {
    if (const char* env = std::getenv(kFaultsEnvVar); env && *env) {
      Result<FaultConfig> parsed = ParseFaultConfig(env);
      if (!parsed.ok()) return parsed.status().WithContext(kFaultsEnvVar);
      if (parsed->seed != 0) options.faults.seed = parsed->seed;
      if (parsed->all) options.faults.all = parsed->all;
      for (auto& [peer, spec] : parsed->per_peer) options.faults.per_peer[peer] = spec;
    }
  }
  std::vector<Dial> dials;
  for (const std::string& b : options.bootnodes) {
    ASSIGN_OR_RETURN(HostPort hp, ParseAddress(b));
    Dial d;
    d.address = b;
    d.host = hp.host;
    d.port = hp.port;
    d.expected_peer = hp.peer;
    d.backoff_ms = options.limits.reconnect_min_ms;
    dials.push_back(std::move(d));
  }

  m.options = std::move(options);
  m.handler = handler;
  m.local_id = m.options.node_key->public_key();
  m.prologue.assign(kProloguePrefix, kProloguePrefix + sizeof(kProloguePrefix) - 1);
  m.prologue.insert(m.prologue.end(), m.options.network_id.begin(), m.options.network_id.end());
  m.seen = SeenCache(m.options.limits.seen_cache_entries);
  m.bans = BanList(m.options.limits.max_bans);
  m.faults = FaultInjector(m.options.faults);
  m.dials = std::move(dials);
  m.stats = {};
  m.read_buffer.resize(kReadBufferBytes);
  m.stop_requested = false;

  // Listen first: a busy port is the common failure and leaves nothing to clean up.
  int listen_fd = -1;
  uint16_t port = 0;
  std::string listen_host;
  if (!m.options.listen_addr.empty()) {
    ASSIGN_OR_RETURN(HostPort hp, ParseAddress(m.options.listen_addr));
    ASSIGN_OR_RETURN(sockaddr_in sa, Resolve(hp.host, hp.port));
    listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const int one = 1;
    setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (listen_fd < 0 || bind(listen_fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 ||
        listen(listen_fd, 128) != 0) {
      const std::string err = strerror(errno);
      if (listen_fd >= 0) ::close(listen_fd);
      return Unavailable("cannot listen on " + m.options.listen_addr + ": " + err);
    }
    socklen_t len = sizeof sa;
    getsockname(listen_fd, reinterpret_cast<sockaddr*>(&sa), &len);
    port = ntohs(sa.sin_port);
    listen_host = hp.host;
  }
  m.epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  m.wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (m.epoll_fd < 0 || m.wake_fd < 0) {
    const std::string err = strerror(errno);
    for (int fd : {listen_fd, m.epoll_fd, m.wake_fd})
      if (fd >= 0) ::close(fd);
    m.epoll_fd = m.wake_fd = -1;
    return IOError("epoll/eventfd: " + err);
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = m.wake_fd;
  epoll_ctl(m.epoll_fd, EPOLL_CTL_ADD, m.wake_fd, &ev);
  m.listen_fd = listen_fd;
  m.port = port;
  if (listen_fd >= 0) {
    ev.data.fd = listen_fd;
    epoll_ctl(m.epoll_fd, EPOLL_CTL_ADD, listen_fd, &ev);
    PHX_LOG_INFO("p2p: listening on {}:{} as peer {}", listen_host, port, PeerIdHex(m.local_id));
  }
  m.running = true;
  m.thread = std::thread([&m] {
    m.thread_id = std::this_thread::get_id();
    m.Loop();
  });
  return Status::Ok();
}

void Network::Stop() {
  Impl& m = *impl_;
  if (!m.running) return;
  m.stop_requested = true;
  const uint64_t one = 1;
  (void)!::write(m.wake_fd, &one, sizeof one);
  if (m.thread.joinable()) m.thread.join();
  m.running = false;
  if (m.listen_fd >= 0) ::close(m.listen_fd);
  ::close(m.wake_fd);
  ::close(m.epoll_fd);
  m.listen_fd = m.wake_fd = m.epoll_fd = -1;
  m.port = 0;
}

void Network::Impl::Loop() {
  std::vector<epoll_event> events(64);
  next_tick_ms = NowMs();
  while (!stop_requested) {
    uint64_t now = NowMs();
    uint64_t wait_ms = next_tick_ms > now ? next_tick_ms - now : 0;
    if (!delayed.empty())
      wait_ms =
          std::min(wait_ms, delayed.top().due_ms > now ? delayed.top().due_ms - now : uint64_t{0});
    const int n = epoll_wait(epoll_fd, events.data(), static_cast<int>(events.size()),
                             static_cast<int>(wait_ms));
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == wake_fd) {
        uint64_t v;
        (void)!::read(wake_fd, &v, sizeof v);
        RunCommands();
        continue;
      }
      if (fd == listen_fd) {
        AcceptAll();
        continue;
      }
      auto it = conns.find(fd);
      if (it == conns.end()) continue;
      Conn* c = it->second.get();
      if (events[i].events & EPOLLOUT) OnWritable(c);
      if (c->state != ConnState::kClosed && (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
        if (c->state == ConnState::kConnecting) {
          OnConnected(c);  // reports the connect error
        } else {
          OnReadable(c);
        }
      }
    }
    RunTimers(NowMs());
    FlushDirty();
    graveyard.clear();
  }
  std::vector<Conn*> all;
  for (auto& [fd, c] : conns) all.push_back(c.get());
  for (Conn* c : all) Close(c, "network stopping");
  graveyard.clear();
  RunCommands();  // releases callers waiting in RunSync
}

void Network::Impl::RunCommands() {
  std::vector<std::function<void()>> batch;
  {
    std::lock_guard<std::mutex> lock(commands_mu);
    batch.swap(commands);
  }
  for (auto& fn : batch) fn();
}

void Network::Impl::FlushDirty() {
  std::vector<Conn*> batch;
  batch.swap(dirty);
  for (Conn* c : batch) {
    c->dirty = false;
    Flush(c);
  }
}

void Network::Impl::RunTimers(uint64_t now) {
  while (!delayed.empty() && delayed.top().due_ms <= now) {
    Delayed d = delayed.top();
    delayed.pop();
    auto it = peers.find(d.peer);
    if (it != peers.end()) QueueFrame(it->second, d.channel, d.payload, true);
  }
  if (now < next_tick_ms) return;
  next_tick_ms = now + options.limits.tick_ms;

  std::vector<Conn*> expired;
  for (auto& [fd, c] : conns) {
    if (c->state != ConnState::kEstablished &&
        now - c->started_ms >= options.limits.handshake_timeout_ms) {
      expired.push_back(c.get());
    }
  }
  for (Conn* c : expired) {
    ++stats.handshakes_failed;
    Close(c, "handshake timed out");
  }
  int outbound = 0;
  for (auto& [fd, c] : conns) outbound += c->inbound ? 0 : 1;
  for (size_t i = 0; i < dials.size(); ++i) {
    Dial& d = dials[i];
    if (d.is_self || d.conn != nullptr || now < d.next_attempt_ms) continue;
    const std::optional<PeerId>& known = d.expected_peer ? d.expected_peer : d.learned_peer;
    if (known && (peers.count(*known) || bans.IsPeerBanned(*known, now))) continue;
    if (outbound >= options.limits.max_outbound_peers) break;
    StartDial(static_cast<int>(i), now);
    ++outbound;
  }
  for (auto& [id, c] : peers) {
    while (c->score < 0 && now - c->last_recovery_ms >= 1000) {
      c->score = std::min(0, c->score + kScoreRecoveryPerSecond);
      c->last_recovery_ms += 1000;
    }
    if (c->score >= 0) c->last_recovery_ms = now;
  }
  bans.Expire(now);
  if (handler) handler->OnTick(now);
}

void Network::Impl::AcceptAll() {
  for (;;) {
    sockaddr_in sa{};
    socklen_t len = sizeof sa;
    const int fd =
        accept4(listen_fd, reinterpret_cast<sockaddr*>(&sa), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    const std::string ip = IpOf(sa);
    const uint64_t now = NowMs();
    if (IpBannable(ip) && bans.IsIpBanned(ip, now)) {
      ++stats.rejected_banned;
      ::close(fd);
      continue;
    }
    int pending = 0;
    for (auto& [cfd, c] : conns) pending += c->state == ConnState::kHandshake && c->inbound;
    if (pending >= options.limits.max_pending_handshakes) {
      ++stats.rejected_limit;
      ::close(fd);
      continue;
    }
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ++stats.connections_accepted;
    AddConn(fd, true, ip, ip + ":" + std::to_string(ntohs(sa.sin_port)));
  }
}

void Network::Impl::StartDial(int index, uint64_t now) {
  Dial& d = dials[index];
  d.next_attempt_ms = now + d.backoff_ms;
  d.backoff_ms = std::min(options.limits.reconnect_max_ms, d.backoff_ms * 2);
  Result<sockaddr_in> sa = Resolve(d.host, d.port);
  if (!sa.ok()) {
    PHX_LOG_WARN("p2p: {}: {}", d.address, sa.status().ToString());
    return;
  }
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&*sa), sizeof(sockaddr_in)) != 0 &&
      errno != EINPROGRESS) {
    PHX_LOG_DEBUG("p2p: dialing {} failed: {}", d.address, strerror(errno));
    ::close(fd);
    return;
  }
  ++stats.connections_dialed;
  Conn* c = AddConn(fd, false, IpOf(*sa), IpOf(*sa) + ":" + std::to_string(d.port));
  c->dial_index = index;
  c->expected_peer = d.expected_peer;
  d.conn = c;
}

void Network::Impl::OnDialEnded(Conn* c, uint64_t now) {
  if (c->dial_index < 0) return;
  Dial& d = dials[c->dial_index];
  if (d.conn != c) return;
  d.conn = nullptr;
  d.next_attempt_ms = std::max(d.next_attempt_ms, now + options.limits.reconnect_min_ms);
}

// ---- Public API: everything hops onto the network thread. ----

bool Network::OnNetworkThread() const {
  return impl_->running && std::this_thread::get_id() == impl_->thread_id;
}

void Network::Post(std::function<void()> fn) {
  if (!impl_->running || OnNetworkThread()) {
    fn();
    return;
  }
  PostDeferred(std::move(fn));
}

void Network::PostDeferred(std::function<void()> fn) {
  Impl& m = *impl_;
  if (!m.running) {
    fn();
    return;
  }
  bool was_empty;
  {
    std::lock_guard<std::mutex> lock(m.commands_mu);
    was_empty = m.commands.empty();
    m.commands.push_back(std::move(fn));
  }
  if (was_empty) {
    const uint64_t one = 1;
    (void)!::write(m.wake_fd, &one, sizeof one);
  }
}

namespace {
template <typename T>
T RunSync(Network& net, std::function<T()> fn) {
  if (net.OnNetworkThread()) return fn();
  auto task = std::make_shared<std::packaged_task<T()>>(std::move(fn));
  std::future<T> result = task->get_future();
  net.Post([task] { (*task)(); });
  return result.get();
}
}  // namespace

const PeerId& Network::local_id() const { return impl_->local_id; }
uint16_t Network::listen_port() const { return impl_->port; }

void Network::Broadcast(Channel channel, ByteView payload, const std::optional<PeerId>& except) {
  if (OnNetworkThread()) {
    impl_->Broadcast(channel, payload, except);
    return;
  }
  Post([this, channel, bytes = Bytes(payload.begin(), payload.end()), except] {
    impl_->Broadcast(channel, bytes, except);
  });
}

void Network::Send(const PeerId& peer, Channel channel, ByteView payload) {
  auto send = [this, peer, channel](ByteView bytes) {
    auto it = impl_->peers.find(peer);
    if (it == impl_->peers.end()) {
      ++impl_->stats.send_to_unknown_peer;
      return;
    }
    impl_->QueueFrame(it->second, channel, bytes);
  };
  if (OnNetworkThread()) {
    send(payload);
    return;
  }
  Post([send, bytes = Bytes(payload.begin(), payload.end())] { send(bytes); });
}

void Network::ReportPeer(const PeerId& peer, Verdict verdict, std::string_view reason) {
  // Deferred even on the network thread: the ban it may cause calls OnPeerDisconnected, which
  // must not run inside the handler call that is reporting.
  PostDeferred([this, peer, verdict, why = std::string(reason)] {
    auto it = impl_->peers.find(peer);
    if (it != impl_->peers.end()) impl_->Penalize(it->second, verdict, why);
  });
}

void Network::AddPeerAddress(std::string address) {
  Post([this, address] {
    Result<HostPort> hp = ParseAddress(address);
    if (!hp.ok()) {
      PHX_LOG_WARN("p2p: ignoring peer address: {}", hp.status().ToString());
      return;
    }
    Dial d;
    d.address = address;
    d.host = hp->host;
    d.port = hp->port;
    d.expected_peer = hp->peer;
    d.backoff_ms = impl_->options.limits.reconnect_min_ms;
    impl_->dials.push_back(std::move(d));
  });
}

void Network::Disconnect(const PeerId& peer, std::string reason) {
  PostDeferred([this, peer, reason] {
    auto it = impl_->peers.find(peer);
    if (it != impl_->peers.end()) impl_->Close(it->second, reason);
  });
}

void Network::SetFault(const std::optional<PeerId>& peer, const FaultSpec& spec) {
  Post([this, peer, spec] { impl_->faults.Set(peer, spec); });
}

void Network::ClearFaults() {
  Post([this] { impl_->faults.ClearAll(); });
}

std::vector<PeerInfo> Network::Peers() const {
  Network& self = const_cast<Network&>(*this);
  return RunSync<std::vector<PeerInfo>>(self, [this] {
    std::vector<PeerInfo> out;
    const uint64_t now = Impl::NowMs();
    for (auto& [id, c] : impl_->peers) out.push_back(impl_->Info(c, now));
    return out;
  });
}

std::vector<BanInfo> Network::Bans() const {
  Network& self = const_cast<Network&>(*this);
  return RunSync<std::vector<BanInfo>>(self, [this] {
    impl_->bans.Expire(Impl::NowMs());
    return impl_->bans.Entries();
  });
}

NetworkStats Network::stats() const {
  Network& self = const_cast<Network&>(*this);
  return RunSync<NetworkStats>(self, [this] { return impl_->stats; });
}

}  // namespace phalanx::p2p
