// Authenticated encryption: ChaCha20-Poly1305 (RFC 8439, 12-byte nonce) and XChaCha20-Poly1305
// (24-byte nonce, safe to pick at random). Ciphertext = encrypted bytes || 16-byte tag.
#pragma once

#include "phalanx/base/bytes.h"
#include "phalanx/base/result.h"

namespace phalanx::crypto {

inline constexpr size_t kAeadTagBytes = 16;

Bytes ChaCha20Poly1305Seal(const FixedBytes<32>& key, const FixedBytes<12>& nonce, ByteView aad,
                           ByteView plaintext);
// PermissionDenied when the tag does not authenticate (wrong key, nonce, aad, or tampering);
// InvalidArgument when the ciphertext is shorter than the tag.
Result<Bytes> ChaCha20Poly1305Open(const FixedBytes<32>& key, const FixedBytes<12>& nonce,
                                   ByteView aad, ByteView ciphertext);

Bytes XChaCha20Poly1305Seal(const FixedBytes<32>& key, const FixedBytes<24>& nonce, ByteView aad,
                            ByteView plaintext);
Result<Bytes> XChaCha20Poly1305Open(const FixedBytes<32>& key, const FixedBytes<24>& nonce,
                                    ByteView aad, ByteView ciphertext);

}  // namespace phalanx::crypto
