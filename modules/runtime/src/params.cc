// Runtime parameters: encoding, JSON and validation.
#include "phalanx/runtime/params.h"

namespace phalanx::runtime {

using nlohmann::json;

void Params::Encode(codec::Encoder& e) const {
  e.WriteU128(existential_deposit);
  e.WriteU128(base_fee);
  e.WriteU128(fee_per_byte);
  e.WriteU128(fee_per_weight);
  e.WriteU32(treasury_percent);
  e.WriteU64(max_block_weight);
  e.WriteU32(max_block_transactions);
  e.WriteU64(max_block_bytes);
  e.WriteU32(max_future_nonces);
}

Result<Params> Params::Decode(codec::Decoder& d) {
  Params p;
  ASSIGN_OR_RETURN(p.existential_deposit, d.ReadU128());
  ASSIGN_OR_RETURN(p.base_fee, d.ReadU128());
  ASSIGN_OR_RETURN(p.fee_per_byte, d.ReadU128());
  ASSIGN_OR_RETURN(p.fee_per_weight, d.ReadU128());
  ASSIGN_OR_RETURN(p.treasury_percent, d.ReadU32());
  ASSIGN_OR_RETURN(p.max_block_weight, d.ReadU64());
  ASSIGN_OR_RETURN(p.max_block_transactions, d.ReadU32());
  ASSIGN_OR_RETURN(p.max_block_bytes, d.ReadU64());
  ASSIGN_OR_RETURN(p.max_future_nonces, d.ReadU32());
  return p;
}

json Params::ToJson() const {
  return json{{"existential_deposit", types::U128ToString(existential_deposit)},
              {"base_fee", types::U128ToString(base_fee)},
              {"fee_per_byte", types::U128ToString(fee_per_byte)},
              {"fee_per_weight", types::U128ToString(fee_per_weight)},
              {"treasury_percent", treasury_percent},
              {"max_block_weight", max_block_weight},
              {"max_block_transactions", max_block_transactions},
              {"max_block_bytes", max_block_bytes},
              {"max_future_nonces", max_future_nonces}};
}

namespace {
Status ReadBalance(const json& j, const std::string& key, Balance& out) {
  if (!j[key].is_string())
    return InvalidArgument("params." + key + " must be a decimal string of base units");
  auto v = types::ParseU128(j[key].get<std::string>());
  if (!v.ok()) return InvalidArgument("params." + key + ": " + std::string(v.status().message()));
  out = *v;
  return Status::Ok();
}

template <typename U>
Status ReadUnsigned(const json& j, const std::string& key, U& out) {
  if (!j[key].is_number_unsigned() || j[key].get<uint64_t>() > std::numeric_limits<U>::max())
    return InvalidArgument("params." + key + " must be an unsigned integer that fits " +
                           std::to_string(sizeof(U) * 8) + " bits");
  out = static_cast<U>(j[key].get<uint64_t>());
  return Status::Ok();
}
}  // namespace

Result<Params> Params::FromJson(const json& j) {
  if (!j.is_object()) return InvalidArgument("params must be a JSON object");
  Params p;
  for (const auto& [key, _] : j.items()) {
    Status st;
    if (key == "existential_deposit")
      st = ReadBalance(j, key, p.existential_deposit);
    else if (key == "base_fee")
      st = ReadBalance(j, key, p.base_fee);
    else if (key == "fee_per_byte")
      st = ReadBalance(j, key, p.fee_per_byte);
    else if (key == "fee_per_weight")
      st = ReadBalance(j, key, p.fee_per_weight);
    else if (key == "treasury_percent")
      st = ReadUnsigned(j, key, p.treasury_percent);
    else if (key == "max_block_weight")
      st = ReadUnsigned(j, key, p.max_block_weight);
    else if (key == "max_block_transactions")
      st = ReadUnsigned(j, key, p.max_block_transactions);
    else if (key == "max_block_bytes")
      st = ReadUnsigned(j, key, p.max_block_bytes);
    else if (key == "max_future_nonces")
      st = ReadUnsigned(j, key, p.max_future_nonces);
    else
      st = InvalidArgument("unknown parameter \"" + key + "\"");
    RETURN_IF_ERROR(st);
  }
  RETURN_IF_ERROR(p.Validate());
  return p;
}

Status Params::Validate() const {
  if (treasury_percent > 100) return InvalidArgument("params.treasury_percent must be 0..100");
  if (existential_deposit == 0) return InvalidArgument("params.existential_deposit must be > 0");
  if (max_block_transactions == 0 || max_block_weight == 0 || max_block_bytes == 0)
    return InvalidArgument("params: block limits must be > 0");
  // Fees are computed in u128 from u64 sizes and weights; keep the factors far from overflow.
  constexpr Balance kMaxFactor = Balance{1} << 60;
  if (base_fee > kMaxFactor || fee_per_byte > kMaxFactor || fee_per_weight > kMaxFactor)
    return InvalidArgument("params: fee factors must be below 2^60 base units");
  return Status::Ok();
}

}  // namespace phalanx::runtime
