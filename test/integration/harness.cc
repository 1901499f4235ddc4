// Integration-test harness implementation.
#include "harness.h"

#include <signal.h>

#include <thread>

#include "phalanx/codec/codec.h"
#include "phalanx/types/amount.h"

namespace phalanx::itest {

using nlohmann::json;

std::string BinPath(const std::string& name) { return std::string(PHALANX_BIN_DIR) + "/" + name; }

Result<std::unique_ptr<NodeProcess>> NodeProcess::Start(const std::filesystem::path& base_path,
                                                        std::vector<std::string> extra_args) {
  std::unique_ptr<NodeProcess> n(new NodeProcess());
  n->base_path_ = base_path;
  ASSIGN_OR_RETURN(n->rpc_port_, platform::PickFreePort());
  n->log_path_ = (base_path.parent_path() / (base_path.filename().string() + ".log")).string();
  n->args_ = {BinPath("phalanx-node"), "--dev",      "--base-path",
              base_path.string(),      "--rpc-port", std::to_string(n->rpc_port_),
              "--no-prometheus"};
  for (auto& a : extra_args) n->args_.push_back(std::move(a));
  RETURN_IF_ERROR(n->Launch());
  RETURN_IF_ERROR(n->WaitReady());
  return n;
}

Result<std::unique_ptr<NodeProcess>> NodeProcess::StartCommand(std::vector<std::string> argv,
                                                               uint16_t rpc_port,
                                                               std::string log_path) {
  std::unique_ptr<NodeProcess> n(new NodeProcess());
  n->args_ = std::move(argv);
  n->rpc_port_ = rpc_port;
  n->log_path_ = std::move(log_path);
  RETURN_IF_ERROR(n->Launch());
  RETURN_IF_ERROR(n->WaitReady());
  return n;
}

NodeProcess::~NodeProcess() {
  if (process_ && process_->running()) (void)Terminate();
}

Status NodeProcess::Launch() {
  ASSIGN_OR_RETURN(auto p, platform::Process::Spawn(args_, log_path_));
  process_.emplace(std::move(p));
  return Status::Ok();
}

Status NodeProcess::WaitReady(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!process_->running())
      return Unavailable("phalanx-node exited during start-up; see " + log_path_);
    auto r = Call("system_health");
    if (r.ok()) return Status::Ok();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return DeadlineExceeded("phalanx-node did not answer RPC in time; see " + log_path_);
}

Status NodeProcess::Restart() {
  RETURN_IF_ERROR(Launch());
  return WaitReady();
}

void NodeProcess::Kill9() {
  (void)process_->Signal(SIGKILL);
  process_->Wait(std::chrono::seconds(10));
}

Status NodeProcess::Terminate() {
  RETURN_IF_ERROR(process_->Signal(SIGTERM));
  auto st = process_->Wait(std::chrono::seconds(20));
  if (!st) return DeadlineExceeded("phalanx-node did not stop within 20 s of SIGTERM");
  if (!st->exited || st->code != 0)
    return Internal("phalanx-node did not exit cleanly (code " + std::to_string(st->code) +
                    ", signal " + std::to_string(st->signal) + ")");
  return Status::Ok();
}

Result<json> NodeProcess::Call(const std::string& method, json params) {
  ASSIGN_OR_RETURN(auto client, rpc::Client::Connect(http_url(), 10000));
  return client->Call(method, std::move(params));
}

Result<rpc::MethodResult> NodeProcess::CallRaw(const std::string& method, json params) {
  ASSIGN_OR_RETURN(auto client, rpc::Client::Connect(http_url(), 10000));
  return client->CallRaw(method, std::move(params));
}

Result<uint64_t> NodeProcess::BestHeight() {
  ASSIGN_OR_RETURN(json h, Call("chain_getHeader"));
  return h.at("height").get<uint64_t>();
}

Status NodeProcess::WaitForHeight(uint64_t height, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto h = BestHeight();
    if (h.ok() && *h >= height) return Status::Ok();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return DeadlineExceeded("chain did not reach height " + std::to_string(height));
}

types::AccountId DevId(std::string_view name) { return crypto::DevAccount(name)->public_key(); }

std::string SignedTransferHex(std::string_view from, const types::AccountId& to,
                              types::Balance amount, uint64_t nonce, const Hash32& genesis,
                              bool keep_alive) {
  types::TransactionPayload p;
  p.signer = DevId(from);
  p.nonce = nonce;
  if (keep_alive)
    p.call.value = types::calls::TransferKeepAlive{to, amount};
  else
    p.call.value = types::calls::Transfer{to, amount};
  return ToHex0x(codec::EncodeToBytes(types::Sign(p, *crypto::DevAccount(from), genesis)));
}

Result<Hash32> GenesisHash(NodeProcess& node) {
  ASSIGN_OR_RETURN(json h, node.Call("chain_getBlockHash", json::array({0})));
  return FixedFromHex<32>(h.get<std::string>());
}

Result<types::Balance> FreeBalance(NodeProcess& node, const types::AccountId& who) {
  ASSIGN_OR_RETURN(json a, node.Call("balances_account", json::array({types::ToSs58(who)})));
  return types::ParseU128(a.at("free").get<std::string>());
}

}  // namespace phalanx::itest
