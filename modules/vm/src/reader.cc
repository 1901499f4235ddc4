// LEB128 and UTF-8 decoding for Reader (the rules of the binary format, section 5.2).
#include "reader.h"

namespace phalanx::vm::internal {

Status Reader::Leb(int bits, bool is_signed, uint64_t* out) {
  const size_t start = offset();
  const int max_bytes = (bits + 6) / 7;
  uint64_t result = 0;
  int shift = 0;
  uint8_t byte = 0;
  for (int i = 0; i < max_bytes; ++i) {
    if (pos_ >= size_) return Fail("unexpected end (integer)", start);
    byte = data_[pos_++];
    if (i == max_bytes - 1) {
      if (byte & 0x80) return Fail("integer representation too long", start);
      const int used = bits - 7 * i;  // value bits this last byte may carry
      if (!is_signed) {
        if (used < 7 && (byte >> used) != 0) return Fail("integer too large", start);
      } else if (used < 7) {
        // Bits from the sign bit (used - 1) up to bit 6 must all be equal.
        const uint8_t mask = static_cast<uint8_t>((0x7F >> (used - 1)) << (used - 1)) & 0x7F;
        if ((byte & mask) != 0 && (byte & mask) != mask) return Fail("integer too large", start);
      }
    }
    result |= static_cast<uint64_t>(byte & 0x7F) << shift;
    shift += 7;
    if (!(byte & 0x80)) break;
  }
  if (is_signed && shift < 64 && (byte & 0x40)) result |= ~uint64_t{0} << shift;
  *out = result;
  return Status::Ok();
}

Status Reader::Name(std::string* out) {
  const size_t start = offset();
  uint32_t len;
  RETURN_IF_ERROR(U32(&len));
  ByteView bytes;
  RETURN_IF_ERROR(Take(len, &bytes));
  out->assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (!IsValidUtf8(*out)) return Fail("malformed UTF-8 encoding", start);
  return Status::Ok();
}

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  size_t n = s.size(), i = 0;
  while (i < n) {
    uint8_t c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (int k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) {
      return false;  // overlong
    }
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

}  // namespace phalanx::vm::internal
