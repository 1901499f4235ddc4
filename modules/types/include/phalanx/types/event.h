// Events: what the runtime reports happened while applying a block. Encoded like calls, as u8
// module index, u8 event index, then fields; the table below is the single place where indices
// and names ("balances.Transfer") are assigned. To add an event: define its struct in namespace
// events, append it to EventVariant and its row to kEventTable, and add its ToJson fields in
// json.cc.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string>
#include <variant>

#include "phalanx/base/bytes.h"
#include "phalanx/codec/codec.h"
#include "phalanx/types/consensus_types.h"
#include "phalanx/types/primitives.h"
#include "phalanx/types/registry.h"

namespace phalanx::types {
namespace events {

struct ExtrinsicSuccess {
  uint32_t tx_index = 0;
  void Encode(codec::Encoder& e) const;
  static Result<ExtrinsicSuccess> Decode(codec::Decoder& d);
  bool operator==(const ExtrinsicSuccess&) const = default;
};

struct ExtrinsicFailed {
  uint32_t tx_index = 0;
  std::string error;  // at most kMaxEventErrorBytes of UTF-8

  // Use this rather than aggregate initialization for text from anywhere (a Status message may
  // quote user bytes): ill-formed UTF-8 is replaced and the text cut to kMaxEventErrorBytes, so
  // the event always decodes again.
  static ExtrinsicFailed FromError(uint32_t tx_index, std::string_view error);
  void Encode(codec::Encoder& e) const;
  static Result<ExtrinsicFailed> Decode(codec::Decoder& d);
  bool operator==(const ExtrinsicFailed&) const = default;
};

struct Remarked {
  AccountId who;
  Hash32 hash;  // BLAKE2b-256 of the remark data
  void Encode(codec::Encoder& e) const;
  static Result<Remarked> Decode(codec::Decoder& d);
  bool operator==(const Remarked&) const = default;
};

struct Transfer {
  AccountId from;
  AccountId to;
  Balance amount = 0;
  void Encode(codec::Encoder& e) const;
  static Result<Transfer> Decode(codec::Decoder& d);
  bool operator==(const Transfer&) const = default;
};

// An account was created by receiving at least the existential deposit.
struct Endowed {
  AccountId account;
  Balance amount = 0;
  void Encode(codec::Encoder& e) const;
  static Result<Endowed> Decode(codec::Decoder& d);
  bool operator==(const Endowed&) const = default;
};

// An account fell below the existential deposit and was removed; `dust` was burned.
struct AccountReaped {
  AccountId account;
  Balance dust = 0;
  void Encode(codec::Encoder& e) const;
  static Result<AccountReaped> Decode(codec::Decoder& d);
  bool operator==(const AccountReaped&) const = default;
};

struct Reserved {
  AccountId who;
  Balance amount = 0;
  void Encode(codec::Encoder& e) const;
  static Result<Reserved> Decode(codec::Decoder& d);
  bool operator==(const Reserved&) const = default;
};

struct Unreserved {
  AccountId who;
  Balance amount = 0;
  void Encode(codec::Encoder& e) const;
  static Result<Unreserved> Decode(codec::Decoder& d);
  bool operator==(const Unreserved&) const = default;
};

// A transaction's fee: fee + tip were taken from `who`; burned + to_treasury == fee + tip.
struct FeePaid {
  AccountId who;
  Balance fee = 0;
  Balance tip = 0;
  Balance burned = 0;
  Balance to_treasury = 0;
  void Encode(codec::Encoder& e) const;
  static Result<FeePaid> Decode(codec::Decoder& d);
  bool operator==(const FeePaid&) const = default;
};

// validators.set_validator took effect in state: `validator` has `power` (0 = removed) in the set
// that commits block `effective_height` and later ones (the executing block's height + 2).
struct ValidatorUpdated {
  AccountId validator;
  uint64_t power = 0;
  uint64_t effective_height = 0;
  void Encode(codec::Encoder& e) const;
  static Result<ValidatorUpdated> Decode(codec::Decoder& d);
  bool operator==(const ValidatorUpdated&) const = default;
};

// Proven equivocation: `validator` signed two different votes of `type` at (height, round).
struct Equivocation {
  AccountId validator;
  uint64_t height = 0;
  uint32_t round = 0;
  VoteType type = VoteType::kPrevote;
  void Encode(codec::Encoder& e) const;
  static Result<Equivocation> Decode(codec::Decoder& d);
  bool operator==(const Equivocation&) const = default;
};

}  // namespace events

using EventVariant = std::variant<events::ExtrinsicSuccess, events::ExtrinsicFailed,
                                  events::Remarked, events::Transfer, events::Endowed,
                                  events::AccountReaped, events::Reserved, events::Unreserved,
                                  events::FeePaid, events::ValidatorUpdated, events::Equivocation>;

// Row i describes alternative i of EventVariant.
inline constexpr std::array<RegistryEntry, std::variant_size_v<EventVariant>> kEventTable = {{
    {ModuleIndex::kSystem, 0, "system.ExtrinsicSuccess"},
    {ModuleIndex::kSystem, 1, "system.ExtrinsicFailed"},
    {ModuleIndex::kSystem, 2, "system.Remarked"},
    {ModuleIndex::kBalances, 0, "balances.Transfer"},
    {ModuleIndex::kBalances, 1, "balances.Endowed"},
    {ModuleIndex::kBalances, 2, "balances.AccountReaped"},
    {ModuleIndex::kBalances, 3, "balances.Reserved"},
    {ModuleIndex::kBalances, 4, "balances.Unreserved"},
    {ModuleIndex::kBalances, 5, "balances.FeePaid"},
    {ModuleIndex::kValidators, 0, "validators.ValidatorUpdated"},
    {ModuleIndex::kValidators, 1, "validators.Equivocation"},
}};
static_assert(RegistryIsUnique(kEventTable), "duplicate event index or name in kEventTable");

struct Event {
  EventVariant value;

  const RegistryEntry& entry() const { return kEventTable[value.index()]; }
  void Encode(codec::Encoder& e) const { EncodeRegistered(e, value, kEventTable); }
  static Result<Event> Decode(codec::Decoder& d);
  bool operator==(const Event&) const = default;
};

// "balances.Transfer", ...
inline std::string_view EventName(const Event& event) { return event.entry().name; }

struct EventRecord {
  std::optional<uint32_t> tx_index;  // none = emitted while finalizing the block
  Event event;

  // BLAKE2b-256 of the encoding: the leaves of the header's events_root.
  Hash32 Hash() const;
  void Encode(codec::Encoder& e) const;
  static Result<EventRecord> Decode(codec::Decoder& d);
  bool operator==(const EventRecord&) const = default;
};

// MerkleRoot of the record hashes: the header's events_root.
Hash32 EventsRoot(std::span<const EventRecord> records);

}  // namespace phalanx::types
