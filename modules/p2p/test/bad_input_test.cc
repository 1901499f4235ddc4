// Bad input from a connected TCP client: garbage, truncated records and frames, oversized
// frames, bad MACs and invalid payloads. Each gets the sender banned while the node keeps
// serving an honest peer that was connected all along.
#include <gtest/gtest.h>

#include <random>

#include "phalanx/p2p/network.h"
#include "test_util.h"

namespace phalanx::p2p {
namespace {

using testing::KeyFor;
using testing::RawClient;
using testing::TestNode;
using testing::WaitFor;

class BadInput : public ::testing::Test {
 protected:
  void StartNodes(bool ban_loopback_ips) {
    ASSERT_TRUE(
        node_.Start(1, {}, [&](NetworkOptions& o) { o.limits.ban_loopback_ips = ban_loopback_ips; })
            .ok());
    ASSERT_TRUE(good_.Start(2, {node_.Address()}).ok());
    ASSERT_TRUE(WaitFor([&] { return node_.HasPeer(good_.net.local_id()); }));
  }
  void SetUp() override { StartNodes(true); }

  // The honest peer still gets through both ways.
  void ExpectGoodPeerServed() {
    const std::string ping = "ping-" + std::to_string(++round_);
    node_.net.Send(good_.net.local_id(), Channel::kConsensus, AsBytes(ping));
    good_.net.Send(node_.net.local_id(), Channel::kConsensus, AsBytes(ping));
    EXPECT_TRUE(WaitFor([&] { return good_.handler.Count(ping) == 1; }));
    EXPECT_TRUE(WaitFor([&] { return node_.handler.Count(ping) == 1; }));
    EXPECT_TRUE(node_.HasPeer(good_.net.local_id()));
  }
  bool PeerBanned(const PeerId& id) {
    for (const BanInfo& b : node_.net.Bans())
      if (b.peer && *b.peer == id) return true;
    return false;
  }
  bool IpBanned() {
    for (const BanInfo& b : node_.net.Bans())
      if (b.ip == "127.0.0.1") return true;
    return false;
  }

