// Decoder: reads canonical encodings from untrusted bytes. Every read is bounds-checked and every
// failure is a Status naming the byte offset and what was being read. Length prefixes are checked
// against named limits (limits.h) and against the remaining input before anything is allocated,
// and non-canonical forms (long compact ints, bool/option bytes other than 0/1, unknown tags,
// invalid UTF-8) are rejected so that every value has exactly one encoding.
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
#include "phalanx/base/result.h"
#include "phalanx/codec/limits.h"
#include "phalanx/codec/traits.h"

namespace phalanx::codec {

namespace internal {
template <typename U>
inline U LoadLe(const uint8_t* p) {
  U v;
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(&v, p, sizeof v);
  } else {
    v = 0;
    for (size_t i = 0; i < sizeof v; ++i) v |= static_cast<U>(p[i]) << (8 * i);
  }
  return v;
}
}  // namespace internal

class Decoder {
 public:
  // After a read fails the position is unspecified: report the error, do not keep decoding.
  explicit Decoder(ByteView in) : data_(in.data()), size_(in.size()) {}

  // Byte offset of the next read from the start of the input.
  size_t offset() const { return pos_; }
  size_t remaining() const { return size_ - pos_; }
  bool AtEnd() const { return pos_ == size_; }
  size_t depth() const { return depth_; }
  // Fails if any input is left: a message is exactly one value, nothing may trail it.
  Status ExpectEnd() const {
    if (pos_ == size_) return Status::Ok();
    return TrailingBytes();
  }

  Result<uint8_t> ReadU8() {
    if (remaining() < 1) return Truncated(1, "u8");
    return data_[pos_++];
  }
  Result<uint16_t> ReadU16() { return ReadLe<uint16_t>("u16"); }
  Result<uint32_t> ReadU32() { return ReadLe<uint32_t>("u32"); }
  Result<uint64_t> ReadU64() { return ReadLe<uint64_t>("u64"); }
  Result<U128> ReadU128() { return ReadLe<U128>("u128"); }
  Result<int32_t> ReadI32() {
    ASSIGN_OR_RETURN(uint32_t v, ReadLe<uint32_t>("i32"));
    return static_cast<int32_t>(v);
  }
  Result<int64_t> ReadI64() {
    ASSIGN_OR_RETURN(uint64_t v, ReadLe<uint64_t>("i64"));
    return static_cast<int64_t>(v);
  }
  // Only 0 and 1 are booleans; anything else is a different message that would decode alike.
  Result<bool> ReadBool();

  // SCALE compact unsigned integers; the value must not fit a shorter mode.
  Result<U128> ReadCompactU128();
  Result<uint64_t> ReadCompactU64();
  Result<uint32_t> ReadCompactU32();
  // A compact length prefix, at most `max_len` (else kLimitExceeded). `what` names it in errors.
  Result<size_t> ReadLength(size_t max_len, std::string_view what);

  // `n` bytes with no prefix, as a view into the input (valid as long as the input is).
  Result<ByteView> ReadRaw(size_t n, std::string_view what = "raw bytes") {
    if (remaining() < n) return Truncated(n, what);
    ByteView out(data_ + pos_, n);
    pos_ += n;
    return out;
  }
  template <size_t N>
  Result<FixedBytes<N>> ReadFixed() {
    if (remaining() < N) return Truncated(N, "fixed bytes");
    FixedBytes<N> out;
    std::memcpy(out.data.data(), data_ + pos_, N);
    pos_ += N;
    return out;
  }
  // Compact length then bytes; the length is checked against `max_len` and the input first.
  Result<ByteView> ReadBytesView(size_t max_len = kMaxBytesLength);
  Result<Bytes> ReadBytes(size_t max_len = kMaxBytesLength) {
    ASSIGN_OR_RETURN(ByteView v, ReadBytesView(max_len));
    return Bytes(v.begin(), v.end());
  }
  // Compact byte length then UTF-8 (strict: no overlong forms, surrogates or > U+10FFFF).
  Result<std::string> ReadString(size_t max_bytes = kMaxStringBytes);
  // A u8 tag that must be < `count`; `what` names the enum in errors ("VoteType").
  Result<uint8_t> ReadTag(uint8_t count, std::string_view what);

  template <typename T>
  Result<std::vector<T>> ReadVector(size_t max_len = kMaxVectorLength) {
    const size_t at = pos_;
    ASSIGN_OR_RETURN(size_t n, ReadLength(max_len, "vector"));
    constexpr size_t kMin = MinEncodedBytes<T>();
    if constexpr (kMin > 0) {
      if (n > remaining() / kMin) return LengthBeyondInput(at, n, kMin);
    }
    std::vector<T> out;
    if constexpr (kMin > 0) out.reserve(n);  // bounded by the input size checked above
    for (size_t i = 0; i < n; ++i) {
      Result<T> e = Read<T>();
      if (!e.ok()) return e.status();
      out.push_back(std::move(e).value());
    }
    return out;
  }

