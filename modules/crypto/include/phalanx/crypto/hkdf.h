// HKDF-SHA256 (RFC 5869): derives cluster and contract keys from the gatekeepers' master key and
// session keys from x25519 shared secrets.
#pragma once

#include <cstddef>

#include "phalanx/base/bytes.h"
#include "phalanx/base/result.h"

namespace phalanx::crypto {

// Extract-then-expand. An empty salt means "no salt" (RFC 5869: HashLen zero bytes). out_len must
// be 1..kMaxHkdfSha256OutputBytes (8160), else InvalidArgument.
Result<Bytes> HkdfSha256(ByteView ikm, ByteView salt, ByteView info, size_t out_len);

}  // namespace phalanx::crypto
