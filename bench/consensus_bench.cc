// Consensus throughput: how many heights per second of wall time the simulator decides with N
// validators in one process, every node signing its own votes and verifying every vote and
// proposal signature it receives (no shared cache) and every carried commit certificate. The
// network is ideal (1-5 ms delay, no loss), so this measures the engine and the crypto, not
// timeouts. One JSON object per line:
//   {"bench":"consensus_heights_4_validators","value":N,"unit":"heights/s",...}
#include <chrono>
#include <cstdio>

#include "cluster.h"

namespace {

void Measure(size_t validators, uint64_t heights) {
  phalanx::sim::Scenario s;
  s.seed = 1;
  s.validators = validators;
  s.min_delay_ms = 1;
  s.max_delay_ms = 5;
  s.fault_phase_ms = 0;
  s.clock_offset_ms.assign(validators, 0);
  s.timer_rate_permille.assign(validators, 1000);
  s.config = {.timeout_propose_ms = 1000,
              .timeout_prevote_ms = 500,
              .timeout_precommit_ms = 500,
              .timeout_delta_ms = 100,
              .timeout_commit_ms = 0};
  s.gossip_interval_ms = 20;  // status messages let a node that fell behind sync
  s.shared_signature_cache = false;
  s.flood = false;
  s.stop_at_height = heights;
  s.liveness_bound_ms = 3'600'000;
  auto start = std::chrono::steady_clock::now();
  phalanx::sim::Outcome o = phalanx::sim::Run(s);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!o.ok) {
    std::fprintf(stderr, "simulation failed: %s\n", o.failure.c_str());
    return;
  }
  std::printf(
      "{\"bench\":\"consensus_heights_%zu_validators\",\"value\":%.1f,\"unit\":\"heights/s\","
      "\"heights\":%llu,\"seconds\":%.2f,\"wall_ms_per_node_height\":%.2f,"
      "\"sim_ms_per_height\":%.1f,\"deliveries\":%llu}\n",
      validators, static_cast<double>(o.heights) / seconds,
      static_cast<unsigned long long>(o.heights), seconds,
      seconds * 1000 / static_cast<double>(o.heights * validators),
      static_cast<double>(o.sim_ms) / static_cast<double>(o.heights),
      static_cast<unsigned long long>(o.deliveries));
  std::fflush(stdout);
}

}  // namespace

int main() {
  Measure(4, 500);
  Measure(100, 5);
  return 0;
}
