// Transactions: a payload (who, replay nonce, tip, mortality, call) signed with ed25519 over a
// domain-separated hash that includes the genesis hash, so a signature is valid on one chain only.
//
// Signing message = BLAKE2b-256("phalanx/tx/v1" || genesis_hash || Encode(payload)).
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "phalanx/base/bytes.h"
#include "phalanx/codec/codec.h"
#include "phalanx/crypto/ed25519.h"
#include "phalanx/types/call.h"
#include "phalanx/types/primitives.h"

namespace phalanx::types {

struct TransactionPayload {
  AccountId signer;
  uint64_t nonce = 0;
  Balance tip = 0;
  // Mortality: the last height at which the transaction may be included; 0 = immortal.
  uint64_t valid_until = 0;
  Call call;

  void Encode(codec::Encoder& e) const;
  static Result<TransactionPayload> Decode(codec::Decoder& d);
  bool operator==(const TransactionPayload&) const = default;
};

struct SignedTransaction {
  TransactionPayload payload;
  crypto::Signature signature;

  // BLAKE2b-256 of the encoding: the transaction's identity in the mempool, blocks and RPC.
  Hash32 Hash() const;

  void Encode(codec::Encoder& e) const;
  // Enforces kMaxTransactionBytes on the bytes this transaction occupies.
  static Result<SignedTransaction> Decode(codec::Decoder& d);
  bool operator==(const SignedTransaction&) const = default;

  // signer, compact nonce/tip/valid_until, module+call index, signature.
  static constexpr size_t kMinEncodedBytes = 32 + 1 + 1 + 1 + 2 + 64;
};

// Decodes one transaction from bytes received from outside (RPC, gossip): the size limit is
// checked before decoding, and trailing bytes are rejected.
Result<SignedTransaction> DecodeTransaction(ByteView bytes);

// The 32-byte message that the signer signs.
Hash32 TransactionSigningHash(const TransactionPayload& payload, const Hash32& genesis_hash);

// Signs `payload`; its signer must be `key`'s public key (a programmer error otherwise).
SignedTransaction Sign(const TransactionPayload& payload, const crypto::SigningKey& key,
                       const Hash32& genesis_hash);

bool VerifySignature(const SignedTransaction& tx, const Hash32& genesis_hash);

// Signing messages and crypto::VerifyItems for many transactions, for crypto::VerifyBatch. The
// items point into messages owned by this object, so it cannot be copied (a copy would point
// into the original); moving is fine.
class TransactionVerifyBatch {
 public:
  TransactionVerifyBatch(std::span<const SignedTransaction> txs, const Hash32& genesis_hash);
  TransactionVerifyBatch(TransactionVerifyBatch&&) = default;
  TransactionVerifyBatch& operator=(TransactionVerifyBatch&&) = default;
  TransactionVerifyBatch(const TransactionVerifyBatch&) = delete;
  TransactionVerifyBatch& operator=(const TransactionVerifyBatch&) = delete;

  std::span<const crypto::VerifyItem> items() const { return items_; }
  // crypto::VerifyBatch over items(): one entry per transaction, 1 = valid.
  std::vector<uint8_t> Verify(size_t threads = 0) const;

 private:
  std::unique_ptr<Hash32[]> messages_;  // stable addresses across moves
  std::vector<crypto::VerifyItem> items_;
};

}  // namespace phalanx::types
