// One connection: the Noise XX handshake with identity payloads, records and frames, gossip
// de-duplication and relay, scoring, bans, buffered writes. Runs on the network thread.
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "network_impl.h"
#include "phalanx/base/log.h"
#include "phalanx/crypto/hash.h"

namespace phalanx::p2p {
namespace {

// Frames with smaller payloads are coalesced into shared Noise messages.
constexpr size_t kCoalesceBelowBytes = 4096;

}  // namespace

Conn* Network::Impl::AddConn(int fd, bool inbound, std::string ip, std::string address) {
  auto conn = std::make_unique<Conn>();
  Conn* c = conn.get();
  c->fd = fd;
  c->inbound = inbound;
  c->ip = std::move(ip);
  c->address = std::move(address);
  c->started_ms = NowMs();
  c->frames = FrameDecoder(options.limits.max_frame_bytes);
  c->state = inbound ? ConnState::kHandshake : ConnState::kConnecting;
  conns.emplace(fd, std::move(conn));
  epoll_event ev{};
  ev.events = EPOLLIN | (inbound ? 0u : uint32_t{EPOLLOUT});
  c->want_write = !inbound;
  ev.data.fd = fd;
  epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev);
  if (inbound) {
    c->handshake.emplace(noise::Role::kResponder, crypto::X25519KeyPair::Generate(), prologue);
  }
  return c;
}

void Network::Impl::OnConnected(Conn* c) {
  int err = 0;
  socklen_t len = sizeof err;
  getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) {
    Close(c, std::string("connect failed: ") + std::strerror(err));
    return;
  }
  c->state = ConnState::kHandshake;
  c->handshake.emplace(noise::Role::kInitiator, crypto::X25519KeyPair::Generate(), prologue);
  Status s = WriteHandshake(c, {});  // -> e
  if (!s.ok()) Close(c, "handshake: " + s.ToString());
}

Status Network::Impl::WriteHandshake(Conn* c, ByteView payload) {
  Bytes msg;
  RETURN_IF_ERROR(c->handshake->WriteMessage(payload, msg));
  AppendRecord(msg, c->out);
  MarkDirty(c);
  return Status::Ok();
}

void Network::Impl::OnReadable(Conn* c) {
  // Bounded work per wake-up so one busy peer cannot starve the others.
  for (int round = 0; round < 16 && c->state != ConnState::kClosed; ++round) {
    const ssize_t n = ::read(c->fd, read_buffer.data(), read_buffer.size());
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      if (errno == EINTR) continue;
      Close(c, std::string("read failed: ") + std::strerror(errno));
      return;
    }
    if (n == 0) {
      if (c->records.buffered() > 0 || c->frames.mid_frame()) {
        BanAndClose(c, "connection closed in the middle of a record or frame (truncated)");
      } else if (c->state == ConnState::kHandshake && c->inbound) {
        Close(c, "closed during the handshake");
      } else {
        Close(c, "closed by peer");
      }
      return;
    }
    c->bytes_received += static_cast<uint64_t>(n);
    c->records.Append(ByteView(read_buffer.data(), static_cast<size_t>(n)));
    while (c->state != ConnState::kClosed) {
      Result<std::optional<ByteView>> rec = c->records.Next();
      if (!rec.ok()) {
        BanAndClose(c, rec.status().ToString());
        return;
      }
      if (!rec->has_value()) break;
      Status s = OnRecord(c, **rec);
      if (!s.ok() && c->state != ConnState::kClosed) {
        BanAndClose(c, s.ToString());
        return;
      }
    }
    if (static_cast<size_t>(n) < read_buffer.size()) return;
  }
}

Status Network::Impl::OnRecord(Conn* c, ByteView record) {
  if (c->state == ConnState::kHandshake) return OnHandshakeMessage(c, record);
  if (c->state != ConnState::kEstablished) return Status::Ok();
  c->plaintext.clear();
  RETURN_IF_ERROR(OpenRecord(c->transport->receive, record, c->plaintext));
  return c->frames.Feed(
      c->plaintext, [this, c](Channel ch, ByteView payload) { return OnFrame(c, ch, payload); });
}

