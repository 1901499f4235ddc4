// Runtime parameters: one table, set at genesis, stored in state (key "sys/params") so that
// governance can change them later. Every amount is in base units (1 PHX = 10^12).
#pragma once

#include <nlohmann/json.hpp>

#include "phalanx/base/result.h"
#include "phalanx/codec/decoder.h"
#include "phalanx/codec/encoder.h"
#include "phalanx/types/amount.h"

namespace phalanx::runtime {

using types::Balance;

struct Params {
  // An account whose total balance falls below this is removed (its dust is burned).
  Balance existential_deposit = 10'000'000'000;  // 0.01 PHX
  // Fee = base_fee + fee_per_byte * encoded_length + fee_per_weight * call_weight (+ tip).
  Balance base_fee = 1'000'000'000;  // 0.001 PHX
  Balance fee_per_byte = 1'000'000;  // 0.000001 PHX
  Balance fee_per_weight = 1'000;
  // Share of each fee (tips included) paid to the treasury; the rest is burned.
  uint32_t treasury_percent = 20;
  // Block limits.
  uint64_t max_block_weight = 20'000'000'000;
  uint32_t max_block_transactions = 50'000;
  uint64_t max_block_bytes = 16 * 1024 * 1024;
  // How far ahead of an account's nonce the mempool keeps future transactions.
  uint32_t max_future_nonces = 64;

  void Encode(codec::Encoder& e) const;
  static Result<Params> Decode(codec::Decoder& d);
  nlohmann::json ToJson() const;
  // Missing fields keep their defaults; unknown fields and bad values are errors.
  static Result<Params> FromJson(const nlohmann::json& j);
  Status Validate() const;
};

}  // namespace phalanx::runtime
