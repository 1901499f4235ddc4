// VerifyQuote split into its steps, so benchmarks can time each one and tools can show how far a
// quote got. VerifyQuote against verified collateral is exactly ParseQuote, then Chain, Crls,
// Signatures and Tcb of this class, stopping at the first failure.
#pragma once

#include <memory>

#include "phalanx/tee/collateral.h"
#include "phalanx/tee/verify.h"

namespace phalanx::tee {

namespace internal {
struct QuoteVerificationAccess;
}

class QuoteVerification {
 public:
  // `verdict.quote` must be set (a parsed quote); the steps fill the other fields. Each step
  // needs the previous ones to have passed, and may be repeated (it recomputes what it sets).
  QuoteVerification(const VerifiedCollateral& collateral, int64_t at_unix, QuoteVerdict& verdict);
  ~QuoteVerification();
  QuoteVerification(const QuoteVerification&) = delete;
  QuoteVerification& operator=(const QuoteVerification&) = delete;

  // The PEM chain in the quote: leaf <- PCK CA <- pinned root signatures and issuers, and every
  // validity window (collateral and chain) at the verification time.
  Check Chain();
  // The PCK leaf against the PCK CRL and the PCK CA against the Root CA CRL.
  Check Crls();
  // The PCK certificate's SGX extension and FMSPC, the QE report signature, the attestation-key
  // binding and the quote signature.
  Check Signatures();
  // QE Identity and TCB level selection and convergence.
  Check Tcb();
  // All four in order.
  Check All();

 private:
  friend struct internal::QuoteVerificationAccess;
  struct State;
  const VerifiedCollateral& collateral_;
  int64_t at_unix_;
  QuoteVerdict& v_;
  std::unique_ptr<State> state_;
};

}  // namespace phalanx::tee
