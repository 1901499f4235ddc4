// State tree benchmark: builds a tree of --keys keys (default 1M) in 10k-key versions on RocksDB in
// a temporary directory, then measures 10k-key update batches (existing and new keys), proof size
// and verification time, and flat reads. Prints one JSON object per line:
//   {"bench": "...", "value": ..., "unit": "..."}
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "phalanx/crypto/hash.h"
#include "phalanx/state/state_tree.h"
#include "phalanx/store/rocksdb_store.h"

namespace {

using phalanx::Bytes;
using phalanx::ByteView;
using Clock = std::chrono::steady_clock;

struct Args {
  uint64_t keys = 1'000'000;
  uint64_t batch = 10'000;
  int update_batches = 10;
  int proofs = 2'000;
  int gets = 200'000;
  uint64_t keep_versions = 0;  // 0 = archive (no pruning)
  size_t node_cache_mib = phalanx::state::StateTreeOptions{}.node_cache_bytes >> 20;
  std::string dir;
};

void Usage() {
  std::fprintf(
      stderr,
      "usage: state_bench [--keys N] [--batch N] [--update-batches N] [--proofs N]\n"
      "                   [--gets N] [--node-cache-mib N] [--keep-versions N] [--dir PATH]\n");
  std::exit(2);
}

Args Parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) Usage();
    const char* v = argv[++i];
    if (flag == "--keys") {
      a.keys = std::strtoull(v, nullptr, 10);
    } else if (flag == "--batch") {
      a.batch = std::strtoull(v, nullptr, 10);
    } else if (flag == "--update-batches") {
      a.update_batches = std::atoi(v);
    } else if (flag == "--proofs") {
      a.proofs = std::atoi(v);
    } else if (flag == "--gets") {
      a.gets = std::atoi(v);
    } else if (flag == "--node-cache-mib") {
      a.node_cache_mib = std::strtoull(v, nullptr, 10);
    } else if (flag == "--keep-versions") {
      a.keep_versions = std::strtoull(v, nullptr, 10);
    } else if (flag == "--dir") {
      a.dir = v;
    } else {
      Usage();
    }
  }
  if (a.keys == 0 || a.batch == 0) Usage();
  return a;
}

// Account-like keys: a fixed prefix and a 32-byte id.
Bytes AccountKey(uint64_t i) {
  static constexpr char kPrefix[] = "balances/account/";
  Bytes key(kPrefix, kPrefix + sizeof(kPrefix) - 1);
  Bytes index(8);
  std::memcpy(index.data(), &i, 8);
  const phalanx::Hash32 id = phalanx::crypto::Blake2b256(index);
  key.insert(key.end(), id.begin(), id.end());
  return key;
}

// An account record of ~80 bytes (balances, nonce, flags).
Bytes AccountValue(std::mt19937_64& rng) {
  Bytes v(80);
  for (size_t i = 0; i < v.size(); i += 8) {
    const uint64_t r = rng();
    std::memcpy(v.data() + i, &r, std::min<size_t>(8, v.size() - i));
  }
  return v;
}

void Emit(const char* bench, double value, const char* unit) {
  std::printf("{\"bench\":\"%s\",\"value\":%.6g,\"unit\":\"%s\"}\n", bench, value, unit);
  std::fflush(stdout);
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// CPU time of the calling thread: Commit is single-threaded, so this is its cost even when other
// processes compete for the cores.
double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

uint64_t RssBytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10) * 1024;
  }
  return 0;
}

uint64_t DirBytes(const std::string& dir) {
  uint64_t total = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) total += e.file_size();
  }
  return total;
}

