// libFuzzer target for the JSON-RPC protocol core: arbitrary bytes into Dispatcher, over the
// HTTP path and a WebSocket session with subscriptions. Invariants: no crash, and every answer
// is empty or valid JSON-RPC (an object with "jsonrpc":"2.0", or a non-empty array of them).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "phalanx/rpc/dispatch.h"

namespace {

using nlohmann::json;
using namespace phalanx::rpc;

class DiscardingOutbox : public Outbox {
 public:
  PushResult Push(std::string message, bool) override {
    Check(message);
    return ++pushed_ % 64 == 0 ? PushResult::kFull : PushResult::kQueued;
  }
  static void Check(const std::string& text) {
    if (text.empty()) return;
    json value = json::parse(text);  // must not throw: we only ever emit valid JSON
    if (value.is_array()) {
      if (value.empty()) std::abort();
      for (const json& item : value) {
        if (item.at("jsonrpc") != "2.0") std::abort();
      }
    } else if (value.at("jsonrpc") != "2.0") {
      std::abort();
    }
  }

 private:
  size_t pushed_ = 0;
};

std::shared_ptr<Methods> MakeMethods() {
  auto methods = std::make_shared<Methods>();
  methods->Add("echo", [](const json& params) -> MethodResult { return params; });
  methods->Add("first", [](const json& params) -> MethodResult {
    const json* p = FindParam(params, 0, "value");
    if (p == nullptr) return RpcError::InvalidParams("missing value");
    return *p;
  });
  methods->Add("strict", [](const json& params) -> MethodResult {
    return params.at(0).get<int>() + 1;  // throws on bad input: must become -32603
  });
  methods->AddSubscription("sub", "unsub", "note",
                           [](const json& params, std::shared_ptr<Sink> sink) -> MethodResult {
                             sink->Send(params);
                             if (params.size() > 2) sink->Close();
                             return nullptr;
                           });
  return methods;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::shared_ptr<Methods> methods = MakeMethods();
  static const Dispatcher dispatcher(methods, {.max_batch_size = 16, .max_response_bytes = 4096});
  std::string_view body(reinterpret_cast<const char*>(data), size);
  DiscardingOutbox::Check(dispatcher.Dispatch(body));
  auto outbox = std::make_shared<DiscardingOutbox>();
  Session session(outbox, 4, 8);
  dispatcher.Dispatch(body, session);
  dispatcher.Dispatch(body, session);  // again, with subscriptions from the first pass
  return 0;
}
