// End-to-end load: finalized transfers per second through a real phalanx-node.
//
// Starts `phalanx-node --dev --dev-accounts N` (or uses --url), pre-signs T transfers from the N
// funded bench accounts (account i sends its transfers with consecutive nonces, so each sender's
// chain of nonces is submitted in order), then submits them over a few WebSocket connections with
// pipelined author_submitExtrinsic calls (a bounded window in flight per connection). The clock
// starts at the first submit and stops at the finalized-head notification of the block that holds
// the last of the T transfers; the blocks are read back (chain_getBlock) and matched by hash, so
// every transfer is counted once and its submit->finalized latency is known.
//
// --rate R paces the submissions (R per second in total) to measure latency below saturation.
//
// With --localnet V it starts `phalanx-node localnet --validators V` instead (V validators and an
// RPC node, each its own process) and submits round-robin to every node's RPC; with --url A,B,...
// it drives existing nodes of one chain the same way. Finality is watched on the last URL (the
// localnet's RPC node), and the results are named localnet_* instead of e2e_*.
//
// Prints one JSON object per line: {"bench": "...", "value": ..., "unit": "..."}.
// Usage: load_bench [--txs T] [--accounts N] [--connections C] [--window W] [--block-time-ms MS]
//                   [--rate TX_PER_S] [--timeout-s S] [--url ws://host:port[,ws://...]] [--localnet
//                   V]
//                   [--node path] [--keep]
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "bench_node.h"
#include "phalanx/codec/codec.h"
#include "phalanx/crypto/hash.h"
#include "phalanx/runtime/genesis.h"
#include "phalanx/runtime/params.h"
#include "phalanx/types/address.h"
#include "phalanx/types/transaction.h"

namespace {

using namespace phalanx;
using namespace phalanx::bench;
using nlohmann::json;

struct Options {
  size_t txs = 30'000;
  size_t accounts = 5'000;
  size_t connections = 4;
  size_t window = 256;  // calls in flight per connection
  double rate = 0;      // submissions per second over all connections; 0 = as fast as possible
  uint64_t block_time_ms = 1000;
  double timeout_s = 120;        // from the first submit
  double start_timeout_s = 600;  // genesis with many accounts takes a while
  std::vector<std::string> urls;
  size_t localnet_validators = 0;
  std::string node_binary;
  bool keep = false;
};

[[noreturn]] void Usage(const char* why) {
  std::fprintf(stderr,
               "load_bench: %s\nusage: load_bench [--txs T] [--accounts N] [--connections C] "
               "[--window W] [--rate TX_PER_S] [--block-time-ms MS] [--timeout-s S] "
               "[--start-timeout-s S] "
               "[--url ws://host:port[,ws://host:port...]] [--localnet VALIDATORS] "
               "[--node path/to/phalanx-node] [--keep]\n",
               why);
  std::exit(2);
}

Options ParseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--keep") {
      o.keep = true;
      continue;
    }
    if (flag == "--help" || flag == "-h") Usage("end-to-end finalized transfers per second");
    if (i + 1 >= argc) Usage(("missing value for " + flag).c_str());
    std::string value = argv[++i];
    auto number = [&] {
      char* end = nullptr;
      double v = std::strtod(value.c_str(), &end);
      if (end == value.c_str() || *end != '\0' || v < 0) Usage((flag + " takes a number").c_str());
      return v;
    };
    if (flag == "--txs")
      o.txs = static_cast<size_t>(number());
    else if (flag == "--accounts")
      o.accounts = static_cast<size_t>(number());
    else if (flag == "--connections")
      o.connections = static_cast<size_t>(number());
    else if (flag == "--window")
      o.window = static_cast<size_t>(number());
    else if (flag == "--rate")
      o.rate = number();
    else if (flag == "--block-time-ms")
      o.block_time_ms = static_cast<uint64_t>(number());
    else if (flag == "--timeout-s")
      o.timeout_s = number();
    else if (flag == "--start-timeout-s")
      o.start_timeout_s = number();
    else if (flag == "--url")
      for (size_t at = 0; at <= value.size();) {
        size_t comma = std::min(value.find(',', at), value.size());
        if (comma > at) o.urls.push_back(value.substr(at, comma - at));
        at = comma + 1;
      }
    else if (flag == "--localnet")
      o.localnet_validators = static_cast<size_t>(number());
    else if (flag == "--node")
      o.node_binary = value;
    else
      Usage(("unknown flag " + flag).c_str());
  }
  if (o.txs == 0 || o.accounts == 0 || o.connections == 0 || o.window == 0)
    Usage("--txs, --accounts, --connections and --window must be > 0");
  if (o.localnet_validators > 0 && !o.urls.empty())
    Usage("--localnet and --url exclude each other");
  // The pool refuses a nonce more than max_future_nonces past the account's on-chain nonce, even
  // when the transactions before it are pending: a sender can have at most that many + 1 queued.
  const size_t per_sender = (o.txs + o.accounts - 1) / o.accounts;
  const size_t max_per_sender = runtime::Params{}.max_future_nonces + size_t{1};
  if (per_sender > max_per_sender)
    Usage(("each account would send " + std::to_string(per_sender) +
           " transfers, more than the pool queues per sender (" + std::to_string(max_per_sender) +
           "); raise --accounts to at least " +
           std::to_string((o.txs + max_per_sender - 1) / max_per_sender))
              .c_str());
  return o;
}

