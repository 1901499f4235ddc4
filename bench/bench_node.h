// Helpers shared by the end-to-end benchmarks (load_bench, rss_bench): start a `phalanx-node
// --dev` child in a temporary directory, wait until its JSON-RPC answers, read its memory and CPU
// from /proc, and print results as one JSON object per line.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
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

// The height of the node's best block, or an error.
inline Result<uint64_t> BestHeight(rpc::Client& client) {
  ASSIGN_OR_RETURN(auto header, client.Call("chain_getHeader"));
  if (!header.is_object() || !header.contains("height") || !header["height"].is_number_unsigned())
    return Corruption("chain_getHeader answered without a numeric \"height\"");
  return header["height"].get<uint64_t>();
}

}  // namespace phalanx::bench
