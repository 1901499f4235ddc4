// SS58 addresses (Substrate's account format) with network prefix 42:
//   base58(prefix || account || checksum), checksum = first 2 bytes of
//   BLAKE2b-512("SS58PRE" || prefix || account).
#pragma once

#include <string>
#include <string_view>

#include "phalanx/base/result.h"
#include "phalanx/types/primitives.h"

namespace phalanx::types {

inline constexpr uint8_t kSs58Prefix = 42;

std::string ToSs58(const AccountId& account);

// Parses an SS58 address with prefix 42. Errors (kInvalidArgument) say what is wrong: a character
// outside the base58 alphabet and its position, a wrong length, a wrong network prefix, or a bad
// checksum (a typo).
Result<AccountId> FromSs58(std::string_view address);

// Accepts either an SS58 address or a 0x-prefixed 32-byte hex public key (handy for RPC and CLI).
Result<AccountId> ParseAccountId(std::string_view text);

}  // namespace phalanx::types
