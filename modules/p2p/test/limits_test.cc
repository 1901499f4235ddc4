// One test per named limit of the p2p layer (limits.h, NetworkLimits, and the protocol bounds).
#include "phalanx/p2p/limits.h"

#include <gtest/gtest.h>

#include "../src/seen_cache.h"
#include "phalanx/p2p/sync_messages.h"
#include "test_util.h"

namespace phalanx::p2p {
namespace {

using testing::KeyFor;
using testing::RawClient;
using testing::TestNode;
using testing::WaitFor;

TEST(Limits, NoiseMessagesNeverExceed65535Bytes) {
  noise::CipherState c;
  c.InitializeKey(noise::Key{});
  Bytes wire;
  const Bytes payload(200'000, 7);
  ASSERT_TRUE(SealFrame(c, Channel::kBlockSync, payload, wire).ok());
  RecordReader r;
  r.Append(wire);
  size_t records = 0;
  for (;;) {
    auto rec = r.Next();
    ASSERT_TRUE(rec.ok());
    if (!rec->has_value()) break;
    EXPECT_LE((*rec)->size(), kNoiseMaxMessageBytes);
    ++records;
  }
  EXPECT_EQ(records, 4u);  // 200005 plaintext bytes in 65519-byte pieces
  noise::HandshakeState hs(noise::Role::kResponder, crypto::X25519KeyPair::Generate(), {});
  EXPECT_EQ(hs.ReadMessage(Bytes(kNoiseMaxMessageBytes + 1)).status().code(),
            StatusCode::kLimitExceeded);
}

TEST(Limits, MaxFrameBytesIsCheckedFromTheFrameHeader) {
  static_assert(kMaxFrameBytes >= types::kMaxBlockBytes);
  FrameDecoder d(100);
  auto ignore = [](Channel, ByteView) { return Status::Ok(); };
  const Bytes at_limit = {100, 0, 0, 0, 0};
  EXPECT_TRUE(d.Feed(at_limit, ignore).ok());
  FrameDecoder d2(100);
  const Bytes over = {101, 0, 0, 0, 0};
  EXPECT_EQ(d2.Feed(over, ignore).code(), StatusCode::kLimitExceeded);
}

TEST(Limits, AFrameOverTheNodesMaxFrameBytesGetsThePeerBanned) {
  TestNode node;
  ASSERT_TRUE(node.Start(1, {}, [](NetworkOptions& o) { o.limits.max_frame_bytes = 1024; }).ok());
  RawClient c(node.net.listen_port());
  ASSERT_TRUE(c.Handshake(KeyFor(7)));
  ASSERT_TRUE(c.SendFrame(Channel::kConsensus, std::string(1023, 'a')));  // 1024 with channel
  ASSERT_TRUE(WaitFor([&] { return node.handler.messages().size() == 1; }));
  ASSERT_TRUE(c.SendFrame(Channel::kConsensus, std::string(1024, 'b')));
  EXPECT_TRUE(c.ClosedByServer());
  EXPECT_EQ(node.net.Bans().size(), 1u);
}

TEST(Limits, GetBlocksMaxCountIsBounded) {
  EXPECT_TRUE(DecodeSyncMessage(EncodeSyncMessage(GetBlocks{1, kMaxBlocksPerResponse})).ok());
  EXPECT_EQ(
      DecodeSyncMessage(EncodeSyncMessage(GetBlocks{1, kMaxBlocksPerResponse + 1})).status().code(),
      StatusCode::kLimitExceeded);
}

TEST(Limits, BlocksResponseCountIsBounded) {
  Blocks b{1, std::vector<SyncBlock>(kMaxBlocksPerResponse)};
  EXPECT_TRUE(DecodeSyncMessage(EncodeSyncMessage(b)).ok());
  b.blocks.emplace_back();
  EXPECT_EQ(DecodeSyncMessage(EncodeSyncMessage(b)).status().code(), StatusCode::kLimitExceeded);
}

TEST(Limits, SyncBlockBytesAreBoundedByMaxBlockBytes) {
  codec::Encoder e;
  e.WriteU8(2);  // Blocks
  e.WriteU64(1);
  e.WriteCompact(1);
  e.WriteCompact(types::kMaxBlockBytes + 1);  // a length prefix alone is enough to reject
  EXPECT_EQ(DecodeSyncMessage(e.view()).status().code(), StatusCode::kLimitExceeded);
}

TEST(Limits, MaxInboundPeers) {
  TestNode node;
  ASSERT_TRUE(node.Start(1, {}, [](NetworkOptions& o) { o.limits.max_inbound_peers = 1; }).ok());
  RawClient a(node.net.listen_port());
  ASSERT_TRUE(a.Handshake(KeyFor(7)));
  ASSERT_TRUE(WaitFor([&] { return node.net.Peers().size() == 1; }));
  RawClient b(node.net.listen_port());
  ASSERT_TRUE(b.Handshake(KeyFor(8)));
  EXPECT_TRUE(b.ClosedByServer());
  EXPECT_EQ(node.net.Peers().size(), 1u);
  EXPECT_EQ(node.net.stats().rejected_limit, 1u);
  EXPECT_TRUE(node.net.Bans().empty());  // a full node is not a misbehaving peer
}

TEST(Limits, MaxOutboundPeers) {
  TestNode s1, s2, node;
  ASSERT_TRUE(s1.Start(1).ok());
  ASSERT_TRUE(s2.Start(2).ok());
  ASSERT_TRUE(node.Start(3, {s1.Address(), s2.Address()},
                         [](NetworkOptions& o) { o.limits.max_outbound_peers = 1; })
                  .ok());
  ASSERT_TRUE(WaitFor([&] { return node.net.Peers().size() == 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(node.net.Peers().size(), 1u);
}

TEST(Limits, MaxPendingHandshakes) {
  TestNode node;
  ASSERT_TRUE(
      node.Start(1, {}, [](NetworkOptions& o) { o.limits.max_pending_handshakes = 1; }).ok());
  RawClient silent(node.net.listen_port());
  ASSERT_TRUE(WaitFor([&] { return node.net.stats().connections_accepted == 1; }));
  RawClient second(node.net.listen_port());
  EXPECT_TRUE(second.ClosedByServer());
  EXPECT_EQ(node.net.stats().rejected_limit, 1u);
}

TEST(Limits, HandshakeTimeout) {
  TestNode node;
  ASSERT_TRUE(
      node.Start(1, {}, [](NetworkOptions& o) { o.limits.handshake_timeout_ms = 200; }).ok());
  RawClient silent(node.net.listen_port());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(silent.ClosedByServer(5000));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(150));
  EXPECT_EQ(node.net.stats().handshakes_failed, 1u);
}

TEST(Limits, MaxPendingOutboundBytesDisconnectsAPeerThatDoesNotRead) {
  TestNode node;
  ASSERT_TRUE(node.Start(1, {},
                         [](NetworkOptions& o) {
                           o.limits.max_frame_bytes = 64 << 10;
                           o.limits.max_pending_outbound_bytes_per_peer = 2 << 20;
                         })
                  .ok());
  RawClient lazy(node.net.listen_port());
  ASSERT_TRUE(lazy.Handshake(KeyFor(7)));
  const PeerId id = KeyFor(7).public_key();
  ASSERT_TRUE(WaitFor([&] { return node.HasPeer(id); }));
  const std::string chunk(60 << 10, 'z');
  for (int i = 0; i < 1500 && node.HasPeer(id); ++i) {
    node.net.Send(id, Channel::kControl, AsBytes(chunk));
  }
  EXPECT_TRUE(WaitFor([&] { return !node.HasPeer(id); }));
  EXPECT_TRUE(node.net.Bans().empty());  // slow, not malicious
}

TEST(Limits, SeenCacheEntriesEvictTheLeastRecentlyUsed) {
  SeenCache cache(2);
  const Hash32 a{{1}}, b{{2}}, c{{3}};
  EXPECT_TRUE(cache.Insert(a));
  EXPECT_TRUE(cache.Insert(b));
  EXPECT_FALSE(cache.Insert(a));  // refreshes a
  EXPECT_TRUE(cache.Insert(c));   // evicts b
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(cache.Contains(a));
  EXPECT_FALSE(cache.Contains(b));
}

TEST(Limits, BanThresholdAndDuration) {
  TestNode node;
  ASSERT_TRUE(node.Start(1, {},
                         [](NetworkOptions& o) {
                           o.limits.ban_threshold = kInvalidPenalty;  // one invalid message bans
                           o.limits.ban_duration_ms = 300;
                         })
                  .ok());
  {
    RawClient c(node.net.listen_port());
    ASSERT_TRUE(c.Handshake(KeyFor(7)));
    ASSERT_TRUE(c.SendFrame(Channel::kTransactions, "bad"));
    EXPECT_TRUE(c.ClosedByServer());
  }
  ASSERT_EQ(node.net.Bans().size(), 1u);
  // After the ban expires the same identity is accepted again.
  ASSERT_TRUE(WaitFor([&] { return node.net.Bans().empty(); }));
  RawClient c(node.net.listen_port());
  ASSERT_TRUE(c.Handshake(KeyFor(7)));
  EXPECT_TRUE(WaitFor([&] { return node.HasPeer(KeyFor(7).public_key()); }));
}

TEST(Limits, MaxBansDropsTheOldest) {
  BanList bans(2);
  bans.Ban(KeyFor(1).public_key(), "", 0, 1000, "a");
  bans.Ban(KeyFor(2).public_key(), "", 0, 1000, "b");
  bans.Ban(KeyFor(3).public_key(), "", 0, 1000, "c");
  EXPECT_EQ(bans.size(), 2u);
  EXPECT_FALSE(bans.IsPeerBanned(KeyFor(1).public_key(), 10));
  EXPECT_TRUE(bans.IsPeerBanned(KeyFor(3).public_key(), 10));
  EXPECT_FALSE(bans.IsPeerBanned(KeyFor(3).public_key(), 1000));  // expired
}

TEST(Limits, IdentityPayloadHasAnExactSize) {
  const auto key = KeyFor(1);
  const FixedBytes<32> noise_static{{5}};
  Bytes p = MakeIdentityPayload(key, noise_static);
  ASSERT_EQ(p.size(), kIdentityPayloadBytes);
  EXPECT_EQ(VerifyIdentityPayload(p, noise_static).value(), key.public_key());
  p.push_back(0);
  EXPECT_EQ(VerifyIdentityPayload(p, noise_static).status().code(), StatusCode::kCorruption);
  p.pop_back();
  EXPECT_EQ(VerifyIdentityPayload(p, FixedBytes<32>{{6}}).status().code(),
            StatusCode::kPermissionDenied);
}

TEST(Limits, StartRejectsInconsistentLimits) {
  Network net;
  testing::RecordingHandler h;
  NetworkOptions o;
  o.node_key = KeyFor(1);
  o.listen_addr = "";
  o.limits.max_frame_bytes = kMaxFrameBytes + 1;
  EXPECT_EQ(net.Start(o, &h).code(), StatusCode::kInvalidArgument);
  o.limits.max_frame_bytes = kMaxFrameBytes;
  o.limits.max_pending_outbound_bytes_per_peer = kMaxFrameBytes;
  EXPECT_EQ(net.Start(o, &h).code(), StatusCode::kInvalidArgument);
  o.node_key.reset();
  EXPECT_EQ(net.Start(o, &h).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace phalanx::p2p
