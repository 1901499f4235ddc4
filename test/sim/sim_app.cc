// SimApp: block building, checking and applying for the simulator.
#include "sim_app.h"

#include <algorithm>
#include <string>

#include "phalanx/crypto/hash.h"

namespace phalanx::sim {

Hash32 SimApp::StateRootAfter(uint64_t height, const Hash32& tx_root) const {
  codec::Encoder e;
  e.WriteFixed(height > 1 ? blocks_[height - 2].header.state_root : genesis_hash_);
  e.WriteFixed(tx_root);
  e.WriteU64(height);
  return crypto::Blake2b256(e.view());
}

types::Block SimApp::BuildBlock(uint64_t height, uint32_t round,
                                const std::optional<types::CommitCertificate>& last_commit,
                                uint32_t variant) const {
  types::Block b;
  types::Header& h = b.header;
  h.height = height;
  h.parent_hash = height > 1 ? blocks_[height - 2].Hash() : genesis_hash_;
  const uint64_t parent_time = height > 1 ? blocks_[height - 2].header.time_ms : 0;
  h.time_ms = std::max(now_ms_, parent_time + 1);
  h.proposer = me_;
  const size_t txs = (height + round) % 3 + variant;
  for (size_t i = 0; i < txs; ++i) {
    types::SignedTransaction tx;
    tx.payload.signer = me_;
    tx.payload.nonce = height * 16 + i;
    std::string data = "sim tx h" + std::to_string(height) + " r" + std::to_string(round) + " v" +
                       std::to_string(variant);
    tx.payload.call.value = types::calls::Remark{Bytes(data.begin(), data.end())};
    b.transactions.push_back(std::move(tx));
  }
  h.tx_root = types::TxRoot(b.transactions);
  h.state_root = StateRootAfter(height, h.tx_root);
  h.validators_hash = validators_hash_;
  h.next_validators_hash = h.validators_hash;
  if (last_commit) h.last_commit_hash = last_commit->Hash();
  b.last_commit = last_commit;
  return b;
}

consensus::Application::Check SimApp::CheckBlock(const types::Block& b) {
  const types::Header& h = b.header;
  const uint64_t height = blocks_.size() + 1;
  if (h.height != height) return Check::kInvalid;
  if (h.parent_hash != (height > 1 ? blocks_[height - 2].Hash() : genesis_hash_))
    return Check::kInvalid;
  if (height > 1 && h.time_ms <= blocks_[height - 2].header.time_ms) return Check::kInvalid;
  if (h.tx_root != types::TxRoot(b.transactions)) return Check::kInvalid;
  if (h.state_root != StateRootAfter(height, h.tx_root)) return Check::kInvalid;
  if (h.validators_hash != validators_hash_ || h.next_validators_hash != h.validators_hash)
    return Check::kInvalid;
  if (height == 1) return b.last_commit ? Check::kInvalid : Check::kValid;
  if (!b.last_commit || b.last_commit->height != height - 1 ||
      b.last_commit->block_hash != h.parent_hash || h.last_commit_hash != b.last_commit->Hash())
    return Check::kInvalid;
  // The certificate this node itself holds for the parent was verified when it was made.
  if (*b.last_commit != certs_.back() && !CertificateValid(*b.last_commit)) return Check::kInvalid;
  return Check::kValid;
}

bool SimApp::CertificateValid(const types::CommitCertificate& cert) const {
  if (cert.block_hash.IsZero()) return false;
  const Hash32 message = types::VoteSigningHash(types::VoteType::kPrecommit, cert.height,
                                                cert.round, cert.block_hash, genesis_hash_);
  uint64_t power = 0;
  for (size_t i = 0; i < cert.signatures.size(); ++i) {
    const types::CommitSignature& s = cert.signatures[i];
    if (s.validator_index >= validators_.validators.size()) return false;
    if (i > 0 && s.validator_index <= cert.signatures[i - 1].validator_index) return false;
    const types::ValidatorInfo& v = validators_.validators[s.validator_index];
    if (!verifier_.Verify(v.public_key, message.view(), s.signature)) return false;
    power += v.power;
  }
  return power >= validators_.QuorumPower();
}

void SimApp::Apply(const types::Block& block, const types::CommitCertificate& cert) {
  codec::Encoder e;
  e.WriteFixed(roots_.empty() ? genesis_hash_ : roots_.back());
  e.WriteFixed(block.Hash());
  roots_.push_back(crypto::Blake2b256(e.view()));
  blocks_.push_back(block);
  certs_.push_back(cert);
  last_cert_ = cert;
}

}  // namespace phalanx::sim
