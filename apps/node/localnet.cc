// `phalanx-node localnet`: plans, starts, watches and stops the processes of a local chain.
#include "localnet.h"

#include <signal.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <thread>

#include "phalanx/crypto/mnemonic.h"
#include "phalanx/platform/files.h"
#include "phalanx/platform/process.h"
#include "phalanx/rpc/client.h"
#include "phalanx/runtime/genesis.h"

namespace phalanx::node_app {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// How long stopping waits after SIGTERM before it sends SIGKILL: a node flushes its database and
// WAL on SIGTERM, which takes well under a second unless the machine is badly overloaded.
constexpr auto kStopGrace = std::chrono::seconds(15);
// How often the supervisor looks for exited nodes and unanswered RPC ports.
constexpr int kPollMs = 250;
// Nodes that do not answer JSON-RPC this long after start are reported (they keep running).
constexpr auto kReadyTimeout = std::chrono::seconds(60);
constexpr const char* kRpcNodeName = "rpc";
constexpr const char* kLoopback = "127.0.0.1";
constexpr size_t kMaxSpecBytes = 64u << 20;

std::string ShellQuote(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                        "0123456789-_./:=,@%+") == std::string::npos)
    return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string CommandLine(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) out += (out.empty() ? "" : " ") + ShellQuote(a);
  return out;
}

std::string Describe(const platform::ExitStatus& st) {
  if (st.exited) return "exited with code " + std::to_string(st.code);
  return "was killed by signal " + std::to_string(st.signal) + " (" + strsignal(st.signal) + ")";
}

// Writes DIR/spec.json, refusing to overwrite a different spec: the nodes' databases under DIR
// were created from the old one and would refuse to start.
Status WriteSpec(const fs::path& path, const std::string& text) {
  std::error_code ec;
  if (fs::exists(path, ec)) {
    auto old = platform::ReadFile(path, kMaxSpecBytes);
    if (old.ok() && *old == text) return Status::Ok();
    return FailedPrecondition(path.string() +
                              " holds a different local chain (other --validators or "
                              "--dev-accounts); remove " +
                              path.parent_path().string() + " or pick another --base-path");
  }
  return platform::WriteFileAtomic(path, text);
}

json NodesJson(const std::vector<LocalnetNode>& plan, const std::vector<platform::Process>& procs) {
  json nodes = json::array();
  for (size_t i = 0; i < plan.size(); ++i) {
    const auto& n = plan[i];
    nodes.push_back(
        {{"name", n.name},
         {"pid", procs[i].pid()},
         {"rpc_port", n.rpc_port},
         {"p2p_port", n.p2p_port},
         {"validator", n.validator},
         {"rpc_url", "ws://" + std::string(kLoopback) + ":" + std::to_string(n.rpc_port)},
         {"base_path", n.base_path.string()},
         {"log", n.log_path.string()},
         {"argv", n.argv}});
  }
  return nodes;
}

void PrintEndpoints(const std::vector<LocalnetNode>& plan,
                    const std::vector<platform::Process>& procs, const fs::path& dir) {
  std::printf("localnet: %zu nodes of chain %s\n", plan.size(), (dir / "spec.json").c_str());
  std::printf("  %-8s %-9s %-8s %-24s %-16s %s\n", "name", "role", "pid", "rpc", "p2p", "log");
  for (size_t i = 0; i < plan.size(); ++i) {
    const auto& n = plan[i];
    std::string rpc = "ws://" + std::string(kLoopback) + ":" + std::to_string(n.rpc_port);
    std::string p2p = std::string(kLoopback) + ":" + std::to_string(n.p2p_port);
    std::printf("  %-8s %-9s %-8d %-24s %-16s %s\n", n.name.c_str(),
                n.validator ? "validator" : "rpc", static_cast<int>(procs[i].pid()), rpc.c_str(),
                p2p.c_str(), n.log_path.c_str());
  }
  std::printf("localnet: restart commands in %s; Ctrl-C stops every node\n",
              (dir / "localnet.json").c_str());
  std::fflush(stdout);
}

bool AnswersRpc(uint16_t port) {
  auto client = rpc::Client::Connect("http://127.0.0.1:" + std::to_string(port), 1000);
  return client.ok() && (*client)->Call("system_health").ok();
}

// SIGTERM to every running node, SIGKILL to those still running after the grace period.
void StopAll(const std::vector<LocalnetNode>& plan, std::vector<platform::Process>& procs) {
  for (auto& p : procs)
    if (p.running()) (void)p.Signal(SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + kStopGrace;
  for (size_t i = 0; i < procs.size(); ++i) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    auto st = procs[i].Wait(std::max(left, std::chrono::milliseconds(0)));
    if (!st && procs[i].running()) {
      std::fprintf(stderr, "localnet: %s (pid %d) ignored SIGTERM for %lld s; sending SIGKILL\n",
                   plan[i].name.c_str(), static_cast<int>(procs[i].pid()),
                   static_cast<long long>(kStopGrace.count()));
      (void)procs[i].Signal(SIGKILL);
      (void)procs[i].Wait(std::chrono::seconds(10));
    }
  }
  std::printf("localnet: all nodes stopped\n");
  std::fflush(stdout);
}

