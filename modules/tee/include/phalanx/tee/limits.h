// Named limits of the tee module: every length read from a quote, a certificate extension or a
// collateral document is bounded by one of these before anything is allocated or parsed.
#pragma once

#include <cstddef>

namespace phalanx::tee {

// A whole quote. Real DCAP quotes are 4.5-8 KiB (most of it the PEM PCK chain).
inline constexpr size_t kMaxQuoteBytes = size_t{64} << 10;
// QE authentication data inside the signature data (Intel's QE writes 32 bytes).
inline constexpr size_t kMaxQeAuthDataBytes = 4096;
// Certification data (type 5: the PEM PCK chain; type 6: the QE report certification data).
inline constexpr size_t kMaxCertificationDataBytes = size_t{32} << 10;
// Certificates in the PCK chain of a quote and in a collateral issuer chain (Intel uses 2-3).
inline constexpr size_t kMaxChainCertificates = 4;
// The SGX extension (OID 1.2.840.113741.1.13.1) of a PCK certificate, in DER bytes.
inline constexpr size_t kMaxSgxExtensionBytes = 4096;
// One collateral file (TCB Info, QE Identity, CRL, PEM chain) read from disk or decoded.
inline constexpr size_t kMaxCollateralFileBytes = size_t{1} << 20;
// Nesting depth of a collateral JSON document (Intel's documents nest 6 deep).
inline constexpr size_t kMaxJsonDepth = 16;
// TCB levels in a TCB Info document, in one TDX module identity, or in a QE Identity.
inline constexpr size_t kMaxTcbLevels = 512;
// TDX module identities in a TCB Info document.
inline constexpr size_t kMaxTdxModuleIdentities = 64;
// Advisory IDs attached to one TCB level.
inline constexpr size_t kMaxAdvisoryIds = 256;
// Platforms (TEE type x FMSPC) a CollateralCache holds. Intel publishes a few hundred FMSPCs, and
// every entry must carry Intel-signed collateral, so this bounds memory, not honest use.
inline constexpr size_t kMaxCachedCollaterals = 1024;
// A quote produced by a provider (configfs-tsm outblob, Gramine /dev/attestation/quote).
inline constexpr size_t kMaxProviderQuoteBytes = kMaxQuoteBytes;

}  // namespace phalanx::tee
