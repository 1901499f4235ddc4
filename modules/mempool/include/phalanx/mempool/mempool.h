// The transaction pool: validated pending transactions, ordered per sender by nonce, with future
// nonces held back until the gap closes, count/byte limits with lowest-tip eviction, duplicate
// rejection and revalidation after every block. Thread-safe; signature checks run outside the
// lock so concurrent submitters verify in parallel.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "phalanx/runtime/executor.h"
#include "phalanx/runtime/overlay.h"
#include "phalanx/types/transaction.h"

namespace phalanx::mempool {

struct Options {
  size_t max_count = 200'000;
  size_t max_bytes = 256u << 20;
  // Signature checks of SubmitBatch; 0 = all cores.
  size_t verify_threads = 0;
};

// Why a submission was refused (mapped to JSON-RPC codes 1010..1016 by the RPC layer).
enum class SubmitError {
  kNone,
  kMalformed,  // bytes do not decode as a signed transaction
  kBadSignature,
  kInvalid,          // stale nonce, expired, cannot pay fees, too large, too far in the future
  kAlreadyImported,  // the same transaction is already pending
  kTooLowPriority,   // same sender+nonce pending with a tip at least as high, or the pool is full
};

struct SubmitResult {
  Hash32 hash{};
  SubmitError error = SubmitError::kNone;
  runtime::TxValidity validity = runtime::TxValidity::kValid;
  std::string message;
  bool ready = false;          // false: held back as future
  uint64_t account_nonce = 0;  // the sender's next nonce in the validated state

  bool ok() const { return error == SubmitError::kNone; }
};

struct PooledTx {
  types::SignedTransaction tx;
  Bytes encoded;
  Hash32 hash{};
  uint64_t seq = 0;  // arrival order
  // Whether "ready" was announced; guarded by the pool's lock.
  mutable bool announced_ready = false;
};
using PooledTxPtr = std::shared_ptr<const PooledTx>;

enum class TxStatus { kReady, kFuture, kInBlock, kFinalized, kDropped, kInvalid, kUsurped };
std::string_view TxStatusName(TxStatus s);

struct TxEvent {
  Hash32 hash{};
  TxStatus status = TxStatus::kReady;
  std::string reason;   // dropped/invalid/usurped
  uint64_t height = 0;  // inBlock/finalized
  Hash32 block_hash{};  // inBlock/finalized
};

// What the pool validates against: the latest committed state and the height of the next block.
struct ChainView {
  const runtime::StateReader* state = nullptr;
  uint64_t next_height = 1;
  Hash32 genesis_hash{};
  // The runtime parameters of `state` when the caller has them at hand (saves a read and a
  // decode per submission); null = read them from `state`.
  std::shared_ptr<const runtime::Params> params;
};

class Mempool {
 public:
  using Listener = std::function<void(const std::vector<TxEvent>&)>;

  explicit Mempool(Options options);

  // Sets the callback for status changes; called without the pool lock held.
  void SetListener(Listener listener);

  // Decodes, verifies the signature and validates against `view`, then inserts.
  SubmitResult Submit(ByteView encoded, const ChainView& view);
  // Same for many transactions; signatures are verified in parallel.
  std::vector<SubmitResult> SubmitBatch(std::span<const Bytes> encoded, const ChainView& view);

  // Ready transactions for a block in priority order (tip, then arrival), nonces in order per
  // sender, within the count and byte limits.
  std::vector<PooledTxPtr> ReadyForBlock(size_t max_count, size_t max_bytes) const;

  // After a block is committed: removes the included transactions, then revalidates the rest
  // (stale nonces, expired mortality, fees) against the new state and promotes futures.
  void OnBlockCommitted(std::span<const Hash32> included, uint64_t height, const Hash32& block_hash,
                        const ChainView& view);
  // Removes a transaction that turned out to be invalid while building a block.
  void Remove(const Hash32& hash, std::string reason);

  size_t size() const;
  size_t bytes() const;
  size_t ready_count() const;
  std::vector<PooledTxPtr> Pending() const;
  bool Contains(const Hash32& hash) const;
  // The nonce a new transaction of `sender` should use: past its pending contiguous run.
  uint64_t NextNonce(const types::AccountId& sender, uint64_t state_nonce) const;

 private:
  struct Sender {
    uint64_t account_nonce = 0;                // next nonce per the last validated state
    std::map<uint64_t, PooledTxPtr> by_nonce;  // pending transactions
    size_t ready = 0;                          // length of the contiguous run from account_nonce
  };
  using EvictionKey = std::tuple<types::Balance, uint64_t /*~seq: newest first*/, Hash32>;

  // Validates (outside the lock) and inserts transactions whose signatures were checked.
  std::vector<SubmitResult> InsertVerified(std::span<const PooledTxPtr> txs, const ChainView& view);
  SubmitResult InsertLocked(const PooledTxPtr& ptx, SubmitResult validated,
                            std::vector<TxEvent>& events);
  void EraseLocked(const PooledTxPtr& ptx);
  // Recomputes the sender's ready run; announces transactions that just became ready.
  void RecountReady(Sender& s, std::vector<TxEvent>* events = nullptr);
  bool MakeRoomLocked(types::Balance tip, size_t bytes, std::vector<TxEvent>& events);
  SubmitResult Validate(const PooledTxPtr& ptx, const ChainView& view) const;
  void Notify(std::vector<TxEvent> events);

  const Options options_;
  mutable std::mutex mu_;  // guards everything below
  std::unordered_map<Hash32, PooledTxPtr, FixedBytesHash> by_hash_;
  std::map<types::AccountId, Sender> senders_;
  std::set<EvictionKey> eviction_;
  size_t bytes_ = 0;
  size_t ready_total_ = 0;
  uint64_t next_seq_ = 0;
  Listener listener_;
};

}  // namespace phalanx::mempool
