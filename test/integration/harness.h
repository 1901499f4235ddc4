// Integration-test harness: a real phalanx-node process on loopback with its own base path,
// RPC helpers, transaction building and the phalanx CLI.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "phalanx/crypto/mnemonic.h"
#include "phalanx/platform/files.h"
#include "phalanx/platform/process.h"
#include "phalanx/rpc/client.h"
#include "phalanx/types/address.h"
#include "phalanx/types/transaction.h"

namespace phalanx::itest {

std::string BinPath(const std::string& name);

class NodeProcess {
 public:
  // Starts `phalanx-node --dev` on free ports with the given base path and extra flags.
  static Result<std::unique_ptr<NodeProcess>> Start(const std::filesystem::path& base_path,
                                                    std::vector<std::string> extra_args = {});
  // Starts a node with an exact command line (e.g. a localnet node's restart argv from
  // localnet.json) that serves RPC on `rpc_port`, appending its output to `log_path`.
  static Result<std::unique_ptr<NodeProcess>> StartCommand(std::vector<std::string> argv,
                                                           uint16_t rpc_port, std::string log_path);
  ~NodeProcess();

  std::string ws_url() const { return "ws://127.0.0.1:" + std::to_string(rpc_port_); }
  std::string http_url() const { return "http://127.0.0.1:" + std::to_string(rpc_port_); }
  uint16_t rpc_port() const { return rpc_port_; }
  const std::string& log_path() const { return log_path_; }
  platform::Process& process() { return *process_; }

  // Polls until the RPC answers (or the process died / timeout).
  Status WaitReady(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  Status Restart();
  // Spawns the node again without waiting for its RPC, e.g. to kill it during start-up.
  Status Relaunch() { return Launch(); }
  void Kill9();
  Status Terminate();  // SIGTERM, waits for a clean exit

  // A new HTTP client (a fresh connection per call keeps tests independent).
  Result<nlohmann::json> Call(const std::string& method,
                              nlohmann::json params = nlohmann::json::array());
  Result<rpc::MethodResult> CallRaw(const std::string& method,
                                    nlohmann::json params = nlohmann::json::array());
  Result<uint64_t> BestHeight();
  Status WaitForHeight(uint64_t height,
                       std::chrono::milliseconds timeout = std::chrono::seconds(30));

 private:
  NodeProcess() = default;
  Status Launch();

  std::filesystem::path base_path_;
  std::vector<std::string> args_;
  uint16_t rpc_port_ = 0;
  std::string log_path_;
  std::optional<platform::Process> process_;
};

// Signs a transfer with a dev account for the chain with `genesis`.
std::string SignedTransferHex(std::string_view from, const types::AccountId& to,
                              types::Balance amount, uint64_t nonce, const Hash32& genesis,
                              bool keep_alive = false);
Result<Hash32> GenesisHash(NodeProcess& node);
Result<types::Balance> FreeBalance(NodeProcess& node, const types::AccountId& who);
types::AccountId DevId(std::string_view name);

}  // namespace phalanx::itest
