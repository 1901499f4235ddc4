// p2p throughput on loopback, two Networks in one process (each with its own network thread):
//   p2p_messages_256B   small Consensus-channel messages, msg/s (and MB/s of payload)
//   p2p_messages_64KiB  large BlockSync-channel messages, MB/s of payload (and msg/s)
//   p2p_block_sync      a fresh node fetching 20,000 small blocks (header + 4-signature
//                       certificates) from a peer serving them from memory, blocks/s
// Encryption, framing, the seen-cache, and BlockSync's decode and ordering checks are included;
// the node's block verification and apply are not (the sink only checks parent linkage).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <mutex>
#include <thread>

#include "phalanx/base/log.h"
#include "phalanx/p2p/block_sync.h"
#include "phalanx/p2p/network.h"

namespace {

using namespace phalanx;
using namespace phalanx::p2p;
using Clock = std::chrono::steady_clock;

crypto::SigningKey KeyFor(uint8_t i) {
  crypto::Seed seed;
  seed.data.fill(i);
  return crypto::SigningKey::FromSeed(seed);
}

NetworkOptions Options(uint8_t key, std::vector<std::string> bootnodes = {}) {
  NetworkOptions o;
  o.listen_addr = "127.0.0.1:0";
  o.node_key = KeyFor(key);
  o.bootnodes = std::move(bootnodes);
  o.read_faults_env = false;
  o.limits.reconnect_min_ms = 20;
  o.limits.tick_ms = 10;
  return o;
}

std::string AddressOf(const Network& n) {
  return PeerIdHex(n.local_id()) + "@127.0.0.1:" + std::to_string(n.listen_port());
}

void WaitUntil(const std::function<bool()>& pred) {
  while (!pred()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

class CountingHandler : public NetworkHandler {
 public:
  Verdict OnMessage(const PeerId&, Channel, ByteView payload) override {
    received.fetch_add(1, std::memory_order_relaxed);
    return Verdict::kOk;
  }
  std::atomic<uint64_t> received{0};
};

void MessageThroughput(const char* name, Channel channel, size_t payload_bytes, uint64_t count) {
  CountingHandler ha, hb;
  Network a, b;
  if (!a.Start(Options(1), &ha).ok() || !b.Start(Options(2, {AddressOf(a)}), &hb).ok()) return;
  WaitUntil([&] { return a.Peers().size() == 1; });
  const PeerId to = b.local_id();
  // Distinct payloads (a counter up front) so gossip channels do not drop repeats.
  Bytes payload(payload_bytes, 0x5a);
  const uint64_t window_msgs = std::max<uint64_t>(16, (uint64_t{8} << 20) / payload_bytes);
  const uint64_t batch = std::max<uint64_t>(1, std::min<uint64_t>(1000, window_msgs / 4));
  const auto start = Clock::now();
  uint64_t sent = 0;
  while (sent < count) {
    while (sent - hb.received.load(std::memory_order_relaxed) > window_msgs)
      std::this_thread::yield();
    const uint64_t n = std::min(batch, count - sent);
    // One hop onto a's network thread per batch instead of one per message.
    a.Post([&a, to, channel, payload, first = sent, n]() mutable {
      for (uint64_t i = 0; i < n; ++i) {
        const uint64_t id = first + i;
        std::memcpy(payload.data(), &id, std::min(sizeof id, payload.size()));
        a.Send(to, channel, payload);
      }
    });
    sent += n;
  }
  WaitUntil([&] { return hb.received.load() >= count; });
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const double msgs = static_cast<double>(count) / seconds;
  const double mb = msgs * static_cast<double>(payload_bytes) / 1e6;
  if (payload_bytes < 4096) {
    std::printf(
        "{\"bench\":\"%s\",\"value\":%.0f,\"unit\":\"msg/s\",\"mb_per_s\":%.1f,"
        "\"payload_bytes\":%zu,\"messages\":%llu}\n",
        name, msgs, mb, payload_bytes, static_cast<unsigned long long>(count));
  } else {
    std::printf(
        "{\"bench\":\"%s\",\"value\":%.1f,\"unit\":\"MB/s\",\"msgs_per_s\":%.0f,"
        "\"payload_bytes\":%zu,\"messages\":%llu}\n",
        name, mb, msgs, payload_bytes, static_cast<unsigned long long>(count));
  }
  std::fflush(stdout);
}

class MemoryChain : public BlockSource, public BlockSink {
 public:
  SyncStatus Head() override {
    std::lock_guard<std::mutex> lock(mu_);
    return {hashes_.size(), hashes_.empty() ? Hash32{} : hashes_.back()};
  }
  Result<SyncBlock> GetBlockWithCert(uint64_t height) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (height == 0 || height > blocks_.size()) return NotFound("beyond head");
    return blocks_[height - 1];
  }
  Status ApplyBlock(const types::Block& block, const types::CommitCertificate&) override {
    std::lock_guard<std::mutex> lock(mu_);
    const Hash32 parent = hashes_.empty() ? Hash32{} : hashes_.back();
    if (block.header.height != hashes_.size() + 1 || block.header.parent_hash != parent) {
      return InvalidArgument("does not extend the head");
    }
    hashes_.push_back(block.Hash());
    return Status::Ok();
  }
  void Add(SyncBlock b) {
    hashes_.push_back(b.cert.block_hash);
    blocks_.push_back(std::move(b));
  }
  uint64_t height() {
    std::lock_guard<std::mutex> lock(mu_);
    return hashes_.size();
  }

 private:
  std::mutex mu_;
  std::vector<SyncBlock> blocks_;
  std::vector<Hash32> hashes_;
};

class SyncHandler : public NetworkHandler {
 public:
  SyncHandler(Network& net, MemoryChain& chain) : sync(net, chain, chain) {}
  Verdict OnMessage(const PeerId& peer, Channel ch, ByteView payload) override {
    return ch == Channel::kBlockSync ? sync.OnMessage(peer, payload) : Verdict::kUseless;
  }
  void OnPeerConnected(const PeerInfo& p) override { sync.OnPeerConnected(p.id); }
  void OnPeerDisconnected(const PeerId& p, std::string_view) override {
    sync.OnPeerDisconnected(p);
  }
  void OnTick(uint64_t now_ms) override { sync.OnTick(now_ms); }
  BlockSync sync;
};

void BlockSyncSpeed(uint64_t blocks) {
  MemoryChain served, fetched;
  Hash32 parent;
  size_t total_bytes = 0;
  for (uint64_t h = 1; h <= blocks; ++h) {
    types::Block b;
    b.header.height = h;
    b.header.parent_hash = parent;
    b.header.time_ms = 1'700'000'000'000 + h * 1000;
    crypto::Signature sig;
    sig.data.fill(static_cast<uint8_t>(h));
    if (h > 1) b.last_commit = types::CommitCertificate{h - 1, 0, parent, {}};
    SyncBlock sb;
    sb.cert = types::CommitCertificate{h, 0, b.Hash(), {}};
    for (uint32_t v = 0; v < 4; ++v) {
      if (b.last_commit) b.last_commit->signatures.push_back({v, sig});
      sb.cert.signatures.push_back({v, sig});
    }
    sb.cert.block_hash = b.Hash();
    sb.block = codec::EncodeToBytes(b);
    total_bytes += sb.block.size() + 300;
    parent = b.Hash();
    served.Add(std::move(sb));
  }
  Network server, client;
  SyncHandler hs(server, served), hc(client, fetched);
  if (!server.Start(Options(1), &hs).ok()) return;
  const auto start = Clock::now();
  if (!client.Start(Options(2, {AddressOf(server)}), &hc).ok()) return;
  WaitUntil([&] { return fetched.height() >= blocks; });
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  client.Stop();
  server.Stop();
  std::printf(
      "{\"bench\":\"p2p_block_sync\",\"value\":%.0f,\"unit\":\"blocks/s\","
      "\"blocks\":%llu,\"seconds\":%.3f,\"avg_block_and_cert_bytes\":%zu}\n",
      static_cast<double>(blocks) / seconds, static_cast<unsigned long long>(blocks), seconds,
      total_bytes / blocks);
  std::fflush(stdout);
}

}  // namespace

int main() {
  spdlog::set_level(spdlog::level::warn);
  MessageThroughput("p2p_messages_256B", Channel::kConsensus, 256, 500'000);
  MessageThroughput("p2p_messages_64KiB", Channel::kBlockSync, 64 << 10, 20'000);
  BlockSyncSpeed(20'000);
  return 0;
}
