// DCAP collateral: the Intel-signed documents a quote is verified against (TCB Info, QE Identity,
// CRLs and their issuer chains), as raw files (codec-encodable, so the chain can store them) and as
// parsed, signature-checked values.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "phalanx/base/bytes.h"
#include "phalanx/base/result.h"
#include "phalanx/tee/verdict.h"

namespace phalanx::codec {
class Encoder;
class Decoder;
}  // namespace phalanx::codec

namespace phalanx::tee {

// The files of a collateral directory, byte for byte (names as in the test data). This is the
// canonical form of collateral: what the chain stores and what anyone may submit as an update;
// everything else is derived from it by VerifyCollateral.
struct CollateralFiles {
  std::string tcb_info_json;                 // tcb_info.json
  std::string qe_identity_json;              // qe_identity.json
  std::string tcb_info_issuer_chain_pem;     // tcb_info_issuer_chain.pem
  std::string qe_identity_issuer_chain_pem;  // qe_identity_issuer_chain.pem
  std::string pck_crl_issuer_chain_pem;      // pck_crl_issuer_chain.pem
  std::string root_ca_pem;                   // root_ca.pem (checked against the pinned root)
  Bytes pck_crl_der;                         // pck_crl.der
  Bytes root_ca_crl_der;                     // root_ca_crl.der

  // Codec form: u8 format version (1), then the eight files in the order above, each as
  // length-prefixed bytes of at most kMaxCollateralFileBytes (text is not required to be UTF-8:
  // it is Intel's, and checked by VerifyCollateral, not by the codec).
  void Encode(codec::Encoder& e) const;
  static Result<CollateralFiles> Decode(codec::Decoder& d);
  static constexpr size_t kMinEncodedBytes = 1 + 8;
  bool operator==(const CollateralFiles&) const = default;
};

// Reads a directory laid out like shared/testdata/attestation/<vector>/collateral.
Result<CollateralFiles> LoadCollateralDir(const std::filesystem::path& dir);

struct TcbLevel {
  std::array<uint8_t, 16> sgx_components{};
  uint16_t pce_svn = 0;
  std::optional<std::array<uint8_t, 16>> tdx_components;  // TDX TCB Info only
  int64_t tcb_date_unix = 0;
  TcbStatus status = TcbStatus::kUpToDate;
  std::vector<std::string> advisory_ids;
};

// A QE Identity or TDX module identity level: one ISV SVN threshold.
struct IsvTcbLevel {
  uint16_t isv_svn = 0;
  int64_t tcb_date_unix = 0;
  TcbStatus status = TcbStatus::kUpToDate;
  std::vector<std::string> advisory_ids;
};

struct TdxModuleIdentity {
  std::string id;  // "TDX_01", ...
  FixedBytes<48> mr_signer;
  FixedBytes<8> attributes;
  FixedBytes<8> attributes_mask;
  std::vector<IsvTcbLevel> levels;
};

struct TcbInfo {
  std::string id;  // "SGX", "TDX"; empty for v2 (SGX only)
  uint32_t version = 0;
  int64_t issue_date_unix = 0;
  int64_t next_update_unix = 0;
  FixedBytes<6> fmspc;
  FixedBytes<2> pce_id;
  uint32_t tcb_type = 0;
  uint32_t tcb_evaluation_data_number = 0;
  std::optional<TdxModuleIdentity> tdx_module;  // "tdxModule" (id empty, no levels)
  std::vector<TdxModuleIdentity> tdx_module_identities;
  std::vector<TcbLevel> levels;  // published order: highest first
};

struct QeIdentity {
  std::string id;  // "QE", "TD_QE", ...
  uint32_t version = 0;
  int64_t issue_date_unix = 0;
  int64_t next_update_unix = 0;
  uint32_t tcb_evaluation_data_number = 0;
  uint32_t misc_select = 0;
  uint32_t misc_select_mask = 0;
  FixedBytes<16> attributes;
  FixedBytes<16> attributes_mask;
  FixedBytes<32> mr_signer;
  uint16_t isv_prod_id = 0;
  std::vector<IsvTcbLevel> levels;
};

// The exact bytes of the value of top-level key `key` in a JSON object text (what Intel signs).
// Failure code kParseError if the text is not an object or the key is missing or repeated.
Outcome<std::string_view> SignedJsonValue(std::string_view document, std::string_view key);

// Parse the signed `tcbInfo` / `enclaveIdentity` objects (no signature check; code kParseError).
Outcome<TcbInfo> ParseTcbInfo(std::string_view tcb_info_object);
Outcome<QeIdentity> ParseQeIdentity(std::string_view enclave_identity_object);

namespace internal {
struct CollateralCerts;  // OpenSSL objects (root, PCK CA, CRLs), private to tee
}

// A validity window of one collateral item, checked against the verification time.
struct ValidityWindow {
  std::string what;  // "TCB Info", "PCK CRL", "certificate 'Intel SGX TCB Signing'", ...
  int64_t not_before_unix = 0;
  int64_t not_after_unix = 0;
};

// Collateral whose signatures and chains have been checked (by VerifyCollateral); immutable.
class VerifiedCollateral {
 public:
  const CollateralFiles& files() const { return files_; }
  const TcbInfo& tcb_info() const { return tcb_info_; }
  const QeIdentity& qe_identity() const { return qe_identity_; }
  const std::vector<ValidityWindow>& windows() const { return windows_; }
  const internal::CollateralCerts& certs() const { return *certs_; }
  // thisUpdate of the two CRLs: with the documents' issue dates, what orders two collateral sets
  // of equal tcbEvaluationDataNumber (CollateralCache).
  int64_t pck_crl_this_update_unix() const { return pck_crl_this_update_unix_; }
  int64_t root_crl_this_update_unix() const { return root_crl_this_update_unix_; }
  // The first window that does not contain `at_unix`, or nullptr.
  const ValidityWindow* FirstInvalidAt(int64_t at_unix) const;

 private:
  friend Outcome<std::shared_ptr<const VerifiedCollateral>> VerifyCollateral(
      const CollateralFiles& files);
  CollateralFiles files_;
  TcbInfo tcb_info_;
  QeIdentity qe_identity_;
  int64_t pck_crl_this_update_unix_ = 0;
  int64_t root_crl_this_update_unix_ = 0;
  std::vector<ValidityWindow> windows_;
  std::shared_ptr<const internal::CollateralCerts> certs_;
};

// Checks every collateral signature and chain up to the pinned Intel SGX Root CA and the
// revocation of the collateral's own certificates; times are checked per verification, so the
// result can be cached and reused until its documents expire. Failure codes: kParseError,
// kUntrustedRoot, kBadCollateralSignature, kRevoked.
Outcome<std::shared_ptr<const VerifiedCollateral>> VerifyCollateral(const CollateralFiles& files);

}  // namespace phalanx::tee
