// Test-only hook: replaces the pinned Intel SGX Root CA key, so tests can build complete chains
// (e.g. a CRL that revokes a PCK certificate) under their own CA. Never call this in a product.
#pragma once

#include <optional>

#include "phalanx/base/bytes.h"

namespace phalanx::tee::testing {

// While alive, chains must end at `root_key` (P-256 x||y) instead of the Intel SGX Root CA.
class ScopedPinnedRootOverride {
 public:
  explicit ScopedPinnedRootOverride(const FixedBytes<64>& root_key);
  ~ScopedPinnedRootOverride();
  ScopedPinnedRootOverride(const ScopedPinnedRootOverride&) = delete;
  ScopedPinnedRootOverride& operator=(const ScopedPinnedRootOverride&) = delete;

 private:
  std::optional<FixedBytes<64>> previous_;
};

}  // namespace phalanx::tee::testing
