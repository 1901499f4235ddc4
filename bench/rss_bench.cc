// Node memory with many funded accounts: starts `phalanx-node --dev --dev-accounts N`, measures
// how long it takes until JSON-RPC answers (chain spec + genesis state + first commit), waits
// until it has produced blocks, and reads its resident memory (VmRSS) and peak (VmHWM) from
// /proc. Then restarts it on the same database, because a restart rebuilds the dev chain spec
// and hashes it again. With --breakdown it also times the genesis phases in this process.
//
// Prints one JSON object per line: {"bench": "...", "value": ..., "unit": "..."}.
// Usage: rss_bench [--accounts N] [--block-time-ms MS] [--timeout-s S] [--node path]
//                  [--no-restart] [--breakdown]
#include <csignal>
#include <cstdlib>
#include <string>

#include "bench_node.h"
#include "phalanx/crypto/hash.h"
#include "phalanx/runtime/genesis.h"

namespace {

using namespace phalanx;
using namespace phalanx::bench;

struct Options {
  size_t accounts = 1'000'000;
  uint64_t block_time_ms = 1000;
  double timeout_s = 1800;
  std::string node_binary;
  bool restart = true;
  bool breakdown = false;
};

[[noreturn]] void Usage(const char* why) {
  std::fprintf(stderr,
               "rss_bench: %s\nusage: rss_bench [--accounts N] [--block-time-ms MS] "
               "[--timeout-s S] [--node path/to/phalanx-node] [--no-restart] [--breakdown]\n",
               why);
  std::exit(2);
}

Options ParseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--no-restart") {
      o.restart = false;
      continue;
    }
    if (flag == "--breakdown") {
      o.breakdown = true;
      continue;
    }
    if (flag == "--help" || flag == "-h") Usage("node memory with many funded accounts");
    if (i + 1 >= argc) Usage(("missing value for " + flag).c_str());
    std::string value = argv[++i];
    char* end = nullptr;
    double v = std::strtod(value.c_str(), &end);
    const bool numeric = end != value.c_str() && *end == '\0' && v >= 0;
    if (flag == "--node")
      o.node_binary = value;
    else if (!numeric)
      Usage((flag + " takes a number").c_str());
    else if (flag == "--accounts")
      o.accounts = static_cast<size_t>(v);
    else if (flag == "--block-time-ms")
      o.block_time_ms = static_cast<uint64_t>(v);
    else if (flag == "--timeout-s")
      o.timeout_s = v;
    else
      Usage(("unknown flag " + flag).c_str());
  }
  return o;
}

[[noreturn]] void Die(const std::string& what, const Status& s) {
  std::fprintf(stderr, "rss_bench: %s: %s\n", what.c_str(), s.ToString().c_str());
  std::exit(1);
}

struct RunResult {
  double ready_s = 0;      // spawn -> JSON-RPC answers
  double producing_s = 0;  // spawn -> two blocks past the starting head
  Memory memory;           // once producing
  double sampled_peak_mib = 0;
};

