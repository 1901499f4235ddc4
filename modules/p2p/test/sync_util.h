// An in-memory chain (BlockSource + BlockSink) and a Network handler that routes the block sync
// channel to a BlockSync, for sync tests.
#pragma once

#include <atomic>
#include <mutex>

#include "phalanx/p2p/block_sync.h"
#include "test_util.h"

namespace phalanx::p2p::testing {

// Blocks 1..n linked by parent hash; each certificate names its block (signatures are not real:
// certificate verification is the node's job, the sink here checks linkage only).
inline std::vector<SyncBlock> MakeChain(uint64_t n) {
  std::vector<SyncBlock> out;
  Hash32 parent;
  for (uint64_t h = 1; h <= n; ++h) {
    types::Block b;
    b.header.height = h;
    b.header.parent_hash = parent;
    b.header.time_ms = 1'700'000'000'000 + h * 1000;
    if (h > 1) {
      types::CommitCertificate last;
      last.height = h - 1;
      last.block_hash = parent;
      for (uint32_t v = 0; v < 4; ++v) last.signatures.push_back({v, crypto::Signature{}});
      b.last_commit = last;
    }
    SyncBlock sb;
    sb.cert.height = h;
    sb.cert.block_hash = b.Hash();
    for (uint32_t v = 0; v < 4; ++v) sb.cert.signatures.push_back({v, crypto::Signature{}});
    sb.block = codec::EncodeToBytes(b);
    parent = b.Hash();
    out.push_back(std::move(sb));
  }
  return out;
}

class MemoryChain : public BlockSource, public BlockSink {
 public:
  explicit MemoryChain(std::vector<SyncBlock> blocks = {}) : blocks_(std::move(blocks)) {
    for (const SyncBlock& b : blocks_) hashes_.push_back(b.cert.block_hash);
  }
  SyncStatus Head() override {
    std::lock_guard<std::mutex> lock(mu_);
    return {hashes_.size(), hashes_.empty() ? Hash32{} : hashes_.back()};
  }
  Result<SyncBlock> GetBlockWithCert(uint64_t height) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (height == 0 || height > blocks_.size())
      return NotFound("no block " + std::to_string(height));
    return blocks_[height - 1];
  }
  Status ApplyBlock(const types::Block& block, const types::CommitCertificate& cert) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (block.header.height != hashes_.size() + 1) return InvalidArgument("not the next height");
    const Hash32 parent = hashes_.empty() ? Hash32{} : hashes_.back();
    if (block.header.parent_hash != parent) return InvalidArgument("does not extend the head");
    hashes_.push_back(block.Hash());
    if (keep_blocks_) blocks_.push_back({codec::EncodeToBytes(block), cert});
    return Status::Ok();
  }
  uint64_t height() {
    std::lock_guard<std::mutex> lock(mu_);
    return hashes_.size();
  }
  Hash32 HashAt(uint64_t h) {
    std::lock_guard<std::mutex> lock(mu_);
    return hashes_.at(h - 1);
  }
  void set_keep_blocks(bool keep) { keep_blocks_ = keep; }

 private:
  std::mutex mu_;
  std::vector<SyncBlock> blocks_;
  std::vector<Hash32> hashes_;
  bool keep_blocks_ = true;
};

class SyncHandler : public NetworkHandler {
 public:
  SyncHandler(Network& net, MemoryChain& chain, SyncOptions options = {})
      : sync_(net, chain, chain, options) {}
  Verdict OnMessage(const PeerId& peer, Channel channel, ByteView payload) override {
    if (channel != Channel::kBlockSync) return Verdict::kUseless;
    return sync_.OnMessage(peer, payload);
  }
  void OnPeerConnected(const PeerInfo& peer) override { sync_.OnPeerConnected(peer.id); }
  void OnPeerDisconnected(const PeerId& peer, std::string_view) override {
    sync_.OnPeerDisconnected(peer);
  }
  void OnTick(uint64_t now_ms) override { sync_.OnTick(now_ms); }
  BlockSync& sync() { return sync_; }

 private:
  BlockSync sync_;
};

struct SyncNode {
  MemoryChain chain;
  Network net;
  SyncHandler handler{net, chain};

  explicit SyncNode(std::vector<SyncBlock> blocks = {}) : chain(std::move(blocks)) {}
  ~SyncNode() { net.Stop(); }  // the handler must outlive the network thread
  Status Start(uint8_t key, std::vector<std::string> bootnodes = {}) {
    NetworkOptions o;
    o.listen_addr = "127.0.0.1:0";
    o.node_key = KeyFor(key);
    o.bootnodes = std::move(bootnodes);
    o.read_faults_env = false;
    o.limits.tick_ms = 20;
    o.limits.reconnect_min_ms = 50;
    return net.Start(std::move(o), &handler);
  }
  std::string Address() const {
    return PeerIdHex(net.local_id()) + "@127.0.0.1:" + std::to_string(net.listen_port());
  }
};

}  // namespace phalanx::p2p::testing
