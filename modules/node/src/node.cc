// Node lifecycle and the dev block producer.
#include "phalanx/node/node.h"

#include <algorithm>
#include <chrono>

#include "node_impl.h"
#include "phalanx/base/clock.h"
#include "phalanx/base/log.h"
#include "phalanx/p2p/identity.h"
#include "phalanx/runtime/storage.h"
#include "phalanx/store/rocksdb_store.h"
#include "phalanx/types/address.h"
#include "phalanx/types/json.h"

namespace phalanx::node {

NodeMetrics::NodeMetrics(rpc::MetricsRegistry& r)
    : best_height(r.GetGauge("phalanx_block_height", "Block heights by status (best, finalized)",
                             {{"status", "best"}})),
      finalized_height(r.GetGauge("phalanx_block_height",
                                  "Block heights by status (best, finalized)",
                                  {{"status", "finalized"}})),
      pool_size(r.GetGauge("phalanx_txpool_transactions", "Transactions in the pool")),
      pool_ready(r.GetGauge("phalanx_txpool_ready", "Ready transactions in the pool")),
      transactions(r.GetCounter("phalanx_transactions_total", "Transactions included in blocks")),
      tps(r.GetGauge("phalanx_tps", "Transactions per second over the last block interval")),
      block_execute_seconds(r.GetHistogram("phalanx_block_execute_seconds",
                                           "Time to execute a block's transactions",
                                           rpc::DefaultLatencyBucketsSeconds())),
      block_commit_seconds(r.GetHistogram("phalanx_block_commit_seconds",
                                          "Time to compute the state root and write a block",
                                          rpc::DefaultLatencyBucketsSeconds())),
      block_transactions(
          r.GetGauge("phalanx_block_transactions", "Transactions in the last block")) {}

Node::Node(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Node::~Node() { Stop(); }

uint16_t Node::rpc_port() const { return impl_->rpc_server->port(); }
std::optional<uint16_t> Node::prometheus_port() const {
  if (!impl_->metrics_server) return std::nullopt;
  return impl_->metrics_server->port();
}
const std::filesystem::path& Node::base_path() const { return impl_->base_path; }

Result<std::unique_ptr<Node>> Node::Start(NodeConfig config) {
  auto impl = std::make_unique<Impl>();
  impl->config = std::move(config);
  NodeConfig& cfg = impl->config;
  // Checked before anything touches the disk, so a mistake leaves no half-made database.
  if (cfg.validator && cfg.spec.validators.IndexOf(cfg.validator->public_key()) < 0)
    return FailedPrecondition("the validator key " + types::ToSs58(cfg.validator->public_key()) +
                              " is not in this chain's validator set; pass --validator with a key "
                              "listed in the chain spec's genesis.validators");
  if (cfg.base_path.empty()) {
    ASSIGN_OR_RETURN(auto tmp, platform::TempDir::Create("phalanx-dev-"));
    impl->base_path = tmp.path();
    impl->temp_dir.emplace(std::move(tmp));
  } else {
    impl->base_path = cfg.base_path;
  }
  RETURN_IF_ERROR(platform::CreateDirectories(impl->base_path, 0700));
  auto db_path = impl->base_path / "chains" / cfg.spec.id / "db";
  RETURN_IF_ERROR(platform::CreateDirectories(db_path, 0700));
  ASSIGN_OR_RETURN(auto kv, store::RocksDbStore::Open(db_path.string(), store::RocksDbOptions{}));
  ChainOptions chain_opts;
  chain_opts.state_pruning_window = cfg.state_pruning_window;
  chain_opts.sync_writes = cfg.sync_writes;
  ASSIGN_OR_RETURN(impl->chain, Chain::Open(std::move(kv), cfg.spec, chain_opts));

  mempool::Options pool_opts;
  pool_opts.max_count = cfg.pool_max_count;
  impl->pool = std::make_unique<mempool::Mempool>(pool_opts);
  Impl* self = impl.get();
  impl->pool->SetListener(
      [self](const std::vector<mempool::TxEvent>& ev) { self->OnPoolEvents(ev); });

  impl->registry = std::make_shared<rpc::MetricsRegistry>();
  impl->metrics = std::make_unique<NodeMetrics>(*impl->registry);
  RETURN_IF_ERROR(impl->RefreshParams());
  Head head = impl->chain->head();
  impl->metrics->best_height.Set(static_cast<double>(head.height));
  impl->metrics->finalized_height.Set(static_cast<double>(head.height));

  impl->methods = std::make_shared<rpc::Methods>();
  impl->RegisterRpcMethods();
  rpc::ServerOptions rpc_opts;
  rpc_opts.address = cfg.rpc_address;
  rpc_opts.port = cfg.rpc_port;
  rpc_opts.threads = cfg.rpc_threads;
  rpc_opts.max_connections = cfg.rpc_max_connections;
  rpc_opts.health = [self]() -> std::pair<int, std::string> {
    Head h = self->chain->head();
    nlohmann::json j{{"status", "ok"},
                     {"best", h.height},
                     {"finalized", h.height},
                     {"peers", self->consensus ? self->consensus->peer_count() : 0},
                     {"is_syncing", self->consensus && self->consensus->syncing()}};
    return {200, j.dump()};
  };
  auto server = rpc::Server::Start(rpc_opts, impl->methods, impl->registry);
  if (!server.ok()) return server.status().WithContext("starting the JSON-RPC server");
  impl->rpc_server = std::move(server).value();
  if (cfg.prometheus_port) {
    auto ms =
        rpc::MetricsServer::Start(cfg.prometheus_address, *cfg.prometheus_port, impl->registry);
    if (!ms.ok())
      return ms.status().WithContext("starting the Prometheus endpoint (--prometheus-port)");
    impl->metrics_server = std::move(ms).value();
  }
  PHX_LOG_INFO("chain \"{}\" genesis {} at height {} ({})", cfg.spec.name,
               ToHex0x(impl->chain->genesis_hash()), head.height, ToHex0x(head.hash));

  ConsensusServiceOptions cons;
  // Round timeouts follow the block time (a height whose proposer is down should not cost
  // seconds on a chain with 300 ms blocks), within bounds that leave room for slow networks.
  cons.config.timeout_commit_ms = cfg.block_time_ms;
  cons.config.timeout_propose_ms = std::clamp<uint64_t>(2 * cfg.block_time_ms, 500, 3000);
  cons.config.timeout_prevote_ms = std::clamp<uint64_t>(cfg.block_time_ms, 200, 1000);
  cons.config.timeout_precommit_ms = std::clamp<uint64_t>(cfg.block_time_ms, 200, 1000);
  cons.config.timeout_delta_ms = std::clamp<uint64_t>(cfg.block_time_ms / 2, 100, 500);
  cons.validator = cfg.validator;
  cons.wal_path = impl->base_path / "chains" / cfg.spec.id / "consensus.wal";
  if (cfg.listen_addr) {
    ASSIGN_OR_RETURN(auto node_key, p2p::LoadOrCreateNodeKey(impl->base_path));
    p2p::NetworkOptions net;
    net.listen_addr = *cfg.listen_addr;
    net.node_key = std::move(node_key);
    net.network_id = Bytes(impl->chain->genesis_hash().begin(), impl->chain->genesis_hash().end());
    net.bootnodes = cfg.bootnodes;
    cons.network = std::move(net);
  }
  ConsensusService::Hooks hooks;
  hooks.view = [self] { return self->View(); };
  hooks.on_commit = [self](const ProducedBlock& b) { self->OnCommitted(b); };
  ASSIGN_OR_RETURN(impl->consensus,
                   ConsensusService::Start(*impl->chain, *impl->pool, cons, std::move(hooks)));
  if (cfg.validator)
    PHX_LOG_INFO("validating as {}, {} ms between blocks",
                 types::ToSs58(cfg.validator->public_key()), cfg.block_time_ms);
  else
    PHX_LOG_INFO("not a validator: following the chain without voting");
  return std::unique_ptr<Node>(new Node(std::move(impl)));
}

void Node::Stop() {
  Impl& s = *impl_;
  if (s.stopped.exchange(true)) return;
  if (s.consensus) s.consensus->Stop();
  if (s.rpc_server) s.rpc_server->Stop();
  if (s.metrics_server) s.metrics_server->Stop();
  s.consensus.reset();
  s.chain.reset();  // closes the store
  PHX_LOG_INFO("node stopped");
}

Status Node::Impl::RefreshParams() {
  ASSIGN_OR_RETURN(runtime::Params p, runtime::LoadParams(chain->latest_state()));
  std::lock_guard lock(params_mu);
  params = std::make_shared<const runtime::Params>(std::move(p));
  return Status::Ok();
}

mempool::ChainView Node::Impl::View() const {
  std::shared_ptr<const runtime::Params> current;
  {
    std::lock_guard lock(params_mu);
    current = params;
  }
  return mempool::ChainView{&chain->latest_state(), chain->head().height + 1, chain->genesis_hash(),
                            std::move(current)};
}

void Node::Impl::OnCommitted(const ProducedBlock& b) {
  for (const auto& [hash, reason] : b.rejected) pool->Remove(hash, reason);
  if (Status st = RefreshParams(); !st.ok())
    PHX_LOG_ERROR("cannot load runtime parameters: {}", st.ToString());
  pool->OnBlockCommitted(b.included, b.block.header.height, b.hash, View());
  PublishBlock(b);
  const uint64_t now_ms = SystemClock().MonotonicMs();
  const uint64_t interval_ms =
      last_commit_ms ? std::max<uint64_t>(now_ms - last_commit_ms, 1) : config.block_time_ms;
  last_commit_ms = now_ms;
  metrics->best_height.Set(static_cast<double>(b.block.header.height));
  metrics->finalized_height.Set(static_cast<double>(b.block.header.height));
  metrics->transactions.Inc(b.included.size());
  metrics->block_transactions.Set(static_cast<double>(b.included.size()));
  metrics->tps.Set(static_cast<double>(b.included.size()) * 1000.0 /
                   static_cast<double>(interval_ms));
  metrics->block_execute_seconds.Observe(b.execute_ms / 1000.0);
  metrics->block_commit_seconds.Observe(b.commit_ms / 1000.0);
  metrics->pool_size.Set(static_cast<double>(pool->size()));
  metrics->pool_ready.Set(static_cast<double>(pool->ready_count()));
  if (!b.included.empty())
    PHX_LOG_INFO("block #{} {} with {} tx (execute {:.1f} ms, commit {:.1f} ms), pool {}",
                 b.block.header.height, ToHex0x(b.hash).substr(0, 18), b.included.size(),
                 b.execute_ms, b.commit_ms, pool->size());
}

void Node::Impl::OnLocalTransaction(ByteView encoded) {
  if (consensus) consensus->BroadcastTransaction(encoded);
}

namespace {
// Sends to every live sink, dropping closed ones.
void Broadcast(std::vector<std::shared_ptr<rpc::Sink>>& sinks, const nlohmann::json& msg) {
  std::erase_if(sinks, [&](const std::shared_ptr<rpc::Sink>& s) { return !s->Send(msg); });
}
}  // namespace

void Node::Impl::PublishBlock(const ProducedBlock& b) {
  nlohmann::json header = types::ToJson(b.block.header);
  std::string block_hash = ToHex0x(b.hash);
  std::lock_guard lock(subs_mu);
  Broadcast(new_heads, header);
  Broadcast(finalized_heads, header);
  // Watchers whose client went away before their transaction was final.
  std::erase_if(tx_watchers, [](const auto& entry) { return entry.second->closed(); });
  for (const Hash32& tx : b.included) {
    auto [lo, hi] = tx_watchers.equal_range(tx);
    for (auto it = lo; it != hi; ++it) {
      it->second->Send(nlohmann::json{{"inBlock", block_hash}});
      it->second->Send(nlohmann::json{{"finalized", block_hash}});
      it->second->Close();
    }
    tx_watchers.erase(lo, hi);
  }
}

void Node::Impl::OnPoolEvents(const std::vector<mempool::TxEvent>& events) {
  metrics->pool_size.Set(static_cast<double>(pool->size()));
  metrics->pool_ready.Set(static_cast<double>(pool->ready_count()));
  std::lock_guard lock(subs_mu);
  if (tx_watchers.empty()) return;
  for (const auto& e : events) {
    auto [lo, hi] = tx_watchers.equal_range(e.hash);
    if (lo == hi) continue;
    nlohmann::json msg;
    bool final_status = true;
    switch (e.status) {
      case mempool::TxStatus::kReady:
        msg = "ready";
        final_status = false;
        break;
      case mempool::TxStatus::kFuture:
        msg = "future";
        final_status = false;
        break;
      case mempool::TxStatus::kInBlock:
      case mempool::TxStatus::kFinalized:
        continue;  // sent by PublishBlock
      case mempool::TxStatus::kDropped:
        msg = {{"dropped", e.reason}};
        break;
      case mempool::TxStatus::kInvalid:
        msg = {{"invalid", e.reason}};
        break;
      case mempool::TxStatus::kUsurped:
        msg = {{"usurped", e.reason}};
        break;
    }
    for (auto it = lo; it != hi; ++it) {
      it->second->Send(msg);
      if (final_status) it->second->Close();
    }
    if (final_status) tx_watchers.erase(lo, hi);
  }
}

}  // namespace phalanx::node
