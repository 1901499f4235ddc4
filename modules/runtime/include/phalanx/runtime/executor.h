// The state transition function. Validation decides whether a transaction may enter the pool or
// a block; the BlockExecutor applies a block's transactions to an overlay and yields the changes
// and events. Pure: no clock, no randomness, no I/O; signatures are checked by the caller
// (in parallel, before execution).
#pragma once

#include <string>
#include <vector>

#include "phalanx/runtime/overlay.h"
#include "phalanx/runtime/params.h"
#include "phalanx/types/block.h"
#include "phalanx/types/consensus_types.h"
#include "phalanx/types/event.h"
#include "phalanx/types/transaction.h"

namespace phalanx::runtime {

enum class TxValidity {
  kValid,
  kFuture,             // nonce ahead of the account: valid later
  kStale,              // nonce already used
  kExpired,            // past its mortality height
  kCannotPayFees,      // free balance below fee + tip (while keeping the existential deposit)
  kExhaustsResources,  // larger than a block can hold
  kBadSignature,       // set by callers that verify signatures
  kMalformed,          // undecodable bytes (set by callers that decode)
};

std::string_view TxValidityName(TxValidity v);

struct TxVerdict {
  TxValidity validity = TxValidity::kValid;
  std::string message;  // for people: what is wrong and what to do
  uint64_t account_nonce = 0;
  Balance fee = 0;  // fee without tip

  bool ok() const { return validity == TxValidity::kValid; }
};

// Weight of a call (a deterministic cost in abstract units).
uint64_t CallWeight(const types::Call& call);
// Fee without tip for a call of the given encoded transaction length.
Balance ComputeFee(const Params& p, const types::Call& call, size_t encoded_length);

// Checks nonce, mortality, fees and size against `state` for inclusion in block `height`.
Result<TxVerdict> ValidateTransaction(const StateReader& state, const Params& params,
                                      const types::SignedTransaction& tx, size_t encoded_length,
                                      uint64_t height);

struct BlockContext {
  uint64_t height = 0;
  uint64_t time_ms = 0;
  types::AccountId proposer{};
  // The chain's genesis block hash: votes are signed over it, so equivocation evidence
  // (validators.report_equivocation) verifies only when this is the real one.
  Hash32 genesis_hash{};
};

struct BlockOutput {
  std::vector<std::pair<Bytes, std::optional<Bytes>>> changes;  // sorted, unique keys
  std::vector<types::EventRecord> events;
  uint64_t weight = 0;
  Balance fees_burned = 0;
  Balance fees_to_treasury = 0;
  // For the header: the set that commits this block and the set for the next height (see
  // validators.h; a change executed in this block shows up two blocks later).
  types::ValidatorSet validators;
  types::ValidatorSet next_validators;
  Hash32 validators_hash;
  Hash32 next_validators_hash;
};

class BlockExecutor {
 public:
  // Loads the parameters and records the block metadata.
  static Result<BlockExecutor> Begin(const StateReader& base, const BlockContext& ctx);

  // Applies a transaction whose signature the caller has verified. A verdict other than kValid
  // means nothing changed and the transaction cannot be part of this block; a valid transaction
  // whose call fails still pays its fee and bumps the nonce (ExtrinsicFailed event).
  Result<TxVerdict> Apply(const types::SignedTransaction& tx, size_t encoded_length);

  size_t transaction_count() const { return tx_count_; }
  uint64_t weight() const { return weight_; }
  const Params& params() const { return params_; }
  // The set that commits this block, and the one for the next height.
  const types::ValidatorSet& validators() const { return validators_; }
  const types::ValidatorSet& next_validators() const { return next_validators_; }

  BlockOutput Finish() &&;

 private:
  BlockExecutor(const StateReader& base, const BlockContext& ctx, Params params,
                types::ValidatorSet validators, types::ValidatorSet next_validators);
  Status Dispatch(Overlay& state, const types::SignedTransaction& tx,
                  std::vector<types::Event>& events);
  Status PayFee(const types::AccountId& who, Balance fee, Balance tip,
                std::vector<types::Event>& events);

  std::unique_ptr<Overlay> overlay_;  // heap: BlockExecutor is movable, Overlay holds a reference
  BlockContext ctx_;
  Params params_;
  types::ValidatorSet validators_;       // commits this block
  types::ValidatorSet next_validators_;  // commits the next one
  std::vector<types::EventRecord> events_;
  uint32_t tx_count_ = 0;
  uint64_t weight_ = 0;
  uint64_t bytes_ = 0;
  Balance burned_ = 0;
  Balance to_treasury_ = 0;
};

}  // namespace phalanx::runtime
