// Crash safety under load (ARCHITECTURE.md §3 "Crash safety"): a dev node takes a steady stream
// of transfers and is killed with SIGKILL at random moments, then restarted on the same
// database. At the end every transfer the node reported finalized must still be in its block, no
// transfer may be applied twice, every balance must follow from the transfers and fees in the
// chain, the total issuance must equal genesis minus the burned fees, and blocks keep coming.
//
// The kill schedule comes from a seeded RNG that is printed: PHALANX_CRASH_SEED=<n> replays a
// run's schedule, PHALANX_CRASH_ITERATIONS=<n> sets the number of kills (default 6; the full
// suite runs 20).
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <thread>
#include <unordered_map>

#include "harness.h"
#include "phalanx/codec/codec.h"
#include "phalanx/crypto/hash.h"
#include "phalanx/runtime/genesis.h"
#include "phalanx/runtime/storage.h"
#include "phalanx/types/amount.h"

namespace phalanx::itest {
namespace {

using nlohmann::json;
using types::AccountId;
using types::Balance;
using Clock = std::chrono::steady_clock;
using Ms = std::chrono::milliseconds;

constexpr uint64_t kBlockTimeMs = 100;
constexpr size_t kDevAccounts = 64;  // --dev-accounts: BenchAccount(0..63) hold 1,000 PHX
constexpr size_t kSenders = 48;      // BenchAccount(0..47) send ...
constexpr size_t kDestinations = 4;  // ... to BenchAccount(48..51), which only receive
constexpr int kDefaultIterations = 6;
constexpr uint64_t kMaxStartupKillMs = 150;  // start-up takes about 100-130 ms here
constexpr int kMaxInFlightPerSender = 3;     // keeps the pool small and the load steady
constexpr auto kSubmitPause = Ms(3);         // about 200-300 transfers per second
constexpr auto kSettleLoad = Ms(2000);       // load after the last restart, before the checks
constexpr auto kDrainTimeout = Ms(15000);
// Each transfer moves 0.01 PHX plus a unique number of units, so that no two signed transfers
// share a hash even when a nonce is reused after a kill.
constexpr Balance kBaseAmount = types::kUnitsPerPhx / 100;

struct CrashConfig {
  uint64_t seed = 0;
  int iterations = kDefaultIterations;
};

CrashConfig ConfigFromEnv() {
  CrashConfig c;
  if (const char* s = std::getenv("PHALANX_CRASH_SEED"); s && *s)
    c.seed = std::strtoull(s, nullptr, 10);
  else
    c.seed = std::random_device{}();
  if (const char* s = std::getenv("PHALANX_CRASH_ITERATIONS"); s && *s)
    c.iterations = std::max(1, std::atoi(s));
  return c;
}

// Kill delays after the node answers RPC again: a third land within the first 1.5
// block times (start-up, the first block), the rest after up to 20 blocks of steady load. The
// first kill always comes under load so that some finalized transfers precede a kill.
Ms PickKillDelay(std::mt19937_64& rng, int iteration) {
  std::uniform_int_distribution<int> kind(0, 2);
  bool early = iteration > 0 && kind(rng) == 0;
  uint64_t lo = early ? 0 : kBlockTimeMs * 3 / 2;
  uint64_t hi = early ? kBlockTimeMs * 3 / 2 : kBlockTimeMs * 20;
  return Ms(std::uniform_int_distribution<uint64_t>(lo, hi - 1)(rng));
}

// A quarter of the kills are followed by a second one while the restarted node opens its
// database and starts up (before its RPC answers).
std::optional<Ms> PickStartupKillDelay(std::mt19937_64& rng) {
  if (std::uniform_int_distribution<int>(0, 3)(rng) != 0) return std::nullopt;
  return Ms(std::uniform_int_distribution<uint64_t>(0, kMaxStartupKillMs)(rng));
}

// ---------------------------------------------------------------------------------------------
// What the test signed and what the node told it, shared by the load thread and the RPC client's
// I/O thread.

enum class TxState {
  kSigned,     // submission outcome unknown (the connection broke): may or may not be on chain
  kSubmitted,  // accepted into the pool
  kRejected,   // the node answered with a JSON-RPC error: must never reach the chain
  kFinalized,  // reported finalized in `block_hash`: must survive every later kill
  kDropped,    // reported dropped/invalid/usurped
};

struct SentTx {
  size_t sender = 0;
  size_t dest = 0;
  uint64_t nonce = 0;
  Balance amount = 0;
  int epoch = 0;  // the node incarnation it was submitted to
  TxState state = TxState::kSigned;
  std::string block_hash;
  std::string note;
};

struct Ledger {
  std::mutex mu;
  std::unordered_map<std::string, SentTx> txs;  // by 0x-hex transaction hash
  uint64_t next_unique_units = 0;

