// Localnet test harness: the localnet process, node control and agreement checks.
#include "localnet_harness.h"

#include <signal.h>

#include <cerrno>
#include <thread>

#include "phalanx/base/check.h"
#include "phalanx/platform/files.h"
#include "phalanx/rpc/client.h"

namespace phalanx::itest {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
using Ms = std::chrono::milliseconds;

namespace {

constexpr auto kStartTimeout = std::chrono::seconds(90);
constexpr size_t kMaxLocalnetJsonBytes = 1 << 20;

std::string Short(const std::string& hash) { return hash.size() > 18 ? hash.substr(0, 18) : hash; }

}  // namespace

Result<std::unique_ptr<Localnet>> Localnet::Start(const std::filesystem::path& dir,
                                                  LocalnetConfig config) {
  std::unique_ptr<Localnet> net(new Localnet());
  net->config_ = config;
  net->dir_ = dir;
  RETURN_IF_ERROR(platform::CreateDirectories(dir));
  const size_t count = config.validators + 1;
  ASSIGN_OR_RETURN(uint16_t rpc_base, platform::PickFreePortRange(count));
  uint16_t p2p_base = 0;
  do {
    ASSIGN_OR_RETURN(p2p_base, platform::PickFreePortRange(count));
  } while (p2p_base < rpc_base + count && rpc_base < p2p_base + count);
  std::vector<std::string> argv = {BinPath("phalanx-node"), "localnet",
                                   "--validators",          std::to_string(config.validators),
                                   "--base-path",           dir.string(),
                                   "--rpc-port-base",       std::to_string(rpc_base),
                                   "--p2p-port-base",       std::to_string(p2p_base),
                                   "--block-time-ms",       std::to_string(config.block_time_ms),
                                   "--dev-accounts",        std::to_string(config.dev_accounts),
                                   "--enable-fault-rpc"};
  const std::string log = (dir / "localnet.log").string();
  ASSIGN_OR_RETURN(auto p, platform::Process::Spawn(argv, log));
  net->process_.emplace(std::move(p));

  const auto deadline = Clock::now() + kStartTimeout;
  const auto json_path = dir / "localnet.json";
  while (!std::filesystem::exists(json_path)) {
    if (!net->process_->running()) return Unavailable("the localnet exited; see " + log);
    if (Clock::now() > deadline) return DeadlineExceeded("no " + json_path.string());
    std::this_thread::sleep_for(Ms(20));
  }
  ASSIGN_OR_RETURN(std::string text, platform::ReadFile(json_path, kMaxLocalnetJsonBytes));
  json nodes = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!nodes.is_array() || nodes.size() != count)
    return Internal("unexpected " + json_path.string() + ": " + text);
  for (const auto& j : nodes) {
    auto n = std::make_unique<Node>();
    n->name = j.at("name").get<std::string>();
    n->validator = j.at("validator").get<bool>();
    n->rpc_port = j.at("rpc_port").get<uint16_t>();
    n->argv = j.at("argv").get<std::vector<std::string>>();
    n->log_path = j.at("log").get<std::string>();
    n->pid = j.at("pid").get<pid_t>();
    net->nodes_.push_back(std::move(n));
  }
  for (auto& n : net->nodes_) {
    while (!Call(*n, "system_health", json::array(), 1000).ok()) {
      if (!net->process_->running()) return Unavailable("the localnet exited; see " + log);
      if (Clock::now() > deadline)
        return DeadlineExceeded(n->name + " does not answer JSON-RPC; see " + n->log_path);
      std::this_thread::sleep_for(Ms(50));
    }
  }
  return net;
}

Localnet::~Localnet() {
  for (auto& n : nodes_)
    if (n->pid > 0 && !n->restarted) ::kill(n->pid, SIGCONT);
  for (auto& n : nodes_)
    if (n->restarted) {
      (void)n->restarted->process().Signal(SIGCONT);
      (void)n->restarted->Terminate();
    }
  if (process_ && process_->running()) {
    (void)process_->Signal(SIGTERM);
    if (!process_->Wait(std::chrono::seconds(30))) (void)process_->Signal(SIGKILL);
  }
}