Status Network::Impl::OnHandshakeMessage(Conn* c, ByteView message) {
  noise::HandshakeState& hs = *c->handshake;
  if (hs.IsMyTurn()) return Corruption("handshake message out of turn");
  ASSIGN_OR_RETURN(Bytes payload, hs.ReadMessage(message));
  if (hs.role() == noise::Role::kResponder && !hs.remote_static()) {
    // Message 0 (-> e) carries no payload in this protocol.
    if (!payload.empty()) return Corruption("handshake message 0 carries a payload");
  } else {
    ASSIGN_OR_RETURN(PeerId id, VerifyIdentityPayload(payload, *hs.remote_static()));
    if (c->expected_peer && *c->expected_peer != id) {
      return PermissionDenied("dialed peer " + ShortPeerId(*c->expected_peer) +
                              " but the remote end is " + ShortPeerId(id));
    }
    c->peer = id;
  }
  if (hs.IsMyTurn()) {
    RETURN_IF_ERROR(
        WriteHandshake(c, MakeIdentityPayload(*options.node_key, hs.local_static_public())));
  }
  if (hs.Complete()) Established(c);
  return Status::Ok();
}

void Network::Impl::Established(Conn* c) {
  Result<noise::TransportState> t = c->handshake->Finish();
  if (!t.ok()) {
    Close(c, t.status().ToString());
    return;
  }
  c->transport = std::move(t).value();
  c->handshake.reset();
  const PeerId id = *c->peer;
  const uint64_t now = NowMs();
  if (id == local_id) {
    if (c->dial_index >= 0) dials[c->dial_index].is_self = true;
    Close(c, "connected to ourselves");
    return;
  }
  if (bans.IsPeerBanned(id, now)) {
    ++stats.rejected_banned;
    Close(c, "peer is banned");
    return;
  }
  if (c->dial_index >= 0) {
    Dial& d = dials[c->dial_index];
    d.learned_peer = id;
    d.backoff_ms = options.limits.reconnect_min_ms;
  }
  auto existing = peers.find(id);
  if (existing != peers.end()) {
    // Both ends apply the same rule so they keep the same connection: the one initiated by the
    // smaller peer id; between two of one initiator, the newer (the older may be half-open).
    Conn* old = existing->second;
    const PeerId old_initiator = old->inbound ? id : local_id;
    const PeerId new_initiator = c->inbound ? id : local_id;
    const bool keep_new = old_initiator == new_initiator || new_initiator < old_initiator;
    if (!keep_new) {
      Close(c, "duplicate connection");
      return;
    }
    Close(old, "replaced by a newer connection");
  }
  int inbound = 0, outbound = 0;
  for (const auto& [pid, pc] : peers) (pc->inbound ? inbound : outbound)++;
  if (c->inbound ? inbound >= options.limits.max_inbound_peers
                 : outbound >= options.limits.max_outbound_peers) {
    ++stats.rejected_limit;
    Close(c, c->inbound ? "too many inbound peers" : "too many outbound peers");
    return;
  }
  c->state = ConnState::kEstablished;
  c->established_ms = now;
  c->last_recovery_ms = now;
  peers[id] = c;
  PHX_LOG_INFO("p2p: connected to peer {} at {} ({})", ShortPeerId(id), c->address,
               c->inbound ? "inbound" : "outbound");
  if (handler) handler->OnPeerConnected(Info(c, now));
}

Status Network::Impl::OnFrame(Conn* c, Channel channel, ByteView payload) {
  if (c->state != ConnState::kEstablished) return Status::Ok();
  ++c->messages_received;
  if (faults.active() && faults.DropInbound(*c->peer)) {
    ++stats.fault_dropped;
    return Status::Ok();
  }
  if (IsGossipChannel(channel)) {
    crypto::Blake2b256Hasher hasher;
    const uint8_t ch = static_cast<uint8_t>(channel);
    hasher.Update(ByteView(&ch, 1));
    hasher.Update(payload);
    if (!seen.Insert(hasher.Finalize())) {
      ++stats.gossip_duplicates;
      return Status::Ok();
    }
  }
  if (!handler) return Status::Ok();
  const Verdict verdict = handler->OnMessage(*c->peer, channel, payload);
  if (c->state != ConnState::kEstablished) return Status::Ok();  // the handler dropped it
  if (verdict == Verdict::kOk) {
    if (IsGossipChannel(channel)) Relay(c, channel, payload);
    return Status::Ok();
  }
  if (verdict == Verdict::kNotRelayed) return Status::Ok();
  Penalize(
      c, verdict,
      std::string(ChannelName(channel)) + " message judged " + std::string(VerdictName(verdict)));
  return Status::Ok();
}

