// Calls: what a transaction asks the runtime to do. Encoded as u8 module index, u8 call index,
// then the arguments. To add a call: define its argument struct in namespace calls (with Encode,
// Decode and operator==), append it to CallVariant, append its row to kCallTable, and add its
// ToJson arguments in json.cc (the compiler points at each place that is missing).
#pragma once

#include <array>
#include <string_view>
#include <variant>

#include "phalanx/base/bytes.h"
#include "phalanx/codec/codec.h"
#include "phalanx/types/consensus_types.h"
#include "phalanx/types/primitives.h"
#include "phalanx/types/registry.h"

namespace phalanx::types {
namespace calls {

// system.remark: stores nothing; emits system.Remarked with the hash of the data.
struct Remark {
  Bytes data;  // at most kMaxRemarkBytes
  void Encode(codec::Encoder& e) const;
  static Result<Remark> Decode(codec::Decoder& d);
  bool operator==(const Remark&) const = default;
};

// balances.transfer: may reap the sender if it drops below the existential deposit.
struct Transfer {
  AccountId dest;
  Balance amount = 0;
  void Encode(codec::Encoder& e) const;
  static Result<Transfer> Decode(codec::Decoder& d);
  bool operator==(const Transfer&) const = default;
};

// balances.transfer_keep_alive: like transfer but fails rather than reap the sender.
struct TransferKeepAlive {
  AccountId dest;
  Balance amount = 0;
  void Encode(codec::Encoder& e) const;
  static Result<TransferKeepAlive> Decode(codec::Decoder& d);
  bool operator==(const TransferKeepAlive&) const = default;
};

// balances.transfer_all: sends the whole free balance (minus the existential deposit if
// keep_alive).
struct TransferAll {
  AccountId dest;
  bool keep_alive = false;
  void Encode(codec::Encoder& e) const;
  static Result<TransferAll> Decode(codec::Decoder& d);
  bool operator==(const TransferAll&) const = default;
};

// validators.set_validator (root origin only: the chain spec's sudo account): sets `key`'s voting
// power in the set that takes effect two blocks after the one executing the call; power 0
// removes the validator. Fails if the resulting set would be empty or invalid.
struct SetValidator {
  AccountId key;
  uint64_t power = 0;
  void Encode(codec::Encoder& e) const;
  static Result<SetValidator> Decode(codec::Decoder& d);
  bool operator==(const SetValidator&) const = default;
};

// validators.report_equivocation (any signer): two votes by one validator of the current set for
// the same height, round and type but different block hashes. Emits validators.Equivocation once
// per (validator, height, round, type); invalid or already reported evidence fails the call.
struct ReportEquivocation {
  Vote vote_a;
  Vote vote_b;
  void Encode(codec::Encoder& e) const;
  static Result<ReportEquivocation> Decode(codec::Decoder& d);
  bool operator==(const ReportEquivocation&) const = default;
};

}  // namespace calls

using CallVariant =
    std::variant<calls::Remark, calls::Transfer, calls::TransferKeepAlive, calls::TransferAll,
                 calls::SetValidator, calls::ReportEquivocation>;

// Row i describes alternative i of CallVariant.
inline constexpr std::array<RegistryEntry, std::variant_size_v<CallVariant>> kCallTable = {{
    {ModuleIndex::kSystem, 0, "system.remark"},
    {ModuleIndex::kBalances, 0, "balances.transfer"},
    {ModuleIndex::kBalances, 1, "balances.transfer_keep_alive"},
    {ModuleIndex::kBalances, 2, "balances.transfer_all"},
    {ModuleIndex::kValidators, 0, "validators.set_validator"},
    {ModuleIndex::kValidators, 1, "validators.report_equivocation"},
}};
static_assert(RegistryIsUnique(kCallTable), "duplicate call index or name in kCallTable");

struct Call {
  CallVariant value;

  const RegistryEntry& entry() const { return kCallTable[value.index()]; }
  void Encode(codec::Encoder& e) const { EncodeRegistered(e, value, kCallTable); }
  static Result<Call> Decode(codec::Decoder& d);
  bool operator==(const Call&) const = default;

  static constexpr size_t kMinEncodedBytes = 2;
};

// "system.remark", "balances.transfer", ...
inline std::string_view CallName(const Call& call) { return call.entry().name; }

}  // namespace phalanx::types
