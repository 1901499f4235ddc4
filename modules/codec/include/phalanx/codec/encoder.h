// Encoder: appends the canonical encoding of values to a byte buffer. This is on the hot path
// (every transaction is encoded to be hashed and signed), so everything small is inline and the
// buffer can be reserved up front or reused across messages.
#pragma once

#include <bit>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "phalanx/base/bytes.h"
#include "phalanx/base/check.h"
#include "phalanx/codec/traits.h"

namespace phalanx::codec {

namespace internal {
template <typename U>
inline void StoreLe(uint8_t* p, U v) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(p, &v, sizeof v);
  } else {
    for (size_t i = 0; i < sizeof v; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
  }
}
}  // namespace internal

class Encoder {
 public:
  Encoder() = default;
  explicit Encoder(size_t reserve_bytes) { out_.reserve(reserve_bytes); }
  // Reuses `buffer`'s capacity (its contents are discarded), avoiding an allocation per message.
  explicit Encoder(Bytes buffer) : out_(std::move(buffer)) { out_.clear(); }

  void Reserve(size_t total_bytes) { out_.reserve(total_bytes); }
  size_t size() const { return out_.size(); }
  const Bytes& bytes() const { return out_; }
  ByteView view() const { return ByteView(out_.data(), out_.size()); }
  // Moves the encoded bytes out; the encoder is empty afterwards.
  Bytes Take() { return std::exchange(out_, Bytes{}); }
  void Clear() { out_.clear(); }

  void WriteU8(uint8_t v) { out_.push_back(v); }
  void WriteU16(uint16_t v) { WriteLe(v); }
  void WriteU32(uint32_t v) { WriteLe(v); }
  void WriteU64(uint64_t v) { WriteLe(v); }
  void WriteU128(U128 v) { WriteLe(v); }
  void WriteI32(int32_t v) { WriteLe(static_cast<uint32_t>(v)); }
  void WriteI64(int64_t v) { WriteLe(static_cast<uint64_t>(v)); }
  void WriteBool(bool v) { out_.push_back(v ? 1 : 0); }

  // SCALE compact unsigned integer: the shortest of the 1-, 2-, 4-byte and big-integer modes.
  void WriteCompact(U128 v) {
    if (v < (U128{1} << 6)) {
      WriteU8(static_cast<uint8_t>(v << 2));
    } else if (v < (U128{1} << 14)) {
      WriteU16(static_cast<uint16_t>((v << 2) | 1));
    } else if (v < (U128{1} << 30)) {
      WriteU32(static_cast<uint32_t>((v << 2) | 2));
    } else {
      WriteCompactBig(v);
    }
  }

  // Bytes with no length prefix (fixed-size fields).
  void WriteRaw(ByteView bytes) {
    if (!bytes.empty()) out_.insert(out_.end(), bytes.begin(), bytes.end());
  }
  template <size_t N>
  void WriteFixed(const FixedBytes<N>& b) {
    WriteRaw(b.view());
  }
  // Compact length, then the bytes.
  void WriteBytes(ByteView bytes) {
    WriteCompact(bytes.size());
    WriteRaw(bytes);
  }
  // Compact byte length, then UTF-8 bytes. Encoding invalid UTF-8 is a programmer error the
  // decoder would reject, so callers must validate strings from outside.
  void WriteString(std::string_view s) { WriteBytes(AsBytes(s)); }

  template <typename T>
  void WriteVector(const std::vector<T>& v) {
    WriteCompact(v.size());
    for (const T& e : v) Write(e);
  }
  template <typename T>
  void WriteOptional(const std::optional<T>& v) {
    WriteU8(v.has_value() ? 1 : 0);
    if (v.has_value()) Write(*v);
  }
  // u8 tag = alternative index, then the alternative.
  template <typename... Ts>
  void WriteVariant(const std::variant<Ts...>& v) {
    static_assert(sizeof...(Ts) <= 256, "a variant tag is one byte");
    WriteU8(static_cast<uint8_t>(v.index()));
    std::visit([this](const auto& alt) { Write(alt); }, v);
  }

  // Writes any codec-known type; structs provide `void Encode(codec::Encoder&) const`.
  template <typename T>
  void Write(const T& v) {
    if constexpr (std::is_same_v<T, bool>) {
      WriteBool(v);
    } else if constexpr (std::is_same_v<T, int32_t>) {
      WriteI32(v);
    } else if constexpr (std::is_same_v<T, int64_t>) {
      WriteI64(v);
    } else if constexpr (kIsFixedInt<T>) {
      WriteLe(v);
    } else if constexpr (IsFixedBytes<T>::value) {
      WriteFixed(v);
    } else if constexpr (std::is_same_v<T, Bytes>) {
      WriteBytes(v);
    } else if constexpr (std::is_same_v<T, std::string>) {
      WriteString(v);
    } else if constexpr (IsVector<T>::value) {
      WriteVector(v);
    } else if constexpr (IsOptional<T>::value) {
      WriteOptional(v);
    } else if constexpr (IsVariant<T>::value) {
      WriteVariant(v);
    } else {
      v.Encode(*this);
    }
  }

 private:
  template <typename U>
  void WriteLe(U v) {
    const size_t at = out_.size();
    out_.resize(at + sizeof(U));
    internal::StoreLe(out_.data() + at, v);
  }
  void WriteCompactBig(U128 v);

  Bytes out_;
};

}  // namespace phalanx::codec
