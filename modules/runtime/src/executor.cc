// Transaction validation and block execution.
#include "phalanx/runtime/executor.h"

#include <type_traits>

#include "phalanx/crypto/hash.h"
#include "phalanx/runtime/balances.h"
#include "phalanx/runtime/storage.h"
#include "phalanx/runtime/validators.h"
#include "phalanx/types/limits.h"

namespace phalanx::runtime {

namespace ev = types::events;

std::string_view TxValidityName(TxValidity v) {
  switch (v) {
    case TxValidity::kValid:
      return "valid";
    case TxValidity::kFuture:
      return "future";
    case TxValidity::kStale:
      return "stale";
    case TxValidity::kExpired:
      return "expired";
    case TxValidity::kCannotPayFees:
      return "cannot_pay_fees";
    case TxValidity::kExhaustsResources:
      return "exhausts_resources";
    case TxValidity::kBadSignature:
      return "bad_signature";
    case TxValidity::kMalformed:
      return "malformed";
  }
  return "unknown";
}

uint64_t CallWeight(const types::Call& call) {
  return std::visit(
      [](const auto& c) -> uint64_t {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, types::calls::Remark>) return 10'000 + 10 * c.data.size();
        if constexpr (std::is_same_v<T, types::calls::TransferAll>) return 120'000;
        if constexpr (std::is_same_v<T, types::calls::SetValidator>) return 200'000;
        // Two signature verifications.
        if constexpr (std::is_same_v<T, types::calls::ReportEquivocation>) return 400'000;
        return 100'000;  // transfer, transfer_keep_alive
      },
      call.value);
}

Balance ComputeFee(const Params& p, const types::Call& call, size_t encoded_length) {
  return p.base_fee + p.fee_per_byte * encoded_length + p.fee_per_weight * CallWeight(call);
}

namespace {
TxVerdict Reject(TxValidity v, std::string message, uint64_t account_nonce = 0) {
  return TxVerdict{v, std::move(message), account_nonce, 0};
}
}  // namespace

Result<TxVerdict> ValidateTransaction(const StateReader& state, const Params& params,
                                      const types::SignedTransaction& tx, size_t encoded_length,
                                      uint64_t height) {
  const auto& p = tx.payload;
  uint64_t weight = CallWeight(p.call);
  if (encoded_length > types::kMaxTransactionBytes || weight > params.max_block_weight ||
      encoded_length > params.max_block_bytes)
    return Reject(TxValidity::kExhaustsResources, "transaction is too large for a block");
  if (p.valid_until != 0 && height > p.valid_until)
    return Reject(TxValidity::kExpired,
                  "transaction expired: valid until block " + std::to_string(p.valid_until) +
                      ", cannot enter block " + std::to_string(height) + "; sign it again");
  ASSIGN_OR_RETURN(AccountInfo acct, LoadAccount(state, p.signer));
  if (p.nonce < acct.nonce)
    return Reject(TxValidity::kStale,
                  "nonce " + std::to_string(p.nonce) +
                      " was already used; the account's next nonce is " +
                      std::to_string(acct.nonce),
                  acct.nonce);
  Balance fee = ComputeFee(params, p.call, encoded_length);
  Balance charge = fee + p.tip;
  if (charge < fee || acct.free < charge ||
      acct.free - charge + acct.reserved < params.existential_deposit)
    return Reject(TxValidity::kCannotPayFees,
                  "free balance " + types::FormatAmount(acct.free) + " cannot pay fee " +
                      types::FormatAmount(fee) + " + tip " + types::FormatAmount(p.tip) +
                      " and keep the existential deposit " +
                      types::FormatAmount(params.existential_deposit),
                  acct.nonce);
  if (p.nonce > acct.nonce)
    return TxVerdict{TxValidity::kFuture,
                     "nonce " + std::to_string(p.nonce) + " is ahead of the account's next nonce " +
                         std::to_string(acct.nonce),
                     acct.nonce, fee};
  return TxVerdict{TxValidity::kValid, "", acct.nonce, fee};
}

Result<BlockExecutor> BlockExecutor::Begin(const StateReader& base, const BlockContext& ctx) {
  ASSIGN_OR_RETURN(Params params, LoadParams(base));
  ASSIGN_OR_RETURN(types::ValidatorSet current, LoadCurrentValidators(base));
  ASSIGN_OR_RETURN(types::ValidatorSet next, LoadNextValidators(base));
  BlockExecutor ex(base, ctx, std::move(params), std::move(current), std::move(next));
  codec::Encoder e;
  e.WriteU64(ctx.height);
  e.WriteU64(ctx.time_ms);
  ex.overlay_->Put(AsBytes(keys::kBlock), e.Take());
  // Rotate: after this block, the set that commits the next one is S(height + 1). val/next stays
  // as the starting point of S(height + 2), which this block's calls may edit.
  if (ex.next_validators_ != ex.validators_)
    StoreCurrentValidators(*ex.overlay_, ex.next_validators_);
  return ex;
}

BlockExecutor::BlockExecutor(const StateReader& base, const BlockContext& ctx, Params params,
                             types::ValidatorSet validators, types::ValidatorSet next_validators)
    : overlay_(std::make_unique<Overlay>(base)),
      ctx_(ctx),
      params_(std::move(params)),
      validators_(std::move(validators)),
      next_validators_(std::move(next_validators)) {}

