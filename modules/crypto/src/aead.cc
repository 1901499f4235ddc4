// ChaCha20-Poly1305 (IETF) and XChaCha20-Poly1305 via libsodium.
#include "phalanx/crypto/aead.h"

#include <sodium.h>

#include "phalanx/base/check.h"
#include "sodium_init.h"

namespace phalanx::crypto {
namespace {

// The two constructions differ only in nonce size and function; this keeps one body for both.
using SealFn = int (*)(unsigned char*, unsigned long long*, const unsigned char*,
                       unsigned long long, const unsigned char*, unsigned long long,
                       const unsigned char*, const unsigned char*, const unsigned char*);
using OpenFn = int (*)(unsigned char*, unsigned long long*, unsigned char*, const unsigned char*,
                       unsigned long long, const unsigned char*, unsigned long long,
                       const unsigned char*, const unsigned char*);

Bytes Seal(SealFn fn, const uint8_t* key, const uint8_t* nonce, ByteView aad, ByteView plaintext) {
  internal::EnsureSodium();
  Bytes out(plaintext.size() + kAeadTagBytes);
  unsigned long long out_len = 0;
  int rc = fn(out.data(), &out_len, plaintext.data(), plaintext.size(), aad.data(), aad.size(),
              nullptr, nonce, key);
  PHX_CHECK(rc == 0 && out_len == out.size(), "AEAD encryption failed");
  return out;
}

Result<Bytes> Open(OpenFn fn, const uint8_t* key, const uint8_t* nonce, ByteView aad,
                   ByteView ciphertext) {
  internal::EnsureSodium();
  if (ciphertext.size() < kAeadTagBytes) {
    return InvalidArgument("ciphertext of " + std::to_string(ciphertext.size()) +
                           " bytes is shorter than the 16-byte authentication tag");
  }
  Bytes out(ciphertext.size() - kAeadTagBytes);
  unsigned long long out_len = 0;
  if (fn(out.data(), &out_len, nullptr, ciphertext.data(), ciphertext.size(), aad.data(),
         aad.size(), nonce, key) != 0) {
    return PermissionDenied(
        "decryption failed: wrong key or nonce, different associated data, or the ciphertext was "
        "modified");
  }
  return out;
}

}  // namespace

Bytes ChaCha20Poly1305Seal(const FixedBytes<32>& key, const FixedBytes<12>& nonce, ByteView aad,
                           ByteView plaintext) {
  static_assert(crypto_aead_chacha20poly1305_ietf_NPUBBYTES == 12);
  return Seal(crypto_aead_chacha20poly1305_ietf_encrypt, key.data.data(), nonce.data.data(), aad,
              plaintext);
}

Result<Bytes> ChaCha20Poly1305Open(const FixedBytes<32>& key, const FixedBytes<12>& nonce,
                                   ByteView aad, ByteView ciphertext) {
  return Open(crypto_aead_chacha20poly1305_ietf_decrypt, key.data.data(), nonce.data.data(), aad,
              ciphertext);
}

Bytes XChaCha20Poly1305Seal(const FixedBytes<32>& key, const FixedBytes<24>& nonce, ByteView aad,
                            ByteView plaintext) {
  static_assert(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES == 24);
  return Seal(crypto_aead_xchacha20poly1305_ietf_encrypt, key.data.data(), nonce.data.data(), aad,
              plaintext);
}

Result<Bytes> XChaCha20Poly1305Open(const FixedBytes<32>& key, const FixedBytes<24>& nonce,
                                    ByteView aad, ByteView ciphertext) {
  return Open(crypto_aead_xchacha20poly1305_ietf_decrypt, key.data.data(), nonce.data.data(), aad,
              ciphertext);
}

}  // namespace phalanx::crypto
