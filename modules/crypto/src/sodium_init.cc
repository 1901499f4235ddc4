// One-time libsodium initialisation.
#include "sodium_init.h"

#include <sodium.h>

#include "phalanx/base/check.h"

namespace phalanx::crypto::internal {

void EnsureSodium() {
  // sodium_init returns 0 on success, 1 if already initialised, -1 if it cannot run at all (no
  // random source): then nothing in this module can work, which is not recoverable.
  static const int kInitResult = sodium_init();
  PHX_CHECK(kInitResult >= 0, "libsodium failed to initialise (no usable random source?)");
}

}  // namespace phalanx::crypto::internal
