// A 4-validator localnet (`phalanx-node localnet`: alice, bob, charlie, dave and an RPC node,
// each its own process) under a steady transfer load survives process-level faults: a validator
// killed with SIGKILL and restarted from its localnet.json argv, a validator frozen with SIGSTOP,
// a validator cut off by the transport's fault hooks, and two validators down (the chain halts
// without 3 of 4 and resumes when one returns). After each: no fork (every node has the same
// block hash at every height), no finalized transfer lost, and every node converges to the same
// head and state root.
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "localnet_harness.h"
#include "transfer_load.h"

namespace phalanx::itest {
namespace {

using Ms = std::chrono::milliseconds;

constexpr uint64_t kBlockTimeMs = 300;
constexpr size_t kProgressTransfers = 30;   // "the chain continues": this many more finalize ...
constexpr uint64_t kBlocksDuringFault = 8;  // ... and this many blocks while a validator is out
// A height whose proposer is out waits for the propose timeout (3 s, growing per round).
constexpr Ms kProgressTimeout(60'000);
constexpr Ms kCatchUpTimeout(40'000);
constexpr Ms kConvergeTimeout(20'000);
constexpr size_t kLogTailLines = 15;

#define ASSERT_OK(expr)                                     \
  do {                                                      \
    auto _st = (expr);                                      \
    ASSERT_TRUE(_st.ok()) << #expr ":\n" << _st.ToString(); \
  } while (0)

std::string Tail(const std::string& path, size_t lines) {
  std::ifstream in(path);
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);) all.push_back(line);
  std::ostringstream out;
  for (size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i)
    out << "    " << all[i] << "\n";
  return out.str();
}

class LocalnetFaults : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = platform::TempDir::Create("phx-localnet-");
    ASSERT_TRUE(dir.ok()) << dir.status().ToString();
    dir_.emplace(std::move(dir).value());
    LocalnetConfig config;
    config.validators = 4;
    config.block_time_ms = kBlockTimeMs;
    config.dev_accounts = TransferLoad::AccountsNeeded(TransferLoad::Options{});
    auto net = Localnet::Start(dir_->path() / "net", config);
    ASSERT_TRUE(net.ok()) << net.status().ToString();
    net_ = std::move(net).value();
    load_ = std::make_unique<TransferLoad>(*net_, TransferLoad::Options{});
    ASSERT_OK(load_->Start());
    ASSERT_OK(load_->WaitMoreFinalized(kProgressTransfers, kProgressTimeout));
  }

  void TearDown() override {
    if (load_) load_->Stop();
    if (HasFailure() && net_) {
      std::string logs;
      for (auto& n : net_->nodes())
        logs += "  " + n->name + " (" + n->log_path + "):\n" + Tail(n->log_path, kLogTailLines);
      ADD_FAILURE() << "state at failure:\n" << net_->Describe() << "last log lines:\n" << logs;
    }
    load_.reset();
    net_.reset();
    // PHALANX_KEEP_LOCALNET=1 keeps the nodes' directories (logs, databases) for a post-mortem.
    if (const char* keep = std::getenv("PHALANX_KEEP_LOCALNET"); keep && *keep == '1' && dir_) {
      std::printf("[ localnet ] kept %s\n", dir_->path().c_str());
      dir_->Release();
    }
  }

  Localnet::Node& Node(std::string_view name) { return net_->node(name); }
  void Sleep(Ms d) { std::this_thread::sleep_for(d); }

  // `node` catches up with the best of the others.
  void ExpectCatchesUp(Localnet::Node& node) {
    auto best = net_->MaxHeight();
    ASSERT_TRUE(best.ok()) << best.status().ToString();
    ASSERT_OK(net_->WaitHeight(node, *best, kCatchUpTimeout));
  }

  // The chain goes on without the validators that are out: blocks and transfers finalize.
  void ExpectProgress() {
    auto h0 = net_->MaxHeight();
    ASSERT_TRUE(h0.ok()) << h0.status().ToString();
    ASSERT_OK(net_->WaitAllHeight(*h0 + kBlocksDuringFault, kProgressTimeout));
    ASSERT_OK(load_->WaitMoreFinalized(kProgressTransfers, kProgressTimeout));
  }

  // A validator that is back takes part in consensus again: it is not halted and proposes.
  void ExpectParticipates(Localnet::Node& node) {
    auto h = net_->MaxHeight();
    ASSERT_TRUE(h.ok()) << h.status().ToString();
    ASSERT_OK(net_->WaitProposes(node, *h, kProgressTimeout));
    auto status = Localnet::Call(node, "consensus_status");
    ASSERT_TRUE(status.ok()) << status.status().ToString();
    EXPECT_FALSE(status->value("halted", true)) << node.name << ": " << status->dump();
  }

