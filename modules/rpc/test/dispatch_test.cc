// The JSON-RPC protocol without sockets: what Dispatcher answers for every kind of request and
// every limit, and how subscriptions behave on a connection's outbox.
#include "phalanx/rpc/dispatch.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>

namespace phalanx::rpc {
namespace {

using nlohmann::json;

std::shared_ptr<Methods> TestMethods() {
  auto methods = std::make_shared<Methods>();
  methods->Add("echo", [](const json& params) -> MethodResult { return params; });
  methods->Add("add", [](const json& params) -> MethodResult {
    const json* a = FindParam(params, 0, "a");
    const json* b = FindParam(params, 1, "b");
    if (a == nullptr || b == nullptr || !a->is_number_integer() || !b->is_number_integer()) {
      return RpcError::InvalidParams("expected two integers a and b");
    }
    return a->get<int64_t>() + b->get<int64_t>();
  });
  methods->Add("throws", [](const json&) -> MethodResult {
    throw std::runtime_error("secret internal detail");
  });
  methods->Add("big", [](const json& params) -> MethodResult {
    return std::string(params.at(0).get<size_t>(), 'x');
  });
  return methods;
}

json Parse(const std::string& text) { return json::parse(text); }

class DispatchTest : public ::testing::Test {
 protected:
  Dispatcher MakeDispatcher(DispatcherOptions options = {},
                            std::shared_ptr<MetricsRegistry> metrics = nullptr) {
    return Dispatcher(methods_, options, std::move(metrics));
  }
  std::shared_ptr<Methods> methods_ = TestMethods();
};

TEST_F(DispatchTest, CallReturnsResultWithTheSameId) {
  Dispatcher d = MakeDispatcher();
  json r = Parse(d.Dispatch(R"({"jsonrpc":"2.0","id":7,"method":"add","params":[2,3]})"));
  EXPECT_EQ(r, json({{"jsonrpc", "2.0"}, {"id", 7}, {"result", 5}}));
  r = Parse(d.Dispatch(R"({"jsonrpc":"2.0","id":"abc","method":"add","params":{"a":1,"b":2}})"));
  EXPECT_EQ(r["id"], "abc");
  EXPECT_EQ(r["result"], 3);
  r = Parse(d.Dispatch(R"({"jsonrpc":"2.0","id":null,"method":"echo"})"));
  EXPECT_TRUE(r["id"].is_null());
  EXPECT_EQ(r["result"], json::array()) << "absent params are passed as []";
}

TEST_F(DispatchTest, MalformedJsonIsParseErrorWithNullId) {
  Dispatcher d = MakeDispatcher();
  for (const char* body : {"{", "", "nonsense", R"({"jsonrpc":"2.0","id":1,)", "[1,2"}) {
    json r = Parse(d.Dispatch(body));
    EXPECT_EQ(r["error"]["code"], RpcError::kParseError) << body;
    EXPECT_TRUE(r["id"].is_null());
  }
}

TEST_F(DispatchTest, NumberOverflowIsParseErrorNotACrash) {
  // Found by rpc_request_fuzz: the JSON library reports these with out_of_range, not
  // parse_error, which escaped the handler and terminated the node.
  Dispatcher d = MakeDispatcher();
  for (const char* body : {"1e999", R"({"jsonrpc":"2.0","id":1e999,"method":"echo"})",
                           "1111000000000008e5181293023120645006"}) {
    json r = Parse(d.Dispatch(body));
    EXPECT_EQ(r["error"]["code"], RpcError::kParseError) << body;
  }
}

TEST_F(DispatchTest, StructurallyWrongRequestsAreInvalidRequest) {
  Dispatcher d = MakeDispatcher();
  const char* bodies[] = {
      R"(5)",
      R"("hello")",
      R"({"id":1,"method":"echo"})",                             // no jsonrpc
      R"({"jsonrpc":"1.0","id":1,"method":"echo"})",             // wrong version
      R"({"jsonrpc":"2.0","id":1})",                             // no method
      R"({"jsonrpc":"2.0","id":1,"method":5})",                  // method not a string
      R"({"jsonrpc":"2.0","id":1,"method":"echo","params":3})",  // params not array/object
      R"({"jsonrpc":"2.0","id":[1],"method":"echo"})",           // id not number/string/null
      R"({"jsonrpc":"2.0","id":{},"method":"echo"})",
  };
  for (const char* body : bodies) {
    json r = Parse(d.Dispatch(body));
    EXPECT_EQ(r["error"]["code"], RpcError::kInvalidRequest) << body;
  }
  // A valid id is echoed even when the rest of the request is wrong.
  json r = Parse(d.Dispatch(R"({"jsonrpc":"1.0","id":42,"method":"echo"})"));
  EXPECT_EQ(r["id"], 42);
}

TEST_F(DispatchTest, UnknownMethodIsMethodNotFound) {
  Dispatcher d = MakeDispatcher();
  json r = Parse(d.Dispatch(R"({"jsonrpc":"2.0","id":1,"method":"nope"})"));
  EXPECT_EQ(r["error"]["code"], RpcError::kMethodNotFound);
  EXPECT_NE(r["error"]["message"].get<std::string>().find("nope"), std::string::npos);
}

TEST_F(DispatchTest, HandlerErrorIsReturnedAsIs) {
  Dispatcher d = MakeDispatcher();
  json r = Parse(d.Dispatch(R"({"jsonrpc":"2.0","id":1,"method":"add","params":["x"]})"));
  EXPECT_EQ(r["error"]["code"], RpcError::kInvalidParams);
  EXPECT_EQ(r["error"]["message"], "expected two integers a and b");
  EXPECT_FALSE(r["error"].contains("data"));
}

TEST_F(DispatchTest, HandlerExceptionIsInternalErrorWithoutItsText) {
  Dispatcher d = MakeDispatcher();
  json r = Parse(d.Dispatch(R"({"jsonrpc":"2.0","id":1,"method":"throws"})"));
  EXPECT_EQ(r["error"]["code"], RpcError::kInternalError);
  EXPECT_EQ(r["error"]["message"].get<std::string>().find("secret"), std::string::npos);
  // A json type error thrown by a sloppy handler is caught the same way.
  r = Parse(d.Dispatch(R"({"jsonrpc":"2.0","id":2,"method":"big","params":["nan"]})"));
  EXPECT_EQ(r["error"]["code"], RpcError::kInternalError);
}

TEST_F(DispatchTest, NotificationsGetNoResponse) {
  Dispatcher d = MakeDispatcher();
  EXPECT_EQ(d.Dispatch(R"({"jsonrpc":"2.0","method":"echo","params":[1]})"), "");
  EXPECT_EQ(d.Dispatch(R"({"jsonrpc":"2.0","method":"nope"})"), "") << "even when they fail";
  EXPECT_EQ(d.Dispatch(R"({"jsonrpc":"2.0","method":"throws"})"), "");
}

TEST_F(DispatchTest, BatchAnswersEachCallInOrderAndSkipsNotifications) {
  Dispatcher d = MakeDispatcher();
  json r = Parse(d.Dispatch(R"([
    {"jsonrpc":"2.0","id":1,"method":"add","params":[1,1]},
    {"jsonrpc":"2.0","method":"echo"},
    {"jsonrpc":"2.0","id":2,"method":"nope"},
    7,
    {"jsonrpc":"2.0","id":3,"method":"add","params":[2,2]}
  ])"));
  ASSERT_TRUE(r.is_array());
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0]["result"], 2);
  EXPECT_EQ(r[1]["error"]["code"], RpcError::kMethodNotFound);
  EXPECT_EQ(r[2]["error"]["code"], RpcError::kInvalidRequest);
  EXPECT_EQ(r[3]["result"], 4);
  EXPECT_EQ(d.Dispatch(R"([{"jsonrpc":"2.0","method":"echo"}])"), "")
      << "a batch of notifications only gets no response";
}

