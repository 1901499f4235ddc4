// Helpers shared by the end-to-end benchmarks (load_bench, rss_bench): start a `phalanx-node
// --dev` child or a `phalanx-node localnet` in a temporary directory, wait until JSON-RPC
// answers, read memory and CPU from /proc, and print results as one JSON object per line.
#pragma once

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "phalanx/base/log.h"
#include "phalanx/platform/files.h"
#include "phalanx/platform/process.h"
#include "phalanx/rpc/client.h"

namespace phalanx::bench {

using Clock = std::chrono::steady_clock;

inline double SecondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

inline void Report(const char* bench, double value, const char* unit) {
  std::printf("{\"bench\": \"%s\", \"value\": %.1f, \"unit\": \"%s\"}\n", bench, value, unit);
  std::fflush(stdout);
}

// The directory of this executable: phalanx-node is built into the same bin directory.
inline std::filesystem::path BinDir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::current_path() : exe.parent_path();
}

// Memory of a process from /proc/<pid>/status, in MiB (VmRSS now, VmHWM = peak RSS).
struct Memory {
  double rss_mib = 0;
  double peak_mib = 0;
};

inline Memory ReadMemory(pid_t pid) {
  Memory m;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  double kib = 0;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    if (!(ls >> key >> kib)) continue;
    if (key == "VmRSS:") m.rss_mib = kib / 1024.0;
    if (key == "VmHWM:") m.peak_mib = kib / 1024.0;
  }
  return m;
}