Localnet::Node& Localnet::node(std::string_view name) {
  for (auto& n : nodes_)
    if (n->name == name) return *n;
  PHX_CHECK(false);
  return *nodes_.front();
}

Result<json> Localnet::Call(const Node& node, const std::string& method, json params,
                            int timeout_ms) {
  ASSIGN_OR_RETURN(auto client, rpc::Client::Connect(node.http_url(), timeout_ms));
  return client->Call(method, std::move(params));
}

Status Localnet::Kill9(Node& node) {
  node.up = false;
  if (node.restarted) {
    node.restarted->Kill9();
    return Status::Ok();
  }
  if (::kill(node.pid, SIGKILL) != 0) return Internal("kill -9 " + node.name + " failed");
  // The localnet reaps it within its poll interval; until then the pid is a zombie.
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (::kill(node.pid, 0) == 0) {
    if (Clock::now() > deadline) return DeadlineExceeded(node.name + " was not reaped");
    std::this_thread::sleep_for(Ms(20));
  }
  return Status::Ok();
}

Status Localnet::Restart(Node& node) {
  ASSIGN_OR_RETURN(node.restarted,
                   NodeProcess::StartCommand(node.argv, node.rpc_port, node.log_path));
  node.pid = node.restarted->process().pid();
  node.up = true;
  return Status::Ok();
}

Status Localnet::Pause(Node& node) {
  node.up = false;
  if (::kill(node.pid, SIGSTOP) != 0) return Internal("SIGSTOP " + node.name + " failed");
  return Status::Ok();
}

Status Localnet::Resume(Node& node) {
  if (::kill(node.pid, SIGCONT) != 0) return Internal("SIGCONT " + node.name + " failed");
  node.up = true;
  return Status::Ok();
}

Status Localnet::Partition(Node& victim) {
  ASSIGN_OR_RETURN(json peer_id, Call(victim, "system_localPeerId"));
  auto fault = [](json peer) {
    return json{{"peer", std::move(peer)},
                {"delay_ms", 0},
                {"loss_pct", 0},
                {"dup_pct", 0},
                {"partitioned", true}};
  };
  RETURN_IF_ERROR(Call(victim, "p2p_setFault", fault(nullptr)).status().WithContext(victim.name));
  for (auto& n : nodes_)
    if (n.get() != &victim && n->up)
      RETURN_IF_ERROR(Call(*n, "p2p_setFault", fault(peer_id)).status().WithContext(n->name));
  victim.isolated = true;
  return Status::Ok();
}

Status Localnet::HealAll() {
  for (auto& n : nodes_)
    if (n->up) RETURN_IF_ERROR(Call(*n, "p2p_clearFaults").status().WithContext(n->name));
  for (auto& n : nodes_) n->isolated = false;
  return Status::Ok();
}

Result<uint64_t> Localnet::Height(const Node& node) {
  ASSIGN_OR_RETURN(json h, Call(node, "chain_getHeader"));
  return h.at("height").get<uint64_t>();
}

Result<uint64_t> Localnet::MaxHeight() {
  uint64_t best = 0;
  for (auto& n : nodes_)
    if (n->up) {
      ASSIGN_OR_RETURN(uint64_t h, Height(*n));
      best = std::max(best, h);
    }
  return best;
}

Status Localnet::WaitHeight(Node& node, uint64_t height, Ms timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    auto h = Height(node);
    if (h.ok() && *h >= height) return Status::Ok();
    std::this_thread::sleep_for(Ms(50));
  }
  return DeadlineExceeded(node.name + " did not reach height " + std::to_string(height) +
                          " within " + std::to_string(timeout.count()) + " ms:\n" + Describe());
}

Status Localnet::WaitAllHeight(uint64_t height, Ms timeout) {
  const auto deadline = Clock::now() + timeout;
  for (auto& n : nodes_)
    if (n->up && !n->isolated)
      RETURN_IF_ERROR(WaitHeight(
          *n, height, std::max(Ms(0), std::chrono::duration_cast<Ms>(deadline - Clock::now()))));
  return Status::Ok();
}