TEST_F(DispatchTest, EmptyBatchIsInvalidRequest) {
  Dispatcher d = MakeDispatcher();
  json r = Parse(d.Dispatch("[]"));
  EXPECT_FALSE(r.is_array());
  EXPECT_EQ(r["error"]["code"], RpcError::kInvalidRequest);
}

TEST_F(DispatchTest, LimitBatchSizeGivesOneError) {
  Dispatcher d = MakeDispatcher({.max_batch_size = 3});
  json batch = json::array();
  for (int i = 0; i < 3; ++i) batch.push_back({{"jsonrpc", "2.0"}, {"id", i}, {"method", "echo"}});
  EXPECT_TRUE(Parse(d.Dispatch(batch.dump())).is_array()) << "at the limit is fine";
  batch.push_back({{"jsonrpc", "2.0"}, {"id", 3}, {"method", "echo"}});
  json r = Parse(d.Dispatch(batch.dump()));
  ASSERT_TRUE(r.is_object());
  EXPECT_EQ(r["error"]["code"], RpcError::kLimitExceeded);
}

TEST_F(DispatchTest, LimitJsonDepthRejectsDeepNestingWithoutRecursing) {
  Dispatcher d = MakeDispatcher();
  auto nested = [](size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); };
  std::string ok_body =
      R"({"jsonrpc":"2.0","id":1,"method":"echo","params":)" + nested(kMaxJsonDepth - 1) + "}";
  EXPECT_TRUE(Parse(d.Dispatch(ok_body)).contains("result"));
  std::string deep_body =
      R"({"jsonrpc":"2.0","id":1,"method":"echo","params":)" + nested(kMaxJsonDepth) + "}";
  EXPECT_EQ(Parse(d.Dispatch(deep_body))["error"]["code"], RpcError::kLimitExceeded);
  // A million brackets would overflow the stack of a recursive printer; here it is one error.
  EXPECT_EQ(Parse(d.Dispatch(std::string(1'000'000, '[')))["error"]["code"],
            RpcError::kLimitExceeded);
  // Brackets inside strings do not count.
  std::string in_string = R"({"jsonrpc":"2.0","id":1,"method":"echo","params":[")" +
                          std::string(1000, '[') + R"(\"]"]})";
  EXPECT_TRUE(Parse(d.Dispatch(in_string)).contains("result"));
}

