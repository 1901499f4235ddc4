// Header-chain verification by commit certificates, skipping to validator-set changes, and state
// proofs against the verified state root.
#include "phalanx/lightclient/light_client.h"

#include "phalanx/lightclient/limits.h"

namespace phalanx::lightclient {
namespace {

std::string Num(uint64_t v) { return std::to_string(v); }
std::string At(const types::Header& h) { return "header " + Num(h.height); }

}  // namespace

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return "ok";
    case ErrorCode::kHeightNotIncreasing:
      return "height_not_increasing";
    case ErrorCode::kHeightGap:
      return "height_gap";
    case ErrorCode::kWrongParentHash:
      return "wrong_parent_hash";
    case ErrorCode::kValidatorsHashMismatch:
      return "validators_hash_mismatch";
    case ErrorCode::kMissedValidatorChange:
      return "missed_validator_change";
    case ErrorCode::kCertificateMismatch:
      return "certificate_mismatch";
    case ErrorCode::kBadCertificate:
      return "bad_certificate";
    case ErrorCode::kMissingValidatorSet:
      return "missing_validator_set";
    case ErrorCode::kValidatorSetHashMismatch:
      return "validator_set_hash_mismatch";
    case ErrorCode::kTooManyCheckpoints:
      return "too_many_checkpoints";
    case ErrorCode::kBadProof:
      return "bad_proof";
  }
  return "unknown";
}

Status Verdict::ToStatus() const {
  std::string m = std::string(ErrorCodeName(code_)) + ": " + message_;
  switch (code_) {
    case ErrorCode::kOk:
      return Status::Ok();
    case ErrorCode::kTooManyCheckpoints:
      return LimitExceeded(std::move(m));
    case ErrorCode::kHeightNotIncreasing:
    case ErrorCode::kHeightGap:
    case ErrorCode::kMissingValidatorSet:
      return InvalidArgument(std::move(m));
    default:
      return PermissionDenied(std::move(m));
  }
}

void Checkpoint::Encode(codec::Encoder& e) const {
  header.Encode(e);
  certificate.Encode(e);
  e.WriteOptional(next_validators);
}

Result<Checkpoint> Checkpoint::Decode(codec::Decoder& d) {
  Checkpoint c;
  ASSIGN_OR_RETURN(c.header, d.Read<types::Header>());
  ASSIGN_OR_RETURN(c.certificate, d.Read<types::CommitCertificate>());
  ASSIGN_OR_RETURN(c.next_validators, d.ReadOptional<types::ValidatorSet>());
  return c;
}

Bytes EncodeCheckpoints(std::span<const Checkpoint> checkpoints) {
  codec::Encoder e(checkpoints.size() * 512);
  e.WriteCompact(checkpoints.size());
  for (const Checkpoint& c : checkpoints) c.Encode(e);
  return e.Take();
}

Result<std::vector<Checkpoint>> DecodeCheckpoints(ByteView bytes) {
  if (bytes.size() > kMaxCheckpointsBytes)
    return LimitExceeded("checkpoint list of " + Num(bytes.size()) +
                         " bytes exceeds kMaxCheckpointsBytes (" + Num(kMaxCheckpointsBytes) + ")");
  codec::Decoder d(bytes);
  ASSIGN_OR_RETURN(std::vector<Checkpoint> list, d.ReadVector<Checkpoint>(kMaxCheckpointsPerSync));
  RETURN_IF_ERROR(d.ExpectEnd());
  return list;
}

LightClient::LightClient(types::Header header, types::ValidatorSet next, const Hash32& genesis_hash)
    : header_(std::move(header)),
      header_hash_(header_.Hash()),
      next_validators_(std::move(next)),
      genesis_hash_(genesis_hash) {}

Result<LightClient> LightClient::FromGenesis(const types::Header& genesis,
                                             const types::ValidatorSet& validators) {
  if (genesis.height != 0)
    return InvalidArgument("the genesis header must be at height 0, not " + Num(genesis.height));
  RETURN_IF_ERROR(validators.Validate().WithContext("genesis validator set"));
  const Hash32 set_hash = validators.Hash();
  if (genesis.validators_hash != set_hash)
    return InvalidArgument("genesis validator set hashes to " + ToHex0x(set_hash) +
                           " but the genesis header commits validators_hash " +
                           ToHex0x(genesis.validators_hash));
  return FromTrusted(genesis, validators, genesis.Hash());
}

Result<LightClient> LightClient::FromTrusted(const types::Header& header,
                                             const types::ValidatorSet& next,
                                             const Hash32& genesis_hash) {
  RETURN_IF_ERROR(next.Validate().WithContext("trusted next validator set"));
  const Hash32 set_hash = next.Hash();
  if (header.next_validators_hash != set_hash)
    return InvalidArgument("the validator set for height " + Num(header.height + 1) +
                           " hashes to " + ToHex0x(set_hash) + " but " + At(header) +
                           " commits next_validators_hash " + ToHex0x(header.next_validators_hash));
  return LightClient(header, next, genesis_hash);
}

