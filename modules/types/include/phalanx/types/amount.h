// Amounts as people write them ("12.5 PHX") and u128 as JSON carries it (decimal strings of base
// units, because JSON numbers lose precision above 2^53).
#pragma once

#include <string>
#include <string_view>

#include "phalanx/base/result.h"
#include "phalanx/types/primitives.h"

namespace phalanx::types {

// Accepts "1.5 PHX", "1.5PHX", "1.5" (PHX implied), "0.000000000001 PHX", and "1500 units" /
// "1500units" (base units, whole numbers only). Unit words are case-insensitive; surrounding
// spaces are ignored. Rejects more than 12 decimals, negatives, overflow, empty and anything else
// with a message that shows the expected format.
Result<Balance> ParseAmount(std::string_view text);

// "1.5 PHX", "0 PHX", "0.000000000001 PHX": no trailing zeros, no thousands separators.
std::string FormatAmount(Balance amount);

// Decimal digits of a u128 ("0", "340282366920938463463374607431768211455").
std::string U128ToString(Balance value);
// Inverse of U128ToString: one or more decimal digits only (no sign, spaces or exponent).
Result<Balance> ParseU128(std::string_view text);

}  // namespace phalanx::types
