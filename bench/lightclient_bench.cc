// Light-client benchmark. Prints one JSON object per line: {"bench", "value", "unit", ...}.
//
//  lightclient_sequential: headers/s verified one by one (parent hash, set hash, and a real
//    4-validator ed25519 commit certificate each), over --sequential-headers headers.
//  lightclient_skipping_sync: time to sync from genesis to the head of a --blocks (default 1M)
//    chain by skipping, for a validator-set change every --change-every blocks (and every
//    --dense-change-every blocks for a second figure).
//
// How the 1M-block chain is made: signing a million certificates would take minutes and the
// skipping sync never looks at them, so the headers are generated as a real hash chain (each
// commits its parent's hash and the scheduled validator sets) and only the certificates the
// sync verifies - one per set change plus the target - are signed. Chain generation is timed
// separately and not part of the sync figure.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "phalanx/lightclient/light_client.h"
#include "phalanx/lightclient/limits.h"
#include "test_chain.h"

namespace {

using namespace phalanx;
using lightclient::Checkpoint;
using lightclient::LightClient;
using lightclient::testing::SetOf;
using lightclient::testing::TestChain;
using Clock = std::chrono::steady_clock;

struct Args {
  uint64_t sequential_headers = 20'000;
  uint64_t blocks = 1'000'000;
  uint64_t change_every = 100'000;
  uint64_t dense_change_every = 1'000;
  int repeats = 5;
};

[[noreturn]] void Usage() {
  std::fprintf(stderr,
               "usage: lightclient_bench [--sequential-headers N] [--blocks N] [--change-every N]\n"
               "                         [--dense-change-every N] [--repeats N]\n");
  std::exit(2);
}

Args Parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) Usage();
    const uint64_t v = std::strtoull(argv[++i], nullptr, 10);
    if (flag == "--sequential-headers") {
      a.sequential_headers = v;
    } else if (flag == "--blocks") {
      a.blocks = v;
    } else if (flag == "--change-every") {
      a.change_every = v;
    } else if (flag == "--dense-change-every") {
      a.dense_change_every = v;
    } else if (flag == "--repeats") {
      a.repeats = static_cast<int>(v);
    } else {
      Usage();
    }
  }
  if (a.sequential_headers == 0 || a.blocks < 2 || a.change_every < 2 || a.dense_change_every < 2 ||
      a.repeats < 1)
    Usage();
  return a;
}

double MsSince(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// CPU time of this process: the machine is shared, so wall time alone may include waiting.
double CpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// Four validators; every `every` blocks one is replaced (keys k..k+3 -> k+1..k+4).
std::vector<std::pair<uint64_t, types::ValidatorSet>> RotatingSchedule(uint64_t blocks,
                                                                       uint64_t every) {
  std::vector<std::pair<uint64_t, types::ValidatorSet>> s;
  s.push_back({0, SetOf({0, 1, 2, 3})});
  for (uint64_t k = 1, from = every; from <= blocks; ++k, from += every)
    s.push_back({from, SetOf({k, k + 1, k + 2, k + 3})});
  return s;
}

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "lightclient_bench: %s\n", what.c_str());
  std::exit(1);
}

