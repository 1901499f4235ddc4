// A complete DCAP PKI under a test root CA, for the cases no real vector can cover: a revoked PCK
// certificate, a revoked PCK CA, Revoked or relaunch-advised TCB levels, collateral with chosen
// tcbEvaluationDataNumbers and dates. Quotes and collateral are rebuilt from a real vector (same
// layout, QE report, FMSPC, TCB documents) and re-signed with test keys; they verify only while
// testing::ScopedPinnedRootOverride pins the test root.
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "phalanx/base/bytes.h"
#include "phalanx/tee/collateral.h"

namespace phalanx::tee::test {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct CertFree {
  void operator()(X509* p) const { X509_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using CertPtr = std::unique_ptr<X509, CertFree>;

struct CollateralEdits {
  std::function<void(nlohmann::json& tcb_info)> tcb_info = {};     // edits the signed tcbInfo body
  std::function<void(nlohmann::json& identity)> qe_identity = {};  // edits enclaveIdentity
  bool revoke_pck_leaf = false;                                    // PCK CRL lists the leaf
  bool revoke_pck_ca = false;                                      // Root CA CRL lists the PCK CA
  std::optional<int64_t> crl_this_update_unix = {};                // default: verify_at - 1 day
};

struct QuoteEdits {
  std::function<void(Bytes& body)> body =
      {};  // edits the report body (offsets relative to the body)
};

class TestPki {
 public:
  TestPki();
  // The test root's P-256 key x||y, for ScopedPinnedRootOverride.
  FixedBytes<64> root_key() const;
  // The collateral of a shared vector, re-signed under the test root.
  CollateralFiles Collateral(const std::string& vector, const CollateralEdits& edits = {}) const;
  // The quote of a shared vector, re-signed: fresh attestation key, QE report bound to it and
  // signed by a test PCK leaf that carries the vector's SGX extension, chain leaf/PCK CA/root.
  Bytes Quote(const std::string& vector, const QuoteEdits& edits = {}) const;

  static constexpr long kLeafSerial = 0x1001;

 private:
  PkeyPtr root_key_, pck_ca_key_, tcb_key_;
  CertPtr root_, pck_ca_, tcb_signer_;
};

}  // namespace phalanx::tee::test
