#include <gtest/gtest.h>

#include "phalanx/base/bytes.h"
#include "phalanx/base/result.h"

namespace phalanx {
namespace {

Result<int> ParsePositive(int x) {
  if (x <= 0) return InvalidArgument("must be positive");
  return x;
}

Result<int> Doubled(int x) {
  ASSIGN_OR_RETURN(int v, ParsePositive(x));
  return 2 * v;
}

Status CheckBoth(int a, int b) {
  RETURN_IF_ERROR(ParsePositive(a));
  RETURN_IF_ERROR(ParsePositive(b));
  return Status::Ok();
}

TEST(Status, OkIsDefaultAndCheap) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kOk);
  EXPECT_EQ(s.ToString(), "ok");
}

TEST(Status, ErrorCarriesCodeAndMessage) {
  Status s = NotFound("block 12 not found");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.ToString(), "not_found: block 12 not found");
  Status copy = s;
  EXPECT_EQ(copy, s);
  EXPECT_EQ(s.WithContext("loading").message(), "loading: block 12 not found");
}

TEST(Result, ValueOrErrorPropagates) {
  EXPECT_EQ(*Doubled(4), 8);
  auto r = Doubled(-1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(CheckBoth(1, 2).ok());
  EXPECT_EQ(CheckBoth(1, -2).code(), StatusCode::kInvalidArgument);
}

TEST(ResultDeathTest, AccessingErrorValueAborts) {
  Result<int> r = Internal("boom");
  EXPECT_DEATH((void)r.value(), "boom");
}

TEST(Hex, RoundTripsAndRejectsGarbage) {
  Bytes b = {0x00, 0xab, 0xff};
  EXPECT_EQ(ToHex(b), "00abff");
  EXPECT_EQ(ToHex0x(b), "0x00abff");
  EXPECT_EQ(*FromHex("0x00ABff"), b);
  EXPECT_FALSE(FromHex("abc").ok());
  EXPECT_FALSE(FromHex("zz").ok());
  EXPECT_TRUE(FromHex("").ok());
  EXPECT_FALSE(FixedFromHex<4>("00ab").ok());
  EXPECT_TRUE(FixedFromHex<2>("00ab").ok());
}

}  // namespace
}  // namespace phalanx
