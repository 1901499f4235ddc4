// Specification of the codec: exact byte layouts, round trips of every kind over random values,
// rejection of non-canonical input, one test per named limit, and truncation at every offset.
#include "phalanx/codec/codec.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>

namespace phalanx::codec {
namespace {

// A struct exercising every kind the codec supports.
struct Sample {
  uint8_t a = 0;
  uint16_t b = 0;
  uint32_t c = 0;
  uint64_t d = 0;
  U128 e = 0;
  int32_t f = 0;
  int64_t g = 0;
  bool h = false;
  U128 compact = 0;
  Bytes bytes;
  std::string text;
  std::vector<uint32_t> list;
  std::optional<Hash32> maybe;
  std::variant<uint64_t, std::string> choice;
  FixedBytes<4> fixed;

  void Encode(Encoder& enc) const {
    enc.Write(a);
    enc.Write(b);
    enc.Write(c);
    enc.Write(d);
    enc.Write(e);
    enc.Write(f);
    enc.Write(g);
    enc.Write(h);
    enc.WriteCompact(compact);
    enc.Write(bytes);
    enc.Write(text);
    enc.Write(list);
    enc.Write(maybe);
    enc.Write(choice);
    enc.Write(fixed);
  }
  static Result<Sample> Decode(Decoder& dec) {
    Sample s;
    RETURN_IF_ERROR(dec.ReadTo(s.a));
    RETURN_IF_ERROR(dec.ReadTo(s.b));
    RETURN_IF_ERROR(dec.ReadTo(s.c));
    RETURN_IF_ERROR(dec.ReadTo(s.d));
    RETURN_IF_ERROR(dec.ReadTo(s.e));
    RETURN_IF_ERROR(dec.ReadTo(s.f));
    RETURN_IF_ERROR(dec.ReadTo(s.g));
    RETURN_IF_ERROR(dec.ReadTo(s.h));
    ASSIGN_OR_RETURN(s.compact, dec.ReadCompactU128());
    RETURN_IF_ERROR(dec.ReadTo(s.bytes));
    RETURN_IF_ERROR(dec.ReadTo(s.text));
    RETURN_IF_ERROR(dec.ReadTo(s.list));
    RETURN_IF_ERROR(dec.ReadTo(s.maybe));
    RETURN_IF_ERROR(dec.ReadTo(s.choice));
    RETURN_IF_ERROR(dec.ReadTo(s.fixed));
    return s;
  }
  bool operator==(const Sample&) const = default;
};

// A recursive structure: the only way input can control nesting depth.
struct Tree {
  std::vector<Tree> children;
  void Encode(Encoder& e) const { e.Write(children); }
  static Result<Tree> Decode(Decoder& d) {
    Tree t;
    RETURN_IF_ERROR(d.ReadTo(t.children));
    return t;
  }
};

void AppendUtf8(std::string& s, uint32_t cp) {
  if (cp < 0x80) {
    s += static_cast<char>(cp);
  } else if (cp < 0x800) {
    s += static_cast<char>(0xC0 | cp >> 6);
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    s += static_cast<char>(0xE0 | cp >> 12);
    s += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | cp >> 18);
    s += static_cast<char>(0x80 | (cp >> 12 & 0x3F));
    s += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

Sample RandomSample(std::mt19937_64& rng) {
  auto u128 = [&] { return (U128{rng()} << 64) | rng(); };
  Sample s;
  s.a = static_cast<uint8_t>(rng());
  s.b = static_cast<uint16_t>(rng());
  s.c = static_cast<uint32_t>(rng());
  s.d = rng();
  s.e = u128();
  s.f = static_cast<int32_t>(rng());
  s.g = static_cast<int64_t>(rng());
  s.h = rng() & 1;
  s.compact = u128() >> (rng() % 128);
  s.bytes.resize(rng() % 300);
  for (auto& x : s.bytes) x = static_cast<uint8_t>(rng());
  for (size_t i = 0, n = rng() % 40; i < n; ++i) {
    uint32_t cp;
    do {
      cp = static_cast<uint32_t>(rng() % 0x110000);
    } while (cp >= 0xD800 && cp <= 0xDFFF);
    AppendUtf8(s.text, cp);
  }
  s.list.resize(rng() % 100);
  for (auto& x : s.list) x = static_cast<uint32_t>(rng() >> (rng() % 32));
  if (rng() & 1) {
    Hash32 h;
    for (auto& x : h) x = static_cast<uint8_t>(rng());
    s.maybe = h;
  }
  if (rng() & 1) {
    s.choice = rng();
  } else {
    s.choice = std::string(rng() % 10, 'x');
  }
  for (auto& x : s.fixed) x = static_cast<uint8_t>(rng());
  return s;
}

Bytes Hex(std::string_view hex) { return FromHex(hex).value(); }

TEST(Codec, FixedWidthIntegersAreLittleEndian) {
  Encoder e;
  e.WriteU8(0x01);
  e.WriteU16(0x0302);
  e.WriteU32(0x07060504);
  e.WriteU64(0x0f0e0d0c0b0a0908);
  e.WriteI32(-1);
  e.WriteI64(-2);
  e.WriteBool(true);
  e.WriteBool(false);
  EXPECT_EQ(ToHex(e.bytes()),
            "01"
            "0203"
            "04050607"
            "08090a0b0c0d0e0f"
            "ffffffff"
            "feffffffffffffff"
            "0100");
  Encoder e128;
  e128.WriteU128((U128{0x0102030405060708} << 64) | 0x090a0b0c0d0e0f10);
  EXPECT_EQ(ToHex(e128.bytes()), "100f0e0d0c0b0a090807060504030201");
}

TEST(Codec, ContainersHaveCompactPrefixesAndTags) {
  EXPECT_EQ(ToHex(EncodeToBytes(Bytes{0xaa, 0xbb})), "08aabb");
  EXPECT_EQ(ToHex(EncodeToBytes(std::string("hi"))), "086869");
  EXPECT_EQ(ToHex(EncodeToBytes(std::vector<uint16_t>{1, 2})), "0801000200");
  EXPECT_EQ(ToHex(EncodeToBytes(std::optional<uint8_t>())), "00");
  EXPECT_EQ(ToHex(EncodeToBytes(std::optional<uint8_t>(7))), "0107");
  EXPECT_EQ(ToHex(EncodeToBytes(std::variant<uint8_t, uint16_t>(uint16_t{5}))), "010500");
  EXPECT_EQ(ToHex(EncodeToBytes(FixedBytes<3>{{1, 2, 3}})), "010203");
}

TEST(Codec, RandomSamplesRoundTripAndReencodeIdentically) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) {
    Sample s = RandomSample(rng);
    Bytes enc = EncodeToBytes(s);
    Result<Sample> back = DecodeAll<Sample>(enc);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_TRUE(*back == s) << "sample " << i;
    EXPECT_EQ(EncodeToBytes(*back), enc);
  }
}

TEST(Codec, EncoderReusesBufferCapacity) {
  Bytes buf;
  buf.reserve(1024);
  const uint8_t* data = buf.data();
  Encoder e(std::move(buf));
  e.WriteU64(1);
  EXPECT_EQ(e.size(), 8u);
  Bytes out = e.Take();
  EXPECT_EQ(out.data(), data);
  EXPECT_EQ(e.size(), 0u);
}

TEST(Codec, TruncationAtEveryOffsetFailsWithItsOffset) {
  std::mt19937_64 rng(11);
  for (int i = 0; i < 20; ++i) {
    Bytes enc = EncodeToBytes(RandomSample(rng));
    for (size_t len = 0; len < enc.size(); ++len) {
      Result<Sample> r = DecodeAll<Sample>(ByteView(enc.data(), len));
      ASSERT_FALSE(r.ok()) << "prefix of " << len << " bytes decoded";
      EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
      EXPECT_NE(r.status().message().find(" at offset "), std::string::npos);
    }
  }
}

TEST(Codec, TruncationMessageNamesOffsetAndType) {
  Bytes in(20, 0);
  Decoder d(in);
  ASSERT_TRUE(d.ReadRaw(17).ok());
  Result<uint64_t> r = d.ReadU64();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "codec: truncated input at offset 17 reading u64 (need 8 bytes, 3 left)");
}

