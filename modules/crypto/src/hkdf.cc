// HKDF-SHA256: extract with HMAC-SHA256 (libsodium), expand through OpenSSL 3's EVP_KDF.
#include "phalanx/crypto/hkdf.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <sodium.h>

#include <memory>

#include "phalanx/crypto/limits.h"
#include "sodium_init.h"

namespace phalanx::crypto {
namespace {

struct KdfDeleter {
  void operator()(EVP_KDF* k) const { EVP_KDF_free(k); }
  void operator()(EVP_KDF_CTX* c) const { EVP_KDF_CTX_free(c); }
};

Status OpenSslError(std::string_view what) {
  unsigned long code = ERR_get_error();
  char buf[256] = "no OpenSSL error queued";
  if (code != 0) ERR_error_string_n(code, buf, sizeof buf);
  ERR_clear_error();
  return Internal(std::string(what) + ": " + buf);
}

}  // namespace

Result<Bytes> HkdfSha256(ByteView ikm, ByteView salt, ByteView info, size_t out_len) {
  if (out_len == 0 || out_len > kMaxHkdfSha256OutputBytes) {
    return InvalidArgument("HKDF-SHA256 output length " + std::to_string(out_len) +
                           " is out of range; ask for 1.." +
                           std::to_string(kMaxHkdfSha256OutputBytes) + " bytes");
  }
  internal::EnsureSodium();
  // Extract with HMAC ourselves: OpenSSL's HKDF refuses an empty input key, which RFC 5869 allows.
  // An empty salt as an HMAC key equals HashLen zero bytes (keys are zero-padded), as the RFC says.
  static const uint8_t kEmpty = 0;
  FixedBytes<32> prk;
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, salt.empty() ? &kEmpty : salt.data(), salt.size());
  crypto_auth_hmacsha256_update(&state, ikm.empty() ? &kEmpty : ikm.data(), ikm.size());
  crypto_auth_hmacsha256_final(&state, prk.data.data());
  sodium_memzero(&state, sizeof state);

  std::unique_ptr<EVP_KDF, KdfDeleter> kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
  if (!kdf) return OpenSslError("OpenSSL has no HKDF implementation");
  std::unique_ptr<EVP_KDF_CTX, KdfDeleter> ctx(EVP_KDF_CTX_new(kdf.get()));
  if (!ctx) return OpenSslError("creating the HKDF context failed");

  // OpenSSL takes non-const pointers in OSSL_PARAM but does not write through them.
  int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
  OSSL_PARAM params[5];
  size_t n = 0;
  params[n++] =
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>("SHA256"), 0);
  params[n++] = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
  params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, prk.data.data(), prk.size());
  if (!info.empty()) {
    params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
                                                    const_cast<uint8_t*>(info.data()), info.size());
  }
  params[n] = OSSL_PARAM_construct_end();

  Bytes out(out_len);
  int rc = EVP_KDF_derive(ctx.get(), out.data(), out.size(), params);
  sodium_memzero(prk.data.data(), prk.size());
  if (rc != 1) return OpenSslError("HKDF-SHA256 expansion failed");
  return out;
}

}  // namespace phalanx::crypto
