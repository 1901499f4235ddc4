// Connection, keystore location, passwords and key/address resolution for the CLI.
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "cli.h"
#include "phalanx/crypto/keystore.h"
#include "phalanx/crypto/mnemonic.h"
#include "phalanx/platform/files.h"

namespace phalanx::cli {

namespace fs = std::filesystem;

Result<std::unique_ptr<rpc::Client>> Connect(const GlobalOptions& g) {
  return rpc::Client::Connect(g.url, g.timeout_ms);
}

Result<fs::path> KeystoreDir(const GlobalOptions& g) {
  if (!g.keystore.empty()) return fs::path(g.keystore);
  if (const char* env = std::getenv("PHALANX_KEYSTORE"); env && *env) return fs::path(env);
  ASSIGN_OR_RETURN(fs::path home, platform::HomeDirectory());
  return home / ".phalanx" / "keystore";
}

Result<std::string> ReadPassword(const GlobalOptions& g, std::string_view name, bool confirm) {
  if (!g.password_file.empty()) {
    ASSIGN_OR_RETURN(std::string pw, platform::ReadFile(g.password_file, 4096));
    while (!pw.empty() && (pw.back() == '\n' || pw.back() == '\r')) pw.pop_back();
    return pw;
  }
  if (const char* env = std::getenv("PHALANX_PASSWORD"); env != nullptr) return std::string(env);
  if (!::isatty(STDIN_FILENO))
    return FailedPrecondition(
        "key '" + std::string(name) +
        "' needs a password: pass --password-file FILE or set PHALANX_PASSWORD");
  auto prompt = [](const char* text) {
    std::cerr << text << std::flush;
    termios old{};
    ::tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~ECHO;
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    std::string line;
    std::getline(std::cin, line);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cerr << "\n";
    return line;
  };
  std::string pw = prompt(("Password for key '" + std::string(name) + "': ").c_str());
  if (confirm && prompt("Repeat password: ") != pw)
    return InvalidArgument("passwords do not match");
  return pw;
}

namespace {
bool IsDevName(const std::string& who) {
  for (auto n : crypto::DevAccountNames())
    if (n == who) return true;
  return false;
}

Result<fs::path> KeyFilePath(const GlobalOptions& g, const std::string& who) {
  if (who.find('/') != std::string::npos || who.ends_with(".json")) return fs::path(who);
  ASSIGN_OR_RETURN(fs::path dir, KeystoreDir(g));
  return dir / (who + ".json");
}
}  // namespace

Result<crypto::SigningKey> ResolveSigner(const GlobalOptions& g, const std::string& who) {
  ASSIGN_OR_RETURN(fs::path path, KeyFilePath(g, who));
  if (!fs::exists(path)) {
    if (IsDevName(who)) return crypto::DevAccount(who);
    return NotFound("no key named '" + who + "' (looked for " + path.string() +
                    "); create one with `phalanx key generate --name " + who +
                    "`, or use a dev account (alice..ferdie) on a dev chain");
  }
  ASSIGN_OR_RETURN(std::string text, platform::ReadFile(path, 64 * 1024));
  ASSIGN_OR_RETURN(std::string pw, ReadPassword(g, who, false));
  ASSIGN_OR_RETURN(crypto::DecryptedKey dk, crypto::DecryptKeystore(text, pw));
  return dk.key;
}

Result<types::AccountId> ResolveAddress(const GlobalOptions& g, const std::string& who) {
  if (who.starts_with("0x")) return FixedFromHex<32>(who);
  if (auto id = types::FromSs58(who); id.ok()) return *id;
  auto path = KeyFilePath(g, who);
  if (path.ok() && fs::exists(*path)) {
    ASSIGN_OR_RETURN(std::string text, platform::ReadFile(*path, 64 * 1024));
    ASSIGN_OR_RETURN(crypto::KeyFile kf, crypto::ParseKeystore(text));
    return kf.public_key;
  }
  if (IsDevName(who)) return crypto::DevAccount(who)->public_key();
  auto ss58 = types::FromSs58(who);
  return InvalidArgument("'" + who + "' is not an SS58 address (" +
                         std::string(ss58.status().message()) +
                         "), a 0x public key, a keystore key or a dev account name");
}

}  // namespace phalanx::cli
