// A real `phalanx-node --dev` process: transfers with the CLI and with raw RPC, balances, events
// and fees, bad input over HTTP and WebSocket, and restart.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "harness.h"
#include "phalanx/codec/codec.h"
#include "phalanx/types/amount.h"

namespace phalanx::itest {
namespace {

using nlohmann::json;
constexpr types::Balance kPhx = types::kUnitsPerPhx;

// A raw HTTP/1.1 POST, so tests can send bytes no JSON-RPC client would.
std::pair<int, std::string> RawPost(uint16_t port, const std::string& body) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return {0, ""};
  }
  std::string req =
      "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Connection: close\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  size_t off = 0;
  while (off < req.size()) {
    ssize_t n = ::send(fd, req.data() + off, req.size() - off, MSG_NOSIGNAL);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
  std::string resp;
  char buf[4096];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) resp.append(buf, static_cast<size_t>(n));
  ::close(fd);
  int status = 0;
  if (resp.size() > 12) status = std::atoi(resp.substr(9, 3).c_str());
  auto pos = resp.find("\r\n\r\n");
  return {status, pos == std::string::npos ? "" : resp.substr(pos + 4)};
}

class DevChain : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new platform::TempDir(*platform::TempDir::Create("phx-itest-"));
    auto n = NodeProcess::Start(dir_->path() / "node", {"--block-time-ms", "200"});
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    node_ = n->release();
    genesis_ = *GenesisHash(*node_);
  }
  static void TearDownTestSuite() {
    delete node_;
    delete dir_;
  }

  static Result<platform::CommandOutput> Cli(std::vector<std::string> args) {
    std::vector<std::string> argv = {BinPath("phalanx"), "--url", node_->ws_url()};
    for (auto& a : args) argv.push_back(std::move(a));
    return platform::RunCommand(argv, /*merge_stderr=*/false, std::chrono::seconds(60));
  }

  static inline platform::TempDir* dir_ = nullptr;
  static inline NodeProcess* node_ = nullptr;
  static inline Hash32 genesis_{};
};

TEST_F(DevChain, CliTransferUpdatesBalancesEventsAndFees) {
  auto alice0 = *FreeBalance(*node_, DevId("alice"));
  auto bob0 = *FreeBalance(*node_, DevId("bob"));
  auto issuance0 = types::ParseU128(node_->Call("balances_totalIssuance")->get<std::string>());
  auto r = Cli({"--json", "transfer", "--from", "alice", "--to", types::ToSs58(DevId("bob")),
                "--amount", "1.5 PHX"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->status.code, 0) << r->output;
  json out = json::parse(r->output);
  EXPECT_EQ(out["status"], "finalized");
  EXPECT_TRUE(out["success"].get<bool>());
  types::Balance fee = 0, burned = 0;
  bool saw_transfer = false;
  for (const auto& record : out["events"]) {
    const json& e = record["event"];
    if (e["name"] == "balances.FeePaid") {
      fee = *types::ParseU128(e["fields"]["fee"].get<std::string>());
      burned = *types::ParseU128(e["fields"]["burned"].get<std::string>());
    }
    saw_transfer |= e["name"] == "balances.Transfer";
  }
  EXPECT_TRUE(saw_transfer);
  EXPECT_GT(fee, 0u);
  EXPECT_EQ(*FreeBalance(*node_, DevId("bob")), bob0 + kPhx * 3 / 2);
  EXPECT_EQ(*FreeBalance(*node_, DevId("alice")), alice0 - kPhx * 3 / 2 - fee);
  EXPECT_EQ(*types::ParseU128(node_->Call("balances_totalIssuance")->get<std::string>()),
            *issuance0 - burned);
  // The CLI can show the transaction and its block.
  auto shown = Cli({"--json", "tx", "show", out["hash"].get<std::string>()});
  ASSERT_TRUE(shown.ok());
  EXPECT_EQ(shown->status.code, 0);
  EXPECT_EQ(json::parse(shown->output)["block_hash"], out["block_hash"]);
}

TEST_F(DevChain, CliExplainsUnreachableNodeAndBadAmounts) {
  auto r = platform::RunCommand({BinPath("phalanx"), "--url", "ws://127.0.0.1:1", "status"}, true);
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->status.code, 0);
  EXPECT_NE(r->output.find("phalanx-node --dev"), std::string::npos) << r->output;
  auto bad = Cli({"transfer", "--from", "alice", "--to", "bob", "--amount", "1.0000000000001 PHX"});
  ASSERT_TRUE(bad.ok());
  EXPECT_NE(bad->status.code, 0);
}

