// Quote parsing: a bounds-checked little-endian reader over the untrusted bytes, then the fixed
// layouts of Intel's "Intel SGX ECDSA Quote Library Reference" and "TDX DCAP Quoting Library API".
#include "phalanx/tee/quote.h"

#include <cstring>

#include "phalanx/tee/limits.h"

namespace phalanx::tee {
namespace {

Failure ParseFail(std::string what) {
  return Fail(ErrorCode::kParseError,
              "malformed quote: " + std::move(what) +
                  "; the quote is not a well-formed DCAP quote - regenerate it on the worker");
}

// Reads from a byte range; every read checks the remaining length first.
class Reader {
 public:
  explicit Reader(ByteView b) : b_(b) {}
  size_t offset() const { return pos_; }
  size_t remaining() const { return b_.size() - pos_; }
  bool Take(size_t n, ByteView* out) {
    if (n > remaining()) return false;
    *out = b_.subspan(pos_, n);
    pos_ += n;
    return true;
  }
  bool U16(uint16_t* v) {
    ByteView s;
    if (!Take(2, &s)) return false;
    *v = static_cast<uint16_t>(s[0] | (s[1] << 8));
    return true;
  }
  bool U32(uint32_t* v) {
    ByteView s;
    if (!Take(4, &s)) return false;
    *v = uint32_t{s[0]} | (uint32_t{s[1]} << 8) | (uint32_t{s[2]} << 16) | (uint32_t{s[3]} << 24);
    return true;
  }
  template <size_t N>
  bool Fixed(FixedBytes<N>* out) {
    ByteView s;
    if (!Take(N, &s)) return false;
    *out = FixedBytes<N>::FromView(s);
    return true;
  }

