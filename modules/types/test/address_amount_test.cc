// Specification of SS58 addresses and of amount parsing/formatting.
#include <gtest/gtest.h>

#include <random>

#include "phalanx/types/address.h"
#include "phalanx/types/amount.h"
#include "phalanx/types/limits.h"

namespace phalanx::types {
namespace {

const AccountId kAlice =
    FixedFromHex<32>("d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d").value();
constexpr std::string_view kAliceSs58 = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

std::string ErrorOf(std::string_view address) {
  Result<AccountId> r = FromSs58(address);
  EXPECT_FALSE(r.ok()) << address;
  return r.ok() ? "" : std::string(r.status().message());
}

TEST(Ss58, AliceWellKnownAddress) {
  EXPECT_EQ(ToSs58(kAlice), kAliceSs58);
  EXPECT_EQ(FromSs58(kAliceSs58).value(), kAlice);
}

TEST(Ss58, RandomAccountsRoundTrip) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 500; ++i) {
    AccountId a;
    for (auto& b : a) b = static_cast<uint8_t>(rng());
    if (i == 0) a = AccountId{};  // all-zero key
    const std::string s = ToSs58(a);
    EXPECT_TRUE(s.size() == 47 || s.size() == 48) << s;
    EXPECT_EQ(s[0], '5');
    EXPECT_EQ(FromSs58(s).value(), a);
  }
}

TEST(Ss58, BadCharacterNamesItsPosition) {
  std::string s(kAliceSs58);
  s[5] = '0';
  EXPECT_EQ(ErrorOf(s),
            "invalid character '0' at position 5 of SS58 address (base58 has no 0, O, I or l and "
            "no punctuation)");
  s[5] = 'l';
  EXPECT_NE(ErrorOf(s).find("'l' at position 5"), std::string::npos);
}

TEST(Ss58, TypoIsABadChecksum) {
  std::string s(kAliceSs58);
  s[10] = s[10] == 'a' ? 'b' : 'a';
  EXPECT_EQ(ErrorOf(s), "bad SS58 checksum: the address has a typo or was altered");
}

TEST(Ss58, OtherNetworkIsAWrongPrefix) {
  // Alice on Polkadot (prefix 0) and Kusama (prefix 2).
  EXPECT_EQ(ErrorOf("15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5"),
            "wrong SS58 network prefix 0 (expected 42): this address is for another network");
  EXPECT_NE(
      ErrorOf("HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F").find("prefix 2 (expected 42)"),
      std::string::npos);
}

TEST(Ss58, WrongLength) {
  EXPECT_NE(ErrorOf(kAliceSs58.substr(0, 40)).find("decodes to 29 bytes"), std::string::npos);
  EXPECT_EQ(ErrorOf(""), "empty SS58 address");
}

TEST(Ss58, LongerThanMaxSs58CharsRejectedBeforeDecoding) {
  EXPECT_EQ(ErrorOf(std::string(kMaxSs58Chars + 1, '5')),
            "SS58 address is 65 characters long; an account address has 47 or 48");
  // At the limit it is decoded (and fails on length, not on the limit).
  EXPECT_NE(ErrorOf(std::string(kMaxSs58Chars, '5')).find("decodes to"), std::string::npos);
}

TEST(Ss58, ParseAccountIdAcceptsHexOrSs58) {
  EXPECT_EQ(ParseAccountId(kAliceSs58).value(), kAlice);
  EXPECT_EQ(ParseAccountId("0x" + ToHex(kAlice)).value(), kAlice);
  EXPECT_FALSE(ParseAccountId("0x1234").ok());
}

constexpr Balance kU128Max = ~Balance{0};

TEST(Amount, ParsesTheDocumentedForms) {
  const struct {
    const char* text;
    Balance units;
  } cases[] = {
      {"1.5 PHX", 1'500'000'000'000},
      {"1.5PHX", 1'500'000'000'000},
      {"1.5", 1'500'000'000'000},
      {"  2 phx ", 2'000'000'000'000},
      {"0", 0},
      {"0 PHX", 0},
      {"0.000000000001 PHX", 1},
      {"1.000000000000 PHX", kUnitsPerPhx},
      {"1500 units", 1500},
      {"1500units", 1500},
      {"1500 UNITS", 1500},
      {"340282366920938463463374607431768211455 units", kU128Max},
      {"340282366920938463463374607.431768211455 PHX", kU128Max},
      {"+3", 3 * kUnitsPerPhx},
  };
  for (const auto& c : cases) {
    Result<Balance> r = ParseAmount(c.text);
    ASSERT_TRUE(r.ok()) << c.text << ": " << r.status().ToString();
    EXPECT_TRUE(*r == c.units) << c.text << " gave " << U128ToString(*r);
  }
}

