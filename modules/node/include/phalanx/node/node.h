// The node service: opens the store and the chain, runs the mempool, consensus (a validator
// votes; any node follows), the p2p network with block sync, the JSON-RPC server and the
// Prometheus endpoint, and shuts them down cleanly.
#pragma once

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "phalanx/base/result.h"
#include "phalanx/crypto/ed25519.h"
#include "phalanx/runtime/genesis.h"

namespace phalanx::node {

struct NodeConfig {
  runtime::ChainSpec spec;
  // Where the database lives; empty = a temporary directory removed at exit (dev only).
  std::filesystem::path base_path;
  std::string rpc_address = "127.0.0.1";
  uint16_t rpc_port = 9944;  // 0 = any free port
  std::string prometheus_address = "127.0.0.1";
  std::optional<uint16_t> prometheus_port = 9615;  // nullopt = disabled; 0 = any free port
  // The pause after each commit before the next height (consensus timeout_commit).
  uint64_t block_time_ms = 1000;
  std::optional<uint64_t> state_pruning_window = 256;  // nullopt = archive
  // The validator key that proposes and votes (the dev chain's alice); nullopt = follow only.
  std::optional<crypto::SigningKey> validator;
  // p2p: "host:port" to listen on; nullopt = no networking at all (a lone dev node).
  std::optional<std::string> listen_addr;
  std::vector<std::string> bootnodes;  // "host:port" or "<peer id hex>@host:port"
  // Serve p2p_setFault / p2p_clearFaults over JSON-RPC (tests of partitions; never in production).
  bool enable_fault_rpc = false;
  size_t rpc_threads = 2;
  size_t rpc_max_connections = 1000;
  size_t pool_max_count = 200'000;
  bool sync_writes = true;
  std::string node_name = "phalanx-node";
};

class Node {
 public:
  static Result<std::unique_ptr<Node>> Start(NodeConfig config);
  ~Node();

  uint16_t rpc_port() const;
  std::optional<uint16_t> prometheus_port() const;
  const std::filesystem::path& base_path() const;
  // Stops producing, closes RPC connections and the store. Idempotent.
  void Stop();

  struct Impl;

 private:
  explicit Node(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace phalanx::node
