// Transfer load and finality record for the localnet fault tests.
#include "transfer_load.h"

#include <algorithm>
#include <random>
#include <set>

#include "phalanx/codec/codec.h"
#include "phalanx/crypto/hash.h"
#include "phalanx/rpc/client.h"
#include "phalanx/runtime/genesis.h"

namespace phalanx::itest {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
using Ms = std::chrono::milliseconds;

namespace {

// Each transfer moves 0.01 PHX plus a unique number of units, so no two signed transfers share a
// hash even when a sender reuses a nonce after a resync.
constexpr types::Balance kBaseAmount = types::kUnitsPerPhx / 100;
// A sender that got an error backs off this long (e.g. its window is stuck behind a halt).
constexpr Ms kBackoff(1000);
// Transfers looked up by hash on every node by CheckNoneLost.
constexpr size_t kLookupSample = 25;

std::string SignTransfer(const crypto::SigningKey& key, const types::AccountId& to,
                         types::Balance amount, uint64_t nonce, const Hash32& genesis) {
  types::TransactionPayload p;
  p.signer = key.public_key();
  p.nonce = nonce;
  p.call.value = types::calls::Transfer{to, amount};
  return ToHex0x(codec::EncodeToBytes(types::Sign(p, key, genesis)));
}

}  // namespace

TransferLoad::TransferLoad(Localnet& net, Options options) : net_(net), options_(options) {
  for (size_t i = 0; i < options_.senders; ++i)
    senders_.push_back(Sender{runtime::BenchAccount(i)});
  for (size_t i = 0; i < options_.receivers; ++i)
    receivers_.push_back(runtime::BenchAccount(options_.senders + i).public_key());
}

TransferLoad::~TransferLoad() { Stop(); }

Status TransferLoad::Start() {
  ASSIGN_OR_RETURN(json g, Localnet::Call(net_.observer(), "chain_getBlockHash", json::array({0})));
  ASSIGN_OR_RETURN(genesis_, FixedFromHex<32>(g.get<std::string>()));
  for (size_t i = 0; i < senders_.size(); ++i) RETURN_IF_ERROR(Resync(i));
  submit_thread_ = std::thread([this] { SubmitLoop(); });
  observe_thread_ = std::thread([this] { ObserveLoop(); });
  return Status::Ok();
}

void TransferLoad::Stop() {
  stop_ = true;
  if (submit_thread_.joinable()) submit_thread_.join();
  if (observe_thread_.joinable()) observe_thread_.join();
}

Status TransferLoad::Resync(size_t s) {
  std::string who;
  {
    std::lock_guard lock(mu_);
    who = types::ToSs58(senders_[s].key.public_key());
  }
  ASSIGN_OR_RETURN(json a, Localnet::Call(net_.observer(), "balances_account", json::array({who})));
  std::lock_guard lock(mu_);
  senders_[s].next_nonce = a.at("nonce").get<uint64_t>();
  senders_[s].window.clear();
  return Status::Ok();
}

std::vector<Localnet::Node*> TransferLoad::UpNodes() {
  std::vector<Localnet::Node*> up;
  for (auto& n : net_.nodes())
    if (n->up) up.push_back(n.get());
  return up;
}

void TransferLoad::SubmitLoop() {
  size_t rr = 0;
  while (!stop_) {
    SubmitRound(rr);
    std::this_thread::sleep_for(options_.pause);
  }
}

void TransferLoad::SubmitRound(size_t& rr) {
  for (size_t s = 0; s < senders_.size() && !stop_; ++s) {
    std::string hex, hash;
    bool stuck = false;
    {
      std::lock_guard lock(mu_);
      Sender& sender = senders_[s];
      const auto now = Clock::now();
      if (now < sender.resume_at) continue;
      stuck =
          !sender.window.empty() && now - sent_.at(sender.window.front()).at > options_.stuck_after;
      if (!stuck) {
        if (sender.window.size() >= options_.max_in_flight) continue;
        hex = SignTransfer(sender.key, receivers_[unique_units_ % receivers_.size()],
                           kBaseAmount + unique_units_, sender.next_nonce, genesis_);
        ++unique_units_;
        hash = ToHex0x(crypto::Blake2b256(*FromHex(hex)));
        // Recorded before submitting: if the connection breaks the transfer may still land.
        sent_[hash] = Sent{s, sender.next_nonce, now};
        ++sender.next_nonce;
        sender.window.push_back(hash);
      }
    }
    if (stuck) {
      (void)Resync(s);
      continue;
    }
    auto up = UpNodes();
    if (up.empty()) continue;
    Localnet::Node* target = up[rr++ % up.size()];
    auto r = Localnet::Call(*target, "author_submitExtrinsic", json::array({hex}), 2000);
    if (!r.ok() && r.status().code() != StatusCode::kUnavailable &&
        r.status().code() != StatusCode::kDeadlineExceeded) {
      // Refused (a stale or duplicate nonce after a resync): not on chain, start over from the
      // chain's nonce after a pause.
      {
        std::lock_guard lock(mu_);
        auto& w = senders_[s].window;
        w.erase(std::remove(w.begin(), w.end(), hash), w.end());
        sent_.erase(hash);
        senders_[s].resume_at = Clock::now() + kBackoff;
      }
      (void)Resync(s);
    }
  }
}

void TransferLoad::ObserveLoop() {
  uint64_t next_height = 1;
  while (!stop_) {
    auto head = Localnet::Height(net_.observer());
    if (!head.ok()) {
      std::lock_guard lock(mu_);
      last_error_ = "observer: " + std::string(head.status().message());
    }
    for (; head.ok() && next_height <= *head && !stop_; ++next_height) {
      auto hash = Localnet::Call(net_.observer(), "chain_getBlockHash", json::array({next_height}));
      if (!hash.ok() || !hash->is_string()) break;
      auto block = Localnet::Call(net_.observer(), "chain_getBlock", json::array({*hash}));
      if (!block.ok()) break;
      std::lock_guard lock(mu_);
      for (const auto& x : block->at("block").at("extrinsics")) {
        auto bytes = FromHex(x.get<std::string>());
        if (!bytes.ok()) continue;
        auto it = sent_.find(ToHex0x(crypto::Blake2b256(*bytes)));
        if (it == sent_.end() || it->second.finalized) continue;
        it->second.finalized = Finalized{next_height, hash->get<std::string>()};
        auto& w = senders_[it->second.sender].window;
        w.erase(std::remove(w.begin(), w.end(), it->first), w.end());
        ++finalized_;
      }
      finalized_cv_.notify_all();
    }
    std::this_thread::sleep_for(Ms(50));
  }
}

size_t TransferLoad::submitted() const {
  std::lock_guard lock(mu_);
  return sent_.size();
}

size_t TransferLoad::finalized_count() const {
  std::lock_guard lock(mu_);
  return finalized_;
}

std::string TransferLoad::last_error() const {
  std::lock_guard lock(mu_);
  return last_error_;
}

Status TransferLoad::WaitMoreFinalized(size_t count, Ms timeout) {
  std::unique_lock lock(mu_);
  const size_t target = finalized_ + count;
  if (finalized_cv_.wait_for(lock, timeout, [&] { return finalized_ >= target; }))
    return Status::Ok();
  std::string msg = "only " + std::to_string(finalized_) + " of " + std::to_string(target) +
                    " transfers finalized within " + std::to_string(timeout.count()) + " ms (" +
                    std::to_string(sent_.size()) + " submitted; " + last_error_ + ")";
  lock.unlock();
  return DeadlineExceeded(msg + ":\n" + net_.Describe());
}

Status TransferLoad::CheckNoneLost() {
  std::map<uint64_t, std::string> blocks;  // height -> hash the observer reported
  std::vector<std::pair<std::string, Finalized>> sample;
  {
    std::lock_guard lock(mu_);
    for (const auto& [hash, tx] : sent_) {
      if (!tx.finalized) continue;
      blocks[tx.finalized->height] = tx.finalized->block_hash;
      sample.emplace_back(hash, *tx.finalized);
    }
  }
  std::shuffle(sample.begin(), sample.end(), std::mt19937(std::random_device{}()));
  if (sample.size() > kLookupSample) sample.resize(kLookupSample);
  for (auto* n : UpNodes()) {
    ASSIGN_OR_RETURN(auto c, rpc::Client::Connect(n->http_url(), 5000));
    for (const auto& [height, block_hash] : blocks) {
      ASSIGN_OR_RETURN(json h, c->Call("chain_getBlockHash", json::array({height})));
      if (!h.is_string() || h.get<std::string>() != block_hash)
        return Internal("finalized transfers LOST on " + n->name + ": height " +
                        std::to_string(height) + " was " + block_hash + " on the observer, is " +
                        h.dump() + " here\n" + net_.Describe());
    }
    for (const auto& [tx_hash, fin] : sample) {
      ASSIGN_OR_RETURN(json t, c->Call("chain_getTransaction", json::array({tx_hash})));
      if (!t.is_object() || t.value("block_hash", "") != fin.block_hash)
        return Internal("finalized transfer " + tx_hash + " (height " + std::to_string(fin.height) +
                        ", block " + fin.block_hash + ") LOST on " + n->name + ": " + t.dump() +
                        "\n" + net_.Describe());
    }
  }
  return Status::Ok();
}

}  // namespace phalanx::itest
