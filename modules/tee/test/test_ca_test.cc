// Cases no real vector covers, built under a test root CA (test_pki.h): a self-made quote and
// chain give untrusted_root under the real pinned root; with the test root pinned (test-only
// hook) a PCK certificate on the PCK CRL or a PCK CA on the Root CA CRL gives revoked, a Revoked
// TCB level gives tcb_revoked, and Intel's TD relaunch rule applies to TD 1.5 quotes.
#include <gtest/gtest.h>

#include "phalanx/tee/testing.h"
#include "phalanx/tee/verify.h"
#include "test_pki.h"
#include "test_util.h"

namespace phalanx::tee {
namespace {

using nlohmann::json;

int64_t VerifyAt(const std::string& vector) {
  return test::ReadJson(test::VectorsDir() / vector / "expected.json")["verify_at_unix"];
}

class TestCa : public ::testing::Test {
 protected:
  test::TestPki pki_;
};

TEST_F(TestCa, SelfMadeQuoteVerifiesOnlyWhileItsRootIsPinned) {
  for (const char* vector : {"sgx-v3-dcapqvl-1", "tdx-v4-dcapqvl-1", "tdx-v5-gotdx-1"}) {
    Bytes quote = pki_.Quote(vector);
    CollateralFiles files = pki_.Collateral(vector);
    json expected = test::ReadJson(test::VectorsDir() / vector / "expected.json");
    {
      testing::ScopedPinnedRootOverride pin(pki_.root_key());
      QuoteVerdict v = VerifyQuote(quote, files, VerifyAt(vector));
      ASSERT_TRUE(v.ok()) << vector << ": " << v.error->message;
      EXPECT_EQ(TcbStatusName(*v.tcb_status), expected["tcb_status"].get<std::string>());
    }
    QuoteVerdict v = VerifyQuote(quote, files, VerifyAt(vector));
    ASSERT_FALSE(v.ok()) << vector;
    EXPECT_EQ(v.error->code, ErrorCode::kUntrustedRoot) << v.error->message;
  }
}

// Real Intel collateral with a self-made quote: the quote's own chain ends at the test root.
TEST_F(TestCa, SelfMadeQuoteAgainstIntelCollateralIsUntrustedRoot) {
  const char* vector = "sgx-v3-dcapqvl-1";
  QuoteVerdict v = VerifyQuote(pki_.Quote(vector), test::LoadCollateral(vector), VerifyAt(vector));
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error->code, ErrorCode::kUntrustedRoot) << v.error->message;
  EXPECT_NE(v.error->message.find("PCK certificate chain"), std::string::npos) << v.error->message;
}

TEST_F(TestCa, PckCertificateOnThePckCrlIsRevoked) {
  testing::ScopedPinnedRootOverride pin(pki_.root_key());
  for (const char* vector : {"sgx-v3-dcapqvl-1", "tdx-v5-gotdx-1"}) {
    QuoteVerdict v = VerifyQuote(
        pki_.Quote(vector), pki_.Collateral(vector, {.revoke_pck_leaf = true}), VerifyAt(vector));
    ASSERT_FALSE(v.ok()) << vector;
    EXPECT_EQ(v.error->code, ErrorCode::kRevoked) << v.error->message;
    EXPECT_NE(v.error->message.find("PCK CRL"), std::string::npos) << v.error->message;
  }
}

TEST_F(TestCa, PckCaOnTheRootCaCrlIsRevoked) {
  testing::ScopedPinnedRootOverride pin(pki_.root_key());
  const char* vector = "tdx-v4-dcapqvl-1";
  QuoteVerdict v = VerifyQuote(pki_.Quote(vector), pki_.Collateral(vector, {.revoke_pck_ca = true}),
                               VerifyAt(vector));
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error->code, ErrorCode::kRevoked) << v.error->message;
  EXPECT_NE(v.error->message.find("Root CA CRL"), std::string::npos) << v.error->message;
}

void SetAllStatuses(json& levels, const char* status) {
  for (json& l : levels) l["tcbStatus"] = status;
}

TEST_F(TestCa, RevokedTcbLevelIsTcbRevoked) {
  testing::ScopedPinnedRootOverride pin(pki_.root_key());
  const char* vector = "sgx-v3-dcapqvl-1";
  test::CollateralEdits platform{
      .tcb_info = [](json& t) { SetAllStatuses(t["tcbLevels"], "Revoked"); }};
  test::CollateralEdits qe{
      .qe_identity = [](json& q) { SetAllStatuses(q["tcbLevels"], "Revoked"); }};
  for (const auto* edits : {&platform, &qe}) {
    QuoteVerdict v =
        VerifyQuote(pki_.Quote(vector), pki_.Collateral(vector, *edits), VerifyAt(vector));
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.error->code, ErrorCode::kTcbRevoked) << v.error->message;
  }
}

