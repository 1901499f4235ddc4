// CollateralCache: one verified collateral set per (TEE type, FMSPC), replaced only by a newer
// Intel-signed set (see collateral_cache.h for the ordering rule).
#include "phalanx/tee/collateral_cache.h"

#include <string>

#include "openssl_util.h"
#include "phalanx/tee/limits.h"

namespace phalanx::tee {
namespace {

Failure Stale(const std::string& what) {
  return Fail(ErrorCode::kStaleCollateral,
              "collateral refused: " + what +
                  "; the collateral already held is kept (submit collateral freshly fetched from "
                  "Intel PCS / PCCS)");
}

// Why `next` may not replace `held` (both of equal TCB Info tcbEvaluationDataNumber), or nullopt.
Check CheckNewerAtEqualNumber(const VerifiedCollateral& held, const VerifiedCollateral& next) {
  struct Field {
    const char* what;
    int64_t held, next;
  };
  const Field fields[] = {
      {"QE Identity tcbEvaluationDataNumber", held.qe_identity().tcb_evaluation_data_number,
       next.qe_identity().tcb_evaluation_data_number},
      {"TCB Info issueDate", held.tcb_info().issue_date_unix, next.tcb_info().issue_date_unix},
      {"QE Identity issueDate", held.qe_identity().issue_date_unix,
       next.qe_identity().issue_date_unix},
      {"PCK CRL thisUpdate", held.pck_crl_this_update_unix(), next.pck_crl_this_update_unix()},
      {"Root CA CRL thisUpdate", held.root_crl_this_update_unix(),
       next.root_crl_this_update_unix()},
  };
  bool newer = false;
  for (const Field& f : fields) {
    if (f.next < f.held)
      return Stale(std::string("its ") + f.what + " (" + std::to_string(f.next) +
                   ") is older than the held one (" + std::to_string(f.held) + ")");
    newer = newer || f.next > f.held;
  }
  if (!newer)
    return Stale(
        "it has the same tcbEvaluationDataNumber, issue dates and CRL dates as the held "
        "collateral but different bytes");
  return std::nullopt;
}

}  // namespace

std::string_view CollateralUpdateName(CollateralUpdate u) {
  switch (u) {
    case CollateralUpdate::kInserted:
      return "inserted";
    case CollateralUpdate::kReplaced:
      return "replaced";
    case CollateralUpdate::kUnchanged:
      return "unchanged";
  }
  return "unknown";
}

TeeType CollateralTee(const TcbInfo& info) {
  return info.id == "TDX" ? TeeType::kTdx : TeeType::kSgx;
}

Outcome<CollateralUpdate> CollateralCache::Update(const CollateralFiles& files, int64_t at_unix) {
  auto verified = VerifyCollateral(files);
  if (!verified.ok()) return verified.failure();
  return Update(std::move(verified).value(), at_unix);
}

Outcome<CollateralUpdate> CollateralCache::Update(
    std::shared_ptr<const VerifiedCollateral> collateral, int64_t at_unix) {
  if (const ValidityWindow* w = collateral->FirstInvalidAt(at_unix))
    return Fail(ErrorCode::kExpired, "collateral refused: " + w->what + " is valid from " +
                                         internal::FormatUnixTime(w->not_before_unix) + " to " +
                                         internal::FormatUnixTime(w->not_after_unix) + ", not at " +
                                         internal::FormatUnixTime(at_unix) +
                                         "; submit collateral freshly fetched from Intel PCS");
  const TcbInfo& info = collateral->tcb_info();
  Key key{CollateralTee(info), info.fmspc};
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    if (entries_.size() >= kMaxCachedCollaterals)
      return Fail(ErrorCode::kCollateralCacheFull, "collateral refused: the cache already holds " +
                                                       std::to_string(kMaxCachedCollaterals) +
                                                       " platforms (the limit)");
    entries_.emplace(key, std::move(collateral));
    return CollateralUpdate::kInserted;
  }
  const VerifiedCollateral& held = *it->second;
  uint32_t held_number = held.tcb_info().tcb_evaluation_data_number;
  uint32_t next_number = info.tcb_evaluation_data_number;
  if (next_number < held_number)
    return Stale("its TCB Info tcbEvaluationDataNumber " + std::to_string(next_number) +
                 " is lower than the held " + std::to_string(held_number));
  if (next_number == held_number) {
    if (held.files() == collateral->files()) return CollateralUpdate::kUnchanged;
    TEE_TRY(CheckNewerAtEqualNumber(held, *collateral));
  } else if (collateral->qe_identity().tcb_evaluation_data_number <
             held.qe_identity().tcb_evaluation_data_number) {
    return Stale("its QE Identity tcbEvaluationDataNumber is lower than the held one");
  }
  it->second = std::move(collateral);
  return CollateralUpdate::kReplaced;
}

std::shared_ptr<const VerifiedCollateral> CollateralCache::Get(TeeType tee,
                                                               const FixedBytes<6>& fmspc) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(Key{tee, fmspc});
  return it == entries_.end() ? nullptr : it->second;
}

size_t CollateralCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

}  // namespace phalanx::tee
