// Multi-threaded ed25519 batch verification on a persistent thread pool.
//
// Each item is verified independently (libsodium has no true batch equation; independent checks
// also give a per-item verdict, which block validation needs to name the bad transaction). The
// calling thread works too, so `threads` = 2 means the caller plus one pool thread.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "phalanx/crypto/ed25519.h"
#include "phalanx/crypto/limits.h"
#include "sodium_init.h"

namespace phalanx::crypto {
namespace {

// Items per claim: large enough that the atomic counter is not contended, small enough that the
// threads finish at about the same time.
constexpr size_t kVerifyChunkItems = 16;

// A fixed set of worker threads that run queued tasks. It only grows (up to kMaxVerifyThreads) and
// is never destroyed: joining threads during static destruction would race with any other static
// destructor that still verifies signatures, and the OS reclaims the threads at exit.
class VerifyPool {
 public:
  static VerifyPool& Get() {
    static VerifyPool* pool = new VerifyPool();
    return *pool;
  }

  // Makes sure at least `count` worker threads exist.
  void EnsureWorkers(size_t count) {
    std::lock_guard lock(mu_);
    while (workers_ < count && workers_ < kMaxVerifyThreads) {
      std::thread([this] { WorkerLoop(); }).detach();
      ++workers_;
    }
  }

  void Submit(std::function<void()> task) {
    {
      std::lock_guard lock(mu_);
      tasks_.push_back(std::move(task));
    }
    cv_.notify_one();
  }

 private:
  void WorkerLoop() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return !tasks_.empty(); });
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      task();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;  // guarded by mu_
  size_t workers_ = 0;                       // guarded by mu_
};

// Shared by the caller and its helpers. Helpers may start after all work is done, so the job is
// reference-counted and a helper touches items/results only for indices it claimed; the caller
// returns only once every item is done, so items/results outlive every access to them.
struct BatchJob {
  std::span<const VerifyItem> items;
  uint8_t* results = nullptr;
  std::atomic<size_t> next{0};
  std::atomic<size_t> done{0};
  std::mutex mu;
  std::condition_variable all_done;

  void Work() {
    const size_t n = items.size();
    for (;;) {
      size_t begin = next.fetch_add(kVerifyChunkItems, std::memory_order_relaxed);
      if (begin >= n) return;
      size_t end = std::min(n, begin + kVerifyChunkItems);
      for (size_t i = begin; i < end; ++i) {
        const VerifyItem& it = items[i];
        results[i] = Verify(it.public_key, it.message, it.signature) ? 1 : 0;
      }
      if (done.fetch_add(end - begin, std::memory_order_acq_rel) + (end - begin) == n) {
        std::lock_guard lock(mu);
        all_done.notify_all();
      }
    }
  }
};

}  // namespace

std::vector<uint8_t> VerifyBatch(std::span<const VerifyItem> items, size_t threads) {
  internal::EnsureSodium();
  std::vector<uint8_t> results(items.size(), 0);
  if (threads == 0) threads = std::max<size_t>(1, std::thread::hardware_concurrency());
  threads = std::min(threads, kMaxVerifyThreads);
  size_t chunks = (items.size() + kVerifyChunkItems - 1) / kVerifyChunkItems;
  size_t helpers = std::min(threads - 1, chunks > 0 ? chunks - 1 : 0);
  if (items.size() < kMinParallelVerifyBatch || helpers == 0) {
    for (size_t i = 0; i < items.size(); ++i) {
      results[i] = Verify(items[i].public_key, items[i].message, items[i].signature) ? 1 : 0;
    }
    return results;
  }

  auto job = std::make_shared<BatchJob>();
  job->items = items;
  job->results = results.data();
  VerifyPool& pool = VerifyPool::Get();
  pool.EnsureWorkers(helpers);
  for (size_t i = 0; i < helpers; ++i) pool.Submit([job] { job->Work(); });
  job->Work();
  std::unique_lock lock(job->mu);
  job->all_done.wait(lock,
                     [&] { return job->done.load(std::memory_order_acquire) == items.size(); });
  return results;
}

}  // namespace phalanx::crypto
