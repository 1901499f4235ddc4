// Helpers for the consensus unit tests: a validator set of known keys, a scriptable Application,
// and constructors for signed votes and proposals from any validator.
#pragma once

#include <set>
#include <vector>

#include "phalanx/consensus/engine.h"
#include "phalanx/consensus/proposer.h"
#include "phalanx/crypto/hash.h"

namespace phalanx::consensus::testing {

inline const Hash32 kGenesis = crypto::Blake2b256(AsBytes("consensus test genesis"));

// Blocks whose contents are a function of (height, tag): different tags give different hashes.
inline types::Block MakeBlock(uint64_t height, uint64_t tag) {
  types::Block b;
  b.header.height = height;
  b.header.time_ms = 1000 + tag;
  b.header.state_root = crypto::Blake2b256(AsBytes("state " + std::to_string(tag)));
  b.header.tx_root = types::TxRoot(b.transactions);
  return b;
}

class TestApp : public Application {
 public:
  explicit TestApp(types::ValidatorSet set) : set_(std::move(set)) {}

  Result<types::Block> ProposeBlock(uint64_t height, uint32_t round,
                                    const std::optional<types::CommitCertificate>& lc) override {
    ++proposed;
    types::Block b = MakeBlock(height, 100 + round);
    b.last_commit = lc;
    if (lc) b.header.last_commit_hash = lc->Hash();
    return b;
  }
  Check CheckBlock(const types::Block& block) override {
    ++checked;
    if (pending) return Check::kPending;
    return invalid.count(block.Hash()) ? Check::kInvalid : Check::kValid;
  }
  Result<types::ValidatorSet> Validators(uint64_t) override { return set_; }

  std::set<Hash32> invalid;
  bool pending = false;
  int proposed = 0;
  int checked = 0;

 private:
  types::ValidatorSet set_;
};

// n validators with power 1 each; keys[i] signs for validator index i.
struct Validators {
  explicit Validators(size_t n) {
    std::vector<crypto::SigningKey> ks;
    std::vector<types::ValidatorInfo> infos;
    for (size_t i = 0; i < n; ++i) {
      crypto::Seed seed;
      seed[0] = static_cast<uint8_t>(i + 1);
      ks.push_back(crypto::SigningKey::FromSeed(seed));
      infos.push_back({ks.back().public_key(), 1});
    }
    set = types::ValidatorSet::Create(infos).value();
    for (const auto& v : set.validators)
      for (const auto& k : ks)
        if (k.public_key() == v.public_key) keys.push_back(k);
  }

  types::Vote Vote(types::VoteType type, uint64_t h, uint32_t r, const Hash32& hash,
                   uint32_t index) const {
    types::Vote v{type, h, r, hash, index, {}};
    return types::SignVote(v, keys[index], kGenesis);
  }
  Proposal MakeProposal(uint64_t h, uint32_t r, const types::Block& block,
                        int32_t pol_round = -1) const {
    Proposal p{h, r, pol_round, block, {}};
    return SignProposal(p, keys[ProposerIndex(set, h, r)], kGenesis);
  }
  // A validator index other than `except` and (h, r)'s proposer, for the engine under test.
  uint32_t NonProposer(uint64_t h, uint32_t r) const {
    uint32_t p = ProposerIndex(set, h, r);
    return (p + 1) % set.validators.size();
  }

  types::ValidatorSet set;
  std::vector<crypto::SigningKey> keys;
};

template <typename T>
std::vector<T> OutputsOf(const StepResult& r) {
  std::vector<T> out;
  for (const Output& o : r.outputs)
    if (auto* p = std::get_if<T>(&o)) out.push_back(*p);
  return out;
}

}  // namespace phalanx::consensus::testing
