// The deterministic consensus simulator: N validators (consensus::Engine + SimApp + MemWal each)
// in one process over a simulated network with per-message delay, drop, duplication and
// reordering, partitions that heal, per-node clock skew, crash-restart from the WAL, and
// optionally one Byzantine validator that double-proposes and double-votes. One seed fixes
// everything, so any failure replays exactly from its seed.
//
// Checked on every run (a violation ends the run with a message):
//   safety    - no two honest nodes ever commit different blocks at one height; every commit's
//               certificate verifies; no honest validator ever signs two different votes or
//               proposals for one (height, round, step) (this catches a WAL that loses data);
//   state     - every node's app state root at each height equals every other node's;
//   liveness  - after the fault phase ends (network healed, crashed nodes restarted) every honest
//               node commits kLiveHeights new heights within liveness_bound_ms of simulated time;
//   evidence  - honest nodes output Evidence only ever against the Byzantine validator, and
//               every honest engine that took in two of its votes for one slot reported them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "phalanx/consensus/engine.h"

namespace phalanx::sim {

struct Partition {
  uint64_t start_ms = 0;
  uint64_t end_ms = 0;
  std::vector<uint8_t> group;  // per node: nodes talk only within their group
};

struct Crash {
  uint32_t node = 0;
  uint64_t at_ms = 0;
  uint64_t restart_ms = 0;
};

struct Scenario {
  uint64_t seed = 0;
  size_t validators = 4;
  // The last validator (set order) double-proposes, double-votes, and relays the proposals of
  // others with swapped transactions (same header and signature).
  bool byzantine = false;
  std::vector<uint64_t> powers;  // per validator in set order; empty = 1 each
  uint64_t min_delay_ms = 1;
  uint64_t max_delay_ms = 20;
  uint32_t drop_permille = 0;
  uint32_t duplicate_permille = 0;
  uint64_t gossip_interval_ms = 50;
  uint64_t fault_phase_ms = 0;  // partitions and crashes only before this; then the network heals
  std::vector<Partition> partitions;
  std::vector<Crash> crashes;
  std::vector<int64_t> clock_offset_ms;      // per node, added to the node's header times
  std::vector<int32_t> timer_rate_permille;  // per node, scales its timer delays (skewed clocks)
  consensus::Config config;
  bool lossy_wal = false;  // the WAL forgets unsynced appends on a crash (must be caught)
  uint64_t liveness_bound_ms = 30'000;
  // Benchmarks turn these off: every node then verifies every signature itself, and messages go
  // only from their signer to each peer (no relaying, which costs n^2 deliveries per message).
  bool shared_signature_cache = true;
  bool flood = true;
  uint64_t stop_at_height = 0;  // > 0: stop once every honest node has committed it (benchmarks)
};

// The randomized scenario for `seed`.
Scenario MakeScenario(uint64_t seed, bool lossy_wal = false);

struct Outcome {
  bool ok = true;
  std::string failure;      // what was violated, with node, height and round
  uint64_t heights = 0;     // the lowest committed height among honest nodes at the end
  uint64_t evidence = 0;    // Evidence outputs of honest nodes
  uint64_t sim_ms = 0;      // simulated time at the end
  uint64_t deliveries = 0;  // messages delivered
};

// Runs one scenario to completion. `trace` prints every event (for replaying a seed).
Outcome Run(const Scenario& scenario, bool trace = false);

// A line describing the scenario (for failure reports and traces).
std::string Describe(const Scenario& s);

}  // namespace phalanx::sim
