// Every vector of shared/testdata/attestation gives exactly its expected verdict and fields, and
// every derived negative case gives its expected error code.
#include <gtest/gtest.h>

#include <algorithm>

#include "phalanx/tee/verify.h"
#include "test_util.h"

namespace phalanx::tee {
namespace {

using nlohmann::json;
using test::VectorsDir;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), ::tolower);
  return s;
}

std::string VerdictName(const QuoteVerdict& v) {
  return v.ok() ? "ok" : std::string(ErrorCodeName(v.error->code));
}

class PositiveVector : public ::testing::TestWithParam<const char*> {};

TEST_P(PositiveVector, GivesExpectedVerdictAndFields) {
  const std::string name = GetParam();
  json e = test::ReadJson(VectorsDir() / name / "expected.json");
  Bytes quote = test::ReadBytes(VectorsDir() / name / "quote.bin");
  CollateralFiles files = test::LoadCollateral(name);
  QuoteVerdict v = VerifyQuote(quote, files, e["verify_at_unix"].get<int64_t>());

  EXPECT_EQ(VerdictName(v), e["expected_verdict"].get<std::string>())
      << (v.error ? v.error->message : "");
  if (e["tcb_status"].is_null()) {
    EXPECT_FALSE(v.tcb_status.has_value());
  } else {
    ASSERT_TRUE(v.tcb_status.has_value());
    EXPECT_EQ(TcbStatusName(*v.tcb_status), e["tcb_status"].get<std::string>());
  }
  EXPECT_EQ(json(v.advisory_ids), e["advisory_ids"]);
  if (e.contains("platform_tcb_status") && !e["platform_tcb_status"].is_null()) {
    ASSERT_TRUE(v.platform_tcb_status);
    EXPECT_EQ(TcbStatusName(*v.platform_tcb_status), e["platform_tcb_status"].get<std::string>());
  }
  if (e.contains("qe_tcb_status") && !e["qe_tcb_status"].is_null()) {
    ASSERT_TRUE(v.qe_tcb_status);
    EXPECT_EQ(TcbStatusName(*v.qe_tcb_status), e["qe_tcb_status"].get<std::string>());
  }
  if (e.contains("tdx_module_tcb_status") && !e["tdx_module_tcb_status"].is_null()) {
    ASSERT_TRUE(v.tdx_module_tcb_status);
    EXPECT_EQ(TcbStatusName(*v.tdx_module_tcb_status),
              e["tdx_module_tcb_status"].get<std::string>());
    EXPECT_EQ(v.tdx_module_identity, e["tdx_module_identity"].get<std::string>());
  }

  ASSERT_TRUE(v.pck.has_value());
  EXPECT_EQ(ToHex(v.pck->fmspc), Lower(e["fmspc"].get<std::string>()));
  EXPECT_EQ(ToHex(v.pck->pce_id), Lower(e["pce_id"].get<std::string>()));
  EXPECT_EQ(json(v.pck->tcb_components), e["pck_tcb_components"]);
  EXPECT_EQ(v.pck->pce_svn, e["pck_pcesvn"].get<int>());
  EXPECT_EQ(v.pck_issuer_ca, e["pck_issuer_ca"].get<std::string>());

  ASSERT_TRUE(v.quote.has_value());
  const Quote& q = *v.quote;
  EXPECT_EQ(q.header.version, e["quote_version"].get<int>());
  EXPECT_EQ(TeeTypeName(q.tee), e["tee"].get<std::string>());
  EXPECT_EQ(BodyTypeName(q.body_type), e["body_type"].get<std::string>());
  EXPECT_EQ(q.qe_report.isv_svn, e["qe_isv_svn"].get<int>());
  EXPECT_EQ(ToHex(q.report_data()), e["report_data"].get<std::string>());
  EXPECT_EQ(q.certification_data_type, e["certification_data_type"].get<int>());
}

INSTANTIATE_TEST_SUITE_P(Attestation, PositiveVector, ::testing::ValuesIn(test::kPositiveVectors),
                         [](const auto& info) {
                           std::string n = info.param;
                           std::replace_if(
                               n.begin(), n.end(), [](char c) { return !isalnum(c); }, '_');
                           return n;
                         });

std::vector<std::string> NegativeCases() {
  std::vector<std::string> out;
  for (const auto& d : std::filesystem::directory_iterator(VectorsDir() / "negatives"))
    out.push_back(d.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

class NegativeCase : public ::testing::TestWithParam<std::string> {};

TEST_P(NegativeCase, GivesExpectedErrorCode) {
  auto dir = VectorsDir() / "negatives" / GetParam();
  json e = test::ReadJson(dir / "expected.json");
  Bytes quote = test::ReadBytes(dir / e["quote"].get<std::string>());
  auto files = LoadCollateralDir(dir / e["collateral_dir"].get<std::string>());
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  if (e.contains("collateral_overrides")) {
    for (auto& [file, replacement] : e["collateral_overrides"].items()) {
      std::string text = test::ReadText(dir / replacement.get<std::string>());
      if (file == "root_ca.pem")
        files->root_ca_pem = text;
      else if (file == "tcb_info.json")
        files->tcb_info_json = text;
      else if (file == "qe_identity.json")
        files->qe_identity_json = text;
      else
        FAIL() << "unhandled override " << file;
    }
  }
  QuoteVerdict v = VerifyQuote(quote, *files, e["verify_at_unix"].get<int64_t>());
  EXPECT_EQ(VerdictName(v), e["expected_verdict"].get<std::string>())
      << (v.error ? v.error->message : "");
  if (v.error) {
    EXPECT_FALSE(v.error->message.empty());
  }
  EXPECT_FALSE(v.tcb_status.has_value());
}

INSTANTIATE_TEST_SUITE_P(Attestation, NegativeCase, ::testing::ValuesIn(NegativeCases()),
                         [](const auto& info) {
                           std::string n = info.param;
                           std::replace_if(
                               n.begin(), n.end(), [](char c) { return !isalnum(c); }, '_');
                           return n;
                         });

}  // namespace
}  // namespace phalanx::tee
