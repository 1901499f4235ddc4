// The server over real sockets on 127.0.0.1: HTTP, WebSocket, limits, subscriptions, health,
// CORS, metrics, and that it keeps serving after every kind of bad input.
#include "phalanx/rpc/server.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <thread>

#include "phalanx/rpc/client.h"
#include "raw_peer.h"

namespace phalanx::rpc {
namespace {

using nlohmann::json;
using testing::HttpRequest;
using testing::RawSocket;
using testing::RawWebSocket;

// Subscriptions the "node" side of the tests holds, like a chain would for new heads.
class Feed {
 public:
  void Add(std::shared_ptr<Sink> sink) {
    sink->OnClose([this] {
      std::lock_guard lock(mu_);
      ++closed_;
      cv_.notify_all();
    });
    std::lock_guard lock(mu_);
    sinks_.push_back(std::move(sink));
    cv_.notify_all();
  }
  std::vector<std::shared_ptr<Sink>> sinks() {
    std::lock_guard lock(mu_);
    return sinks_;
  }
  bool WaitClosed(int n, int timeout_ms = 5000) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return closed_ >= n; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::shared_ptr<Sink>> sinks_;
  int closed_ = 0;
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    methods_->Add("echo", [](const json& params) -> MethodResult { return params; });
    methods_->Add("add", [](const json& params) -> MethodResult {
      if (params.size() != 2 || !params[0].is_number() || !params[1].is_number()) {
        return RpcError::InvalidParams("expected two numbers");
      }
      return params[0].get<double>() + params[1].get<double>();
    });
    methods_->Add("throws", [](const json&) -> MethodResult { throw std::runtime_error("boom"); });
    methods_->Add("sleep_ms", [](const json& params) -> MethodResult {
      std::this_thread::sleep_for(std::chrono::milliseconds(params.at(0).get<int>()));
      return true;
    });
    methods_->AddSubscription("chain_subscribeNewHeads", "chain_unsubscribeNewHeads",
                              "chain_newHead",
                              [this](const json&, std::shared_ptr<Sink> sink) -> MethodResult {
                                feed_.Add(std::move(sink));
                                return nullptr;
                              });
  }

  void StartServer(ServerOptions options = {}) {
    options.port = 0;
    auto server = Server::Start(std::move(options), methods_, metrics_);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(*server);
  }
  uint16_t port() const { return server_->port(); }
  std::string WsUrl() const { return "ws://127.0.0.1:" + std::to_string(port()); }
  std::string HttpUrl() const { return "http://127.0.0.1:" + std::to_string(port()); }

  std::unique_ptr<Client> Connect(const std::string& url, int timeout_ms = 5000) {
    auto client = Client::Connect(url, timeout_ms);
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return client.ok() ? std::move(*client) : nullptr;
  }

  // The server still answers a normal call over a fresh connection.
  void ExpectStillServing() {
    auto client = Connect(WsUrl());
    ASSERT_NE(client, nullptr);
    auto r = client->Call("add", json::array({20, 22}));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(*r, 42);
  }

