// Test-only hooks: replace the pinned Intel SGX Root CA key, so tests can build complete chains
// (e.g. a CRL that revokes a PCK certificate) under their own CA; and stand in for the kernel
// behind configfs-tsm, so the tdx provider runs against a plain directory. Never use in a product.
#pragma once

#include <filesystem>
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

// What the kernel does behind configfs-tsm and a plain directory does not: create a report entry's
// attribute files on mkdir (provider, generation, inblob, outblob), produce outblob and bump
// generation when inblob is written, and let rmdir remove the entry with its attributes.
class FakeTsmKernel {
 public:
  virtual ~FakeTsmKernel() = default;
  virtual void EntryCreated(const std::filesystem::path& entry) = 0;
  virtual void InblobWritten(const std::filesystem::path& entry) = 0;
  virtual void EntryRemoving(const std::filesystem::path& entry) = 0;
};

// While alive, the tdx provider calls `kernel` at those three points.
class ScopedFakeTsmKernel {
 public:
  explicit ScopedFakeTsmKernel(FakeTsmKernel* kernel);
  ~ScopedFakeTsmKernel();
  ScopedFakeTsmKernel(const ScopedFakeTsmKernel&) = delete;
  ScopedFakeTsmKernel& operator=(const ScopedFakeTsmKernel&) = delete;

 private:
  FakeTsmKernel* previous_;
};

}  // namespace phalanx::tee::testing
