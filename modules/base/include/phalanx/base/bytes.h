// Byte buffers, fixed-size byte arrays and hex conversion.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "phalanx/base/result.h"

namespace phalanx {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

// A fixed-size byte array (hashes, keys, signatures) with value semantics and ordering.
template <size_t N>
struct FixedBytes {
  std::array<uint8_t, N> data{};

  static constexpr size_t size() { return N; }
  uint8_t* begin() { return data.data(); }
  uint8_t* end() { return data.data() + N; }
  const uint8_t* begin() const { return data.data(); }
  const uint8_t* end() const { return data.data() + N; }
  uint8_t& operator[](size_t i) { return data[i]; }
  const uint8_t& operator[](size_t i) const { return data[i]; }
  ByteView view() const { return ByteView(data.data(), N); }
  bool IsZero() const {
    for (uint8_t b : data)
      if (b) return false;
    return true;
  }
  static FixedBytes FromView(ByteView v) {  // v.size() must equal N
    FixedBytes out;
    std::memcpy(out.data.data(), v.data(), N);
    return out;
  }
  auto operator<=>(const FixedBytes&) const = default;
  bool operator==(const FixedBytes&) const = default;
};

using Hash32 = FixedBytes<32>;

std::string ToHex(ByteView bytes);
template <size_t N>
std::string ToHex(const FixedBytes<N>& b) {
  return ToHex(b.view());
}
// "0x"-prefixed lowercase hex.
std::string ToHex0x(ByteView bytes);
template <size_t N>
std::string ToHex0x(const FixedBytes<N>& b) {
  return ToHex0x(b.view());
}
// Accepts an optional "0x" prefix and either case; rejects odd length and non-hex characters.
Result<Bytes> FromHex(std::string_view hex);
template <size_t N>
Result<FixedBytes<N>> FixedFromHex(std::string_view hex) {
  auto bytes = FromHex(hex);
  if (!bytes.ok()) return bytes.status();
  if (bytes->size() != N)
    return InvalidArgument("expected " + std::to_string(N) + " bytes of hex, got " +
                           std::to_string(bytes->size()));
  return FixedBytes<N>::FromView(*bytes);
}

inline ByteView AsBytes(std::string_view s) {
  return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

struct FixedBytesHash {
  template <size_t N>
  size_t operator()(const FixedBytes<N>& b) const {
    size_t h;
    static_assert(N >= sizeof(size_t));
    std::memcpy(&h, b.data.data(), sizeof h);
    return h;
  }
};

}  // namespace phalanx
