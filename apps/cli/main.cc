// phalanx: the command-line client — keys, balances, transfers, blocks, transactions, raw RPC.
#include <cstdio>
#include <iostream>

#include "cli.h"

int main(int argc, char** argv) {
  using namespace phalanx::cli;
  CLI::App app{"phalanx: keys, transfers and chain queries for a Phalanx node"};
  app.set_version_flag("--version", std::string("phalanx ") + PHALANX_VERSION);
  GlobalOptions g;
  app.add_option("--url", g.url, "Node RPC endpoint (ws:// or http://)")->capture_default_str();
  app.add_flag("--json", g.json, "Print machine-readable JSON");
  app.add_option("--keystore", g.keystore,
                 "Keystore directory (default $PHALANX_KEYSTORE or ~/.phalanx/keystore)");
  app.add_option("--password-file", g.password_file,
                 "Read the key password from this file (else $PHALANX_PASSWORD or a prompt)");
  app.add_option("--timeout-ms", g.timeout_ms, "RPC timeout")->capture_default_str();
  std::function<CommandResult()> run;
  AddKeyCommands(app, g, run);
  AddChainCommands(app, g, run);
  AddWasmCommands(app, g, run);
  AddAttestCommands(app, g, run);
  AddTeeCommands(app, g, run);
  CLI11_PARSE(app, argc, argv);
  if (!run) {
    std::cerr << app.help();
    return 2;
  }
  CommandResult r = run();
  if (!r.ok()) {
    if (g.json) {
      nlohmann::json err{{"error",
                          {{"code", std::string(phalanx::StatusCodeName(r.status().code()))},
                           {"message", std::string(r.status().message())}}}};
      std::cout << err.dump() << "\n";
    } else {
      std::fprintf(stderr, "error: %s\n", std::string(r.status().message()).c_str());
    }
    return 1;
  }
  if (g.json) {
    std::cout << r->json.dump(2) << "\n";
  } else if (!r->text.empty()) {
    std::cout << r->text;
    if (r->text.back() != '\n') std::cout << "\n";
  }
  return r->exit_code;
}
