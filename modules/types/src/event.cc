// Event encoding. Balances are compact, as in calls.
#include "phalanx/types/event.h"

#include "phalanx/crypto/hash.h"
#include "phalanx/types/limits.h"
#include "phalanx/types/merkle.h"

namespace phalanx::types {
namespace events {

void ExtrinsicSuccess::Encode(codec::Encoder& e) const { e.WriteU32(tx_index); }
Result<ExtrinsicSuccess> ExtrinsicSuccess::Decode(codec::Decoder& d) {
  ExtrinsicSuccess v;
  ASSIGN_OR_RETURN(v.tx_index, d.ReadU32());
  return v;
}

ExtrinsicFailed ExtrinsicFailed::FromError(uint32_t tx_index, std::string_view error) {
  return ExtrinsicFailed{tx_index, codec::SanitizeUtf8(error, kMaxEventErrorBytes)};
}

void ExtrinsicFailed::Encode(codec::Encoder& e) const {
  e.WriteU32(tx_index);
  e.WriteString(error);
}
Result<ExtrinsicFailed> ExtrinsicFailed::Decode(codec::Decoder& d) {
  ExtrinsicFailed v;
  ASSIGN_OR_RETURN(v.tx_index, d.ReadU32());
  ASSIGN_OR_RETURN(v.error, d.ReadString(kMaxEventErrorBytes));
  return v;
}

void Remarked::Encode(codec::Encoder& e) const {
  e.WriteFixed(who);
  e.WriteFixed(hash);
}
Result<Remarked> Remarked::Decode(codec::Decoder& d) {
  Remarked v;
  ASSIGN_OR_RETURN(v.who, d.ReadFixed<32>());
  ASSIGN_OR_RETURN(v.hash, d.ReadFixed<32>());
  return v;
}

void Transfer::Encode(codec::Encoder& e) const {
  e.WriteFixed(from);
  e.WriteFixed(to);
  e.WriteCompact(amount);
}
Result<Transfer> Transfer::Decode(codec::Decoder& d) {
  Transfer v;
  ASSIGN_OR_RETURN(v.from, d.ReadFixed<32>());
  ASSIGN_OR_RETURN(v.to, d.ReadFixed<32>());
  ASSIGN_OR_RETURN(v.amount, d.ReadCompactU128());
  return v;
}

void Endowed::Encode(codec::Encoder& e) const {
  e.WriteFixed(account);
  e.WriteCompact(amount);
}
Result<Endowed> Endowed::Decode(codec::Decoder& d) {
  Endowed v;
  ASSIGN_OR_RETURN(v.account, d.ReadFixed<32>());
  ASSIGN_OR_RETURN(v.amount, d.ReadCompactU128());
  return v;
}

void AccountReaped::Encode(codec::Encoder& e) const {
  e.WriteFixed(account);
  e.WriteCompact(dust);
}
Result<AccountReaped> AccountReaped::Decode(codec::Decoder& d) {
  AccountReaped v;
  ASSIGN_OR_RETURN(v.account, d.ReadFixed<32>());
  ASSIGN_OR_RETURN(v.dust, d.ReadCompactU128());
  return v;
}

void Reserved::Encode(codec::Encoder& e) const {
  e.WriteFixed(who);
  e.WriteCompact(amount);
}
Result<Reserved> Reserved::Decode(codec::Decoder& d) {
  Reserved v;
  ASSIGN_OR_RETURN(v.who, d.ReadFixed<32>());
  ASSIGN_OR_RETURN(v.amount, d.ReadCompactU128());
  return v;
}

void Unreserved::Encode(codec::Encoder& e) const {
  e.WriteFixed(who);
  e.WriteCompact(amount);
}
Result<Unreserved> Unreserved::Decode(codec::Decoder& d) {
  Unreserved v;
  ASSIGN_OR_RETURN(v.who, d.ReadFixed<32>());
  ASSIGN_OR_RETURN(v.amount, d.ReadCompactU128());
  return v;
}

void FeePaid::Encode(codec::Encoder& e) const {
  e.WriteFixed(who);
  e.WriteCompact(fee);
  e.WriteCompact(tip);
  e.WriteCompact(burned);
  e.WriteCompact(to_treasury);
}
Result<FeePaid> FeePaid::Decode(codec::Decoder& d) {
  FeePaid v;
  ASSIGN_OR_RETURN(v.who, d.ReadFixed<32>());
  ASSIGN_OR_RETURN(v.fee, d.ReadCompactU128());
  ASSIGN_OR_RETURN(v.tip, d.ReadCompactU128());
  ASSIGN_OR_RETURN(v.burned, d.ReadCompactU128());
  ASSIGN_OR_RETURN(v.to_treasury, d.ReadCompactU128());
  return v;
}

void ValidatorUpdated::Encode(codec::Encoder& e) const {
  e.WriteFixed(validator);
  e.WriteU64(power);
  e.WriteU64(effective_height);
}
Result<ValidatorUpdated> ValidatorUpdated::Decode(codec::Decoder& d) {
  ValidatorUpdated v;
  ASSIGN_OR_RETURN(v.validator, d.ReadFixed<32>());
  ASSIGN_OR_RETURN(v.power, d.ReadU64());
  ASSIGN_OR_RETURN(v.effective_height, d.ReadU64());
  return v;
}

void Equivocation::Encode(codec::Encoder& e) const {
  e.WriteFixed(validator);
  e.WriteU64(height);
  e.WriteU32(round);
  e.WriteU8(static_cast<uint8_t>(type));
}
Result<Equivocation> Equivocation::Decode(codec::Decoder& d) {
  Equivocation v;
  ASSIGN_OR_RETURN(v.validator, d.ReadFixed<32>());
  ASSIGN_OR_RETURN(v.height, d.ReadU64());
  ASSIGN_OR_RETURN(v.round, d.ReadU32());
  const size_t at = d.offset();
  ASSIGN_OR_RETURN(uint8_t type, d.ReadU8());
  if (type != static_cast<uint8_t>(VoteType::kPrevote) &&
      type != static_cast<uint8_t>(VoteType::kPrecommit))
    return d.Malformed(at, "unknown vote type " + std::to_string(type) +
                               " (expected 1 = prevote or 2 = precommit)");
  v.type = static_cast<VoteType>(type);
  return v;
}

}  // namespace events

Result<Event> Event::Decode(codec::Decoder& d) {
  ASSIGN_OR_RETURN(EventVariant v, (DecodeRegistered<EventVariant>(d, kEventTable, "event")));
  return Event{std::move(v)};
}

Hash32 EventRecord::Hash() const {
  codec::Encoder e(128);
  Encode(e);
  return crypto::Blake2b256(e.view());
}

void EventRecord::Encode(codec::Encoder& e) const {
  e.WriteOptional(tx_index);
  event.Encode(e);
}

Result<EventRecord> EventRecord::Decode(codec::Decoder& d) {
  EventRecord r;
  ASSIGN_OR_RETURN(r.tx_index, d.ReadOptional<uint32_t>());
  ASSIGN_OR_RETURN(r.event, d.Read<Event>());
  return r;
}

Hash32 EventsRoot(std::span<const EventRecord> records) {
  std::vector<Hash32> hashes;
  hashes.reserve(records.size());
  for (const EventRecord& r : records) hashes.push_back(r.Hash());
  return MerkleRoot(hashes);
}

}  // namespace phalanx::types
