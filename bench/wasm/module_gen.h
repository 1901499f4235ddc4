// A seeded generator of valid WebAssembly modules for differential testing against another
// engine: integer and float arithmetic on i32/i64/f32/f64 (division, conversions, NaN-producing
// operations, sign extension, saturating truncation), locals, globals, blocks, loops, br_if,
// if/else, select, memory loads, stores, fill, copy and grow, and calls between functions. Emits
// the binary format directly. The same seed always gives the same bytes.
//
// Every exported function ("f0", "f1", ...) takes no parameters and returns one i32 or i64.
// A function whose value was a float returns its bits (i32/i64.reinterpret as the very last
// instruction), so a comparison sees exact bits; since wasm leaves the sign and payload of a NaN
// produced by arithmetic nondeterministic, NaN bits never flow anywhere else (no float stores, no
// reinterpret except at the end, copysign takes its sign from a constant), and a comparison of
// such results compares NaN-ness only (see SameResult).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "phalanx/base/bytes.h"

namespace phalanx::wasmbench {

enum class ResultKind : uint8_t { kI32, kI64, kF32Bits, kF64Bits };

struct GeneratedModule {
  Bytes wasm;
  std::vector<std::string> exports;  // in call order
  std::vector<ResultKind> kinds;     // per export
};

GeneratedModule GenerateModule(uint64_t seed);

// One call's outcome as text: "i32:<unsigned>", "i64:<unsigned>" or "trap".
// Whether `outcome` of an export of `kind` is the bits of a NaN (false for integer kinds).
bool IsNanResult(ResultKind kind, const std::string& outcome);
// Whether two outcomes of an export of `kind` agree: equal text, or for float bits both NaN.
bool SameResult(ResultKind kind, const std::string& a, const std::string& b);

}  // namespace phalanx::wasmbench