TEST(Codec, RejectsTrailingBytes) {
  Result<uint32_t> r = DecodeAll<uint32_t>(Hex("0100000000"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "codec: 1 trailing bytes at offset 4 after the end of the value");
  EXPECT_TRUE(DecodeAll<uint32_t>(Hex("01000000")).ok());
}

TEST(Codec, RejectsBoolOtherThanZeroOrOne) {
  EXPECT_EQ(DecodeAll<bool>(Hex("00")).value(), false);
  EXPECT_EQ(DecodeAll<bool>(Hex("01")).value(), true);
  Result<bool> r = DecodeAll<bool>(Hex("02"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "codec: invalid bool byte 2 (expected 0 or 1) at offset 0");
}

TEST(Codec, RejectsOptionTagOtherThanZeroOrOne) {
  Result<std::optional<uint8_t>> r = DecodeAll<std::optional<uint8_t>>(Hex("0207"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "codec: unknown option tag 2 at offset 0 (expected 0..1)");
}

TEST(Codec, RejectsUnknownVariantTag) {
  using V = std::variant<uint8_t, uint16_t>;
  EXPECT_FALSE(DecodeAll<V>(Hex("0107")).ok());  // tag 1 needs two bytes
  EXPECT_TRUE(DecodeAll<V>(Hex("010700")).ok());
  Result<V> r = DecodeAll<V>(Hex("0207"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "codec: unknown variant tag 2 at offset 0 (expected 0..1)");
}

TEST(Codec, RejectsNonCanonicalLengthPrefix) {
  Result<Bytes> r = DecodeAll<Bytes>(Hex("0100"));  // empty byte string with a 2-byte length
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("non-canonical"), std::string::npos);
}

TEST(Codec, RejectsInvalidUtf8) {
  const char* bad[] = {
      "0480",        // lone continuation byte
      "08c080",      // overlong NUL
      "08c1bf",      // overlong
      "0ce080af",    // overlong three-byte
      "0ceda080",    // surrogate U+D800
      "10f4908080",  // U+110000
      "10f0808080",  // overlong four-byte
      "04ff",        // never valid
      "08e282",      // truncated sequence inside the string
      "0c61e228",    // bad continuation
  };
  for (const char* hex : bad) {
    Result<std::string> r = DecodeAll<std::string>(Hex(hex));
    ASSERT_FALSE(r.ok()) << hex;
    EXPECT_NE(r.status().message().find("invalid UTF-8"), std::string::npos) << hex;
  }
  Result<std::string> ok =
      DecodeAll<std::string>(Hex("1c"
                                 "e282ac"
                                 "f09f9880"));  // "€😀"
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(*ok, "\xe2\x82\xac\xf0\x9f\x98\x80");
}

TEST(Utf8, ReportsOffsetOfFirstBadSequence) {
  size_t bad = 99;
  EXPECT_FALSE(IsValidUtf8("ab\xed\xa0\x80", &bad));
  EXPECT_EQ(bad, 2u);
  EXPECT_TRUE(IsValidUtf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF
  EXPECT_TRUE(IsValidUtf8("\xed\x9f\xbf"));      // U+D7FF
  EXPECT_TRUE(IsValidUtf8(""));
}

TEST(Utf8, SanitizeReplacesBadBytesAndCutsAtACharacterBoundary) {
  EXPECT_EQ(SanitizeUtf8("ok", 10), "ok");
  EXPECT_EQ(SanitizeUtf8("a\xff"
                         "b\xed\xa0\x80",
                         10),
            "a?b???");
  EXPECT_EQ(SanitizeUtf8("ab\xe2\x82\xac", 4), "ab");  // the euro sign does not fit whole
  EXPECT_EQ(SanitizeUtf8("ab\xe2\x82\xac", 5), "ab\xe2\x82\xac");
  EXPECT_TRUE(IsValidUtf8(SanitizeUtf8("\xc0\x80\xf4\x90\x80\x80", 100)));
}

// Length prefixes above a limit are rejected from the prefix alone: no payload follows, so a
// decoder that allocated first or read on would fail differently (or run out of memory).
Bytes CompactBytes(U128 v) {
  Encoder e;
  e.WriteCompact(v);
  return e.Take();
}

TEST(CodecLimits, VectorLongerThanMaxVectorLength) {
  Result<std::vector<uint8_t>> ok_len =
      Decoder(CompactBytes(kMaxVectorLength)).ReadVector<uint8_t>();
  EXPECT_EQ(ok_len.status().code(), StatusCode::kCorruption);  // within limit, but no data
  Bytes prefix = CompactBytes(kMaxVectorLength + 1);
  Decoder d(prefix);
  Result<std::vector<uint64_t>> r = d.ReadVector<uint64_t>();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kLimitExceeded);
  EXPECT_EQ(r.status().message(), "codec: vector length 1048577 at offset 0 exceeds the limit of " +
                                      std::to_string(kMaxVectorLength));
}

TEST(CodecLimits, BytesLongerThanMaxBytesLength) {
  Bytes at_limit = CompactBytes(kMaxBytesLength);
  EXPECT_EQ(Decoder(at_limit).ReadBytes().status().code(), StatusCode::kCorruption);
  Bytes prefix = CompactBytes(kMaxBytesLength + 1);
  Result<Bytes> r = Decoder(prefix).ReadBytes();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kLimitExceeded);
  EXPECT_NE(r.status().message().find("byte string length 16777217"), std::string::npos);
}

TEST(CodecLimits, StringLongerThanMaxStringBytes) {
  Bytes ok = CompactBytes(kMaxStringBytes);
  ok.resize(ok.size() + kMaxStringBytes, 'a');
  EXPECT_TRUE(DecodeAll<std::string>(ok).ok());
  Bytes prefix = CompactBytes(kMaxStringBytes + 1);
  prefix.resize(prefix.size() + kMaxStringBytes + 1, 'a');
  Result<std::string> r = DecodeAll<std::string>(prefix);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kLimitExceeded);
}

TEST(CodecLimits, NestingDeeperThanMaxDepth) {
  auto nested = [](size_t depth) {
    Tree t;
    for (size_t i = 1; i < depth; ++i) {
      Tree parent;
      parent.children.push_back(std::move(t));
      t = std::move(parent);
    }
    return EncodeToBytes(t);
  };
  EXPECT_TRUE(DecodeAll<Tree>(nested(kMaxDepth)).ok());
  Result<Tree> r = DecodeAll<Tree>(nested(kMaxDepth + 1));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kLimitExceeded);
  EXPECT_NE(r.status().message().find("kMaxDepth"), std::string::npos);
}

