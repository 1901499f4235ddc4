// A steady transfer load on a localnet for the fault tests, and the record of what a client saw:
// a submit thread sends transfers from funded load-test accounts (a few in flight per sender,
// round-robin over the nodes that are up), and an observer thread reads every block of the
// observer node and notes which transfers were finalized where. A sender whose transfers stop
// finalizing (its node was killed before gossiping them) starts again from its on-chain nonce.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "localnet_harness.h"

namespace phalanx::itest {

class TransferLoad {
 public:
  struct Options {
    size_t senders = 12;                  // BenchAccount(0..senders-1) send ...
    size_t receivers = 4;                 // ... to BenchAccount(senders..senders+receivers-1)
    size_t max_in_flight = 4;             // per sender
    std::chrono::milliseconds pause{10};  // between submission rounds
    std::chrono::milliseconds stuck_after{8000};  // resync a sender whose oldest is this old
  };
  struct Finalized {
    uint64_t height = 0;
    std::string block_hash;
  };

  // Bench accounts needed at genesis (LocalnetConfig::dev_accounts).
  static size_t AccountsNeeded(const Options& o) { return o.senders + o.receivers; }

  TransferLoad(Localnet& net, Options options);
  ~TransferLoad();  // stops the threads

  Status Start();  // reads the genesis hash and the senders' nonces, starts the threads
  void Stop();

  size_t submitted() const;
  size_t finalized_count() const;
  // Waits until `count` more transfers than now are finalized (the chain makes progress under
  // the load), or fails with the localnet's state.
  Status WaitMoreFinalized(size_t count, std::chrono::milliseconds timeout);
  // Every transfer the observer reported finalized is in the block of the same hash at the same
  // height on every up node; a sample is also looked up by hash (chain_getTransaction).
  Status CheckNoneLost();
  // An error the threads hit that the test should see (e.g. the observer went down).
  std::string last_error() const;

 private:
  struct Sent {
    size_t sender = 0;
    uint64_t nonce = 0;
    std::chrono::steady_clock::time_point at;
    std::optional<Finalized> finalized;
  };
  struct Sender {
    crypto::SigningKey key;
    uint64_t next_nonce = 0;
    std::vector<std::string> window;  // hashes in flight, oldest first
    std::chrono::steady_clock::time_point resume_at{};
  };

  void SubmitLoop();
  void ObserveLoop();
  void SubmitRound(size_t& rr);
  Status Resync(size_t sender);  // on-chain nonce from the observer; drops the in-flight window
  std::vector<Localnet::Node*> UpNodes();

  Localnet& net_;
  Options options_;
  Hash32 genesis_{};
  std::vector<types::AccountId> receivers_;
  std::atomic<bool> stop_{false};
  std::thread submit_thread_, observe_thread_;

  mutable std::mutex mu_;  // guards everything below
  std::condition_variable finalized_cv_;
  std::vector<Sender> senders_;
  std::unordered_map<std::string, Sent> sent_;  // by 0x transaction hash
  size_t finalized_ = 0;
  uint64_t unique_units_ = 0;
  std::string last_error_;
};

}  // namespace phalanx::itest
