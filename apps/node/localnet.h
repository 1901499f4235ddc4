// `phalanx-node localnet`: a local multi-validator chain on loopback for development and tests.
// It writes a chain spec (runtime::ChainSpec::Local), starts every validator and one
// non-validating RPC node as its own OS process (this same executable), records how to restart
// each of them in DIR/localnet.json, reports nodes that die without restarting them, and stops
// them all on SIGINT/SIGTERM.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "phalanx/base/result.h"

namespace phalanx::node_app {

struct LocalnetOptions {
  size_t validators = 4;
  std::string base_path;
  uint16_t rpc_port_base = 9944;
  std::optional<uint16_t> p2p_port_base;  // rpc_port_base + 100 when not given
  uint64_t block_time_ms = 1000;
  bool enable_fault_rpc = false;
  bool no_rpc_node = false;
  size_t dev_accounts = 0;  // load-test accounts funded at genesis (runtime::BenchAccount)
  std::string node_log_level = "info";
};

// One node of the localnet as it will be started.
struct LocalnetNode {
  std::string name;  // a dev account name for validators, "rpc" for the RPC node
  bool validator = false;
  uint16_t rpc_port = 0;
  uint16_t p2p_port = 0;
  std::filesystem::path base_path;
  std::filesystem::path log_path;
  std::vector<std::string> argv;  // the exact command that (re)starts this node
};

// Adds the `localnet` subcommand to `app`, filling `options` when parsed; check `*returned`.
CLI::App* AddLocalnetCommand(CLI::App& app, LocalnetOptions& options);

// The nodes `options` describe, started with `node_binary` (absolute) and the spec in
// `dir`/spec.json. Checks counts and port ranges.
Result<std::vector<LocalnetNode>> PlanLocalnet(const LocalnetOptions& options,
                                               const std::filesystem::path& dir,
                                               const std::string& node_binary);

// Runs the localnet in the foreground until SIGINT/SIGTERM (or until every node has exited);
// returns the process exit code.
int RunLocalnet(const LocalnetOptions& options);

}  // namespace phalanx::node_app
