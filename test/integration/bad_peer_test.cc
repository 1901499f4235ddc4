// A hostile p2p peer: a real p2p::Network connects to a dev node over Noise and sends forged
// votes, votes far beyond the head it claims, and undecodable transactions and consensus
// messages. Each kind gets the peer banned; the node keeps producing blocks and serving RPC.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "harness.h"
#include "phalanx/codec/codec.h"
#include "phalanx/crypto/random.h"
#include "phalanx/p2p/network.h"
#include "phalanx/p2p/sync_messages.h"

namespace phalanx::itest {
namespace {

using namespace std::chrono_literals;

class Recorder final : public p2p::NetworkHandler {
 public:
  p2p::Verdict OnMessage(const p2p::PeerId&, p2p::Channel, ByteView) override {
    return p2p::Verdict::kOk;
  }
  void OnPeerConnected(const p2p::PeerInfo&) override { ++connected; }
  void OnPeerDisconnected(const p2p::PeerId&, std::string_view) override { ++disconnected; }
  std::atomic<int> connected{0};
  std::atomic<int> disconnected{0};
};

Bytes Tagged(uint8_t kind, const types::Vote& vote) {
  codec::Encoder e;
  e.WriteU8(kind);
  e.WriteU8(0);  // first copy
  vote.Encode(e);
  return e.Take();
}

// A vote whose signature is 64 random bytes.
types::Vote ForgedVote(uint64_t height, uint32_t round) {
  types::Vote v;
  v.type = types::VoteType::kPrevote;
  v.height = height;
  v.round = round;
  crypto::RandomBytes(std::span<uint8_t>(v.block_hash.data));
  crypto::RandomBytes(std::span<uint8_t>(v.signature.data));
  return v;
}

struct Attacker {
  Recorder handler;
  p2p::Network net;
};

// Connects a fresh attacker to the node's p2p port and waits for the handshake.
std::unique_ptr<Attacker> Connect(uint16_t port, const Hash32& genesis) {
  auto a = std::make_unique<Attacker>();
  p2p::NetworkOptions o;
  o.listen_addr = "";
  o.node_key = crypto::SigningKey::Generate();
  o.network_id = Bytes(genesis.begin(), genesis.end());
  o.bootnodes = {"127.0.0.1:" + std::to_string(port)};
  o.read_faults_env = false;
  EXPECT_TRUE(a->net.Start(o, &a->handler).ok());
  for (int i = 0; i < 200 && a->net.Peers().empty(); ++i) std::this_thread::sleep_for(50ms);
  EXPECT_EQ(a->net.Peers().size(), 1u) << "the attacker could not connect";
  return a;
}

// Sends `n` messages made by `make(i)`, then waits until the node drops the attacker.
template <typename Make>
bool SendUntilBanned(Attacker& a, p2p::Channel channel, int n, Make make) {
  const p2p::PeerId node = a.net.Peers().at(0).id;
  for (int i = 0; i < n; ++i) a.net.Send(node, channel, make(i));
  for (int i = 0; i < 200; ++i) {
    if (a.net.Peers().empty() && a.handler.disconnected > 0) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

class BadPeer : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.emplace(std::move(platform::TempDir::Create("phx-badpeer-")).value());
    p2p_port_ = *platform::PickFreePort();
    auto n = NodeProcess::Start(
        dir_->path(),
        {"--listen-addr", "127.0.0.1:" + std::to_string(p2p_port_), "--block-time-ms", "200"});
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    node_ = std::move(n).value();
    ASSERT_TRUE(node_->WaitReady().ok());
    genesis_ = *GenesisHash(*node_);
  }

  // The node must still make blocks and answer RPC.
  void ExpectNodeAlive() {
    auto h = node_->BestHeight();
    ASSERT_TRUE(h.ok()) << h.status().ToString();
    EXPECT_TRUE(node_->WaitForHeight(*h + 2, 20s).ok()) << "the node stopped producing blocks";
    auto peers = node_->Call("system_peers");
    ASSERT_TRUE(peers.ok());
    EXPECT_TRUE(peers->empty()) << peers->dump();
  }

  std::optional<platform::TempDir> dir_;
  uint16_t p2p_port_ = 0;
  std::unique_ptr<NodeProcess> node_;
  Hash32 genesis_;
};

TEST_F(BadPeer, ForgedVoteSignaturesGetThePeerBanned) {
  auto a = Connect(p2p_port_, genesis_);
  // The height the engine is deciding now (blocks are 1 s apart, so it stays put long enough):
  // a vote for another height would be ignored as stale, not checked.
  auto status = node_->Call("consensus_status");
  ASSERT_TRUE(status.ok());
  const uint64_t h = (*status)["height"].get<uint64_t>();
  EXPECT_TRUE(SendUntilBanned(*a, p2p::Channel::kConsensus, 5, [&](int i) {
    return Tagged(1, ForgedVote(h, static_cast<uint32_t>(i)));
  })) << "forged votes did not get the peer banned";
  ExpectNodeAlive();
  // Banned means banned: the same identity cannot come back.
  for (int i = 0; i < 20 && a->net.Peers().empty(); ++i) std::this_thread::sleep_for(100ms);
  EXPECT_TRUE(a->net.Peers().empty());
}

TEST_F(BadPeer, VotesFarBeyondItsClaimedHeadGetThePeerBanned) {
  auto a = Connect(p2p_port_, genesis_);
  const p2p::PeerId node = a->net.Peers().at(0).id;
  a->net.Send(node, p2p::Channel::kBlockSync, p2p::EncodeSyncMessage(p2p::SyncStatus{0, genesis_}));
  std::this_thread::sleep_for(300ms);
  EXPECT_TRUE(SendUntilBanned(*a, p2p::Channel::kConsensus, 80, [&](int i) {
    return Tagged(1, ForgedVote(1'000'000 + static_cast<uint64_t>(i), 0));
  })) << "votes for unknown heights did not get the peer banned";
  ExpectNodeAlive();
}

TEST_F(BadPeer, UndecodableTransactionsAndConsensusMessagesGetThePeerBanned) {
  auto a = Connect(p2p_port_, genesis_);
  EXPECT_TRUE(SendUntilBanned(*a, p2p::Channel::kTransactions, 5, [](int i) {
    Bytes junk(37 + i);
    crypto::RandomBytes(junk);
    return junk;
  }));
  ExpectNodeAlive();
  auto b = Connect(p2p_port_, genesis_);
  EXPECT_TRUE(SendUntilBanned(*b, p2p::Channel::kConsensus, 5, [](int i) {
    Bytes junk{static_cast<uint8_t>(i % 3)};  // a valid or invalid kind, then no message
    junk.resize(10 + i, 0xEE);
    return junk;
  }));
  ExpectNodeAlive();
}

}  // namespace
}  // namespace phalanx::itest