// Starts the node on `base_path` (empty = fresh temp dir kept in `keep_dir`), measures, stops it.
RunResult RunOnce(const Options& o, const std::filesystem::path& base_path,
                  std::optional<platform::TempDir>& keep_dir) {
  DevNodeOptions no;
  no.binary = o.node_binary;
  no.dev_accounts = o.accounts;
  no.block_time_ms = o.block_time_ms;
  no.base_path = base_path;
  auto spawned = SpawnDevNode(no);
  if (!spawned.ok()) Die("starting phalanx-node", spawned.status());
  DevNode& node = **spawned;
  RunResult r;
  auto start = Clock::now();
  auto sample = [&] {
    r.sampled_peak_mib = std::max(r.sampled_peak_mib, ReadMemory(node.pid()).rss_mib);
  };
  auto client = WaitReady(node, o.timeout_s, sample, 50);
  if (!client.ok()) Die("waiting for phalanx-node", client.status());
  r.ready_s = SecondsSince(start);
  auto h0 = BestHeight(**client);
  if (!h0.ok()) Die("reading the best height", h0.status());
  for (;;) {
    sample();
    auto h = BestHeight(**client);
    if (h.ok() && *h >= *h0 + 2) break;
    if (SecondsSince(start) > o.timeout_s)
      Die("waiting for blocks", DeadlineExceeded("no blocks produced"));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  r.producing_s = SecondsSince(start);
  r.memory = ReadMemory(node.pid());
  (*client)->Close();
  (void)node.process->Signal(SIGTERM);
  if (!node.process->Wait(std::chrono::seconds(60)))
    std::fprintf(stderr, "rss_bench: node did not stop within 60 s of SIGTERM; killing it\n");
  if (node.dir) keep_dir.emplace(std::move(*node.dir));  // the restart reuses the database
  node.dir.reset();
  return r;
}

// The genesis phases of the node, timed in this process: the dev spec (derives N ed25519 keys),
// the spec hash (the spec as JSON, dumped and hashed; done at every start), and the genesis
// state changes (an in-memory overlay of N accounts). The remainder of the node's startup is the
// state tree commit and the RocksDB write.
void Breakdown(size_t accounts) {
  auto t = Clock::now();
  auto spec = runtime::ChainSpec::Dev(accounts);
  Report("genesis_dev_spec", SecondsSince(t) * 1e3, "ms");
  Report("genesis_dev_spec_rss", ReadMemory(getpid()).rss_mib, "MiB");
  t = Clock::now();
  std::string json = spec.ToJson().dump();
  Hash32 hash = crypto::Blake2b256(AsBytes(json));
  Report("genesis_spec_hash", SecondsSince(t) * 1e3, "ms");
  Report("genesis_spec_json", static_cast<double>(json.size()) / (1 << 20), "MiB");
  (void)hash;
  json.clear();
  json.shrink_to_fit();
  t = Clock::now();
  auto changes = runtime::BuildGenesisState(spec);
  if (!changes.ok()) Die("building the genesis state", changes.status());
  Report("genesis_state_changes", SecondsSince(t) * 1e3, "ms");
  Report("genesis_state_changes_count", static_cast<double>(changes->size()), "keys");
  Report("genesis_breakdown_peak_rss", ReadMemory(getpid()).peak_mib, "MiB");
}

}  // namespace

int main(int argc, char** argv) {
  Options o = ParseOptions(argc, argv);
  spdlog::set_level(spdlog::level::warn);
  std::signal(SIGPIPE, SIG_IGN);
  std::fprintf(stderr, "rss_bench: %zu accounts, load average %.2f\n", o.accounts, LoadAverage1m());

  std::optional<platform::TempDir> dir;
  RunResult first = RunOnce(o, {}, dir);
  std::string n = std::to_string(o.accounts);  // 1000000 -> "1m", 100000 -> "100k"
  if (o.accounts >= 1'000'000 && o.accounts % 1'000'000 == 0)
    n = std::to_string(o.accounts / 1'000'000) + "m";
  else if (o.accounts >= 1'000 && o.accounts % 1'000 == 0)
    n = std::to_string(o.accounts / 1'000) + "k";
  auto name = [&](const char* what) { return "node_" + std::string(what) + "_" + n + "_accounts"; };
  Report(name("genesis_ready").c_str(), first.ready_s * 1e3, "ms");
  Report(name("rss").c_str(), first.memory.rss_mib, "MiB");
  Report(name("rss_peak").c_str(), first.memory.peak_mib, "MiB");

  if (o.restart && dir) {
    RunResult again = RunOnce(o, dir->path(), dir);
    Report(name("restart_ready").c_str(), again.ready_s * 1e3, "ms");
    Report(name("restart_rss").c_str(), again.memory.rss_mib, "MiB");
    Report(name("restart_rss_peak").c_str(), again.memory.peak_mib, "MiB");
  }
  if (o.breakdown) Breakdown(o.accounts);
  return 0;
}
