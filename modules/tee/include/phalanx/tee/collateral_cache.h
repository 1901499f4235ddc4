// CollateralCache: verified collateral held per platform (TEE type and FMSPC), updated by anyone
// with newer Intel-signed data. Verification happens once, in Update; quotes are then checked
// against the cached value with no further collateral work.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string_view>
#include <utility>

#include "phalanx/base/bytes.h"
#include "phalanx/tee/collateral.h"
#include "phalanx/tee/quote.h"
#include "phalanx/tee/verdict.h"

namespace phalanx::tee {

enum class CollateralUpdate {
  kInserted,   // first collateral for this platform
  kReplaced,   // newer than the one held, which it replaces
  kUnchanged,  // byte-identical to the one held
};
std::string_view CollateralUpdateName(CollateralUpdate u);  // "inserted", "replaced", "unchanged"

// The TEE a TCB Info document is for: "TDX" -> tdx, "SGX" or absent (v2) -> sgx.
TeeType CollateralTee(const TcbInfo& info);

// Thread-safe. Keyed by TEE type and FMSPC, because one TDX platform has an SGX and a TDX TCB Info
// under the same FMSPC.
class CollateralCache {
 public:
  // Verifies every signature and chain (VerifyCollateral) and that every document is valid at
  // `at_unix`, then stores the collateral if it is newer than the one held for its platform:
  //  - a higher TCB Info tcbEvaluationDataNumber wins; a lower one is refused (kStaleCollateral);
  //  - with an equal number, byte-identical collateral is a no-op (kUnchanged); otherwise it must
  //    not lower the QE Identity tcbEvaluationDataNumber, the issue dates of TCB Info and QE
  //    Identity or the thisUpdate of either CRL, and must raise at least one of them (Intel
  //    re-issues documents with the same number daily) - else kStaleCollateral.
  // Other failures: those of VerifyCollateral, kExpired, kCollateralCacheFull.
  Outcome<CollateralUpdate> Update(const CollateralFiles& files, int64_t at_unix);
  Outcome<CollateralUpdate> Update(std::shared_ptr<const VerifiedCollateral> collateral,
                                   int64_t at_unix);

  // The collateral held for a platform, or nullptr.
  std::shared_ptr<const VerifiedCollateral> Get(TeeType tee, const FixedBytes<6>& fmspc) const;
  size_t size() const;

 private:
  using Key = std::pair<TeeType, FixedBytes<6>>;
  mutable std::mutex mu_;
  std::map<Key, std::shared_ptr<const VerifiedCollateral>> entries_;  // guarded by mu_
};

}  // namespace phalanx::tee