double Sequential(const Args& a) {
  const uint64_t n = a.sequential_headers;
  auto t_build = Clock::now();
  const TestChain chain(n, RotatingSchedule(n, 5'000));
  const std::vector<Checkpoint> all = chain.Sequential(0, n);  // signs n certificates
  const double build_ms = MsSince(t_build);
  LightClient lc = LightClient::FromGenesis(chain.header(0), chain.SetAt(0)).value();
  auto t = Clock::now();
  const double cpu0 = CpuMs();
  for (const Checkpoint& c : all) {
    lightclient::Verdict v = lc.Advance(c);
    if (!v.ok()) Fail(v.message());
  }
  const double ms = MsSince(t);
  const double cpu_ms = CpuMs() - cpu0;
  if (lc.header_hash() != chain.header(n).Hash()) Fail("sequential sync ended at the wrong head");
  const double per_s = static_cast<double>(n) / (ms / 1e3);
  std::printf(
      "{\"bench\": \"lightclient_sequential\", \"value\": %.0f, \"unit\": \"headers/s\", "
      "\"headers\": %llu, \"validators\": 4, \"signatures_per_header\": 4, \"verify_ms\": %.1f, "
      "\"verify_cpu_ms\": %.1f, \"headers_per_cpu_s\": %.0f, \"generate_and_sign_ms\": %.1f}\n",
      per_s, static_cast<unsigned long long>(n), ms, cpu_ms,
      static_cast<double>(n) / (cpu_ms / 1e3), build_ms);
  return per_s;
}

void Skipping(const Args& a, uint64_t every, double sequential_per_s) {
  const uint64_t head = a.blocks;
  auto schedule = RotatingSchedule(head, every);
  std::set<uint64_t> keep = {head};
  for (const auto& [from, set] : schedule)
    if (from >= 2 && from - 1 < head) keep.insert(from - 1);
  auto t_build = Clock::now();
  const TestChain chain(head, std::move(schedule), [&](uint64_t h) { return keep.count(h) > 0; });
  const double hash_chain_ms = MsSince(t_build);
  auto t_sign = Clock::now();
  const std::vector<Checkpoint> checkpoints = chain.Skipping(0, head);
  const double sign_ms = MsSince(t_sign);

  std::vector<double> runs;
  std::vector<double> cpu_runs;
  for (int r = 0; r < a.repeats; ++r) {
    const double cpu0 = CpuMs();
    // Each run starts from genesis; batches respect kMaxCheckpointsPerSync.
    auto t = Clock::now();
    LightClient lc = LightClient::FromGenesis(chain.header(0), chain.SetAt(0)).value();
    for (size_t i = 0; i < checkpoints.size(); i += lightclient::kMaxCheckpointsPerSync) {
      const size_t len = std::min(checkpoints.size() - i, lightclient::kMaxCheckpointsPerSync);
      lightclient::Verdict v = lc.Sync(std::span(checkpoints).subspan(i, len));
      if (!v.ok()) Fail(v.message());
    }
    runs.push_back(MsSince(t));
    cpu_runs.push_back(CpuMs() - cpu0);
    if (lc.header_hash() != chain.header(head).Hash())
      Fail("skipping sync ended at the wrong head");
  }
  std::sort(runs.begin(), runs.end());
  std::sort(cpu_runs.begin(), cpu_runs.end());
  std::printf(
      "{\"bench\": \"lightclient_skipping_sync\", \"value\": %.2f, \"unit\": \"ms\", "
      "\"blocks\": %llu, \"set_change_every\": %llu, \"checkpoints\": %zu, "
      "\"signatures_verified\": %zu, \"median_of\": %d, \"cpu_ms\": %.2f, \"goal_ms\": 1000, "
      "\"sequential_estimate_ms\": %.0f, \"hash_chain_generation_ms\": %.0f, "
      "\"checkpoint_signing_ms\": %.1f, \"note\": \"headers generated as a hash chain; only the "
      "checkpoint certificates (set changes + target) are signed, the rest are never verified\"}\n",
      runs[runs.size() / 2], static_cast<unsigned long long>(head),
      static_cast<unsigned long long>(every), checkpoints.size(), checkpoints.size() * 4, a.repeats,
      cpu_runs[cpu_runs.size() / 2], static_cast<double>(head) / sequential_per_s * 1e3,
      hash_chain_ms, sign_ms);
}

}  // namespace

int main(int argc, char** argv) {
  const Args a = Parse(argc, argv);
  const double per_s = Sequential(a);
  Skipping(a, a.change_every, per_s);
  Skipping(a, a.dense_change_every, per_s);
  return 0;
}