  template <typename T>
  Result<std::optional<T>> ReadOptional() {
    const size_t at = pos_;
    ASSIGN_OR_RETURN(uint8_t tag, ReadU8());
    if (tag == 0) return std::optional<T>();
    if (tag != 1) return BadTag(at, tag, 2, "option");
    Result<T> v = Read<T>();
    if (!v.ok()) return v.status();
    return std::optional<T>(std::move(v).value());
  }

  // u8 tag = alternative index (the inverse of Encoder::WriteVariant).
  template <typename V>
  Result<V> ReadVariant() {
    ASSIGN_OR_RETURN(uint8_t tag, ReadTag(std::variant_size_v<V>, "variant"));
    return ReadAlternative<V>(tag);
  }
  // Decodes alternative `index` of variant V (index < variant_size; checked by the caller).
  template <typename V>
  Result<V> ReadAlternative(size_t index) {
    return ReadAlternativeImpl<V>(index, std::make_index_sequence<std::variant_size_v<V>>());
  }

  // Reads any codec-known type; structs provide `static Result<T> Decode(codec::Decoder&)`.
  template <typename T>
  Result<T> Read() {
    if constexpr (std::is_same_v<T, bool>) {
      return ReadBool();
    } else if constexpr (std::is_same_v<T, uint8_t>) {
      return ReadU8();
    } else if constexpr (std::is_same_v<T, uint16_t>) {
      return ReadU16();
    } else if constexpr (std::is_same_v<T, uint32_t>) {
      return ReadU32();
    } else if constexpr (std::is_same_v<T, uint64_t>) {
      return ReadU64();
    } else if constexpr (std::is_same_v<T, U128>) {
      return ReadU128();
    } else if constexpr (std::is_same_v<T, int32_t>) {
      return ReadI32();
    } else if constexpr (std::is_same_v<T, int64_t>) {
      return ReadI64();
    } else if constexpr (IsFixedBytes<T>::value) {
      return ReadFixed<T::size()>();
    } else if constexpr (std::is_same_v<T, Bytes>) {
      return ReadBytes();
    } else if constexpr (std::is_same_v<T, std::string>) {
      return ReadString();
    } else if constexpr (IsVector<T>::value) {
      return ReadVector<typename T::value_type>();
    } else if constexpr (IsOptional<T>::value) {
      return ReadOptional<typename T::value_type>();
    } else if constexpr (IsVariant<T>::value) {
      return ReadVariant<T>();
    } else {
      RETURN_IF_ERROR(Enter());
      Result<T> v = T::Decode(*this);
      Leave();
      return v;
    }
  }
  // Read<T>() into an existing field: `RETURN_IF_ERROR(d.ReadTo(tx.nonce));`.
  template <typename T>
  Status ReadTo(T& out) {
    Result<T> v = Read<T>();
    if (!v.ok()) return v.status();
    out = std::move(v).value();
    return Status::Ok();
  }

  // Nesting depth: only structs can recurse (vectors and options nest to a depth fixed at compile
  // time), so Read<T> counts a level per struct; hand-written recursive decoders do the same.
  Status Enter() {
    if (++depth_ > kMaxDepth) return TooDeep();
    return Status::Ok();
  }
  void Leave() { --depth_; }

  // Errors for decoders built on top: "codec: <message> at offset N" with code kCorruption.
  Status Malformed(size_t at, std::string_view message) const;
  // An unknown tag at `at`: "codec: unknown <what> tag 7 at offset 3 (expected 0..2)".
  Status BadTag(size_t at, uint32_t tag, uint32_t count, std::string_view what) const;

 private:
  template <typename U>
  Result<U> ReadLe(std::string_view what) {
    if (remaining() < sizeof(U)) return Truncated(sizeof(U), what);
    U v = internal::LoadLe<U>(data_ + pos_);
    pos_ += sizeof(U);
    return v;
  }

  template <typename V, size_t... I>
  Result<V> ReadAlternativeImpl(size_t index, std::index_sequence<I...>) {
    using Fn = Result<V> (*)(Decoder&);
    static constexpr Fn kReaders[] = {[](Decoder& d) -> Result<V> {
      using Alt = std::variant_alternative_t<I, V>;
      Result<Alt> alt = d.Read<Alt>();
      if (!alt.ok()) return alt.status();
      return V(std::in_place_index<I>, std::move(alt).value());
    }...};
    return kReaders[index](*this);
  }

  // Cold paths, out of line so the inline reads stay small.
  Status Truncated(size_t need, std::string_view what) const;
  Status TrailingBytes() const;
  Status TooDeep() const;
  Status LengthBeyondInput(size_t at, size_t n, size_t min_element_bytes) const;

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  size_t depth_ = 0;
};

}  // namespace phalanx::codec