TEST_F(DevChain, RawRpcSubmitAndWatchReportsReadyInBlockFinalized) {
  auto client = rpc::Client::Connect(node_->ws_url(), 10000);
  ASSERT_TRUE(client.ok());
  auto nonce =
      node_->Call("system_accountNextIndex", json::array({types::ToSs58(DevId("charlie"))}));
  ASSERT_TRUE(nonce.ok());
  std::string hex =
      SignedTransferHex("charlie", DevId("dave"), 2 * kPhx, nonce->get<uint64_t>(), genesis_);
  std::mutex mu;
  std::condition_variable cv;
  std::vector<json> updates;
  auto sub = (*client)->Subscribe("author_submitAndWatchExtrinsic", json::array({hex}),
                                  [&](const json& u) {
                                    std::lock_guard lock(mu);
                                    updates.push_back(u);
                                    cv.notify_all();
                                  });
  ASSERT_TRUE(sub.ok()) << sub.status().ToString();
  std::unique_lock lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(20), [&] {
    return !updates.empty() && updates.back().is_object() && updates.back().contains("finalized");
  }));
  ASSERT_GE(updates.size(), 3u);
  EXPECT_EQ(updates[0], "ready");
  EXPECT_TRUE(updates[updates.size() - 2].contains("inBlock"));
}

