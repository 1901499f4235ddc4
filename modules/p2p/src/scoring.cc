// Verdict penalties and the ban list.
#include "phalanx/p2p/scoring.h"

#include <algorithm>

namespace phalanx::p2p {

std::string_view VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kOk:
      return "ok";
    case Verdict::kUseless:
      return "useless";
    case Verdict::kInvalid:
      return "invalid";
    case Verdict::kOversized:
      return "oversized";
    case Verdict::kNotRelayed:
      return "not_relayed";
  }
  return "unknown";
}

int VerdictPenalty(Verdict v) {
  switch (v) {
    case Verdict::kOk:
      return 0;
    case Verdict::kUseless:
      return kUselessPenalty;
    case Verdict::kInvalid:
      return kInvalidPenalty;
    case Verdict::kOversized:
      return kOversizedPenalty;
    case Verdict::kNotRelayed:
      return 0;
  }
  return kInvalidPenalty;
}

void BanList::Ban(const std::optional<PeerId>& peer, const std::string& ip, uint64_t now_ms,
                  uint64_t duration_ms, std::string reason) {
  Expire(now_ms);
  if (max_entries_ == 0) return;
  while (entries_.size() >= max_entries_) entries_.pop_front();
  entries_.push_back(BanInfo{peer, ip, now_ms + duration_ms, std::move(reason)});
}

bool BanList::IsPeerBanned(const PeerId& peer, uint64_t now_ms) const {
  return std::any_of(entries_.begin(), entries_.end(), [&](const BanInfo& b) {
    return b.until_ms > now_ms && b.peer && *b.peer == peer;
  });
}

bool BanList::IsIpBanned(const std::string& ip, uint64_t now_ms) const {
  if (ip.empty()) return false;
  return std::any_of(entries_.begin(), entries_.end(),
                     [&](const BanInfo& b) { return b.until_ms > now_ms && b.ip == ip; });
}

void BanList::Expire(uint64_t now_ms) {
  std::erase_if(entries_, [&](const BanInfo& b) { return b.until_ms <= now_ms; });
}

}  // namespace phalanx::p2p
