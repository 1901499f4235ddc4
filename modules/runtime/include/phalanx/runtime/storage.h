// Storage keys of the runtime modules and typed accessors over an Overlay. Keys are readable
// prefixes ("sys/", "bal/") followed by binary ids; the state tree hashes them.
#pragma once

#include "phalanx/base/bytes.h"
#include "phalanx/runtime/overlay.h"
#include "phalanx/runtime/params.h"
#include "phalanx/types/address.h"

namespace phalanx::runtime {

using types::AccountId;

// system + balances data of one account, in one record so a transfer touches few keys.
struct AccountInfo {
  uint64_t nonce = 0;
  Balance free = 0;
  Balance reserved = 0;

  Balance total() const { return free + reserved; }
  bool operator==(const AccountInfo&) const = default;
  void Encode(codec::Encoder& e) const;
  static Result<AccountInfo> Decode(codec::Decoder& d);
};

namespace keys {
Bytes Account(const AccountId& id);
inline constexpr std::string_view kParams = "sys/params";
inline constexpr std::string_view kBlock = "sys/block";  // height and time of the last block
inline constexpr std::string_view kTotalIssuance = "bal/issuance";
}  // namespace keys

// The account that receives the treasury share of fees.
const AccountId& TreasuryAccount();

Result<AccountInfo> LoadAccount(const StateReader& s, const AccountId& id);
// Writes the account, or deletes it when it holds nothing and has never been used.
void StoreAccount(Overlay& s, const AccountId& id, const AccountInfo& info);
Result<Balance> LoadTotalIssuance(const StateReader& s);
void StoreTotalIssuance(Overlay& s, Balance v);
Result<Params> LoadParams(const StateReader& s);
void StoreParams(Overlay& s, const Params& p);

}  // namespace phalanx::runtime