TEST_F(TestCa, RevokedTdxModuleLevelIsTcbRevoked) {
  testing::ScopedPinnedRootOverride pin(pki_.root_key());
  const char* vector = "tdx-v5-gotdx-1";
  test::CollateralEdits edits{.tcb_info = [](json& t) {
    for (json& m : t["tdxModuleIdentities"]) SetAllStatuses(m["tcbLevels"], "Revoked");
  }};
  QuoteVerdict v =
      VerifyQuote(pki_.Quote(vector), pki_.Collateral(vector, edits), VerifyAt(vector));
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error->code, ErrorCode::kTcbRevoked) << v.error->message;
}

// tdx-v5-gotdx-1: TEE_TCB_SVN 0b 01 04.., TEE_TCB_SVN2 0d 01 04..; the latest TCB level has TDX
// component 2 = 3. With TDX_01 levels {13: UpToDate, 6: OutOfDate} the running module (SVN 11) is
// OutOfDate, while the module a relaunched TD would get (SVN2 13) is the latest.
json ModuleLevels(int latest_isv_svn) {
  return json::array({{{"tcb", {{"isvsvn", latest_isv_svn}}},
                       {"tcbDate", "2024-11-13T00:00:00Z"},
                       {"tcbStatus", "UpToDate"}},
                      {{"tcb", {{"isvsvn", 6}}},
                       {"tcbDate", "2024-03-13T00:00:00Z"},
                       {"tcbStatus", "OutOfDate"}}});
}

QuoteVerdict VerifyWithModuleLevels(const test::TestPki& pki, int latest_isv_svn,
                                    const char* platform_status, const char* vector) {
  test::CollateralEdits edits{.tcb_info = [&](json& t) {
    for (json& m : t["tdxModuleIdentities"])
      if (m["id"] == "TDX_01") m["tcbLevels"] = ModuleLevels(latest_isv_svn);
    t["tcbLevels"][0]["tcbStatus"] = platform_status;
  }};
  return VerifyQuote(pki.Quote(vector), pki.Collateral(vector, edits), VerifyAt(vector));
}

TEST_F(TestCa, TdRelaunchAdvisedWhenOnlyTheModuleIsOutOfDateAndSvn2IsLatest) {
  testing::ScopedPinnedRootOverride pin(pki_.root_key());
  QuoteVerdict v = VerifyWithModuleLevels(pki_, 13, "UpToDate", "tdx-v5-gotdx-1");
  ASSERT_TRUE(v.ok()) << v.error->message;
  EXPECT_EQ(*v.tdx_module_tcb_status, TcbStatus::kOutOfDate);
  EXPECT_EQ(*v.tcb_status, TcbStatus::kTdRelaunchAdvised);

  QuoteVerdict c = VerifyWithModuleLevels(pki_, 13, "ConfigurationNeeded", "tdx-v5-gotdx-1");
  ASSERT_TRUE(c.ok()) << c.error->message;
  EXPECT_EQ(*c.tcb_status, TcbStatus::kTdRelaunchAdvisedConfigurationNeeded);
}

TEST_F(TestCa, NoRelaunchWhenSvn2IsBelowTheLatestModuleLevel) {
  testing::ScopedPinnedRootOverride pin(pki_.root_key());
  QuoteVerdict v = VerifyWithModuleLevels(pki_, 14, "UpToDate", "tdx-v5-gotdx-1");
  ASSERT_TRUE(v.ok()) << v.error->message;
  EXPECT_EQ(*v.tcb_status, TcbStatus::kOutOfDate);
}

TEST_F(TestCa, NoRelaunchWhenThePlatformItselfIsOutOfDate) {
  testing::ScopedPinnedRootOverride pin(pki_.root_key());
  QuoteVerdict v = VerifyWithModuleLevels(pki_, 13, "OutOfDate", "tdx-v5-gotdx-1");
  ASSERT_TRUE(v.ok()) << v.error->message;
  EXPECT_EQ(*v.tcb_status, TcbStatus::kOutOfDate);
}

// The same TD report as 1.0 (a v4 quote has no TEE_TCB_SVN2): no relaunch check.
TEST_F(TestCa, NoRelaunchForTdReport10) {
  testing::ScopedPinnedRootOverride pin(pki_.root_key());
  const char* vector = "tdx-v4-dcapqvl-1";
  test::CollateralEdits edits{.tcb_info = [](json& t) {
    for (json& m : t["tdxModuleIdentities"]) m["tcbLevels"] = ModuleLevels(255);
  }};
  QuoteVerdict v =
      VerifyQuote(pki_.Quote(vector), pki_.Collateral(vector, edits), VerifyAt(vector));
  ASSERT_TRUE(v.ok()) << v.error->message;
  EXPECT_EQ(*v.tdx_module_tcb_status, TcbStatus::kOutOfDate);
  EXPECT_EQ(*v.tcb_status, TcbStatus::kOutOfDate);
}

}  // namespace
}  // namespace phalanx::tee
