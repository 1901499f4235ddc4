// The attestation CLI as an operator runs it: `phalanx attest verify --json` on every vector and
// derived negative case of ../shared/testdata/attestation gives exactly the expected verdict,
// TCB status, advisory IDs, FMSPC and measurements, with exit status 0 only for `ok`; `tee doctor`
// says this machine offers only `sim`; a `sim` quote from `attest quote` is refused without
// --allow-simulated and accepted with it.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "harness.h"

namespace phalanx::itest {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path AttestationDir() {
  return fs::path(PHALANX_SOURCE_DIR) / ".." / "shared" / "testdata" / "attestation";
}

json ReadJson(const fs::path& p) {
  std::ifstream in(p);
  return json::parse(in);
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

Result<platform::CommandOutput> Phalanx(std::vector<std::string> args) {
  args.insert(args.begin(), BinPath("phalanx"));
  return platform::RunCommand(args, /*merge_stderr=*/false, std::chrono::seconds(60));
}

// Runs `attest verify --json` and returns (exit code, parsed output).
std::pair<int, json> Verify(const fs::path& quote, const fs::path& collateral, uint64_t at,
                            std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {
      "attest", "verify",           quote.string(), "--collateral", collateral.string(),
      "--at",   std::to_string(at), "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  auto r = Phalanx(args);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return {-1, json()};
  json out = json::parse(r->output, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(out.is_discarded()) << "not JSON: " << r->output;
  return {r->status.code, out};
}

TEST(AttestCli, EveryVectorGivesItsExpectedVerdictAndFields) {
  const fs::path root = AttestationDir();
  if (!fs::exists(root)) GTEST_SKIP() << "no test data at " << root;
  int vectors = 0;
  for (const auto& entry : fs::directory_iterator(root)) {
    const fs::path dir = entry.path();
    if (!fs::exists(dir / "expected.json") || !fs::exists(dir / "collateral")) continue;
    SCOPED_TRACE(dir.filename().string());
    ++vectors;
    const json expected = ReadJson(dir / "expected.json");
    auto [code, out] =
        Verify(dir / "quote.bin", dir / "collateral", expected["verify_at_unix"].get<uint64_t>());
    const std::string verdict = expected["expected_verdict"];
    EXPECT_EQ(out.value("verdict", ""), verdict);
    EXPECT_EQ(code == 0, verdict == "ok") << "exit status " << code;
    if (expected.contains("tcb_status")) EXPECT_EQ(out["tcb_status"], expected["tcb_status"]);
    if (expected.contains("advisory_ids")) EXPECT_EQ(out["advisory_ids"], expected["advisory_ids"]);
    for (const char* field : {"fmspc", "mrenclave", "mrsigner", "report_data", "mrtd", "rtmr0",
                              "rtmr1", "rtmr2", "rtmr3", "tee_tcb_svn"}) {
      if (!expected.contains(field) || !expected[field].is_string()) continue;
      ASSERT_TRUE(out.contains(field)) << field;
      EXPECT_EQ(Lower(out[field].get<std::string>()), Lower(expected[field].get<std::string>()))
          << field;
    }
    for (const char* field : {"isv_prod_id", "isv_svn", "quote_version"}) {
      if (expected.contains(field)) EXPECT_EQ(out[field], expected[field]) << field;
    }
  }
  EXPECT_GE(vectors, 5);
}

TEST(AttestCli, EveryNegativeCaseGivesAnAcceptableErrorAndAFailingExitStatus) {
  const fs::path root = AttestationDir() / "negatives";
  if (!fs::exists(root)) GTEST_SKIP() << "no negative cases at " << root;
  auto tmp = platform::TempDir::Create("phx-attest-");
  ASSERT_TRUE(tmp.ok());
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(root)) {
    const fs::path dir = entry.path();
    if (!fs::exists(dir / "expected.json")) continue;
    SCOPED_TRACE(dir.filename().string());
    ++cases;
    const json expected = ReadJson(dir / "expected.json");
    // The collateral of the base vector, with this case's replaced files.
    const fs::path collateral = tmp->path() / dir.filename();
    fs::copy(fs::weakly_canonical(dir / expected["collateral_dir"].get<std::string>()), collateral,
             fs::copy_options::recursive);
    for (const auto& [name, file] : expected["collateral_overrides"].items())
      fs::copy_file(dir / file.get<std::string>(), collateral / name,
                    fs::copy_options::overwrite_existing);
    auto [code, out] = Verify(dir / expected["quote"].get<std::string>(), collateral,
                              expected["verify_at_unix"].get<uint64_t>());
    const auto& acceptable = expected["acceptable_verdicts"];
    EXPECT_NE(std::find(acceptable.begin(), acceptable.end(), out.value("verdict", "")),
              acceptable.end())
        << "verdict " << out.value("verdict", "(none)") << ", expected one of " << acceptable;
    EXPECT_NE(code, 0);
    EXPECT_TRUE(out["error"].is_object() && out["error"].contains("message") &&
                !out["error"]["message"].get<std::string>().empty())
        << "an error must say what is wrong: " << out.dump();
  }
  EXPECT_GE(cases, 20);
}

TEST(AttestCli, DoctorSaysOnlySimIsAvailableHere) {
  // This machine (and CI) has no SGX or TDX: the doctor must say so plainly.
  if (fs::exists("/dev/sgx_enclave") || fs::exists("/sys/kernel/config/tsm/report"))
    GTEST_SKIP() << "this machine has enclave hardware";
  auto r = Phalanx({"tee", "doctor"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_NE(r->output.find("sim"), std::string::npos) << r->output;
  EXPECT_NE(r->output.find("Only `sim` is available"), std::string::npos) << r->output;
}

TEST(AttestCli, SimulatedQuotesNeedAllowSimulated) {
  auto tmp = platform::TempDir::Create("phx-sim-quote-");
  ASSERT_TRUE(tmp.ok());
  const fs::path quote = tmp->path() / "sim.quote";
  const std::string report_data(128, 'a');
  auto made = Phalanx(
      {"attest", "quote", "--provider", "sim", "--report-data", report_data, "-o", quote.string()});
  ASSERT_TRUE(made.ok() && made->status.code == 0) << (made.ok() ? made->output : "");
  const fs::path collateral = AttestationDir() / "sgx-v3-dcapqvl-1" / "collateral";
  auto [refused_code, refused] = Verify(quote, collateral, 1752919277);
  EXPECT_NE(refused_code, 0);
  EXPECT_NE(refused.value("verdict", ""), "ok") << refused.dump();
  auto [code, accepted] = Verify(quote, collateral, 1752919277, {"--allow-simulated"});
  EXPECT_EQ(code, 0) << accepted.dump();
  EXPECT_EQ(accepted.value("verdict", ""), "ok");
  EXPECT_EQ(accepted.value("tee", ""), "sim");
  EXPECT_EQ(accepted.value("simulated", false), true);
  EXPECT_EQ(Lower(accepted.value("report_data", "")), report_data);
}

}  // namespace
}  // namespace phalanx::itest