  size_t Count(int epoch, TxState state) {
    std::lock_guard lock(mu);
    size_t n = 0;
    for (const auto& [h, tx] : txs) n += (epoch < 0 || tx.epoch == epoch) && tx.state == state;
    return n;
  }
};

struct Accounts {
  std::vector<crypto::SigningKey> senders;
  std::vector<AccountId> dests;
  Accounts() {
    for (size_t i = 0; i < kSenders; ++i) senders.push_back(runtime::BenchAccount(i));
    for (size_t i = 0; i < kDestinations; ++i)
      dests.push_back(runtime::BenchAccount(kSenders + i).public_key());
  }
};

// Submits transfers round-robin from the senders through one WebSocket connection with
// author_submitAndWatchExtrinsic, at most kMaxInFlightPerSender unfinished per sender, until
// stopped; after the node dies it idles until stopped.
class TransferLoad {
 public:
  TransferLoad(Ledger& ledger, const Accounts& accounts, const Hash32& genesis, std::string url,
               std::vector<uint64_t> nonces, int epoch, uint64_t seed)
      : ledger_(ledger),
        accounts_(accounts),
        genesis_(genesis),
        url_(std::move(url)),
        epoch_(epoch),
        rng_(seed),
        nonces_(std::move(nonces)),
        in_flight_(kSenders, 0),
        refetch_(kSenders, false) {}
  ~TransferLoad() { Stop(); }

  // Connects (before the caller's kill timer starts), then submits on a thread of its own.
  Status Start() {
    ASSIGN_OR_RETURN(client_, rpc::Client::Connect(url_, 5000));
    thread_ = std::thread([this] { Run(); });
    return Status::Ok();
  }

  // Stops submitting and waits until every submitted transfer has a final status.
  bool Drain(Ms timeout) {
    paused_ = true;
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      {
        std::lock_guard lock(mu_);
        int total = 0;
        for (int n : in_flight_) total += n;
        if (total == 0) return true;
      }
      std::this_thread::sleep_for(Ms(20));
    }
    return false;
  }

  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (client_) client_->Close();  // joins the I/O thread: no callback runs after this
    client_.reset();
  }

 private:
  void Run() {
    size_t next = 0;
    while (!stop_) {
      if (!paused_ && client_->connected()) {
        for (size_t k = 0; k < kSenders; ++k) {
          size_t s = (next + k) % kSenders;
          bool room;
          {
            std::lock_guard lock(mu_);
            room = in_flight_[s] < kMaxInFlightPerSender;
          }
          if (!room) continue;
          SubmitOne(s);
          next = s + 1;
          break;
        }
      }
      std::this_thread::sleep_for(kSubmitPause);
    }
  }

