// The OpenSSL objects of verified collateral, and the pinned Intel SGX Root CA key (private).
#pragma once

#include "openssl_util.h"
#include "phalanx/tee/collateral.h"
#include "phalanx/tee/verdict.h"

namespace phalanx::tee::internal {

struct CollateralCerts {
  X509Ptr root;             // equal (by key) to the pinned root
  X509Ptr pck_ca;           // issuer of the PCK CRL, first of pck_crl_issuer_chain.pem
  X509CrlPtr pck_crl;       // signature checked by pck_ca
  X509CrlPtr root_crl;      // signature checked by root
  FixedBytes<64> root_key;  // raw x||y of root
  // root and pck_ca with their DER, reused when a quote's chain carries the same certificates.
  std::vector<KnownCert> known;
};

// The key every chain must end at: Intel's, unless a test replaced it (see testing.h).
const FixedBytes<64>& PinnedRootKey();

// Checks that `root` is the pinned root (by public key, and self-signed): kUntrustedRoot if not.
Check CheckPinnedRoot(X509* root, const std::string& where);

}  // namespace phalanx::tee::internal
