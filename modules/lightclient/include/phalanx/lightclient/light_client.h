// The light client: verifies a header chain from the genesis validator set by commit certificates,
// following validator-set changes, and verifies state proofs against the latest verified header.
//
// Trust model. Header h commits validators_hash = S(h) (the set whose certificate finalizes h)
// and next_validators_hash = S(h+1). The client holds one verified header and S(h+1). A
// checkpoint at a later height k is accepted if S(k) is the set the client holds and >2/3 of it
// signed the header's commit certificate. So the client needs certificates only where the set
// changes (header j with next_validators_hash != validators_hash, supplied with S(j+1)) and at
// the target: a supplier that leaves out a change is caught because the next checkpoint names a
// set the client does not hold. Between adjacent heights the parent hash is checked as well.
//
// Pure: no I/O, threads or clock (certificate signatures are checked by types::VerifyCommit).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "phalanx/base/bytes.h"
#include "phalanx/base/result.h"
#include "phalanx/base/status.h"
#include "phalanx/codec/codec.h"
#include "phalanx/state/proof.h"
#include "phalanx/types/consensus_types.h"
#include "phalanx/types/header.h"

namespace phalanx::lightclient {

enum class ErrorCode {
  kOk = 0,
  kHeightNotIncreasing,       // a checkpoint at or below the verified height
  kHeightGap,                 // Advance() given a header that is not the next height
  kWrongParentHash,           // adjacent header whose parent_hash is not the verified header
  kValidatorsHashMismatch,    // adjacent header committed by a set other than the one expected
  kMissedValidatorChange,     // a skipped-to header names another set: a change was left out
  kCertificateMismatch,       // certificate for another height or block than the header
  kBadCertificate,            // VerifyCommit failed: quorum, indices or a signature (named)
  kMissingValidatorSet,       // header changes the set but the new set was not supplied
  kValidatorSetHashMismatch,  // supplied set does not hash to next_validators_hash
  kTooManyCheckpoints,        // more than kMaxCheckpointsPerSync in one Sync
  kBadProof,                  // proof malformed, or does not lead to the verified state root
};

// "wrong_parent_hash", ...
std::string_view ErrorCodeName(ErrorCode code);

// The outcome of a verification: ok, or a code to branch on and a message saying what failed.
class [[nodiscard]] Verdict {
 public:
  static Verdict Ok() { return Verdict(); }
  Verdict(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // For callers that speak Status: forged or inconsistent data is kPermissionDenied, input
  // over a limit kLimitExceeded, malformed input kInvalidArgument.
  Status ToStatus() const;

 private:
  Verdict() = default;
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

// One step of a sync: a header, its commit certificate, and the set for the next height when
// this header changes it (next_validators_hash != validators_hash).
// Encoding (as the host hands it to the enclave): header, certificate, option(validator set).
struct Checkpoint {
  types::Header header;
  types::CommitCertificate certificate;
  std::optional<types::ValidatorSet> next_validators;

  void Encode(codec::Encoder& e) const;
  static Result<Checkpoint> Decode(codec::Decoder& d);
  bool operator==(const Checkpoint&) const = default;
  static constexpr size_t kMinEncodedBytes = types::Header::kEncodedBytes + 8 + 4 + 32 + 1 + 1;
};

// A list of checkpoints: compact count (at most kMaxCheckpointsPerSync), then each. Input over
// kMaxCheckpointsBytes is rejected before decoding; trailing bytes are an error.
Bytes EncodeCheckpoints(std::span<const Checkpoint> checkpoints);
Result<std::vector<Checkpoint>> DecodeCheckpoints(ByteView bytes);

class LightClient {
 public:
  // Starts from the chain's genesis header (trusted, e.g. its hash is in the worker's
  // configuration) and the genesis validator set, which must hash to its validators_hash and
  // next_validators_hash.
  // Errors: kInvalidArgument naming the mismatch.
  static Result<LightClient> FromGenesis(const types::Header& genesis,
                                         const types::ValidatorSet& validators);
  // Resumes from a state verified earlier (e.g. sealed by the enclave): a header, the set for
  // the next height (must hash to its next_validators_hash) and the chain's genesis hash.
  static Result<LightClient> FromTrusted(const types::Header& header,
                                         const types::ValidatorSet& next,
                                         const Hash32& genesis_hash);

  // Verifies the header at the next height (parent hash, set, certificate) and moves to it.
  Verdict Advance(const Checkpoint& next);
  // Verifies checkpoints in increasing height: every header that changes the validator set
  // after the verified height, then the target (the last one). Adjacent checkpoints are also
  // checked for their parent hash, so a full list of headers is a sequential sync. On failure
  // the client keeps the last checkpoint that verified; `verified` (if given) counts them.
  Verdict Sync(std::span<const Checkpoint> checkpoints, size_t* verified = nullptr);

  // Checks that in the state after the verified header, `key` holds `value` (nullopt: is
  // absent).
  Verdict VerifyState(ByteView key, const std::optional<ByteView>& value,
                      const state::Proof& proof) const;
  // The same with the proof as received (decoded with the state proof limits).
  Verdict VerifyState(ByteView key, const std::optional<ByteView>& value,
                      ByteView proof_bytes) const;

  const types::Header& header() const { return header_; }
  const Hash32& header_hash() const { return header_hash_; }
  uint64_t height() const { return header_.height; }
  // The set that commits the next height.
  const types::ValidatorSet& next_validators() const { return next_validators_; }
  const Hash32& genesis_hash() const { return genesis_hash_; }

 private:
  LightClient(types::Header header, types::ValidatorSet next, const Hash32& genesis_hash);
  // Verifies `c` as a successor of the current header (adjacent or skipped to) without moving.
  Verdict Check(const Checkpoint& c) const;
  void MoveTo(const Checkpoint& c);

  types::Header header_;
  Hash32 header_hash_;
  types::ValidatorSet next_validators_;  // hash == header_.next_validators_hash
  Hash32 genesis_hash_;
};

// Checks a state proof against a state root that the caller verified (e.g. a header's
// state_root): kBadProof naming what is wrong otherwise.
Verdict VerifyStateProof(const Hash32& state_root, ByteView key,
                         const std::optional<ByteView>& value, const state::Proof& proof);

}  // namespace phalanx::lightclient