 private:
  ByteView b_;
  size_t pos_ = 0;
};

template <size_t N>
FixedBytes<N> At(ByteView b, size_t off) {
  return FixedBytes<N>::FromView(b.subspan(off, N));
}
uint16_t U16At(ByteView b, size_t off) { return static_cast<uint16_t>(b[off] | (b[off + 1] << 8)); }
uint32_t U32At(ByteView b, size_t off) {
  return uint32_t{b[off]} | (uint32_t{b[off + 1]} << 8) | (uint32_t{b[off + 2]} << 16) |
         (uint32_t{b[off + 3]} << 24);
}

SgxReport ParseSgxReport(ByteView b) {  // b.size() == kSgxReportBytes
  SgxReport r;
  r.cpu_svn = At<16>(b, 0);
  r.misc_select = U32At(b, 16);
  r.attributes = At<16>(b, 48);
  r.mr_enclave = At<32>(b, 64);
  r.mr_signer = At<32>(b, 128);
  r.isv_prod_id = U16At(b, 256);
  r.isv_svn = U16At(b, 258);
  r.report_data = At<64>(b, 320);
  return r;
}

TdReport ParseTdReport(ByteView b) {  // b.size() is kTdReport10Bytes or kTdReport15Bytes
  TdReport r;
  r.tee_tcb_svn = At<16>(b, 0);
  r.mr_seam = At<48>(b, 16);
  r.mr_signer_seam = At<48>(b, 64);
  r.seam_attributes = At<8>(b, 112);
  r.td_attributes = At<8>(b, 120);
  r.xfam = At<8>(b, 128);
  r.mr_td = At<48>(b, 136);
  r.mr_config_id = At<48>(b, 184);
  r.mr_owner = At<48>(b, 232);
  r.mr_owner_config = At<48>(b, 280);
  for (size_t i = 0; i < 4; ++i) r.rtmr[i] = At<48>(b, 328 + 48 * i);
  r.report_data = At<64>(b, 520);
  if (b.size() == kTdReport15Bytes) {
    r.tee_tcb_svn2 = At<16>(b, 584);
    r.mr_service_td = At<48>(b, 600);
  }
  return r;
}

// Reads "type u16, size u32, data" and checks the size against the limit and what is left.
Check ReadCertificationData(Reader& r, uint16_t* type, ByteView* data) {
  uint32_t size = 0;
  if (!r.U16(type) || !r.U32(&size)) return ParseFail("certification data header is truncated");
  if (size > kMaxCertificationDataBytes)
    return ParseFail("certification data of " + std::to_string(size) +
                     " bytes exceeds the limit of " + std::to_string(kMaxCertificationDataBytes));
  if (!r.Take(size, data))
    return ParseFail("certification data declares " + std::to_string(size) + " bytes but only " +
                     std::to_string(r.remaining()) + " remain");
  return std::nullopt;
}

// QE report, its signature, QE auth data and the inner (type 5) certification data.
Check ParseQeReportCertificationData(Reader& r, Quote& q) {
  ByteView qe;
  if (!r.Take(kSgxReportBytes, &qe)) return ParseFail("QE report is truncated");
  q.qe_report_raw = FixedBytes<kSgxReportBytes>::FromView(qe);
  q.qe_report = ParseSgxReport(qe);
  if (!r.Fixed(&q.qe_report_signature)) return ParseFail("QE report signature is truncated");
  uint16_t auth_len = 0;
  if (!r.U16(&auth_len)) return ParseFail("QE authentication data length is truncated");
  if (auth_len > kMaxQeAuthDataBytes)
    return ParseFail("QE authentication data of " + std::to_string(auth_len) +
                     " bytes exceeds the limit of " + std::to_string(kMaxQeAuthDataBytes));
  ByteView auth;
  if (!r.Take(auth_len, &auth)) return ParseFail("QE authentication data is truncated");
  q.qe_auth_data.assign(auth.begin(), auth.end());
  ByteView cert;
  TEE_TRY(ReadCertificationData(r, &q.certification_data_type, &cert));
  if (q.certification_data_type != kCertificationDataPckChain)
    return ParseFail("certification data type " + std::to_string(q.certification_data_type) +
                     " is not supported (only 5, the PEM PCK certificate chain)");
  size_t n = cert.size();
  while (n > 0 && cert[n - 1] == 0) --n;  // the QE NUL-terminates the PEM text
  q.pck_chain_pem.assign(reinterpret_cast<const char*>(cert.data()), n);
  return std::nullopt;
}

Check ParseSignatureData(ByteView sig, Quote& q) {
  Reader r(sig);
  if (!r.Fixed(&q.signature)) return ParseFail("quote signature is truncated");
  if (!r.Fixed(&q.attestation_key)) return ParseFail("attestation key is truncated");
  if (q.header.version == 3) {
    TEE_TRY(ParseQeReportCertificationData(r, q));
  } else {
    uint16_t outer_type = 0;
    ByteView outer;
    TEE_TRY(ReadCertificationData(r, &outer_type, &outer));
    if (outer_type != kCertificationDataQeReport)
      return ParseFail("outer certification data type " + std::to_string(outer_type) +
                       " is not supported (v4/v5 quotes carry type 6, QE report data)");
    q.outer_certification_data_type = outer_type;
    Reader inner(outer);
    TEE_TRY(ParseQeReportCertificationData(inner, q));
    if (inner.remaining() != 0)
      return ParseFail(std::to_string(inner.remaining()) +
                       " bytes after the PCK chain inside the QE report certification data");
  }
  if (r.remaining() != 0)
    return ParseFail(std::to_string(r.remaining()) + " bytes after the certification data");
  return std::nullopt;
}

Check ParseHeader(Reader& r, QuoteHeader& h) {
  if (!r.U16(&h.version)) return ParseFail("header is truncated");
  if (h.version != 3 && h.version != 4 && h.version != 5)
    return Fail(ErrorCode::kUnsupportedVersion,
                "quote version " + std::to_string(h.version) +
                    " is not supported (SGX v3, TDX v4 and v5 are); update the verifier or "
                    "produce a supported quote version");
  ByteView rest;
  if (r.remaining() < kQuoteHeaderBytes - 2) return ParseFail("header is truncated");
  (void)r.U16(&h.attestation_key_type);
  (void)r.U32(&h.tee_type);
  (void)r.U16(&h.qe_svn);
  (void)r.U16(&h.pce_svn);
  (void)r.Fixed(&h.qe_vendor_id);
  (void)r.Fixed(&h.user_data);
  if (h.attestation_key_type != kAttestationKeyTypeEcdsaP256)
    return ParseFail("attestation key type " + std::to_string(h.attestation_key_type) +
                     " is not supported (only 2, ECDSA-256 with P-256)");
  if (h.tee_type != kTeeTypeSgx && h.tee_type != kTeeTypeTdx)
    return ParseFail("unknown TEE type " + std::to_string(h.tee_type));
  if (h.version == 3 && h.tee_type != kTeeTypeSgx)
    return ParseFail("a v3 quote must have TEE type SGX");
  return std::nullopt;
}

// Body after the header: v3/v4 by TEE type; v5 by its explicit body type and size.
Check ParseBody(Reader& r, Quote& q) {
  size_t size = 0;
  if (q.header.version == 5) {
    uint16_t type = 0;
    uint32_t declared = 0;
    if (!r.U16(&type) || !r.U32(&declared)) return ParseFail("v5 body descriptor is truncated");
    switch (type) {
      case 1:
        q.body_type = BodyType::kSgxEnclaveReport, size = kSgxReportBytes;
        break;
      case 2:
        q.body_type = BodyType::kTdReport10, size = kTdReport10Bytes;
        break;
      case 3:
        q.body_type = BodyType::kTdReport15, size = kTdReport15Bytes;
        break;
      default:
        return ParseFail("unknown v5 body type " + std::to_string(type));
    }
    if (declared != size)
      return ParseFail("v5 body size " + std::to_string(declared) + " does not match body type " +
                       std::to_string(type) + " (" + std::to_string(size) + " bytes)");
  } else if (q.header.tee_type == kTeeTypeTdx) {
    q.body_type = BodyType::kTdReport10, size = kTdReport10Bytes;
  } else {
    q.body_type = BodyType::kSgxEnclaveReport, size = kSgxReportBytes;
  }
  bool sgx_body = q.body_type == BodyType::kSgxEnclaveReport;
  if (sgx_body != (q.header.tee_type == kTeeTypeSgx))
    return ParseFail("body type does not match the TEE type of the header");
  q.tee = sgx_body ? TeeType::kSgx : TeeType::kTdx;
  ByteView body;
  if (!r.Take(size, &body)) return ParseFail("report body is truncated");
  if (sgx_body) {
    q.sgx = ParseSgxReport(body);
  } else {
    q.td = ParseTdReport(body);
  }
  return std::nullopt;
}

}  // namespace

std::string_view TeeTypeName(TeeType t) { return t == TeeType::kSgx ? "sgx" : "tdx"; }

std::string_view BodyTypeName(BodyType t) {
  switch (t) {
    case BodyType::kSgxEnclaveReport:
      return "sgx_enclave_report_384";
    case BodyType::kTdReport10:
      return "td_report_1.0_584";
    case BodyType::kTdReport15:
      return "td_report_1.5_648";
  }
  return "unknown";
}

Outcome<Quote> ParseQuote(ByteView bytes) {
  if (bytes.empty()) return ParseFail("the quote is empty");
  if (bytes.size() > kMaxQuoteBytes)
    return ParseFail("quote of " + std::to_string(bytes.size()) + " bytes exceeds the limit of " +
                     std::to_string(kMaxQuoteBytes));
  Quote q;
  Reader r(bytes);
  TEE_TRY(ParseHeader(r, q.header));
  TEE_TRY(ParseBody(r, q));
  size_t signed_end = r.offset();
  q.signed_region.assign(bytes.begin(), bytes.begin() + signed_end);
  uint32_t sig_len = 0;
  if (!r.U32(&sig_len)) return ParseFail("signature data length is truncated");
  if (sig_len != r.remaining())
    return ParseFail("signature data declares " + std::to_string(sig_len) + " bytes but " +
                     std::to_string(r.remaining()) +
                     " follow (Intel's verifier rejects both truncation and trailing bytes)");
  ByteView sig;
  (void)r.Take(sig_len, &sig);
  TEE_TRY(ParseSignatureData(sig, q));
  return q;
}

}  // namespace phalanx::tee
