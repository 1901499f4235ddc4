// The process clock.
#include "phalanx/base/clock.h"

#include <chrono>

namespace phalanx {
namespace {
class StdClock final : public Clock {
 public:
  uint64_t NowUnixMs() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }
  uint64_t MonotonicMs() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
  }
};
}  // namespace

const Clock& SystemClock() {
  static const StdClock clock;
  return clock;
}

}  // namespace phalanx
