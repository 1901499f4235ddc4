// Header and block encoding and hashing.
#include "phalanx/types/block.h"

#include "phalanx/crypto/hash.h"
#include "phalanx/types/limits.h"

namespace phalanx::types {
namespace {

Status BlockTooLarge(size_t size) {
  return LimitExceeded("block is " + std::to_string(size) +
                       " bytes; the limit is kMaxBlockBytes (" + std::to_string(kMaxBlockBytes) +
                       ")");
}

}  // namespace

Hash32 Header::Hash() const {
  codec::Encoder e(kEncodedBytes);
  Encode(e);
  return crypto::Blake2b256(e.view());
}

void Header::Encode(codec::Encoder& e) const {
  e.WriteFixed(parent_hash);
  e.WriteU64(height);
  e.WriteU64(time_ms);
  e.WriteFixed(proposer);
  e.WriteFixed(state_root);
  e.WriteFixed(tx_root);
  e.WriteFixed(events_root);
  e.WriteFixed(validators_hash);
  e.WriteFixed(next_validators_hash);
  e.WriteFixed(last_commit_hash);
}

Result<Header> Header::Decode(codec::Decoder& d) {
  Header h;
  ASSIGN_OR_RETURN(h.parent_hash, d.ReadFixed<32>());
  ASSIGN_OR_RETURN(h.height, d.ReadU64());
  ASSIGN_OR_RETURN(h.time_ms, d.ReadU64());
  ASSIGN_OR_RETURN(h.proposer, d.ReadFixed<32>());
  ASSIGN_OR_RETURN(h.state_root, d.ReadFixed<32>());
  ASSIGN_OR_RETURN(h.tx_root, d.ReadFixed<32>());
  ASSIGN_OR_RETURN(h.events_root, d.ReadFixed<32>());
  ASSIGN_OR_RETURN(h.validators_hash, d.ReadFixed<32>());
  ASSIGN_OR_RETURN(h.next_validators_hash, d.ReadFixed<32>());
  ASSIGN_OR_RETURN(h.last_commit_hash, d.ReadFixed<32>());
  return h;
}

void Block::Encode(codec::Encoder& e) const {
  header.Encode(e);
  e.WriteVector(transactions);
  e.WriteOptional(last_commit);
}

Result<Block> Block::Decode(codec::Decoder& d) {
  const size_t start = d.offset();
  Block b;
  ASSIGN_OR_RETURN(b.header, Header::Decode(d));
  ASSIGN_OR_RETURN(b.transactions, d.ReadVector<SignedTransaction>(kMaxBlockTransactions));
  ASSIGN_OR_RETURN(b.last_commit, d.ReadOptional<CommitCertificate>());
  if (d.offset() - start > kMaxBlockBytes) return BlockTooLarge(d.offset() - start);
  return b;
}

Result<Block> DecodeBlock(ByteView bytes) {
  if (bytes.size() > kMaxBlockBytes) return BlockTooLarge(bytes.size());
  return codec::DecodeAll<Block>(bytes);
}

Hash32 TxRoot(std::span<const SignedTransaction> transactions) {
  std::vector<Hash32> hashes;
  hashes.reserve(transactions.size());
  for (const SignedTransaction& tx : transactions) hashes.push_back(tx.Hash());
  return MerkleRoot(hashes);
}

}  // namespace phalanx::types
