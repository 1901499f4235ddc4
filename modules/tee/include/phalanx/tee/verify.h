// DCAP quote verification: a quote against verified collateral at a caller-given time (the chain
// passes the block time; tee never reads the clock). The verdict is `ok` with Intel's TCB status
// and advisory IDs, or exactly one error code with a message for the operator.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "phalanx/base/bytes.h"
#include "phalanx/tee/collateral.h"
#include "phalanx/tee/collateral_cache.h"
#include "phalanx/tee/pck.h"
#include "phalanx/tee/quote.h"
#include "phalanx/tee/sim.h"
#include "phalanx/tee/verdict.h"

namespace phalanx::tee {

struct VerifyOptions {
  // Accept SIMULATED quotes (sim.h), which prove nothing about hardware. Dev chains only: set it
  // exactly when the chain's genesis says allow_simulated_tee. Otherwise a simulated quote is
  // refused with kSimulatedNotAllowed.
  bool allow_simulated = false;
};

struct QuoteVerdict {
  std::optional<Failure> error;  // nullopt: ok
  bool ok() const { return !error; }

  std::optional<Quote> quote;           // when a DCAP quote parsed
  std::optional<SimQuote> sim;          // when the quote is SIMULATED (and allowed and signed)
  bool simulated = false;               // the input was a SIMULATED quote, accepted or not
  std::optional<PckExtensions> pck;     // when the PCK certificate was read
  std::optional<TcbStatus> tcb_status;  // the converged status, when ok
  std::vector<std::string> advisory_ids;
  // Intermediate results of the TCB evaluation (set as far as it got).
  std::optional<TcbStatus> platform_tcb_status;
  std::optional<TcbStatus> qe_tcb_status;
  std::optional<TcbStatus> tdx_module_tcb_status;
  std::string tdx_module_identity;  // "TDX_01", empty if none was used
  std::string pck_issuer_ca;        // CN of the PCK leaf's issuer
};

// Verifies `quote_bytes` at `at_unix` (seconds since the epoch) against collateral already
// checked by VerifyCollateral (cache it by FMSPC; it does not depend on the time). A SIMULATED
// quote is handled by VerifySimulated (no collateral is used).
QuoteVerdict VerifyQuote(ByteView quote_bytes, const VerifiedCollateral& collateral,
                         int64_t at_unix, const VerifyOptions& options = {});

// Convenience: VerifyCollateral then VerifyQuote; a collateral failure is the verdict.
QuoteVerdict VerifyQuote(ByteView quote_bytes, const CollateralFiles& files, int64_t at_unix,
                         const VerifyOptions& options = {});

// Looks the collateral up in `cache` by the TEE type of the quote and the FMSPC of its PCK
// certificate; none held is kFmspcMismatch (submit the platform's collateral first).
QuoteVerdict VerifyQuote(ByteView quote_bytes, const CollateralCache& cache, int64_t at_unix,
                         const VerifyOptions& options = {});

// A SIMULATED quote: kSimulatedNotAllowed unless options.allow_simulated, else its signature.
QuoteVerdict VerifySimulated(ByteView quote_bytes, const VerifyOptions& options);

}  // namespace phalanx::tee
