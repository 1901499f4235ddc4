// A cursor over untrusted module bytes: LEB128 integers with the spec's exact length and
// unused-bit rules, IEEE bit patterns, names (UTF-8 checked). Every failure is a kMalformed
// error that carries the absolute byte offset.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "phalanx/base/bytes.h"
#include "phalanx/base/status.h"
#include "phalanx/vm/types.h"

namespace phalanx::vm::internal {

class Reader {
 public:
  // `base` is the absolute offset of bytes[0] in the module (for error offsets).
  Reader(ByteView bytes, size_t base) : data_(bytes.data()), size_(bytes.size()), base_(base) {}

  size_t offset() const { return base_ + pos_; }  // absolute
  size_t pos() const { return pos_; }
  size_t remaining() const { return size_ - pos_; }
  bool eof() const { return pos_ >= size_; }

  Status Fail(std::string_view reason) const { return Fail(reason, offset()); }
  static Status Fail(std::string_view reason, size_t at) {
    return ErrorStatus(Error::kMalformed, at, reason);
  }

  Status U8(uint8_t* out) {
    *out = 0;  // defined even on failure
    if (pos_ >= size_) return Fail("unexpected end");
    *out = data_[pos_++];
    return Status::Ok();
  }
  Status U32(uint32_t* out) {
    *out = 0;  // defined even on failure
    uint64_t v = 0;
    RETURN_IF_ERROR(Leb(32, false, &v));
    *out = static_cast<uint32_t>(v);
    return Status::Ok();
  }
  Status S32(int32_t* out) {
    *out = 0;  // defined even on failure
    uint64_t v = 0;
    RETURN_IF_ERROR(Leb(32, true, &v));
    *out = static_cast<int32_t>(v);
    return Status::Ok();
  }
  Status S33(int64_t* out) {
    *out = 0;  // defined even on failure
    uint64_t v = 0;
    RETURN_IF_ERROR(Leb(33, true, &v));
    *out = static_cast<int64_t>(v);
    return Status::Ok();
  }
  Status S64(int64_t* out) {
    *out = 0;  // defined even on failure
    uint64_t v = 0;
    RETURN_IF_ERROR(Leb(64, true, &v));
    *out = static_cast<int64_t>(v);
    return Status::Ok();
  }
  Status Fixed32(uint32_t* out) {
    *out = 0;  // defined even on failure
    if (remaining() < 4) return Fail("unexpected end");
    std::memcpy(out, data_ + pos_, 4);  // little-endian host assumed (x86-64, aarch64)
    pos_ += 4;
    return Status::Ok();
  }
  Status Fixed64(uint64_t* out) {
    *out = 0;  // defined even on failure
    if (remaining() < 8) return Fail("unexpected end");
    std::memcpy(out, data_ + pos_, 8);
    pos_ += 8;
    return Status::Ok();
  }
  Status Take(size_t n, ByteView* out) {
    if (remaining() < n) return Fail("unexpected end (length out of bounds)");
    *out = ByteView(data_ + pos_, n);
    pos_ += n;
    return Status::Ok();
  }
  Status Name(std::string* out);

 private:
  Status Leb(int bits, bool is_signed, uint64_t* out);

  const uint8_t* data_;
  size_t size_;
  size_t base_;
  size_t pos_ = 0;
};

bool IsValidUtf8(std::string_view s);

}  // namespace phalanx::vm::internal