  TestNode node_, good_;
  int round_ = 0;
};

TEST_F(BadInput, RandomBytesGetTheAddressBanned) {
  RawClient bad(node_.net.listen_port());
  ASSERT_TRUE(bad.connected());
  std::mt19937 rng(1234);
  Bytes garbage(4096);
  for (uint8_t& b : garbage) b = static_cast<uint8_t>(rng());
  ASSERT_TRUE(bad.SendRaw(garbage));
  bad.ShutdownWrite();
  EXPECT_TRUE(bad.ClosedByServer());
  EXPECT_TRUE(WaitFor([&] { return IpBanned(); }));
  // A new connection from the banned address is refused at accept.
  RawClient again(node_.net.listen_port());
  EXPECT_TRUE(again.ClosedByServer());
  EXPECT_TRUE(WaitFor([&] { return node_.net.stats().rejected_banned >= 1; }));
  ExpectGoodPeerServed();
}

TEST_F(BadInput, AnIdentityNotSignedForTheNoiseKeyFailsTheHandshake) {
  RawClient bad(node_.net.listen_port());
  ASSERT_TRUE(bad.Handshake(KeyFor(7), {1, 2, 3}, /*forge_identity=*/true));
  EXPECT_TRUE(bad.ClosedByServer());
  EXPECT_FALSE(node_.HasPeer(KeyFor(7).public_key()));
  EXPECT_TRUE(WaitFor([&] { return IpBanned(); }));
  EXPECT_GE(node_.net.stats().handshakes_failed, 1u);
  ExpectGoodPeerServed();
}

TEST_F(BadInput, TruncatedRecordGetsThePeerBanned) {
  RawClient bad(node_.net.listen_port());
  ASSERT_TRUE(bad.Handshake(KeyFor(7)));
  ASSERT_TRUE(WaitFor([&] { return node_.HasPeer(KeyFor(7).public_key()); }));
  const uint8_t partial[] = {0x00, 0x64, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};  // says 100, has 10
  ASSERT_TRUE(bad.SendRaw(partial));
  bad.ShutdownWrite();
  EXPECT_TRUE(bad.ClosedByServer());
  EXPECT_TRUE(WaitFor([&] { return PeerBanned(KeyFor(7).public_key()); }));
  ExpectGoodPeerServed();
}

TEST_F(BadInput, TruncatedFrameGetsThePeerBanned) {
  RawClient bad(node_.net.listen_port());
  ASSERT_TRUE(bad.Handshake(KeyFor(7)));
  // A whole record whose plaintext starts a 1000-byte frame but carries only 10 bytes of it.
  Bytes plain = {0xe8, 0x03, 0x00, 0x00, static_cast<uint8_t>(Channel::kConsensus)};
  plain.resize(plain.size() + 10, 0xaa);
  Bytes ct(plain.size() + kNoiseTagBytes), wire;
  ASSERT_TRUE(bad.transport().send.EncryptWithAd({}, plain, ct.data()).ok());
  AppendRecord(ct, wire);
  ASSERT_TRUE(bad.SendRaw(wire));
  bad.ShutdownWrite();
  EXPECT_TRUE(bad.ClosedByServer());
  EXPECT_TRUE(WaitFor([&] { return PeerBanned(KeyFor(7).public_key()); }));
  EXPECT_EQ(node_.handler.messages().size(), 0u);
  ExpectGoodPeerServed();
}

TEST_F(BadInput, OversizedFrameIsRejectedFromItsHeader) {
  RawClient bad(node_.net.listen_port());
  ASSERT_TRUE(bad.Handshake(KeyFor(7)));
  const uint32_t len = static_cast<uint32_t>(kMaxFrameBytes + 1);
  Bytes plain = {static_cast<uint8_t>(len), static_cast<uint8_t>(len >> 8),
                 static_cast<uint8_t>(len >> 16), static_cast<uint8_t>(len >> 24), 0};
  Bytes ct(plain.size() + kNoiseTagBytes), wire;
  ASSERT_TRUE(bad.transport().send.EncryptWithAd({}, plain, ct.data()).ok());
  AppendRecord(ct, wire);
  ASSERT_TRUE(bad.SendRaw(wire));
  // No EOF needed: the header alone is enough.
  EXPECT_TRUE(bad.ClosedByServer());
  EXPECT_TRUE(WaitFor([&] { return PeerBanned(KeyFor(7).public_key()); }));
  ExpectGoodPeerServed();
}

TEST_F(BadInput, BadMacGetsThePeerBanned) {
  RawClient bad(node_.net.listen_port());
  ASSERT_TRUE(bad.Handshake(KeyFor(7)));
  Bytes wire;
  ASSERT_TRUE(SealFrame(bad.transport().send, Channel::kConsensus, AsBytes("vote"), wire).ok());
  wire[wire.size() - 3] ^= 0x10;
  ASSERT_TRUE(bad.SendRaw(wire));
  EXPECT_TRUE(bad.ClosedByServer());
  EXPECT_TRUE(WaitFor([&] { return PeerBanned(KeyFor(7).public_key()); }));
  EXPECT_EQ(node_.handler.Count("vote"), 0u);
  ExpectGoodPeerServed();
}

TEST_F(BadInput, InvalidPayloadVerdictsAddUpToABan) {
  RawClient bad(node_.net.listen_port());
  ASSERT_TRUE(bad.Handshake(KeyFor(7)));
  const PeerId id = KeyFor(7).public_key();
  ASSERT_TRUE(WaitFor([&] { return node_.HasPeer(id); }));
  // kInvalidPenalty = 40 and ban_threshold = 100: two invalid messages are tolerated.
  ASSERT_TRUE(bad.SendFrame(Channel::kConsensus, "bad-1"));
  ASSERT_TRUE(bad.SendFrame(Channel::kConsensus, "bad-2"));
  ASSERT_TRUE(WaitFor([&] { return node_.handler.Count("bad-2") == 1; }));
  EXPECT_TRUE(node_.HasPeer(id));
  EXPECT_FALSE(PeerBanned(id));
  ASSERT_TRUE(bad.SendFrame(Channel::kConsensus, "bad-3"));
  EXPECT_TRUE(bad.ClosedByServer());
  EXPECT_TRUE(WaitFor([&] { return PeerBanned(id); }));
  ExpectGoodPeerServed();
  // The invalid messages were not relayed to the good peer.
  EXPECT_EQ(good_.handler.Count("bad-1"), 0u);
}

class BadInputLoopbackExempt : public BadInput {
 protected:
  void SetUp() override { StartNodes(false); }
};

TEST_F(BadInputLoopbackExempt, ABannedPeerIdCannotComeBackFromAnyAddress) {
  {
    RawClient bad(node_.net.listen_port());
    ASSERT_TRUE(bad.Handshake(KeyFor(7)));
    Bytes wire;
    ASSERT_TRUE(SealFrame(bad.transport().send, Channel::kConsensus, AsBytes("x"), wire).ok());
    wire.back() ^= 1;
    ASSERT_TRUE(bad.SendRaw(wire));
    EXPECT_TRUE(bad.ClosedByServer());
  }
  ASSERT_TRUE(WaitFor([&] { return PeerBanned(KeyFor(7).public_key()); }));
  EXPECT_FALSE(IpBanned());  // loopback is exempt by default
  RawClient again(node_.net.listen_port());
  ASSERT_TRUE(again.Handshake(KeyFor(7)));  // the handshake itself completes ...
  EXPECT_TRUE(again.ClosedByServer());      // ... then the banned id is dropped
  // A different identity from the same address is welcome.
  RawClient other(node_.net.listen_port());
  ASSERT_TRUE(other.Handshake(KeyFor(8)));
  EXPECT_TRUE(WaitFor([&] { return node_.HasPeer(KeyFor(8).public_key()); }));
  ExpectGoodPeerServed();
}

}  // namespace
}  // namespace phalanx::p2p
