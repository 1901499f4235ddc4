// The simulator's application: a trivial deterministic chain behind consensus::Application.
// Blocks carry a few fake transactions (remarks, unsigned: the simulator tests consensus, not the
// runtime); the "state root" after height h is BLAKE2b(root(h - 1) || tx_root || h), and the
// app state a node reports is the hash chain of the blocks it committed. CheckBlock re-derives
// everything in the header and verifies the carried last commit, like a real node would.
#pragma once

#include <optional>
#include <vector>

#include "phalanx/consensus/engine.h"

namespace phalanx::sim {

class SimApp final : public consensus::Application {
 public:
  // `verifier` checks the signatures of carried commit certificates (shared with the engines).
  SimApp(types::ValidatorSet validators, Hash32 genesis_hash, crypto::PublicKey me,
         const consensus::SignatureVerifier& verifier)
      : validators_(std::move(validators)),
        validators_hash_(validators_.Hash()),
        genesis_hash_(genesis_hash),
        me_(me),
        verifier_(verifier) {}

  // The node's local clock (simulated time plus this node's skew), used for header times.
  void set_now_ms(uint64_t now_ms) { now_ms_ = now_ms; }
  // Extra fake transactions to put in proposals (a Byzantine proposer varies it to make a
  // second, different, valid block for the same round).
  types::Block BuildBlock(uint64_t height, uint32_t round,
                          const std::optional<types::CommitCertificate>& last_commit,
                          uint32_t variant) const;

  Result<types::Block> ProposeBlock(
      uint64_t height, uint32_t round,
      const std::optional<types::CommitCertificate>& last_commit) override {
    return BuildBlock(height, round, last_commit, 0);
  }
  Check CheckBlock(const types::Block& block) override;
  Result<types::ValidatorSet> Validators(uint64_t height) override { return validators_; }

  // Applies a decided block (the engine's Commit output or a synced one).
  void Apply(const types::Block& block, const types::CommitCertificate& cert);

  // types::VerifyCommit's checks, with signatures through the shared verifier.
  bool CertificateValid(const types::CommitCertificate& cert) const;

  uint64_t height() const { return blocks_.size(); }
  const std::optional<types::CommitCertificate>& last_commit() const { return last_cert_; }
  // Block, certificate and app-state root at height h (1-based; h <= height()).
  const types::Block& block(uint64_t h) const { return blocks_[h - 1]; }
  const types::CommitCertificate& certificate(uint64_t h) const { return certs_[h - 1]; }
  const Hash32& app_root(uint64_t h) const { return roots_[h - 1]; }

 private:
  Hash32 StateRootAfter(uint64_t height, const Hash32& tx_root) const;

  types::ValidatorSet validators_;
  Hash32 validators_hash_;
  Hash32 genesis_hash_;
  crypto::PublicKey me_;
  const consensus::SignatureVerifier& verifier_;
  uint64_t now_ms_ = 0;
  std::vector<types::Block> blocks_;
  std::vector<types::CommitCertificate> certs_;
  std::vector<Hash32> roots_;
  std::optional<types::CommitCertificate> last_cert_;
};

}  // namespace phalanx::sim
