// The chain's primitive value types: accounts, balances, the PHX unit.
#pragma once

#include <cstdint>

#include "phalanx/base/bytes.h"
#include "phalanx/crypto/ed25519.h"

namespace phalanx::types {

// An account is an ed25519 public key; shown to people as an SS58 address (address.h).
using AccountId = crypto::PublicKey;
// Balances and amounts in base units; 1 PHX = kUnitsPerPhx units.
using Balance = unsigned __int128;

inline constexpr unsigned kPhxDecimals = 12;
inline constexpr Balance kUnitsPerPhx = 1'000'000'000'000;  // 10^kPhxDecimals
inline constexpr Balance kMaxBalance = ~Balance{0};

}  // namespace phalanx::types
