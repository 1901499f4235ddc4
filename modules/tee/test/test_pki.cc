// TestPki: test root CA, PCK CA, PCK leaf and TCB signer built with OpenSSL, and quotes and
// collateral from the shared vectors re-signed under them.
#include "test_pki.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509v3.h>

#include <stdexcept>
#include <vector>

#include "phalanx/tee/quote.h"
#include "test_util.h"

namespace phalanx::tee::test {
namespace {

constexpr int64_t kNotBefore = 1420070400;  // 2015-01-01
constexpr int64_t kNotAfter = 2524607999;   // 2049-12-31

void Require(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("TestPki: ") + what);
}

PkeyPtr NewKey() {
  PkeyPtr k(EVP_EC_gen("P-256"));
  Require(k != nullptr, "EVP_EC_gen");
  return k;
}

FixedBytes<64> RawPublicKey(EVP_PKEY* key) {
  uint8_t buf[65];
  size_t len = 0;
  Require(EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, buf, sizeof buf, &len) &&
              len == 65,
          "public key");
  return FixedBytes<64>::FromView(ByteView(buf + 1, 64));
}

// ECDSA-P256-SHA256 as raw r||s (the DCAP form).
FixedBytes<64> SignRaw(EVP_PKEY* key, ByteView msg) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t len = 0;
  Require(EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
              EVP_DigestSign(ctx, nullptr, &len, msg.data(), msg.size()) == 1,
          "sign init");
  std::vector<uint8_t> der(len);
  Require(EVP_DigestSign(ctx, der.data(), &len, msg.data(), msg.size()) == 1, "sign");
  EVP_MD_CTX_free(ctx);
  const uint8_t* p = der.data();
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len));
  Require(sig != nullptr, "signature DER");
  const BIGNUM *r, *s;
  ECDSA_SIG_get0(sig, &r, &s);
  FixedBytes<64> out;
  BN_bn2binpad(r, out.data.data(), 32);
  BN_bn2binpad(s, out.data.data() + 32, 32);
  ECDSA_SIG_free(sig);
  return out;
}

void AddExt(X509* x, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, x, nullptr, nullptr, 0);
  X509_EXTENSION* e = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  Require(e != nullptr, "extension");
  X509_add_ext(x, e, -1);
  X509_EXTENSION_free(e);
}

CertPtr MakeCert(const char* cn, EVP_PKEY* subject_key, X509* issuer, EVP_PKEY* issuer_key,
                 long serial, bool ca, X509_EXTENSION* extra = nullptr) {
  CertPtr x(X509_new());
  X509_set_version(x.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x.get()), serial);
  ASN1_TIME_set(X509_getm_notBefore(x.get()), kNotBefore);
  ASN1_TIME_set(X509_getm_notAfter(x.get()), kNotAfter);
  X509_set_pubkey(x.get(), subject_key);
  X509_NAME* name = X509_get_subject_name(x.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("Phalanx Test"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn),
                             -1, -1, 0);
  X509_set_issuer_name(x.get(), issuer ? X509_get_subject_name(issuer) : name);
  X509* signer = issuer ? issuer : x.get();
  AddExt(x.get(), signer, NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  AddExt(x.get(), signer, NID_key_usage,
         ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,nonRepudiation");
  if (extra) X509_add_ext(x.get(), extra, -1);
  Require(X509_sign(x.get(), issuer_key, EVP_sha256()) > 0, "X509_sign");
  return x;
}

std::string Pem(X509* x) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, x);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(bio);
  return out;
}

