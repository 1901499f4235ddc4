// Tampering: one byte of a quote or of a signed collateral document changed at many positions
// never verifies; a chain rooted in another CA is untrusted; validity windows are closed
// intervals; verified collateral is reusable across quotes and times.
#include <gtest/gtest.h>

#include "phalanx/tee/verify.h"
#include "test_util.h"

namespace phalanx::tee {
namespace {

using nlohmann::json;
using test::VectorsDir;

struct Vector {
  Bytes quote;
  CollateralFiles files;
  json expected;
  int64_t at() const { return expected["verify_at_unix"].get<int64_t>(); }
};

Vector Load(const std::string& name) {
  return {test::ReadBytes(VectorsDir() / name / "quote.bin"), test::LoadCollateral(name),
          test::ReadJson(VectorsDir() / name / "expected.json")};
}

class QuoteTamper : public ::testing::TestWithParam<const char*> {};

TEST_P(QuoteTamper, EveryChangedByteIsRejected) {
  Vector v = Load(GetParam());
  auto collateral = VerifyCollateral(v.files);
  ASSERT_TRUE(collateral.ok());
  ASSERT_TRUE(VerifyQuote(v.quote, **collateral, v.at()).ok());
  for (size_t i = 0; i < v.quote.size(); ++i) {
    Bytes q = v.quote;
    q[i] ^= (i % 2) ? 0x01 : 0x80;
    QuoteVerdict r = VerifyQuote(q, **collateral, v.at());
    EXPECT_FALSE(r.ok()) << "byte " << i << " changed and the quote still verifies";
  }
}

INSTANTIATE_TEST_SUITE_P(Attestation, QuoteTamper,
                         ::testing::Values("sgx-v3-dcapqvl-1", "tdx-v5-gotdx-1"));

TEST(CollateralTamper, ChangedSignedJsonByteIsRejected) {
  Vector v = Load("tdx-v4-dcapqvl-1");
  for (std::string* doc : {&v.files.tcb_info_json, &v.files.qe_identity_json}) {
    std::string original = *doc;
    for (size_t i = 0; i < original.size(); i += 3) {
      (*doc)[i] = static_cast<char>(original[i] ^ 0x01);
      QuoteVerdict r = VerifyQuote(v.quote, v.files, v.at());
      EXPECT_FALSE(r.ok()) << "byte " << i;
      *doc = original;
    }
  }
}

TEST(CollateralTamper, ChangedCrlByteIsRejected) {
  Vector v = Load("sgx-v3-dcapqvl-1");
  for (Bytes* crl : {&v.files.pck_crl_der, &v.files.root_ca_crl_der}) {
    Bytes original = *crl;
    for (size_t i = 0; i < original.size(); ++i) {
      (*crl)[i] ^= 0x01;
      EXPECT_FALSE(VerifyQuote(v.quote, v.files, v.at()).ok()) << "byte " << i;
      *crl = original;
    }
  }
}

TEST(Validity, WindowIsClosedOnBothEnds) {
  for (const char* name : test::kPositiveVectors) {
    Vector v = Load(name);
    auto collateral = VerifyCollateral(v.files);
    ASSERT_TRUE(collateral.ok());
    int64_t from = v.expected["valid_window_unix"][0].get<int64_t>();
    int64_t to = v.expected["valid_window_unix"][1].get<int64_t>();
    std::string want = v.expected["expected_verdict"].get<std::string>();
    for (int64_t t : {from, to}) {
      QuoteVerdict r = VerifyQuote(v.quote, **collateral, t);
      EXPECT_EQ(r.ok() ? "ok" : std::string(ErrorCodeName(r.error->code)), want) << name << t;
    }
    for (int64_t t : {from - 1, to + 1}) {
      QuoteVerdict r = VerifyQuote(v.quote, **collateral, t);
      ASSERT_FALSE(r.ok()) << name;
      EXPECT_EQ(r.error->code, ErrorCode::kExpired) << name << " " << t;
    }
  }
}

// The quote's own chain ending at a look-alike root (same subject, other key) is untrusted.
TEST(Chain, QuoteChainEndingAtAnotherRootIsUntrusted) {
  Vector v = Load("sgx-v3-dcapqvl-1");
  std::string fake_root = test::ReadText(VectorsDir() / "negatives" /
                                         "sgx-v3-dcapqvl-1__untrusted_root" / "root_ca.pem");
  std::string pem = test::ReadText(VectorsDir() / "sgx-v3-dcapqvl-1/collateral/pck_cert_chain.pem");
  size_t last = pem.rfind("-----BEGIN CERTIFICATE-----");
  std::string chain = pem.substr(0, last) + fake_root;
  size_t cert_off = v.expected["layout_offsets"]["pck_cert_chain_pem"][0].get<size_t>() - 6;
  Bytes q(v.quote.begin(), v.quote.begin() + cert_off);
  Bytes hdr = {5, 0, 0, 0, 0, 0};
  test::PutU32(hdr, 2, static_cast<uint32_t>(chain.size()));
  q.insert(q.end(), hdr.begin(), hdr.end());
  q.insert(q.end(), chain.begin(), chain.end());
  test::PutU32(q, 432, static_cast<uint32_t>(q.size() - 436));
  QuoteVerdict r = VerifyQuote(q, v.files, v.at());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->code, ErrorCode::kUntrustedRoot) << r.error->message;
}

TEST(Collateral, OneVerificationServesManyQuotesAndTimes) {
  Vector v = Load("tdx-v5-gotdx-1");
  auto collateral = VerifyCollateral(v.files);
  ASSERT_TRUE(collateral.ok());
  Bytes other = test::ReadBytes(VectorsDir() / "tdx-v5-dcapqvl-1" / "quote.bin");
  EXPECT_TRUE(VerifyQuote(v.quote, **collateral, v.at()).ok());
  QuoteVerdict old = VerifyQuote(other, **collateral, v.at());
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.error->code, ErrorCode::kTcbNotSupported);
  EXPECT_TRUE(VerifyQuote(v.quote, **collateral, v.at() - 86400).ok());
}

}  // namespace
}  // namespace phalanx::tee
