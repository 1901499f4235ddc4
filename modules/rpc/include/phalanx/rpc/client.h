// A JSON-RPC client for the CLI and tools: ws:// (calls, subscriptions, pipelined async calls)
// or http:// (calls only). Blocking API; a WebSocket client runs one background I/O thread.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "phalanx/base/result.h"
#include "phalanx/rpc/methods.h"

namespace phalanx::rpc {

class Client {
 public:
  // url: ws://host[:port][/path] or http://host[:port][/path]; the port defaults to 9944.
  // An unreachable node gives kUnavailable with a hint on how to start one.
  static Result<std::unique_ptr<Client>> Connect(std::string url, int timeout_ms = 10000);
  ~Client();

  // The result, or an error Status: a JSON-RPC error maps to a StatusCode (-32601 kNotFound,
  // -32602/-32600/-32700 kInvalidArgument, -32005 kLimitExceeded, -32001 kUnavailable,
  // -32603 kInternal, others kFailedPrecondition) with the message "<message> (JSON-RPC error
  // <code>)"; transport failures are kUnavailable, timeouts kDeadlineExceeded.
  Result<nlohmann::json> Call(std::string_view method,
                              nlohmann::json params = nlohmann::json::array());
  // Like Call but keeps the JSON-RPC error intact; the Status is for transport failures only.
  Result<MethodResult> CallRaw(std::string_view method,
                               nlohmann::json params = nlohmann::json::array());
  // WebSocket only. Sends without waiting; `done` runs on the I/O thread with the outcome (it
  // must not block nor call back into this Client synchronously).
  void CallAsync(std::string_view method, nlohmann::json params,
                 std::function<void(Result<MethodResult>)> done);

  // WebSocket only. Returns the subscription id; `on_notification` receives each "result" on
  // the I/O thread (same rules as CallAsync's callback).
  Result<std::string> Subscribe(std::string_view method, nlohmann::json params,
                                std::function<void(const nlohmann::json&)> on_notification);
  Status Unsubscribe(std::string_view unsubscribe_method, std::string_view subscription_id);

  // False once the connection is lost (WebSocket) or closed.
  bool connected() const;
  void Close();

  struct Impl;
  explicit Client(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

// Maps a JSON-RPC error to a Status as Call does.
Status StatusFromRpcError(const RpcError& error);

}  // namespace phalanx::rpc