Verdict LightClient::Check(const Checkpoint& c) const {
  const types::Header& h = c.header;
  if (h.height <= header_.height)
    return {ErrorCode::kHeightNotIncreasing,
            At(h) + " is not above the verified height " + Num(header_.height)};
  const bool adjacent = h.height == header_.height + 1;
  if (adjacent && h.parent_hash != header_hash_)
    return {ErrorCode::kWrongParentHash, At(h) + " has parent_hash " + ToHex0x(h.parent_hash) +
                                             " but the verified header " + Num(header_.height) +
                                             " is " + ToHex0x(header_hash_)};
  if (h.validators_hash != header_.next_validators_hash) {
    if (adjacent)
      return {ErrorCode::kValidatorsHashMismatch,
              At(h) + " names validators_hash " + ToHex0x(h.validators_hash) + " but header " +
                  Num(header_.height) + " committed " + ToHex0x(header_.next_validators_hash) +
                  " for it"};
    return {ErrorCode::kMissedValidatorChange,
            At(h) + " is committed by validator set " + ToHex0x(h.validators_hash) +
                ", not the set " + ToHex0x(header_.next_validators_hash) + " of height " +
                Num(header_.height + 1) + ": a validator-set change between heights " +
                Num(header_.height + 1) + " and " + Num(h.height - 1) +
                " is missing from the checkpoints"};
  }
  const Hash32 hash = h.Hash();
  if (c.certificate.height != h.height || c.certificate.block_hash != hash)
    return {ErrorCode::kCertificateMismatch,
            "the certificate for " + At(h) + " is for height " + Num(c.certificate.height) +
                " block " + ToHex0x(c.certificate.block_hash) + ", not block " + ToHex0x(hash)};
  if (Status st = types::VerifyCommit(c.certificate, next_validators_, genesis_hash_); !st.ok())
    return {ErrorCode::kBadCertificate, std::string(st.message())};
  if (c.next_validators) {
    const Hash32 next_hash = c.next_validators->Hash();
    if (next_hash != h.next_validators_hash)
      return {ErrorCode::kValidatorSetHashMismatch,
              "the validator set supplied with " + At(h) + " hashes to " + ToHex0x(next_hash) +
                  " but the header commits next_validators_hash " +
                  ToHex0x(h.next_validators_hash)};
    // Decoded sets are validated already; a set built in memory may not be.
    if (Status st = c.next_validators->Validate(); !st.ok())
      return {
          ErrorCode::kValidatorSetHashMismatch,
          "the validator set supplied with " + At(h) + " is invalid: " + std::string(st.message())};
  } else if (h.next_validators_hash != h.validators_hash) {
    return {ErrorCode::kMissingValidatorSet,
            At(h) + " changes the validator set for height " + Num(h.height + 1) + " (to " +
                ToHex0x(h.next_validators_hash) + ") but the new set was not supplied"};
  }
  return Verdict::Ok();
}

void LightClient::MoveTo(const Checkpoint& c) {
  header_ = c.header;
  header_hash_ = c.certificate.block_hash;  // checked equal to header_.Hash()
  if (c.next_validators) next_validators_ = *c.next_validators;
}

Verdict LightClient::Advance(const Checkpoint& next) {
  if (next.header.height != header_.height + 1)
    return {ErrorCode::kHeightGap, At(next.header) + " does not follow the verified header " +
                                       Num(header_.height) + " (expected height " +
                                       Num(header_.height + 1) + ")"};
  Verdict v = Check(next);
  if (v.ok()) MoveTo(next);
  return v;
}

Verdict LightClient::Sync(std::span<const Checkpoint> checkpoints, size_t* verified) {
  if (verified) *verified = 0;
  if (checkpoints.size() > kMaxCheckpointsPerSync)
    return {ErrorCode::kTooManyCheckpoints, Num(checkpoints.size()) +
                                                " checkpoints in one sync; the limit is "
                                                "kMaxCheckpointsPerSync (" +
                                                Num(kMaxCheckpointsPerSync) +
                                                "): sync in several calls"};
  for (size_t i = 0; i < checkpoints.size(); ++i) {
    Verdict v = Check(checkpoints[i]);
    if (!v.ok()) return {v.code(), "checkpoint " + Num(i) + ": " + v.message()};
    MoveTo(checkpoints[i]);
    if (verified) *verified = i + 1;
  }
  return Verdict::Ok();
}

Verdict VerifyStateProof(const Hash32& state_root, ByteView key,
                         const std::optional<ByteView>& value, const state::Proof& proof) {
  Status st = state::VerifyProof(state_root, key, value, proof);
  if (st.ok()) return Verdict::Ok();
  return {ErrorCode::kBadProof, std::string(value ? "inclusion" : "non-inclusion") +
                                    " proof for key " + ToHex0x(key) + " against state root " +
                                    ToHex0x(state_root) + ": " + std::string(st.message())};
}

Verdict LightClient::VerifyState(ByteView key, const std::optional<ByteView>& value,
                                 const state::Proof& proof) const {
  return VerifyStateProof(header_.state_root, key, value, proof);
}

Verdict LightClient::VerifyState(ByteView key, const std::optional<ByteView>& value,
                                 ByteView proof_bytes) const {
  Result<state::Proof> proof = state::Proof::Decode(proof_bytes);
  if (!proof.ok())
    return {ErrorCode::kBadProof, "state proof for key " + ToHex0x(key) +
                                      " does not decode: " + std::string(proof.status().message())};
  return VerifyState(key, value, *proof);
}

}  // namespace phalanx::lightclient
