// Password-encrypted key files. A file is JSON text:
//   {"version":1,"name":"alice","public_key":"<hex>",
//    "kdf":{"alg":"argon2id13","ops":2,"mem_bytes":67108864,"salt":"<16 bytes hex>"},
//    "cipher":{"alg":"xchacha20poly1305","nonce":"<24 bytes hex>"},
//    "ciphertext":"<hex>"}
// The secret payload (the 32-byte ed25519 seed followed by the optional mnemonic) is encrypted with
// XChaCha20-Poly1305 under a key stretched from the password with Argon2id; the public key is in
// the clear (to list keys without a password) and bound as associated data, so it cannot be
// swapped. No secret is ever written in plaintext.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "phalanx/base/bytes.h"
#include "phalanx/base/result.h"
#include "phalanx/crypto/ed25519.h"
#include "phalanx/crypto/limits.h"

namespace phalanx::crypto {

inline constexpr int kKeystoreVersion = 1;

// Argon2id cost. The default is libsodium's "interactive" setting (2 passes, 64 MiB, ~0.1 s);
// tests use ForTests() to stay fast.
struct KdfParams {
  uint64_t ops = 2;                // crypto_pwhash_OPSLIMIT_INTERACTIVE
  uint64_t mem_bytes = 64u << 20;  // crypto_pwhash_MEMLIMIT_INTERACTIVE
  static KdfParams Interactive() { return {}; }
  static KdfParams ForTests() { return {1, kMinKdfMemBytes}; }
};

// Costs a reader accepts before running the KDF. Defaults are the module limits; a caller that
// reads files from a less trusted place (or a fuzzer) may lower them.
struct KeystoreLimits {
  uint64_t max_kdf_ops = kMaxKdfOps;
  uint64_t max_kdf_mem_bytes = kMaxKdfMemBytes;
};

// The public part of a key file, readable without the password.
struct KeyFile {
  std::string name;
  PublicKey public_key;
  int version = kKeystoreVersion;
  KdfParams kdf;
  FixedBytes<16> salt;
  FixedBytes<24> nonce;
  Bytes ciphertext;
};

struct DecryptedKey {
  SigningKey key;
  std::string mnemonic;  // empty when the file holds only the seed

  DecryptedKey(SigningKey k, std::string m) : key(std::move(k)), mnemonic(std::move(m)) {}
  DecryptedKey(const DecryptedKey&) = default;
  DecryptedKey& operator=(const DecryptedKey&) = default;
  ~DecryptedKey();  // wipes the mnemonic (the key wipes itself)
};

// Encrypts `key` (and `mnemonic_or_empty`, which must then be a valid BIP39 phrase) under
// `password` (non-empty). `name`: 1..kMaxKeyNameBytes printable ASCII characters.
Result<std::string> EncryptKeystore(const std::string& name, const SigningKey& key,
                                    std::string_view mnemonic_or_empty, std::string_view password,
                                    const KdfParams& kdf = KdfParams::Interactive());

// Parses and validates the public part of a key file (no KDF, no decryption).
Result<KeyFile> ParseKeystore(std::string_view json_text,
                              const KeystoreLimits& limits = KeystoreLimits{});

// PermissionDenied "wrong password for key '<name>'" when the password does not open the file;
// InvalidArgument / LimitExceeded / Corruption with a precise message for malformed files.
Result<DecryptedKey> DecryptKeystore(std::string_view json_text, std::string_view password,
                                     const KeystoreLimits& limits = KeystoreLimits{});

}  // namespace phalanx::crypto
