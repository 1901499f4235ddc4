// TCB evaluation (private): choose the TCB Info level, TDX module level and QE Identity level
// that apply to a platform and converge them into one status, following Intel's QVL.
#pragma once

#include "phalanx/tee/collateral.h"
#include "phalanx/tee/pck.h"
#include "phalanx/tee/quote.h"
#include "phalanx/tee/verify.h"

namespace phalanx::tee::internal {

// QE Identity policy (MRSIGNER, ISVPRODID, masked MISCSELECT/ATTRIBUTES) and the TCB levels.
// Fills the status fields of `v`; failures: kQeIdentityMismatch, kTcbNotSupported, kTcbRevoked.
Check EvaluateTcb(const Quote& q, const PckExtensions& pck, const VerifiedCollateral& c,
                  QuoteVerdict& v);

}  // namespace phalanx::tee::internal