  // The checks after every fault: progress under load, then (load stopped) one head, no fork,
  // nothing finalized lost.
  void ExpectAgreement() {
    ASSERT_OK(load_->WaitMoreFinalized(kProgressTransfers, kProgressTimeout));
    load_->Stop();
    auto best = net_->MaxHeight();
    ASSERT_TRUE(best.ok()) << best.status().ToString();
    ASSERT_OK(net_->WaitAllHeight(*best, kCatchUpTimeout));
    ASSERT_OK(net_->WaitConverged(kConvergeTimeout));
    ASSERT_OK(net_->CheckNoFork());
    ASSERT_OK(load_->CheckNoneLost());
    std::printf("[ localnet ] %zu transfers submitted, %zu finalized, head %llu\n",
                load_->submitted(), load_->finalized_count(),
                static_cast<unsigned long long>(*best));
  }

  std::optional<platform::TempDir> dir_;
  std::unique_ptr<Localnet> net_;
  std::unique_ptr<TransferLoad> load_;
};

TEST_F(LocalnetFaults, KilledValidatorRestartsFromItsArgvAndCatchesUp) {
  auto& bob = Node("bob");
  ASSERT_OK(net_->Kill9(bob));
  ASSERT_NO_FATAL_FAILURE(ExpectProgress());
  ASSERT_OK(net_->Restart(bob));
  ASSERT_NO_FATAL_FAILURE(ExpectCatchesUp(bob));
  ASSERT_NO_FATAL_FAILURE(ExpectParticipates(bob));
  ASSERT_NO_FATAL_FAILURE(ExpectAgreement());
}

TEST_F(LocalnetFaults, StoppedValidatorResumesAndCatchesUp) {
  auto& charlie = Node("charlie");
  ASSERT_OK(net_->Pause(charlie));
  ASSERT_NO_FATAL_FAILURE(ExpectProgress());
  ASSERT_OK(net_->Resume(charlie));
  ASSERT_NO_FATAL_FAILURE(ExpectCatchesUp(charlie));
  ASSERT_NO_FATAL_FAILURE(ExpectParticipates(charlie));
  ASSERT_NO_FATAL_FAILURE(ExpectAgreement());
}

TEST_F(LocalnetFaults, PartitionedValidatorFallsBehindAndRejoinsAfterHeal) {
  auto& dave = Node("dave");
  ASSERT_OK(net_->Partition(dave));
  Sleep(Ms(2 * kBlockTimeMs));  // a block in flight may still reach it
  auto cut_at = Localnet::Height(dave);
  ASSERT_TRUE(cut_at.ok());
  ASSERT_NO_FATAL_FAILURE(ExpectProgress());
  auto isolated = Localnet::Height(dave);
  ASSERT_TRUE(isolated.ok());
  EXPECT_LE(*isolated, *cut_at + 1) << "a partitioned validator cannot finalize alone\n"
                                    << net_->Describe();
  ASSERT_OK(net_->HealAll());
  ASSERT_NO_FATAL_FAILURE(ExpectCatchesUp(dave));
  ASSERT_NO_FATAL_FAILURE(ExpectParticipates(dave));
  ASSERT_NO_FATAL_FAILURE(ExpectAgreement());
}

TEST_F(LocalnetFaults, HaltsSafelyWithoutTwoThirdsAndResumesWhenOneReturns) {
  auto& charlie = Node("charlie");
  auto& dave = Node("dave");
  ASSERT_OK(net_->Kill9(charlie));
  ASSERT_NO_FATAL_FAILURE(ExpectProgress());
  ASSERT_OK(net_->Kill9(dave));
  // A block whose precommits were already out may still commit; after that, nothing.
  Sleep(Ms(4 * kBlockTimeMs));
  auto halted_at = net_->MaxHeight();
  ASSERT_TRUE(halted_at.ok());
  const size_t finalized_at_halt = load_->finalized_count();
  Sleep(Ms(std::max<uint64_t>(12 * kBlockTimeMs, 5000)));
  auto still = net_->MaxHeight();
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(*still, *halted_at) << "2 of 4 validators finalized blocks\n" << net_->Describe();
  EXPECT_EQ(load_->finalized_count(), finalized_at_halt);
  ASSERT_OK(net_->CheckNoFork());

  ASSERT_OK(net_->Restart(dave));  // 3 of 4 again
  ASSERT_NO_FATAL_FAILURE(ExpectProgress());
  ASSERT_OK(net_->CheckNoFork());
  ASSERT_OK(net_->Restart(charlie));
  ASSERT_NO_FATAL_FAILURE(ExpectCatchesUp(charlie));
  ASSERT_NO_FATAL_FAILURE(ExpectParticipates(dave));
  ASSERT_NO_FATAL_FAILURE(ExpectParticipates(charlie));
  ASSERT_NO_FATAL_FAILURE(ExpectAgreement());
}

}  // namespace
}  // namespace phalanx::itest
