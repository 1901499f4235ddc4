// Attestation commands: `phalanx attest verify` checks a DCAP quote offline against a collateral
// directory at a given time (or a SIMULATED quote, with --allow-simulated); `phalanx attest show`
// prints every parsed field of a quote; `phalanx attest quote` asks a provider for a quote.
#include <chrono>
#include <cstdio>

#include "cli.h"
#include "phalanx/crypto/random.h"
#include "phalanx/platform/files.h"
#include "phalanx/tee/limits.h"
#include "phalanx/tee/provider.h"
#include "phalanx/tee/verify.h"

namespace phalanx::cli {
namespace {

using nlohmann::json;

// Every output that shows a simulated quote carries this notice.
constexpr char kSimulatedNotice[] =
    "SIMULATED quote: made without TEE hardware, it proves nothing about the code that runs; "
    "only dev chains (genesis allow_simulated_tee: true) accept it";
const std::string kSimulatedBanner = std::string(kSimulatedNotice) + "\n";

Result<Bytes> ReadQuoteFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string s, platform::ReadFile(path, tee::kMaxQuoteBytes + 1));
  return Bytes(s.begin(), s.end());
}

json HeaderJson(const tee::QuoteHeader& h) {
  char tee_type[16];
  std::snprintf(tee_type, sizeof tee_type, "0x%08x", h.tee_type);
  return {{"version", h.version},           {"att_key_type", h.attestation_key_type},
          {"tee_type", tee_type},           {"qe_svn", h.qe_svn},
          {"pce_svn", h.pce_svn},           {"qe_vendor_id", ToHex(h.qe_vendor_id)},
          {"user_data", ToHex(h.user_data)}};
}

json SgxJson(const tee::SgxReport& r) {
  return {{"cpu_svn", ToHex(r.cpu_svn)},
          {"misc_select", r.misc_select},
          {"attributes", ToHex(r.attributes)},
          {"mrenclave", ToHex(r.mr_enclave)},
          {"mrsigner", ToHex(r.mr_signer)},
          {"isv_prod_id", r.isv_prod_id},
          {"isv_svn", r.isv_svn},
          {"report_data", ToHex(r.report_data)},
          {"debug", r.debug()}};
}

json TdJson(const tee::TdReport& r) {
  json j = {{"tee_tcb_svn", ToHex(r.tee_tcb_svn)},
            {"mrseam", ToHex(r.mr_seam)},
            {"mrsignerseam", ToHex(r.mr_signer_seam)},
            {"seam_attributes", ToHex(r.seam_attributes)},
            {"td_attributes", ToHex(r.td_attributes)},
            {"xfam", ToHex(r.xfam)},
            {"mrtd", ToHex(r.mr_td)},
            {"mrconfigid", ToHex(r.mr_config_id)},
            {"mrowner", ToHex(r.mr_owner)},
            {"mrownerconfig", ToHex(r.mr_owner_config)},
            {"report_data", ToHex(r.report_data)},
            {"debug", r.debug()}};
  for (int i = 0; i < 4; ++i) j["rtmr" + std::to_string(i)] = ToHex(r.rtmr[i]);
  if (r.tee_tcb_svn2) j["tee_tcb_svn2"] = ToHex(*r.tee_tcb_svn2);
  if (r.mr_service_td) j["mrservicetd"] = ToHex(*r.mr_service_td);
  return j;
}

// Every parsed field of a quote (attest show).
json QuoteJson(const tee::Quote& q) {
  json j = {{"tee", tee::TeeTypeName(q.tee)},
            {"quote_version", q.header.version},
            {"body_type", tee::BodyTypeName(q.body_type)},
            {"header", HeaderJson(q.header)},
            {"body", q.sgx ? SgxJson(*q.sgx) : TdJson(*q.td)},
            {"signature", ToHex(q.signature)},
            {"attestation_key", ToHex(q.attestation_key)},
            {"qe_report", SgxJson(q.qe_report)},
            {"qe_report_signature", ToHex(q.qe_report_signature)},
            {"qe_auth_data", ToHex(q.qe_auth_data)},
            {"certification_data_type", q.certification_data_type},
            {"pck_cert_chain_pem", q.pck_chain_pem}};
  j["outer_certification_data_type"] =
      q.outer_certification_data_type ? json(*q.outer_certification_data_type) : json(nullptr);
  return j;
}

