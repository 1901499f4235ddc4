// OpenSSL 3 helpers (see openssl_util.h).
#include "openssl_util.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <cstdio>
#include <cstring>

namespace phalanx::tee::internal {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

Bytes CertDer(X509* cert) {
  int len = i2d_X509(cert, nullptr);
  if (len <= 0) return {};
  Bytes out(static_cast<size_t>(len));
  uint8_t* p = out.data();
  i2d_X509(cert, &p);
  return out;
}

std::optional<std::vector<X509Ptr>> ParsePemChain(std::string_view pem, size_t max_certs,
                                                  const std::vector<KnownCert>& known) {
  // Strict: only CERTIFICATE blocks separated by whitespace, so that no unsigned byte of the
  // certification data can change without the chain failing.
  static constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
  static constexpr std::string_view kEnd = "-----END CERTIFICATE-----";
  auto only_ws = [](std::string_view s) {
    return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
  };
  std::vector<X509Ptr> out;
  size_t pos = 0;
  for (;;) {
    size_t begin = pem.find(kBegin, pos);
    if (begin == std::string_view::npos) {
      if (!only_ws(pem.substr(pos))) return std::nullopt;
      break;
    }
    if (!only_ws(pem.substr(pos, begin - pos))) return std::nullopt;
    size_t end = pem.find(kEnd, begin);
    if (end == std::string_view::npos) return std::nullopt;
    end += kEnd.size();
    if (out.size() == max_certs) return std::nullopt;
    std::string_view block = pem.substr(begin, end - begin);
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(block.data(), static_cast<int>(block.size())), &BIO_free);
    unsigned char* der = nullptr;
    long der_len = 0;
    // PEM_bytes_read_bio is PEM_read_bio_X509 without the X509 decode (same block rules).
    if (!bio || PEM_bytes_read_bio(&der, &der_len, nullptr, PEM_STRING_X509, bio.get(), nullptr,
                                   nullptr) != 1)
      return std::nullopt;
    std::unique_ptr<unsigned char, void (*)(unsigned char*)> owned(
        der, [](unsigned char* p) { OPENSSL_free(p); });
    X509* c = nullptr;
    for (const KnownCert& k : known) {
      if (k.der.size() == static_cast<size_t>(der_len) &&
          std::memcmp(k.der.data(), der, k.der.size()) == 0 && X509_up_ref(k.cert) == 1) {
        c = k.cert;
        break;
      }
    }
    if (!c) {
      const unsigned char* p = der;
      c = d2i_X509(nullptr, &p, der_len);
      if (c && p != der + der_len) {  // trailing bytes after the certificate
        X509_free(c);
        c = nullptr;
      }
    }
    if (!c) return std::nullopt;
    out.emplace_back(c);
    pos = end;
  }
  if (out.empty()) return std::nullopt;
  return out;
}

X509CrlPtr ParseDerCrl(ByteView der) {
  const unsigned char* p = der.data();
  X509_CRL* crl = d2i_X509_CRL(nullptr, &p, static_cast<long>(der.size()));
  if (crl && p != der.data() + der.size()) {  // trailing bytes after the DER structure
    X509_CRL_free(crl);
    return nullptr;
  }
  return X509CrlPtr(crl);
}

std::optional<FixedBytes<64>> RawP256PublicKey(X509* cert) {
  EVP_PKEY* key = X509_get0_pubkey(cert);
  if (!key || EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) return std::nullopt;
  char group[32] = {0};
  size_t group_len = 0;
  if (!EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                      &group_len) ||
      std::string_view(group, group_len) != "prime256v1")
    return std::nullopt;
  uint8_t buf[65];
  size_t len = 0;
  if (!EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, buf, sizeof buf,
                                       &len) ||
      len != 65 || buf[0] != 0x04)
    return std::nullopt;
  return FixedBytes<64>::FromView(ByteView(buf + 1, 64));
}

EvpPkeyPtr P256KeyFromRaw(const FixedBytes<64>& xy) {
  uint8_t point[65];
  point[0] = 0x04;
  std::memcpy(point + 1, xy.data.data(), 64);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>("prime256v1"),
                                       0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point),
      OSSL_PARAM_construct_end()};
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr), &EVP_PKEY_CTX_free);
  EVP_PKEY* key = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params) <= 0)
    return nullptr;
  return EvpPkeyPtr(key);
}

bool VerifyEcdsaP256Sha256(EVP_PKEY* key, ByteView msg, const FixedBytes<64>& rs) {
  if (!key) return false;
  ECDSA_SIG* sig = ECDSA_SIG_new();
  if (!sig) return false;
  BIGNUM* r = BN_bin2bn(rs.data.data(), 32, nullptr);
  BIGNUM* s = BN_bin2bn(rs.data.data() + 32, 32, nullptr);
  if (!r || !s || !ECDSA_SIG_set0(sig, r, s)) {
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(sig);
    return false;
  }
  unsigned char* der = nullptr;
  int der_len = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  if (der_len <= 0) return false;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  bool ok =
      md && EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestVerify(md.get(), der, static_cast<size_t>(der_len), msg.data(), msg.size()) == 1;
  OPENSSL_free(der);
  return ok;
}

std::optional<int64_t> Asn1TimeToUnix(const ASN1_TIME* t) {
  struct tm tm {};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;
  return DaysFromCivil(tm.tm_year + 1900, static_cast<unsigned>(tm.tm_mon + 1),
                       static_cast<unsigned>(tm.tm_mday)) *
             86400 +
         tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
}

std::optional<int64_t> ParseIsoTime(std::string_view s) {
  // YYYY-MM-DDThh:mm:ss[.fraction]Z
  if (s.size() < 20 || s.back() != 'Z') return std::nullopt;
  auto num = [&](size_t pos, size_t len, int64_t* out) {
    int64_t v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
  };
  int64_t y, mo, d, h, mi, se;
  if (!num(0, 4, &y) || s[4] != '-' || !num(5, 2, &mo) || s[7] != '-' || !num(8, 2, &d) ||
      s[10] != 'T' || !num(11, 2, &h) || s[13] != ':' || !num(14, 2, &mi) || s[16] != ':' ||
      !num(17, 2, &se))
    return std::nullopt;
  if (s.size() > 20) {  // fractional seconds: ".digits" then Z; ignored (times are whole seconds)
    if (s[19] != '.' || s.size() == 21) return std::nullopt;
    for (size_t i = 20; i + 1 < s.size(); ++i)
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return std::nullopt;
  return DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 +
         mi * 60 + se;
}

std::string FormatUnixTime(int64_t t) {
  int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  int64_t secs = t - days * 86400;
  // civil_from_days (Hinnant).
  int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ",
                static_cast<long long>(y), m, d, static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  return buf;
}

std::string CommonName(X509* cert) {
  char buf[256] = {0};
  if (X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf, sizeof buf) < 0)
    return "(no common name)";
  return buf;
}

std::string SerialHex(X509* cert) {
  const ASN1_INTEGER* serial = X509_get0_serialNumber(cert);
  return ToHex(ByteView(serial->data, static_cast<size_t>(serial->length)));
}

}  // namespace phalanx::tee::internal
