// Blocks: a header, the transactions, and the commit certificate of the previous block (which is
// how finality of height h - 1 becomes part of the chain at height h).
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "phalanx/codec/codec.h"
#include "phalanx/types/consensus_types.h"
#include "phalanx/types/header.h"
#include "phalanx/types/merkle.h"
#include "phalanx/types/transaction.h"

namespace phalanx::types {

struct Block {
  Header header;
  std::vector<SignedTransaction> transactions;   // at most kMaxBlockTransactions
  std::optional<CommitCertificate> last_commit;  // for height - 1; none at height 1

  Hash32 Hash() const { return header.Hash(); }
  void Encode(codec::Encoder& e) const;
  // Enforces kMaxBlockTransactions and kMaxBlockBytes.
  static Result<Block> Decode(codec::Decoder& d);
  bool operator==(const Block&) const = default;
};

// Decodes one block from bytes received from outside: the size limit is checked first and
// trailing bytes are rejected.
Result<Block> DecodeBlock(ByteView bytes);

// MerkleRoot of the transaction hashes: the header's tx_root.
Hash32 TxRoot(std::span<const SignedTransaction> transactions);

}  // namespace phalanx::types
