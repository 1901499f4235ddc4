// Password-encrypted key files: Argon2id (libsodium crypto_pwhash) + XChaCha20-Poly1305, stored
// as JSON. Parsing treats the file as untrusted input: bounded size, depth and KDF cost, every
// field type-checked, and nlohmann::json used in its non-throwing mode.
#include "phalanx/crypto/keystore.h"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "phalanx/crypto/aead.h"
#include "phalanx/crypto/mnemonic.h"
#include "phalanx/crypto/random.h"
#include "sodium_init.h"

namespace phalanx::crypto {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

constexpr std::string_view kKdfAlg = "argon2id13";
constexpr std::string_view kCipherAlg = "xchacha20poly1305";
// Domain separation for the associated data, so a ciphertext cannot be replayed in another format.
constexpr std::string_view kAadPrefix = "phalanx-keystore-v1";
constexpr size_t kSeedBytes = 32;

static_assert(KdfParams{}.ops == crypto_pwhash_OPSLIMIT_INTERACTIVE);
static_assert(KdfParams{}.mem_bytes == crypto_pwhash_MEMLIMIT_INTERACTIVE);
static_assert(kMinKdfMemBytes >= crypto_pwhash_argon2id_MEMLIMIT_MIN);
static_assert(kMinKdfOps >= crypto_pwhash_argon2id_OPSLIMIT_MIN);
static_assert(FixedBytes<16>::size() == crypto_pwhash_SALTBYTES);

// A secret that wipes itself however the function exits.
template <size_t N>
struct WipedBytes {
  FixedBytes<N> bytes;
  ~WipedBytes() { sodium_memzero(bytes.data.data(), N); }
};
struct WipedVector {
  Bytes bytes;
  ~WipedVector() {
    if (!bytes.empty()) sodium_memzero(bytes.data(), bytes.size());
  }
};

Status ValidateName(std::string_view name) {
  if (name.empty() || name.size() > kMaxKeyNameBytes) {
    return InvalidArgument("key name must be 1.." + std::to_string(kMaxKeyNameBytes) +
                           " characters, got " + std::to_string(name.size()));
  }
  for (char c : name) {
    if (c < 0x20 || c > 0x7e) {
      return InvalidArgument("key name may contain only printable ASCII characters");
    }
  }
  return Status::Ok();
}

Status ValidatePassword(std::string_view password) {
  if (password.size() > kMaxKeystorePasswordBytes) {
    return LimitExceeded("password is " + std::to_string(password.size()) +
                         " bytes; the limit is " + std::to_string(kMaxKeystorePasswordBytes));
  }
  return Status::Ok();
}

Bytes Aad(const PublicKey& public_key) {
  // Sized up front: GCC 12 reports a false -Warray-bounds for insert() after a range constructor.
  Bytes aad(kAadPrefix.size() + public_key.size());
  std::copy(kAadPrefix.begin(), kAadPrefix.end(), aad.begin());
  std::copy(public_key.begin(), public_key.end(), aad.begin() + kAadPrefix.size());
  return aad;
}

Result<FixedBytes<32>> DeriveFileKey(std::string_view password, const FixedBytes<16>& salt,
                                     const KdfParams& kdf) {
  FixedBytes<32> key;
  if (crypto_pwhash(key.data.data(), key.size(), password.data(), password.size(), salt.data.data(),
                    kdf.ops, static_cast<size_t>(kdf.mem_bytes),
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Unavailable("argon2id could not run with " + std::to_string(kdf.mem_bytes) +
                       " bytes of memory; free memory or use a key file with a lower mem_bytes");
  }
  return key;
}

// Rejects documents nested deeper than kMaxKeystoreJsonDepth before a tree is built from them.
Status CheckJsonDepth(std::string_view text) {
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxKeystoreJsonDepth) {
        return LimitExceeded("key file nests deeper than " + std::to_string(kMaxKeystoreJsonDepth) +
                             " levels; not a key file");
      }
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return Status::Ok();
}

// Field accessors: each names the field in its error.
Result<const Json*> Field(const Json& obj, std::string_view where, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) {
    return Corruption("key file: " + std::string(where) + " has no \"" + key + "\" field");
  }
  return &*it;
}

Result<std::string> StringField(const Json& obj, std::string_view where, const char* key) {
  ASSIGN_OR_RETURN(const Json* v, Field(obj, where, key));
  if (!v->is_string()) {
    return Corruption("key file: \"" + std::string(key) + "\" in " + std::string(where) +
                      " must be a string");
  }
  return v->get<std::string>();
}

Result<uint64_t> UintField(const Json& obj, std::string_view where, const char* key) {
  ASSIGN_OR_RETURN(const Json* v, Field(obj, where, key));
  if (!v->is_number_unsigned()) {
    return Corruption("key file: \"" + std::string(key) + "\" in " + std::string(where) +
                      " must be a non-negative integer");
  }
  return v->get<uint64_t>();
}

