// Typed outcomes of attestation: the error codes a caller (the chain, the CLI) branches on, the
// TCB statuses Intel publishes, and Outcome<T>, a value or a Failure {code, operator message}.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "phalanx/base/check.h"
#include "phalanx/base/status.h"

namespace phalanx::tee {

enum class ErrorCode {
  kParseError,
  kUnsupportedVersion,
  kBadQuoteSignature,
  kBadQeReportSignature,
  kBadAttestationKeyBinding,
  kBadPckChain,
  kUntrustedRoot,
  kRevoked,
  kBadCollateralSignature,
  kExpired,
  kTcbRevoked,
  kTcbNotSupported,
  kFmspcMismatch,
  kQeIdentityMismatch,
  kSimulatedNotAllowed,  // a `sim` quote given to a verifier without allow_simulated
  kStaleCollateral,      // collateral older than (or conflicting with) the one already held
  kCollateralCacheFull,  // CollateralCache holds kMaxCachedCollaterals platforms already
};

// "parse_error", "bad_quote_signature", ... (the vocabulary of the test data and the CLI).
std::string_view ErrorCodeName(ErrorCode code);

// Intel's TCB statuses (TCB Info v2/v3, QE Identity v2, TDX module identities).
enum class TcbStatus {
  kUpToDate,
  kSwHardeningNeeded,
  kConfigurationNeeded,
  kConfigurationAndSwHardeningNeeded,
  kOutOfDate,
  kOutOfDateConfigurationNeeded,
  kRevoked,
  kTdRelaunchAdvised,
  kTdRelaunchAdvisedConfigurationNeeded,
};

// Intel's spelling: "UpToDate", "SWHardeningNeeded", ...
std::string_view TcbStatusName(TcbStatus status);
std::optional<TcbStatus> ParseTcbStatus(std::string_view name);

struct Failure {
  ErrorCode code;
  std::string message;  // what is wrong and what the operator can do about it
};

// A value or a Failure, never both. Accessing the value of a failed Outcome is a programmer error.
template <typename T>
class [[nodiscard]] Outcome {
 public:
  Outcome(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Outcome(Failure f) : v_(std::move(f)) {}    // NOLINT
  bool ok() const { return v_.index() == 0; }
  const Failure& failure() const {
    PHX_CHECK(!ok(), "failure() of a successful Outcome");
    return std::get<1>(v_);
  }
  T& value() & {
    PHX_CHECK(ok(), std::get<1>(v_).message);
    return std::get<0>(v_);
  }
  const T& value() const& {
    PHX_CHECK(ok(), std::get<1>(v_).message);
    return std::get<0>(v_);
  }
  T&& value() && {
    PHX_CHECK(ok(), std::get<1>(v_).message);
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Failure> v_;
};

// For checks that produce no value: nullopt means the check passed.
using Check = std::optional<Failure>;

inline Failure Fail(ErrorCode code, std::string message) { return {code, std::move(message)}; }

}  // namespace phalanx::tee

// TEE_TRY(check): returns the Failure from the enclosing function if the Check failed.
#define TEE_TRY(expr)                              \
  do {                                             \
    ::phalanx::tee::Check phx_check_ = (expr);     \
    if (phx_check_) return std::move(*phx_check_); \
  } while (0)

// TEE_ASSIGN_OR_FAIL(auto x, ParseSomething()); returns the Failure on error.
#define TEE_ASSIGN_OR_FAIL(lhs, expr) \
  TEE_ASSIGN_OR_FAIL_IMPL(PHX_CONCAT(phx_outcome_, __LINE__), lhs, expr)
#define TEE_ASSIGN_OR_FAIL_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                            \
  if (!tmp.ok()) return tmp.failure();          \
  lhs = std::move(tmp).value()