  void SubmitOne(size_t s) {
    const crypto::SigningKey& key = accounts_.senders[s];
    bool refetch;
    {
      std::lock_guard lock(mu_);
      refetch = refetch_[s];
    }
    if (refetch) {
      auto n =
          client_->Call("system_accountNextIndex", json::array({types::ToSs58(key.public_key())}));
      if (!n.ok()) return;
      nonces_[s] = n->get<uint64_t>();
      std::lock_guard lock(mu_);
      refetch_[s] = false;
    }
    SentTx tx;
    tx.sender = s;
    tx.dest = std::uniform_int_distribution<size_t>(0, kDestinations - 1)(rng_);
    tx.nonce = nonces_[s];
    tx.epoch = epoch_;
    {
      std::lock_guard lock(ledger_.mu);
      tx.amount = kBaseAmount + ledger_.next_unique_units++;
    }
    types::TransactionPayload p;
    p.signer = key.public_key();
    p.nonce = tx.nonce;
    p.call.value = types::calls::Transfer{accounts_.dests[tx.dest], tx.amount};
    Bytes bytes = codec::EncodeToBytes(types::Sign(p, key, genesis_));
    std::string hash = ToHex0x(crypto::Blake2b256(bytes));
    {
      std::lock_guard lock(ledger_.mu);
      ledger_.txs.emplace(hash, tx);
    }
    {
      std::lock_guard lock(mu_);
      ++in_flight_[s];
    }
    auto sub = client_->Subscribe("author_submitAndWatchExtrinsic", json::array({ToHex0x(bytes)}),
                                  [this, hash, s](const json& u) { OnUpdate(hash, s, u); });
    if (sub.ok()) {
      ++nonces_[s];
      std::lock_guard lock(ledger_.mu);
      SentTx& t = ledger_.txs.at(hash);
      if (t.state == TxState::kSigned) t.state = TxState::kSubmitted;
      return;
    }
    {
      std::lock_guard lock(mu_);
      --in_flight_[s];
      refetch_[s] = true;
    }
    // An answer from the node means it refused the transfer; a broken connection leaves it
    // unknown (the node may have taken it just before dying).
    bool answered = sub.status().message().find("JSON-RPC error") != std::string_view::npos;
    std::lock_guard lock(ledger_.mu);
    SentTx& t = ledger_.txs.at(hash);
    if (answered) t.state = TxState::kRejected;
    t.note = sub.status().ToString();
  }

  // Runs on the client's I/O thread.
  void OnUpdate(const std::string& hash, size_t s, const json& update) {
    if (!update.is_object() || update.contains("inBlock")) return;  // "ready", "future", inBlock
    bool finalized = update.contains("finalized");
    {
      std::lock_guard lock(ledger_.mu);
      SentTx& t = ledger_.txs.at(hash);
      if (finalized) {
        t.state = TxState::kFinalized;
        t.block_hash = update["finalized"].get<std::string>();
      } else {
        t.state = TxState::kDropped;
        t.note = update.dump();
      }
    }
    std::lock_guard lock(mu_);
    --in_flight_[s];
    if (!finalized) refetch_[s] = true;
  }

  Ledger& ledger_;
  const Accounts& accounts_;
  const Hash32 genesis_;
  const std::string url_;
  const int epoch_;
  std::mt19937_64 rng_;           // load thread only
  std::vector<uint64_t> nonces_;  // load thread only
  std::unique_ptr<rpc::Client> client_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> paused_{false};
  std::mutex mu_;  // guards in_flight_ and refetch_ (load thread and I/O thread)
  std::vector<int> in_flight_;
  std::vector<bool> refetch_;
};

Result<std::vector<uint64_t>> FetchNonces(NodeProcess& node, const Accounts& accounts) {
  std::vector<uint64_t> nonces;
  for (const auto& key : accounts.senders) {
    ASSIGN_OR_RETURN(json n, node.Call("system_accountNextIndex",
                                       json::array({types::ToSs58(key.public_key())})));
    nonces.push_back(n.get<uint64_t>());
  }
  return nonces;
}

// ---------------------------------------------------------------------------------------------
// What the chain says: every block from 1 to the head, its transactions and events.

struct ChainTx {
  std::string block_hash;
  uint64_t height = 0;
  size_t index = 0;
};

struct Flow {
  Balance in = 0, out = 0, fees = 0;  // fees: fee + tip paid
};

struct ChainScan {
  uint64_t head = 0;
  std::unordered_map<std::string, ChainTx> txs;  // by 0x-hex transaction hash
  std::map<AccountId, uint64_t> tx_count;        // by signer
  std::map<AccountId, Flow> flows;
  Balance burned = 0, to_treasury = 0, dust = 0;
};

Balance U128(const json& j) {
  auto v = types::ParseU128(j.get<std::string>());
  EXPECT_TRUE(v.ok()) << "not a u128 amount: " << j.dump();
  return v.ok() ? *v : 0;
}

