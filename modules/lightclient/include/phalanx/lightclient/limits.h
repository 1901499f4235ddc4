// Named limits of the light client. Checkpoints and proofs come from an untrusted host, so each
// input is bounded before any work is done (header, certificate and validator-set decoders bound
// their own sizes: types/limits.h; proofs: state/limits.h).
#pragma once

#include <cstddef>

namespace phalanx::lightclient {

// Checkpoints in one Sync call. A host syncs a longer history in several calls; one call stays
// bounded in time (each checkpoint costs one certificate verification).
inline constexpr size_t kMaxCheckpointsPerSync = 4096;
// Encoded size of one list of checkpoints (DecodeCheckpoints), checked before decoding. With
// small validator sets a checkpoint is well under 1 KiB; with 1,000 validators about 110 KiB.
inline constexpr size_t kMaxCheckpointsBytes = size_t{64} << 20;

}  // namespace phalanx::lightclient
