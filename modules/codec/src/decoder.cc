// Out-of-line parts of the Decoder: compact integers, strings, and every error message.
#include "phalanx/codec/decoder.h"

#include <limits>
#include <string>

#include "phalanx/codec/utf8.h"

namespace phalanx::codec {
namespace {

std::string U128ToDecimal(U128 v) {
  if (v == 0) return "0";
  std::string s;
  while (v != 0) {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  }
  return s;
}

std::string At(size_t offset) { return " at offset " + std::to_string(offset); }

}  // namespace

Result<bool> Decoder::ReadBool() {
  if (remaining() < 1) return Truncated(1, "bool");
  const uint8_t b = data_[pos_];
  if (b > 1)
    return Malformed(pos_, "invalid bool byte " + std::to_string(b) + " (expected 0 or 1)");
  ++pos_;
  return b == 1;
}

Result<U128> Decoder::ReadCompactU128() {
  const size_t at = pos_;
  if (remaining() < 1) return Truncated(1, "compact integer");
  const uint8_t b0 = data_[pos_];
  U128 v;
  size_t len;
  U128 min_for_mode;  // smallest value that needs this mode; anything below is non-canonical
  switch (b0 & 3) {
    case 0:
      ++pos_;
      return U128{static_cast<uint8_t>(b0 >> 2)};
    case 1:
      len = 2;
      if (remaining() < len) return Truncated(len, "compact integer");
      v = internal::LoadLe<uint16_t>(data_ + pos_) >> 2;
      min_for_mode = U128{1} << 6;
      break;
    case 2:
      len = 4;
      if (remaining() < len) return Truncated(len, "compact integer");
      v = internal::LoadLe<uint32_t>(data_ + pos_) >> 2;
      min_for_mode = U128{1} << 14;
      break;
    default: {
      const size_t n = (b0 >> 2) + 4;
      if (n > 16) {
        return Malformed(at,
                         "compact integer of " + std::to_string(n) + " bytes does not fit in u128");
      }
      len = 1 + n;
      if (remaining() < len) return Truncated(len, "compact integer");
      v = 0;
      for (size_t i = 0; i < n; ++i) v |= U128{data_[pos_ + 1 + i]} << (8 * i);
      if (data_[pos_ + n] == 0) {
        return Malformed(at, "non-canonical compact integer " + U128ToDecimal(v) + " (" +
                                 std::to_string(n) + "-byte big-integer mode has a zero top byte)");
      }
      min_for_mode = U128{1} << 30;
      break;
    }
  }
  if (v < min_for_mode) {
    return Malformed(
        at, "non-canonical compact integer " + U128ToDecimal(v) + " (it fits a shorter encoding)");
  }
  pos_ += len;
  return v;
}

Result<uint64_t> Decoder::ReadCompactU64() {
  const size_t at = pos_;
  ASSIGN_OR_RETURN(U128 v, ReadCompactU128());
  if (v > std::numeric_limits<uint64_t>::max())
    return Malformed(at, "compact integer " + U128ToDecimal(v) + " does not fit in u64");
  return static_cast<uint64_t>(v);
}

Result<uint32_t> Decoder::ReadCompactU32() {
  const size_t at = pos_;
  ASSIGN_OR_RETURN(U128 v, ReadCompactU128());
  if (v > std::numeric_limits<uint32_t>::max())
    return Malformed(at, "compact integer " + U128ToDecimal(v) + " does not fit in u32");
  return static_cast<uint32_t>(v);
}

Result<size_t> Decoder::ReadLength(size_t max_len, std::string_view what) {
  const size_t at = pos_;
  ASSIGN_OR_RETURN(uint64_t n, ReadCompactU64());
  if (n > max_len) {
    return LimitExceeded("codec: " + std::string(what) + " length " + std::to_string(n) + At(at) +
                         " exceeds the limit of " + std::to_string(max_len));
  }
  return static_cast<size_t>(n);
}

Result<ByteView> Decoder::ReadBytesView(size_t max_len) {
  const size_t at = pos_;
  ASSIGN_OR_RETURN(size_t n, ReadLength(max_len, "byte string"));
  if (n > remaining()) return LengthBeyondInput(at, n, 1);
  ByteView out(data_ + pos_, n);
  pos_ += n;
  return out;
}

Result<std::string> Decoder::ReadString(size_t max_bytes) {
  const size_t at = pos_;
  ASSIGN_OR_RETURN(size_t n, ReadLength(max_bytes, "string"));
  if (n > remaining()) return LengthBeyondInput(at, n, 1);
  std::string_view s(reinterpret_cast<const char*>(data_ + pos_), n);
  size_t bad = 0;
  if (!IsValidUtf8(s, &bad)) return Malformed(pos_ + bad, "invalid UTF-8 in string");
  pos_ += n;
  return std::string(s);
}

Result<uint8_t> Decoder::ReadTag(uint8_t count, std::string_view what) {
  if (remaining() < 1) return Truncated(1, std::string(what) + " tag");
  const uint8_t tag = data_[pos_];
  if (tag >= count) return BadTag(pos_, tag, count, what);
  ++pos_;
  return tag;
}

Status Decoder::Malformed(size_t at, std::string_view message) const {
  return Corruption("codec: " + std::string(message) + At(at));
}

Status Decoder::BadTag(size_t at, uint32_t tag, uint32_t count, std::string_view what) const {
  return Corruption("codec: unknown " + std::string(what) + " tag " + std::to_string(tag) + At(at) +
                    " (expected 0.." + std::to_string(count - 1) + ")");
}

Status Decoder::Truncated(size_t need, std::string_view what) const {
  return Corruption("codec: truncated input" + At(pos_) + " reading " + std::string(what) +
                    " (need " + std::to_string(need) + " bytes, " + std::to_string(remaining()) +
                    " left)");
}

Status Decoder::TrailingBytes() const {
  return Corruption("codec: " + std::to_string(remaining()) + " trailing bytes" + At(pos_) +
                    " after the end of the value");
}

Status Decoder::TooDeep() const {
  return LimitExceeded("codec: structures nested deeper than kMaxDepth (" +
                       std::to_string(kMaxDepth) + ")" + At(pos_));
}

Status Decoder::LengthBeyondInput(size_t at, size_t n, size_t min_element_bytes) const {
  return Corruption("codec: length prefix " + std::to_string(n) + At(at) + " needs at least " +
                    std::to_string(min_element_bytes) + " byte(s) per element but only " +
                    std::to_string(remaining()) + " bytes remain");
}

}  // namespace phalanx::codec
