// Bit-exact, host-independent semantics of the numeric instructions that C++ does not give
// directly: NaN canonicalization, min/max, float-to-int truncation (trapping and saturating).
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace phalanx::vm::internal {

inline constexpr uint32_t kCanonicalNanF32 = 0x7FC00000u;
inline constexpr uint64_t kCanonicalNanF64 = 0x7FF8000000000000ull;

// Every float-producing arithmetic result goes through these: a NaN result becomes the positive
// canonical NaN, so results never depend on the host's NaN propagation rules.
inline uint64_t CanonF32(float x) {
  return std::isnan(x) ? kCanonicalNanF32 : std::bit_cast<uint32_t>(x);
}
inline uint64_t CanonF64(double x) {
  return std::isnan(x) ? kCanonicalNanF64 : std::bit_cast<uint64_t>(x);
}

template <typename T>
T WasmMin(T a, T b) {
  if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<T>::quiet_NaN();
  if (a == b) return std::signbit(a) ? a : b;  // min(-0, +0) = -0
  return a < b ? a : b;
}
template <typename T>
T WasmMax(T a, T b) {
  if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<T>::quiet_NaN();
  if (a == b) return std::signbit(a) ? b : a;  // max(-0, +0) = +0
  return a > b ? a : b;
}

enum class TruncResult { kOk, kNaN, kOverflow };

// Exact range checks done in double (every f32 is exactly a double; the bounds are exact).
template <typename Int, typename Float>
TruncResult TruncChecked(Float x, Int* out) {
  if (std::isnan(x)) return TruncResult::kNaN;
  const double d = static_cast<double>(x);
  if constexpr (std::is_same_v<Int, int32_t>) {
    if (!(d > -2147483649.0 && d < 2147483648.0)) return TruncResult::kOverflow;
  } else if constexpr (std::is_same_v<Int, uint32_t>) {
    if (!(d > -1.0 && d < 4294967296.0)) return TruncResult::kOverflow;
  } else if constexpr (std::is_same_v<Int, int64_t>) {
    if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) return TruncResult::kOverflow;
  } else {
    if (!(d > -1.0 && d < 18446744073709551616.0)) return TruncResult::kOverflow;
  }
  *out = static_cast<Int>(x);
  return TruncResult::kOk;
}

template <typename Int, typename Float>
Int TruncSat(Float x) {
  Int v;
  switch (TruncChecked<Int>(x, &v)) {
    case TruncResult::kOk:
      return v;
    case TruncResult::kNaN:
      return 0;
    case TruncResult::kOverflow:
      return x < 0 ? std::numeric_limits<Int>::min() : std::numeric_limits<Int>::max();
  }
  return 0;
}

}  // namespace phalanx::vm::internal
