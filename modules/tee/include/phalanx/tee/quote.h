// Intel DCAP quotes: SGX quote v3 and TDX quote v4/v5 (TD report body 1.0 and 1.5), parsed from
// untrusted bytes into plain structs. Every length and offset is checked, and bytes after the
// declared signature data are a parse error (as in Intel's Quote Verification Library).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "phalanx/base/bytes.h"
#include "phalanx/tee/verdict.h"

namespace phalanx::tee {

inline constexpr uint16_t kAttestationKeyTypeEcdsaP256 = 2;
inline constexpr uint32_t kTeeTypeSgx = 0x00000000;
inline constexpr uint32_t kTeeTypeTdx = 0x00000081;
inline constexpr uint16_t kCertificationDataPckChain = 5;
inline constexpr uint16_t kCertificationDataQeReport = 6;
inline constexpr size_t kQuoteHeaderBytes = 48;
inline constexpr size_t kSgxReportBytes = 384;
inline constexpr size_t kTdReport10Bytes = 584;
inline constexpr size_t kTdReport15Bytes = 648;

enum class TeeType { kSgx, kTdx };
std::string_view TeeTypeName(TeeType t);  // "sgx" / "tdx"

enum class BodyType { kSgxEnclaveReport, kTdReport10, kTdReport15 };
// "sgx_enclave_report_384", "td_report_1.0_584", "td_report_1.5_648" (the test data's names).
std::string_view BodyTypeName(BodyType t);

struct QuoteHeader {
  uint16_t version = 0;
  uint16_t attestation_key_type = 0;
  uint32_t tee_type = 0;
  uint16_t qe_svn = 0;   // v3 only; reserved in v4/v5
  uint16_t pce_svn = 0;  // v3 only; reserved in v4/v5
  FixedBytes<16> qe_vendor_id;
  FixedBytes<20> user_data;
};

// An SGX enclave report body (also the layout of the QE report).
struct SgxReport {
  FixedBytes<16> cpu_svn;
  uint32_t misc_select = 0;
  FixedBytes<16> attributes;
  FixedBytes<32> mr_enclave;
  FixedBytes<32> mr_signer;
  uint16_t isv_prod_id = 0;
  uint16_t isv_svn = 0;
  FixedBytes<64> report_data;
  bool debug() const { return (attributes[0] & 0x02) != 0; }
};

// A TD report body 1.0; the two 1.5 fields are set only for BodyType::kTdReport15.
struct TdReport {
  FixedBytes<16> tee_tcb_svn;
  FixedBytes<48> mr_seam;
  FixedBytes<48> mr_signer_seam;
  FixedBytes<8> seam_attributes;
  FixedBytes<8> td_attributes;
  FixedBytes<8> xfam;
  FixedBytes<48> mr_td;
  FixedBytes<48> mr_config_id;
  FixedBytes<48> mr_owner;
  FixedBytes<48> mr_owner_config;
  std::array<FixedBytes<48>, 4> rtmr;
  FixedBytes<64> report_data;
  std::optional<FixedBytes<16>> tee_tcb_svn2;
  std::optional<FixedBytes<48>> mr_service_td;
  bool debug() const { return (td_attributes[0] & 0x01) != 0; }
};

struct Quote {
  QuoteHeader header;
  TeeType tee = TeeType::kSgx;
  BodyType body_type = BodyType::kSgxEnclaveReport;
  std::optional<SgxReport> sgx;  // set for SGX bodies
  std::optional<TdReport> td;    // set for TD bodies
  Bytes signed_region;           // header || body (v5: including body type and size): what the
                                 // attestation key signs

  FixedBytes<64> signature;                               // r || s, big-endian
  FixedBytes<64> attestation_key;                         // P-256 point x || y
  std::optional<uint16_t> outer_certification_data_type;  // 6 in v4/v5
  SgxReport qe_report;
  FixedBytes<kSgxReportBytes> qe_report_raw;  // exactly what the PCK key signs
  FixedBytes<64> qe_report_signature;
  Bytes qe_auth_data;
  uint16_t certification_data_type = 0;
  std::string pck_chain_pem;  // certification data type 5, a trailing NUL removed

  const FixedBytes<64>& report_data() const { return sgx ? sgx->report_data : td->report_data; }
  // The DEBUG bit of the enclave (SGX ATTRIBUTES) or TD (TD_ATTRIBUTES).
  bool debug_any() const { return sgx ? sgx->debug() : td->debug(); }
};

// Parses a quote. Failures: kParseError (truncated, inconsistent lengths, trailing bytes,
// unknown key, body or certification data type, over a limit of limits.h) or kUnsupportedVersion.
Outcome<Quote> ParseQuote(ByteView bytes);

}  // namespace phalanx::tee
