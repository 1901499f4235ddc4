// State tree hash functions (definitions in docs/state.md).
#include "phalanx/state/hashing.h"

#include <array>
#include <bit>
#include <cstring>

#include "phalanx/base/check.h"
#include "phalanx/crypto/hash.h"

namespace phalanx::state {

Hash32 KeyHash(ByteView key) { return crypto::Blake2b256(key); }

Hash32 ValueHash(ByteView value) { return crypto::Blake2b256(value); }

Hash32 LeafHash(const Hash32& key_hash, const Hash32& value_hash) {
  std::array<uint8_t, 1 + 32 + 32> buf;
  buf[0] = 0x00;
  std::memcpy(buf.data() + 1, key_hash.data.data(), 32);
  std::memcpy(buf.data() + 33, value_hash.data.data(), 32);
  return crypto::Blake2b256(buf);
}

Hash32 InternalHash(uint16_t bitmap, std::span<const Hash32> children) {
  PHX_CHECK(static_cast<size_t>(std::popcount(bitmap)) == children.size(),
            "InternalHash: one child hash per bitmap bit");
  std::array<uint8_t, 1 + 2 + 16 * 32> buf;
  buf[0] = 0x01;
  buf[1] = static_cast<uint8_t>(bitmap & 0xff);
  buf[2] = static_cast<uint8_t>(bitmap >> 8);
  size_t n = 3;
  for (const Hash32& h : children) {
    std::memcpy(buf.data() + n, h.data.data(), 32);
    n += 32;
  }
  return crypto::Blake2b256(ByteView(buf.data(), n));
}

size_t CommonPrefixNibbles(const Hash32& a, const Hash32& b) {
  for (size_t i = 0; i < 32; ++i) {
    if (a[i] != b[i]) return 2 * i + ((a[i] >> 4) == (b[i] >> 4) ? 1 : 0);
  }
  return 64;
}

}  // namespace phalanx::state
