// Shared pieces of the `phalanx` CLI: global options, output in text or JSON, the RPC
// connection and key resolution (keystore files or dev account names).
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "phalanx/base/result.h"
#include "phalanx/crypto/ed25519.h"
#include "phalanx/rpc/client.h"
#include "phalanx/types/address.h"

namespace phalanx::cli {

struct GlobalOptions {
  std::string url = "ws://127.0.0.1:9944";
  bool json = false;
  std::string keystore;       // empty: $PHALANX_KEYSTORE or ~/.phalanx/keystore
  std::string password_file;  // else $PHALANX_PASSWORD, else prompt on a terminal
  int timeout_ms = 10000;
};

// A command's outcome: printed by main as text, or as JSON with --json.
struct Output {
  nlohmann::json json;
  std::string text;
  // Printed like any output, then the process exits with this status (e.g. 1 for a verdict that
  // is the command's answer but not a success, such as a quote that does not verify).
  int exit_code = 0;
};

using CommandResult = Result<Output>;

Result<std::unique_ptr<rpc::Client>> Connect(const GlobalOptions& g);
Result<std::filesystem::path> KeystoreDir(const GlobalOptions& g);
// Reads the password for key `name` (never echoed, never logged).
Result<std::string> ReadPassword(const GlobalOptions& g, std::string_view name, bool confirm);
// A key by keystore name or file, or a dev account name (alice..ferdie).
Result<crypto::SigningKey> ResolveSigner(const GlobalOptions& g, const std::string& who);
// An address: SS58, 0x-hex public key, a dev account name or a keystore key name.
Result<types::AccountId> ResolveAddress(const GlobalOptions& g, const std::string& who);

void AddKeyCommands(CLI::App& app, GlobalOptions& g, std::function<CommandResult()>& run);
void AddChainCommands(CLI::App& app, GlobalOptions& g, std::function<CommandResult()>& run);
// wasm validate / wasm run (apps/cli/wasm.cc): local WebAssembly tools, no node needed.
void AddWasmCommands(CLI::App& app, GlobalOptions& g, std::function<CommandResult()>& run);
void AddAttestCommands(CLI::App& app, GlobalOptions& g, std::function<CommandResult()>& run);
// tee doctor (apps/cli/tee.cc): what attestation hardware this machine offers.
void AddTeeCommands(CLI::App& app, GlobalOptions& g, std::function<CommandResult()>& run);

}  // namespace phalanx::cli
