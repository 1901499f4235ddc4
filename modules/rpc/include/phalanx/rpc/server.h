// The JSON-RPC server: HTTP POST, WebSocket (with subscriptions), GET /health, CORS and static
// GET routes, all on one port. The Boost.Beast implementation is hidden in src/beast.cc.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "phalanx/base/result.h"
#include "phalanx/rpc/limits.h"
#include "phalanx/rpc/methods.h"
#include "phalanx/rpc/metrics.h"

namespace phalanx::rpc {

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
};

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 9944;  // 0 picks a free port (tests)
  size_t max_request_bytes = kDefaultMaxRequestBytes;
  size_t max_response_bytes = kDefaultMaxResponseBytes;
  size_t max_batch_size = kDefaultMaxBatchSize;
  size_t max_connections = kDefaultMaxConnections;
  size_t max_subscriptions_per_connection = kDefaultMaxSubscriptionsPerConnection;
  size_t max_pending_outgoing_per_connection = kDefaultMaxPendingOutgoingPerConnection;
  size_t threads = 2;
  int idle_timeout_s = kDefaultIdleTimeoutS;
  // GET /health: {HTTP status, JSON body}. Unset: 200 {"status":"ok"}.
  std::function<std::pair<int, std::string>()> health = nullptr;
  // Other GET paths (e.g. /dashboard); nullopt or unset: 404.
  std::function<std::optional<HttpResponse>(std::string_view path)> get_handler = nullptr;
};

class Server {
 public:
  // Binds and starts serving. `metrics` may be null.
  static Result<std::unique_ptr<Server>> Start(ServerOptions options,
                                               std::shared_ptr<Methods> methods,
                                               std::shared_ptr<MetricsRegistry> metrics = nullptr);
  ~Server();  // Stop()
  // The bound port (the real one when options.port was 0).
  uint16_t port() const;
  // Open client connections (HTTP and WebSocket).
  size_t connection_count() const;
  // Closes the listener and every connection (closing all subscriptions) and joins the threads.
  void Stop();

  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace phalanx::rpc
