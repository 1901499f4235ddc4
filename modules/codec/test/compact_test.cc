// Specification of the SCALE compact integer encoding: known vectors, round trips and the
// rejection of every non-canonical form.
#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "phalanx/codec/codec.h"

namespace phalanx::codec {
namespace {

Bytes EncodeCompact(U128 v) {
  Encoder e;
  e.WriteCompact(v);
  return e.Take();
}

Result<U128> DecodeCompact(std::string_view hex) {
  Bytes b = FromHex(hex).value();
  Decoder d(b);
  ASSIGN_OR_RETURN(U128 v, d.ReadCompactU128());
  RETURN_IF_ERROR(d.ExpectEnd());
  return v;
}

constexpr U128 kU128Max = ~U128{0};

TEST(Compact, KnownScaleEncodings) {
  const struct {
    U128 value;
    const char* hex;
  } cases[] = {
      {0, "00"},
      {1, "04"},
      {42, "a8"},
      {63, "fc"},
      {64, "0101"},
      {69, "1501"},
      {16383, "fdff"},
      {16384, "02000100"},
      {1073741823, "feffffff"},
      {1073741824, "0300000040"},
      {(U128{1} << 32) - 1, "03ffffffff"},
      {U128{1} << 32, "070000000001"},
      {std::numeric_limits<uint64_t>::max(), "13ffffffffffffffff"},
      {kU128Max, "33ffffffffffffffffffffffffffffffff"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(ToHex(EncodeCompact(c.value)), c.hex);
    Result<U128> back = DecodeCompact(c.hex);
    ASSERT_TRUE(back.ok()) << c.hex << ": " << back.status().ToString();
    EXPECT_TRUE(*back == c.value) << c.hex;
  }
}

TEST(Compact, RoundTripsRandomValuesOfEveryWidth) {
  std::mt19937_64 rng(20240601);
  for (int bits = 0; bits <= 128; ++bits) {
    for (int i = 0; i < 50; ++i) {
      U128 v = (U128{rng()} << 64) | rng();
      if (bits < 128) v &= (U128{1} << bits) - 1;
      Bytes enc = EncodeCompact(v);
      Decoder d(enc);
      Result<U128> back = d.ReadCompactU128();
      ASSERT_TRUE(back.ok()) << back.status().ToString();
      EXPECT_TRUE(*back == v);
      EXPECT_TRUE(d.AtEnd());
    }
  }
}

TEST(Compact, RejectsValueThatFitsAShorterMode) {
  for (const char* hex : {
           "0100",        // 0 in two-byte mode
           "fd00",        // 63 in two-byte mode
           "02000000",    // 0 in four-byte mode
           "feff0000",    // 16383 in four-byte mode
           "03ffffff3f",  // 2^30 - 1 in big-integer mode
           "0300000001",  // 2^24 in big-integer mode (top byte non-zero but still < 2^30)
       }) {
    Result<U128> r = DecodeCompact(hex);
    ASSERT_FALSE(r.ok()) << hex;
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
    EXPECT_NE(r.status().message().find("non-canonical compact integer"), std::string::npos)
        << r.status().message();
  }
}

TEST(Compact, RejectsBigModeWithZeroTopByte) {
  Result<U128> r = DecodeCompact("070000004000");  // 2^30 in 5 bytes
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "codec: non-canonical compact integer 1073741824 (5-byte big-integer mode has a zero "
            "top byte) at offset 0");
}

TEST(Compact, RejectsMoreThanSixteenBytes) {
  Result<U128> r = DecodeCompact("37" + std::string(34, 'f'));  // 17-byte mode
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "codec: compact integer of 17 bytes does not fit in u128 at offset 0");
}

TEST(Compact, NarrowReadsRejectOverflow) {
  Bytes above_u64 = EncodeCompact(U128{1} << 64);
  Decoder d64(above_u64);
  EXPECT_FALSE(d64.ReadCompactU64().ok());

  Bytes u64_max = EncodeCompact(std::numeric_limits<uint64_t>::max());
  Decoder ok64(u64_max);
  EXPECT_EQ(ok64.ReadCompactU64().value(), std::numeric_limits<uint64_t>::max());

  Bytes above_u32 = EncodeCompact(U128{1} << 32);
  Decoder d32(above_u32);
  Result<uint32_t> r = d32.ReadCompactU32();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "codec: compact integer 4294967296 does not fit in u32 at offset 0");
}

TEST(Compact, TruncatedInEveryMode) {
  for (const char* hex : {"", "01", "020000", "0300", "33ffff"}) {
    Result<U128> r = DecodeCompact(hex);
    ASSERT_FALSE(r.ok()) << hex;
    EXPECT_NE(r.status().message().find("truncated input at offset 0 reading compact integer"),
              std::string::npos)
        << r.status().message();
  }
}

}  // namespace
}  // namespace phalanx::codec