// Checks one transaction's events (fee paid by the signer, the transfer as signed, success)
// and adds them to the flows.
void ScanTransferEvents(const types::SignedTransaction& tx, const std::vector<json>& events,
                        const std::string& where, ChainScan& scan) {
  const auto* call = std::get_if<types::calls::Transfer>(&tx.payload.call.value);
  ASSERT_NE(call, nullptr) << where << " is not a balances.transfer";
  std::string signer = types::ToSs58(tx.payload.signer);
  int fee_events = 0, transfer_events = 0, successes = 0;
  for (const json& e : events) {
    const std::string name = e["name"].get<std::string>();
    const json& f = e["fields"];
    if (name == "balances.FeePaid") {
      ++fee_events;
      EXPECT_EQ(f["who"], signer) << where;
      scan.flows[tx.payload.signer].fees += U128(f["fee"]) + U128(f["tip"]);
      scan.burned += U128(f["burned"]);
      scan.to_treasury += U128(f["to_treasury"]);
    } else if (name == "balances.Transfer") {
      ++transfer_events;
      EXPECT_EQ(f["from"], signer) << where;
      EXPECT_EQ(f["to"], types::ToSs58(call->dest)) << where;
      Balance amount = U128(f["amount"]);
      EXPECT_EQ(types::U128ToString(amount), types::U128ToString(call->amount)) << where;
      scan.flows[tx.payload.signer].out += amount;
      scan.flows[call->dest].in += amount;
    } else if (name == "balances.AccountReaped") {
      scan.dust += U128(f["dust"]);
    } else if (name == "system.ExtrinsicSuccess") {
      ++successes;
    }
  }
  EXPECT_EQ(fee_events, 1) << where << " events: " << json(events).dump();
  EXPECT_EQ(transfer_events, 1) << where << " events: " << json(events).dump();
  EXPECT_EQ(successes, 1) << where << " events: " << json(events).dump();
}

void ScanBlock(rpc::Client& client, Ledger& ledger, uint64_t height, std::string& parent_hash,
               ChainScan& scan) {
  std::string at = "block " + std::to_string(height);
  auto hash = client.Call("chain_getBlockHash", json::array({height}));
  ASSERT_TRUE(hash.ok() && hash->is_string()) << at << ": " << hash.status().ToString();
  auto block = client.Call("chain_getBlock", json::array({*hash}));
  ASSERT_TRUE(block.ok()) << at << ": " << block.status().ToString();
  const json& header = (*block)["block"]["header"];
  ASSERT_EQ(header["hash"], *hash) << at;
  ASSERT_EQ(header["height"].get<uint64_t>(), height) << at;
  ASSERT_EQ(header["parent_hash"], parent_hash) << at << " does not link to its parent";
  const std::string block_hash = hash->get<std::string>();
  parent_hash = block_hash;
  auto events = client.Call("chain_getEvents", json::array({*hash}));
  ASSERT_TRUE(events.ok()) << at << ": " << events.status().ToString();
  std::map<size_t, std::vector<json>> by_tx;
  for (const json& record : *events) {
    if (record["tx_index"].is_null()) {
      if (record["event"]["name"] == "balances.AccountReaped")
        scan.dust += U128(record["event"]["fields"]["dust"]);
      continue;
    }
    by_tx[record["tx_index"].get<size_t>()].push_back(record["event"]);
  }
  const json& extrinsics = (*block)["block"]["extrinsics"];
  for (size_t i = 0; i < extrinsics.size(); ++i) {
    std::string where = at + " transaction " + std::to_string(i);
    auto bytes = FromHex(extrinsics[i].get<std::string>());
    ASSERT_TRUE(bytes.ok()) << where;
    auto tx = types::DecodeTransaction(*bytes);
    ASSERT_TRUE(tx.ok()) << where << ": " << tx.status().ToString();
    std::string tx_hash = ToHex0x(crypto::Blake2b256(*bytes));
    where += " (" + tx_hash + ")";
    {
      std::lock_guard lock(ledger.mu);
      auto it = ledger.txs.find(tx_hash);
      EXPECT_TRUE(it != ledger.txs.end()) << where << " was never signed by this test";
      if (it != ledger.txs.end()) {
        EXPECT_NE(it->second.state, TxState::kRejected)
            << where << " is on chain although the node rejected it: " << it->second.note;
      }
    }
    auto [prev, fresh] = scan.txs.emplace(tx_hash, ChainTx{block_hash, height, i});
    EXPECT_TRUE(fresh) << where << " applied twice: first in block " << prev->second.height;
    uint64_t& count = scan.tx_count[tx->payload.signer];
    EXPECT_EQ(tx->payload.nonce, count)
        << where << " from " << types::ToSs58(tx->payload.signer)
        << ": nonces on chain must run 0, 1, 2, ... without gaps or repeats";
    ++count;
    ScanTransferEvents(*tx, by_tx[i], where, scan);
  }
}

