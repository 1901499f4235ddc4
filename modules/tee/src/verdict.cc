// Names of error codes and TCB statuses, as they appear in Intel's documents and the test data.
#include "phalanx/tee/verdict.h"

#include <array>
#include <utility>

namespace phalanx::tee {
namespace {

constexpr std::array<std::pair<TcbStatus, std::string_view>, 9> kStatusNames = {{
    {TcbStatus::kUpToDate, "UpToDate"},
    {TcbStatus::kSwHardeningNeeded, "SWHardeningNeeded"},
    {TcbStatus::kConfigurationNeeded, "ConfigurationNeeded"},
    {TcbStatus::kConfigurationAndSwHardeningNeeded, "ConfigurationAndSWHardeningNeeded"},
    {TcbStatus::kOutOfDate, "OutOfDate"},
    {TcbStatus::kOutOfDateConfigurationNeeded, "OutOfDateConfigurationNeeded"},
    {TcbStatus::kRevoked, "Revoked"},
    {TcbStatus::kTdRelaunchAdvised, "TDRelaunchAdvised"},
    {TcbStatus::kTdRelaunchAdvisedConfigurationNeeded, "TDRelaunchAdvisedConfigurationNeeded"},
}};

}  // namespace

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kParseError:
      return "parse_error";
    case ErrorCode::kUnsupportedVersion:
      return "unsupported_version";
    case ErrorCode::kBadQuoteSignature:
      return "bad_quote_signature";
    case ErrorCode::kBadQeReportSignature:
      return "bad_qe_report_signature";
    case ErrorCode::kBadAttestationKeyBinding:
      return "bad_attestation_key_binding";
    case ErrorCode::kBadPckChain:
      return "bad_pck_chain";
    case ErrorCode::kUntrustedRoot:
      return "untrusted_root";
    case ErrorCode::kRevoked:
      return "revoked";
    case ErrorCode::kBadCollateralSignature:
      return "bad_collateral_signature";
    case ErrorCode::kExpired:
      return "expired";
    case ErrorCode::kTcbRevoked:
      return "tcb_revoked";
    case ErrorCode::kTcbNotSupported:
      return "tcb_not_supported";
    case ErrorCode::kFmspcMismatch:
      return "fmspc_mismatch";
    case ErrorCode::kQeIdentityMismatch:
      return "qe_identity_mismatch";
    case ErrorCode::kSimulatedNotAllowed:
      return "simulated_not_allowed";
    case ErrorCode::kStaleCollateral:
      return "stale_collateral";
    case ErrorCode::kCollateralCacheFull:
      return "collateral_cache_full";
  }
  return "unknown";
}

std::string_view TcbStatusName(TcbStatus status) {
  for (const auto& [s, name] : kStatusNames)
    if (s == status) return name;
  return "unknown";
}

std::optional<TcbStatus> ParseTcbStatus(std::string_view name) {
  for (const auto& [s, n] : kStatusNames)
    if (n == name) return s;
  return std::nullopt;
}

}  // namespace phalanx::tee
