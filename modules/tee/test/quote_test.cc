// Quote parsing: every field of every vector against expected.json, every truncation length,
// trailing bytes, unknown versions and types, and one test per parsing limit of limits.h.
#include "phalanx/tee/quote.h"

#include <gtest/gtest.h>

#include "phalanx/tee/limits.h"
#include "test_util.h"

namespace phalanx::tee {
namespace {

using nlohmann::json;
using test::VectorsDir;

class QuoteVector : public ::testing::TestWithParam<const char*> {};

TEST_P(QuoteVector, ParsesEveryFieldAsExpected) {
  json e = test::ReadJson(VectorsDir() / GetParam() / "expected.json");
  Bytes bytes = test::ReadBytes(VectorsDir() / GetParam() / "quote.bin");
  Outcome<Quote> parsed = ParseQuote(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.failure().message;
  const Quote& q = *parsed;
  const json& h = e["header"];
  EXPECT_EQ(q.header.attestation_key_type, h["att_key_type"].get<int>());
  EXPECT_EQ(q.header.qe_svn, h["qe_svn"].get<int>());
  EXPECT_EQ(q.header.pce_svn, h["pce_svn"].get<int>());
  EXPECT_EQ(ToHex(q.header.qe_vendor_id), h["qe_vendor_id"].get<std::string>());
  EXPECT_EQ(ToHex(q.header.user_data), h["user_data"].get<std::string>());
  EXPECT_EQ(q.signed_region.size(), e["layout_offsets"]["signed_region"][1].get<size_t>());
  EXPECT_EQ(q.qe_auth_data.size(), e["layout_offsets"]["qe_auth_data"][1].get<size_t>());
  EXPECT_EQ(q.debug_any(), e["debug"].get<bool>());
  if (q.sgx) {
    EXPECT_EQ(ToHex(q.sgx->mr_enclave), e["mrenclave"].get<std::string>());
    EXPECT_EQ(ToHex(q.sgx->mr_signer), e["mrsigner"].get<std::string>());
    EXPECT_EQ(q.sgx->isv_prod_id, e["isv_prod_id"].get<int>());
    EXPECT_EQ(q.sgx->isv_svn, e["isv_svn"].get<int>());
    EXPECT_EQ(ToHex(q.sgx->cpu_svn), e["cpu_svn"].get<std::string>());
    EXPECT_EQ(q.sgx->misc_select, e["misc_select"].get<uint32_t>());
    EXPECT_EQ(ToHex(q.sgx->attributes), e["attributes"].get<std::string>());
  } else {
    ASSERT_TRUE(q.td);
    const TdReport& td = *q.td;
    EXPECT_EQ(ToHex(td.mr_td), e["mrtd"].get<std::string>());
    for (int i = 0; i < 4; ++i)
      EXPECT_EQ(ToHex(td.rtmr[i]), e["rtmr" + std::to_string(i)].get<std::string>());
    EXPECT_EQ(ToHex(td.tee_tcb_svn), e["tee_tcb_svn"].get<std::string>());
    EXPECT_EQ(ToHex(td.mr_seam), e["mrseam"].get<std::string>());
    EXPECT_EQ(ToHex(td.mr_signer_seam), e["mrsignerseam"].get<std::string>());
    EXPECT_EQ(ToHex(td.seam_attributes), e["seam_attributes"].get<std::string>());
    EXPECT_EQ(ToHex(td.td_attributes), e["td_attributes"].get<std::string>());
    EXPECT_EQ(ToHex(td.xfam), e["xfam"].get<std::string>());
    EXPECT_EQ(ToHex(td.mr_config_id), e["mrconfigid"].get<std::string>());
    EXPECT_EQ(ToHex(td.mr_owner), e["mrowner"].get<std::string>());
    EXPECT_EQ(ToHex(td.mr_owner_config), e["mrownerconfig"].get<std::string>());
    EXPECT_EQ(td.tee_tcb_svn2.has_value(), e.contains("tee_tcb_svn2"));
    if (td.tee_tcb_svn2) {
      EXPECT_EQ(ToHex(*td.tee_tcb_svn2), e["tee_tcb_svn2"].get<std::string>());
      EXPECT_EQ(ToHex(*td.mr_service_td), e["mrservicetd"].get<std::string>());
    }
  }
  if (e["outer_certification_data_type"].is_null()) {
    EXPECT_FALSE(q.outer_certification_data_type);
  } else {
    EXPECT_EQ(q.outer_certification_data_type, e["outer_certification_data_type"].get<int>());
  }
  std::string pem = test::ReadText(VectorsDir() / GetParam() / "collateral" / "pck_cert_chain.pem");
  EXPECT_EQ(q.pck_chain_pem, pem);
}

INSTANTIATE_TEST_SUITE_P(Attestation, QuoteVector, ::testing::ValuesIn(test::kPositiveVectors));

Bytes SgxQuote() { return test::ReadBytes(VectorsDir() / "sgx-v3-dcapqvl-1" / "quote.bin"); }
Bytes TdxV5Quote() { return test::ReadBytes(VectorsDir() / "tdx-v5-gotdx-1" / "quote.bin"); }

ErrorCode CodeOf(const Outcome<Quote>& r) { return r.failure().code; }

TEST(QuoteParse, EveryTruncationIsAParseError) {
  for (const Bytes& full : {SgxQuote(), TdxV5Quote()}) {
    for (size_t n = 0; n < full.size(); ++n) {
      Outcome<Quote> r = ParseQuote(ByteView(full.data(), n));
      ASSERT_FALSE(r.ok()) << n;
      EXPECT_EQ(CodeOf(r), ErrorCode::kParseError) << n;
    }
  }
}

TEST(QuoteParse, OneTrailingByteIsAParseError) {
  Bytes q = SgxQuote();
  q.push_back(0);
  Outcome<Quote> r = ParseQuote(q);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(CodeOf(r), ErrorCode::kParseError);
  EXPECT_NE(r.failure().message.find("follow"), std::string::npos) << r.failure().message;
}

TEST(QuoteParse, UnknownVersionsAreUnsupported) {
  for (uint16_t version : {0, 1, 2, 6, 99, 0xFFFF}) {
    Bytes q = SgxQuote();
    test::PutU16(q, 0, version);
    Outcome<Quote> r = ParseQuote(q);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(CodeOf(r), ErrorCode::kUnsupportedVersion) << version;
  }
}

TEST(QuoteParse, UnknownAttestationKeyTypeIsAParseError) {
  Bytes q = SgxQuote();
  test::PutU16(q, 2, 3);  // ECDSA-384
  EXPECT_EQ(CodeOf(ParseQuote(q)), ErrorCode::kParseError);
}

TEST(QuoteParse, UnknownTeeTypeIsAParseError) {
  Bytes q = SgxQuote();
  test::PutU32(q, 4, 0x42);
  EXPECT_EQ(CodeOf(ParseQuote(q)), ErrorCode::kParseError);
}

TEST(QuoteParse, V5BodyTypeAndSizeMustAgree) {
  Bytes q = TdxV5Quote();
  test::PutU16(q, 48, 7);  // unknown body type
  EXPECT_EQ(CodeOf(ParseQuote(q)), ErrorCode::kParseError);
  q = TdxV5Quote();
  test::PutU32(q, 50, 584);  // size of TD 1.0 with type TD 1.5
  EXPECT_EQ(CodeOf(ParseQuote(q)), ErrorCode::kParseError);
}

// SGX v3 layout of sgx-v3-dcapqvl-1 (expected.json layout_offsets).
constexpr size_t kSigLenOffset = 432;
constexpr size_t kQeAuthLenOffset = 1012;
constexpr size_t kQeAuthOffset = 1014;

// Replaces `old_len` bytes at `off` with `replacement` and fixes the signature data length.
Bytes Splice(Bytes q, size_t off, size_t old_len, const Bytes& replacement) {
  q.erase(q.begin() + off, q.begin() + off + old_len);
  q.insert(q.begin() + off, replacement.begin(), replacement.end());
  test::PutU32(q, kSigLenOffset, static_cast<uint32_t>(q.size() - kSigLenOffset - 4));
  return q;
}

TEST(QuoteParse, CertificationDataTypeOtherThanPckChainIsAParseError) {
  Bytes q = SgxQuote();
  test::PutU16(q, kQeAuthOffset + 32, 3);
  EXPECT_EQ(CodeOf(ParseQuote(q)), ErrorCode::kParseError);
}

TEST(QuoteParse, LimitMaxQuoteBytes) {
  Bytes q = SgxQuote();
  Bytes filler(kMaxQuoteBytes + 1 - q.size(), 0);
  q.insert(q.end(), filler.begin(), filler.end());
  Outcome<Quote> r = ParseQuote(q);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(CodeOf(r), ErrorCode::kParseError);
  EXPECT_NE(r.failure().message.find("limit"), std::string::npos);
}

TEST(QuoteParse, LimitMaxQeAuthDataBytes) {
  Bytes q = SgxQuote();
  auto with_auth = [&](size_t n) {
    Bytes repl(2 + n, 0xAB);
    repl[0] = n & 0xFF;
    repl[1] = n >> 8;
    return Splice(q, kQeAuthLenOffset, 2 + 32, repl);
  };
  EXPECT_TRUE(ParseQuote(with_auth(kMaxQeAuthDataBytes)).ok());
  Outcome<Quote> r = ParseQuote(with_auth(kMaxQeAuthDataBytes + 1));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.failure().message.find("limit"), std::string::npos) << r.failure().message;
}

TEST(QuoteParse, LimitMaxCertificationDataBytes) {
  Bytes q = SgxQuote();
  size_t cert_off = kQeAuthOffset + 32;  // type u16, size u32, data to the end
  auto with_cert = [&](size_t n) {
    Bytes repl(6 + n, ' ');
    repl[0] = 5;
    repl[1] = 0;
    for (int i = 0; i < 4; ++i) repl[2 + i] = (n >> (8 * i)) & 0xFF;
    return Splice(q, cert_off, q.size() - cert_off, repl);
  };
  EXPECT_TRUE(ParseQuote(with_cert(kMaxCertificationDataBytes)).ok());
  Outcome<Quote> r = ParseQuote(with_cert(kMaxCertificationDataBytes + 1));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.failure().message.find("limit"), std::string::npos) << r.failure().message;
}

}  // namespace
}  // namespace phalanx::tee
