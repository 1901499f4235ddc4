// Collateral: the exact signed byte ranges, JSON parsing limits, PCK extension parsing and its
// limit, and the PEM chain limit.
#include "phalanx/tee/collateral.h"

#include <gtest/gtest.h>

#include "phalanx/platform/files.h"
#include "phalanx/tee/limits.h"
#include "phalanx/tee/pck.h"
#include "phalanx/tee/verify.h"
#include "test_util.h"

namespace phalanx::tee {
namespace {

using nlohmann::json;
using test::VectorsDir;

TEST(SignedJson, ReturnsTheExactBytesOfTheValue) {
  std::string doc = "{ \"signature\":\"ab\", \"tcbInfo\" : {\"a\":[1,{\"b\":\"}\"}]} }";
  auto v = SignedJsonValue(doc, "tcbInfo");
  ASSERT_TRUE(v.ok()) << v.failure().message;
  EXPECT_EQ(*v, "{\"a\":[1,{\"b\":\"}\"}]}");
}

TEST(SignedJson, MissingDuplicateOrTrailingIsAParseError) {
  EXPECT_FALSE(SignedJsonValue("{\"x\":{}}", "tcbInfo").ok());
  EXPECT_FALSE(SignedJsonValue("{}", "tcbInfo").ok());
  EXPECT_FALSE(SignedJsonValue("{\"tcbInfo\":{},\"tcbInfo\":{}}", "tcbInfo").ok());
  EXPECT_FALSE(SignedJsonValue("{\"tcbInfo\":{}} x", "tcbInfo").ok());
  EXPECT_FALSE(SignedJsonValue("{\"tcbInfo\":{]}", "tcbInfo").ok());
  EXPECT_EQ(SignedJsonValue("[]", "tcbInfo").failure().code, ErrorCode::kParseError);
}

TEST(SignedJson, LimitMaxJsonDepth) {
  auto nested = [](size_t depth) {  // the top-level object counts as depth 1
    return "{\"tcbInfo\":" + std::string(depth - 1, '[') + std::string(depth - 1, ']') + "}";
  };
  EXPECT_TRUE(SignedJsonValue(nested(kMaxJsonDepth), "tcbInfo").ok());
  EXPECT_FALSE(SignedJsonValue(nested(kMaxJsonDepth + 1), "tcbInfo").ok());
}

TEST(SignedJson, LimitMaxCollateralFileBytes) {
  std::string doc = "{\"tcbInfo\":{}}";
  doc.append(kMaxCollateralFileBytes - doc.size(), ' ');
  EXPECT_TRUE(SignedJsonValue(doc, "tcbInfo").ok());
  doc.push_back(' ');
  auto r = SignedJsonValue(doc, "tcbInfo");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.failure().message.find("limit"), std::string::npos);
}

TEST(CollateralDir, FileOverTheSizeLimitIsRefused) {
  auto tmp = platform::TempDir::Create("tee-collateral");
  ASSERT_TRUE(tmp.ok());
  auto src = VectorsDir() / "sgx-v3-dcapqvl-1" / "collateral";
  for (const auto& f : std::filesystem::directory_iterator(src))
    std::filesystem::copy_file(f.path(), tmp->path() / f.path().filename());
  ASSERT_TRUE(LoadCollateralDir(tmp->path()).ok());
  std::filesystem::resize_file(tmp->path() / "pck_crl.der", kMaxCollateralFileBytes + 1);
  auto r = LoadCollateralDir(tmp->path());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kLimitExceeded);
}

json TcbInfoBody(const std::string& vector) {
  std::string doc = test::ReadText(VectorsDir() / vector / "collateral" / "tcb_info.json");
  return json::parse(doc)["tcbInfo"];
}

TEST(TcbInfo, ParsesV2AndV3Documents) {
  auto v2 = ParseTcbInfo(TcbInfoBody("sgx-v3-dcaprs-1").dump());
  ASSERT_TRUE(v2.ok()) << v2.failure().message;
  EXPECT_EQ(v2->version, 2u);
  EXPECT_EQ(ToHex(v2->fmspc), "00606a000000");
  EXPECT_EQ(v2->levels[0].sgx_components[0], 14);
  auto v3 = ParseTcbInfo(TcbInfoBody("tdx-v5-gotdx-1").dump());
  ASSERT_TRUE(v3.ok()) << v3.failure().message;
  EXPECT_EQ(v3->id, "TDX");
  EXPECT_EQ(v3->tcb_evaluation_data_number, 18u);
  ASSERT_TRUE(v3->levels[0].tdx_components);
  EXPECT_EQ(v3->tdx_module_identities.size(), 2u);
}

TEST(TcbInfo, OutOfRangeSvnIsAParseErrorNotAWrap) {
  json t = TcbInfoBody("sgx-v3-dcapqvl-1");
  t["tcbLevels"][0]["tcb"]["sgxtcbcomponents"][0]["svn"] = 256;
  EXPECT_EQ(ParseTcbInfo(t.dump()).failure().code, ErrorCode::kParseError);
  t["tcbLevels"][0]["tcb"]["sgxtcbcomponents"][0]["svn"] = -1;
  EXPECT_FALSE(ParseTcbInfo(t.dump()).ok());
}