TEST_F(DevChain, BadInputGetsTypedErrorsAndLeavesStateUnchanged) {
  // Set-up: ferdie uses nonce 0, so that resubmitting it below is stale.
  ASSERT_TRUE(node_
                  ->Call("author_submitExtrinsic", json::array({SignedTransferHex(
                                                       "ferdie", DevId("eve"), kPhx, 0, genesis_)}))
                  .ok());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (
      node_->Call("balances_account", json::array({types::ToSs58(DevId("ferdie"))}))->at("nonce") ==
          0 &&
      std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto issuance0 = node_->Call("balances_totalIssuance");
  auto alice0 = *FreeBalance(*node_, DevId("alice"));
  ASSERT_TRUE(issuance0.ok());

  auto [s1, b1] = RawPost(node_->rpc_port(), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":");
  EXPECT_EQ(json::parse(b1)["error"]["code"], -32700);
  auto [s2, b2] =
      RawPost(node_->rpc_port(), R"({"jsonrpc":"2.0","id":1,"method":"no_such_method"})");
  EXPECT_EQ(json::parse(b2)["error"]["code"], -32601);
  auto [s3, b3] = RawPost(node_->rpc_port(), "[]");
  EXPECT_EQ(json::parse(b3)["error"]["code"], -32600);

  auto code = [&](const std::string& method, json params) {
    auto r = node_->CallRaw(method, std::move(params));
    if (!r.ok() || !rpc::IsError(*r)) return 0;
    return std::get<rpc::RpcError>(*r).code;
  };
  EXPECT_EQ(code("balances_account", json::array({"not-an-address"})), -32602);
  EXPECT_EQ(code("balances_account", json::array({42})), -32602);
  EXPECT_EQ(code("chain_getHeader", json::array({"0x1234"})), -32602);
  EXPECT_EQ(code("author_submitExtrinsic", json::array({"0xdeadbeef"})), -32602);  // garbage bytes
  EXPECT_EQ(code("author_submitExtrinsic", json::array({"zz"})), -32602);
  // Bad signature: a valid transaction signed for another chain.
  Hash32 other{};
  other[0] = 1;
  EXPECT_EQ(code("author_submitExtrinsic",
                 json::array({SignedTransferHex("alice", DevId("bob"), kPhx, 0, other)})),
            1010);
  // Stale nonce: ferdie's nonce 0 was used in the set-up above.
  EXPECT_EQ(code("author_submitExtrinsic",
                 json::array({SignedTransferHex("ferdie", DevId("bob"), kPhx, 0, genesis_)})),
            1010);
  // Far-future nonce and an account that cannot pay fees.
  EXPECT_EQ(
      code("author_submitExtrinsic",
           json::array({SignedTransferHex("alice", DevId("bob"), kPhx, 1'000'000, genesis_)})),
      1010);
  {
    types::TransactionPayload p;
    auto poor = crypto::SigningKey::FromSeed(Hash32{});
    p.signer = poor.public_key();
    p.call.value = types::calls::Transfer{DevId("bob"), kPhx};
    auto hex = ToHex0x(codec::EncodeToBytes(types::Sign(p, poor, genesis_)));
    EXPECT_EQ(code("author_submitExtrinsic", json::array({hex})), 1010);
  }
  // Oversized request and oversized batch.
  auto [s4, b4] = RawPost(node_->rpc_port(), std::string(11 << 20, ' '));
  EXPECT_EQ(s4, 413);
  json batch = json::array();
  for (int i = 0; i < 1001; ++i)
    batch.push_back({{"jsonrpc", "2.0"}, {"id", i}, {"method", "system_health"}});
  auto [s5, b5] = RawPost(node_->rpc_port(), batch.dump());
  auto b5j = json::parse(b5, nullptr, false);
  ASSERT_FALSE(b5j.is_discarded()) << b5;
  EXPECT_EQ((b5j.is_array() ? b5j[0] : b5j)["error"]["code"], -32005);

  // Still serving, and nothing moved.
  ASSERT_TRUE(node_->Call("system_health").ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(*node_->Call("balances_totalIssuance"), *issuance0);
  EXPECT_EQ(*FreeBalance(*node_, DevId("alice")), alice0);
}

TEST_F(DevChain, StateProofOfAnAccountVerifiesAgainstTheHeader) {
  Bytes key(AsBytes("bal/account/").begin(), AsBytes("bal/account/").end());
  auto alice = DevId("alice");
  key.insert(key.end(), alice.begin(), alice.end());
  auto p = node_->Call("state_getProof", json::array({ToHex0x(key)}));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_TRUE((*p)["value"].is_string());
  auto header = node_->Call("chain_getHeader", json::array({(*p)["at"]}));
  ASSERT_TRUE(header.ok());
  EXPECT_EQ((*header)["state_root"], (*p)["state_root"]);
}

TEST(DevChainRestart, CleanRestartContinuesTheStoredChain) {
  auto dir = platform::TempDir::Create("phx-itest-restart-");
  ASSERT_TRUE(dir.ok());
  auto node = NodeProcess::Start(dir->path() / "node", {"--block-time-ms", "100"});
  ASSERT_TRUE(node.ok()) << node.status().ToString();
  auto genesis = *GenesisHash(**node);
  ASSERT_TRUE((*node)->WaitForHeight(5).ok());
  ASSERT_TRUE((*node)
                  ->Call("author_submitExtrinsic", json::array({SignedTransferHex(
                                                       "bob", DevId("eve"), 7 * kPhx, 0, genesis)}))
                  .ok());
  auto eve = DevId("eve");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (*FreeBalance(**node, eve) == 1'000'000 * kPhx &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  uint64_t h = *(*node)->BestHeight();
  ASSERT_TRUE((*node)->Terminate().ok());
  ASSERT_TRUE((*node)->Restart().ok());
  EXPECT_GE(*(*node)->BestHeight(), h);
  EXPECT_EQ(*GenesisHash(**node), genesis);
  EXPECT_EQ(*FreeBalance(**node, eve), 1'000'007 * kPhx);
  ASSERT_TRUE((*node)->WaitForHeight(h + 3).ok());
}

}  // namespace
}  // namespace phalanx::itest
