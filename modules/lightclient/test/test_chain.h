// A synthetic chain for light-client tests and the benchmark: headers form a real hash chain and
// commit a validator-set schedule; certificates are real ed25519 commits by the scheduled set,
// made only for the heights a test asks for (so a million-block chain is cheap to build).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "phalanx/base/check.h"
#include "phalanx/crypto/hash.h"
#include "phalanx/lightclient/light_client.h"

namespace phalanx::lightclient::testing {

// Deterministic validator key number `i`.
inline crypto::SigningKey ValidatorKey(uint64_t i) {
  const std::string tag = "phalanx/lightclient-test/validator/" + std::to_string(i);
  return crypto::SigningKey::FromSeed(crypto::Blake2b256(AsBytes(tag)));
}

// A set of ValidatorKey(i) for each i in `indices`, each with `power`.
inline types::ValidatorSet SetOf(const std::vector<uint64_t>& indices, uint64_t power = 1) {
  std::vector<types::ValidatorInfo> v;
  for (uint64_t i : indices) v.push_back({ValidatorKey(i).public_key(), power});
  return types::ValidatorSet::Create(std::move(v)).value();
}

class TestChain {
 public:
  // `schedule`: (first height, set) pairs, increasing, the first at height 0; the first set
  // commits heights 0 and 1, so later entries start at height 2 or above. Headers 0..head are
  // generated; those for which `keep` is true (default: all) are stored.
  TestChain(uint64_t head, std::vector<std::pair<uint64_t, types::ValidatorSet>> schedule,
            const std::function<bool(uint64_t)>& keep = nullptr)
      : head_(head) {
    for (auto& [from, set] : schedule) schedule_.push_back({from, set.Hash(), std::move(set)});
    for (const auto& e : schedule_)
      for (const auto& v : e.set.validators) RememberKey(v.public_key);
    Hash32 parent;
    size_t entry = 0;
    for (uint64_t h = 0; h <= head; ++h) {
      while (entry + 1 < schedule_.size() && schedule_[entry + 1].from <= h) ++entry;
      const bool next_changes = entry + 1 < schedule_.size() && schedule_[entry + 1].from == h + 1;
      types::Header header;
      header.parent_hash = parent;
      header.height = h;
      header.time_ms = 1'000 * h;
      header.proposer = schedule_[entry].set.validators[0].public_key;
      header.state_root = crypto::Blake2b256(AsBytes("state " + std::to_string(h)));
      header.validators_hash = schedule_[entry].hash;
      header.next_validators_hash = schedule_[next_changes ? entry + 1 : entry].hash;
      parent = header.Hash();
      if (h == 0) genesis_hash_ = parent;
      if (h == 0 || !keep || keep(h)) headers_.emplace(h, header);
    }
  }

  const Hash32& genesis_hash() const { return genesis_hash_; }
  uint64_t head() const { return head_; }
  const types::Header& header(uint64_t h) const { return headers_.at(h); }
  const types::ValidatorSet& SetAt(uint64_t h) const { return Entry(h).set; }
  bool ChangesAfter(uint64_t h) const { return Entry(h + 1).hash != Entry(h).hash; }

  // A commit certificate for header h signed by the validators of S(h) at `signer_indices`
  // (positions in the set; default: all of them).
  types::CommitCertificate Certify(uint64_t h, std::vector<uint32_t> signer_indices = {}) const {
    return CertifyHeader(header(h), SetAt(h), std::move(signer_indices));
  }
  // A certificate for any header (a forged one, too) by the validators of `set` at
  // `signer_indices` (default: all), over `genesis` (default: this chain's).
  types::CommitCertificate CertifyHeader(const types::Header& header,
                                         const types::ValidatorSet& set,
                                         std::vector<uint32_t> signer_indices = {},
                                         const Hash32* genesis = nullptr) const {
    if (signer_indices.empty())
      for (uint32_t i = 0; i < set.validators.size(); ++i) signer_indices.push_back(i);
    types::CommitCertificate cert;
    cert.height = header.height;
    cert.round = 0;
    cert.block_hash = header.Hash();
    const Hash32 msg = types::VoteSigningHash(types::VoteType::kPrecommit, header.height, 0,
                                              cert.block_hash, genesis ? *genesis : genesis_hash_);
    for (uint32_t i : signer_indices)
      cert.signatures.push_back({i, KeyFor(set.validators[i].public_key).Sign(msg.view())});
    return cert;
  }

  Checkpoint CheckpointAt(uint64_t h) const {
    Checkpoint c{header(h), Certify(h), std::nullopt};
    if (ChangesAfter(h)) c.next_validators = SetAt(h + 1);
    return c;
  }

  // Every header from `from` + 1 to `target`.
  std::vector<Checkpoint> Sequential(uint64_t from, uint64_t target) const {
    std::vector<Checkpoint> out;
    for (uint64_t h = from + 1; h <= target; ++h) out.push_back(CheckpointAt(h));
    return out;
  }

  // The heights a skipping sync from `from` to `target` verifies: each header after `from` whose
  // next set differs, then the target.
  std::vector<uint64_t> SkippingHeights(uint64_t from, uint64_t target) const {
    std::vector<uint64_t> out;
    for (const auto& e : schedule_)
      if (e.from >= from + 2 && e.from - 1 < target) out.push_back(e.from - 1);
    out.push_back(target);
    return out;
  }
  std::vector<Checkpoint> Skipping(uint64_t from, uint64_t target) const {
    std::vector<Checkpoint> out;
    for (uint64_t h : SkippingHeights(from, target)) out.push_back(CheckpointAt(h));
    return out;
  }

 private:
  struct ScheduleEntry {
    uint64_t from;
    Hash32 hash;
    types::ValidatorSet set;
  };
  const ScheduleEntry& Entry(uint64_t h) const {
    size_t i = 0;
    while (i + 1 < schedule_.size() && schedule_[i + 1].from <= h) ++i;
    return schedule_[i];
  }
  // Schedules are built from ValidatorKey(i) with small i (SetOf).
  // Derives ValidatorKey(0), (1), ... in order (each once) until `key` turns up.
  const crypto::SigningKey& KeyFor(const types::AccountId& key) const {
    if (auto it = keys_.find(key); it != keys_.end()) return it->second;
    while (next_key_index_ < kMaxKeyIndex) {
      crypto::SigningKey k = ValidatorKey(next_key_index_++);
      auto [it, inserted] = keys_.emplace(k.public_key(), k);
      if (k.public_key() == key) return it->second;
    }
    PHX_CHECK(false, "TestChain: a validator is not ValidatorKey(i) for a small i");
    __builtin_unreachable();
  }
  void RememberKey(const types::AccountId& key) { KeyFor(key); }
  static constexpr uint64_t kMaxKeyIndex = 4096;

  uint64_t head_;
  Hash32 genesis_hash_;
  std::vector<ScheduleEntry> schedule_;
  std::map<uint64_t, types::Header> headers_;
  mutable std::map<types::AccountId, crypto::SigningKey> keys_;  // derived on first use
  mutable uint64_t next_key_index_ = 0;
};

}  // namespace phalanx::lightclient::testing
