// Encoding of calls and their arguments. Amounts are compact (most are small), so a transfer of a
// few PHX costs 8 bytes rather than 16.
#include "phalanx/types/call.h"

#include "phalanx/types/limits.h"

namespace phalanx::types {
namespace calls {

void Remark::Encode(codec::Encoder& e) const { e.WriteBytes(data); }
Result<Remark> Remark::Decode(codec::Decoder& d) {
  ASSIGN_OR_RETURN(Bytes data, d.ReadBytes(kMaxRemarkBytes));
  return Remark{std::move(data)};
}

void Transfer::Encode(codec::Encoder& e) const {
  e.WriteFixed(dest);
  e.WriteCompact(amount);
}
Result<Transfer> Transfer::Decode(codec::Decoder& d) {
  Transfer t;
  ASSIGN_OR_RETURN(t.dest, d.ReadFixed<32>());
  ASSIGN_OR_RETURN(t.amount, d.ReadCompactU128());
  return t;
}

void TransferKeepAlive::Encode(codec::Encoder& e) const {
  e.WriteFixed(dest);
  e.WriteCompact(amount);
}
Result<TransferKeepAlive> TransferKeepAlive::Decode(codec::Decoder& d) {
  TransferKeepAlive t;
  ASSIGN_OR_RETURN(t.dest, d.ReadFixed<32>());
  ASSIGN_OR_RETURN(t.amount, d.ReadCompactU128());
  return t;
}

void TransferAll::Encode(codec::Encoder& e) const {
  e.WriteFixed(dest);
  e.WriteBool(keep_alive);
}
Result<TransferAll> TransferAll::Decode(codec::Decoder& d) {
  TransferAll t;
  ASSIGN_OR_RETURN(t.dest, d.ReadFixed<32>());
  ASSIGN_OR_RETURN(t.keep_alive, d.ReadBool());
  return t;
}

void SetValidator::Encode(codec::Encoder& e) const {
  e.WriteFixed(key);
  e.WriteU64(power);
}
Result<SetValidator> SetValidator::Decode(codec::Decoder& d) {
  SetValidator c;
  ASSIGN_OR_RETURN(c.key, d.ReadFixed<32>());
  ASSIGN_OR_RETURN(c.power, d.ReadU64());
  return c;
}

void ReportEquivocation::Encode(codec::Encoder& e) const {
  vote_a.Encode(e);
  vote_b.Encode(e);
}
Result<ReportEquivocation> ReportEquivocation::Decode(codec::Decoder& d) {
  ReportEquivocation c;
  ASSIGN_OR_RETURN(c.vote_a, Vote::Decode(d));
  ASSIGN_OR_RETURN(c.vote_b, Vote::Decode(d));
  return c;
}

}  // namespace calls

Result<Call> Call::Decode(codec::Decoder& d) {
  ASSIGN_OR_RETURN(CallVariant v, (DecodeRegistered<CallVariant>(d, kCallTable, "call")));
  return Call{std::move(v)};
}

}  // namespace phalanx::types
