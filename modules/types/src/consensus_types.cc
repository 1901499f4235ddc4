// Votes, validator sets, commit certificates and commit verification.
#include "phalanx/types/consensus_types.h"

#include <algorithm>

#include "phalanx/crypto/hash.h"
#include "phalanx/types/address.h"
#include "phalanx/types/limits.h"

namespace phalanx::types {
namespace {

constexpr std::string_view kVoteDomain = "phalanx/vote/v1";

std::string Num(uint64_t v) { return std::to_string(v); }

}  // namespace

Hash32 VoteSigningHash(VoteType type, uint64_t height, uint32_t round, const Hash32& block_hash,
                       const Hash32& genesis_hash) {
  codec::Encoder e(kVoteDomain.size() + 32 + 1 + 8 + 4 + 32);
  e.WriteRaw(AsBytes(kVoteDomain));
  e.WriteFixed(genesis_hash);
  e.WriteU8(static_cast<uint8_t>(type));
  e.WriteU64(height);
  e.WriteU32(round);
  e.WriteFixed(block_hash);
  return crypto::Blake2b256(e.view());
}

void Vote::Encode(codec::Encoder& e) const {
  e.WriteU8(static_cast<uint8_t>(type));
  e.WriteU64(height);
  e.WriteU32(round);
  e.WriteFixed(block_hash);
  e.WriteU32(validator_index);
  e.WriteFixed(signature);
}

Result<Vote> Vote::Decode(codec::Decoder& d) {
  Vote v;
  const size_t at = d.offset();
  ASSIGN_OR_RETURN(uint8_t type, d.ReadU8());
  if (type != static_cast<uint8_t>(VoteType::kPrevote) &&
      type != static_cast<uint8_t>(VoteType::kPrecommit)) {
    return d.Malformed(
        at, "unknown vote type " + Num(type) + " (expected 1 = prevote or 2 = precommit)");
  }
  v.type = static_cast<VoteType>(type);
  ASSIGN_OR_RETURN(v.height, d.ReadU64());
  ASSIGN_OR_RETURN(v.round, d.ReadU32());
  ASSIGN_OR_RETURN(v.block_hash, d.ReadFixed<32>());
  ASSIGN_OR_RETURN(v.validator_index, d.ReadU32());
  ASSIGN_OR_RETURN(v.signature, d.ReadFixed<64>());
  return v;
}

Vote SignVote(Vote vote, const crypto::SigningKey& key, const Hash32& genesis_hash) {
  vote.signature = key.Sign(vote.SigningHash(genesis_hash).view());
  return vote;
}

void ValidatorInfo::Encode(codec::Encoder& e) const {
  e.WriteFixed(public_key);
  e.WriteU64(power);
}

Result<ValidatorInfo> ValidatorInfo::Decode(codec::Decoder& d) {
  ValidatorInfo v;
  ASSIGN_OR_RETURN(v.public_key, d.ReadFixed<32>());
  ASSIGN_OR_RETURN(v.power, d.ReadU64());
  return v;
}

Result<ValidatorSet> ValidatorSet::Create(std::vector<ValidatorInfo> validators) {
  std::sort(
      validators.begin(), validators.end(),
      [](const ValidatorInfo& a, const ValidatorInfo& b) { return a.public_key < b.public_key; });
  ValidatorSet set{std::move(validators)};
  RETURN_IF_ERROR(set.Validate());
  return set;
}

Status ValidatorSet::Validate() const {
  if (validators.empty())
    return InvalidArgument("validator set is empty; at least one validator is needed");
  if (validators.size() > kMaxValidators) {
    return InvalidArgument("validator set has " + Num(validators.size()) +
                           " validators; the limit is kMaxValidators (" + Num(kMaxValidators) +
                           ")");
  }
  uint64_t total = 0;
  for (size_t i = 0; i < validators.size(); ++i) {
    const ValidatorInfo& v = validators[i];
    if (v.power == 0) {
      return InvalidArgument("validator " + Num(i) + " (" + ToSs58(v.public_key) +
                             ") has zero voting power; remove it instead");
    }
    if (v.power > UINT64_MAX - total)
      return InvalidArgument("total voting power of the validator set overflows u64");
    total += v.power;
    if (i > 0 && !(validators[i - 1].public_key < v.public_key)) {
      if (validators[i - 1].public_key == v.public_key) {
        return InvalidArgument("validator " + ToSs58(v.public_key) + " appears twice in the set");
      }
      return InvalidArgument(
          "validator set is not in canonical order (public keys ascending) at index " + Num(i) +
          "; build it with ValidatorSet::Create");
    }
  }
  return Status::Ok();
}

Hash32 ValidatorSet::Hash() const {
  codec::Encoder e(1 + validators.size() * ValidatorInfo::kMinEncodedBytes + 4);
  Encode(e);
  return crypto::Blake2b256(e.view());
}

uint64_t ValidatorSet::TotalPower() const {
  uint64_t total = 0;
  for (const ValidatorInfo& v : validators) total += v.power;
  return total;
}

uint64_t ValidatorSet::QuorumPower() const {
  return static_cast<uint64_t>(static_cast<unsigned __int128>(TotalPower()) * 2 / 3 + 1);
}

int64_t ValidatorSet::IndexOf(const AccountId& key) const {
  auto it =
      std::lower_bound(validators.begin(), validators.end(), key,
                       [](const ValidatorInfo& v, const AccountId& k) { return v.public_key < k; });
  if (it == validators.end() || it->public_key != key) return -1;
  return it - validators.begin();
}

void ValidatorSet::Encode(codec::Encoder& e) const { e.WriteVector(validators); }

Result<ValidatorSet> ValidatorSet::Decode(codec::Decoder& d) {
  const size_t at = d.offset();
  ValidatorSet set;
  ASSIGN_OR_RETURN(set.validators, d.ReadVector<ValidatorInfo>(kMaxValidators));
  Status valid = set.Validate();
  if (!valid.ok()) return valid.WithContext("validator set at offset " + Num(at));
  return set;
}

void CommitSignature::Encode(codec::Encoder& e) const {
  e.WriteU32(validator_index);
  e.WriteFixed(signature);
}

Result<CommitSignature> CommitSignature::Decode(codec::Decoder& d) {
  CommitSignature s;
  ASSIGN_OR_RETURN(s.validator_index, d.ReadU32());
  ASSIGN_OR_RETURN(s.signature, d.ReadFixed<64>());
  return s;
}

Hash32 CommitCertificate::Hash() const {
  codec::Encoder e(8 + 4 + 32 + 4 + signatures.size() * CommitSignature::kMinEncodedBytes);
  Encode(e);
  return crypto::Blake2b256(e.view());
}

void CommitCertificate::Encode(codec::Encoder& e) const {
  e.WriteU64(height);
  e.WriteU32(round);
  e.WriteFixed(block_hash);
  e.WriteVector(signatures);
}

Result<CommitCertificate> CommitCertificate::Decode(codec::Decoder& d) {
  CommitCertificate c;
  ASSIGN_OR_RETURN(c.height, d.ReadU64());
  ASSIGN_OR_RETURN(c.round, d.ReadU32());
  ASSIGN_OR_RETURN(c.block_hash, d.ReadFixed<32>());
  ASSIGN_OR_RETURN(c.signatures, d.ReadVector<CommitSignature>(kMaxValidators));
  return c;
}

Status VerifyCommit(const CommitCertificate& cert, const ValidatorSet& validators,
                    const Hash32& genesis_hash) {
  const std::string what = "commit certificate for height " + Num(cert.height);
  RETURN_IF_ERROR(validators.Validate());
  if (cert.block_hash.IsZero())
    return InvalidArgument(what + " is for nil (zero block hash); a commit must name a block");
  if (cert.signatures.empty()) return InvalidArgument(what + " has no signatures");
  const size_t n = validators.validators.size();
  uint64_t signed_power = 0;  // fits: total power fits in u64 (Validate) and indices are distinct
  for (size_t i = 0; i < cert.signatures.size(); ++i) {
    const uint32_t index = cert.signatures[i].validator_index;
    if (index >= n) {
      return InvalidArgument(what + ": signature " + Num(i) + " names validator index " +
                             Num(index) + " but the set has " + Num(n) + " validators");
    }
    if (i > 0 && index <= cert.signatures[i - 1].validator_index) {
      return InvalidArgument(what + ": signature " + Num(i) + " has validator index " + Num(index) +
                             " after " + Num(cert.signatures[i - 1].validator_index) +
                             " (indices must be strictly increasing; no duplicates)");
    }
    signed_power += validators.validators[index].power;
  }
  const uint64_t quorum = validators.QuorumPower();
  if (signed_power < quorum) {
    return InvalidArgument(
        what + " carries " + Num(signed_power) + " of " + Num(validators.TotalPower()) +
        " voting power; more than 2/3 (at least " + Num(quorum) + ") is required");
  }
  // Checked only after the cheap structural checks, so junk certificates cost no crypto.
  const Hash32 message =
      VoteSigningHash(VoteType::kPrecommit, cert.height, cert.round, cert.block_hash, genesis_hash);
  std::vector<crypto::VerifyItem> items;
  items.reserve(cert.signatures.size());
  for (const CommitSignature& s : cert.signatures)
    items.push_back(
        {validators.validators[s.validator_index].public_key, message.view(), s.signature});
  const std::vector<uint8_t> ok = crypto::VerifyBatch(items);
  for (size_t i = 0; i < ok.size(); ++i) {
    if (!ok[i]) {
      const uint32_t index = cert.signatures[i].validator_index;
      return PermissionDenied(what + ": signature " + Num(i) + " by validator " + Num(index) +
                              " (" + ToSs58(validators.validators[index].public_key) +
                              ") is not a valid precommit for height " + Num(cert.height) +
                              " round " + Num(cert.round) + " block " + ToHex0x(cert.block_hash));
    }
  }
  return Status::Ok();
}

}  // namespace phalanx::types
