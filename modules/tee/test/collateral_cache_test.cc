// Collateral as a value: the codec form round-trips and is bounded; CollateralCache verifies once
// and keeps, per TEE type and FMSPC, only collateral that is newer than what it holds.
#include "phalanx/tee/collateral_cache.h"

#include <gtest/gtest.h>

#include "phalanx/codec/codec.h"
#include "phalanx/tee/limits.h"
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

TEST(CollateralCodec, EveryVectorRoundTrips) {
  for (const char* vector : test::kPositiveVectors) {
    CollateralFiles files = test::LoadCollateral(vector);
    Bytes encoded = codec::EncodeToBytes(files);
    auto decoded = codec::DecodeAll<CollateralFiles>(encoded);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_TRUE(*decoded == files) << vector;
    EXPECT_EQ(codec::EncodeToBytes(*decoded), encoded);
  }
}

TEST(CollateralCodec, UnknownFormatVersionTruncationAndTrailingBytesAreRefused) {
  Bytes encoded = codec::EncodeToBytes(test::LoadCollateral("sgx-v3-dcapqvl-1"));
  Bytes v2 = encoded;
  v2[0] = 2;
  EXPECT_EQ(codec::DecodeAll<CollateralFiles>(v2).status().code(), StatusCode::kCorruption);
  for (size_t n : {size_t{0}, size_t{1}, encoded.size() / 2, encoded.size() - 1})
    EXPECT_FALSE(codec::DecodeAll<CollateralFiles>(ByteView(encoded.data(), n)).ok()) << n;
  encoded.push_back(0);
  EXPECT_FALSE(codec::DecodeAll<CollateralFiles>(encoded).ok());
}

TEST(CollateralCodec, LimitMaxCollateralFileBytes) {
  CollateralFiles files;
  files.pck_crl_der.assign(kMaxCollateralFileBytes, 0x30);
  EXPECT_TRUE(codec::DecodeAll<CollateralFiles>(codec::EncodeToBytes(files)).ok());
  files.pck_crl_der.push_back(0x30);
  auto r = codec::DecodeAll<CollateralFiles>(codec::EncodeToBytes(files));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kLimitExceeded);
}

TEST(CollateralCache, RealCollateralIsInsertedAndServesItsQuotes) {
  CollateralCache cache;
  for (const char* vector : test::kPositiveVectors) {
    auto u = cache.Update(test::LoadCollateral(vector), VerifyAt(vector));
    ASSERT_TRUE(u.ok()) << vector << ": " << u.failure().message;
    EXPECT_NE(*u, CollateralUpdate::kReplaced) << vector;
  }
  // tdx-v5-gotdx-1 holds a copy of tdx-v5-dcapqvl-1's collateral: 6 platforms.
  EXPECT_EQ(cache.size(), 6u);
  for (const char* vector : test::kPositiveVectors) {
    json e = test::ReadJson(test::VectorsDir() / vector / "expected.json");
    Bytes quote = test::ReadBytes(test::VectorsDir() / vector / "quote.bin");
    QuoteVerdict v = VerifyQuote(quote, cache, VerifyAt(vector));
    EXPECT_EQ(v.ok() ? "ok" : std::string(ErrorCodeName(v.error->code)),
              e["expected_verdict"].get<std::string>())
        << vector;
  }
  auto fmspc = FixedFromHex<6>("00A067110000");
  ASSERT_TRUE(fmspc.ok());
  EXPECT_NE(cache.Get(TeeType::kSgx, *fmspc), nullptr);
  EXPECT_EQ(cache.Get(TeeType::kTdx, *fmspc), nullptr);
}

// The cache path decodes the PCK leaf once and reuses the collateral's CA and root: a changed
// byte anywhere (sampled) must still fail.
TEST(CollateralCache, ChangedQuoteBytesAreRejectedThroughTheCache) {
  for (const char* vector : {"sgx-v3-dcapqvl-1", "tdx-v5-gotdx-1"}) {
    CollateralCache cache;
    ASSERT_TRUE(cache.Update(test::LoadCollateral(vector), VerifyAt(vector)).ok());
    Bytes quote = test::ReadBytes(test::VectorsDir() / vector / "quote.bin");
    ASSERT_TRUE(VerifyQuote(quote, cache, VerifyAt(vector)).ok());
    for (size_t i = 0; i < quote.size(); i += 5) {
      Bytes q = quote;
      q[i] ^= (i % 2) ? 0x01 : 0x80;
      EXPECT_FALSE(VerifyQuote(q, cache, VerifyAt(vector)).ok()) << vector << " byte " << i;
    }
  }
}

TEST(CollateralCache, QuoteOfAPlatformWithNoCollateralIsRefused) {
  CollateralCache cache;
  Bytes quote = test::ReadBytes(test::VectorsDir() / "sgx-v3-dcapqvl-1" / "quote.bin");
  QuoteVerdict v = VerifyQuote(quote, cache, VerifyAt("sgx-v3-dcapqvl-1"));
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error->code, ErrorCode::kFmspcMismatch);
  EXPECT_NE(v.error->message.find("00a067110000"), std::string::npos) << v.error->message;
}

TEST(CollateralCache, TamperedOrExpiredCollateralIsRefused) {
  CollateralCache cache;
  CollateralFiles files = test::LoadCollateral("sgx-v3-dcapqvl-1");
  int64_t at = VerifyAt("sgx-v3-dcapqvl-1");
  EXPECT_EQ(cache.Update(files, at + 86400).failure().code, ErrorCode::kExpired);
  files.tcb_info_json[files.tcb_info_json.size() / 2] ^= 1;
  EXPECT_FALSE(cache.Update(files, at).ok());
  EXPECT_EQ(cache.size(), 0u);
}