  std::shared_ptr<Methods> methods_ = std::make_shared<Methods>();
  std::shared_ptr<MetricsRegistry> metrics_ = std::make_shared<MetricsRegistry>();
  Feed feed_;
  std::unique_ptr<Server> server_;
};

TEST_F(ServerTest, HttpCall) {
  StartServer();
  auto client = Connect(HttpUrl());
  ASSERT_NE(client, nullptr);
  auto r = client->Call("add", json::array({1, 2}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, 3);
  // Keep-alive: many calls over one client.
  for (int i = 0; i < 20; ++i) EXPECT_EQ(*client->Call("echo", json::array({i})), json::array({i}));
}

TEST_F(ServerTest, WebSocketCall) {
  StartServer();
  auto client = Connect(WsUrl());
  ASSERT_NE(client, nullptr);
  auto r = client->Call("echo", json{{"k", "v"}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, json({{"k", "v"}}));
}

TEST_F(ServerTest, HttpBatchAndNotification) {
  StartServer();
  auto reply = HttpRequest(port(), "POST", "/",
                           R"([{"jsonrpc":"2.0","id":1,"method":"add","params":[1,1]},
                               {"jsonrpc":"2.0","method":"echo"},
                               {"jsonrpc":"2.0","id":2,"method":"echo","params":["x"]}])");
  ASSERT_EQ(reply.status, 200);
  EXPECT_TRUE(reply.HasHeader("content-type: application/json"));
  json r = json::parse(reply.body);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0]["result"], 2);
  EXPECT_EQ(r[1]["result"], json::array({"x"}));
  reply = HttpRequest(port(), "POST", "/", R"({"jsonrpc":"2.0","method":"echo"})");
  EXPECT_EQ(reply.status, 204);
  EXPECT_EQ(reply.body, "");
}

TEST_F(ServerTest, EveryErrorCodeOverWebSocketAndTheConnectionSurvives) {
  StartServer();
  RawWebSocket ws(port());
  ASSERT_TRUE(ws.open()) << ws.handshake_status();
  const std::pair<const char*, int> cases[] = {
      {"{not json", RpcError::kParseError},
      {R"({"jsonrpc":"2.0","id":1})", RpcError::kInvalidRequest},
      {"[]", RpcError::kInvalidRequest},
      {R"({"jsonrpc":"2.0","id":1,"method":"nope"})", RpcError::kMethodNotFound},
      {R"({"jsonrpc":"2.0","id":1,"method":"add","params":["a"]})", RpcError::kInvalidParams},
      {R"({"jsonrpc":"2.0","id":1,"method":"throws"})", RpcError::kInternalError},
  };
  for (auto [body, code] : cases) {
    ASSERT_TRUE(ws.SendText(body));
    auto reply = ws.Read();
    ASSERT_TRUE(reply.has_value()) << body;
    EXPECT_EQ(json::parse(*reply)["error"]["code"], code) << body;
  }
  ASSERT_TRUE(ws.SendText(R"({"jsonrpc":"2.0","id":9,"method":"add","params":[2,3]})"));
  EXPECT_EQ(json::parse(*ws.Read())["result"], 5);
  // A notification gets nothing back: the next thing read is the answer to the next call.
  ASSERT_TRUE(ws.SendText(R"({"jsonrpc":"2.0","method":"echo","params":[1]})"));
  ASSERT_TRUE(ws.SendText(R"({"jsonrpc":"2.0","id":10,"method":"echo","params":[2]})"));
  EXPECT_EQ(json::parse(*ws.Read())["id"], 10);
}

TEST_F(ServerTest, LimitRequestBytesOverHttpIs413WithAJsonRpcBody) {
  StartServer({.max_request_bytes = 1000});
  std::string body =
      R"({"jsonrpc":"2.0","id":1,"method":"echo","params":[")" + std::string(2000, 'x') + R"("]})";
  auto reply = HttpRequest(port(), "POST", "/", body);
  EXPECT_EQ(reply.status, 413);
  EXPECT_EQ(json::parse(reply.body)["error"]["code"], RpcError::kLimitExceeded);
  // Far over the limit: the answer still arrives instead of a connection reset.
  reply = HttpRequest(port(), "POST", "/", std::string(4 << 20, ' '));
  EXPECT_EQ(reply.status, 413);
  std::string small =
      R"({"jsonrpc":"2.0","id":1,"method":"echo","params":[")" + std::string(900, 'x') + R"("]})";
  EXPECT_EQ(HttpRequest(port(), "POST", "/", small).status, 200) << "under the limit is fine";
  ExpectStillServing();
}

