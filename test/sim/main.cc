// consensus_sim: runs the deterministic consensus simulation over many seeds.
//
//   consensus_sim [--seeds N] [--first-seed S]   N seeds from S (default 1000 from 1; the
//                                                environment variable PHALANX_SIM_SEEDS sets N)
//   consensus_sim --seed S [--trace]             replay one seed, printing every event
//   consensus_sim --lossy-wal --expect-failure   WAL that forgets unsynced appends: passes only
//                                                if some seed is caught double-signing
//   consensus_sim --check-determinism            run every seed twice; the outcomes must match
// A failure prints its seed, the scenario and the replay command, and exits 1.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "cluster.h"

int main(int argc, char** argv) {
  uint64_t first = 1, count = 1000;
  if (const char* env = std::getenv("PHALANX_SIM_SEEDS")) count = std::strtoull(env, nullptr, 10);
  bool trace = false, lossy = false, expect_failure = false, twice = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> uint64_t {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return std::strtoull(argv[++i], nullptr, 10);
    };
    if (a == "--seeds") {
      count = next();
    } else if (a == "--first-seed") {
      first = next();
    } else if (a == "--seed") {
      first = next();
      count = 1;
    } else if (a == "--trace") {
      trace = true;
    } else if (a == "--lossy-wal") {
      lossy = true;
    } else if (a == "--expect-failure") {
      expect_failure = true;
    } else if (a == "--check-determinism") {
      twice = true;
    } else {
      std::fprintf(stderr, "unknown argument %s (see the comment at the top of main.cc)\n",
                   a.c_str());
      return 2;
    }
  }
  auto start = std::chrono::steady_clock::now();
  uint64_t heights = 0, evidence = 0, deliveries = 0, sim_ms = 0;
  for (uint64_t seed = first; seed < first + count; ++seed) {
    phalanx::sim::Scenario s = phalanx::sim::MakeScenario(seed, lossy);
    if (trace) std::printf("%s\n", phalanx::sim::Describe(s).c_str());
    phalanx::sim::Outcome o = phalanx::sim::Run(s, trace);
    if (twice) {
      phalanx::sim::Outcome again = phalanx::sim::Run(s, false);
      if (again.ok != o.ok || again.failure != o.failure || again.heights != o.heights ||
          again.evidence != o.evidence || again.sim_ms != o.sim_ms ||
          again.deliveries != o.deliveries) {
        std::printf(
            "FAILED seed %llu: two runs of the same seed differ (%llu vs %llu deliveries)\n",
            static_cast<unsigned long long>(seed), static_cast<unsigned long long>(o.deliveries),
            static_cast<unsigned long long>(again.deliveries));
        return 1;
      }
    }
    heights += o.heights;
    evidence += o.evidence;
    deliveries += o.deliveries;
    sim_ms += o.sim_ms;
    if (!o.ok) {
      if (expect_failure) {
        std::printf("caught as expected: seed %llu: %s\n", static_cast<unsigned long long>(seed),
                    o.failure.c_str());
        return 0;
      }
      std::printf("FAILED seed %llu: %s\n  scenario: %s\n  replay: %s --seed %llu%s --trace\n",
                  static_cast<unsigned long long>(seed), o.failure.c_str(),
                  phalanx::sim::Describe(s).c_str(), argv[0], static_cast<unsigned long long>(seed),
                  lossy ? " --lossy-wal" : "");
      return 1;
    }
  }
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (expect_failure) {
    std::printf("FAILED: no seed in %llu..%llu was caught, but a failure was expected\n",
                static_cast<unsigned long long>(first),
                static_cast<unsigned long long>(first + count - 1));
    return 1;
  }
  std::printf(
      "sim: %llu seeds ok (from %llu): %llu heights committed by every honest node in total, "
      "%llu evidence outputs, %.1f simulated s, %llu deliveries, %.1f s wall\n",
      static_cast<unsigned long long>(count), static_cast<unsigned long long>(first),
      static_cast<unsigned long long>(heights), static_cast<unsigned long long>(evidence),
      static_cast<double>(sim_ms) / 1000, static_cast<unsigned long long>(deliveries), wall_s);
  return 0;
}