int Fail(const Status& s) {
  std::fprintf(stderr, "error: localnet: %s\n", std::string(s.message()).c_str());
  return 1;
}

// Watches the nodes until SIGINT/SIGTERM (returns 0) or until none is left running (returns 1).
int Supervise(const std::vector<LocalnetNode>& plan, std::vector<platform::Process>& procs,
              const sigset_t& signals) {
  std::vector<bool> reported(plan.size(), false), ready(plan.size(), false);
  bool all_ready = false, ready_reported = false;
  const auto started = std::chrono::steady_clock::now();
  for (;;) {
    timespec tick{0, kPollMs * 1'000'000L};
    int sig = sigtimedwait(&signals, nullptr, &tick);
    if (sig == SIGINT || sig == SIGTERM) {
      std::printf("localnet: received %s, stopping every node\n",
                  sig == SIGINT ? "SIGINT" : "SIGTERM");
      std::fflush(stdout);
      return 0;
    }
    size_t running = 0;
    for (size_t i = 0; i < plan.size(); ++i) {
      if (procs[i].running()) {
        ++running;
        continue;
      }
      if (reported[i]) continue;
      reported[i] = true;
      auto st = procs[i].Wait(std::chrono::milliseconds(0));
      std::fprintf(stderr,
                   "localnet: %s (pid %d) %s; not restarting it (see %s). To restart it:\n  %s\n",
                   plan[i].name.c_str(), static_cast<int>(procs[i].pid()),
                   st ? Describe(*st).c_str() : "exited", plan[i].log_path.c_str(),
                   CommandLine(plan[i].argv).c_str());
    }
    if (running == 0) {
      std::fprintf(stderr, "localnet: every node has exited\n");
      return 1;
    }
    if (!all_ready) {
      all_ready = true;
      for (size_t i = 0; i < plan.size(); ++i) {
        if (!ready[i] && !reported[i]) ready[i] = AnswersRpc(plan[i].rpc_port);
        all_ready = all_ready && ready[i];
      }
      if (all_ready) {
        std::printf("localnet: every node answers JSON-RPC\n");
        std::fflush(stdout);
      } else if (!ready_reported && std::chrono::steady_clock::now() - started > kReadyTimeout) {
        ready_reported = true;
        for (size_t i = 0; i < plan.size(); ++i)
          if (!ready[i])
            std::fprintf(stderr, "localnet: %s does not answer JSON-RPC on port %u yet (see %s)\n",
                         plan[i].name.c_str(), plan[i].rpc_port, plan[i].log_path.c_str());
      }
    }
  }
}

}  // namespace

CLI::App* AddLocalnetCommand(CLI::App& app, LocalnetOptions& o) {
  auto* sub = app.add_subcommand(
      "localnet",
      "Run a local chain on 127.0.0.1: N validators and one RPC node, each its own process; "
      "Ctrl-C stops them all");
  sub->add_option("--validators", o.validators,
                  "Number of validators (alice, bob, ... in order; 1 to 6)")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, runtime::kMaxLocalValidators));
  sub->add_option("--base-path", o.base_path,
                  "Directory for spec.json, localnet.json and one sub-directory per node "
                  "(database, node key, WAL, node.log); reused on restart")
      ->required();
  sub->add_option("--rpc-port-base", o.rpc_port_base,
                  "JSON-RPC port of the first validator; validator i gets P+i, the RPC node P+N")
      ->capture_default_str();
  sub->add_option("--p2p-port-base", o.p2p_port_base,
                  "P2P port of the first validator, then consecutive ports like the RPC ports "
                  "(default: --rpc-port-base + 100)");
  sub->add_option("--block-time-ms", o.block_time_ms, "Target time between blocks in milliseconds")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{10}, uint64_t{600'000}));
  sub->add_flag("--enable-fault-rpc", o.enable_fault_rpc,
                "Let every node's RPC inject network faults (p2p_setFault, p2p_clearFaults); for "
                "tests only");
  sub->add_flag("--no-rpc-node", o.no_rpc_node, "Start only the validators");
  sub->add_option("--dev-accounts", o.dev_accounts,
                  "Also fund N deterministic load-test accounts at genesis")
      ->capture_default_str();
  sub->add_option("--node-log-level", o.node_log_level, "Log level of every node")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();
  return sub;
}

