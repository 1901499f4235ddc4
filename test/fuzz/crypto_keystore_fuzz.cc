// Fuzz target: DecryptKeystore on arbitrary bytes must return an error or a key, never crash,
// hang or allocate without bound. KDF limits are lowered so that inputs which parse do not spend
// a second in Argon2id each; the parsing and limit checks under test are the same code.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "phalanx/crypto/keystore.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace phalanx::crypto;
  static const KeystoreLimits kFuzzLimits{.max_kdf_ops = 1, .max_kdf_mem_bytes = kMinKdfMemBytes};
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = ParseKeystore(text, kFuzzLimits);
  auto decrypted = DecryptKeystore(text, "fuzz password", kFuzzLimits);
  // Parsing is the first step of decryption: a file that does not parse cannot decrypt.
  if (!parsed.ok() && decrypted.ok()) __builtin_trap();
  return 0;
}
