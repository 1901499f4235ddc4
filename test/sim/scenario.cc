// Random scenarios: everything about a run (cluster size, Byzantine validator, network quality,
// partitions, crashes, clock skew, timeouts) drawn from its seed.
#include <algorithm>
#include <string>

#include "cluster.h"

namespace phalanx::sim {
namespace {

struct Rng {  // splitmix64, as in cluster.cc: portable and seedable
  uint64_t state;
  uint64_t Next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  uint64_t Uniform(uint64_t lo, uint64_t hi) { return lo + Next() % (hi - lo + 1); }
  bool Chance(uint32_t permille) { return Next() % 1000 < permille; }
};

}  // namespace

Scenario MakeScenario(uint64_t seed, bool lossy_wal) {
  Rng r{seed};
  Scenario s;
  s.seed = seed;
  s.lossy_wal = lossy_wal;
  static constexpr size_t kSizes[] = {4, 4, 4, 4, 4, 1, 2, 3, 5, 7};
  s.validators = kSizes[r.Next() % std::size(kSizes)];
  s.byzantine = s.validators == 4 && r.Chance(400);
  // Unequal voting power in some runs: quorums are by power, not head count. A Byzantine
  // validator keeps power 1, under a third of any total here.
  if (s.validators > 1 && r.Chance(300)) {
    for (size_t i = 0; i < s.validators; ++i) s.powers.push_back(r.Uniform(1, 4));
    if (s.byzantine) s.powers.back() = 1;
  }
  s.min_delay_ms = r.Uniform(1, 5);
  s.max_delay_ms = s.min_delay_ms + r.Uniform(0, 60);
  s.drop_permille = static_cast<uint32_t>(r.Uniform(0, 150));
  s.duplicate_permille = static_cast<uint32_t>(r.Uniform(0, 50));
  s.gossip_interval_ms = r.Uniform(30, 100);
  s.config.timeout_propose_ms = 120;
  s.config.timeout_prevote_ms = 60;
  s.config.timeout_precommit_ms = 60;
  s.config.timeout_delta_ms = 30;
  s.config.timeout_commit_ms = r.Uniform(10, 60);  // > 0: the block time keeps sim time moving
  // Small clusters commit a height every few ms: a shorter fault phase keeps them cheap.
  s.fault_phase_ms = s.validators <= 2 ? r.Uniform(100, 600) : r.Uniform(300, 2500);
  const size_t n = s.validators;
  for (size_t i = 0; i < n; ++i) {
    s.clock_offset_ms.push_back(static_cast<int64_t>(r.Uniform(0, 2000)));
    s.timer_rate_permille.push_back(static_cast<int32_t>(r.Uniform(900, 1100)));
  }
  const uint64_t partitions = n > 1 ? r.Uniform(0, 3) : 0;
  for (uint64_t i = 0; i < partitions; ++i) {
    Partition p;
    p.start_ms = r.Uniform(0, s.fault_phase_ms - 100);
    p.end_ms = std::min(p.start_ms + r.Uniform(100, 1500), s.fault_phase_ms);
    for (size_t j = 0; j < n; ++j) p.group.push_back(static_cast<uint8_t>(r.Next() % 2));
    s.partitions.push_back(std::move(p));
  }
  const size_t honest = n - (s.byzantine ? 1 : 0);
  const uint64_t crashes = r.Uniform(lossy_wal ? 2 : 0, 3);
  std::vector<uint64_t> busy_until(n, 0);
  for (uint64_t i = 0; i < crashes; ++i) {
    Crash c;
    c.node = static_cast<uint32_t>(r.Next() % honest);
    c.at_ms = r.Uniform(0, s.fault_phase_ms - 20);
    c.restart_ms = std::min(c.at_ms + r.Uniform(5, 1000), s.fault_phase_ms);
    if (c.at_ms <= busy_until[c.node]) continue;  // one crash at a time per node
    busy_until[c.node] = c.restart_ms;
    s.crashes.push_back(c);
  }
  return s;
}

std::string Describe(const Scenario& s) {
  std::string d = "seed " + std::to_string(s.seed) + ": " + std::to_string(s.validators) +
                  " validators" + (s.byzantine ? " (1 Byzantine)" : "") +
                  (s.powers.empty() ? "" : " (unequal power)") + ", delay " +
                  std::to_string(s.min_delay_ms) + "-" + std::to_string(s.max_delay_ms) +
                  " ms, drop " + std::to_string(s.drop_permille) + "/1000, duplicate " +
                  std::to_string(s.duplicate_permille) + "/1000, gossip every " +
                  std::to_string(s.gossip_interval_ms) + " ms, faults until " +
                  std::to_string(s.fault_phase_ms) + " ms:";
  for (const Partition& p : s.partitions) {
    d += " partition " + std::to_string(p.start_ms) + "-" + std::to_string(p.end_ms) + " [";
    for (uint8_t g : p.group) d += std::to_string(g);
    d += "]";
  }
  for (const Crash& c : s.crashes)
    d += " crash node " + std::to_string(c.node) + " " + std::to_string(c.at_ms) + "-" +
         std::to_string(c.restart_ms);
  if (s.lossy_wal) d += ", lossy WAL";
  return d;
}

}  // namespace phalanx::sim