// The one-object summary of `attest verify --json` (field names as in the test data).
json VerdictJson(const tee::QuoteVerdict& v, int64_t at_unix) {
  json j;
  j["verdict"] = v.ok() ? "ok" : std::string(tee::ErrorCodeName(v.error->code));
  j["error"] =
      v.ok() ? json(nullptr)
             : json{{"code", tee::ErrorCodeName(v.error->code)}, {"message", v.error->message}};
  j["verify_at_unix"] = at_unix;
  j["simulated"] = v.simulated;
  if (v.simulated) j["notice"] = kSimulatedNotice;
  j["tee"] = v.simulated ? json("sim") : v.quote ? json(tee::TeeTypeName(v.quote->tee)) : json();
  j["quote_version"] = v.quote ? json(v.quote->header.version) : json(nullptr);
  j["tcb_status"] = v.tcb_status ? json(tee::TcbStatusName(*v.tcb_status)) : json(nullptr);
  j["advisory_ids"] = v.advisory_ids;
  j["fmspc"] = v.pck ? json(ToHex(v.pck->fmspc)) : json(nullptr);
  if (v.quote && v.quote->sgx) {
    const tee::SgxReport& r = *v.quote->sgx;
    j["mrenclave"] = ToHex(r.mr_enclave);
    j["mrsigner"] = ToHex(r.mr_signer);
    j["isv_prod_id"] = r.isv_prod_id;
    j["isv_svn"] = r.isv_svn;
    j["report_data"] = ToHex(r.report_data);
  } else if (v.quote && v.quote->td) {
    const tee::TdReport& r = *v.quote->td;
    j["mrtd"] = ToHex(r.mr_td);
    for (int i = 0; i < 4; ++i) j["rtmr" + std::to_string(i)] = ToHex(r.rtmr[i]);
    j["report_data"] = ToHex(r.report_data);
    j["tee_tcb_svn"] = ToHex(r.tee_tcb_svn);
  } else if (v.sim) {
    j["measurement"] = ToHex(v.sim->measurement);
    j["report_data"] = ToHex(v.sim->report_data);
    j["sim_signer"] = ToHex(v.sim->signer);
  }
  return j;
}

std::string VerdictText(const json& j, bool clock_time) {
  std::string s = j["simulated"].get<bool>() ? kSimulatedBanner : std::string();
  s += "verdict:       " + j["verdict"].get<std::string>() + "\n";
  if (!j["error"].is_null())
    s += "error:         " + j["error"]["message"].get<std::string>() + "\n";
  s += "verified at:   " + std::to_string(j["verify_at_unix"].get<int64_t>()) +
       (clock_time ? " (current time)" : "") + "\n";
  for (const char* k : {"tee", "quote_version", "tcb_status", "fmspc", "mrenclave", "mrsigner",
                        "isv_prod_id", "isv_svn", "mrtd", "rtmr0", "rtmr1", "rtmr2", "rtmr3",
                        "tee_tcb_svn", "measurement", "sim_signer", "report_data"}) {
    if (!j.contains(k) || j[k].is_null()) continue;
    std::string label = std::string(k) + ":";
    label.resize(15, ' ');
    s += label + (j[k].is_string() ? j[k].get<std::string>() : j[k].dump()) + "\n";
  }
  if (!j["advisory_ids"].empty()) s += "advisories:    " + j["advisory_ids"].dump() + "\n";
  return s;
}

}  // namespace