// User + system CPU seconds a process has used so far (/proc/<pid>/stat fields 14 and 15).
inline double CpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = text.rfind(')');  // the command name may contain spaces
  if (close == std::string::npos) return 0;
  std::istringstream ls(text.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && ls >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

inline double LoadAverage1m() {
  std::ifstream in("/proc/loadavg");
  double v = 0;
  in >> v;
  return v;
}

// A dev node started by a benchmark. Destroying it kills the node and removes its directory,
// unless Keep() was called.
struct DevNode {
  std::optional<platform::Process> process;
  std::optional<platform::TempDir> dir;
  std::filesystem::path base_path;
  std::filesystem::path log_path;
  uint16_t port = 0;
  std::string url;

  pid_t pid() const { return process ? process->pid() : -1; }

  // Leaves the node running and its directory in place after this program exits.
  void Keep() {
    if (process) new platform::Process(std::move(*process));  // never destroyed: never killed
    process.reset();
    if (dir) dir->Release();
  }
};

struct DevNodeOptions {
  std::filesystem::path binary;  // default: phalanx-node beside this executable
  size_t dev_accounts = 0;
  uint64_t block_time_ms = 1000;
  std::filesystem::path base_path;  // default: a fresh temporary directory
  std::vector<std::string> extra_args;
};

// Spawns the node; does not wait for it (see WaitReady).
inline Result<std::unique_ptr<DevNode>> SpawnDevNode(const DevNodeOptions& options) {
  auto node = std::make_unique<DevNode>();
  if (options.base_path.empty()) {
    ASSIGN_OR_RETURN(auto tmp, platform::TempDir::Create("phalanx-bench-"));
    node->base_path = tmp.path();
    node->dir.emplace(std::move(tmp));
  } else {
    node->base_path = options.base_path;
  }
  ASSIGN_OR_RETURN(node->port, platform::PickFreePort());
  node->url = "ws://127.0.0.1:" + std::to_string(node->port);
  node->log_path = node->base_path / "node.log";
  auto binary = options.binary.empty() ? BinDir() / "phalanx-node" : options.binary;
  if (!std::filesystem::exists(binary))
    return NotFound(binary.string() +
                    " does not exist; build it with `cmake --build <dir> --target phalanx-node` or "
                    "pass --node <path>");
  std::vector<std::string> argv = {binary.string(),   "--dev",
                                   "--dev-accounts",  std::to_string(options.dev_accounts),
                                   "--base-path",     node->base_path.string(),
                                   "--block-time-ms", std::to_string(options.block_time_ms),
                                   "--rpc-port",      std::to_string(node->port),
                                   "--no-prometheus"};
  argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
  ASSIGN_OR_RETURN(auto process, platform::Process::Spawn(argv, node->log_path.string()));
  node->process.emplace(std::move(process));
  return node;
}

// The last `max_bytes` of the node's log, for error messages.
inline std::string LogTail(const DevNode& node, size_t max_bytes = 2000) {
  std::ifstream in(node.log_path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return text.size() > max_bytes ? text.substr(text.size() - max_bytes) : text;
}

// Connects once the node answers chain_getBlockHash(0). `tick` runs about every `tick_ms` while
// waiting (rss_bench samples memory there).
inline Result<std::unique_ptr<rpc::Client>> WaitReady(DevNode& node, double timeout_s,
                                                      const std::function<void()>& tick = {},
                                                      int tick_ms = 100) {
  auto start = Clock::now();
  while (SecondsSince(start) < timeout_s) {
    if (tick) tick();
    if (node.process && !node.process->running())
      return Unavailable("phalanx-node exited during startup; its log ends with:\n" +
                         LogTail(node));
    auto client = rpc::Client::Connect(node.url, 2000);
    if (client.ok() && (*client)->Call("chain_getBlockHash", nlohmann::json::array({0})).ok())
      return client;
    std::this_thread::sleep_for(std::chrono::milliseconds(tick_ms));
  }
  return DeadlineExceeded("phalanx-node did not answer JSON-RPC within " +
                          std::to_string(timeout_s) + " s; its log is " + node.log_path.string());
}

// A `phalanx-node localnet` started by a benchmark in a temporary directory: N validators and one
// RPC node, each its own process. Destroying it stops them all (SIGTERM to the localnet).
struct LocalnetNodes {
  std::optional<platform::Process> process;  // the localnet supervisor
  std::optional<platform::TempDir> dir;
  std::vector<std::string> urls;  // ws:// of every node; the RPC node is last
  std::vector<pid_t> pids;
  std::vector<std::filesystem::path> logs;

  // Leaves the localnet running and its directory in place after this program exits.
  void Keep() {
    if (process) new platform::Process(std::move(*process));  // never destroyed: never killed
    process.reset();
    if (dir) dir->Release();
  }

  ~LocalnetNodes() {
    if (process && process->running()) {
      (void)process->Signal(SIGTERM);
      process->Wait(std::chrono::seconds(30));
    }
  }
};

// Starts the localnet and waits until every node answers JSON-RPC.
inline Result<std::unique_ptr<LocalnetNodes>> SpawnLocalnet(const std::filesystem::path& binary_in,
                                                            size_t validators, size_t dev_accounts,
                                                            uint64_t block_time_ms,
                                                            double timeout_s) {
  auto net = std::make_unique<LocalnetNodes>();
  ASSIGN_OR_RETURN(auto tmp, platform::TempDir::Create("phalanx-bench-localnet-"));
  const auto dir = tmp.path();
  net->dir.emplace(std::move(tmp));
  const size_t count = validators + 1;
  ASSIGN_OR_RETURN(uint16_t rpc_base, platform::PickFreePortRange(count));
  uint16_t p2p_base = 0;
  do {
    ASSIGN_OR_RETURN(p2p_base, platform::PickFreePortRange(count));
  } while (p2p_base < rpc_base + count && rpc_base < p2p_base + count);
  auto binary = binary_in.empty() ? BinDir() / "phalanx-node" : binary_in;
  std::vector<std::string> argv = {binary.string(),   "localnet",
                                   "--validators",    std::to_string(validators),
                                   "--base-path",     dir.string(),
                                   "--rpc-port-base", std::to_string(rpc_base),
                                   "--p2p-port-base", std::to_string(p2p_base),
                                   "--block-time-ms", std::to_string(block_time_ms),
                                   "--dev-accounts",  std::to_string(dev_accounts)};
  ASSIGN_OR_RETURN(auto p, platform::Process::Spawn(argv, (dir / "localnet.log").string()));
  net->process.emplace(std::move(p));
  auto start = Clock::now();
  const auto json_path = dir / "localnet.json";
  while (!std::filesystem::exists(json_path)) {
    if (!net->process->running())
      return Unavailable("the localnet exited; see " + (dir / "localnet.log").string());
    if (SecondsSince(start) > timeout_s) return DeadlineExceeded("no " + json_path.string());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSIGN_OR_RETURN(std::string text, platform::ReadFile(json_path, 1 << 20));
  auto nodes = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!nodes.is_array()) return Corruption(json_path.string() + " is not a JSON array");
  for (const auto& n : nodes) {
    net->urls.push_back("ws://127.0.0.1:" + std::to_string(n.value("rpc_port", 0)));
    net->pids.push_back(n.value("pid", -1));
    net->logs.push_back(n.value("log", ""));
  }
  for (size_t i = 0; i < net->urls.size(); ++i) {
    for (;;) {
      auto client = rpc::Client::Connect(net->urls[i], 2000);
      if (client.ok() && (*client)->Call("chain_getBlockHash", nlohmann::json::array({0})).ok())
        break;
      if (!net->process->running())
        return Unavailable("the localnet exited; see " + (dir / "localnet.log").string());
      if (SecondsSince(start) > timeout_s)
        return DeadlineExceeded(net->urls[i] + " did not answer JSON-RPC; see " +
                                net->logs[i].string());
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  return net;
}

// The height of the node's best block, or an error.
inline Result<uint64_t> BestHeight(rpc::Client& client) {
  ASSIGN_OR_RETURN(auto header, client.Call("chain_getHeader"));
  if (!header.is_object() || !header.contains("height") || !header["height"].is_number_unsigned())
    return Corruption("chain_getHeader answered without a numeric \"height\"");
  return header["height"].get<uint64_t>();
}

}  // namespace phalanx::bench
