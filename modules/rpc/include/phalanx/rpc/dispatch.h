// The JSON-RPC 2.0 protocol without sockets: parsing, validation, batches, notifications,
// error mapping, per-connection subscriptions and per-method metrics. The server feeds it HTTP
// bodies and WebSocket messages; tests and the fuzzer feed it bytes directly.
#pragma once

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "phalanx/rpc/limits.h"
#include "phalanx/rpc/methods.h"
#include "phalanx/rpc/metrics.h"

namespace phalanx::rpc {

// The outgoing side of one connection. Push may be called from any thread.
class Outbox {
 public:
  enum class PushResult { kQueued, kFull, kClosed };
  virtual ~Outbox() = default;
  // Queues one text message for the peer. Without `force`, fails with kFull when the
  // connection's pending limit is reached. `force` is for responses (bounded because the server
  // stops reading while the queue is full) and for a dropped subscription's one final error.
  virtual PushResult Push(std::string message, bool force) = 0;
};

// Per-connection subscription state for a WebSocket client. Destroying it (client gone) closes
// every subscription it holds, which runs the node's OnClose callbacks.
class Session {
 public:
  Session(std::shared_ptr<Outbox> outbox, size_t max_subscriptions, size_t max_pending);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Live (not closed) subscriptions.
  size_t subscription_count() const;
  void CloseAll();

 private:
  friend class Dispatcher;
  std::shared_ptr<Sink> Find(const std::string& id) const;
  void PruneClosedLocked();

  const std::shared_ptr<Outbox> outbox_;
  const size_t max_subscriptions_;
  const size_t max_pending_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<Sink>> subscriptions_;  // guarded by mu_
};

struct DispatcherOptions {
  size_t max_batch_size = kDefaultMaxBatchSize;
  size_t max_response_bytes = kDefaultMaxResponseBytes;
};

class Dispatcher {
 public:
  // `metrics` may be null. With it, every request is counted and timed per method
  // (phalanx_rpc_requests_total, phalanx_rpc_errors_total, phalanx_rpc_request_duration_seconds);
  // names that are not registered are recorded as method="unknown" so clients cannot grow the
  // label set.
  Dispatcher(std::shared_ptr<const Methods> methods, DispatcherOptions options = {},
             std::shared_ptr<MetricsRegistry> metrics = nullptr);

  // Handles one HTTP body. Returns the response text, or "" when the body held only
  // notifications. Subscriptions are refused (they need a WebSocket connection).
  std::string Dispatch(std::string_view body) const;

  // Handles one WebSocket message: queues the response (if any) on the session's outbox, then
  // starts the subscriptions it created, so a client always sees the subscription id before the
  // first notification.
  void Dispatch(std::string_view body, Session& session) const;

 private:
  struct MethodMetrics {
    Counter* requests;
    Counter* errors;
    Histogram* duration_seconds;
  };
  struct Context {
    Session* session;                            // null over HTTP
    std::vector<std::shared_ptr<Sink>> created;  // subscriptions to activate after responding
  };

  std::string Process(std::string_view body, Context& ctx) const;
  // The response to one request object, or nullopt for a notification.
  std::optional<nlohmann::json> HandleOne(nlohmann::json& request, Context& ctx) const;
  MethodResult Invoke(const Methods::Entry& entry, const nlohmann::json& params,
                      Context& ctx) const;
  MethodResult Subscribe(const Methods::Entry& entry, const nlohmann::json& params,
                         Context& ctx) const;
  MethodResult Unsubscribe(const Methods::Entry& entry, const nlohmann::json& params,
                           Context& ctx) const;
  MethodResult ListMethods() const;
  const MethodMetrics* MetricsFor(const std::string& method) const;

  const std::shared_ptr<const Methods> methods_;
  const DispatcherOptions options_;
  const std::shared_ptr<MetricsRegistry> metrics_;
  mutable std::shared_mutex metrics_mu_;
  mutable std::unordered_map<std::string, MethodMetrics> method_metrics_;  // guarded
};

// Text of a JSON-RPC error response (used by the transport for 413 and similar).
std::string ErrorResponse(const RpcError& error, const nlohmann::json& id = nullptr);

}  // namespace phalanx::rpc