template <size_t N>
Result<FixedBytes<N>> HexField(const Json& obj, std::string_view where, const char* key) {
  ASSIGN_OR_RETURN(std::string hex, StringField(obj, where, key));
  Result<FixedBytes<N>> bytes = FixedFromHex<N>(hex);
  if (!bytes.ok()) {
    return Corruption("key file: \"" + std::string(key) + "\" in " + std::string(where) +
                      " is not " + std::to_string(N) +
                      " bytes of hex: " + std::string(bytes.status().message()));
  }
  return bytes;
}

Result<const Json*> ObjectField(const Json& obj, std::string_view where, const char* key) {
  ASSIGN_OR_RETURN(const Json* v, Field(obj, where, key));
  if (!v->is_object()) {
    return Corruption("key file: \"" + std::string(key) + "\" in " + std::string(where) +
                      " must be an object");
  }
  return v;
}

Status ParseKdf(const Json& root, const KeystoreLimits& limits, KeyFile& file) {
  ASSIGN_OR_RETURN(const Json* kdf, ObjectField(root, "the file", "kdf"));
  ASSIGN_OR_RETURN(std::string alg, StringField(*kdf, "\"kdf\"", "alg"));
  if (alg != kKdfAlg) {
    return InvalidArgument("key file: unsupported kdf \"" + alg.substr(0, 32) +
                           "\"; this build reads \"argon2id13\"");
  }
  ASSIGN_OR_RETURN(file.kdf.ops, UintField(*kdf, "\"kdf\"", "ops"));
  ASSIGN_OR_RETURN(file.kdf.mem_bytes, UintField(*kdf, "\"kdf\"", "mem_bytes"));
  uint64_t max_ops = std::min(limits.max_kdf_ops, kMaxKdfOps);
  uint64_t max_mem = std::min(limits.max_kdf_mem_bytes, kMaxKdfMemBytes);
  if (file.kdf.ops < kMinKdfOps || file.kdf.mem_bytes < kMinKdfMemBytes) {
    return InvalidArgument("key file: kdf ops " + std::to_string(file.kdf.ops) + " / mem_bytes " +
                           std::to_string(file.kdf.mem_bytes) + " are below argon2id's minimum (" +
                           std::to_string(kMinKdfOps) + " / " + std::to_string(kMinKdfMemBytes) +
                           ")");
  }
  if (file.kdf.ops > max_ops) {
    return LimitExceeded("key file: kdf ops " + std::to_string(file.kdf.ops) +
                         " exceeds the limit of " + std::to_string(max_ops));
  }
  if (file.kdf.mem_bytes > max_mem) {
    return LimitExceeded("key file: kdf mem_bytes " + std::to_string(file.kdf.mem_bytes) +
                         " exceeds the limit of " + std::to_string(max_mem));
  }
  ASSIGN_OR_RETURN(file.salt, HexField<16>(*kdf, "\"kdf\"", "salt"));
  return Status::Ok();
}

Status ParseCipher(const Json& root, KeyFile& file) {
  ASSIGN_OR_RETURN(const Json* cipher, ObjectField(root, "the file", "cipher"));
  ASSIGN_OR_RETURN(std::string alg, StringField(*cipher, "\"cipher\"", "alg"));
  if (alg != kCipherAlg) {
    return InvalidArgument("key file: unsupported cipher \"" + alg.substr(0, 32) +
                           "\"; this build reads \"xchacha20poly1305\"");
  }
  ASSIGN_OR_RETURN(file.nonce, HexField<24>(*cipher, "\"cipher\"", "nonce"));
  ASSIGN_OR_RETURN(std::string hex, StringField(root, "the file", "ciphertext"));
  Result<Bytes> ciphertext = FromHex(hex);
  if (!ciphertext.ok()) {
    return Corruption("key file: \"ciphertext\" is not hex: " +
                      std::string(ciphertext.status().message()));
  }
  const size_t min_bytes = kSeedBytes + kAeadTagBytes;
  const size_t max_bytes = min_bytes + kMaxMnemonicPhraseBytes;
  if (ciphertext->size() < min_bytes || ciphertext->size() > max_bytes) {
    return Corruption("key file: ciphertext is " + std::to_string(ciphertext->size()) +
                      " bytes; expected " + std::to_string(min_bytes) + ".." +
                      std::to_string(max_bytes));
  }
  file.ciphertext = std::move(ciphertext).value();
  return Status::Ok();
}

}  // namespace

DecryptedKey::~DecryptedKey() {
  if (!mnemonic.empty()) sodium_memzero(mnemonic.data(), mnemonic.size());
}

