// Collateral loading and verification: issuer chains up to the pinned Intel SGX Root CA, CRL
// signatures, revocation of the collateral's own certificates, and the ECDSA signatures over the
// exact signed JSON bytes of TCB Info and QE Identity.
#include "phalanx/tee/collateral.h"

#include <openssl/x509v3.h>

#include <nlohmann/json.hpp>

#include "collateral_certs.h"
#include "phalanx/platform/files.h"
#include "phalanx/tee/limits.h"
#include "phalanx/tee/testing.h"

namespace phalanx::tee {
namespace internal {
namespace {

// Intel SGX Root CA, CN=Intel SGX Root CA, serial 22650CD6..., SHA-256 of the DER certificate
// 44A0196B...B674D3: its P-256 public key x||y. Pinned here so that no file can replace it.
constexpr uint8_t kIntelSgxRootKey[64] = {
    0x0B, 0xA9, 0xC4, 0xC0, 0xC0, 0xC8, 0x61, 0x93, 0xA3, 0xFE, 0x23, 0xD6, 0xB0, 0x2C, 0xDA, 0x10,
    0xA8, 0xBB, 0xD4, 0xE8, 0x8E, 0x48, 0xB4, 0x45, 0x85, 0x61, 0xA3, 0x6E, 0x70, 0x55, 0x25, 0xF5,
    0x67, 0x91, 0x8E, 0x2E, 0xDC, 0x88, 0xE4, 0x0D, 0x86, 0x0B, 0xD0, 0xCC, 0x4E, 0xE2, 0x6A, 0xAC,
    0xC9, 0x88, 0xE5, 0x05, 0xA9, 0x53, 0x55, 0x8C, 0x45, 0x3F, 0x6B, 0x09, 0x04, 0xAE, 0x73, 0x94};

std::optional<FixedBytes<64>>& RootOverride() {
  static std::optional<FixedBytes<64>> o;
  return o;
}

}  // namespace

const FixedBytes<64>& PinnedRootKey() {
  static const FixedBytes<64> kIntel = FixedBytes<64>::FromView(ByteView(kIntelSgxRootKey, 64));
  return RootOverride() ? *RootOverride() : kIntel;
}

Check CheckPinnedRoot(X509* root, const std::string& where) {
  auto key = RawP256PublicKey(root);
  if (!key || *key != PinnedRootKey())
    return Fail(ErrorCode::kUntrustedRoot,
                where + " ends at '" + CommonName(root) +
                    "', which is not the Intel SGX Root CA pinned in this binary; the data was not "
                    "issued by Intel - obtain collateral and quotes from a genuine Intel platform");
  if (X509_verify(root, X509_get0_pubkey(root)) != 1)
    return Fail(ErrorCode::kUntrustedRoot,
                where + ": the root certificate's self-signature is bad");
  return std::nullopt;
}

}  // namespace internal

namespace testing {
ScopedPinnedRootOverride::ScopedPinnedRootOverride(const FixedBytes<64>& root_key)
    : previous_(internal::RootOverride()) {
  internal::RootOverride() = root_key;
}
ScopedPinnedRootOverride::~ScopedPinnedRootOverride() { internal::RootOverride() = previous_; }
}  // namespace testing

namespace {

using internal::X509CrlPtr;
using internal::X509Ptr;

Failure CollateralFail(ErrorCode code, const std::string& what) {
  return Fail(code, what + "; refresh the collateral from Intel PCS / PCCS");
}

// An issuer chain "<signer>, <root>": the root must be pinned, the signer issued by it.
Outcome<X509Ptr> VerifyIssuerChain(const std::string& pem, const std::string& name, bool ca) {
  auto chain = internal::ParsePemChain(pem, kMaxChainCertificates);
  if (!chain || chain->size() != 2)
    return CollateralFail(ErrorCode::kParseError, name + " is not a PEM chain of 2 certificates");
  TEE_TRY(internal::CheckPinnedRoot((*chain)[1].get(), name));
  X509* signer = (*chain)[0].get();
  X509* root = (*chain)[1].get();
  if (X509_check_issued(root, signer) != X509_V_OK ||
      X509_verify(signer, X509_get0_pubkey(root)) != 1)
    return CollateralFail(ErrorCode::kBadCollateralSignature,
                          name + ": '" + internal::CommonName(signer) +
                              "' is not validly signed by the Intel SGX Root CA");
  if (ca && X509_check_ca(signer) == 0)
    return CollateralFail(ErrorCode::kBadCollateralSignature,
                          name + ": '" + internal::CommonName(signer) + "' is not a CA");
  return std::move((*chain)[0]);
}

Outcome<X509CrlPtr> VerifyCrl(ByteView der, X509* issuer, const std::string& name) {
  if (der.size() > kMaxCollateralFileBytes)
    return CollateralFail(ErrorCode::kParseError, name + " exceeds the size limit");
  X509CrlPtr crl = internal::ParseDerCrl(der);
  if (!crl || !X509_CRL_get0_nextUpdate(crl.get()))
    return CollateralFail(ErrorCode::kParseError, name + " is not a DER CRL with a nextUpdate");
  if (X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_subject_name(issuer)) != 0 ||
      X509_CRL_verify(crl.get(), X509_get0_pubkey(issuer)) != 1)
    return CollateralFail(
        ErrorCode::kBadCollateralSignature,
        name + " is not validly signed by '" + internal::CommonName(issuer) + "'");
  return crl;
}

Check CheckNotRevoked(X509_CRL* crl, X509* cert, const std::string& crl_name) {
  X509_REVOKED* entry = nullptr;
  if (X509_CRL_get0_by_serial(crl, &entry, X509_get0_serialNumber(cert)) == 1)
    return Fail(ErrorCode::kRevoked, "certificate '" + internal::CommonName(cert) + "' (serial " +
                                         internal::SerialHex(cert) + ") is revoked by the " +
                                         crl_name + "; Intel no longer trusts it");
  return std::nullopt;
}

// A signed document {"<key>":{...},"signature":"<r||s hex>"}: checks the signature over the exact
// bytes of the value of <key> and returns those bytes.
Outcome<std::string_view> VerifySignedJson(const std::string& doc, const char* key, X509* signer,
                                           const std::string& name) {
  if (doc.size() > kMaxCollateralFileBytes)
    return CollateralFail(ErrorCode::kParseError, name + " exceeds the size limit");
  TEE_ASSIGN_OR_FAIL(std::string_view body, SignedJsonValue(doc, key));
  auto j = nlohmann::json::parse(doc, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("signature") || !j["signature"].is_string())
    return CollateralFail(ErrorCode::kParseError, name + " has no \"signature\" string");
  auto sig = FixedFromHex<64>(j["signature"].get<std::string>());
  if (!sig.ok())
    return CollateralFail(ErrorCode::kParseError, name + " signature is not 128 hex characters");
  if (!internal::VerifyEcdsaP256Sha256(X509_get0_pubkey(signer), AsBytes(body), *sig))
    return CollateralFail(ErrorCode::kBadCollateralSignature,
                          name + " signature does not verify with '" +
                              internal::CommonName(signer) + "' (the document was altered)");
  return body;
}

Check AddCertWindow(std::vector<ValidityWindow>& w, X509* cert, const std::string& role) {
  auto nb = internal::Asn1TimeToUnix(X509_get0_notBefore(cert));
  auto na = internal::Asn1TimeToUnix(X509_get0_notAfter(cert));
  if (!nb || !na) return CollateralFail(ErrorCode::kParseError, role + " has unreadable validity");
  w.push_back({role + " certificate '" + internal::CommonName(cert) + "'", *nb, *na});
  return std::nullopt;
}

Check AddCrlWindow(std::vector<ValidityWindow>& w, X509_CRL* crl, const std::string& name) {
  auto tu = internal::Asn1TimeToUnix(X509_CRL_get0_lastUpdate(crl));
  auto nu = internal::Asn1TimeToUnix(X509_CRL_get0_nextUpdate(crl));
  if (!tu || !nu) return CollateralFail(ErrorCode::kParseError, name + " has unreadable times");
  w.push_back({name, *tu, *nu});
  return std::nullopt;
}

}  // namespace

