// Internal: libsodium must be initialised once before use (it picks CPU-specific implementations
// and opens the random source). Every public entry point calls EnsureSodium().
#pragma once

namespace phalanx::crypto::internal {

// Thread-safe and cheap after the first call (a function-local static).
void EnsureSodium();

}  // namespace phalanx::crypto::internal
