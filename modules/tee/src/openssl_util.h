// OpenSSL 3 helpers private to tee: owning pointers, PEM/DER parsing into them, raw P-256 keys and
// r||s signatures, and ASN.1 / ISO-8601 times as Unix seconds (pure conversions, no clock).
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "phalanx/base/bytes.h"

namespace phalanx::tee::internal {

struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
struct X509CrlFree {
  void operator()(X509_CRL* p) const { X509_CRL_free(p); }
};
struct EvpPkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
using X509CrlPtr = std::unique_ptr<X509_CRL, X509CrlFree>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyFree>;

// A certificate already parsed and checked, with its DER encoding.
struct KnownCert {
  X509* cert;
  Bytes der;
};

// Every certificate of a PEM text, in order; nullopt if a block does not parse, the text holds
// none, or more than max_certs. A block whose DER equals that of a `known` certificate yields that
// object (reference-counted) instead of a fresh decode: OpenSSL 3 spends most of a quote's chain
// time decoding certificates, and a quote's PCK CA and root are normally the collateral's.
std::optional<std::vector<X509Ptr>> ParsePemChain(std::string_view pem, size_t max_certs,
                                                  const std::vector<KnownCert>& known = {});
// The DER encoding of a certificate.
Bytes CertDer(X509* cert);
X509CrlPtr ParseDerCrl(ByteView der);

// The uncompressed P-256 public key x||y of a certificate; nullopt if it is not a P-256 key.
std::optional<FixedBytes<64>> RawP256PublicKey(X509* cert);
EvpPkeyPtr P256KeyFromRaw(const FixedBytes<64>& xy);
// ECDSA-P256-SHA256 over msg with a raw r||s signature.
bool VerifyEcdsaP256Sha256(EVP_PKEY* key, ByteView msg, const FixedBytes<64>& rs);

std::optional<int64_t> Asn1TimeToUnix(const ASN1_TIME* t);
// "2025-07-19T10:01:17Z" (also with fractional seconds, as some PCS responses have).
std::optional<int64_t> ParseIsoTime(std::string_view s);
std::string FormatUnixTime(int64_t unix_seconds);
// The CN of a certificate's subject, for messages.
std::string CommonName(X509* cert);
// Lowercase hex of the DER serial number.
std::string SerialHex(X509* cert);

}  // namespace phalanx::tee::internal