TEST_F(DispatchTest, LimitResponseBytesReplacesTheResponse) {
  Dispatcher d = MakeDispatcher({.max_response_bytes = 1000});
  json r = Parse(d.Dispatch(R"({"jsonrpc":"2.0","id":9,"method":"big","params":[900]})"));
  EXPECT_EQ(r["result"].get<std::string>().size(), 900u);
  r = Parse(d.Dispatch(R"({"jsonrpc":"2.0","id":9,"method":"big","params":[1000]})"));
  EXPECT_EQ(r["error"]["code"], RpcError::kLimitExceeded);
  EXPECT_EQ(r["id"], 9);
}

TEST_F(DispatchTest, InvalidUtf8FromAHandlerIsReplacedNotThrown) {
  methods_->Add("bad_utf8", [](const json&) -> MethodResult { return std::string("\xff\xfe"); });
  Dispatcher d = MakeDispatcher();
  json r = Parse(d.Dispatch(R"({"jsonrpc":"2.0","id":1,"method":"bad_utf8"})"));
  EXPECT_TRUE(r["result"].is_string());
}

TEST_F(DispatchTest, RpcMethodsListsRegisteredMethods) {
  Dispatcher d = MakeDispatcher();
  json r = Parse(d.Dispatch(R"({"jsonrpc":"2.0","id":1,"method":"rpc_methods"})"));
  json names = r["result"]["methods"];
  EXPECT_NE(std::find(names.begin(), names.end(), "add"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "rpc_methods"), names.end());
}

TEST_F(DispatchTest, RecordsPerMethodMetricsWithBoundedLabels) {
  auto registry = std::make_shared<MetricsRegistry>();
  Dispatcher d = MakeDispatcher({}, registry);
  (void)d.Dispatch(R"({"jsonrpc":"2.0","id":1,"method":"add","params":[1,2]})");
  (void)d.Dispatch(R"({"jsonrpc":"2.0","id":1,"method":"add","params":[]})");
  (void)d.Dispatch(R"({"jsonrpc":"2.0","id":1,"method":"attacker_chosen_1"})");
  (void)d.Dispatch(R"({"jsonrpc":"2.0","id":1,"method":"attacker_chosen_2"})");
  std::string text = registry->RenderPrometheus();
  EXPECT_NE(text.find(R"(phalanx_rpc_requests_total{method="add"} 2)"), std::string::npos);
  EXPECT_NE(text.find(R"(phalanx_rpc_errors_total{method="add"} 1)"), std::string::npos);
  EXPECT_NE(text.find(R"(phalanx_rpc_requests_total{method="unknown"} 2)"), std::string::npos);
  EXPECT_EQ(text.find("attacker_chosen"), std::string::npos);
  EXPECT_NE(text.find(R"(phalanx_rpc_request_duration_seconds_count{method="add"} 2)"),
            std::string::npos);
}