TEST_F(ServerTest, LimitRequestBytesOverWebSocketAnswersThenCloses) {
  StartServer({.max_request_bytes = 1000});
  RawWebSocket ws(port());
  ASSERT_TRUE(ws.open());
  ASSERT_TRUE(ws.SendText(R"({"jsonrpc":"2.0","id":1,"method":"echo","params":[")" +
                          std::string(900, 'x') + R"("]})"));
  EXPECT_TRUE(json::parse(*ws.Read()).contains("result"));
  ASSERT_TRUE(ws.SendText(std::string(5000, ' ')));
  auto reply = ws.Read();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(json::parse(*reply)["error"]["code"], RpcError::kLimitExceeded);
  EXPECT_FALSE(ws.Read().has_value());
  EXPECT_TRUE(ws.closed());
  EXPECT_EQ(ws.close_code(), 1009) << "close code 'message too big'";
  ExpectStillServing();
}

TEST_F(ServerTest, LimitBatchSizeOverHttp) {
  StartServer({.max_batch_size = 2});
  json batch = json::array();
  for (int i = 0; i < 3; ++i) batch.push_back({{"jsonrpc", "2.0"}, {"id", i}, {"method", "echo"}});
  auto reply = HttpRequest(port(), "POST", "/", batch.dump());
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(json::parse(reply.body)["error"]["code"], RpcError::kLimitExceeded);
}

TEST_F(ServerTest, LimitResponseBytes) {
  StartServer({.max_response_bytes = 500});
  auto client = Connect(WsUrl());
  auto r = client->CallRaw("echo", json::array({std::string(1000, 'y')}));
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(IsError(*r));
  EXPECT_EQ(std::get<RpcError>(*r).code, RpcError::kLimitExceeded);
}

TEST_F(ServerTest, LimitConnectionsAnswers503AndRecovers) {
  StartServer({.max_connections = 2});
  auto a = Connect(WsUrl());
  auto b = Connect(WsUrl());
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  auto reply = HttpRequest(port(), "POST", "/", R"({"jsonrpc":"2.0","id":1,"method":"echo"})");
  EXPECT_EQ(reply.status, 503);
  EXPECT_EQ(json::parse(reply.body)["error"]["code"], RpcError::kUnavailable);
  reply = HttpRequest(port(), "POST", "/", std::string(1 << 20, ' '));
  EXPECT_EQ(reply.status, 503) << "a big body still learns that the server is full";
  auto refused = Client::Connect(WsUrl(), 2000);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(refused.status().message().find("503"), std::string::npos)
      << refused.status().message();
  EXPECT_TRUE(a->Call("echo").ok()) << "existing connections are unaffected";
  a->Close();
  for (int i = 0; i < 100 && server_->connection_count() > 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ExpectStillServing();
}

TEST_F(ServerTest, LimitHttpHeaderBytesIs431) {
  StartServer();
  std::string huge_header = "X-Filler: " + std::string(kMaxHttpHeaderBytes, 'a') + "\r\n";
  auto reply = HttpRequest(port(), "POST", "/", "{}", huge_header);
  EXPECT_EQ(reply.status, 431);
  ExpectStillServing();
}

TEST_F(ServerTest, LimitIdleTimeoutClosesSilentConnections) {
  StartServer({.idle_timeout_s = 1});
  RawSocket silent(port());
  ASSERT_TRUE(silent.connected());
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(silent.WaitClosed(5000));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(900));
}

TEST_F(ServerTest, MalformedHttpIs400AndServerKeepsServing) {
  StartServer();
  RawSocket socket(port());
  ASSERT_TRUE(socket.SendAll("BLAH / HTTP/9.9\r\n\r\n"));
  auto reply = testing::ReadHttpReply(socket);
  EXPECT_EQ(reply.status, 400);
  ExpectStillServing();
}

TEST_F(ServerTest, HealthDefaultsToOkAndUsesTheCallback) {
  StartServer();
  auto reply = HttpRequest(port(), "GET", "/health");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(json::parse(reply.body)["status"], "ok");
  server_.reset();
  ServerOptions options;
  options.health = [] { return std::pair<int, std::string>{503, R"({"syncing":true})"}; };
  StartServer(options);
  reply = HttpRequest(port(), "GET", "/health");
  EXPECT_EQ(reply.status, 503);
  EXPECT_EQ(json::parse(reply.body)["syncing"], true);
}