TEST(TcbInfo, LimitMaxTcbLevels) {
  json t = TcbInfoBody("sgx-v3-dcapqvl-1");
  json level = t["tcbLevels"][0];
  t["tcbLevels"] = json::array();
  for (size_t i = 0; i < kMaxTcbLevels; ++i) t["tcbLevels"].push_back(level);
  EXPECT_TRUE(ParseTcbInfo(t.dump()).ok());
  t["tcbLevels"].push_back(level);
  EXPECT_FALSE(ParseTcbInfo(t.dump()).ok());
}

TEST(TcbInfo, LimitMaxTdxModuleIdentities) {
  json t = TcbInfoBody("tdx-v5-gotdx-1");
  json id = t["tdxModuleIdentities"][0];
  t["tdxModuleIdentities"] = json::array();
  for (size_t i = 0; i < kMaxTdxModuleIdentities; ++i) t["tdxModuleIdentities"].push_back(id);
  EXPECT_TRUE(ParseTcbInfo(t.dump()).ok());
  t["tdxModuleIdentities"].push_back(id);
  EXPECT_FALSE(ParseTcbInfo(t.dump()).ok());
}

TEST(TcbInfo, LimitMaxAdvisoryIds) {
  json t = TcbInfoBody("sgx-v3-dcapqvl-1");
  t["tcbLevels"][0]["advisoryIDs"] = json(std::vector<std::string>(kMaxAdvisoryIds, "INTEL-SA-1"));
  EXPECT_TRUE(ParseTcbInfo(t.dump()).ok());
  t["tcbLevels"][0]["advisoryIDs"].push_back("INTEL-SA-2");
  EXPECT_FALSE(ParseTcbInfo(t.dump()).ok());
}

TEST(QeIdentity, ParsesTdQeIdentity) {
  std::string doc = test::ReadText(VectorsDir() / "tdx-v5-gotdx-1/collateral/qe_identity.json");
  auto q = ParseQeIdentity(json::parse(doc)["enclaveIdentity"].dump());
  ASSERT_TRUE(q.ok()) << q.failure().message;
  EXPECT_EQ(q->id, "TD_QE");
  EXPECT_EQ(q->isv_prod_id, 2);
  EXPECT_EQ(q->misc_select_mask, 0xFFFFFFFFu);
}

TEST(PckExtension, LimitMaxSgxExtensionBytes) {
  Bytes big(kMaxSgxExtensionBytes + 1, 0x30);
  auto r = ParseSgxExtension(big);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.failure().message.find("limit"), std::string::npos);
}

TEST(PckExtension, GarbageAndEmptyAreRejected) {
  EXPECT_FALSE(ParseSgxExtension({}).ok());
  Bytes seq = {0x30, 0x00};
  EXPECT_EQ(ParseSgxExtension(seq).failure().code, ErrorCode::kBadPckChain);
  Bytes long_len = {0x30, 0x82, 0x00, 0x05, 0, 0, 0, 0, 0};  // non-minimal length
  EXPECT_FALSE(ParseSgxExtension(long_len).ok());
}

// The PCK chain in a quote holds exactly 3 certificates; more than the limit are not parsed.
TEST(PckChain, LimitMaxChainCertificates) {
  auto name = "sgx-v3-dcapqvl-1";
  json e = test::ReadJson(VectorsDir() / name / "expected.json");
  Bytes q = test::ReadBytes(VectorsDir() / name / "quote.bin");
  CollateralFiles files = test::LoadCollateral(name);
  std::string pem = test::ReadText(VectorsDir() / name / "collateral" / "pck_cert_chain.pem");
  std::string root = files.root_ca_pem;
  size_t cert_off = e["layout_offsets"]["pck_cert_chain_pem"][0].get<size_t>() - 6;
  auto with_chain = [&](const std::string& chain) {
    Bytes out(q.begin(), q.begin() + cert_off);
    Bytes hdr = {5, 0, 0, 0, 0, 0};
    test::PutU32(hdr, 2, static_cast<uint32_t>(chain.size()));
    out.insert(out.end(), hdr.begin(), hdr.end());
    out.insert(out.end(), chain.begin(), chain.end());
    test::PutU32(out, 432, static_cast<uint32_t>(out.size() - 436));
    return out;
  };
  int64_t at = e["verify_at_unix"].get<int64_t>();
  ASSERT_TRUE(VerifyQuote(with_chain(pem), files, at).ok());
  QuoteVerdict four = VerifyQuote(with_chain(pem + "\n" + root), files, at);
  ASSERT_FALSE(four.ok());
  EXPECT_NE(four.error->message.find("found 4"), std::string::npos) << four.error->message;
  QuoteVerdict five = VerifyQuote(with_chain(pem + "\n" + root + "\n" + root), files, at);
  ASSERT_FALSE(five.ok());
  EXPECT_EQ(five.error->code, ErrorCode::kBadPckChain);
  EXPECT_NE(five.error->message.find("limit"), std::string::npos) << five.error->message;
}

}  // namespace
}  // namespace phalanx::tee