Result<CollateralFiles> LoadCollateralDir(const std::filesystem::path& dir) {
  CollateralFiles f;
  auto read = [&](const char* name, std::string* out) -> Status {
    auto r = platform::ReadFile(dir / name, kMaxCollateralFileBytes);
    if (!r.ok()) return r.status().WithContext("collateral file " + std::string(name));
    *out = std::move(*r);
    return Status::Ok();
  };
  std::string pck_crl, root_crl;
  RETURN_IF_ERROR(read("tcb_info.json", &f.tcb_info_json));
  RETURN_IF_ERROR(read("qe_identity.json", &f.qe_identity_json));
  RETURN_IF_ERROR(read("tcb_info_issuer_chain.pem", &f.tcb_info_issuer_chain_pem));
  RETURN_IF_ERROR(read("qe_identity_issuer_chain.pem", &f.qe_identity_issuer_chain_pem));
  RETURN_IF_ERROR(read("pck_crl_issuer_chain.pem", &f.pck_crl_issuer_chain_pem));
  RETURN_IF_ERROR(read("root_ca.pem", &f.root_ca_pem));
  RETURN_IF_ERROR(read("pck_crl.der", &pck_crl));
  RETURN_IF_ERROR(read("root_ca_crl.der", &root_crl));
  f.pck_crl_der.assign(pck_crl.begin(), pck_crl.end());
  f.root_ca_crl_der.assign(root_crl.begin(), root_crl.end());
  return f;
}

