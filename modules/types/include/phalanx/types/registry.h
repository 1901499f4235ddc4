// The one table of runtime module indices, and the machinery that encodes a variant of calls (or
// events) as (u8 module index, u8 item index, arguments). Call and event tables live beside their
// variants (call.h, event.h) and are checked here at compile time: one row per alternative, no
// duplicate (module, index) pairs.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "phalanx/base/result.h"
#include "phalanx/codec/codec.h"

namespace phalanx::types {

// Runtime module indices, fixed forever once a chain runs (they are in every transaction).
enum class ModuleIndex : uint8_t {
  kSystem = 0,
  kBalances = 1,
  kValidators = 2,
};

// One row of a call or event table.
struct RegistryEntry {
  ModuleIndex module;
  uint8_t index;          // call or event index within the module
  std::string_view name;  // "balances.transfer", "balances.Transfer"
};

template <size_t N>
constexpr bool RegistryIsUnique(const std::array<RegistryEntry, N>& table) {
  for (size_t i = 0; i < N; ++i) {
    for (size_t j = i + 1; j < N; ++j) {
      if (table[i].module == table[j].module && table[i].index == table[j].index) return false;
      if (table[i].name == table[j].name) return false;
    }
  }
  return true;
}

// Encodes alternative `v.index()` of a registry-backed variant as module, index, arguments.
template <typename V, size_t N>
void EncodeRegistered(codec::Encoder& e, const V& v, const std::array<RegistryEntry, N>& table) {
  static_assert(std::variant_size_v<V> == N, "one registry row per variant alternative");
  const RegistryEntry& entry = table[v.index()];
  e.WriteU8(static_cast<uint8_t>(entry.module));
  e.WriteU8(entry.index);
  std::visit([&e](const auto& alt) { alt.Encode(e); }, v);
}

// Reads module and index, finds the row, decodes that alternative. `what` is "call" or "event".
template <typename V, size_t N>
Result<V> DecodeRegistered(codec::Decoder& d, const std::array<RegistryEntry, N>& table,
                           std::string_view what) {
  static_assert(std::variant_size_v<V> == N, "one registry row per variant alternative");
  const size_t at = d.offset();
  ASSIGN_OR_RETURN(uint8_t module, d.ReadU8());
  ASSIGN_OR_RETURN(uint8_t index, d.ReadU8());
  for (size_t i = 0; i < N; ++i) {
    if (static_cast<uint8_t>(table[i].module) == module && table[i].index == index)
      return d.ReadAlternative<V>(i);
  }
  return d.Malformed(at, "unknown " + std::string(what) + " " + std::to_string(module) + "." +
                             std::to_string(index) + " (module index . " + std::string(what) +
                             " index)");
}

}  // namespace phalanx::types
