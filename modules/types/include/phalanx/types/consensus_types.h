// Consensus data: votes, validator sets and commit certificates, and the check that a certificate
// proves finality (more than 2/3 of the voting power precommitted one block). Shared by consensus,
// the light client and block import.
//
// Vote signing message = BLAKE2b-256("phalanx/vote/v1" || genesis_hash || u8 type || u64 height
//                                    || u32 round || block_hash), integers little-endian.
#pragma once

#include <vector>

#include "phalanx/base/bytes.h"
#include "phalanx/codec/codec.h"
#include "phalanx/crypto/ed25519.h"
#include "phalanx/types/primitives.h"

namespace phalanx::types {

enum class VoteType : uint8_t { kPrevote = 1, kPrecommit = 2 };

// The message a validator signs for a vote. An all-zero block_hash is a vote for nil.
Hash32 VoteSigningHash(VoteType type, uint64_t height, uint32_t round, const Hash32& block_hash,
                       const Hash32& genesis_hash);

struct Vote {
  VoteType type = VoteType::kPrevote;
  uint64_t height = 0;
  uint32_t round = 0;
  Hash32 block_hash;  // zero = nil
  uint32_t validator_index = 0;
  crypto::Signature signature;

  Hash32 SigningHash(const Hash32& genesis_hash) const {
    return VoteSigningHash(type, height, round, block_hash, genesis_hash);
  }
  void Encode(codec::Encoder& e) const;
  static Result<Vote> Decode(codec::Decoder& d);
  bool operator==(const Vote&) const = default;
};

// Fills in vote.signature with `key`.
Vote SignVote(Vote vote, const crypto::SigningKey& key, const Hash32& genesis_hash);

struct ValidatorInfo {
  AccountId public_key;
  uint64_t power = 0;

  void Encode(codec::Encoder& e) const;
  static Result<ValidatorInfo> Decode(codec::Decoder& d);
  bool operator==(const ValidatorInfo&) const = default;
  static constexpr size_t kMinEncodedBytes = 32 + 8;
};

// A validator set in canonical order: public keys strictly increasing. A validator's index (in
// votes and commit signatures) is its position in this order.
struct ValidatorSet {
  std::vector<ValidatorInfo> validators;

  // Sorts into canonical order and validates.
  static Result<ValidatorSet> Create(std::vector<ValidatorInfo> validators);
  // Non-empty, at most kMaxValidators, power > 0, total power fits in u64, keys strictly
  // increasing (canonical order, no duplicates).
  Status Validate() const;

  Hash32 Hash() const;  // BLAKE2b-256 of the encoding; committed in block headers
  uint64_t TotalPower() const;
  // The least power that is more than 2/3 of the total: floor(2 * total / 3) + 1.
  uint64_t QuorumPower() const;
  // Index of `key`, or -1 if it is not a validator.
  int64_t IndexOf(const AccountId& key) const;

  void Encode(codec::Encoder& e) const;
  // Rejects sets that fail Validate().
  static Result<ValidatorSet> Decode(codec::Decoder& d);
  bool operator==(const ValidatorSet&) const = default;
};

struct CommitSignature {
  uint32_t validator_index = 0;
  crypto::Signature signature;  // a precommit for the certificate's (height, round, block_hash)

  void Encode(codec::Encoder& e) const;
  static Result<CommitSignature> Decode(codec::Decoder& d);
  bool operator==(const CommitSignature&) const = default;
  static constexpr size_t kMinEncodedBytes = 4 + 64;
};

struct CommitCertificate {
  uint64_t height = 0;
  uint32_t round = 0;
  Hash32 block_hash;
  std::vector<CommitSignature> signatures;  // validator_index strictly increasing

  Hash32 Hash() const;  // BLAKE2b-256 of the encoding; the next header's last_commit_hash
  void Encode(codec::Encoder& e) const;
  // At most kMaxValidators signatures.
  static Result<CommitCertificate> Decode(codec::Decoder& d);
  bool operator==(const CommitCertificate&) const = default;
};

// Checks that `cert` proves `cert.block_hash` final at `cert.height`: a non-nil block hash,
// validator indices strictly increasing and within `validators`, more than 2/3 of the total power
// signed, and every signature a valid precommit for (height, round, block_hash) by the validator
// at its index (verified as one batch). Errors name the offending signature and validator.
Status VerifyCommit(const CommitCertificate& cert, const ValidatorSet& validators,
                    const Hash32& genesis_hash);

}  // namespace phalanx::types
