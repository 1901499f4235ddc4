// Timing of verification steps, printed as JSON lines; DISABLED_ so ctest does not run it (run
// with --gtest_also_run_disabled_tests --gtest_filter='*Timing*'). Asserts nothing about speed.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "phalanx/tee/verify.h"
#include "test_util.h"

namespace phalanx::tee {
namespace {

template <typename F>
double MicrosPerCall(int n, F&& f) {
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) f();
  std::chrono::duration<double, std::micro> d = std::chrono::steady_clock::now() - start;
  return d.count() / n;
}

TEST(Timing, DISABLED_VerificationSteps) {
  for (const char* name : {"sgx-v3-dcapqvl-1", "tdx-v5-gotdx-1"}) {
    Bytes quote = test::ReadBytes(test::VectorsDir() / name / "quote.bin");
    CollateralFiles files = test::LoadCollateral(name);
    int64_t at = test::ReadJson(test::VectorsDir() / name / "expected.json")["verify_at_unix"];
    auto collateral = VerifyCollateral(files);
    ASSERT_TRUE(collateral.ok());
    double parse = MicrosPerCall(2000, [&] { ASSERT_TRUE(ParseQuote(quote).ok()); });
    double coll = MicrosPerCall(50, [&] { ASSERT_TRUE(VerifyCollateral(files).ok()); });
    double verify =
        MicrosPerCall(500, [&] { ASSERT_TRUE(VerifyQuote(quote, **collateral, at).ok()); });
    std::printf("{\"bench\":\"tee_parse_quote/%s\",\"value\":%.1f,\"unit\":\"us\"}\n", name, parse);
    std::printf("{\"bench\":\"tee_verify_collateral/%s\",\"value\":%.1f,\"unit\":\"us\"}\n", name,
                coll);
    std::printf("{\"bench\":\"tee_verify_quote_cached/%s\",\"value\":%.1f,\"unit\":\"us\"}\n", name,
                verify);
  }
}

}  // namespace
}  // namespace phalanx::tee
