// Peer scoring and bans. The handler judges every message (Verdict); each verdict but kOk costs
// score, and a peer whose score falls to -ban_threshold is disconnected and banned for a period,
// by peer id and (unless it is loopback, see NetworkLimits) by IP. Framing and handshake
// violations skip the score and ban at once.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "phalanx/p2p/identity.h"

namespace phalanx::p2p {

enum class Verdict : uint8_t {
  kOk = 0,          // valid and new: relayed on gossip channels
  kUseless = 1,     // valid but of no use (stale, duplicate, unsolicited): small penalty
  kInvalid = 2,     // fails validation (bad signature, undecodable): large penalty
  kOversized = 3,   // exceeds an application limit: bans at once
  kNotRelayed = 4,  // valid but not for gossip now (e.g. for a height this node has not reached):
                    // no penalty, not relayed
};
std::string_view VerdictName(Verdict v);
// Score lost for one verdict (0 for kOk).
int VerdictPenalty(Verdict v);
inline constexpr int kUselessPenalty = 2;
inline constexpr int kInvalidPenalty = 40;
inline constexpr int kOversizedPenalty = 1'000'000;  // beyond any threshold
// Score regained per second of good behaviour, up to 0.
inline constexpr int kScoreRecoveryPerSecond = 1;

struct BanInfo {
  std::optional<PeerId> peer;
  std::string ip;  // empty when only the peer id is banned
  uint64_t until_ms = 0;
  std::string reason;
};

// Bans by peer id and IP, expiring at until_ms (monotonic clock), at most max_entries.
class BanList {
 public:
  explicit BanList(size_t max_entries) : max_entries_(max_entries) {}
  void Ban(const std::optional<PeerId>& peer, const std::string& ip, uint64_t now_ms,
           uint64_t duration_ms, std::string reason);
  bool IsPeerBanned(const PeerId& peer, uint64_t now_ms) const;
  bool IsIpBanned(const std::string& ip, uint64_t now_ms) const;
  void Expire(uint64_t now_ms);
  std::vector<BanInfo> Entries() const { return {entries_.begin(), entries_.end()}; }
  size_t size() const { return entries_.size(); }

 private:
  size_t max_entries_;
  std::deque<BanInfo> entries_;  // in ban order: the oldest is dropped first when full
};

}  // namespace phalanx::p2p