Status Localnet::WaitProposes(const Node& node, uint64_t above_height, Ms timeout) {
  const std::string who = types::ToSs58(DevId(node.name));
  const auto deadline = Clock::now() + timeout;
  uint64_t next = above_height + 1;
  std::string seen;
  while (Clock::now() < deadline) {
    auto head = Height(observer());
    for (; head.ok() && next <= *head; ++next) {
      auto hash = Call(observer(), "chain_getBlockHash", json::array({next}));
      if (!hash.ok() || !hash->is_string()) break;
      auto header = Call(observer(), "chain_getHeader", json::array({*hash}));
      if (!header.ok()) break;
      std::string proposer = header->at("proposer").get<std::string>();
      if (proposer == who) return Status::Ok();
      seen += " #" + std::to_string(next) + ":" + proposer.substr(0, 6);
    }
    std::this_thread::sleep_for(Ms(100));
  }
  return DeadlineExceeded(
      node.name + " (" + who + ") proposed no block above height " + std::to_string(above_height) +
      " within " + std::to_string(timeout.count()) + " ms; proposers:" + seen + "\n" + Describe());
}

Status Localnet::CheckNoFork() {
  std::vector<Node*> up;
  std::vector<std::unique_ptr<rpc::Client>> clients;
  uint64_t lowest = UINT64_MAX;
  for (auto& n : nodes_) {
    if (!n->up) continue;
    up.push_back(n.get());
    ASSIGN_OR_RETURN(auto c, rpc::Client::Connect(n->http_url(), 5000));
    ASSIGN_OR_RETURN(json head, c->Call("chain_getHeader"));
    lowest = std::min(lowest, head.at("height").get<uint64_t>());
    clients.push_back(std::move(c));
  }
  for (uint64_t h = 0; h <= lowest && !up.empty(); ++h) {
    std::vector<std::string> hashes;
    for (auto& c : clients) {
      ASSIGN_OR_RETURN(json hash, c->Call("chain_getBlockHash", json::array({h})));
      hashes.push_back(hash.is_string() ? hash.get<std::string>() : "null");
    }
    for (size_t i = 1; i < hashes.size(); ++i) {
      if (hashes[i] == hashes[0]) continue;
      std::string msg = "FORK at height " + std::to_string(h) + ":";
      for (size_t k = 0; k < up.size(); ++k) msg += " " + up[k]->name + "=" + hashes[k];
      return Internal(msg + "\n" + Describe());
    }
  }
  return Status::Ok();
}

Status Localnet::WaitConverged(Ms timeout) {
  const auto deadline = Clock::now() + timeout;
  do {
    std::string first;
    bool same = true;
    for (auto& n : nodes_) {
      if (!n->up) continue;
      auto head = Call(*n, "chain_getHeader");
      std::string h = head.ok() ? head->at("hash").get<std::string>() : "error";
      if (first.empty()) first = h;
      same = same && h == first;
      if (!same) break;
    }
    if (same) return Status::Ok();
    std::this_thread::sleep_for(Ms(20));
  } while (Clock::now() < deadline);
  return DeadlineExceeded("nodes did not converge to one head within " +
                          std::to_string(timeout.count()) + " ms:\n" + Describe());
}

std::string Localnet::Describe() {
  std::string out;
  for (auto& n : nodes_) {
    out += "  " + n->name + " pid " + std::to_string(n->pid) + (n->up ? " up" : " DOWN") +
           (n->isolated ? " ISOLATED" : "");
    if (n->up) {
      auto head = Call(*n, "chain_getHeader", json::array(), 1000);
      if (head.ok())
        out += " height " + std::to_string(head->at("height").get<uint64_t>()) + " head " +
               Short(head->at("hash").get<std::string>()) + " state_root " +
               Short(head->at("state_root").get<std::string>());
      else
        out += " (RPC: " + std::string(head.status().message()) + ")";
      auto cs = Call(*n, "consensus_status", json::array(), 1000);
      if (cs.ok()) out += " consensus " + cs->dump();
    }
    out += "  log " + n->log_path + "\n";
  }
  return out;
}

}  // namespace phalanx::itest
