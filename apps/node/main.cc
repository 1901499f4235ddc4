// phalanx-node: the chain. `phalanx-node --dev` starts a one-validator development chain with
// funded accounts; `phalanx-node build-spec --dev` prints its chain spec.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "localnet.h"
#include "phalanx/base/log.h"
#include "phalanx/crypto/keystore.h"
#include "phalanx/crypto/mnemonic.h"
#include "phalanx/node/node.h"
#include "phalanx/platform/files.h"

namespace {

using phalanx::Result;
using phalanx::Status;

constexpr size_t kMaxSpecBytes = 512u << 20;

Result<phalanx::runtime::ChainSpec> LoadSpec(bool dev, const std::string& chain,
                                             size_t dev_accounts) {
  if (!chain.empty() && chain != "dev") {
    if (dev_accounts > 0)
      return phalanx::InvalidArgument(
          "--dev-accounts only applies to the built-in dev chain; put \"bench_accounts\" in the "
          "spec's genesis instead");
    auto text = phalanx::platform::ReadFile(chain, kMaxSpecBytes);
    if (!text.ok()) return text.status().WithContext("reading chain spec --chain " + chain);
    auto spec = phalanx::runtime::ChainSpec::FromJson(*text);
    if (!spec.ok()) return spec.status().WithContext(chain);
    return spec;
  }
  if (dev || chain == "dev") return phalanx::runtime::ChainSpec::Dev(dev_accounts);
  return phalanx::InvalidArgument(
      "no chain given: pass --dev for a development chain or --chain <spec.json>");
}

Result<std::optional<uint64_t>> ParsePruning(const std::string& s) {
  if (s == "archive") return std::optional<uint64_t>();
  try {
    size_t pos = 0;
    unsigned long long v = std::stoull(s, &pos);
    if (pos != s.size() || v == 0) throw std::invalid_argument(s);
    return std::optional<uint64_t>(v);
  } catch (...) {
    return phalanx::InvalidArgument(
        "--state-pruning takes a number of blocks (> 0) or \"archive\", got \"" + s + "\"");
  }
}

int Fail(const Status& s) {
  std::fprintf(stderr, "error: %s\n", std::string(s.message()).c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"phalanx-node: the Phalanx chain (consensus, runtime, storage, JSON-RPC, metrics)"};
  app.set_version_flag("--version", std::string("phalanx-node ") + PHALANX_VERSION);
  bool dev = false;
  std::string chain, base_path, log_format = "text", log_level = "info", pruning = "256";
  std::string rpc_address = "127.0.0.1", prometheus_address = "127.0.0.1", validator,
              name = "phalanx-node";
  uint16_t rpc_port = 9944, prometheus_port = 9615;
  bool no_prometheus = false;
  uint64_t block_time_ms = 1000;
  size_t dev_accounts = 0, rpc_max_connections = 1000;
  app.add_flag("--dev", dev,
               "Development chain: alice validates, alice..ferdie are funded, state in a temp dir "
               "unless --base-path");
  app.add_option("--chain", chain, "Chain spec JSON file (from build-spec), or \"dev\"");
  app.add_option("--base-path", base_path, "Directory for the database; reused on restart");
  app.add_option("--rpc-port", rpc_port, "JSON-RPC port (HTTP and WebSocket)")
      ->capture_default_str();
  app.add_option("--rpc-address", rpc_address, "Address the JSON-RPC server binds to")
      ->capture_default_str();
  app.add_option("--rpc-max-connections", rpc_max_connections, "Maximum concurrent RPC connections")
      ->capture_default_str();
  app.add_option("--prometheus-port", prometheus_port, "Prometheus /metrics port")
      ->capture_default_str();
  app.add_option("--prometheus-address", prometheus_address,
                 "Address the Prometheus endpoint binds to")
      ->capture_default_str();
  app.add_flag("--no-prometheus", no_prometheus, "Do not serve Prometheus metrics");
  app.add_option("--block-time-ms", block_time_ms, "Time between blocks in milliseconds")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{10}, uint64_t{600'000}));
  app.add_option("--state-pruning", pruning, "Keep state of the last N blocks, or \"archive\"")
      ->capture_default_str();
  app.add_option("--validator", validator,
                 "Produce blocks as this dev account (alice..ferdie; dev and local chains only); "
                 "--dev defaults to alice");
  app.add_option("--dev-accounts", dev_accounts,
                 "Also fund N deterministic load-test accounts (dev chains only)")
      ->capture_default_str();
  std::string listen_addr;
  std::vector<std::string> bootnodes;
  bool enable_fault_rpc = false;
  app.add_option("--listen-addr", listen_addr,
                 "p2p HOST:PORT to listen on (default 0.0.0.0:30333; with --dev, no p2p unless "
                 "given)");
  app.add_option("--bootnodes", bootnodes,
                 "p2p peers to dial and keep dialing: HOST:PORT or PEERIDHEX@HOST:PORT, "
                 "comma-separated")
      ->delimiter(',');
  app.add_flag("--enable-fault-rpc", enable_fault_rpc,
               "Serve p2p_setFault/p2p_clearFaults (delay, loss, duplication, partition) over "
               "JSON-RPC, for tests only");
  app.add_option("--name", name, "Node name reported by system_name")->capture_default_str();
  app.add_option("--log-format", log_format, "Log format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  app.add_option("--log-level", log_level, "Log level")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();

  auto* build_spec = app.add_subcommand(
      "build-spec", "Print a chain spec as JSON (edit it and pass it with --chain)");
  bool spec_dev = false;
  size_t spec_dev_accounts = 0;
  size_t spec_local = 0;
  auto* dev_flag = build_spec->add_flag("--dev", spec_dev, "The development chain's spec");
  auto* local_opt = build_spec->add_option(
      "--local", spec_local,
      "A local chain's spec with N validators (alice, bob, ...; 1 to 6), as run by `phalanx-node "
      "localnet`");
  local_opt->excludes(dev_flag);
  build_spec->add_option("--dev-accounts", spec_dev_accounts, "Also fund N load-test accounts");

  phalanx::node_app::LocalnetOptions localnet_options;
  auto* localnet = phalanx::node_app::AddLocalnetCommand(app, localnet_options);

  CLI11_PARSE(app, argc, argv);
  phalanx::log::Init(
      log_format == "json" ? phalanx::log::Format::kJson : phalanx::log::Format::kText, log_level);
  if (*localnet) return phalanx::node_app::RunLocalnet(localnet_options);

  if (*build_spec) {
    if (*local_opt) {
      auto local = phalanx::runtime::ChainSpec::Local(spec_local, spec_dev_accounts);
      if (!local.ok()) return Fail(local.status().WithContext("build-spec --local"));
      std::cout << local->ToJson().dump(2) << "\n";
      return 0;
    }
    if (!spec_dev)
      return Fail(
          phalanx::InvalidArgument("build-spec needs --dev or --local N (the built-in chains)"));
    std::cout << phalanx::runtime::ChainSpec::Dev(spec_dev_accounts).ToJson().dump(2) << "\n";
    return 0;
  }

  auto spec = LoadSpec(dev, chain, dev_accounts);
  if (!spec.ok()) return Fail(spec.status());
  auto window = ParsePruning(pruning);
  if (!window.ok()) return Fail(window.status());

  phalanx::node::NodeConfig cfg;
  cfg.spec = std::move(spec).value();
  cfg.base_path = base_path;
  cfg.rpc_address = rpc_address;
  cfg.rpc_port = rpc_port;
  cfg.rpc_max_connections = rpc_max_connections;
  cfg.prometheus_address = prometheus_address;
  cfg.prometheus_port = no_prometheus ? std::nullopt : std::optional<uint16_t>(prometheus_port);
  cfg.block_time_ms = block_time_ms;
  cfg.state_pruning_window = *window;
  cfg.node_name = name;
  if (!listen_addr.empty())
    cfg.listen_addr = listen_addr;
  else if (!dev && chain != "dev")
    cfg.listen_addr = "0.0.0.0:30333";
  cfg.bootnodes = bootnodes;
  cfg.enable_fault_rpc = enable_fault_rpc;
  if (validator.empty() && (dev || chain == "dev")) validator = "alice";
  if (!validator.empty()) {
    if (cfg.spec.chain_type != "development" && cfg.spec.chain_type != "local")
      return Fail(
          phalanx::InvalidArgument("--validator takes a dev account name, which only development "
                                   "and local chains accept (this chain is \"" +
                                   cfg.spec.chain_type + "\")"));
    auto key = phalanx::crypto::DevAccount(validator);
    if (!key.ok()) return Fail(key.status().WithContext("--validator"));
    cfg.validator = std::move(key).value();
  }

  // Block SIGINT/SIGTERM in every thread; the main thread waits for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  auto node = phalanx::node::Node::Start(std::move(cfg));
  if (!node.ok()) return Fail(node.status());
  int sig = 0;
  sigwait(&signals, &sig);
  PHX_LOG_INFO("received {}, shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
  (*node)->Stop();
  return 0;
}
