// `phalanx tee doctor`: what attestation hardware and software this machine offers (CPU flags,
// SGX device nodes, configfs-tsm, Gramine), which quote providers are usable, and for each missing
// piece what to do about it. It only reads files; it changes nothing.
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "cli.h"
#include "phalanx/tee/provider.h"

namespace phalanx::cli {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// /proc/cpuinfo reports a size of 0, so it is read as a stream.
std::set<std::string> CpuFlags(const fs::path& cpuinfo) {
  std::set<std::string> flags;
  std::ifstream in(cpuinfo);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("flags", 0) != 0) continue;
    std::istringstream words(line.substr(line.find(':') + 1));
    for (std::string w; words >> w;) flags.insert(w);
    break;  // every CPU lists the same flags
  }
  return flags;
}

std::string FindInPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "");
  for (std::string d; std::getline(dirs, d, ':');) {
    std::error_code ec;
    fs::path p = fs::path(d) / program;
    if (!d.empty() && fs::is_regular_file(p, ec)) return p.string();
  }
  return "";
}

struct Check {
  std::string what;
  bool ok;
  std::string fix;  // what to do when !ok
};

json Report(const fs::path& root) {
  auto at = [&](const char* p) { return root / fs::path(p).relative_path(); };
  std::set<std::string> flags = CpuFlags(at("/proc/cpuinfo"));
  auto exists = [&](const char* p) {
    std::error_code ec;
    return fs::exists(at(p), ec);
  };
  std::vector<Check> checks = {
      {"CPU flag sgx", flags.count("sgx") > 0,
       "the CPU (or the VM) exposes no SGX: use an Intel Xeon with SGX, enable SGX in the BIOS, "
       "or ask the cloud provider for an SGX instance"},
      {"CPU flag sgx_lc", flags.count("sgx_lc") > 0,
       "no SGX Flexible Launch Control: DCAP needs it (Xeon Scalable 3rd gen+ or Xeon E-2100+)"},
      {"CPU flag tdx_guest", flags.count("tdx_guest") > 0,
       "this is not an Intel TDX guest: run the worker in a TDX confidential VM"},
      {"/dev/sgx_enclave", exists("/dev/sgx_enclave"),
       "no in-kernel SGX driver device: Linux 5.11+ with CONFIG_X86_SGX, SGX enabled in the BIOS"},
      {"/dev/sgx_provision", exists("/dev/sgx_provision"),
       "no SGX provisioning device: needed by the quoting enclave (same kernel driver; add the "
       "user to the sgx_prv group)"},
      {tee::kDefaultTsmReportDir, exists(tee::kDefaultTsmReportDir),
       "no configfs-tsm: a TDX guest kernel with CONFIG_TSM_REPORTS (Linux 6.7+), and configfs "
       "mounted (mount -t configfs none /sys/kernel/config)"},
      {"/dev/attestation (Gramine)", exists(tee::kDefaultGramineAttestationDir),
       "not inside a Gramine enclave: run the worker with gramine-sgx and "
       "sgx.remote_attestation = \"dcap\" in its manifest"},
  };
  json j;
  j["checks"] = json::array();
  for (const Check& c : checks)
    j["checks"].push_back({{"what", c.what}, {"ok", c.ok}, {"fix", c.ok ? json() : json(c.fix)}});
  json gramine = json::object();
  for (const char* bin : {"gramine-sgx", "gramine-direct", "gramine-manifest"}) {
    std::string p = FindInPath(bin);
    gramine[bin] = p.empty() ? json() : json(p);
  }
  j["gramine"] = gramine;

  tee::ProbeResult tdx = tee::ProbeTdx(at(tee::kDefaultTsmReportDir));
  tee::ProbeResult sgx = tee::ProbeSgx(at(tee::kDefaultGramineAttestationDir));
  j["providers"] = {
      {"tdx", {{"available", tdx.available}, {"detail", tdx.detail}}},
      {"sgx", {{"available", sgx.available}, {"detail", sgx.detail}}},
      {"sim",
       {{"available", true},
        {"detail", "SIMULATED quotes signed by a local key: no hardware, dev chains only"}}}};
  json available = json::array();
  if (tdx.available) available.push_back("tdx");
  if (sgx.available) available.push_back("sgx");
  available.push_back("sim");
  j["available"] = available;
  // A host that can launch Gramine SGX enclaves can run the worker with the sgx provider inside.
  j["sgx_host_ready"] = flags.count("sgx") > 0 && flags.count("sgx_lc") > 0 &&
                        exists("/dev/sgx_enclave") && exists("/dev/sgx_provision") &&
                        !gramine["gramine-sgx"].is_null();
  j["only_sim"] = available.size() == 1;
  return j;
}

std::string Text(const json& j) {
  std::string s = "Attestation on this machine\n\n";
  for (const json& c : j["checks"]) {
    s += std::string(c["ok"].get<bool>() ? "  [ok]      " : "  [missing] ") +
         c["what"].get<std::string>() + "\n";
    if (!c["ok"].get<bool>()) s += "            fix: " + c["fix"].get<std::string>() + "\n";
  }
  for (const auto& [bin, path] : j["gramine"].items())
    s += std::string(path.is_null() ? "  [missing] " : "  [ok]      ") + bin +
         (path.is_null() ? " (install Gramine: https://gramine.readthedocs.io)"
                         : " at " + path.get<std::string>()) +
         "\n";
  s += "\nProviders (phalanx attest quote --provider ...)\n";
  for (const char* p : {"tdx", "sgx", "sim"}) {
    const json& pr = j["providers"][p];
    s += std::string("  ") + p + ": " +
         (pr["available"].get<bool>() ? "available" : "unavailable") + " - " +
         pr["detail"].get<std::string>() + "\n";
  }
  if (j["sgx_host_ready"].get<bool>())
    s += "\nThis host can launch Gramine SGX enclaves: run the worker under gramine-sgx to use "
         "the sgx provider.\n";
  if (j["only_sim"].get<bool>())
    s += "\nOnly `sim` is available on this machine. Its quotes are SIMULATED: they prove nothing "
         "about hardware and are accepted only by dev chains whose genesis sets "
         "allow_simulated_tee: true.\n";
  return s;
}

}  // namespace

void AddTeeCommands(CLI::App& app, GlobalOptions& g, std::function<CommandResult()>& run) {
  auto* tee = app.add_subcommand("tee", "Trusted execution environment (SGX / TDX) tools");
  tee->require_subcommand(1);
  auto* doctor = tee->add_subcommand(
      "doctor",
      "Show which attestation hardware and quote providers this machine offers, what is missing "
      "and how to fix it (reads files only)");
  static std::string root = "/";
  doctor->add_option("--root", root, "Read the machine's files under this directory (for tests)")
      ->group("");  // hidden
  doctor->add_flag("--json", g.json, "Print machine-readable JSON");
  doctor->callback([&] {
    run = [&]() -> CommandResult {
      Output out;
      out.json = Report(root);
      out.text = Text(out.json);
      return out;
    };
  });
}

}  // namespace phalanx::cli