[[noreturn]] void Die(const std::string& what, const Status& s) {
  std::fprintf(stderr, "load_bench: %s: %s\n", what.c_str(), s.ToString().c_str());
  std::exit(1);
}

template <typename T>
T Check(Result<T> r, const std::string& what) {
  if (!r.ok()) Die(what, r.status());
  return std::move(r).value();
}

// One pre-signed transfer.
struct Transfer {
  json params;  // ["0x<extrinsic>"], moved out when submitted
  Hash32 hash{};
  uint32_t sender = 0;
  uint64_t nonce = 0;
};

// Derives the bench keys and signs every transfer, on all cores. Transfer j is sent by account
// j % N with the account's next nonce + j / N to account (j + 1) % N.
std::vector<Transfer> PreSign(const Options& o, const Hash32& genesis,
                              const std::vector<uint64_t>& first_nonce) {
  const size_t threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::optional<crypto::SigningKey>> keys(o.accounts);
  std::vector<Transfer> out(o.txs);
  auto parallel = [&](size_t n, auto&& fn) {
    std::vector<std::thread> pool;
    for (size_t t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        for (size_t i = t; i < n; i += threads) fn(i);
      });
    for (auto& th : pool) th.join();
  };
  parallel(o.accounts, [&](size_t i) { keys[i].emplace(runtime::BenchAccount(i)); });
  parallel(o.txs, [&](size_t j) {
    const uint32_t s = static_cast<uint32_t>(j % o.accounts);
    types::TransactionPayload p;
    p.signer = keys[s]->public_key();
    p.nonce = first_nonce[s] + j / o.accounts;
    p.valid_until = 0;  // immortal: a slow run must not expire its own transfers
    p.call.value = types::calls::Transfer{keys[(s + 1) % o.accounts]->public_key(),
                                          types::Balance{1'000'000'000}};  // 0.001 PHX
    types::SignedTransaction tx = types::Sign(p, *keys[s], genesis);
    Bytes encoded = codec::EncodeToBytes(tx);
    out[j].hash = crypto::Blake2b256(encoded);
    out[j].params = json::array({ToHex0x(encoded)});
    out[j].sender = s;
    out[j].nonce = p.nonce;
  });
  return out;
}

// Next nonce of every bench account (non-zero when --url points at a chain used before).
std::vector<uint64_t> FetchNonces(rpc::Client& client, size_t accounts) {
  std::vector<uint64_t> nonces(accounts, 0);
  std::mutex mu;
  std::condition_variable cv;
  size_t done = 0;
  std::string error;
  for (size_t i = 0; i < accounts; ++i) {
    json params = json::array({types::ToSs58(runtime::BenchAccount(i).public_key())});
    client.CallAsync("system_accountNextIndex", std::move(params),
                     [&, i](Result<rpc::MethodResult> r) {
                       std::lock_guard lock(mu);
                       if (r.ok() && !rpc::IsError(*r) && std::get<json>(*r).is_number_unsigned())
                         nonces[i] = std::get<json>(*r).get<uint64_t>();
                       else if (error.empty())
                         error = r.ok() ? (rpc::IsError(*r) ? std::get<rpc::RpcError>(*r).message
                                                            : "non-numeric nonce")
                                        : r.status().ToString();
                       ++done;
                       cv.notify_all();
                     });
  }
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return done == accounts; });
  if (!error.empty()) Die("reading the bench accounts' nonces", Internal(error));
  return nonces;
}

