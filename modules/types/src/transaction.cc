// Transaction encoding, hashing, signing and (batch) signature verification.
#include "phalanx/types/transaction.h"

#include "phalanx/crypto/hash.h"
#include "phalanx/types/limits.h"

namespace phalanx::types {
namespace {

constexpr std::string_view kTxDomain = "phalanx/tx/v1";

// Typical transfers encode to ~150 bytes; reserving once avoids regrowth on the hot path.
constexpr size_t kTypicalTxBytes = 192;

}  // namespace

void TransactionPayload::Encode(codec::Encoder& e) const {
  e.WriteFixed(signer);
  e.WriteCompact(nonce);
  e.WriteCompact(tip);
  e.WriteCompact(valid_until);
  call.Encode(e);
}

Result<TransactionPayload> TransactionPayload::Decode(codec::Decoder& d) {
  TransactionPayload p;
  ASSIGN_OR_RETURN(p.signer, d.ReadFixed<32>());
  ASSIGN_OR_RETURN(p.nonce, d.ReadCompactU64());
  ASSIGN_OR_RETURN(p.tip, d.ReadCompactU128());
  ASSIGN_OR_RETURN(p.valid_until, d.ReadCompactU64());
  ASSIGN_OR_RETURN(p.call, d.Read<Call>());
  return p;
}

void SignedTransaction::Encode(codec::Encoder& e) const {
  payload.Encode(e);
  e.WriteFixed(signature);
}

Result<SignedTransaction> SignedTransaction::Decode(codec::Decoder& d) {
  const size_t start = d.offset();
  SignedTransaction tx;
  ASSIGN_OR_RETURN(tx.payload, TransactionPayload::Decode(d));
  ASSIGN_OR_RETURN(tx.signature, d.ReadFixed<64>());
  const size_t size = d.offset() - start;
  if (size > kMaxTransactionBytes) {
    return LimitExceeded("transaction at offset " + std::to_string(start) + " is " +
                         std::to_string(size) + " bytes; the limit is kMaxTransactionBytes (" +
                         std::to_string(kMaxTransactionBytes) + ")");
  }
  return tx;
}

Hash32 SignedTransaction::Hash() const {
  codec::Encoder e(kTypicalTxBytes);
  Encode(e);
  return crypto::Blake2b256(e.view());
}

Result<SignedTransaction> DecodeTransaction(ByteView bytes) {
  if (bytes.size() > kMaxTransactionBytes) {
    return LimitExceeded("transaction is " + std::to_string(bytes.size()) +
                         " bytes; the limit is kMaxTransactionBytes (" +
                         std::to_string(kMaxTransactionBytes) + ")");
  }
  return codec::DecodeAll<SignedTransaction>(bytes);
}

Hash32 TransactionSigningHash(const TransactionPayload& payload, const Hash32& genesis_hash) {
  codec::Encoder e(kTypicalTxBytes);
  e.WriteRaw(AsBytes(kTxDomain));
  e.WriteFixed(genesis_hash);
  payload.Encode(e);
  return crypto::Blake2b256(e.view());
}

SignedTransaction Sign(const TransactionPayload& payload, const crypto::SigningKey& key,
                       const Hash32& genesis_hash) {
  PHX_CHECK(payload.signer == key.public_key(), "Sign: payload.signer is not the key's account");
  const Hash32 message = TransactionSigningHash(payload, genesis_hash);
  return SignedTransaction{payload, key.Sign(message.view())};
}

bool VerifySignature(const SignedTransaction& tx, const Hash32& genesis_hash) {
  const Hash32 message = TransactionSigningHash(tx.payload, genesis_hash);
  return crypto::Verify(tx.payload.signer, message.view(), tx.signature);
}

TransactionVerifyBatch::TransactionVerifyBatch(std::span<const SignedTransaction> txs,
                                               const Hash32& genesis_hash)
    : messages_(new Hash32[txs.size()]) {
  items_.reserve(txs.size());
  for (size_t i = 0; i < txs.size(); ++i) {
    messages_[i] = TransactionSigningHash(txs[i].payload, genesis_hash);
    items_.push_back({txs[i].payload.signer, messages_[i].view(), txs[i].signature});
  }
}

std::vector<uint8_t> TransactionVerifyBatch::Verify(size_t threads) const {
  return crypto::VerifyBatch(items_, threads);
}

}  // namespace phalanx::types
