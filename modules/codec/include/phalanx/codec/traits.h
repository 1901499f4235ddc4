// Compile-time classification of the types the codec knows how to encode, shared by Encoder and
// Decoder so both dispatch identically (the encoding of T is fixed by its C++ type).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "phalanx/base/bytes.h"

namespace phalanx::codec {

using U128 = unsigned __int128;

template <typename T>
struct IsFixedBytes : std::false_type {};
template <size_t N>
struct IsFixedBytes<FixedBytes<N>> : std::true_type {};

template <typename T>
struct IsVector : std::false_type {};
template <typename E, typename A>
struct IsVector<std::vector<E, A>> : std::true_type {};

template <typename T>
struct IsOptional : std::false_type {};
template <typename E>
struct IsOptional<std::optional<E>> : std::true_type {};

template <typename T>
struct IsVariant : std::false_type {};
template <typename... Ts>
struct IsVariant<std::variant<Ts...>> : std::true_type {};

// Fixed-width integers the codec encodes little-endian. bool is separate (strict 0/1).
template <typename T>
inline constexpr bool kIsFixedInt =
    std::is_same_v<T, uint8_t> || std::is_same_v<T, uint16_t> || std::is_same_v<T, uint32_t> ||
    std::is_same_v<T, uint64_t> || std::is_same_v<T, U128> || std::is_same_v<T, int32_t> ||
    std::is_same_v<T, int64_t>;

// The smallest number of bytes any encoding of T occupies. Decoders use it to reject a vector
// whose length prefix cannot possibly fit in the remaining input, before allocating. A struct may
// declare `static constexpr size_t kMinEncodedBytes`; otherwise 0 (no early rejection).
template <typename T>
constexpr size_t MinEncodedBytes() {
  if constexpr (std::is_same_v<T, bool>) {
    return 1;
  } else if constexpr (kIsFixedInt<T>) {
    return sizeof(T);
  } else if constexpr (IsFixedBytes<T>::value) {
    return T::size();
  } else if constexpr (IsVector<T>::value || IsOptional<T>::value || IsVariant<T>::value ||
                       std::is_same_v<T, std::string>) {
    return 1;
  } else if constexpr (requires { T::kMinEncodedBytes; }) {
    return T::kMinEncodedBytes;
  } else {
    return 0;
  }
}

}  // namespace phalanx::codec
