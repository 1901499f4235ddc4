// Proposal signing, encoding and decoding from untrusted bytes.
#include "phalanx/consensus/proposal.h"

#include <string>

#include "phalanx/consensus/limits.h"
#include "phalanx/crypto/hash.h"

namespace phalanx::consensus {
namespace {
constexpr std::string_view kProposalDomain = "phalanx/proposal/v1";
}  // namespace

Hash32 ProposalSigningHash(uint64_t height, uint32_t round, int32_t pol_round,
                           const Hash32& block_hash, const Hash32& genesis_hash) {
  codec::Encoder e(kProposalDomain.size() + 32 + 8 + 4 + 4 + 32);
  e.WriteRaw(AsBytes(kProposalDomain));
  e.WriteFixed(genesis_hash);
  e.WriteU64(height);
  e.WriteU32(round);
  e.WriteI32(pol_round);
  e.WriteFixed(block_hash);
  return crypto::Blake2b256(e.view());
}

void Proposal::Encode(codec::Encoder& e) const {
  e.WriteU64(height);
  e.WriteU32(round);
  e.WriteI32(pol_round);
  e.Write(block);
  e.WriteFixed(signature);
}

Result<Proposal> Proposal::Decode(codec::Decoder& d) {
  Proposal p;
  ASSIGN_OR_RETURN(p.height, d.ReadU64());
  ASSIGN_OR_RETURN(p.round, d.ReadU32());
  const size_t pol_at = d.offset();
  ASSIGN_OR_RETURN(p.pol_round, d.ReadI32());
  if (p.pol_round < -1 || (p.pol_round >= 0 && static_cast<uint32_t>(p.pol_round) >= p.round)) {
    return d.Malformed(pol_at, "proposal pol_round " + std::to_string(p.pol_round) +
                                   " is not -1 or a round below the proposal's round " +
                                   std::to_string(p.round));
  }
  ASSIGN_OR_RETURN(p.block, d.Read<types::Block>());
  ASSIGN_OR_RETURN(p.signature, d.ReadFixed<64>());
  return p;
}

Proposal SignProposal(Proposal proposal, const crypto::SigningKey& key,
                      const Hash32& genesis_hash) {
  proposal.signature = key.Sign(proposal.SigningHash(genesis_hash).view());
  return proposal;
}

Result<Proposal> DecodeProposal(ByteView bytes) {
  if (bytes.size() > kMaxProposalBytes) {
    return LimitExceeded("proposal is " + std::to_string(bytes.size()) +
                         " bytes; the limit is kMaxProposalBytes (" +
                         std::to_string(kMaxProposalBytes) + ")");
  }
  return codec::DecodeAll<Proposal>(bytes);
}

Result<types::Vote> DecodeVote(ByteView bytes) { return codec::DecodeAll<types::Vote>(bytes); }

}  // namespace phalanx::consensus