TEST_F(ServerTest, GetHandlerServesStaticPathsElse404) {
  ServerOptions options;
  options.get_handler = [](std::string_view path) -> std::optional<HttpResponse> {
    if (path == "/dashboard") return HttpResponse{200, "text/html", "<h1>hi</h1>"};
    return std::nullopt;
  };
  StartServer(options);
  auto reply = HttpRequest(port(), "GET", "/dashboard?x=1");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "<h1>hi</h1>");
  EXPECT_TRUE(reply.HasHeader("content-type: text/html"));
  EXPECT_EQ(HttpRequest(port(), "GET", "/missing").status, 404);
  EXPECT_EQ(HttpRequest(port(), "PUT", "/").status, 405);
}

TEST_F(ServerTest, CorsPreflightAndHeaders) {
  StartServer();
  auto reply = HttpRequest(port(), "OPTIONS", "/", "",
                           "Origin: http://dashboard.local\r\n"
                           "Access-Control-Request-Method: POST\r\n"
                           "Access-Control-Request-Headers: content-type\r\n");
  EXPECT_EQ(reply.status, 204);
  EXPECT_TRUE(reply.HasHeader("access-control-allow-origin: *"));
  EXPECT_TRUE(reply.HasHeader("access-control-allow-methods: get, post, options"));
  EXPECT_TRUE(reply.HasHeader("access-control-allow-headers: content-type"));
  reply = HttpRequest(port(), "POST", "/", R"({"jsonrpc":"2.0","id":1,"method":"echo"})");
  EXPECT_TRUE(reply.HasHeader("access-control-allow-origin: *"));
}

TEST_F(ServerTest, PortInUseIsAnErrorNamingTheFlag) {
  StartServer();
  ServerOptions options;
  options.port = port();
  auto second = Server::Start(options, methods_);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(second.status().message(),
            "RPC port " + std::to_string(port()) +
                " is in use — is another phalanx-node running? choose another with --rpc-port");
}

TEST_F(ServerTest, SubscriptionLifecycle) {
  StartServer();
  auto client = Connect(WsUrl());
  std::mutex mu;
  std::condition_variable cv;
  std::vector<json> received;
  auto id = client->Subscribe("chain_subscribeNewHeads", json::array(), [&](const json& head) {
    std::lock_guard lock(mu);
    received.push_back(head);
    cv.notify_all();
  });
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  ASSERT_EQ(feed_.sinks().size(), 1u);
  std::shared_ptr<Sink> sink = feed_.sinks()[0];
  EXPECT_EQ(sink->id(), *id);
  // The node pushes from its own thread.
  std::thread producer([&] {
    for (int h = 1; h <= 50; ++h) ASSERT_TRUE(sink->Send(json{{"number", h}}));
  });
  producer.join();
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(5), [&] { return received.size() == 50; }));
    for (int h = 1; h <= 50; ++h) EXPECT_EQ(received[h - 1]["number"], h) << "in order";
  }
  ASSERT_TRUE(client->Unsubscribe("chain_unsubscribeNewHeads", *id).ok());
  EXPECT_TRUE(feed_.WaitClosed(1));
  EXPECT_FALSE(sink->Send(json{{"number", 51}}));
  EXPECT_EQ(client->Unsubscribe("chain_unsubscribeNewHeads", *id).code(), StatusCode::kNotFound);
}

