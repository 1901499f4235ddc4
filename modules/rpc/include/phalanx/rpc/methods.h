// The JSON-RPC method registry: plain methods, subscriptions and their error type. The node
// registers the chain's methods here; the transport (server.h) and the protocol (dispatch.h)
// never know what the methods do.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace phalanx::rpc {

// A JSON-RPC error object. Codes from the JSON-RPC 2.0 spec, plus a server range -32000..-32099.
struct RpcError {
  static constexpr int kParseError = -32700;      // the body is not JSON
  static constexpr int kInvalidRequest = -32600;  // JSON, but not a JSON-RPC 2.0 request
  static constexpr int kMethodNotFound = -32601;
  static constexpr int kInvalidParams = -32602;
  static constexpr int kInternalError = -32603;        // a handler failed unexpectedly
  static constexpr int kServerError = -32000;          // generic server-defined failure
  static constexpr int kUnavailable = -32001;          // the node cannot serve this right now
  static constexpr int kUnsupported = -32004;          // not available on this transport
  static constexpr int kLimitExceeded = -32005;        // batch, size, depth or subscription limit
  static constexpr int kSubscriptionDropped = -32006;  // client too slow to read notifications

  RpcError() = default;
  RpcError(int c, std::string m, nlohmann::json d = nullptr)
      : code(c), message(std::move(m)), data(std::move(d)) {}

  int code = kInternalError;
  std::string message;
  nlohmann::json data;  // null means "no data member"

  static RpcError InvalidParams(std::string message) {
    return {kInvalidParams, std::move(message)};
  }
  static RpcError Unavailable(std::string message) { return {kUnavailable, std::move(message)}; }
  static RpcError LimitExceeded(std::string message) {
    return {kLimitExceeded, std::move(message)};
  }
  nlohmann::json ToJson() const;
};

// What a handler returns: a result value or an error.
using MethodResult = std::variant<nlohmann::json, RpcError>;
inline bool IsError(const MethodResult& r) { return std::holds_alternative<RpcError>(r); }

// Finds a parameter given either positionally (params[index]) or by name (params[name]).
// Returns nullptr when absent, so handlers can tell "missing" from "null".
const nlohmann::json* FindParam(const nlohmann::json& params, size_t index, std::string_view name);

class Outbox;
class Session;

// One live subscription as the node sees it. Thread-safe: the node may push from any thread.
class Sink {
 public:
  // Queues {"jsonrpc":"2.0","method":<notification>,"params":{"subscription":id,"result":...}}.
  // Returns false once the subscription is closed (unsubscribed, client gone, client too slow,
  // or Close()); the node should then drop the sink.
  bool Send(const nlohmann::json& result);
  bool closed() const { return closed_.load(std::memory_order_acquire); }
  // Ends the subscription from the server side; the client gets no further notifications.
  void Close();
  // Runs `callback` once when the subscription closes, for whatever reason; at once if it is
  // already closed. Runs on whichever thread closes it, so it must not block.
  void OnClose(std::function<void()> callback);
  const std::string& id() const { return id_; }
  const std::string& notification_method() const { return notification_; }

  // Sinks are made by the dispatcher; this constructor is public only for std::make_shared.
  Sink(std::string id, std::string notification, std::string unsubscribe,
       std::shared_ptr<Outbox> outbox, size_t max_buffered);

 private:
  friend class Session;
  friend class Dispatcher;
  enum class State { kPending, kActive, kClosed };

  // With mu_ held: starts delivering, flushing what was sent before the client had the id.
  // False when the connection's queue overflowed (then call DropTooSlow without the lock).
  bool ActivateLocked();
  void DropTooSlow();
  // Closes; if `reason` is set, the client is told with a final error notification.
  void CloseInternal(const RpcError* reason);
  bool PushLocked(std::string message);
  std::string Notification(const nlohmann::json& result) const;

  const std::string id_;
  const std::string notification_;
  const std::string unsubscribe_;
  const size_t max_buffered_;
  std::atomic<bool> closed_{false};
  std::mutex mu_;
  State state_ = State::kPending;                // guarded by mu_
  std::vector<std::string> buffered_;            // guarded by mu_; only while kPending
  std::shared_ptr<Outbox> outbox_;               // guarded by mu_; reset on close
  std::vector<std::function<void()>> on_close_;  // guarded by mu_
};

using MethodHandler = std::function<MethodResult(const nlohmann::json& params)>;
// Called for "subscribe": keep `sink` and push with it; the client receives sink->id().
// Returning an error refuses the subscription (the sink is closed).
using SubscriptionHandler =
    std::function<MethodResult(const nlohmann::json& params, std::shared_ptr<Sink> sink)>;

// The registry. Registering the same name twice is a programmer error. Methods may be added
// while the server runs; lookups take a shared lock.
class Methods {
 public:
  struct Entry {
    enum class Kind { kCall, kSubscribe, kUnsubscribe };
    std::string name;
    Kind kind = Kind::kCall;
    MethodHandler call;             // kCall
    SubscriptionHandler subscribe;  // kSubscribe
    std::string notification;       // kSubscribe: the notification method name
    std::string unsubscribe;        // kSubscribe: the matching unsubscribe method
  };

  void Add(std::string name, MethodHandler handler);
  void AddSubscription(std::string subscribe, std::string unsubscribe,
                       std::string notification_method, SubscriptionHandler handler);
  // Entries are never removed, so the pointer stays valid as long as the registry lives.
  const Entry* Find(std::string_view name) const;
  std::vector<std::string> Names() const;

 private:
  void Insert(std::unique_ptr<Entry> entry);

  mutable std::shared_mutex mu_;
  std::map<std::string, std::unique_ptr<Entry>, std::less<>> entries_;  // guarded by mu_
};

}  // namespace phalanx::rpc