void Network::Impl::Relay(Conn* from, Channel channel, ByteView payload) {
  // Queueing can close a connection (and erase it from peers), so iterate over a copy.
  std::vector<Conn*> targets;
  targets.reserve(peers.size());
  for (auto& [id, c] : peers) {
    if (c != from) targets.push_back(c);
  }
  for (Conn* c : targets) {
    QueueFrame(c, channel, payload);
    ++stats.messages_relayed;
  }
}

void Network::Impl::Penalize(Conn* c, Verdict verdict, std::string_view reason) {
  if (c->state == ConnState::kClosed) return;
  c->score -= VerdictPenalty(verdict);
  if (c->score <= -options.limits.ban_threshold) {
    BanAndClose(c, "score " + std::to_string(c->score) + " after " + std::string(reason));
  }
}

bool Network::Impl::IpBannable(const std::string& ip) const {
  if (options.limits.ban_loopback_ips) return true;
  return !(ip.starts_with("127.") || ip == "::1");
}

void Network::Impl::BanAndClose(Conn* c, std::string reason) {
  if (c->state == ConnState::kClosed) return;
  const std::string ip = IpBannable(c->ip) ? c->ip : std::string();
  // An outbound handshake that fails before the peer proved an identity is most likely a
  // misconfigured bootnode (other chain, wrong id): the dial backs off instead of banning.
  const bool bannable = c->inbound || c->peer.has_value();
  if (bannable && (c->peer || !ip.empty())) {
    bans.Ban(c->peer, ip, NowMs(), options.limits.ban_duration_ms, reason);
    ++stats.bans;
    PHX_LOG_WARN("p2p: banned {} at {}: {}", c->peer ? ShortPeerId(*c->peer) : "unknown peer",
                 c->address, reason);
  }
  if (c->state == ConnState::kHandshake) ++stats.handshakes_failed;
  Close(c, "banned: " + reason);
}

void Network::Impl::Close(Conn* c, std::string reason) {
  if (c->state == ConnState::kClosed) return;
  const bool was_established = c->state == ConnState::kEstablished;
  c->state = ConnState::kClosed;
  epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c->fd, nullptr);
  ::close(c->fd);
  if (was_established) {
    auto it = peers.find(*c->peer);
    if (it != peers.end() && it->second == c) peers.erase(it);
    PHX_LOG_INFO("p2p: disconnected from peer {} ({})", ShortPeerId(*c->peer), reason);
  } else {
    PHX_LOG_DEBUG("p2p: connection to {} closed before it was established ({})", c->address,
                  reason);
  }
  OnDialEnded(c, NowMs());
  auto node = conns.extract(c->fd);
  if (!node.empty()) graveyard.push_back(std::move(node.mapped()));
  if (was_established && handler) handler->OnPeerDisconnected(*c->peer, reason);
}

void Network::Impl::QueueFrame(Conn* c, Channel channel, ByteView payload, bool bypass_faults) {
  if (c->state != ConnState::kEstablished) return;
  if (!bypass_faults && faults.active()) {
    const FaultInjector::Decision d = faults.Outbound(*c->peer);
    if (d.copies == 0) {
      ++stats.fault_dropped;
      return;
    }
    if (d.copies > 1) ++stats.fault_duplicated;
    for (int i = 0; i < d.copies; ++i) {
      if (d.delay_ms > 0) {
        delayed.push(Delayed{NowMs() + d.delay_ms, delayed_seq++, *c->peer, channel,
                             Bytes(payload.begin(), payload.end())});
      } else {
        SendNow(c, channel, payload);
      }
    }
    return;
  }
  SendNow(c, channel, payload);
}