void ScanChain(NodeProcess& node, Ledger& ledger, ChainScan& scan) {
  auto client = rpc::Client::Connect(node.ws_url(), 10000);
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  auto head = node.BestHeight();
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  scan.head = *head;
  auto genesis = (*client)->Call("chain_getBlockHash", json::array({0}));
  ASSERT_TRUE(genesis.ok());
  std::string parent = genesis->get<std::string>();
  for (uint64_t h = 1; h <= scan.head; ++h) {
    ScanBlock(**client, ledger, h, parent, scan);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

// ---------------------------------------------------------------------------------------------
// The checks.

// Every transfer reported finalized is in the block it was reported in, at that block's height.
void ExpectFinalizedSurvived(NodeProcess& node, Ledger& ledger, const ChainScan& scan) {
  auto client = rpc::Client::Connect(node.ws_url(), 10000);
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  std::lock_guard lock(ledger.mu);
  for (const auto& [hash, tx] : ledger.txs) {
    if (tx.state != TxState::kFinalized) continue;
    std::string what = "transfer " + hash + " (epoch " + std::to_string(tx.epoch) + ", nonce " +
                       std::to_string(tx.nonce) + ") reported finalized in " + tx.block_hash;
    auto it = scan.txs.find(hash);
    EXPECT_TRUE(it != scan.txs.end()) << what << " is no longer in the chain";
    if (it == scan.txs.end()) continue;
    EXPECT_EQ(it->second.block_hash, tx.block_hash) << what << " is now in another block";
    auto found = (*client)->Call("chain_getTransaction", json::array({hash}));
    ASSERT_TRUE(found.ok()) << what << ": " << found.status().ToString();
    ASSERT_TRUE(found->is_object()) << what << ": chain_getTransaction returned " << found->dump();
    EXPECT_EQ((*found)["status"], "finalized") << what;
    EXPECT_EQ((*found)["block_hash"], tx.block_hash) << what;
    EXPECT_EQ((*found)["height"].get<uint64_t>(), it->second.height) << what;
    EXPECT_EQ((*found)["index"].get<size_t>(), it->second.index) << what;
    auto at_height = (*client)->Call("chain_getBlockHash", json::array({it->second.height}));
    ASSERT_TRUE(at_height.ok());
    EXPECT_EQ(*at_height, tx.block_hash) << what;
  }
}

// Each account's balance and nonce follow from genesis and the transfers and fees on chain.
void ExpectAccountsMatchChain(NodeProcess& node, const Accounts& accounts,
                              const std::map<AccountId, Balance>& genesis, const ChainScan& scan) {
  auto genesis_of = [&](const AccountId& id) {
    auto it = genesis.find(id);
    return it == genesis.end() ? Balance{0} : it->second;
  };
  auto expect_account = [&](const AccountId& id, Balance expected, uint64_t nonce) {
    auto a = node.Call("balances_account", json::array({types::ToSs58(id)}));
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    EXPECT_EQ((*a)["free"].get<std::string>(), types::U128ToString(expected))
        << types::ToSs58(id) << ": genesis + received - sent - fees";
    EXPECT_EQ((*a)["nonce"].get<uint64_t>(), nonce)
        << types::ToSs58(id) << ": nonce must equal its transactions on chain";
  };
  auto flow_of = [&](const AccountId& id) {
    auto it = scan.flows.find(id);
    return it == scan.flows.end() ? Flow{} : it->second;
  };
  auto count_of = [&](const AccountId& id) {
    auto it = scan.tx_count.find(id);
    return it == scan.tx_count.end() ? uint64_t{0} : it->second;
  };
  std::vector<AccountId> ids;
  for (const auto& k : accounts.senders) ids.push_back(k.public_key());
  ids.insert(ids.end(), accounts.dests.begin(), accounts.dests.end());
  for (const AccountId& id : ids) {
    Flow f = flow_of(id);
    expect_account(id, genesis_of(id) + f.in - f.out - f.fees, count_of(id));
  }
  const AccountId& treasury = runtime::TreasuryAccount();
  expect_account(treasury, genesis_of(treasury) + scan.to_treasury, 0);
  // Nothing else signed anything: every transaction on chain came from a sender.
  uint64_t on_chain = 0;
  for (const auto& [id, n] : scan.tx_count) on_chain += n;
  EXPECT_EQ(on_chain, scan.txs.size());
}

Balance TotalIssuance(NodeProcess& node) {
  auto v = node.Call("balances_totalIssuance");
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return v.ok() ? U128(*v) : 0;
}

// Runs cfg.iterations rounds of: load, kill -9 after a random delay, restart.
void KillRepeatedlyUnderLoad(NodeProcess& node, const CrashConfig& cfg, const Accounts& accounts,
                             const Hash32& genesis_hash, Ledger& ledger) {
  std::mt19937_64 rng(cfg.seed);
  for (int i = 0; i < cfg.iterations; ++i) {
    auto nonces = FetchNonces(node, accounts);
    ASSERT_TRUE(nonces.ok()) << "iteration " << i << ": " << nonces.status().ToString();
    Ms delay = PickKillDelay(rng, i);
    {
      TransferLoad load(ledger, accounts, genesis_hash, node.ws_url(), *nonces, i, cfg.seed + i);
      Status started = load.Start();
      ASSERT_TRUE(started.ok()) << "iteration " << i << ": " << started.ToString();
      std::this_thread::sleep_for(delay);
      node.Kill9();
      load.Stop();
    }
    std::optional<Ms> startup_kill = PickStartupKillDelay(rng);
    if (startup_kill) {
      Status relaunched = node.Relaunch();
      ASSERT_TRUE(relaunched.ok()) << "iteration " << i << ": " << relaunched.ToString();
      std::this_thread::sleep_for(*startup_kill);
      node.Kill9();
    }
    std::set<std::string> finalized_blocks;
    {
      std::lock_guard lock(ledger.mu);
      for (const auto& [h, tx] : ledger.txs)
        if (tx.epoch == i && tx.state == TxState::kFinalized)
          finalized_blocks.insert(tx.block_hash);
    }
    Status restarted = node.Restart();
    ASSERT_TRUE(restarted.ok()) << "iteration " << i
                                << ": restart after kill -9 failed: " << restarted.ToString()
                                << " (log " << node.log_path() << ")";
    // A cheap early check; the full one runs at the end.
    for (const std::string& b : finalized_blocks)
      ASSERT_TRUE(node.Call("chain_getHeader", json::array({b})).ok())
          << "iteration " << i << ": block " << b << " held finalized transfers before kill -9 "
          << "and is gone after restart (log " << node.log_path() << ")";
    auto head = node.BestHeight();
    std::cout << "[ crash    ] kill " << i + 1 << "/" << cfg.iterations << " after "
              << delay.count() << " ms"
              << (startup_kill
                      ? " and " + std::to_string(startup_kill->count()) + " ms into start-up"
                      : "")
              << ": " << ledger.Count(i, TxState::kFinalized) << " finalized, "
              << ledger.Count(i, TxState::kSubmitted) + ledger.Count(i, TxState::kSigned)
              << " in flight; head after restart " << (head.ok() ? *head : 0) << std::endl;
  }
}

// A last stretch of load after the final restart, then waits for every transfer to finish.
void SettleUnderLoad(NodeProcess& node, const CrashConfig& cfg, const Accounts& accounts,
                     const Hash32& genesis_hash, Ledger& ledger) {
  auto nonces = FetchNonces(node, accounts);
  ASSERT_TRUE(nonces.ok()) << nonces.status().ToString();
  TransferLoad load(ledger, accounts, genesis_hash, node.ws_url(), *nonces, cfg.iterations,
                    cfg.seed + cfg.iterations);
  Status started = load.Start();
  ASSERT_TRUE(started.ok()) << started.ToString();
  std::this_thread::sleep_for(kSettleLoad);
  EXPECT_TRUE(load.Drain(kDrainTimeout)) << "transfers still unfinished after the load stopped";
  load.Stop();
}

// Leaves the database and the node's log behind when the test failed.
struct KeepOnFailure {
  platform::TempDir& dir;
  ~KeepOnFailure() {
    if (!::testing::Test::HasFailure()) return;
    std::cout << "[ crash    ] kept " << dir.path() << " (database and node log)" << std::endl;
    dir.Release();
  }
};

TEST(Crash, KillNineUnderTransferLoadLosesNothingAndAppliesNothingTwice) {
  const CrashConfig cfg = ConfigFromEnv();
  std::cout << "[ crash    ] seed " << cfg.seed << ", " << cfg.iterations
            << " kills (replay: PHALANX_CRASH_SEED=" << cfg.seed
            << " PHALANX_CRASH_ITERATIONS=" << cfg.iterations << ")" << std::endl;
  SCOPED_TRACE("PHALANX_CRASH_SEED=" + std::to_string(cfg.seed));

  // Genesis as the node builds it: the dev accounts plus the bench accounts.
  std::map<AccountId, Balance> genesis;
  Balance genesis_issuance = 0;
  const runtime::ChainSpec spec = runtime::ChainSpec::Dev(kDevAccounts);
  for (const auto& a : spec.balances) {
    genesis[a.id] += a.free;
    genesis_issuance += a.free;
  }
  for (uint64_t i = 0; i < spec.bench_accounts; ++i) {
    genesis[runtime::BenchAccount(i).public_key()] += runtime::kBenchAccountBalance;
    genesis_issuance += runtime::kBenchAccountBalance;
  }

  auto dir = platform::TempDir::Create("phx-itest-crash-");
  ASSERT_TRUE(dir.ok());
  KeepOnFailure keep(*dir);
  auto started =
      NodeProcess::Start(dir->path() / "node", {"--block-time-ms", std::to_string(kBlockTimeMs),
                                                "--dev-accounts", std::to_string(kDevAccounts)});
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  NodeProcess& node = **started;
  auto genesis_hash = GenesisHash(node);
  ASSERT_TRUE(genesis_hash.ok());
  ASSERT_EQ(types::U128ToString(TotalIssuance(node)), types::U128ToString(genesis_issuance))
      << "the dev chain's genesis is not what this test models";

  Accounts accounts;
  Ledger ledger;
  KillRepeatedlyUnderLoad(node, cfg, accounts, *genesis_hash, ledger);
  if (HasFatalFailure()) return;
  size_t finalized_before_kills = ledger.Count(-1, TxState::kFinalized);
  EXPECT_GT(finalized_before_kills, 0u) << "no transfer was finalized before a kill";
  SettleUnderLoad(node, cfg, accounts, *genesis_hash, ledger);
  if (HasFatalFailure()) return;
  EXPECT_EQ(ledger.Count(-1, TxState::kDropped), 0u) << "the pool dropped valid transfers";

  ChainScan scan;
  ScanChain(node, ledger, scan);
  if (HasFatalFailure()) return;
  ExpectFinalizedSurvived(node, ledger, scan);
  ExpectAccountsMatchChain(node, accounts, genesis, scan);
  EXPECT_EQ(types::U128ToString(TotalIssuance(node)),
            types::U128ToString(genesis_issuance - scan.burned - scan.dust))
      << "total issuance must be genesis minus burned fees (and reaped dust)";
  EXPECT_TRUE(scan.dust == 0) << "no account should have been reaped";

  size_t unreported = 0;
  {
    std::lock_guard lock(ledger.mu);
    for (const auto& [h, t] : scan.txs) {
      auto it = ledger.txs.find(h);
      unreported += it != ledger.txs.end() && it->second.state != TxState::kFinalized;
    }
  }
  std::cout << "[ crash    ] " << ledger.txs.size() << " transfers signed, "
            << ledger.Count(-1, TxState::kFinalized) << " reported finalized ("
            << finalized_before_kills << " before a kill), " << scan.txs.size() << " on chain in "
            << scan.head << " blocks (" << unreported << " committed but not reported finalized)"
            << std::endl;

  EXPECT_TRUE(node.WaitForHeight(scan.head + 3, std::chrono::seconds(10)).ok())
      << "the chain stopped producing blocks";
  EXPECT_TRUE(node.Terminate().ok()) << "the node does not shut down cleanly after the kills";
}

}  // namespace
}  // namespace phalanx::itest
