// Networks on loopback: handshake and message exchange, gossip over a line, fault hooks.
#include "phalanx/p2p/network.h"

#include <gtest/gtest.h>

#include "phalanx/platform/files.h"
#include "test_util.h"

namespace phalanx::p2p {
namespace {

using testing::KeyFor;
using testing::TestNode;
using testing::WaitFor;

TEST(Network, PeersHandshakeAndExchangeMessagesBothWays) {
  TestNode a, b;
  ASSERT_TRUE(a.Start(1).ok());
  ASSERT_TRUE(b.Start(2, {a.Address()}).ok());
  ASSERT_TRUE(WaitFor([&] { return a.HasPeer(b.net.local_id()) && b.HasPeer(a.net.local_id()); }));
  EXPECT_EQ(a.net.local_id(), KeyFor(1).public_key());

  a.net.Send(b.net.local_id(), Channel::kConsensus, AsBytes("vote-1"));
  b.net.Send(a.net.local_id(), Channel::kBlockSync, AsBytes("status"));
  ASSERT_TRUE(WaitFor([&] { return b.handler.Count("vote-1") == 1; }));
  ASSERT_TRUE(WaitFor([&] { return a.handler.Count("status") == 1; }));
  const auto got = b.handler.messages();
  EXPECT_EQ(got[0].peer, a.net.local_id());
  EXPECT_EQ(got[0].channel, Channel::kConsensus);

  // A large message spans many Noise records and arrives intact.
  std::string big(3 << 20, 'x');
  for (size_t i = 0; i < big.size(); i += 4097) big[i] = static_cast<char>('a' + i % 26);
  a.net.Send(b.net.local_id(), Channel::kBlockSync, AsBytes(big));
  ASSERT_TRUE(WaitFor([&] { return b.handler.Count(big) == 1; }));

  const std::vector<PeerInfo> peers = a.net.Peers();
  ASSERT_EQ(peers.size(), 1u);
  EXPECT_TRUE(peers[0].inbound);
  EXPECT_GE(peers[0].messages_sent, 2u);
  EXPECT_GT(peers[0].bytes_sent, big.size());
}

TEST(Network, APeerProvingADifferentIdIsNotAccepted) {
  TestNode a, b;
  ASSERT_TRUE(a.Start(1).ok());
  const std::string wrong =
      PeerIdHex(KeyFor(9).public_key()) + "@127.0.0.1:" + std::to_string(a.net.listen_port());
  ASSERT_TRUE(b.Start(2, {wrong}).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(b.net.Peers().empty());
  EXPECT_GE(b.net.stats().connections_dialed, 1u);
}

TEST(Network, NodesOfDifferentNetworksFailTheHandshake) {
  TestNode a, b;
  ASSERT_TRUE(a.Start(1).ok());
  ASSERT_TRUE(b.Start(2, {a.Address()}, [](NetworkOptions& o) { o.network_id = {9}; }).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(a.net.Peers().empty());
  EXPECT_TRUE(b.net.Peers().empty());
}

TEST(Network, ABusyListenPortFailsStartAndStartCanBeRetried) {
  TestNode a, b;
  ASSERT_TRUE(a.Start(1).ok());
  const std::string taken = "127.0.0.1:" + std::to_string(a.net.listen_port());
  EXPECT_EQ(b.Start(2, {}, [&](NetworkOptions& o) { o.listen_addr = taken; }).code(),
            StatusCode::kUnavailable);
  ASSERT_TRUE(b.Start(2, {a.Address()}).ok());
  EXPECT_TRUE(WaitFor([&] { return b.net.Peers().size() == 1; }));
}

TEST(Network, GossipCrossesALineTopologyOnceAndDoesNotEcho) {
  TestNode a, b, c;
  ASSERT_TRUE(a.Start(1).ok());
  ASSERT_TRUE(b.Start(2, {a.Address()}).ok());
  ASSERT_TRUE(c.Start(3, {b.Address()}).ok());
  ASSERT_TRUE(WaitFor([&] { return b.net.Peers().size() == 2 && c.net.Peers().size() == 1; }));
  ASSERT_EQ(a.net.Peers().size(), 1u);  // a and c are not connected

  a.net.Broadcast(Channel::kTransactions, AsBytes("tx-1"));
  ASSERT_TRUE(WaitFor([&] { return c.handler.Count("tx-1") == 1; }));
  // c hears it from b (the only path) and b relays it once; a never gets its own message back.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(b.handler.Count("tx-1"), 1u);
  EXPECT_EQ(c.handler.Count("tx-1"), 1u);
  EXPECT_EQ(a.handler.Count("tx-1"), 0u);
  EXPECT_EQ(c.handler.messages()[0].peer, b.net.local_id());
  EXPECT_EQ(b.net.stats().messages_relayed, 1u);

  // The same payload again is not relayed a second time.
  a.net.Broadcast(Channel::kTransactions, AsBytes("tx-1"));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(c.handler.Count("tx-1"), 1u);
  EXPECT_EQ(b.net.stats().gossip_duplicates, 1u);

  // A message the handler rejects is not relayed.
  a.net.Broadcast(Channel::kTransactions, AsBytes("bad-tx"));
  ASSERT_TRUE(WaitFor([&] { return b.handler.Count("bad-tx") == 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(c.handler.Count("bad-tx"), 0u);
}

TEST(Network, TwoNodesDialingEachOtherKeepOneConnection) {
  TestNode a, b;
  ASSERT_TRUE(a.Start(1).ok());
  ASSERT_TRUE(b.Start(2).ok());
  a.net.AddPeerAddress(b.Address());
  b.net.AddPeerAddress(a.Address());
  ASSERT_TRUE(WaitFor([&] { return a.net.Peers().size() == 1 && b.net.Peers().size() == 1; }));
  // Both dials complete; the duplicate rule keeps the same single connection on both ends and
  // nobody keeps redialing.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ASSERT_EQ(a.net.Peers().size(), 1u);
  ASSERT_EQ(b.net.Peers().size(), 1u);
  EXPECT_NE(a.net.Peers()[0].inbound, b.net.Peers()[0].inbound);
  EXPECT_LE(a.net.stats().connections_dialed + b.net.stats().connections_dialed, 2u);
  a.net.Send(b.net.local_id(), Channel::kControl, AsBytes("one"));
  EXPECT_TRUE(WaitFor([&] { return b.handler.Count("one") == 1; }));
}

TEST(Network, ReconnectsToABootnodeThatRestarts) {
  auto a = std::make_unique<TestNode>();
  ASSERT_TRUE(a->Start(1).ok());
  const uint16_t port = a->net.listen_port();
  TestNode b;
  ASSERT_TRUE(b.Start(2, {a->Address()}).ok());
  ASSERT_TRUE(WaitFor([&] { return b.HasPeer(KeyFor(1).public_key()); }));
  a.reset();
  ASSERT_TRUE(WaitFor([&] { return b.net.Peers().empty(); }));
  a = std::make_unique<TestNode>();
  ASSERT_TRUE(a->Start(1, {}, [&](NetworkOptions& o) {
                 o.listen_addr = "127.0.0.1:" + std::to_string(port);
               }).ok());
  EXPECT_TRUE(WaitFor([&] { return b.HasPeer(KeyFor(1).public_key()); }));
}

TEST(Network, PartitionDropsBothDirectionsUntilHealed) {
  TestNode a, b;
  ASSERT_TRUE(a.Start(1).ok());
  ASSERT_TRUE(b.Start(2, {a.Address()}).ok());
  ASSERT_TRUE(WaitFor([&] { return a.net.Peers().size() == 1; }));
  a.net.SetFault(b.net.local_id(), FaultSpec{.partitioned = true});
  a.net.Send(b.net.local_id(), Channel::kConsensus, AsBytes("a-to-b"));
  b.net.Send(a.net.local_id(), Channel::kConsensus, AsBytes("b-to-a"));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(b.handler.Count("a-to-b"), 0u);
  EXPECT_EQ(a.handler.Count("b-to-a"), 0u);
  EXPECT_EQ(a.net.stats().fault_dropped, 2u);
  EXPECT_EQ(a.net.Peers().size(), 1u);  // a partition drops messages, not the connection

  a.net.ClearFaults();
  a.net.Send(b.net.local_id(), Channel::kConsensus, AsBytes("healed"));
  EXPECT_TRUE(WaitFor([&] { return b.handler.Count("healed") == 1; }));
}

TEST(Network, LossDuplicationAndDelayFollowTheFaultSpec) {
  TestNode a, b;
  ASSERT_TRUE(a.Start(1).ok());
  ASSERT_TRUE(b.Start(2, {a.Address()}).ok());
  ASSERT_TRUE(WaitFor([&] { return a.net.Peers().size() == 1; }));
  const PeerId bid = b.net.local_id();

  a.net.SetFault(std::nullopt, FaultSpec{.loss_pct = 100});
  for (int i = 0; i < 10; ++i) a.net.Send(bid, Channel::kControl, AsBytes("lost"));
  a.net.SetFault(std::nullopt, FaultSpec{.dup_pct = 100});
  a.net.Send(bid, Channel::kControl, AsBytes("twice"));
  ASSERT_TRUE(WaitFor([&] { return b.handler.Count("twice") == 2; }));
  EXPECT_EQ(b.handler.Count("lost"), 0u);

  a.net.SetFault(bid, FaultSpec{.delay_ms = 300});
  const auto start = std::chrono::steady_clock::now();
  a.net.Send(bid, Channel::kControl, AsBytes("late"));
  ASSERT_TRUE(WaitFor([&] { return b.handler.Count("late") == 1; }));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(300));
}

TEST(Network, FaultsFromTheEnvironmentApplyAtStart) {
  TestNode a, b;
  ASSERT_TRUE(a.Start(1).ok());
  const std::string spec = "seed=3;" + PeerIdHex(KeyFor(1).public_key()) + ":partitioned=1";
  ASSERT_EQ(setenv(kFaultsEnvVar, spec.c_str(), 1), 0);
  Status started = b.Start(2, {a.Address()}, [](NetworkOptions& o) { o.read_faults_env = true; });
  unsetenv(kFaultsEnvVar);
  ASSERT_TRUE(started.ok()) << started.ToString();
  ASSERT_TRUE(WaitFor([&] { return a.net.Peers().size() == 1; }));
  a.net.Send(b.net.local_id(), Channel::kControl, AsBytes("cut"));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(b.handler.Count("cut"), 0u);
  EXPECT_EQ(b.net.stats().fault_dropped, 1u);

  ASSERT_EQ(setenv(kFaultsEnvVar, "*:loss_pct=500", 1), 0);
  TestNode c;
  EXPECT_EQ(c.Start(3, {}, [](NetworkOptions& o) { o.read_faults_env = true; }).code(),
            StatusCode::kInvalidArgument);
  unsetenv(kFaultsEnvVar);
}

TEST(FaultInjector, SameSeedSameDecisionsDifferentSeedDifferent) {
  auto run = [](uint64_t seed) {
    FaultConfig config;
    config.seed = seed;
    config.all = FaultSpec{.loss_pct = 30, .dup_pct = 20};
    FaultInjector f(config);
    std::string trace;
    for (int i = 0; i < 200; ++i)
      trace += std::to_string(f.Outbound(KeyFor(1).public_key()).copies);
    return trace;
  };
  EXPECT_EQ(run(7), run(7));
  EXPECT_NE(run(7), run(8));
  const std::string t = run(7);
  const auto dropped = std::count(t.begin(), t.end(), '0');
  EXPECT_GT(dropped, 30);  // about 60 of 200
  EXPECT_LT(dropped, 90);
}

TEST(FaultConfig, ParsesTheEnvironmentSyntax) {
  const std::string id = PeerIdHex(KeyFor(4).public_key());
  Result<FaultConfig> c =
      ParseFaultConfig("seed=42; *:delay_ms=20,loss_pct=5;" + id + ":partitioned=1");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->seed, 42u);
  EXPECT_EQ(c->all, (FaultSpec{.delay_ms = 20, .loss_pct = 5}));
  EXPECT_TRUE(c->per_peer.at(KeyFor(4).public_key()).partitioned);
  FaultInjector f(*c);
  EXPECT_TRUE(f.DropInbound(KeyFor(4).public_key()));
  EXPECT_FALSE(f.DropInbound(KeyFor(5).public_key()));

  EXPECT_FALSE(ParseFaultConfig("*:loss_pct=101").ok());
  EXPECT_FALSE(ParseFaultConfig("*:speed=3").ok());
  EXPECT_FALSE(ParseFaultConfig("nothex:partitioned=1").ok());
  EXPECT_FALSE(ParseFaultConfig("*:partitioned=2").ok());
  EXPECT_EQ(ParseFaultConfig(std::string(kMaxFaultConfigChars + 1, ';')).status().code(),
            StatusCode::kLimitExceeded);
}

TEST(NodeKey, IsCreatedOnceAndReloaded) {
  auto dir = platform::TempDir::Create("p2p-key").value();
  Result<crypto::SigningKey> k1 = LoadOrCreateNodeKey(dir.path());
  ASSERT_TRUE(k1.ok()) << k1.status().ToString();
  Result<crypto::SigningKey> k2 = LoadOrCreateNodeKey(dir.path());
  ASSERT_TRUE(k2.ok());
  EXPECT_EQ(k1->public_key(), k2->public_key());
  EXPECT_EQ(std::filesystem::status(dir.path() / kNodeKeyFileName).permissions() &
                std::filesystem::perms::group_all,
            std::filesystem::perms::none);
  ASSERT_TRUE(platform::WriteFileAtomic(dir.path() / kNodeKeyFileName, "zz").ok());
  EXPECT_EQ(LoadOrCreateNodeKey(dir.path()).status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace phalanx::p2p
