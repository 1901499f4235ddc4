// Named limits of the light client. Checkpoints and proofs come from an untrusted host, so each
// input is bounded before any work is done (header, certificate and validator-set decoders bound
// their own sizes: types/limits.h; proofs: state/limits.h).
#pragma once

#include <cstddef>

namespace phalanx::lightclient {

// Checkpoints in one Sync call. A host syncs a longer history in several calls; one call stays
// bounded in time (each checkpoint costs one certificate verification).
inline constexpr size_t kMaxCheckpointsPerSync = 4096;

}  // namespace phalanx::lightclient