class CacheOrder : public ::testing::Test {
 protected:
  CollateralFiles With(uint32_t tcb_number, std::optional<int64_t> crl_this_update = {},
                       std::optional<uint32_t> qe_number = {}) {
    test::CollateralEdits edits;
    edits.tcb_info = [=](json& t) { t["tcbEvaluationDataNumber"] = tcb_number; };
    if (qe_number) edits.qe_identity = [=](json& q) { q["tcbEvaluationDataNumber"] = *qe_number; };
    edits.crl_this_update_unix = crl_this_update;
    return pki_.Collateral(kVector, edits);
  }
  uint32_t HeldNumber() {
    auto held = cache_.Get(TeeType::kSgx, fmspc_);
    return held ? held->tcb_info().tcb_evaluation_data_number : 0;
  }
  static constexpr const char* kVector = "sgx-v3-dcapqvl-1";
  test::TestPki pki_;
  testing::ScopedPinnedRootOverride pin_{pki_.root_key()};
  CollateralCache cache_;
  int64_t at_ = VerifyAt(kVector);
  FixedBytes<6> fmspc_ = *FixedFromHex<6>("00A067110000");
};

TEST_F(CacheOrder, HigherTcbEvaluationDataNumberReplaces) {
  ASSERT_EQ(*cache_.Update(With(17), at_), CollateralUpdate::kInserted);
  auto u = cache_.Update(With(18), at_);
  ASSERT_TRUE(u.ok()) << u.failure().message;
  EXPECT_EQ(*u, CollateralUpdate::kReplaced);
  EXPECT_EQ(HeldNumber(), 18u);
}

TEST_F(CacheOrder, LowerTcbEvaluationDataNumberIsRefusedAndTheHeldOneKept) {
  ASSERT_TRUE(cache_.Update(With(18), at_).ok());
  auto u = cache_.Update(With(17), at_);
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.failure().code, ErrorCode::kStaleCollateral);
  EXPECT_EQ(HeldNumber(), 18u);
}

TEST_F(CacheOrder, IdenticalCollateralIsANoOp) {
  CollateralFiles files = With(17);
  ASSERT_EQ(*cache_.Update(files, at_), CollateralUpdate::kInserted);
  auto held = cache_.Get(TeeType::kSgx, fmspc_);
  auto u = cache_.Update(files, at_);
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(*u, CollateralUpdate::kUnchanged);
  EXPECT_EQ(cache_.Get(TeeType::kSgx, fmspc_), held);  // the same object, not a copy
}

TEST_F(CacheOrder, EqualNumberWithNewerCrlsReplaces) {
  ASSERT_TRUE(cache_.Update(With(17, at_ - 2 * 86400), at_).ok());
  auto u = cache_.Update(With(17, at_ - 86400), at_);
  ASSERT_TRUE(u.ok()) << u.failure().message;
  EXPECT_EQ(*u, CollateralUpdate::kReplaced);
}

TEST_F(CacheOrder, EqualNumberWithOlderCrlsIsRefused) {
  ASSERT_TRUE(cache_.Update(With(17, at_ - 86400), at_).ok());
  auto u = cache_.Update(With(17, at_ - 2 * 86400), at_);
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.failure().code, ErrorCode::kStaleCollateral);
  EXPECT_NE(u.failure().message.find("CRL thisUpdate"), std::string::npos) << u.failure().message;
}

// Re-signing gives new signature bytes (ECDSA nonces), so the content is the same age but the
// bytes differ: refused rather than flip-flopping between two equally new sets.
TEST_F(CacheOrder, EqualNumberSameDatesDifferentBytesIsRefused) {
  ASSERT_TRUE(cache_.Update(With(17), at_).ok());
  auto u = cache_.Update(With(17), at_);
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.failure().code, ErrorCode::kStaleCollateral);
}

TEST_F(CacheOrder, HigherTcbNumberWithLowerQeNumberIsRefused) {
  ASSERT_TRUE(cache_.Update(With(17, {}, 17), at_).ok());
  auto u = cache_.Update(With(18, {}, 16), at_);
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.failure().code, ErrorCode::kStaleCollateral);
}

TEST_F(CacheOrder, SgxAndTdxOfTheSameFmspcAreSeparateEntries) {
  ASSERT_TRUE(cache_.Update(With(17), at_).ok());
  const char* tdx = "tdx-v4-dcapqvl-1";
  CollateralFiles t =
      pki_.Collateral(tdx, {.tcb_info = [](json& j) { j["fmspc"] = "00A067110000"; }});
  auto u = cache_.Update(t, VerifyAt(tdx));
  ASSERT_TRUE(u.ok()) << u.failure().message;
  EXPECT_EQ(*u, CollateralUpdate::kInserted);
  EXPECT_NE(cache_.Get(TeeType::kTdx, fmspc_), nullptr);
  EXPECT_NE(cache_.Get(TeeType::kSgx, fmspc_), nullptr);
}

TEST_F(CacheOrder, LimitMaxCachedCollaterals) {
  CollateralFiles base = With(17);
  for (size_t i = 0; i < kMaxCachedCollaterals; ++i) {
    char fmspc[13];
    std::snprintf(fmspc, sizeof fmspc, "AA%010zX", i);
    CollateralFiles f =
        pki_.Collateral(kVector, {.tcb_info = [&](json& t) { t["fmspc"] = fmspc; }});
    ASSERT_TRUE(cache_.Update(f, at_).ok()) << i;
  }
  auto u = cache_.Update(base, at_);
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.failure().code, ErrorCode::kCollateralCacheFull);
  EXPECT_EQ(cache_.size(), kMaxCachedCollaterals);
}

}  // namespace
}  // namespace phalanx::tee