Bytes MakeCrl(X509* issuer, EVP_PKEY* key, const std::vector<long>& revoked, int64_t this_update,
              int64_t next_update) {
  X509_CRL* crl = X509_CRL_new();
  X509_CRL_set_version(crl, 1);
  X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer));
  ASN1_TIME* tu = ASN1_TIME_set(nullptr, this_update);
  ASN1_TIME* nu = ASN1_TIME_set(nullptr, next_update);
  X509_CRL_set1_lastUpdate(crl, tu);
  X509_CRL_set1_nextUpdate(crl, nu);
  for (long serial : revoked) {
    X509_REVOKED* r = X509_REVOKED_new();
    ASN1_INTEGER* s = ASN1_INTEGER_new();
    ASN1_INTEGER_set(s, serial);
    X509_REVOKED_set_serialNumber(r, s);
    X509_REVOKED_set_revocationDate(r, tu);
    X509_CRL_add0_revoked(crl, r);
    ASN1_INTEGER_free(s);
  }
  X509_CRL_sort(crl);
  Require(X509_CRL_sign(crl, key, EVP_sha256()) > 0, "X509_CRL_sign");
  int len = i2d_X509_CRL(crl, nullptr);
  Bytes out(static_cast<size_t>(len));
  uint8_t* p = out.data();
  i2d_X509_CRL(crl, &p);
  ASN1_TIME_free(tu);
  ASN1_TIME_free(nu);
  X509_CRL_free(crl);
  return out;
}

std::string SignedDocument(const char* key, const nlohmann::json& body, EVP_PKEY* signer) {
  std::string text = body.dump();
  return "{\"" + std::string(key) + "\":" + text + ",\"signature\":\"" +
         ToHex(SignRaw(signer, AsBytes(text))) + "\"}";
}

// The SGX extension of the first certificate of a vector's PCK chain.
X509_EXTENSION* VectorSgxExtension(const std::string& vector) {
  std::string pem = ReadText(VectorsDir() / vector / "collateral" / "pck_cert_chain.pem");
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* leaf = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  Require(leaf != nullptr, "vector PCK leaf");
  ASN1_OBJECT* oid = OBJ_txt2obj("1.2.840.113741.1.13.1", 1);
  int idx = X509_get_ext_by_OBJ(leaf, oid, -1);
  ASN1_OBJECT_free(oid);
  Require(idx >= 0, "SGX extension");
  X509_EXTENSION* ext = X509_EXTENSION_dup(X509_get_ext(leaf, idx));
  X509_free(leaf);
  return ext;
}

void AppendU16(Bytes& b, uint16_t v) {
  b.push_back(v & 0xFF);
  b.push_back(v >> 8);
}
void AppendU32(Bytes& b, uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back((v >> (8 * i)) & 0xFF);
}

}  // namespace

TestPki::TestPki()
    : root_key_(NewKey()),
      pck_ca_key_(NewKey()),
      tcb_key_(NewKey()),
      root_(MakeCert("Phalanx Test Root CA", root_key_.get(), nullptr, root_key_.get(), 1, true)),
      pck_ca_(MakeCert("Phalanx Test PCK Platform CA", pck_ca_key_.get(), root_.get(),
                       root_key_.get(), 0x2001, true)),
      tcb_signer_(MakeCert("Phalanx Test TCB Signing", tcb_key_.get(), root_.get(), root_key_.get(),
                           0x3001, false)) {}

FixedBytes<64> TestPki::root_key() const { return RawPublicKey(root_key_.get()); }

CollateralFiles TestPki::Collateral(const std::string& vector, const CollateralEdits& edits) const {
  auto dir = VectorsDir() / vector / "collateral";
  int64_t at = ReadJson(VectorsDir() / vector / "expected.json")["verify_at_unix"];
  nlohmann::json tcb = ReadJson(dir / "tcb_info.json")["tcbInfo"];
  nlohmann::json qe = ReadJson(dir / "qe_identity.json")["enclaveIdentity"];
  if (edits.tcb_info) edits.tcb_info(tcb);
  if (edits.qe_identity) edits.qe_identity(qe);
  int64_t this_update = edits.crl_this_update_unix.value_or(at - 86400);
  int64_t next_update = this_update + 30 * 86400;
  CollateralFiles f;
  f.tcb_info_json = SignedDocument("tcbInfo", tcb, tcb_key_.get());
  f.qe_identity_json = SignedDocument("enclaveIdentity", qe, tcb_key_.get());
  f.tcb_info_issuer_chain_pem = Pem(tcb_signer_.get()) + Pem(root_.get());
  f.qe_identity_issuer_chain_pem = f.tcb_info_issuer_chain_pem;
  f.pck_crl_issuer_chain_pem = Pem(pck_ca_.get()) + Pem(root_.get());
  f.root_ca_pem = Pem(root_.get());
  std::vector<long> leaf_revoked = {0x777};
  if (edits.revoke_pck_leaf) leaf_revoked.push_back(kLeafSerial);
  f.pck_crl_der = MakeCrl(pck_ca_.get(), pck_ca_key_.get(), leaf_revoked, this_update, next_update);
  std::vector<long> ca_revoked;
  if (edits.revoke_pck_ca) ca_revoked.push_back(0x2001);
  f.root_ca_crl_der = MakeCrl(root_.get(), root_key_.get(), ca_revoked, this_update, next_update);
  return f;
}