// Submission state shared by the connections' I/O threads and the main thread.
class Submitter {
 public:
  // Times are nanoseconds since `origin`, the same origin as the FinalityTracker's.
  // `pace`: time between two submissions on one connection (zero: no pacing).
  Submitter(std::vector<Transfer>& txs, Clock::time_point origin,
            std::chrono::nanoseconds pace = {})
      : txs_(txs), origin_(origin), pace_(pace), start_(Clock::now()), send_ns_(txs.size()) {}

  struct Conn {
    std::unique_ptr<rpc::Client> client;
    std::vector<uint32_t> order;  // indices into txs, in submission order
    std::atomic<size_t> next{0};
  };

  // Keeps `window` calls in flight on `c`; each completion issues the next call.
  void Start(Conn& c, size_t window) {
    for (size_t i = 0; i < window; ++i) Issue(c);
  }

  size_t acked() const { return acked_.load(); }
  size_t rejected() const { return rejected_.load(); }
  int64_t last_ack_ns() const { return last_ack_ns_.load(); }
  int64_t send_ns(uint32_t j) const { return send_ns_[j]; }
  std::map<std::string, size_t> errors() const {
    std::lock_guard lock(mu_);
    return errors_;
  }

 private:
  int64_t Now() const {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - origin_).count();
  }

  void Issue(Conn& c) {
    const size_t k = c.next.fetch_add(1);
    if (k >= c.order.size()) return;
    // Paced: the k-th call of a connection waits for its slot (on the I/O thread, which only
    // submits, so the wait delays nothing else that is measured).
    if (pace_.count() > 0) std::this_thread::sleep_until(start_ + pace_ * k);
    const uint32_t j = c.order[k];
    send_ns_[j] = Now();
    c.client->CallAsync("author_submitExtrinsic", std::move(txs_[j].params),
                        [this, &c](Result<rpc::MethodResult> r) {
                          OnAck(r);
                          Issue(c);
                        });
  }

  void OnAck(const Result<rpc::MethodResult>& r) {
    if (!r.ok() || rpc::IsError(*r)) {
      std::string why = !r.ok() ? r.status().ToString() : std::get<rpc::RpcError>(*r).message;
      rejected_.fetch_add(1);
      std::lock_guard lock(mu_);
      if (errors_.size() < 20 || errors_.count(why)) ++errors_[why];
    }
    last_ack_ns_.store(Now());
    acked_.fetch_add(1);
  }

  std::vector<Transfer>& txs_;
  const Clock::time_point origin_;
  const std::chrono::nanoseconds pace_;
  const Clock::time_point start_;  // pacing slots count from here
  std::vector<int64_t> send_ns_;   // written before the call, read after its block is final
  std::atomic<size_t> acked_{0}, rejected_{0};
  std::atomic<int64_t> last_ack_ns_{0};
  mutable std::mutex mu_;
  std::map<std::string, size_t> errors_;  // guarded by mu_
};

// Follows finalized heads and matches the transfers in each new block.
class FinalityTracker {
 public:
  FinalityTracker(const std::vector<Transfer>& txs, Clock::time_point origin)
      : origin_(origin), final_ns_(txs.size(), -1) {
    index_.reserve(txs.size());
    for (uint32_t j = 0; j < txs.size(); ++j) index_.emplace(txs[j].hash, j);
  }

  // Runs on the watch client's I/O thread: only records the notification.
  void OnFinalizedHead(const json& header) {
    if (!header.is_object() || !header.contains("height") || !header["height"].is_number_unsigned())
      return;
    NotifyHeight(header["height"].get<uint64_t>());
  }

