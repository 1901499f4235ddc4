// SIMULATED quotes: refused without allow_simulated whatever the collateral, accepted with it
// when the ed25519 signature holds, and never mistaken for (or confused with) a DCAP quote.
#include "phalanx/tee/sim.h"

#include <gtest/gtest.h>

#include "phalanx/tee/verify.h"
#include "test_util.h"

namespace phalanx::tee {
namespace {

FixedBytes<64> ReportData(uint8_t fill) {
  FixedBytes<64> r;
  for (size_t i = 0; i < 64; ++i) r[i] = static_cast<uint8_t>(fill + i);
  return r;
}

TEST(SimQuote, IsLabelledSimulatedInItsBytes) {
  Bytes q = MakeSimQuote(crypto::SigningKey::Generate(), {}, ReportData(1));
  ASSERT_EQ(q.size(), kSimQuoteBytes);
  EXPECT_EQ(std::string(q.begin(), q.begin() + 23), "PHALANX SIMULATED QUOTE");
  EXPECT_TRUE(IsSimulatedQuote(q));
  EXPECT_FALSE(
      IsSimulatedQuote(test::ReadBytes(test::VectorsDir() / "sgx-v3-dcapqvl-1/quote.bin")));
}

TEST(SimQuote, RefusedWithoutAllowSimulated) {
  Bytes q = MakeSimQuote(crypto::SigningKey::Generate(), {}, ReportData(1));
  CollateralFiles files = test::LoadCollateral("sgx-v3-dcapqvl-1");
  for (const QuoteVerdict& v : {VerifySimulated(q, {}), VerifyQuote(q, files, 0)}) {
    ASSERT_FALSE(v.ok());
    EXPECT_TRUE(v.simulated);
    EXPECT_EQ(v.error->code, ErrorCode::kSimulatedNotAllowed);
    EXPECT_NE(v.error->message.find("SIMULATED"), std::string::npos);
    EXPECT_FALSE(v.sim.has_value());
  }
}

TEST(SimQuote, AcceptedWithAllowSimulated) {
  crypto::SigningKey key = crypto::SigningKey::Generate();
  FixedBytes<32> measurement;
  measurement[0] = 0xAB;
  Bytes q = MakeSimQuote(key, measurement, ReportData(7));
  QuoteVerdict v = VerifySimulated(q, {.allow_simulated = true});
  ASSERT_TRUE(v.ok()) << v.error->message;
  ASSERT_TRUE(v.sim.has_value());
  EXPECT_TRUE(v.simulated);
  EXPECT_EQ(v.sim->report_data, ReportData(7));
  EXPECT_EQ(v.sim->measurement, measurement);
  EXPECT_EQ(v.sim->signer, key.public_key());
  EXPECT_FALSE(v.tcb_status.has_value());  // no hardware, no TCB
  CollateralCache empty;
  EXPECT_TRUE(VerifyQuote(q, empty, 0, {.allow_simulated = true}).ok());
}

TEST(SimQuote, EveryChangedByteOrLengthIsRejectedEvenWhenAllowed) {
  Bytes q = MakeSimQuote(crypto::SigningKey::Generate(), {}, ReportData(3));
  for (size_t i = 0; i < q.size(); ++i) {
    Bytes t = q;
    t[i] ^= 0x01;
    QuoteVerdict v = VerifySimulated(t, {.allow_simulated = true});
    EXPECT_FALSE(v.ok()) << "byte " << i;
  }
  for (size_t n : {size_t{24}, kSimQuoteBytes - 1, kSimQuoteBytes + 1}) {
    Bytes t = q;
    t.resize(n, 0);
    QuoteVerdict v = VerifySimulated(t, {.allow_simulated = true});
    ASSERT_FALSE(v.ok()) << n;
    EXPECT_EQ(v.error->code, ErrorCode::kParseError);
  }
}

}  // namespace
}  // namespace phalanx::tee
