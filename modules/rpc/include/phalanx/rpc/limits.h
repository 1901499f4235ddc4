// Every limit the RPC layer applies to untrusted input, in one place. Server defaults can be
// changed through ServerOptions; the constants without "Default" are fixed.
#pragma once

#include <cstddef>

namespace phalanx::rpc {

// Largest HTTP body or WebSocket message accepted from a client (HTTP 413 / error then close).
inline constexpr size_t kDefaultMaxRequestBytes = 10 * 1024 * 1024;
// Largest response the server will send; a bigger one is replaced by a kLimitExceeded error.
inline constexpr size_t kDefaultMaxResponseBytes = 10 * 1024 * 1024;
// Most requests in one batch array; a bigger batch gets a single kLimitExceeded error.
inline constexpr size_t kDefaultMaxBatchSize = 1000;
// Most simultaneously open client connections (HTTP and WebSocket); over it, HTTP 503.
inline constexpr size_t kDefaultMaxConnections = 1000;
// Most live subscriptions on one WebSocket connection.
inline constexpr size_t kDefaultMaxSubscriptionsPerConnection = 1024;
// Most messages queued for one connection that the client has not read yet. Past it the server
// stops reading requests from that client, and a subscription that cannot push its next
// notification is dropped (with one final error notification) instead of buffering without end.
inline constexpr size_t kDefaultMaxPendingOutgoingPerConnection = 4096;
// A connection with no traffic for this long is closed (WebSocket peers are pinged first).
inline constexpr int kDefaultIdleTimeoutS = 120;

// Deepest nesting of JSON arrays/objects accepted in a request. The JSON library recurses when
// it prints or compares values, so unbounded nesting would be a stack overflow.
inline constexpr size_t kMaxJsonDepth = 64;
// Largest HTTP request header block (request line + fields); over it, HTTP 431.
inline constexpr size_t kMaxHttpHeaderBytes = 16 * 1024;
// Connections refused with 503 while the server is full still cost a socket; beyond this many
// at once they are closed without an answer.
inline constexpr size_t kMaxRejectingConnections = 64;
// How long a refused or oversized-request connection is drained before it is closed, so the
// client can read the error instead of getting a reset.
inline constexpr int kLingerTimeoutMs = 2000;

// Time allowed for a WebSocket opening or closing handshake.
inline constexpr int kHandshakeTimeoutMs = 5000;
// Most simultaneous connections to the metrics server (scrapers are few); more are closed.
inline constexpr size_t kMaxMetricsConnections = 16;

// Largest message the Client accepts from a node.
inline constexpr size_t kClientMaxMessageBytes = 64 * 1024 * 1024;

}  // namespace phalanx::rpc