TEST(Amount, RejectsWithAMessageShowingTheFormat) {
  const struct {
    const char* text;
    const char* reason;
  } cases[] = {
      {"1.0000000000001 PHX", "has 13 decimal places but PHX has 12"},
      {"-1 PHX", "negative amounts are not allowed"},
      {"", "empty"},
      {"   ", "empty"},
      {"PHX", "no number before the unit"},
      {"abc", "is not a decimal number"},
      {"1.5.5", "is not a decimal number"},
      {".5", "is not a decimal number"},
      {"1.", "is not a decimal number"},
      {"1,5", "is not a decimal number"},
      {"1e3", "is not a decimal number"},
      {"1.5 units", "base units are whole numbers"},
      {"x units", "is not a whole number"},
      {"340282366920938463463374607431768211456 units", "larger than the largest balance"},
      {"340282366920938463463374607.431768211456 PHX", "larger than the largest balance"},
      {"340282366920938463463374608 PHX", "larger than the largest balance"},
      {"1 DOT", "is not a decimal number"},
  };
  for (const auto& c : cases) {
    Result<Balance> r = ParseAmount(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.reason), std::string::npos)
        << c.text << ": " << r.status().message();
    EXPECT_NE(r.status().message().find("expected an amount like \"1.5 PHX\""), std::string::npos);
  }
}

TEST(Amount, LongerThanMaxAmountCharsRejected) {
  EXPECT_TRUE(ParseAmount(std::string(kMaxAmountChars - 4, '0') + " PHX").ok());
  Result<Balance> r = ParseAmount(std::string(kMaxAmountChars - 3, '0') + " PHX");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("129 characters"), std::string::npos);
  EXPECT_FALSE(ParseU128(std::string(kMaxAmountChars + 1, '0')).ok());
  EXPECT_TRUE(ParseU128(std::string(kMaxAmountChars, '0')).ok());
}

TEST(Amount, FormatsWithoutTrailingZeros) {
  EXPECT_EQ(FormatAmount(0), "0 PHX");
  EXPECT_EQ(FormatAmount(1), "0.000000000001 PHX");
  EXPECT_EQ(FormatAmount(1'500'000'000'000), "1.5 PHX");
  EXPECT_EQ(FormatAmount(kUnitsPerPhx), "1 PHX");
  EXPECT_EQ(FormatAmount(12 * kUnitsPerPhx + 340'000'000'000), "12.34 PHX");
  EXPECT_EQ(FormatAmount(kU128Max), "340282366920938463463374607.431768211455 PHX");
}

TEST(Amount, FormatThenParseRoundTrips) {
  std::mt19937_64 rng(3);
  for (int i = 0; i < 1000; ++i) {
    Balance v = ((Balance{rng()} << 64) | rng()) >> (rng() % 128);
    EXPECT_TRUE(ParseAmount(FormatAmount(v)).value() == v) << FormatAmount(v);
    EXPECT_TRUE(ParseU128(U128ToString(v)).value() == v);
  }
}

TEST(U128, DecimalStrings) {
  EXPECT_EQ(U128ToString(0), "0");
  EXPECT_EQ(U128ToString(kU128Max), "340282366920938463463374607431768211455");
  EXPECT_TRUE(ParseU128("340282366920938463463374607431768211455").value() == kU128Max);
  EXPECT_TRUE(ParseU128("007").value() == 7);
  EXPECT_NE(
      ParseU128("340282366920938463463374607431768211456").status().message().find("overflows"),
      std::string::npos);
  for (const char* bad : {"", "-1", "+1", "1.0", " 1", "0x10", "1e5"}) {
    Result<Balance> r = ParseU128(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("expected decimal digits only"), std::string::npos) << bad;
  }
}

}  // namespace
}  // namespace phalanx::types