TEST_F(ServerTest, LimitSubscriptionsPerConnection) {
  StartServer({.max_subscriptions_per_connection = 2});
  auto client = Connect(WsUrl());
  auto noop = [](const json&) {};
  ASSERT_TRUE(client->Subscribe("chain_subscribeNewHeads", json::array(), noop).ok());
  ASSERT_TRUE(client->Subscribe("chain_subscribeNewHeads", json::array(), noop).ok());
  auto third = client->Subscribe("chain_subscribeNewHeads", json::array(), noop);
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.status().code(), StatusCode::kLimitExceeded);
  // The limit is per connection.
  auto other = Connect(WsUrl());
  EXPECT_TRUE(other->Subscribe("chain_subscribeNewHeads", json::array(), noop).ok());
}

TEST_F(ServerTest, ClientDisconnectClosesItsSinks) {
  StartServer();
  auto client = Connect(WsUrl());
  auto noop = [](const json&) {};
  ASSERT_TRUE(client->Subscribe("chain_subscribeNewHeads", json::array(), noop).ok());
  ASSERT_TRUE(client->Subscribe("chain_subscribeNewHeads", json::array(), noop).ok());
  client.reset();
  EXPECT_TRUE(feed_.WaitClosed(2));
  for (auto& sink : feed_.sinks()) EXPECT_FALSE(sink->Send(1));
  // An abrupt disconnect (no close handshake) too.
  {
    RawWebSocket ws(port());
    ASSERT_TRUE(ws.SendText(R"({"jsonrpc":"2.0","id":1,"method":"chain_subscribeNewHeads"})"));
    ASSERT_TRUE(ws.Read().has_value());
  }
  EXPECT_TRUE(feed_.WaitClosed(3));
}

TEST_F(ServerTest, LimitPendingOutgoingDropsASubscriptionThatIsNotRead) {
  StartServer({.max_pending_outgoing_per_connection = 8});
  RawWebSocket ws(port());
  ASSERT_TRUE(ws.SendText(R"({"jsonrpc":"2.0","id":1,"method":"chain_subscribeNewHeads"})"));
  std::string id = json::parse(*ws.Read())["result"];
  std::shared_ptr<Sink> sink = feed_.sinks().at(0);
  // The client reads nothing; kernel buffers absorb some, then the server's queue fills.
  const std::string payload(64 * 1024, 'p');
  int sent = 0;
  while (sent < 10000 && sink->Send(payload)) ++sent;
  ASSERT_LT(sent, 10000) << "Send never reported the slow consumer";
  EXPECT_TRUE(sink->closed());
  EXPECT_TRUE(feed_.WaitClosed(1));
  // Now read: every accepted notification, then one final error for this subscription.
  int notifications = 0;
  json last;
  while (auto message = ws.Read(2000)) {
    last = json::parse(*message);
    if (last["params"].contains("result")) ++notifications;
  }
  EXPECT_EQ(notifications, sent);
  EXPECT_EQ(last["params"]["subscription"], id);
  EXPECT_EQ(last["params"]["error"]["code"], RpcError::kSubscriptionDropped);
}

TEST_F(ServerTest, PipelinedRequestsAreAllAnsweredUnderBackpressure) {
  StartServer({.max_pending_outgoing_per_connection = 16});
  RawWebSocket ws(port());
  const int kRequests = 2000;
  std::string burst;
  for (int i = 0; i < kRequests; ++i) {
    burst += RawWebSocket::Frame(0x1, R"({"jsonrpc":"2.0","id":)" + std::to_string(i) +
                                          R"(,"method":"echo","params":[")" +
                                          std::string(300, 'e') + R"("]})");
  }
  std::thread writer([&] { ws.socket().SendAll(burst); });
  for (int i = 0; i < kRequests; ++i) {
    auto reply = ws.Read();
    ASSERT_TRUE(reply.has_value()) << "response " << i;
    ASSERT_EQ(json::parse(*reply)["id"], i) << "in order";
  }
  writer.join();
}

TEST_F(ServerTest, ConcurrentClients) {
  StartServer();
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      auto client = Client::Connect(t % 2 == 0 ? WsUrl() : HttpUrl(), 5000);
      ASSERT_TRUE(client.ok());
      for (int i = 0; i < 200; ++i) {
        auto r = (*client)->Call("add", json::array({t, i}));
        if (r.ok() && *r == t + i) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, 6 * 200);
}

