// Private state of the node service, shared by node.cc (lifecycle, block production) and
// rpc_methods.cc (the JSON-RPC API).
#pragma once

#include <map>
#include <mutex>
#include <vector>

#include "consensus_service.h"
#include "phalanx/mempool/mempool.h"
#include "phalanx/node/chain.h"
#include "phalanx/node/node.h"
#include "phalanx/platform/files.h"
#include "phalanx/rpc/methods.h"
#include "phalanx/rpc/metrics.h"
#include "phalanx/rpc/server.h"

namespace phalanx::node {

struct NodeMetrics {
  explicit NodeMetrics(rpc::MetricsRegistry& r);
  rpc::Gauge& best_height;
  rpc::Gauge& finalized_height;
  rpc::Gauge& pool_size;
  rpc::Gauge& pool_ready;
  rpc::Counter& transactions;
  rpc::Gauge& tps;
  rpc::Histogram& block_execute_seconds;
  rpc::Histogram& block_commit_seconds;
  rpc::Gauge& block_transactions;
};

struct Node::Impl {
  NodeConfig config;
  std::optional<platform::TempDir> temp_dir;  // dev chains without --base-path
  std::filesystem::path base_path;
  std::unique_ptr<Chain> chain;
  std::unique_ptr<mempool::Mempool> pool;
  std::shared_ptr<rpc::MetricsRegistry> registry;
  std::unique_ptr<NodeMetrics> metrics;
  std::shared_ptr<rpc::Methods> methods;
  std::unique_ptr<rpc::Server> rpc_server;
  std::unique_ptr<rpc::MetricsServer> metrics_server;

  // Subscriptions; guarded by subs_mu.
  std::mutex subs_mu;
  std::vector<std::shared_ptr<rpc::Sink>> new_heads;
  std::vector<std::shared_ptr<rpc::Sink>> finalized_heads;
  std::multimap<Hash32, std::shared_ptr<rpc::Sink>> tx_watchers;

  std::unique_ptr<ConsensusService> consensus;
  std::atomic<bool> stopped{false};
  uint64_t last_commit_ms = 0;  // steady clock, for the tps gauge (consensus thread)

  // The runtime parameters of the latest state, refreshed after every block; guarded by
  // params_mu.
  mutable std::mutex params_mu;
  std::shared_ptr<const runtime::Params> params;
  Status RefreshParams();

  mempool::ChainView View() const;
  // A block was committed (by consensus or block sync): pool, metrics, subscriptions.
  void OnCommitted(const ProducedBlock& b);
  // A client submitted `encoded` and the pool took it: gossip it to peers.
  void OnLocalTransaction(ByteView encoded);
  void OnPoolEvents(const std::vector<mempool::TxEvent>& events);
  void PublishBlock(const ProducedBlock& b);
  void RegisterRpcMethods();
  // system_peers, system_localPeerId, consensus_status and (with enable_fault_rpc) the p2p fault
  // hooks; network_rpc.cc.
  void RegisterNetworkMethods();
};

}  // namespace phalanx::node
