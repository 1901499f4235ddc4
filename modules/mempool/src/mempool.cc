// Mempool implementation. Invariants (checked by tests): every pooled transaction is in by_hash_,
// in its sender's by_nonce map and in eviction_; bytes_ and ready_total_ match the contents.
#include "phalanx/mempool/mempool.h"

#include <queue>

#include "phalanx/codec/decoder.h"
#include "phalanx/crypto/ed25519.h"
#include "phalanx/crypto/hash.h"
#include "phalanx/runtime/storage.h"
#include "phalanx/types/limits.h"

namespace phalanx::mempool {

using runtime::TxValidity;

std::string_view TxStatusName(TxStatus s) {
  switch (s) {
    case TxStatus::kReady:
      return "ready";
    case TxStatus::kFuture:
      return "future";
    case TxStatus::kInBlock:
      return "inBlock";
    case TxStatus::kFinalized:
      return "finalized";
    case TxStatus::kDropped:
      return "dropped";
    case TxStatus::kInvalid:
      return "invalid";
    case TxStatus::kUsurped:
      return "usurped";
  }
  return "unknown";
}

Mempool::Mempool(Options options) : options_(options) {}

void Mempool::SetListener(Listener listener) {
  std::lock_guard lock(mu_);
  listener_ = std::move(listener);
}

void Mempool::Notify(std::vector<TxEvent> events) {
  if (events.empty()) return;
  Listener l;
  {
    std::lock_guard lock(mu_);
    l = listener_;
  }
  if (l) l(events);
}

namespace {
Result<PooledTxPtr> DecodeTx(ByteView encoded) {
  if (encoded.size() > types::kMaxTransactionBytes)
    return LimitExceeded("transaction is " + std::to_string(encoded.size()) +
                         " bytes; the limit is " + std::to_string(types::kMaxTransactionBytes));
  codec::Decoder d(encoded);
  auto tx = types::SignedTransaction::Decode(d);
  if (!tx.ok()) return tx.status();
  if (!d.AtEnd())
    return InvalidArgument("trailing bytes after the transaction at offset " +
                           std::to_string(d.offset()));
  auto p = std::make_shared<PooledTx>();
  p->tx = std::move(tx).value();
  p->encoded.assign(encoded.begin(), encoded.end());
  p->hash = crypto::Blake2b256(encoded);
  return PooledTxPtr(std::move(p));
}

SubmitResult Fail(const Hash32& hash, SubmitError e, std::string message,
                  TxValidity v = TxValidity::kValid) {
  SubmitResult r;
  r.hash = hash;
  r.error = e;
  r.validity = v;
  r.message = std::move(message);
  return r;
}
}  // namespace

namespace {
Result<std::shared_ptr<const runtime::Params>> ParamsOf(const ChainView& view) {
  if (view.params) return view.params;
  ASSIGN_OR_RETURN(runtime::Params p, runtime::LoadParams(*view.state));
  return std::make_shared<const runtime::Params>(std::move(p));
}
}  // namespace

SubmitResult Mempool::Validate(const PooledTxPtr& ptx, const ChainView& view) const {
  auto loaded = ParamsOf(view);
  if (!loaded.ok()) return Fail(ptx->hash, SubmitError::kInvalid, loaded.status().ToString());
  const runtime::Params* params = loaded->get();
  auto verdict = runtime::ValidateTransaction(*view.state, *params, ptx->tx, ptx->encoded.size(),
                                              view.next_height);
  if (!verdict.ok()) return Fail(ptx->hash, SubmitError::kInvalid, verdict.status().ToString());
  if (verdict->validity == TxValidity::kFuture &&
      ptx->tx.payload.nonce - verdict->account_nonce > params->max_future_nonces)
    return Fail(ptx->hash, SubmitError::kInvalid,
                "nonce " + std::to_string(ptx->tx.payload.nonce) + " is more than " +
                    std::to_string(params->max_future_nonces) +
                    " ahead of the account's next nonce " + std::to_string(verdict->account_nonce),
                TxValidity::kFuture);
  if (!verdict->ok() && verdict->validity != TxValidity::kFuture)
    return Fail(ptx->hash, SubmitError::kInvalid, verdict->message, verdict->validity);
  SubmitResult r;
  r.hash = ptx->hash;
  r.validity = verdict->validity;
  r.ready = verdict->ok();
  r.account_nonce = verdict->account_nonce;
  return r;
}

SubmitResult Mempool::Submit(ByteView encoded, const ChainView& view) {
  auto ptx = DecodeTx(encoded);
  if (!ptx.ok())
    return Fail(Hash32{}, SubmitError::kMalformed, std::string(ptx.status().message()),
                TxValidity::kMalformed);
  if (Contains((*ptx)->hash))
    return Fail((*ptx)->hash, SubmitError::kAlreadyImported, "transaction is already pending");
  if (!types::VerifySignature((*ptx)->tx, view.genesis_hash))
    return Fail((*ptx)->hash, SubmitError::kBadSignature,
                "bad signature: not signed by the signer's key for this chain's genesis",
                TxValidity::kBadSignature);
  return InsertVerified(std::span(&*ptx, 1), view)[0];
}

std::vector<SubmitResult> Mempool::SubmitBatch(std::span<const Bytes> encoded,
                                               const ChainView& view) {
  std::vector<SubmitResult> results(encoded.size());
  std::vector<PooledTxPtr> decoded;
  std::vector<size_t> where;
  for (size_t i = 0; i < encoded.size(); ++i) {
    auto ptx = DecodeTx(encoded[i]);
    if (!ptx.ok()) {
      results[i] = Fail(Hash32{}, SubmitError::kMalformed, std::string(ptx.status().message()),
                        TxValidity::kMalformed);
      continue;
    }
    decoded.push_back(std::move(ptx).value());
    where.push_back(i);
  }
  // Signing messages must outlive the verify items that point into them.
  std::vector<Hash32> messages(decoded.size());
  std::vector<crypto::VerifyItem> items(decoded.size());
  for (size_t i = 0; i < decoded.size(); ++i) {
    messages[i] = types::TransactionSigningHash(decoded[i]->tx.payload, view.genesis_hash);
    items[i] = {decoded[i]->tx.payload.signer, messages[i].view(), decoded[i]->tx.signature};
  }
  auto valid = crypto::VerifyBatch(items, options_.verify_threads);
  std::vector<PooledTxPtr> good;
  std::vector<size_t> good_where;
  for (size_t i = 0; i < decoded.size(); ++i) {
    if (!valid[i]) {
      results[where[i]] = Fail(decoded[i]->hash, SubmitError::kBadSignature,
                               "bad signature: not signed by the signer's key for this chain",
                               TxValidity::kBadSignature);
      continue;
    }
    good.push_back(decoded[i]);
    good_where.push_back(where[i]);
  }
  auto inserted = InsertVerified(good, view);
  for (size_t i = 0; i < good.size(); ++i) results[good_where[i]] = std::move(inserted[i]);
  return results;
}

std::vector<SubmitResult> Mempool::InsertVerified(std::span<const PooledTxPtr> txs,
                                                  const ChainView& view) {
  std::vector<SubmitResult> results;
  results.reserve(txs.size());
  for (const auto& ptx : txs) results.push_back(Validate(ptx, view));
  std::vector<TxEvent> events;
  {
    std::lock_guard lock(mu_);
    for (size_t i = 0; i < txs.size(); ++i) {
      if (results[i].ok()) results[i] = InsertLocked(txs[i], std::move(results[i]), events);
    }
  }
  Notify(std::move(events));
  return results;
}

SubmitResult Mempool::InsertLocked(const PooledTxPtr& ptx, SubmitResult validated,
                                   std::vector<TxEvent>& events) {
  if (by_hash_.contains(ptx->hash))
    return Fail(ptx->hash, SubmitError::kAlreadyImported, "transaction is already pending");
  const auto& payload = ptx->tx.payload;
  // Nonces only grow, so the newest of the recorded and the validated account nonce wins (a
  // block may have committed between validation and this insert).
  uint64_t account_nonce = validated.account_nonce;
  if (auto it = senders_.find(payload.signer); it != senders_.end())
    account_nonce = std::max(account_nonce, it->second.account_nonce);
  if (payload.nonce < account_nonce)
    return Fail(ptx->hash, SubmitError::kInvalid, "nonce was already used", TxValidity::kStale);
  if (auto sit = senders_.find(payload.signer); sit != senders_.end()) {
    auto it = sit->second.by_nonce.find(payload.nonce);
    if (it != sit->second.by_nonce.end()) {
      if (it->second->tx.payload.tip >= payload.tip)
        return Fail(ptx->hash, SubmitError::kTooLowPriority,
                    "a transaction with nonce " + std::to_string(payload.nonce) +
                        " is already pending; to replace it, raise the tip above " +
                        types::FormatAmount(it->second->tx.payload.tip));
      PooledTxPtr old = it->second;
      EraseLocked(old);
      events.push_back({old->hash, TxStatus::kUsurped, "replaced by " + ToHex0x(ptx->hash)});
    }
  }
  if (!MakeRoomLocked(payload.tip, ptx->encoded.size(), events))
    return Fail(ptx->hash, SubmitError::kTooLowPriority,
                "the pool is full and this transaction's tip is not higher than the lowest pending "
                "one; retry later or raise the tip");
  // The entry was created by this submission and is not shared yet: stamping its arrival order
  // here (under the lock) avoids copying the transaction.
  std::const_pointer_cast<PooledTx>(ptx)->seq = next_seq_++;
  const PooledTxPtr& entry = ptx;
  Sender& s = senders_[payload.signer];
  s.account_nonce = std::max(s.account_nonce, account_nonce);
  s.by_nonce.emplace(payload.nonce, entry);
  by_hash_.emplace(entry->hash, entry);
  eviction_.insert({payload.tip, ~entry->seq, entry->hash});
  bytes_ += entry->encoded.size();
  RecountReady(s, &events);
  bool ready = payload.nonce < s.account_nonce + s.ready;
  if (!ready) events.push_back({entry->hash, TxStatus::kFuture, "", 0, {}});
  validated.ready = ready;
  return validated;
}

void Mempool::RecountReady(Sender& s, std::vector<TxEvent>* events) {
  ready_total_ -= s.ready;
  size_t ready = 0;
  uint64_t expect = s.account_nonce;
  for (auto it = s.by_nonce.lower_bound(expect); it != s.by_nonce.end() && it->first == expect;
       ++it, ++expect) {
    ++ready;
    if (events && !it->second->announced_ready) {
      it->second->announced_ready = true;
      events->push_back({it->second->hash, TxStatus::kReady, "", 0, {}});
    }
  }
  s.ready = ready;
  ready_total_ += ready;
}

void Mempool::EraseLocked(const PooledTxPtr& ptx) {
  const auto& payload = ptx->tx.payload;
  eviction_.erase({payload.tip, ~ptx->seq, ptx->hash});
  by_hash_.erase(ptx->hash);
  bytes_ -= ptx->encoded.size();
  auto sit = senders_.find(payload.signer);
  if (sit == senders_.end()) return;
  sit->second.by_nonce.erase(payload.nonce);
  RecountReady(sit->second);
  if (sit->second.by_nonce.empty()) senders_.erase(sit);
}

bool Mempool::MakeRoomLocked(types::Balance tip, size_t bytes, std::vector<TxEvent>& events) {
  while (by_hash_.size() + 1 > options_.max_count || bytes_ + bytes > options_.max_bytes) {
    if (eviction_.empty()) return false;
    const auto& lowest = *eviction_.begin();
    if (std::get<0>(lowest) >= tip) return false;
    PooledTxPtr victim = by_hash_.at(std::get<2>(lowest));
    EraseLocked(victim);
    events.push_back({victim->hash, TxStatus::kDropped,
                      "evicted: the pool is full and transactions with higher tips arrived"});
  }
  return true;
}

std::vector<PooledTxPtr> Mempool::ReadyForBlock(size_t max_count, size_t max_bytes) const {
  std::lock_guard lock(mu_);
  // A heap of sender heads by (tip desc, arrival asc); popping a head pushes that sender's next.
  struct Head {
    PooledTxPtr tx;
    const Sender* sender;
    size_t taken;
  };
  auto worse = [](const Head& a, const Head& b) {
    if (a.tx->tx.payload.tip != b.tx->tx.payload.tip)
      return a.tx->tx.payload.tip < b.tx->tx.payload.tip;
    return a.tx->seq > b.tx->seq;
  };
  std::priority_queue<Head, std::vector<Head>, decltype(worse)> heap(worse);
  for (const auto& [id, s] : senders_) {
    if (s.ready == 0) continue;
    heap.push({s.by_nonce.at(s.account_nonce), &s, 1});
  }
  std::vector<PooledTxPtr> out;
  size_t bytes = 0;
  while (!heap.empty() && out.size() < max_count) {
    Head h = heap.top();
    heap.pop();
    if (bytes + h.tx->encoded.size() > max_bytes) continue;  // this sender's chain stops here
    bytes += h.tx->encoded.size();
    out.push_back(h.tx);
    if (h.taken < h.sender->ready)
      heap.push({h.sender->by_nonce.at(h.sender->account_nonce + h.taken), h.sender, h.taken + 1});
  }
  return out;
}

void Mempool::OnBlockCommitted(std::span<const Hash32> included, uint64_t height,
                               const Hash32& block_hash, const ChainView& view) {
  std::vector<TxEvent> events;
  {
    std::lock_guard lock(mu_);
    for (const auto& h : included) {
      auto it = by_hash_.find(h);
      if (it != by_hash_.end()) EraseLocked(PooledTxPtr(it->second));
    }
    auto params = ParamsOf(view);
    std::vector<PooledTxPtr> drop;
    std::vector<std::string> reasons;
    for (auto& [id, s] : senders_) {
      auto acct = runtime::LoadAccount(*view.state, id);
      if (!acct.ok()) continue;  // keep; the next block retries
      s.account_nonce = acct->nonce;
      for (const auto& [nonce, ptx] : s.by_nonce) {
        const auto& p = ptx->tx.payload;
        if (nonce < acct->nonce) {
          drop.push_back(ptx);
          reasons.push_back("stale: nonce " + std::to_string(nonce) +
                            " was used by another transaction");
        } else if (p.valid_until != 0 && view.next_height > p.valid_until) {
          drop.push_back(ptx);
          reasons.push_back("expired at height " + std::to_string(p.valid_until));
        }
      }
      // Only the head can be checked for fees against the state; later ones depend on it.
      if (params.ok()) {
        auto head = s.by_nonce.find(acct->nonce);
        if (head != s.by_nonce.end()) {
          auto v = runtime::ValidateTransaction(*view.state, **params, head->second->tx,
                                                head->second->encoded.size(), view.next_height);
          if (v.ok() && v->validity == TxValidity::kCannotPayFees) {
            drop.push_back(head->second);
            reasons.push_back(v->message);
          }
        }
      }
    }
    for (size_t i = 0; i < drop.size(); ++i) {
      if (!by_hash_.contains(drop[i]->hash)) continue;
      EraseLocked(drop[i]);
      events.push_back({drop[i]->hash, TxStatus::kInvalid, reasons[i]});
    }
    for (auto& [id, s] : senders_) RecountReady(s, &events);
  }
  Notify(std::move(events));
}

void Mempool::Remove(const Hash32& hash, std::string reason) {
  std::vector<TxEvent> events;
  {
    std::lock_guard lock(mu_);
    auto it = by_hash_.find(hash);
    if (it == by_hash_.end()) return;
    EraseLocked(PooledTxPtr(it->second));
    events.push_back({hash, TxStatus::kInvalid, std::move(reason)});
  }
  Notify(std::move(events));
}

size_t Mempool::size() const {
  std::lock_guard lock(mu_);
  return by_hash_.size();
}

size_t Mempool::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

size_t Mempool::ready_count() const {
  std::lock_guard lock(mu_);
  return ready_total_;
}

std::vector<PooledTxPtr> Mempool::Pending() const {
  std::lock_guard lock(mu_);
  std::vector<PooledTxPtr> out;
  out.reserve(by_hash_.size());
  for (const auto& [id, s] : senders_)
    for (const auto& [n, ptx] : s.by_nonce) out.push_back(ptx);
  return out;
}

bool Mempool::Contains(const Hash32& hash) const {
  std::lock_guard lock(mu_);
  return by_hash_.contains(hash);
}

}  // namespace phalanx::mempool

namespace phalanx::mempool {
uint64_t Mempool::NextNonce(const types::AccountId& sender, uint64_t state_nonce) const {
  std::lock_guard lock(mu_);
  auto it = senders_.find(sender);
  if (it == senders_.end()) return state_nonce;
  uint64_t next = state_nonce;
  for (auto n = it->second.by_nonce.lower_bound(next);
       n != it->second.by_nonce.end() && n->first == next; ++n)
    ++next;
  return next;
}
}  // namespace phalanx::mempool