Status BlockExecutor::PayFee(const types::AccountId& who, Balance fee, Balance tip,
                             std::vector<types::Event>& events) {
  Overlay& s = *overlay_;
  ASSIGN_OR_RETURN(AccountInfo acct, LoadAccount(s, who));
  Balance charge = fee + tip;
  acct.free -= charge;  // validated: free >= charge
  acct.nonce += 1;
  StoreAccount(s, who, acct);
  Balance to_treasury =
      charge / 100 * params_.treasury_percent + charge % 100 * params_.treasury_percent / 100;
  Balance burned = charge - to_treasury;
  ASSIGN_OR_RETURN(AccountInfo treasury, LoadAccount(s, TreasuryAccount()));
  treasury.free += to_treasury;
  StoreAccount(s, TreasuryAccount(), treasury);
  ASSIGN_OR_RETURN(Balance issuance, LoadTotalIssuance(s));
  StoreTotalIssuance(s, issuance - burned);
  burned_ += burned;
  to_treasury_ += to_treasury;
  events.push_back(types::Event{ev::FeePaid{who, fee, tip, burned, to_treasury}});
  return Status::Ok();
}

Status BlockExecutor::Dispatch(Overlay& state, const types::SignedTransaction& tx,
                               std::vector<types::Event>& events) {
  const auto& who = tx.payload.signer;
  Balances balances(state, params_, events);
  Validators validators(state, ctx_.height, validators_, ctx_.genesis_hash, events);
  return std::visit(
      [&](const auto& c) -> Status {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, types::calls::Remark>) {
          events.push_back(types::Event{ev::Remarked{who, crypto::Blake2b256(c.data)}});
          return Status::Ok();
        } else if constexpr (std::is_same_v<T, types::calls::Transfer>) {
          return balances.Transfer(who, c.dest, c.amount, Existence::kAllowDeath);
        } else if constexpr (std::is_same_v<T, types::calls::TransferKeepAlive>) {
          return balances.Transfer(who, c.dest, c.amount, Existence::kKeepAlive);
        } else if constexpr (std::is_same_v<T, types::calls::TransferAll>) {
          return balances.TransferAll(
              who, c.dest, c.keep_alive ? Existence::kKeepAlive : Existence::kAllowDeath);
        } else if constexpr (std::is_same_v<T, types::calls::SetValidator>) {
          return validators.SetValidator(who, c);
        } else if constexpr (std::is_same_v<T, types::calls::ReportEquivocation>) {
          return validators.ReportEquivocation(c);
        } else {
          static_assert(sizeof(T) == 0, "call not dispatched");
        }
      },
      tx.payload.call.value);
}

Result<TxVerdict> BlockExecutor::Apply(const types::SignedTransaction& tx, size_t encoded_length) {
  ASSIGN_OR_RETURN(TxVerdict verdict,
                   ValidateTransaction(*overlay_, params_, tx, encoded_length, ctx_.height));
  if (!verdict.ok()) return verdict;
  uint64_t weight = CallWeight(tx.payload.call);
  if (tx_count_ >= params_.max_block_transactions || weight_ + weight > params_.max_block_weight ||
      bytes_ + encoded_length > params_.max_block_bytes)
    return TxVerdict{TxValidity::kExhaustsResources, "block is full", verdict.account_nonce,
                     verdict.fee};

  uint32_t index = tx_count_;
  std::vector<types::Event> events;
  RETURN_IF_ERROR(PayFee(tx.payload.signer, verdict.fee, tx.payload.tip, events));
  // The call runs in its own overlay so that a failure undoes the call but not the fee.
  Overlay call_state = Overlay::LayeredOn(*overlay_);
  std::vector<types::Event> call_events;
  Status st = Dispatch(call_state, tx, call_events);
  if (st.code() == StatusCode::kInternal || st.code() == StatusCode::kCorruption ||
      st.code() == StatusCode::kIOError)
    return st;  // a broken store, not a failing call: the block cannot be built
  if (st.ok()) {
    std::move(call_state).MergeInto(*overlay_);
    for (auto& e : call_events) events.push_back(std::move(e));
    events.push_back(types::Event{ev::ExtrinsicSuccess{index}});
  } else {
    events.push_back(types::Event{ev::ExtrinsicFailed::FromError(index, st.message())});
  }
  for (auto& e : events) events_.push_back(types::EventRecord{index, std::move(e)});
  ++tx_count_;
  weight_ += weight;
  bytes_ += encoded_length;
  return verdict;
}

BlockOutput BlockExecutor::Finish() && {
  BlockOutput out;
  out.changes = std::move(*overlay_).TakeChanges();
  out.events = std::move(events_);
  out.weight = weight_;
  out.fees_burned = burned_;
  out.fees_to_treasury = to_treasury_;
  out.validators_hash = validators_.Hash();
  out.next_validators_hash = next_validators_.Hash();
  out.validators = std::move(validators_);
  out.next_validators = std::move(next_validators_);
  return out;
}

}  // namespace phalanx::runtime
