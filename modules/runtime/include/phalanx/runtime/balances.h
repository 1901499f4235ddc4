// The balances module: transfers, the existential deposit and reserves. Functions return a
// Status whose message becomes the ExtrinsicFailed reason; on error nothing was written.
#pragma once

#include <vector>

#include "phalanx/runtime/storage.h"
#include "phalanx/types/event.h"

namespace phalanx::runtime {

enum class Existence { kAllowDeath, kKeepAlive };

class Balances {
 public:
  Balances(Overlay& state, const Params& params, std::vector<types::Event>& events)
      : state_(state), params_(params), events_(events) {}

  // Moves `amount` of free balance. With kKeepAlive the sender must keep at least the existential
  // deposit; with kAllowDeath a sender left below it is reaped and the dust burned. A new
  // destination must receive at least the existential deposit.
  Status Transfer(const AccountId& from, const AccountId& to, Balance amount, Existence existence);
  // Transfers everything transferable (all free balance, or all above the deposit when kept alive).
  Status TransferAll(const AccountId& from, const AccountId& to, Existence existence);
  // Moves free to reserved (for deposits of other modules); the account stays alive.
  Status Reserve(const AccountId& who, Balance amount);
  // Moves up to `amount` reserved back to free; returns how much was moved.
  Result<Balance> Unreserve(const AccountId& who, Balance amount);
  // Removes `amount` from the total issuance (burned fees, dust).
  Status Burn(Balance amount);
  // Adds to an account's free balance and to the issuance (genesis endowments).
  Status Mint(const AccountId& who, Balance amount);

 private:
  // Stores `info`, reaping the account if its total is below the existential deposit.
  Status Settle(const AccountId& id, AccountInfo info);

  Overlay& state_;
  const Params& params_;
  std::vector<types::Event>& events_;
};

}  // namespace phalanx::runtime
