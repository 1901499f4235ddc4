// `phalanx key generate|inspect|import|list`: keys live in password-encrypted keystore files
// (argon2id + XChaCha20-Poly1305); a mnemonic is shown once and never written in the clear.
#include <unistd.h>

#include <iostream>

#include "cli.h"
#include "phalanx/crypto/keystore.h"
#include "phalanx/crypto/mnemonic.h"
#include "phalanx/platform/files.h"

namespace phalanx::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

Status ValidName(const std::string& name) {
  if (name.empty() || name.size() > 64) return InvalidArgument("key names are 1..64 characters");
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_')
      return InvalidArgument("key name '" + name +
                             "' may only contain letters, digits, '-' and '_'");
  return Status::Ok();
}

json KeyJson(const std::string& name, const crypto::PublicKey& pk) {
  return json{{"name", name}, {"address", types::ToSs58(pk)}, {"public_key", ToHex0x(pk)}};
}

std::string KeyText(const crypto::PublicKey& pk) {
  return "address:    " + types::ToSs58(pk) + "\npublic key: " + ToHex0x(pk) + "\n";
}

Result<fs::path> SaveKey(const GlobalOptions& g, const std::string& name,
                         const crypto::SigningKey& key, std::string_view mnemonic) {
  RETURN_IF_ERROR(ValidName(name));
  ASSIGN_OR_RETURN(fs::path dir, KeystoreDir(g));
  fs::path path = dir / (name + ".json");
  if (fs::exists(path))
    return AlreadyExists("a key named '" + name + "' already exists at " + path.string() +
                         "; choose another --name");
  ASSIGN_OR_RETURN(std::string pw, ReadPassword(g, name, /*confirm=*/true));
  if (pw.size() < 8) return InvalidArgument("use a password of at least 8 characters");
  ASSIGN_OR_RETURN(std::string text, crypto::EncryptKeystore(name, key, mnemonic, pw));
  RETURN_IF_ERROR(platform::CreateDirectories(dir, 0700));
  RETURN_IF_ERROR(platform::WriteFileAtomic(path, text, 0600));
  return path;
}

std::string ReadSecretLine(const char* what) {
  if (::isatty(STDIN_FILENO)) std::cerr << what << std::flush;
  std::string line;
  std::getline(std::cin, line);
  return line;
}

}  // namespace

void AddKeyCommands(CLI::App& app, GlobalOptions& g, std::function<CommandResult()>& run) {
  auto* key = app.add_subcommand("key", "Generate, inspect, import and list keys");
  key->require_subcommand(1);

  auto* gen = key->add_subcommand("generate", "Create a new key from a fresh BIP39 mnemonic");
  static std::string gen_name;
  static size_t gen_words = 24;
  gen->add_option("--name", gen_name, "Save it encrypted in the keystore under this name");
  gen->add_option("--words", gen_words, "Mnemonic length")
      ->check(CLI::IsMember({12, 15, 18, 21, 24}))
      ->capture_default_str();
  gen->callback([&] {
    run = [&]() -> CommandResult {
      std::string phrase = crypto::GenerateMnemonic(gen_words);
      ASSIGN_OR_RETURN(crypto::SigningKey k, crypto::DeriveEd25519(phrase, 0));
      Output out;
      out.json = KeyJson(gen_name, k.public_key());
      out.json["mnemonic"] = phrase;
      out.text = KeyText(k.public_key()) + "mnemonic:   " + phrase +
                 "\n\nWrite the mnemonic down and keep it offline: it is the only way to recover "
                 "this key.\n";
      if (!gen_name.empty()) {
        ASSIGN_OR_RETURN(fs::path path, SaveKey(g, gen_name, k, phrase));
        out.json["file"] = path.string();
        out.text += "saved (encrypted) to " + path.string() + "\n";
      }
      return out;
    };
  });

  auto* inspect = key->add_subcommand(
      "inspect", "Show the address of a mnemonic, key name, dev account or address");
  static std::string what;
  static uint32_t index = 0;
  inspect
      ->add_option(
          "what", what,
          "A mnemonic (quoted), keystore key name, dev account, SS58 address or 0x public key")
      ->required();
  inspect->add_option("--index", index, "Account index for mnemonics (m/44'/4242'/0'/0'/index')")
      ->capture_default_str();
  inspect->callback([&] {
    run = [&]() -> CommandResult {
      Output out;
      if (what.find(' ') != std::string::npos) {
        ASSIGN_OR_RETURN(crypto::SigningKey k, crypto::DeriveEd25519(what, index));
        out.json = KeyJson("", k.public_key());
        out.json["index"] = index;
        out.text = KeyText(k.public_key());
        return out;
      }
      ASSIGN_OR_RETURN(types::AccountId id, ResolveAddress(g, what));
      out.json = KeyJson(what, id);
      out.text = KeyText(id);
      return out;
    };
  });

  auto* import = key->add_subcommand("import", "Import a key from a mnemonic into the keystore");
  static std::string import_name, import_mnemonic;
  static uint32_t import_index = 0;
  import->add_option("--name", import_name, "Name in the keystore")->required();
  import->add_option(
      "--mnemonic", import_mnemonic,
      "The mnemonic (default: read from standard input, so it stays out of shell history)");
  import->add_option("--index", import_index, "Account index (m/44'/4242'/0'/0'/index')")
      ->capture_default_str();
  import->callback([&] {
    run = [&]() -> CommandResult {
      std::string phrase = import_mnemonic.empty() ? ReadSecretLine("Mnemonic: ") : import_mnemonic;
  ASSIGN_OR_RETURN(crypto::SigningKey k, crypto::DeriveEd25519(phrase, import_index));
  ASSIGN_OR_RETURN(fs::path path, SaveKey(g, import_name, k, phrase));
  Output out;
  out.json = KeyJson(import_name, k.public_key());
  out.json["file"] = path.string();
  out.text = KeyText(k.public_key()) + "saved (encrypted) to " + path.string() + "\n";
  return out;
};
}  // namespace phalanx::cli
);

auto* list = key->add_subcommand("list", "List the keys in the keystore");
list->callback([&] {
  run = [&]() -> CommandResult {
    ASSIGN_OR_RETURN(fs::path dir, KeystoreDir(g));
    Output out;
    out.json = json::array();
    std::error_code ec;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      auto text = platform::ReadFile(f, 64 * 1024);
      if (!text.ok()) continue;
      auto kf = crypto::ParseKeystore(*text);
      if (!kf.ok()) {
        out.text +=
            f.filename().string() + ": unreadable (" + std::string(kf.status().message()) + ")\n";
        continue;
      }
      out.json.push_back(KeyJson(kf->name, kf->public_key));
      out.text += kf->name + "  " + types::ToSs58(kf->public_key) + "\n";
    }
    if (files.empty())
      out.text =
          "no keys in " + dir.string() + "; create one with `phalanx key generate --name NAME`\n";
    return out;
  };
});
}

}  // namespace phalanx::cli