void Network::Impl::SendNow(Conn* c, Channel channel, ByteView payload) {
  if (c->state != ConnState::kEstablished) return;
  if (1 + payload.size() > options.limits.max_frame_bytes) {
    PHX_LOG_WARN("p2p: not sending a {} message of {} bytes: over max_frame_bytes",
                 ChannelName(channel), payload.size());
    return;
  }
  // Small frames share Noise messages: one AEAD call and one record header for many votes or
  // transactions queued in the same loop iteration. Large frames are sealed directly.
  Status s;
  if (payload.size() < kCoalesceBelowBytes) {
    AppendFramePlaintext(channel, payload, c->staged);
    if (c->staged.size() >= kNoiseMaxPlaintextBytes) s = SealStaged(c);
  } else {
    s = SealStaged(c);
    if (s.ok()) s = SealFrame(c->transport->send, channel, payload, c->out);
  }
  if (!s.ok()) {
    Close(c, s.ToString());
    return;
  }
  ++c->messages_sent;
  if (c->pending() > options.limits.max_pending_outbound_bytes_per_peer) {
    Close(c, "peer does not read: " + std::to_string(c->pending()) +
                 " bytes pending exceed max_pending_outbound_bytes_per_peer");
    return;
  }
  MarkDirty(c);
  // Large backlogs go out now rather than at the end of the loop iteration.
  if (c->pending() >= (size_t{1} << 20)) Flush(c);
}

Status Network::Impl::SealStaged(Conn* c) {
  if (c->staged.empty()) return Status::Ok();
  Status s = SealPlaintext(c->transport->send, c->staged, c->out);
  c->staged.clear();
  if (c->staged.capacity() > (size_t{1} << 20)) Bytes().swap(c->staged);
  return s;
}

void Network::Impl::MarkDirty(Conn* c) {
  if (c->dirty) return;
  c->dirty = true;
  dirty.push_back(c);
}

void Network::Impl::OnWritable(Conn* c) {
  if (c->state == ConnState::kConnecting) {
    OnConnected(c);
    if (c->state == ConnState::kClosed) return;
  }
  Flush(c);
}

void Network::Impl::Flush(Conn* c) {
  if (c->state == ConnState::kEstablished) {
    Status sealed = SealStaged(c);
    if (!sealed.ok()) {
      Close(c, sealed.ToString());
      return;
    }
  }
  while (c->state != ConnState::kClosed && c->pending() > 0 && c->state != ConnState::kConnecting) {
    const ssize_t n = ::send(c->fd, c->out.data() + c->out_pos, c->pending(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      Close(c, std::string("write failed: ") + std::strerror(errno));
      return;
    }
    c->out_pos += static_cast<size_t>(n);
    c->bytes_sent += static_cast<uint64_t>(n);
  }
  if (c->state == ConnState::kClosed) return;
  if (c->pending() == 0) {
    c->out.clear();
    c->out_pos = 0;
    if (c->out.capacity() > (size_t{4} << 20)) Bytes().swap(c->out);
  } else if (c->out_pos > (size_t{1} << 20) && c->out_pos * 2 > c->out.size()) {
    c->out.erase(c->out.begin(), c->out.begin() + static_cast<ptrdiff_t>(c->out_pos));
    c->out_pos = 0;
  }
  UpdateInterest(c);
}

void Network::Impl::UpdateInterest(Conn* c) {
  const bool want = c->state == ConnState::kConnecting || c->pending() > 0;
  if (want == c->want_write) return;
  c->want_write = want;
  epoll_event ev{};
  ev.events = EPOLLIN | (want ? uint32_t{EPOLLOUT} : 0u);
  ev.data.fd = c->fd;
  epoll_ctl(epoll_fd, EPOLL_CTL_MOD, c->fd, &ev);
}

void Network::Impl::Broadcast(Channel channel, ByteView payload,
                              const std::optional<PeerId>& except) {
  if (IsGossipChannel(channel)) {
    crypto::Blake2b256Hasher hasher;
    const uint8_t ch = static_cast<uint8_t>(channel);
    hasher.Update(ByteView(&ch, 1));
    hasher.Update(payload);
    seen.Insert(hasher.Finalize());
  }
  std::vector<Conn*> targets;
  targets.reserve(peers.size());
  for (auto& [id, c] : peers) {
    if (!except || *except != id) targets.push_back(c);
  }
  for (Conn* c : targets) QueueFrame(c, channel, payload);
}

PeerInfo Network::Impl::Info(const Conn* c, uint64_t now_ms) const {
  PeerInfo p;
  p.id = *c->peer;
  p.address = c->address;
  p.inbound = c->inbound;
  p.score = c->score;
  p.connected_for_ms = now_ms - c->established_ms;
  p.messages_sent = c->messages_sent;
  p.messages_received = c->messages_received;
  p.bytes_sent = c->bytes_sent;
  p.bytes_received = c->bytes_received;
  p.pending_outbound_bytes = c->pending();
  return p;
}

}  // namespace phalanx::p2p