void Check(const phalanx::Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "state_bench: %s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}

int Run(const Args& args, const std::string& dir) {
  auto opened = phalanx::store::RocksDbStore::Open(dir);
  Check(opened.status(), "opening the store");
  auto& store = **opened;
  phalanx::state::StateTreeOptions options;
  options.node_cache_bytes = args.node_cache_mib << 20;
  phalanx::state::StateTree tree(store, options);
  std::mt19937_64 rng(1);
  uint64_t version = 0;

  struct Timing {
    double commit_s, commit_cpu_s, write_s, prune_s;
    size_t batch_bytes;
  };
  // Commits one version and writes it.
  auto commit = [&](std::vector<phalanx::state::StateChange>& changes) {
    std::sort(changes.begin(), changes.end());
    phalanx::store::WriteBatch batch;
    const auto t0 = Clock::now();
    const double cpu0 = ThreadCpuSeconds();
    auto r = tree.Commit(version, changes, batch);
    Check(r.status(), "commit");
    Timing t{Seconds(t0), ThreadCpuSeconds() - cpu0, 0, 0, batch.bytes()};
    // Like a pruning node: drop what only versions older than the window use, in the same batch.
    if (args.keep_versions > 0 && version >= args.keep_versions) {
      const auto tp = Clock::now();
      Check(tree.Prune(version - args.keep_versions, batch), "prune");
      t.prune_s = Seconds(tp);
    }
    const auto t1 = Clock::now();
    Check(store.Write(std::move(batch), false), "write");
    t.write_s = Seconds(t1);
    ++version;
    return t;
  };

  // Build.
  const auto build_start = Clock::now();
  for (uint64_t first = 0; first < args.keys; first += args.batch) {
    std::vector<phalanx::state::StateChange> changes;
    for (uint64_t i = first; i < std::min(args.keys, first + args.batch); ++i) {
      changes.emplace_back(AccountKey(i), AccountValue(rng));
    }
    commit(changes);
  }
  Emit("state_build_inserts_per_s", args.keys / Seconds(build_start), "inserts/s");

  // Update batches: 80% existing keys, 20% new keys.
  uint64_t next_new = args.keys;
  double commit_s = 0, commit_cpu_s = 0, write_s = 0, prune_s = 0;
  uint64_t updates = 0, batch_bytes = 0;
  for (int b = 0; b < args.update_batches; ++b) {
    std::vector<phalanx::state::StateChange> changes;
    std::vector<uint64_t> ids;
    for (uint64_t i = 0; i < args.batch; ++i) {
      ids.push_back(rng() % 5 == 0 ? next_new++ : rng() % args.keys);
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    for (uint64_t id : ids) changes.emplace_back(AccountKey(id), AccountValue(rng));
    updates += changes.size();
    const Timing t = commit(changes);
    commit_s += t.commit_s;
    commit_cpu_s += t.commit_cpu_s;
    write_s += t.write_s;
    prune_s += t.prune_s;
    batch_bytes += t.batch_bytes;
  }
  if (updates > 0) {
    Emit("state_commit_updates_per_s", updates / commit_s, "updates/s");
    Emit("state_commit_updates_per_cpu_s", updates / commit_cpu_s, "updates/s");
    Emit("state_commit_and_write_updates_per_s", updates / (commit_s + write_s), "updates/s");
    Emit("state_batch_bytes_per_update", double(batch_bytes) / updates, "bytes");
    if (args.keep_versions > 0) {
      Emit("state_prune_ms_per_version", prune_s * 1e3 / args.update_batches, "ms");
    }
  }
  const uint64_t latest = version - 1;

  // Proofs of existing keys.
  uint64_t proof_bytes = 0;
  double prove_s = 0, verify_s = 0;
  const auto root = tree.RootAt(latest);
  Check(root.status(), "root");
  for (int i = 0; i < args.proofs; ++i) {
    const Bytes key = AccountKey(rng() % args.keys);
    const auto t0 = Clock::now();
    auto proof = tree.GetProof(key, latest);
    Check(proof.status(), "proof");
    auto value = tree.Get(key);
    Check(value.status(), "get");
    prove_s += Seconds(t0);
    const Bytes encoded = proof->Encode();
    proof_bytes += encoded.size();
    const auto t1 = Clock::now();
    auto decoded = phalanx::state::Proof::Decode(encoded);
    Check(decoded.status(), "decode");
    Check(phalanx::state::VerifyProof(*root, key, ByteView(**value), *decoded), "verify");
    verify_s += Seconds(t1);
  }
  if (args.proofs > 0) {
    Emit("state_proof_bytes_mean", double(proof_bytes) / args.proofs, "bytes");
    Emit("state_proof_generate_us", prove_s * 1e6 / args.proofs, "us");
    Emit("state_proof_verify_us", verify_s * 1e6 / args.proofs, "us");
  }

  // Flat reads of random existing keys.
  std::vector<Bytes> keys;
  for (int i = 0; i < args.gets; ++i) keys.push_back(AccountKey(rng() % args.keys));
  const auto get_start = Clock::now();
  for (const Bytes& key : keys) Check(tree.Get(key).status(), "get");
  if (args.gets > 0) Emit("state_flat_gets_per_s", args.gets / Seconds(get_start), "gets/s");

  const auto stats = tree.cache_stats();
  Emit("state_node_cache_hit_ratio",
       stats.hits + stats.misses ? double(stats.hits) / (stats.hits + stats.misses) : 0, "ratio");
  Emit("state_node_cache_bytes", stats.bytes, "bytes");
  Emit("state_rss_bytes", RssBytes(), "bytes");
  Emit("state_store_memory_bytes", store.MemoryUsageBytes(), "bytes");
  Emit("state_db_bytes", DirBytes(dir), "bytes");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = Parse(argc, argv);
  std::string dir = args.dir;
  const bool temporary = dir.empty();
  if (temporary) {
    std::string templ =
        (std::filesystem::temp_directory_path() / "phx-state-bench-XXXXXX").string();
    if (!mkdtemp(templ.data())) {
      std::perror("mkdtemp");
      return 1;
    }
    dir = templ;
  }
  const int rc = Run(args, dir);
  if (temporary) std::filesystem::remove_all(dir);
  return rc;
}
