// The codec's front door: EncodeToBytes(value) and DecodeAll<T>(bytes). A type T takes part by
// providing
//   void Encode(codec::Encoder&) const;
//   static Result<T> Decode(codec::Decoder&);
// and everything else (vectors, options, variants of such types) composes from there.
#pragma once

#include "phalanx/base/bytes.h"
#include "phalanx/base/result.h"
#include "phalanx/codec/decoder.h"
#include "phalanx/codec/encoder.h"
#include "phalanx/codec/limits.h"
#include "phalanx/codec/utf8.h"

namespace phalanx::codec {

template <typename T>
Bytes EncodeToBytes(const T& value, size_t reserve_bytes = 128) {
  Encoder e(reserve_bytes);
  e.Write(value);
  return e.Take();
}

// Decodes exactly one T from `bytes`; trailing bytes are an error (a canonical message has one
// encoding, and junk after it would give two byte strings for one value).
template <typename T>
Result<T> DecodeAll(ByteView bytes) {
  Decoder d(bytes);
  Result<T> v = d.Read<T>();
  if (!v.ok()) return v;
  RETURN_IF_ERROR(d.ExpectEnd());
  return v;
}

}  // namespace phalanx::codec