Bytes TestPki::Quote(const std::string& vector, const QuoteEdits& edits) const {
  Bytes original = ReadBytes(VectorsDir() / vector / "quote.bin");
  auto parsed = ParseQuote(original);
  Require(parsed.ok(), "vector quote does not parse");
  const tee::Quote& q = *parsed;

  X509_EXTENSION* ext = VectorSgxExtension(vector);
  PkeyPtr leaf_key = NewKey();
  CertPtr leaf = MakeCert("Phalanx Test PCK Certificate", leaf_key.get(), pck_ca_.get(),
                          pck_ca_key_.get(), kLeafSerial, false, ext);
  X509_EXTENSION_free(ext);
  PkeyPtr attestation_key = NewKey();
  FixedBytes<64> attestation_pub = RawPublicKey(attestation_key.get());

  Bytes signed_region = q.signed_region;
  size_t body_offset = q.header.version == 5 ? 54 : 48;
  if (edits.body) {
    Bytes body(signed_region.begin() + body_offset, signed_region.end());
    edits.body(body);
    std::copy(body.begin(), body.end(), signed_region.begin() + body_offset);
  }

  Bytes qe_report(q.qe_report_raw.begin(), q.qe_report_raw.end());
  Bytes bound(attestation_pub.begin(), attestation_pub.end());
  bound.insert(bound.end(), q.qe_auth_data.begin(), q.qe_auth_data.end());
  SHA256(bound.data(), bound.size(), qe_report.data() + 320);
  std::fill(qe_report.begin() + 352, qe_report.end(), 0);

  std::string pem = Pem(leaf.get()) + Pem(pck_ca_.get()) + Pem(root_.get());
  Bytes inner = qe_report;
  FixedBytes<64> qe_sig = SignRaw(leaf_key.get(), qe_report);
  inner.insert(inner.end(), qe_sig.begin(), qe_sig.end());
  AppendU16(inner, static_cast<uint16_t>(q.qe_auth_data.size()));
  inner.insert(inner.end(), q.qe_auth_data.begin(), q.qe_auth_data.end());
  AppendU16(inner, kCertificationDataPckChain);
  AppendU32(inner, static_cast<uint32_t>(pem.size()));
  inner.insert(inner.end(), pem.begin(), pem.end());

  Bytes sig_data;
  FixedBytes<64> quote_sig = SignRaw(attestation_key.get(), signed_region);
  sig_data.insert(sig_data.end(), quote_sig.begin(), quote_sig.end());
  sig_data.insert(sig_data.end(), attestation_pub.begin(), attestation_pub.end());
  if (q.header.version >= 4) {
    AppendU16(sig_data, kCertificationDataQeReport);
    AppendU32(sig_data, static_cast<uint32_t>(inner.size()));
  }
  sig_data.insert(sig_data.end(), inner.begin(), inner.end());

  Bytes out = signed_region;
  AppendU32(out, static_cast<uint32_t>(sig_data.size()));
  out.insert(out.end(), sig_data.begin(), sig_data.end());
  return out;
}

}  // namespace phalanx::tee::test