TEST(CodecLimits, PerCallLimitOverridesDefault) {
  Bytes three = Hex("0c010203");
  EXPECT_TRUE(Decoder(three).ReadBytes(3).ok());
  EXPECT_EQ(Decoder(three).ReadBytes(2).status().code(), StatusCode::kLimitExceeded);
  EXPECT_EQ(Decoder(three).ReadVector<uint8_t>(2).status().code(), StatusCode::kLimitExceeded);
  EXPECT_EQ(Decoder(three).ReadString(2).status().code(), StatusCode::kLimitExceeded);
}

TEST(CodecLimits, LengthBeyondRemainingInputRejectedBeforeAllocating) {
  // 1000 u64 elements need 8000 bytes; 16 remain.
  Bytes in = CompactBytes(1000);
  in.resize(in.size() + 16);
  Result<std::vector<uint64_t>> r = Decoder(in).ReadVector<uint64_t>();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "codec: length prefix 1000 at offset 0 needs at least 8 byte(s) per element but only "
            "16 bytes remain");
  Bytes bytes = Hex("1001");  // 4 bytes announced, 1 present
  EXPECT_EQ(Decoder(bytes).ReadBytes().status().message(),
            "codec: length prefix 4 at offset 0 needs at least 1 byte(s) per element but only 1 "
            "bytes remain");
}

TEST(Codec, ReadTagRejectsOutOfRangeWithName) {
  Bytes in = Hex("05");
  Result<uint8_t> r = Decoder(in).ReadTag(3, "VoteType");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "codec: unknown VoteType tag 5 at offset 0 (expected 0..2)");
}

}  // namespace
}  // namespace phalanx::codec
