// Clock and randomness *interfaces*. Deterministic modules (runtime, vm, state, consensus, codec)
// take time and randomness as arguments; only the node wires in the system implementations.
#pragma once

#include <cstdint>

namespace phalanx {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock milliseconds since the Unix epoch.
  virtual uint64_t NowUnixMs() const = 0;
  // Monotonic milliseconds from an arbitrary origin.
  virtual uint64_t MonotonicMs() const = 0;
};

// The process clock (std::chrono). Lives in base because it is trivial; deterministic modules
// must not use it.
const Clock& SystemClock();

}  // namespace phalanx
