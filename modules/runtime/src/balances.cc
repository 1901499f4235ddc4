// Balances: transfers with the existential-deposit rules, reserves, mint and burn.
#include "phalanx/runtime/balances.h"

namespace phalanx::runtime {

Status Balances::Settle(const AccountId& id, AccountInfo info) {
  Balance total = info.total();
  if (total < params_.existential_deposit && info.reserved == 0 && info != AccountInfo{}) {
    // Reaped: the dust is burned and the record removed (its nonce resets; mortal
    // transactions, the CLI's default, cannot be replayed after that).
    RETURN_IF_ERROR(Burn(info.free));
    events_.push_back(types::Event{types::events::AccountReaped{id, info.free}});
    info = AccountInfo{};
  }
  StoreAccount(state_, id, info);
  return Status::Ok();
}

Status Balances::Transfer(const AccountId& from, const AccountId& to, Balance amount,
                          Existence existence) {
  ASSIGN_OR_RETURN(AccountInfo src, LoadAccount(state_, from));
  if (src.free < amount)
    return FailedPrecondition("insufficient balance: free " + types::FormatAmount(src.free) +
                              ", transfer " + types::FormatAmount(amount));
  Balance src_after = src.free - amount;
  if (existence == Existence::kKeepAlive && src_after + src.reserved < params_.existential_deposit)
    return FailedPrecondition("transfer would take the sender below the existential deposit (" +
                              types::FormatAmount(params_.existential_deposit) +
                              "); use balances.transfer (the CLI without --keep-alive) to allow "
                              "the account to be reaped");
  if (from == to || amount == 0) return Status::Ok();
  ASSIGN_OR_RETURN(AccountInfo dst, LoadAccount(state_, to));
  bool creates = dst.total() == 0 && dst.nonce == 0;
  if (creates && amount < params_.existential_deposit)
    return FailedPrecondition("amount " + types::FormatAmount(amount) +
                              " is below the existential deposit (" +
                              types::FormatAmount(params_.existential_deposit) +
                              ") needed to create account " + types::ToSs58(to));
  constexpr Balance kMax = ~Balance(0);
  if (kMax - dst.free < amount) return FailedPrecondition("destination balance would overflow");
  src.free = src_after;
  dst.free += amount;
  events_.push_back(types::Event{types::events::Transfer{from, to, amount}});
  if (creates) events_.push_back(types::Event{types::events::Endowed{to, amount}});
  StoreAccount(state_, to, dst);
  return Settle(from, src);
}

Status Balances::TransferAll(const AccountId& from, const AccountId& to, Existence existence) {
  ASSIGN_OR_RETURN(AccountInfo src, LoadAccount(state_, from));
  Balance amount = src.free;
  if (existence == Existence::kKeepAlive) {
    Balance keep = src.reserved >= params_.existential_deposit
                       ? 0
                       : params_.existential_deposit - src.reserved;
    amount = src.free > keep ? src.free - keep : 0;
  }
  return Transfer(from, to, amount, existence);
}

Status Balances::Reserve(const AccountId& who, Balance amount) {
  ASSIGN_OR_RETURN(AccountInfo info, LoadAccount(state_, who));
  if (info.free < amount)
    return FailedPrecondition("cannot reserve " + types::FormatAmount(amount) +
                              ": free balance is " + types::FormatAmount(info.free));
  info.free -= amount;
  info.reserved += amount;
  events_.push_back(types::Event{types::events::Reserved{who, amount}});
  StoreAccount(state_, who, info);
  return Status::Ok();
}

Result<Balance> Balances::Unreserve(const AccountId& who, Balance amount) {
  ASSIGN_OR_RETURN(AccountInfo info, LoadAccount(state_, who));
  Balance moved = std::min(amount, info.reserved);
  if (moved == 0) return Balance{0};
  info.reserved -= moved;
  info.free += moved;
  events_.push_back(types::Event{types::events::Unreserved{who, moved}});
  RETURN_IF_ERROR(Settle(who, info));
  return moved;
}

Status Balances::Burn(Balance amount) {
  ASSIGN_OR_RETURN(Balance issuance, LoadTotalIssuance(state_));
  if (issuance < amount) return Internal("burning more than the total issuance");
  StoreTotalIssuance(state_, issuance - amount);
  return Status::Ok();
}

Status Balances::Mint(const AccountId& who, Balance amount) {
  ASSIGN_OR_RETURN(Balance issuance, LoadTotalIssuance(state_));
  constexpr Balance kMax = ~Balance(0);
  if (kMax - issuance < amount) return InvalidArgument("total issuance would overflow u128");
  ASSIGN_OR_RETURN(AccountInfo info, LoadAccount(state_, who));
  info.free += amount;
  StoreTotalIssuance(state_, issuance + amount);
  StoreAccount(state_, who, info);
  events_.push_back(types::Event{types::events::Endowed{who, amount}});
  return Status::Ok();
}

}  // namespace phalanx::runtime