void AddAttestCommands(CLI::App& app, GlobalOptions& g, std::function<CommandResult()>& run) {
  auto* attest = app.add_subcommand("attest", "Intel SGX / TDX DCAP attestation quotes");
  attest->require_subcommand(1);

  auto* verify = attest->add_subcommand(
      "verify",
      "Verify a DCAP quote offline against Intel-signed collateral at a given time; exit status 0 "
      "only if the verdict is ok");
  static std::string verify_quote, collateral_dir;
  static std::optional<int64_t> at_unix;
  static bool allow_simulated = false;
  verify->add_option("quote", verify_quote, "Quote file (binary)")->required();
  verify->add_option("--collateral", collateral_dir,
                     "Collateral directory (tcb_info.json, qe_identity.json, CRLs, chains); "
                     "required for DCAP quotes, unused for SIMULATED ones");
  verify->add_option("--at", at_unix, "Verification time, Unix seconds (default: now)");
  verify->add_flag("--allow-simulated", allow_simulated,
                   "Accept SIMULATED quotes of the sim provider (dev chains only)");
  verify->add_flag("--json", g.json, "Print machine-readable JSON");
  verify->callback([&] {
    run = [&]() -> CommandResult {
      ASSIGN_OR_RETURN(Bytes quote, ReadQuoteFile(verify_quote));
      bool clock_time = !at_unix.has_value();
      int64_t at = at_unix.value_or(std::chrono::duration_cast<std::chrono::seconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
      tee::VerifyOptions options{.allow_simulated = allow_simulated};
      tee::QuoteVerdict v;
      if (tee::IsSimulatedQuote(quote)) {
        v = tee::VerifySimulated(quote, options);
      } else {
        if (collateral_dir.empty())
          return InvalidArgument("--collateral DIR is required to verify a DCAP quote");
        ASSIGN_OR_RETURN(tee::CollateralFiles files, tee::LoadCollateralDir(collateral_dir));
        v = tee::VerifyQuote(quote, files, at, options);
      }
      Output out;
      out.json = VerdictJson(v, at);
      out.text = VerdictText(out.json, clock_time);
      out.exit_code = v.ok() ? 0 : 1;  // the verdict is the output; the status says if it is ok
      return out;
    };
  });

  auto* make = attest->add_subcommand(
      "quote",
      "Produce a quote over caller-chosen report data with a provider: tdx (configfs-tsm), sgx "
      "(inside Gramine) or sim (SIMULATED, no hardware); see `phalanx tee doctor`");
  static std::string provider_name, report_data_hex, out_file, sim_key_file, measurement_hex;
  make->add_option("--provider", provider_name, "tdx, sgx or sim")
      ->required()
      ->check(CLI::IsMember({"tdx", "sgx", "sim"}));
  make->add_option("--report-data", report_data_hex,
                   "Report data, hex, up to 64 bytes (zero-padded to 64)")
      ->required();
  make->add_option("-o,--output", out_file, "Write the binary quote to this file")->required();
  make->add_option("--sim-key", sim_key_file,
                   "sim: file with the signer's 32-byte ed25519 seed in hex (default: a fresh "
                   "key for this quote)");
  make->add_option("--measurement", measurement_hex,
                   "sim: the 32-byte measurement the quote claims, hex (default: zero)");
  make->add_flag("--json", g.json, "Print machine-readable JSON");
  make->callback([&] {
    run = [&]() -> CommandResult {
      ASSIGN_OR_RETURN(Bytes rd, FromHex(report_data_hex));
      if (rd.size() > 64)
        return InvalidArgument("--report-data is " + std::to_string(rd.size()) +
                               " bytes; at most 64");
      FixedBytes<64> report_data;
      std::copy(rd.begin(), rd.end(), report_data.begin());
      std::unique_ptr<tee::Provider> provider;
      if (provider_name == "tdx") {
        ASSIGN_OR_RETURN(provider, tee::OpenTdxProvider());
      } else if (provider_name == "sgx") {
        ASSIGN_OR_RETURN(provider, tee::OpenSgxProvider());
      } else {
        crypto::SigningKey key = crypto::SigningKey::Generate();
        if (!sim_key_file.empty()) {
          ASSIGN_OR_RETURN(std::string text, platform::ReadFile(sim_key_file, 1024));
          while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
          ASSIGN_OR_RETURN(crypto::Seed seed, FixedFromHex<32>(text));
          key = crypto::SigningKey::FromSeed(seed);
        }
        FixedBytes<32> measurement;
        if (!measurement_hex.empty()) {
          ASSIGN_OR_RETURN(measurement, FixedFromHex<32>(measurement_hex));
        }
        provider = tee::MakeSimProvider(key, measurement);
      }
      ASSIGN_OR_RETURN(Bytes quote, provider->Quote(report_data));
      RETURN_IF_ERROR(platform::WriteFileAtomic(
          out_file, std::string_view(reinterpret_cast<const char*>(quote.data()), quote.size())));
      bool simulated = tee::IsSimulatedQuote(quote);
      Output out;
      out.json = {{"provider", provider->name()},
                  {"file", out_file},
                  {"bytes", quote.size()},
                  {"simulated", simulated},
                  {"report_data", ToHex(report_data)}};
      if (simulated) out.json["notice"] = kSimulatedNotice;
      out.text = (simulated ? std::string(kSimulatedBanner) : std::string()) + "wrote " +
                 std::to_string(quote.size()) + " bytes to " + out_file + " (provider " +
                 std::string(provider->name()) + ")\nreport_data:   " + ToHex(report_data) + "\n";
      return out;
    };
  });

  auto* show = attest->add_subcommand(
      "show", "Print every parsed field of a DCAP quote, without verifying anything");
  static std::string show_quote;
  show->add_option("quote", show_quote, "Quote file (binary)")->required();
  show->add_flag("--json", g.json, "Print machine-readable JSON");
  show->callback([&] {
    run = [&]() -> CommandResult {
      ASSIGN_OR_RETURN(Bytes quote, ReadQuoteFile(show_quote));
      if (tee::IsSimulatedQuote(quote)) {
        tee::Outcome<tee::SimQuote> sim = tee::VerifySimQuote(quote);
        if (!sim.ok())
          return InvalidArgument(std::string(tee::ErrorCodeName(sim.failure().code)) + ": " +
                                 sim.failure().message);
        Output out;
        out.json = {{"tee", "sim"},
                    {"simulated", true},
                    {"version", sim->version},
                    {"measurement", ToHex(sim->measurement)},
                    {"report_data", ToHex(sim->report_data)},
                    {"sim_signer", ToHex(sim->signer)},
                    {"notice", kSimulatedNotice}};
        out.text = kSimulatedBanner + out.json.dump(2);
        return out;
      }
      tee::Outcome<tee::Quote> q = tee::ParseQuote(quote);
      if (!q.ok())
        return InvalidArgument(std::string(tee::ErrorCodeName(q.failure().code)) + ": " +
                               q.failure().message);
      Output out;
      out.json = QuoteJson(*q);
      json flat = out.json;
      flat.erase("pck_cert_chain_pem");
      out.text = flat.dump(2) + "\npck_cert_chain_pem:\n" + q->pck_chain_pem;
      return out;
    };
  });
}

}  // namespace phalanx::cli
