// Named limits of the codec: every length field read from untrusted bytes is bounded by one of
// these before anything is allocated. Modules with tighter needs pass a smaller per-call limit.
#pragma once

#include <cstddef>

namespace phalanx::codec {

// Elements in one length-prefixed vector (ReadVector default).
inline constexpr size_t kMaxVectorLength = size_t{1} << 20;
// Bytes in one length-prefixed byte string (ReadBytes default).
inline constexpr size_t kMaxBytesLength = size_t{16} << 20;
// Bytes (not code points) in one UTF-8 string (ReadString default).
inline constexpr size_t kMaxStringBytes = size_t{64} << 10;
// Nesting depth of structures, vectors and options decoded through Decoder::Read<T>.
inline constexpr size_t kMaxDepth = 32;

}  // namespace phalanx::codec
