// Named limits of the chain's data model. Every decoder and parser in types enforces one of these
// (plus the codec's generic limits), and each has its own test.
#pragma once

#include <cstddef>

namespace phalanx::types {

// system.remark payload.
inline constexpr size_t kMaxRemarkBytes = size_t{4} << 10;
// Encoded size of one signed transaction.
inline constexpr size_t kMaxTransactionBytes = size_t{64} << 10;
// Encoded size of one block (header, transactions, last commit).
inline constexpr size_t kMaxBlockBytes = size_t{32} << 20;
// Transactions in one block.
inline constexpr size_t kMaxBlockTransactions = 100'000;
// Validators in one set, and therefore signatures in one commit certificate.
inline constexpr size_t kMaxValidators = 1'000;
// Characters of an SS58 address string (ours are 47 or 48); longer input is rejected before
// the quadratic base58 decode runs.
inline constexpr size_t kMaxSs58Chars = 64;
// Characters of an amount ("12.5 PHX") or decimal u128 string given to a parser.
inline constexpr size_t kMaxAmountChars = 128;
// Bytes of the error text in a system.ExtrinsicFailed event (the runtime truncates longer text).
inline constexpr size_t kMaxEventErrorBytes = 1024;

}  // namespace phalanx::types
