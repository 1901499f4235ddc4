// Block sync between Networks on loopback, and BlockSync's rules against a fake messenger.
#include "phalanx/p2p/block_sync.h"

#include <gtest/gtest.h>

#include "sync_util.h"

namespace phalanx::p2p {
namespace {

using testing::KeyFor;
using testing::MakeChain;
using testing::MemoryChain;
using testing::SyncNode;
using testing::WaitFor;

TEST(BlockSync, ANewNodeCatchesUpFromTwoPeersInOrder) {
  const auto chain = MakeChain(3000);
  SyncNode s1(chain), s2(chain), client;
  ASSERT_TRUE(s1.Start(1).ok());
  ASSERT_TRUE(s2.Start(2).ok());
  ASSERT_TRUE(client.Start(3, {s1.Address(), s2.Address()}).ok());
  ASSERT_TRUE(WaitFor([&] { return client.chain.height() == 3000; }, 20000))
      << "height " << client.chain.height();
  EXPECT_EQ(client.chain.HashAt(3000), s1.chain.HashAt(3000));
  EXPECT_EQ(s1.handler.sync().stats().blocks_served + s2.handler.sync().stats().blocks_served,
            3000u);
  EXPECT_EQ(client.handler.sync().stats().blocks_applied, 3000u);
  EXPECT_EQ(client.handler.sync().stats().bad_responses, 0u);
}

TEST(BlockSync, NewBlocksAnnouncedAfterCatchUpAreFetched) {
  auto chain = MakeChain(20);
  SyncNode server(std::vector<SyncBlock>(chain.begin(), chain.begin() + 10)), client;
  ASSERT_TRUE(server.Start(1).ok());
  ASSERT_TRUE(client.Start(2, {server.Address()}).ok());
  ASSERT_TRUE(WaitFor([&] { return client.chain.height() == 10; }));
  for (size_t i = 10; i < 20; ++i) {
    ASSERT_TRUE(
        server.chain.ApplyBlock(types::DecodeBlock(chain[i].block).value(), chain[i].cert).ok());
  }
  server.net.Post([&] { server.handler.sync().AnnounceHead(); });
  EXPECT_TRUE(WaitFor([&] { return client.chain.height() == 20; }));
}

// Serves a chain whose block 5 has a certificate for another block.
std::vector<SyncBlock> CorruptCertAt(std::vector<SyncBlock> chain, uint64_t height) {
  chain[height - 1].cert.block_hash[0] ^= 1;
  return chain;
}

// Serves a chain that forks at `height`: well-formed blocks and certificates that the sink
// rejects because they do not extend the client's head.
std::vector<SyncBlock> ForkAt(std::vector<SyncBlock> chain, uint64_t height) {
  types::Block b = types::DecodeBlock(chain[height - 1].block).value();
  b.header.parent_hash[0] ^= 1;
  chain[height - 1].block = codec::EncodeToBytes(b);
  chain[height - 1].cert.block_hash = b.Hash();
  return chain;
}

TEST(BlockSync, APeerServingBadCertificatesIsBannedAndSyncFinishesElsewhere) {
  const auto chain = MakeChain(600);
  SyncNode bad(CorruptCertAt(chain, 5)), good(chain), client;
  ASSERT_TRUE(bad.Start(1).ok());
  ASSERT_TRUE(client.Start(3, {bad.Address()}).ok());
  // Only the bad peer at first: its responses covering height 5 are invalid until it is banned.
  ASSERT_TRUE(WaitFor([&] {
    for (const BanInfo& b : client.net.Bans())
      if (b.peer && *b.peer == KeyFor(1).public_key()) return true;
    return false;
  }));
  EXPECT_LT(client.chain.height(), 5u);
  ASSERT_TRUE(good.Start(2).ok());
  client.net.AddPeerAddress(good.Address());
  EXPECT_TRUE(WaitFor([&] { return client.chain.height() == 600; }, 20000));
  EXPECT_EQ(client.chain.HashAt(600), good.chain.HashAt(600));
  EXPECT_GE(client.handler.sync().stats().bad_responses, 3u);
}

TEST(BlockSync, APeerWhoseBlocksTheSinkRejectsIsPenalized) {
  const auto chain = MakeChain(300);
  SyncNode bad(ForkAt(chain, 7)), client;
  ASSERT_TRUE(bad.Start(1).ok());
  ASSERT_TRUE(client.Start(3, {bad.Address()}).ok());
  ASSERT_TRUE(WaitFor([&] {
    for (const BanInfo& b : client.net.Bans())
      if (b.peer && *b.peer == KeyFor(1).public_key()) return true;
    return false;
  }));
  EXPECT_EQ(client.chain.height(), 6u);  // everything before the fork was applied
}

// Records what BlockSync sends.
class FakeMessenger : public PeerMessenger {
 public:
  void Send(const PeerId& peer, Channel channel, ByteView payload) override {
    sent.push_back({peer, DecodeSyncMessage(payload).value()});
  }
  void ReportPeer(const PeerId& peer, Verdict verdict, std::string_view) override {
    reports.push_back({peer, verdict});
  }
  std::vector<std::pair<PeerId, SyncMessage>> sent;
  std::vector<std::pair<PeerId, Verdict>> reports;
};

TEST(BlockSync, ServesAtMostTheRequestedCountAndNothingPastTheHead) {
  MemoryChain chain(MakeChain(50));
  FakeMessenger m;
  BlockSync sync(m, chain, chain);
  const PeerId peer = KeyFor(9).public_key();
  EXPECT_EQ(sync.OnMessage(peer, EncodeSyncMessage(GetBlocks{10, 5})), Verdict::kOk);
  EXPECT_EQ(sync.OnMessage(peer, EncodeSyncMessage(GetBlocks{48, 100})), Verdict::kOk);
  EXPECT_EQ(sync.OnMessage(peer, EncodeSyncMessage(GetBlocks{0, 1})), Verdict::kInvalid);
  ASSERT_EQ(m.sent.size(), 2u);
  const Blocks& first = std::get<Blocks>(m.sent[0].second);
  EXPECT_EQ(first.from_height, 10u);
  ASSERT_EQ(first.blocks.size(), 5u);
  EXPECT_EQ(types::DecodeBlock(first.blocks[0].block)->header.height, 10u);
  EXPECT_EQ(std::get<Blocks>(m.sent[1].second).blocks.size(), 3u);  // 48, 49, 50
}

TEST(BlockSync, SpreadsRequestsOverPeersUpToThePerPeerLimit) {
  MemoryChain chain;
  FakeMessenger m;
  SyncOptions o;
  o.blocks_per_request = 10;
  o.max_requests_per_peer = 2;
  o.max_requests_in_flight = 8;
  BlockSync sync(m, chain, chain, o);
  const PeerId a = KeyFor(8).public_key(), b = KeyFor(9).public_key();
  sync.OnPeerConnected(a);
  sync.OnPeerConnected(b);
  sync.OnMessage(a, EncodeSyncMessage(SyncStatus{1000, Hash32{}}));
  sync.OnMessage(b, EncodeSyncMessage(SyncStatus{1000, Hash32{}}));
  std::map<PeerId, std::vector<uint64_t>> asked;
  for (const auto& [peer, msg] : m.sent) {
    if (auto* g = std::get_if<GetBlocks>(&msg)) asked[peer].push_back(g->from_height);
  }
  EXPECT_EQ(asked[a], (std::vector<uint64_t>{1, 11}));
  EXPECT_EQ(asked[b], (std::vector<uint64_t>{21, 31}));
}

TEST(BlockSync, RequestsOnlyWhatAPeerHasAndIgnoresUnsolicitedBlocks) {
  MemoryChain chain;
  FakeMessenger m;
  SyncOptions o;
  o.blocks_per_request = 16;
  BlockSync sync(m, chain, chain, o);
  const PeerId peer = KeyFor(9).public_key();
  sync.OnPeerConnected(peer);
  ASSERT_EQ(m.sent.size(), 1u);  // our Status
  EXPECT_EQ(sync.OnMessage(peer, EncodeSyncMessage(SyncStatus{20, Hash32{}})), Verdict::kOk);
  ASSERT_EQ(m.sent.size(), 3u);  // 1..16 and 17..20
  EXPECT_EQ(std::get<GetBlocks>(m.sent[1].second), (GetBlocks{1, 16}));
  EXPECT_EQ(std::get<GetBlocks>(m.sent[2].second), (GetBlocks{17, 4}));
  Blocks unsolicited{100, {}};
  EXPECT_EQ(sync.OnMessage(peer, EncodeSyncMessage(unsolicited)), Verdict::kUseless);
  // A response with blocks at the wrong heights is invalid.
  Blocks wrong{17, {MakeChain(3)[0]}};
  EXPECT_EQ(sync.OnMessage(peer, EncodeSyncMessage(wrong)), Verdict::kInvalid);
  EXPECT_TRUE(sync.Syncing());
  EXPECT_EQ(sync.OnMessage(peer, Bytes{7, 7, 7}), Verdict::kInvalid);
}

}  // namespace
}  // namespace phalanx::p2p
