// Quote verification against verified collateral: validity times, the PCK chain in the quote up
// to the pinned root, revocation, the PCK certificate's SGX extension, the QE report signature,
// the attestation-key binding, the quote signature, then the TCB evaluation (tcb.cc).
#include "phalanx/tee/verify.h"

#include <openssl/objects.h>
#include <openssl/sha.h>
#include <openssl/x509v3.h>

#include "collateral_certs.h"
#include "phalanx/tee/limits.h"
#include "phalanx/tee/verify_steps.h"
#include "tcb.h"

namespace phalanx::tee {
namespace {

using internal::X509Ptr;

constexpr char kSgxExtensionOid[] = "1.2.840.113741.1.13.1";

Failure ChainFail(const std::string& what) {
  return Fail(ErrorCode::kBadPckChain,
              "PCK certificate chain in the quote: " + what +
                  "; the quote was altered or not produced by a genuine Intel platform");
}

Check CheckTimes(const VerifiedCollateral& c, const std::vector<X509Ptr>& chain, int64_t t) {
  auto expired = [t](const std::string& what, int64_t nb, int64_t na) {
    return Fail(ErrorCode::kExpired,
                what + " is valid from " + internal::FormatUnixTime(nb) + " to " +
                    internal::FormatUnixTime(na) + ", not at " + internal::FormatUnixTime(t) +
                    (t > na ? "; refresh the collateral from Intel PCS / PCCS"
                            : "; check the verification time (it is before the data was issued)"));
  };
  if (const ValidityWindow* w = c.FirstInvalidAt(t))
    return expired(w->what, w->not_before_unix, w->not_after_unix);
  for (const X509Ptr& cert : chain) {
    auto nb = internal::Asn1TimeToUnix(X509_get0_notBefore(cert.get()));
    auto na = internal::Asn1TimeToUnix(X509_get0_notAfter(cert.get()));
    if (!nb || !na) return ChainFail("unreadable certificate validity");
    if (t < *nb || t > *na)
      return expired("certificate '" + internal::CommonName(cert.get()) + "'", *nb, *na);
  }
  return std::nullopt;
}

// leaf, PCK CA, root: signatures, issuer names, CA flag, pinned root.
Check CheckPckChain(const std::vector<X509Ptr>& chain, const internal::CollateralCerts& certs) {
  if (chain.size() != 3)
    return ChainFail("expected 3 certificates (PCK, PCK CA, root), found " +
                     std::to_string(chain.size()));
  X509* leaf = chain[0].get();
  X509* ca = chain[1].get();
  X509* root = chain[2].get();
  // The collateral's root and PCK CA were checked when the collateral was verified (pinned root,
  // CA issued and signed by it). Byte-identical certificates in the quote need no second check:
  // per quote, only the PCK leaf's signature is new.
  bool same_root = X509_cmp(root, certs.root.get()) == 0;
  bool same_ca = same_root && X509_cmp(ca, certs.pck_ca.get()) == 0;
  if (!same_root)
    TEE_TRY(internal::CheckPinnedRoot(root, "the PCK certificate chain in the quote"));
  if (!same_ca && (X509_check_issued(root, ca) != X509_V_OK ||
                   X509_verify(ca, X509_get0_pubkey(root)) != 1 || X509_check_ca(ca) == 0))
    return ChainFail("'" + internal::CommonName(ca) + "' is not a CA validly signed by the root");
  if (X509_check_issued(ca, leaf) != X509_V_OK || X509_verify(leaf, X509_get0_pubkey(ca)) != 1)
    return ChainFail("the PCK certificate is not validly signed by '" + internal::CommonName(ca) +
                     "'");
  if (X509_NAME_cmp(X509_get_issuer_name(leaf), X509_CRL_get_issuer(certs.pck_crl.get())) != 0)
    return ChainFail("the PCK certificate was issued by '" + internal::CommonName(ca) +
                     "' but the collateral's PCK CRL by another CA; fetch the PCK CRL of that CA");
  return std::nullopt;
}

Check CheckRevocation(const std::vector<X509Ptr>& chain, const internal::CollateralCerts& certs) {
  auto revoked = [](X509_CRL* crl, X509* cert, const char* crl_name) -> Check {
    X509_REVOKED* entry = nullptr;
    if (X509_CRL_get0_by_serial(crl, &entry, X509_get0_serialNumber(cert)) == 1)
      return Fail(ErrorCode::kRevoked,
                  "certificate '" + internal::CommonName(cert) + "' (serial " +
                      internal::SerialHex(cert) + ") is revoked by the " + crl_name +
                      "; Intel no longer trusts this platform's key - the platform must be "
                      "re-provisioned");
    return std::nullopt;
  };
  TEE_TRY(revoked(certs.pck_crl.get(), chain[0].get(), "PCK CRL"));
  TEE_TRY(revoked(certs.root_crl.get(), chain[1].get(), "Root CA CRL"));
  return std::nullopt;
}

Outcome<PckExtensions> ReadPckExtensions(X509* leaf) {
  static ASN1_OBJECT* const kOid = OBJ_txt2obj(kSgxExtensionOid, 1);
  int idx = X509_get_ext_by_OBJ(leaf, kOid, -1);
  if (idx < 0 || X509_get_ext_by_OBJ(leaf, kOid, idx) >= 0)
    return ChainFail("the PCK certificate must carry exactly one SGX extension");
  ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(X509_get_ext(leaf, idx));
  return ParseSgxExtension(ByteView(data->data, static_cast<size_t>(data->length)));
}

Check CheckFmspc(const Quote& q, const PckExtensions& pck, const TcbInfo& info) {
  bool tee_ok = q.tee == TeeType::kSgx ? (info.id.empty() || info.id == "SGX") : info.id == "TDX";
  if (!tee_ok)
    return Fail(ErrorCode::kFmspcMismatch,
                "the TCB Info is for " + (info.id.empty() ? std::string("SGX") : info.id) +
                    " but the quote is " + (q.tee == TeeType::kSgx ? "SGX" : "TDX") +
                    "; supply the TCB Info of this platform");
  if (pck.fmspc != info.fmspc || pck.pce_id != info.pce_id)
    return Fail(ErrorCode::kFmspcMismatch,
                "the TCB Info is for FMSPC " + ToHex(info.fmspc) + " / PCE ID " +
                    ToHex(info.pce_id) + " but the PCK certificate says FMSPC " + ToHex(pck.fmspc) +
                    " / PCE ID " + ToHex(pck.pce_id) + "; supply the TCB Info of this platform");
  return std::nullopt;
}

Check CheckSignatures(const Quote& q, X509* leaf) {
  if (!internal::VerifyEcdsaP256Sha256(X509_get0_pubkey(leaf), q.qe_report_raw.view(),
                                       q.qe_report_signature))
    return Fail(ErrorCode::kBadQeReportSignature,
                "the QE report is not signed by the PCK key of the certificate in the quote; the "
                "quote was altered");
  Bytes bound(q.attestation_key.begin(), q.attestation_key.end());
  bound.insert(bound.end(), q.qe_auth_data.begin(), q.qe_auth_data.end());
  uint8_t digest[32];
  SHA256(bound.data(), bound.size(), digest);
  const FixedBytes<64>& rd = q.qe_report.report_data;
  bool tail_zero = true;
  for (size_t i = 32; i < 64; ++i) tail_zero = tail_zero && rd[i] == 0;
  if (std::memcmp(digest, rd.data.data(), 32) != 0 || !tail_zero)
    return Fail(ErrorCode::kBadAttestationKeyBinding,
                "the QE report does not vouch for the attestation key (REPORTDATA != SHA-256 of "
                "key and QE authentication data); the quote was altered");
  auto key = internal::P256KeyFromRaw(q.attestation_key);
  if (!key || !internal::VerifyEcdsaP256Sha256(key.get(), q.signed_region, q.signature))
    return Fail(ErrorCode::kBadQuoteSignature,
                "the quote signature over header and report body does not verify with the "
                "attestation key; the quote was altered");
  return std::nullopt;
}

Outcome<std::vector<X509Ptr>> ParseChain(const Quote& q,
                                         const std::vector<internal::KnownCert>& known = {}) {
  auto chain = internal::ParsePemChain(q.pck_chain_pem, kMaxChainCertificates, known);
  if (!chain)
    return ChainFail("the PEM text is not 1.." + std::to_string(kMaxChainCertificates) +
                     " well-formed certificates (the limit) separated by whitespace");
  return std::move(*chain);
}

QuoteVerdict Finish(QuoteVerdict v, Check failed) {
  if (failed) {
    v.error = std::move(*failed);
    v.tcb_status.reset();
    v.advisory_ids.clear();
  }
  return v;
}

}  // namespace

struct QuoteVerification::State {
  std::vector<X509Ptr> chain;
  std::optional<PckExtensions> pck;
  // Certificates the chain may reuse instead of decoding: the collateral's root and PCK CA, and a
  // PCK leaf already decoded to find the collateral (VerifyFromCache).
  std::vector<internal::KnownCert> known;
  X509Ptr decoded_leaf;
};

namespace internal {
struct QuoteVerificationAccess {
  static void ReuseLeaf(QuoteVerification& s, X509Ptr leaf) {
    s.state_->known.push_back({leaf.get(), CertDer(leaf.get())});
    s.state_->decoded_leaf = std::move(leaf);
  }
};
}  // namespace internal

QuoteVerification::QuoteVerification(const VerifiedCollateral& collateral, int64_t at_unix,
                                     QuoteVerdict& verdict)
    : collateral_(collateral), at_unix_(at_unix), v_(verdict), state_(std::make_unique<State>()) {
  PHX_CHECK(v_.quote.has_value(), "QuoteVerification needs a parsed quote");
  state_->known = collateral.certs().known;
}

QuoteVerification::~QuoteVerification() = default;

Check QuoteVerification::Chain() {
  state_->chain.clear();
  TEE_ASSIGN_OR_FAIL(state_->chain, ParseChain(*v_.quote, state_->known));
  TEE_TRY(CheckPckChain(state_->chain, collateral_.certs()));
  v_.pck_issuer_ca = internal::CommonName(state_->chain[1].get());
  return CheckTimes(collateral_, state_->chain, at_unix_);
}

Check QuoteVerification::Crls() {
  PHX_CHECK(state_->chain.size() == 3, "Crls() before a successful Chain()");
  return CheckRevocation(state_->chain, collateral_.certs());
}

Check QuoteVerification::Signatures() {
  PHX_CHECK(state_->chain.size() == 3, "Signatures() before a successful Chain()");
  TEE_ASSIGN_OR_FAIL(PckExtensions pck, ReadPckExtensions(state_->chain[0].get()));
  v_.pck = pck;
  state_->pck = pck;
  TEE_TRY(CheckFmspc(*v_.quote, pck, collateral_.tcb_info()));
  return CheckSignatures(*v_.quote, state_->chain[0].get());
}

Check QuoteVerification::Tcb() {
  PHX_CHECK(state_->pck.has_value(), "Tcb() before a successful Signatures()");
  v_.advisory_ids.clear();
  v_.tcb_status.reset();
  return internal::EvaluateTcb(*v_.quote, *state_->pck, collateral_, v_);
}

Check QuoteVerification::All() {
  TEE_TRY(Chain());
  TEE_TRY(Crls());
  TEE_TRY(Signatures());
  return Tcb();
}

// The collateral for a quote from the cache: by TEE type and the FMSPC of the PCK leaf (read
// before the chain is verified, only to choose the collateral; the steps then check it all).
static Check VerifyFromCache(const Quote& q, const CollateralCache& cache, int64_t t,
                             QuoteVerdict& v) {
  // Only the first certificate (the PCK leaf) is decoded here; the steps reuse it, and the
  // collateral's PCK CA and root, when the chain carries the same bytes.
  std::string_view pem = q.pck_chain_pem;
  constexpr std::string_view kEnd = "-----END CERTIFICATE-----";
  size_t end = pem.find(kEnd);
  auto leaf = internal::ParsePemChain(
      pem.substr(0, end == std::string_view::npos ? pem.size() : end + kEnd.size()), 1);
  if (!leaf) return ChainFail("the first certificate is not well-formed PEM");
  TEE_ASSIGN_OR_FAIL(PckExtensions pck, ReadPckExtensions((*leaf)[0].get()));
  std::shared_ptr<const VerifiedCollateral> c = cache.Get(q.tee, pck.fmspc);
  if (!c)
    return Fail(ErrorCode::kFmspcMismatch,
                "no collateral is held for " + std::string(TeeTypeName(q.tee)) + " FMSPC " +
                    ToHex(pck.fmspc) + "; submit this platform's collateral from Intel PCS first");
  QuoteVerification steps(*c, t, v);
  internal::QuoteVerificationAccess::ReuseLeaf(steps, std::move((*leaf)[0]));
  return steps.All();
}

QuoteVerdict VerifySimulated(ByteView quote_bytes, const VerifyOptions& options) {
  QuoteVerdict v;
  v.simulated = true;
  if (!options.allow_simulated) {
    v.error = Fail(ErrorCode::kSimulatedNotAllowed,
                   "this is a SIMULATED quote: it was made without TEE hardware and proves nothing "
                   "about the code that runs; only dev chains (genesis allow_simulated_tee) accept "
                   "it - run the worker on an SGX or TDX machine (see `phalanx tee doctor`)");
    return v;
  }
  Outcome<SimQuote> sim = VerifySimQuote(quote_bytes);
  if (!sim.ok()) {
    v.error = sim.failure();
    return v;
  }
  v.sim = *sim;
  return v;
}

QuoteVerdict VerifyQuote(ByteView quote_bytes, const VerifiedCollateral& collateral,
                         int64_t at_unix, const VerifyOptions& options) {
  if (IsSimulatedQuote(quote_bytes)) return VerifySimulated(quote_bytes, options);
  QuoteVerdict v;
  Outcome<Quote> q = ParseQuote(quote_bytes);
  if (!q.ok()) {
    v.error = q.failure();
    return v;
  }
  v.quote = std::move(q).value();
  Check failed = QuoteVerification(collateral, at_unix, v).All();
  return Finish(std::move(v), std::move(failed));
}

QuoteVerdict VerifyQuote(ByteView quote_bytes, const CollateralCache& cache, int64_t at_unix,
                         const VerifyOptions& options) {
  if (IsSimulatedQuote(quote_bytes)) return VerifySimulated(quote_bytes, options);
  QuoteVerdict v;
  Outcome<Quote> q = ParseQuote(quote_bytes);
  if (!q.ok()) {
    v.error = q.failure();
    return v;
  }
  v.quote = std::move(q).value();
  Check failed = VerifyFromCache(*v.quote, cache, at_unix, v);
  return Finish(std::move(v), std::move(failed));
}

QuoteVerdict VerifyQuote(ByteView quote_bytes, const CollateralFiles& files, int64_t at_unix,
                         const VerifyOptions& options) {
  if (IsSimulatedQuote(quote_bytes)) return VerifySimulated(quote_bytes, options);
  auto collateral = VerifyCollateral(files);
  if (!collateral.ok()) {
    QuoteVerdict v;
    Outcome<Quote> q = ParseQuote(quote_bytes);
    if (q.ok()) v.quote = std::move(q).value();
    v.error = q.ok() ? collateral.failure() : q.failure();
    return v;
  }
  return VerifyQuote(quote_bytes, **collateral, at_unix, options);
}

}  // namespace phalanx::tee