Result<std::vector<LocalnetNode>> PlanLocalnet(const LocalnetOptions& o, const fs::path& dir,
                                               const std::string& node_binary) {
  const auto names = crypto::DevAccountNames();
  if (o.validators == 0 || o.validators > runtime::kMaxLocalValidators ||
      o.validators > names.size())
    return InvalidArgument("--validators takes 1 to " +
                           std::to_string(runtime::kMaxLocalValidators) + ", got " +
                           std::to_string(o.validators));
  const size_t count = o.validators + (o.no_rpc_node ? 0 : 1);
  const uint32_t rpc_base = o.rpc_port_base;
  const uint32_t p2p_base = o.p2p_port_base ? *o.p2p_port_base : rpc_base + 100;
  if (rpc_base == 0 || rpc_base + count - 1 > 65535)
    return InvalidArgument("--rpc-port-base " + std::to_string(rpc_base) + " leaves no room for " +
                           std::to_string(count) + " consecutive ports");
  if (p2p_base == 0 || p2p_base + count - 1 > 65535)
    return InvalidArgument("P2P ports from " + std::to_string(p2p_base) + " leave no room for " +
                           std::to_string(count) + " consecutive ports (set --p2p-port-base)");
  if (p2p_base < rpc_base + count && rpc_base < p2p_base + count)
    return InvalidArgument("the RPC ports " + std::to_string(rpc_base) + ".." +
                           std::to_string(rpc_base + count - 1) + " and P2P ports " +
                           std::to_string(p2p_base) + ".." + std::to_string(p2p_base + count - 1) +
                           " overlap; set --p2p-port-base");

  std::vector<LocalnetNode> plan(count);
  for (size_t i = 0; i < count; ++i) {
    auto& n = plan[i];
    n.validator = i < o.validators;
    n.name = n.validator ? std::string(names[i]) : kRpcNodeName;
    n.rpc_port = static_cast<uint16_t>(rpc_base + i);
    n.p2p_port = static_cast<uint16_t>(p2p_base + i);
    n.base_path = dir / n.name;
    n.log_path = n.base_path / "node.log";
  }
  for (auto& n : plan) {
    std::string bootnodes;
    for (const auto& peer : plan)
      if (peer.name != n.name)
        bootnodes += (bootnodes.empty() ? "" : ",") + std::string(kLoopback) + ":" +
                     std::to_string(peer.p2p_port);
    n.argv = {node_binary,
              "--chain",
              (dir / "spec.json").string(),
              "--base-path",
              n.base_path.string(),
              "--name",
              n.name,
              "--rpc-port",
              std::to_string(n.rpc_port),
              "--listen-addr",
              std::string(kLoopback) + ":" + std::to_string(n.p2p_port),
              "--block-time-ms",
              std::to_string(o.block_time_ms),
              "--no-prometheus",
              "--log-level",
              o.node_log_level};
    if (!bootnodes.empty()) {
      n.argv.push_back("--bootnodes");
      n.argv.push_back(bootnodes);
    }
    if (n.validator) {
      n.argv.push_back("--validator");
      n.argv.push_back(n.name);
    }
    if (o.enable_fault_rpc) n.argv.push_back("--enable-fault-rpc");
  }
  return plan;
}

int RunLocalnet(const LocalnetOptions& o) {
  std::error_code ec;
  const fs::path dir = fs::absolute(o.base_path, ec);
  if (ec) return Fail(InvalidArgument("--base-path " + o.base_path + ": " + ec.message()));
  // The nodes are this executable; the resolved path keeps the restart commands valid from any
  // directory and from other processes (unlike /proc/self/exe).
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return Fail(Internal("cannot resolve /proc/self/exe: " + ec.message()));

  auto spec = runtime::ChainSpec::Local(o.validators, o.dev_accounts);
  if (!spec.ok()) return Fail(spec.status());
  auto plan = PlanLocalnet(o, dir, self.string());
  if (!plan.ok()) return Fail(plan.status());
  if (auto s = platform::CreateDirectories(dir); !s.ok()) return Fail(s);
  if (auto s = WriteSpec(dir / "spec.json", spec->ToJson().dump(2) + "\n"); !s.ok()) return Fail(s);
  for (const auto& n : *plan)
    if (auto s = platform::CreateDirectories(n.base_path); !s.ok()) return Fail(s);

  // Blocked before any node starts so that a Ctrl-C during start-up still stops them all (the
  // children get an empty signal mask from Process::Spawn).
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::vector<platform::Process> procs;
  for (const auto& n : *plan) {
    auto p = platform::Process::Spawn(n.argv, n.log_path.string());
    if (!p.ok()) {
      std::vector<LocalnetNode> started(plan->begin(), plan->begin() + long(procs.size()));
      StopAll(started, procs);
      return Fail(p.status().WithContext("starting " + n.name));
    }
    procs.push_back(std::move(p).value());
  }
  if (auto s =
          platform::WriteFileAtomic(dir / "localnet.json", NodesJson(*plan, procs).dump(2) + "\n");
      !s.ok()) {
    StopAll(*plan, procs);
    return Fail(s);
  }
  PrintEndpoints(*plan, procs, dir);
  int code = Supervise(*plan, procs, signals);
  StopAll(*plan, procs);
  return code;
}

}  // namespace phalanx::node_app