TEST_F(DispatchTest, SubscriptionsOverHttpAreRefused) {
  methods_->AddSubscription("sub", "unsub", "note",
                            [](const json&, std::shared_ptr<Sink>) -> MethodResult { return {}; });
  Dispatcher d = MakeDispatcher();
  json r = Parse(d.Dispatch(R"({"jsonrpc":"2.0","id":1,"method":"sub"})"));
  EXPECT_EQ(r["error"]["code"], RpcError::kUnsupported);
  EXPECT_NE(r["error"]["message"].get<std::string>().find("WebSocket"), std::string::npos);
}

// Collects what a connection would send, with the same pending limit as the real outbox.
class CollectingOutbox : public Outbox {
 public:
  explicit CollectingOutbox(size_t max_pending) : max_pending_(max_pending) {}
  PushResult Push(std::string message, bool force) override {
    std::lock_guard lock(mu_);
    if (closed_) return PushResult::kClosed;
    if (!force && messages_.size() >= max_pending_) return PushResult::kFull;
    messages_.push_back(json::parse(message));
    return PushResult::kQueued;
  }
  std::vector<json> Take() {
    std::lock_guard lock(mu_);
    return std::exchange(messages_, {});
  }
  void Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
  }

 private:
  const size_t max_pending_;
  std::mutex mu_;
  std::vector<json> messages_;
  bool closed_ = false;
};

class SubscriptionTest : public DispatchTest {
 protected:
  void SetUp() override {
    methods_->AddSubscription(
        "sub", "unsub", "note",
        [this](const json& params, std::shared_ptr<Sink> sink) -> MethodResult {
          if (params.size() == 1 && params[0] == "refuse") return RpcError::InvalidParams("no");
          // Sent before the client has the id: must arrive after the response.
          sink->Send("first");
          sink->OnClose([this] { ++closed_callbacks_; });
          sinks_.push_back(sink);
          return nullptr;
        });
  }
  std::string Subscribe(Dispatcher& d, Session& s, CollectingOutbox& out) {
    d.Dispatch(R"({"jsonrpc":"2.0","id":1,"method":"sub"})", s);
    auto messages = out.Take();
    EXPECT_EQ(messages.size(), 2u);
    return messages.at(0).at("result").get<std::string>();
  }

  std::vector<std::shared_ptr<Sink>> sinks_;
  std::atomic<int> closed_callbacks_{0};
};

TEST_F(SubscriptionTest, IdComesBeforeTheFirstNotification) {
  auto out = std::make_shared<CollectingOutbox>(100);
  Session session(out, 10, 100);
  Dispatcher d = MakeDispatcher();
  d.Dispatch(R"({"jsonrpc":"2.0","id":1,"method":"sub"})", session);
  auto messages = out->Take();
  ASSERT_EQ(messages.size(), 2u);
  const std::string id = messages[0]["result"];
  EXPECT_EQ(messages[1], json({{"jsonrpc", "2.0"},
                               {"method", "note"},
                               {"params", {{"subscription", id}, {"result", "first"}}}}));
  EXPECT_TRUE(sinks_[0]->Send(json{{"n", 2}}));
  EXPECT_EQ(out->Take().at(0)["params"]["result"]["n"], 2);
}