  // Records that blocks up to `height` are final now (from a notification, or from polling the
  // best height should the subscription have been dropped).
  void NotifyHeight(uint64_t height) {
    std::lock_guard lock(mu_);
    notified_[height] =
        std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - origin_).count();
    cv_.notify_all();
  }

  // Reads every block up to the newest notified height; waits up to `wait` for a notification.
  void Poll(rpc::Client& query, std::chrono::milliseconds wait) {
    std::map<uint64_t, int64_t> heights;
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, wait, [&] { return !notified_.empty(); });
      heights.swap(notified_);
    }
    if (heights.empty()) return;
    const uint64_t target = heights.rbegin()->first;
    for (uint64_t h = last_height_ + 1; h <= target; ++h) {
      // A block missed by the notifications counts as final at the next notification's time.
      auto at = heights.lower_bound(h);
      ReadBlock(query, h, at == heights.end() ? heights.rbegin()->second : at->second);
    }
    last_height_ = std::max(last_height_, target);
  }

  void set_start_height(uint64_t h) { last_height_ = h; }
  size_t finalized() const { return finalized_; }
  size_t blocks_used() const { return blocks_used_; }
  size_t max_block_txs() const { return max_block_txs_; }
  int64_t last_final_ns() const { return last_final_ns_; }
  int64_t final_ns(uint32_t j) const { return final_ns_[j]; }

 private:
  void ReadBlock(rpc::Client& query, uint64_t height, int64_t final_ns) {
    json hash =
        Check(query.Call("chain_getBlockHash", json::array({height})), "chain_getBlockHash");
    json block = Check(query.Call("chain_getBlock", json::array({hash})),
                       "chain_getBlock " + hash.dump() +
                           " (a block over the node's 10 MiB RPC response limit cannot be read)");
    const json& extrinsics = block.at("block").at("extrinsics");
    size_t ours = 0;
    for (const auto& x : extrinsics) {
      auto bytes = FromHex(x.get_ref<const std::string&>());
      if (!bytes.ok()) continue;
      auto it = index_.find(crypto::Blake2b256(*bytes));
      if (it == index_.end() || final_ns_[it->second] >= 0) continue;
      final_ns_[it->second] = final_ns;
      ++ours;
    }
    max_block_txs_ = std::max(max_block_txs_, extrinsics.size());
    if (ours > 0) {
      ++blocks_used_;
      finalized_ += ours;
      last_final_ns_ = std::max(last_final_ns_, final_ns);
    }
  }

  const Clock::time_point origin_;
  std::unordered_map<Hash32, uint32_t, FixedBytesHash> index_;
  std::vector<int64_t> final_ns_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<uint64_t, int64_t> notified_;  // height -> arrival (ns since origin); guarded by mu_
  // Main thread only:
  uint64_t last_height_ = 0;
  size_t finalized_ = 0, blocks_used_ = 0, max_block_txs_ = 0;
  int64_t last_final_ns_ = 0;
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  size_t k = static_cast<size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

// Block timings the node logs ("block #N 0x.. with K tx (execute X ms, commit Y ms), pool P").
struct BlockLog {
  size_t blocks = 0;
  double execute_ms = 0, commit_ms = 0, max_execute_ms = 0, max_commit_ms = 0;
};

BlockLog ParseBlockLog(const std::filesystem::path& path) {
  BlockLog out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    auto at = line.find(" tx (execute ");
    if (at == std::string::npos) continue;
    double ex = 0, co = 0;
    if (std::sscanf(line.c_str() + at, " tx (execute %lf ms, commit %lf ms)", &ex, &co) != 2)
      continue;
    ++out.blocks;
    out.execute_ms += ex;
    out.commit_ms += co;
    out.max_execute_ms = std::max(out.max_execute_ms, ex);
    out.max_commit_ms = std::max(out.max_commit_ms, co);
  }
  return out;
}

double SelfCpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  Options o = ParseOptions(argc, argv);
  spdlog::set_level(spdlog::level::warn);
  std::signal(SIGPIPE, SIG_IGN);

  std::unique_ptr<DevNode> node;
  std::unique_ptr<LocalnetNodes> net;
  std::vector<std::string> urls = o.urls;
  if (o.localnet_validators > 0) {
    auto start = Clock::now();
    net = Check(SpawnLocalnet(o.node_binary, o.localnet_validators, o.accounts, o.block_time_ms,
                              o.start_timeout_s),
                "starting phalanx-node localnet");
    urls = net->urls;
    std::fprintf(stderr, "load_bench: localnet of %zu nodes ready after %.1f s (logs in %s)\n",
                 urls.size(), SecondsSince(start), net->dir->path().c_str());
  } else if (urls.empty()) {
    DevNodeOptions no;
    no.binary = o.node_binary;
    no.dev_accounts = o.accounts;
    no.block_time_ms = o.block_time_ms;
    node = Check(SpawnDevNode(no), "starting phalanx-node");
    urls = {node->url};
    auto start = Clock::now();
    Check(WaitReady(*node, o.start_timeout_s), "waiting for phalanx-node");
    std::fprintf(stderr, "load_bench: node pid %d ready at %s after %.1f s (log %s)\n", node->pid(),
                 node->url.c_str(), SecondsSince(start), node->log_path.c_str());
  }
  // Finality is watched on the last node (a localnet's RPC node); transfers go to all of them.
  const std::string url = urls.back();
  const bool multi = urls.size() > 1;
  auto report = [&](const std::string& name, double value, const char* unit) {
    Report(((multi ? "localnet_" : "e2e_") + name).c_str(), value, unit);
  };
  std::vector<pid_t> node_pids;
  if (node) node_pids.push_back(node->pid());
  if (net) node_pids = net->pids;
  auto nodes_cpu = [&] {
    double s = 0;
    for (pid_t p : node_pids) s += CpuSeconds(p);
    return s;
  };
  auto query = Check(rpc::Client::Connect(url), "connecting to " + url);
  Hash32 genesis = Check(
      FixedFromHex<32>(Check(query->Call("chain_getBlockHash", json::array({0})), "genesis hash")
                           .get<std::string>()),
      "genesis hash");

  std::vector<uint64_t> nonces = FetchNonces(*query, o.accounts);
  auto sign_start = Clock::now();
  std::vector<Transfer> txs = PreSign(o, genesis, nonces);
  const double sign_s = SecondsSince(sign_start);
  std::fprintf(stderr, "load_bench: signed %zu transfers from %zu accounts in %.2f s\n", o.txs,
               o.accounts, sign_s);

  // At least one connection per node; connection c goes to node c % nodes. A sender always uses
  // the same connection, so its nonces reach one node in order.
  std::vector<Submitter::Conn> conns(std::max(o.connections, urls.size()));
  for (size_t c = 0; c < conns.size(); ++c)
    conns[c].client = Check(rpc::Client::Connect(urls[c % urls.size()]),
                            "connecting to " + urls[c % urls.size()]);
  for (uint32_t j = 0; j < txs.size(); ++j) conns[txs[j].sender % conns.size()].order.push_back(j);

  const auto origin = Clock::now();
  FinalityTracker tracker(txs, origin);
  tracker.set_start_height(Check(BestHeight(*query), "reading the best height"));
  auto watch = Check(rpc::Client::Connect(url), "connecting to " + url);
  Check(watch->Subscribe("chain_subscribeFinalizedHeads", json::array(),
                         [&](const json& h) { tracker.OnFinalizedHead(h); }),
        "subscribing to finalized heads");

  const double load_at_start = LoadAverage1m();
  const double node_cpu0 = nodes_cpu();
  const double self_cpu0 = SelfCpuSeconds();
  const auto t0 = Clock::now();  // the clock starts at the first submit
  const double t0_ns = std::chrono::duration<double, std::nano>(t0 - origin).count();
  const auto pace = o.rate > 0 ? std::chrono::nanoseconds(static_cast<int64_t>(
                                     1e9 * static_cast<double>(conns.size()) / o.rate))
                               : std::chrono::nanoseconds(0);
  Submitter submitter(txs, origin, pace);
  for (auto& c : conns) submitter.Start(c, o.window);

  bool timed_out = false;
  auto last_progress = Clock::now();
  size_t last_finalized = 0;
  for (;;) {
    tracker.Poll(*query, std::chrono::milliseconds(200));
    if (tracker.finalized() != last_finalized) {
      last_finalized = tracker.finalized();
      last_progress = Clock::now();
    } else if (SecondsSince(last_progress) > 3.0 * static_cast<double>(o.block_time_ms) / 1e3) {
      // No new transfers for three block times: poll, in case notifications were dropped.
      auto best = BestHeight(*query);
      if (best.ok()) tracker.NotifyHeight(*best);
      last_progress = Clock::now();
    }
    const bool all_acked = submitter.acked() == txs.size();
    if (all_acked && tracker.finalized() + submitter.rejected() >= txs.size()) break;
    if (SecondsSince(t0) > o.timeout_s) {
      timed_out = true;
      break;
    }
  }
  const double wall_s = SecondsSince(t0);
  const double node_cpu_s = nodes_cpu() - node_cpu0;
  const double self_cpu_s = SelfCpuSeconds() - self_cpu0;

  const size_t finalized = tracker.finalized();
  const double e2e_s =
      timed_out ? wall_s : (static_cast<double>(tracker.last_final_ns()) - t0_ns) / 1e9;
  std::vector<double> latency_ms;
  latency_ms.reserve(finalized);
  for (uint32_t j = 0; j < txs.size(); ++j)
    if (tracker.final_ns(j) >= 0)
      latency_ms.push_back(static_cast<double>(tracker.final_ns(j) - submitter.send_ns(j)) / 1e6);

  std::fprintf(stderr,
               "load_bench: %zu txs, %zu accounts, %zu connections x %zu window to %zu node(s), "
               "%lu ms blocks, load average %.2f at start%s\n",
               o.txs, o.accounts, conns.size(), o.window, urls.size(),
               static_cast<unsigned long>(o.block_time_ms), load_at_start,
               timed_out ? "; TIMED OUT: partial result" : "");
  for (const auto& [why, n] : submitter.errors())
    std::fprintf(stderr, "load_bench: %zu submissions rejected: %s\n", n, why.c_str());

  report("finalized_tps", e2e_s > 0 ? static_cast<double>(finalized) / e2e_s : 0, "tx/s");
  report("finalized", static_cast<double>(finalized), "tx");
  report("rejected", static_cast<double>(submitter.rejected()), "tx");
  report("first_submit_to_last_finalized", e2e_s * 1e3, "ms");
  const double submit_s = (static_cast<double>(submitter.last_ack_ns()) - t0_ns) / 1e9;
  report("submit_rate", submit_s > 0 ? static_cast<double>(submitter.acked()) / submit_s : 0,
         "tx/s");
  report("latency_p50", Percentile(latency_ms, 0.50), "ms");
  report("latency_p99", Percentile(latency_ms, 0.99), "ms");
  report("blocks_used", static_cast<double>(tracker.blocks_used()), "blocks");
  report("max_block_txs", static_cast<double>(tracker.max_block_txs()), "tx");
  report("presign_rate", sign_s > 0 ? static_cast<double>(o.txs) / sign_s : 0, "tx/s");
  report("client_cpu_per_tx", self_cpu_s * 1e6 / static_cast<double>(o.txs), "us");
  if (!node_pids.empty())
    report("node_cpu_per_tx", finalized ? node_cpu_s * 1e6 / static_cast<double>(finalized) : 0,
           "us");
  if (node) {
    BlockLog bl = ParseBlockLog(node->log_path);
    if (bl.blocks > 0) {
      report("node_block_execute_total", bl.execute_ms, "ms");
      report("node_block_commit_total", bl.commit_ms, "ms");
      report("node_block_execute_max", bl.max_execute_ms, "ms");
      report("node_block_commit_max", bl.max_commit_ms, "ms");
    }
    Memory m = ReadMemory(node->pid());
    report("node_rss", m.rss_mib, "MiB");
    report("node_rss_peak", m.peak_mib, "MiB");
  }
  if (net) {
    double rss = 0;
    for (pid_t p : node_pids) rss += ReadMemory(p).rss_mib;
    report("nodes_rss_total", rss, "MiB");
  }
  report("load_average_1m", load_at_start, "load");

  watch->Close();
  for (auto& c : conns) c.client->Close();
  query->Close();
  if (net && o.keep) {
    std::fprintf(stderr, "load_bench: --keep: the localnet still serves %s (directory %s)\n",
                 url.c_str(), net->dir->path().c_str());
    net->Keep();
  }
  if (node && o.keep) {
    std::fprintf(stderr, "load_bench: --keep: node pid %d still serves %s (base path %s)\n",
                 node->pid(), url.c_str(), node->base_path.c_str());
    node->Keep();
  } else if (node) {
    (void)node->process->Signal(SIGTERM);
    node->process->Wait(std::chrono::seconds(20));
  }
  return timed_out ? 3 : 0;
}
