// Integration-test harness for a multi-validator chain: runs `phalanx-node localnet` on free
// loopback ports, reads its localnet.json, lets a test kill -9, restart (from the node's argv),
// SIGSTOP/SIGCONT and partition (p2p_setFault) single nodes, and checks that the nodes agree:
// the same block hash at every height (no fork) and the same head and state root.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "harness.h"
#include "phalanx/platform/process.h"

namespace phalanx::itest {

struct LocalnetConfig {
  size_t validators = 4;
  uint64_t block_time_ms = 300;
  size_t dev_accounts = 0;  // funded load-test accounts (runtime::BenchAccount)
};

class Localnet {
 public:
  struct Node {
    std::string name;
    bool validator = false;
    uint16_t rpc_port = 0;
    std::vector<std::string> argv;  // from localnet.json
    std::string log_path;
    pid_t pid = -1;  // the current process (the localnet's child until restarted by the test)
    // False while killed or stopped: the load and the agreement checks leave it out.
    std::atomic<bool> up{true};
    // True between Partition and HealAll: running, but not expected to follow the chain.
    std::atomic<bool> isolated{false};
    std::unique_ptr<NodeProcess> restarted;  // the test's own child after Restart
    std::string http_url() const { return "http://127.0.0.1:" + std::to_string(rpc_port); }
  };

  // Starts the localnet in `dir` and waits until every node answers JSON-RPC.
  static Result<std::unique_ptr<Localnet>> Start(const std::filesystem::path& dir,
                                                 LocalnetConfig config);
  ~Localnet();  // SIGCONT to stopped nodes, then stops every node

  const LocalnetConfig& config() const { return config_; }
  std::vector<std::unique_ptr<Node>>& nodes() { return nodes_; }
  Node& node(std::string_view name);
  // The non-validating RPC node: never faulted by the tests, so it is the load's observer.
  Node& observer() { return node("rpc"); }
  std::chrono::milliseconds block_time() const {
    return std::chrono::milliseconds(config_.block_time_ms);
  }

  // Calls `method` on `node` over a fresh HTTP connection with a short timeout (a stopped node
  // would otherwise hold the caller).
  static Result<nlohmann::json> Call(const Node& node, const std::string& method,
                                     nlohmann::json params = nlohmann::json::array(),
                                     int timeout_ms = 3000);

  Status Kill9(Node& node);
  Status Restart(Node& node);  // from its argv; waits for its RPC
  Status Pause(Node& node);    // SIGSTOP
  Status Resume(Node& node);   // SIGCONT
  // Cuts `node` off from every peer (fault RPC on it and, for its peer id, on every other node).
  Status Partition(Node& node);
  Status HealAll();  // p2p_clearFaults on every up node

  static Result<uint64_t> Height(const Node& node);
  // The greatest height over the up nodes.
  Result<uint64_t> MaxHeight();
  Status WaitHeight(Node& node, uint64_t height, std::chrono::milliseconds timeout);
  // Every up node that is not isolated reaches `height`.
  Status WaitAllHeight(uint64_t height, std::chrono::milliseconds timeout);

  // Waits until a block above `above_height` (read on the observer) was proposed by `node`: the
  // proposer rotates, so a validator that takes part in consensus proposes within a few heights.
  Status WaitProposes(const Node& node, uint64_t above_height, std::chrono::milliseconds timeout);

  // Every up node has the same block hash at every height up to the lowest of their heads.
  Status CheckNoFork();
  // Waits until every up node reports the same head block (hence the same state root).
  Status WaitConverged(std::chrono::milliseconds timeout);
  // One line per node: name, pid, up, height, head hash and state root, for failure messages.
  std::string Describe();

 private:
  Localnet() = default;

  LocalnetConfig config_;
  std::filesystem::path dir_;
  std::optional<platform::Process> process_;  // `phalanx-node localnet`
  std::vector<std::unique_ptr<Node>> nodes_;
};

}  // namespace phalanx::itest