TEST_F(SubscriptionTest, UnsubscribeClosesTheSinkAndRunsOnClose) {
  auto out = std::make_shared<CollectingOutbox>(100);
  Session session(out, 10, 100);
  Dispatcher d = MakeDispatcher();
  std::string id = Subscribe(d, session, *out);
  d.Dispatch(R"({"jsonrpc":"2.0","id":2,"method":"unsub","params":[")" + id + R"("]})", session);
  EXPECT_EQ(out->Take().at(0)["result"], true);
  EXPECT_TRUE(sinks_[0]->closed());
  EXPECT_FALSE(sinks_[0]->Send(1));
  EXPECT_EQ(closed_callbacks_, 1);
  d.Dispatch(R"({"jsonrpc":"2.0","id":3,"method":"unsub","params":[")" + id + R"("]})", session);
  EXPECT_EQ(out->Take().at(0)["result"], false) << "a second unsubscribe finds nothing";
  d.Dispatch(R"({"jsonrpc":"2.0","id":4,"method":"unsub","params":[5]})", session);
  EXPECT_EQ(out->Take().at(0)["error"]["code"], RpcError::kInvalidParams);
  EXPECT_EQ(session.subscription_count(), 0u);
}

TEST_F(SubscriptionTest, RefusedSubscriptionIsClosedAndReturnsTheError) {
  auto out = std::make_shared<CollectingOutbox>(100);
  Session session(out, 10, 100);
  Dispatcher d = MakeDispatcher();
  d.Dispatch(R"({"jsonrpc":"2.0","id":1,"method":"sub","params":["refuse"]})", session);
  auto messages = out->Take();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0]["error"]["code"], RpcError::kInvalidParams);
  EXPECT_EQ(session.subscription_count(), 0u);
}

TEST_F(SubscriptionTest, LimitSubscriptionsPerConnection) {
  auto out = std::make_shared<CollectingOutbox>(100);
  Session session(out, 2, 100);
  Dispatcher d = MakeDispatcher();
  Subscribe(d, session, *out);
  std::string second = Subscribe(d, session, *out);
  d.Dispatch(R"({"jsonrpc":"2.0","id":1,"method":"sub"})", session);
  EXPECT_EQ(out->Take().at(0)["error"]["code"], RpcError::kLimitExceeded);
  // Closing one (here from the server side) frees a slot.
  sinks_[0]->Close();
  Subscribe(d, session, *out);
  EXPECT_EQ(session.subscription_count(), 2u);
}

TEST_F(SubscriptionTest, LimitPendingOutgoingDropsASlowSubscriptionWithAFinalError) {
  auto out = std::make_shared<CollectingOutbox>(5);
  Session session(out, 10, 5);
  Dispatcher d = MakeDispatcher();
  std::string id = Subscribe(d, session, *out);
  int accepted = 0;
  while (sinks_[0]->Send(accepted)) ++accepted;
  EXPECT_EQ(accepted, 5) << "exactly the pending limit is queued";
  auto messages = out->Take();
  ASSERT_EQ(messages.size(), 6u);
  EXPECT_EQ(messages.back()["params"]["subscription"], id);
  EXPECT_EQ(messages.back()["params"]["error"]["code"], RpcError::kSubscriptionDropped);
  EXPECT_EQ(closed_callbacks_, 1);
}

TEST_F(SubscriptionTest, DestroyingTheSessionClosesEverySink) {
  auto out = std::make_shared<CollectingOutbox>(100);
  {
    Session session(out, 10, 100);
    Dispatcher d = MakeDispatcher();
    Subscribe(d, session, *out);
    Subscribe(d, session, *out);
  }
  EXPECT_EQ(closed_callbacks_, 2);
  for (auto& sink : sinks_) EXPECT_FALSE(sink->Send(1));
}

TEST_F(SubscriptionTest, SendFromManyThreadsIsSafe) {
  auto out = std::make_shared<CollectingOutbox>(100000);
  Session session(out, 10, 100000);
  Dispatcher d = MakeDispatcher();
  Subscribe(d, session, *out);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) EXPECT_TRUE(sinks_[0]->Send(i));
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(out->Take().size(), 4000u);
}

TEST_F(SubscriptionTest, OnCloseRunsAtOnceWhenAlreadyClosed) {
  auto out = std::make_shared<CollectingOutbox>(100);
  Session session(out, 10, 100);
  Dispatcher d = MakeDispatcher();
  Subscribe(d, session, *out);
  sinks_[0]->Close();
  bool ran = false;
  sinks_[0]->OnClose([&] { ran = true; });
  EXPECT_TRUE(ran);
}

}  // namespace
}  // namespace phalanx::rpc