const ValidityWindow* VerifiedCollateral::FirstInvalidAt(int64_t at_unix) const {
  for (const ValidityWindow& w : windows_)
    if (at_unix < w.not_before_unix || at_unix > w.not_after_unix) return &w;
  return nullptr;
}

Outcome<std::shared_ptr<const VerifiedCollateral>> VerifyCollateral(const CollateralFiles& files) {
  auto certs = std::make_shared<internal::CollateralCerts>();
  auto out = std::make_shared<VerifiedCollateral>();
  std::vector<ValidityWindow>& w = out->windows_;

  auto root = internal::ParsePemChain(files.root_ca_pem, 1);
  if (!root)
    return CollateralFail(ErrorCode::kParseError, "root_ca.pem is not one PEM certificate");
  TEE_TRY(internal::CheckPinnedRoot((*root)[0].get(), "root_ca.pem"));
  certs->root = std::move((*root)[0]);
  certs->root_key = internal::PinnedRootKey();
  TEE_TRY(AddCertWindow(w, certs->root.get(), "root CA"));

  TEE_ASSIGN_OR_FAIL(certs->root_crl,
                     VerifyCrl(files.root_ca_crl_der, certs->root.get(), "Root CA CRL"));
  TEE_TRY(AddCrlWindow(w, certs->root_crl.get(), "Root CA CRL"));
  out->root_crl_this_update_unix_ = w.back().not_before_unix;
  TEE_ASSIGN_OR_FAIL(certs->pck_ca, VerifyIssuerChain(files.pck_crl_issuer_chain_pem,
                                                      "PCK CRL issuer chain", true));
  TEE_TRY(CheckNotRevoked(certs->root_crl.get(), certs->pck_ca.get(), "Root CA CRL"));
  TEE_TRY(AddCertWindow(w, certs->pck_ca.get(), "PCK CA"));
  TEE_ASSIGN_OR_FAIL(certs->pck_crl, VerifyCrl(files.pck_crl_der, certs->pck_ca.get(), "PCK CRL"));
  TEE_TRY(AddCrlWindow(w, certs->pck_crl.get(), "PCK CRL"));
  out->pck_crl_this_update_unix_ = w.back().not_before_unix;

  TEE_ASSIGN_OR_FAIL(X509Ptr tcb_signer, VerifyIssuerChain(files.tcb_info_issuer_chain_pem,
                                                           "TCB Info issuer chain", false));
  TEE_TRY(CheckNotRevoked(certs->root_crl.get(), tcb_signer.get(), "Root CA CRL"));
  TEE_TRY(AddCertWindow(w, tcb_signer.get(), "TCB Info signing"));
  TEE_ASSIGN_OR_FAIL(std::string_view tcb_body, VerifySignedJson(files.tcb_info_json, "tcbInfo",
                                                                 tcb_signer.get(), "TCB Info"));
  TEE_ASSIGN_OR_FAIL(out->tcb_info_, ParseTcbInfo(tcb_body));
  w.push_back({"TCB Info", out->tcb_info_.issue_date_unix, out->tcb_info_.next_update_unix});

  TEE_ASSIGN_OR_FAIL(X509Ptr qe_signer, VerifyIssuerChain(files.qe_identity_issuer_chain_pem,
                                                          "QE Identity issuer chain", false));
  TEE_TRY(CheckNotRevoked(certs->root_crl.get(), qe_signer.get(), "Root CA CRL"));
  TEE_TRY(AddCertWindow(w, qe_signer.get(), "QE Identity signing"));
  TEE_ASSIGN_OR_FAIL(
      std::string_view qe_body,
      VerifySignedJson(files.qe_identity_json, "enclaveIdentity", qe_signer.get(), "QE Identity"));
  TEE_ASSIGN_OR_FAIL(out->qe_identity_, ParseQeIdentity(qe_body));
  w.push_back(
      {"QE Identity", out->qe_identity_.issue_date_unix, out->qe_identity_.next_update_unix});
  certs->known = {{certs->root.get(), internal::CertDer(certs->root.get())},
                  {certs->pck_ca.get(), internal::CertDer(certs->pck_ca.get())}};
  out->certs_ = std::move(certs);
  out->files_ = files;
  return std::shared_ptr<const VerifiedCollateral>(std::move(out));
}

}  // namespace phalanx::tee