TEST_F(ServerTest, RecordsMetrics) {
  StartServer();
  auto client = Connect(WsUrl());
  ASSERT_TRUE(client->Call("echo").ok());
  ASSERT_FALSE(client->Call("nope").ok());
  std::string text = metrics_->RenderPrometheus();
  EXPECT_NE(text.find(R"(phalanx_rpc_requests_total{method="echo"} 1)"), std::string::npos);
  EXPECT_NE(text.find(R"(phalanx_rpc_errors_total{method="unknown"} 1)"), std::string::npos);
  EXPECT_NE(text.find(R"(phalanx_rpc_request_duration_seconds_bucket{method="echo",le="+Inf"} 1)"),
            std::string::npos);
  EXPECT_NE(text.find("phalanx_rpc_connections 1"), std::string::npos) << text;
}

TEST_F(ServerTest, StopEndsEverySubscription) {
  StartServer();
  auto client = Connect(WsUrl());
  ASSERT_TRUE(client->Subscribe("chain_subscribeNewHeads", json::array(), [](const json&) {}).ok());
  server_->Stop();
  EXPECT_TRUE(feed_.WaitClosed(1, 0));
  EXPECT_FALSE(feed_.sinks()[0]->Send(1));
  EXPECT_FALSE(client->Call("echo").ok());
}

TEST_F(ServerTest, ClientErrorsMapToStatusCodes) {
  StartServer();
  auto client = Connect(WsUrl(), 300);
  auto r = client->Call("nope");
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("(JSON-RPC error -32601)"), std::string::npos);
  EXPECT_EQ(client->Call("add", json::array({"x"})).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(client->Call("throws").status().code(), StatusCode::kInternal);
  EXPECT_EQ(client->Call("sleep_ms", json::array({400})).status().code(),
            StatusCode::kDeadlineExceeded);
  // Calls on one connection are answered in order, so let the slow one finish first.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(client->Call("echo").ok()) << "a late answer does not confuse the next call";
  auto http = Connect(HttpUrl());
  EXPECT_EQ(
      http->Subscribe("chain_subscribeNewHeads", json::array(), [](const json&) {}).status().code(),
      StatusCode::kFailedPrecondition);
}

TEST_F(ServerTest, ClientCallAsyncPipelines) {
  StartServer();
  auto client = Connect(WsUrl());
  std::mutex mu;
  std::condition_variable cv;
  int done = 0;
  for (int i = 0; i < 500; ++i) {
    client->CallAsync("add", json::array({i, 1}), [&, i](Result<MethodResult> r) {
      EXPECT_TRUE(r.ok());
      EXPECT_EQ(std::get<json>(*r), i + 1);
      std::lock_guard lock(mu);
      ++done;
      cv.notify_all();
    });
  }
  std::unique_lock lock(mu);
  EXPECT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return done == 500; }));
}

TEST(Client, UnreachableNodeSaysHowToStartOne) {
  // Bind and close a socket to find a port nobody listens on.
  uint16_t port;
  {
    auto methods = std::make_shared<Methods>();
    auto server = Server::Start({.port = 0}, methods);
    ASSERT_TRUE(server.ok());
    port = (*server)->port();
  }
  std::string url = "ws://127.0.0.1:" + std::to_string(port);
  auto client = Client::Connect(url, 2000);
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(client.status().message().find("cannot reach a node at " + url +
                                           " — start one with `phalanx-node --dev` or pass --url"),
            std::string::npos)
      << client.status().message();
}

TEST(Client, RejectsUnsupportedUrls) {
  EXPECT_EQ(Client::Connect("wss://example.org").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Client::Connect("ftp://x").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Client::Connect("ws://:9944").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Client::Connect("ws://host:port").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace phalanx::rpc