Result<std::string> EncryptKeystore(const std::string& name, const SigningKey& key,
                                    std::string_view mnemonic_or_empty, std::string_view password,
                                    const KdfParams& kdf) {
  internal::EnsureSodium();
  RETURN_IF_ERROR(ValidateName(name));
  RETURN_IF_ERROR(ValidatePassword(password));
  if (password.empty()) {
    return InvalidArgument("refusing to encrypt key '" + name + "' with an empty password");
  }
  if (kdf.ops < kMinKdfOps || kdf.ops > kMaxKdfOps || kdf.mem_bytes < kMinKdfMemBytes ||
      kdf.mem_bytes > kMaxKdfMemBytes) {
    return InvalidArgument("kdf cost out of range: ops must be " + std::to_string(kMinKdfOps) +
                           ".." + std::to_string(kMaxKdfOps) + ", mem_bytes " +
                           std::to_string(kMinKdfMemBytes) + ".." +
                           std::to_string(kMaxKdfMemBytes));
  }
  WipedVector payload;
  payload.bytes.assign(key.seed().begin(), key.seed().end());
  if (!mnemonic_or_empty.empty()) {
    // Store the canonical phrase so the file never holds a phrase that does not parse.
    ASSIGN_OR_RETURN(Bytes entropy, MnemonicToEntropy(mnemonic_or_empty));
    Result<std::string> canonical = EntropyToMnemonic(entropy);
    sodium_memzero(entropy.data(), entropy.size());
    payload.bytes.insert(payload.bytes.end(), canonical->begin(), canonical->end());
    sodium_memzero(canonical->data(), canonical->size());
  }

  FixedBytes<16> salt = RandomFixedBytes<16>();
  FixedBytes<24> nonce = RandomFixedBytes<24>();
  WipedBytes<32> file_key;
  ASSIGN_OR_RETURN(file_key.bytes, DeriveFileKey(password, salt, kdf));
  Bytes ciphertext =
      XChaCha20Poly1305Seal(file_key.bytes, nonce, Aad(key.public_key()), payload.bytes);

  OrderedJson j;
  j["version"] = kKeystoreVersion;
  j["name"] = name;
  j["public_key"] = ToHex(key.public_key());
  j["kdf"] = {
      {"alg", kKdfAlg}, {"ops", kdf.ops}, {"mem_bytes", kdf.mem_bytes}, {"salt", ToHex(salt)}};
  j["cipher"] = {{"alg", kCipherAlg}, {"nonce", ToHex(nonce)}};
  j["ciphertext"] = ToHex(ciphertext);
  return j.dump(2) + "\n";
}

Result<KeyFile> ParseKeystore(std::string_view json_text, const KeystoreLimits& limits) {
  if (json_text.size() > kMaxKeystoreFileBytes) {
    return LimitExceeded("key file is " + std::to_string(json_text.size()) +
                         " bytes; a key file is at most " + std::to_string(kMaxKeystoreFileBytes));
  }
  RETURN_IF_ERROR(CheckJsonDepth(json_text));
  Json root = Json::parse(json_text.begin(), json_text.end(), nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return Corruption("key file is not valid JSON");
  if (!root.is_object()) return Corruption("key file must be a JSON object");

  KeyFile file;
  ASSIGN_OR_RETURN(uint64_t version, UintField(root, "the file", "version"));
  if (version != kKeystoreVersion) {
    return InvalidArgument("key file version " + std::to_string(version) +
                           " is not supported; this build reads version " +
                           std::to_string(kKeystoreVersion));
  }
  file.version = kKeystoreVersion;
  ASSIGN_OR_RETURN(file.name, StringField(root, "the file", "name"));
  if (Status s = ValidateName(file.name); !s.ok()) {
    return Corruption("key file: " + std::string(s.message()));
  }
  ASSIGN_OR_RETURN(file.public_key, HexField<32>(root, "the file", "public_key"));
  RETURN_IF_ERROR(ParseKdf(root, limits, file));
  RETURN_IF_ERROR(ParseCipher(root, file));
  return file;
}

Result<DecryptedKey> DecryptKeystore(std::string_view json_text, std::string_view password,
                                     const KeystoreLimits& limits) {
  internal::EnsureSodium();
  ASSIGN_OR_RETURN(KeyFile file, ParseKeystore(json_text, limits));
  RETURN_IF_ERROR(ValidatePassword(password));
  WipedBytes<32> file_key;
  ASSIGN_OR_RETURN(file_key.bytes, DeriveFileKey(password, file.salt, file.kdf));
  Result<Bytes> opened =
      XChaCha20Poly1305Open(file_key.bytes, file.nonce, Aad(file.public_key), file.ciphertext);
  if (!opened.ok()) {
    // The tag also covers the public key, so a file edited on disk lands here too.
    return PermissionDenied("wrong password for key '" + file.name +
                            "' (or the key file was modified)");
  }
  WipedVector payload{std::move(opened).value()};
  WipedBytes<32> seed;
  std::copy(payload.bytes.begin(), payload.bytes.begin() + kSeedBytes, seed.bytes.begin());
  DecryptedKey out{SigningKey::FromSeed(seed.bytes),
                   std::string(payload.bytes.begin() + kSeedBytes, payload.bytes.end())};
  if (out.key.public_key() != file.public_key) {
    return Corruption("key file '" + file.name +
                      "': the decrypted seed does not belong to the public key in the file");
  }
  if (!out.mnemonic.empty() && !MnemonicToEntropy(out.mnemonic).ok()) {
    return Corruption("key file '" + file.name + "': the stored mnemonic is not a valid phrase");
  }
  return out;
}

}  // namespace phalanx::crypto
