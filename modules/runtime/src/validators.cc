// The validators module: stored validator sets, the root origin, set changes and equivocation
// evidence.
#include "phalanx/runtime/validators.h"

#include <algorithm>

#include "phalanx/codec/codec.h"
#include "phalanx/types/address.h"

namespace phalanx::runtime {

using types::ValidatorSet;

namespace keys {
Bytes EquivocationReported(const types::AccountId& validator, uint64_t height, uint32_t round,
                           types::VoteType type) {
  static constexpr std::string_view kPrefix = "val/equivocation/";
  codec::Encoder e(kPrefix.size() + 32 + 8 + 4 + 1);
  e.WriteRaw(AsBytes(kPrefix));
  e.WriteFixed(validator);
  e.WriteU64(height);
  e.WriteU32(round);
  e.WriteU8(static_cast<uint8_t>(type));
  return e.Take();
}
}  // namespace keys

namespace {

Result<ValidatorSet> LoadSet(const StateReader& state, std::string_view key) {
  ASSIGN_OR_RETURN(auto raw, state.Get(AsBytes(key)));
  if (!raw)
    return FailedPrecondition("validator set \"" + std::string(key) +
                              "\" is missing from state (no genesis?)");
  auto set = codec::DecodeAll<ValidatorSet>(*raw);
  if (!set.ok())
    return Corruption("stored validator set \"" + std::string(key) +
                      "\": " + std::string(set.status().message()));
  return set;
}

void StoreSet(Overlay& state, std::string_view key, const ValidatorSet& set) {
  state.Put(AsBytes(key), codec::EncodeToBytes(set));
}

std::string VoteTypeName(types::VoteType t) {
  return t == types::VoteType::kPrevote ? "prevote" : "precommit";
}

}  // namespace

Result<ValidatorSet> LoadCurrentValidators(const StateReader& state) {
  return LoadSet(state, keys::kCurrentValidators);
}

Result<ValidatorSet> LoadNextValidators(const StateReader& state) {
  return LoadSet(state, keys::kNextValidators);
}

Result<ValidatorSet> ValidatorSetAt(const StateReader& state, uint64_t state_height,
                                    uint64_t height) {
  if (height == state_height + 1) return LoadCurrentValidators(state);
  if (height == state_height + 2) return LoadNextValidators(state);
  return InvalidArgument("the state after block " + std::to_string(state_height) +
                         " knows the validator sets of heights " +
                         std::to_string(state_height + 1) + " and " +
                         std::to_string(state_height + 2) + ", not " + std::to_string(height));
}

void StoreCurrentValidators(Overlay& state, const ValidatorSet& set) {
  StoreSet(state, keys::kCurrentValidators, set);
}

void StoreNextValidators(Overlay& state, const ValidatorSet& set) {
  StoreSet(state, keys::kNextValidators, set);
}

Result<std::optional<types::AccountId>> LoadSudo(const StateReader& state) {
  ASSIGN_OR_RETURN(auto raw, state.Get(AsBytes(keys::kSudo)));
  if (!raw) return std::optional<types::AccountId>();
  if (raw->size() != 32) return Corruption("stored sudo account is not 32 bytes");
  return std::optional<types::AccountId>(types::AccountId::FromView(*raw));
}

void StoreSudo(Overlay& state, const types::AccountId& sudo) {
  state.Put(AsBytes(keys::kSudo), Bytes(sudo.begin(), sudo.end()));
}

Status Validators::SetValidator(const types::AccountId& origin,
                                const types::calls::SetValidator& call) {
  ASSIGN_OR_RETURN(auto sudo, LoadSudo(state_));
  if (!sudo)
    return PermissionDenied(
        "validators.set_validator needs the root origin, and this chain has none (no "
        "genesis.sudo in its chain spec)");
  if (origin != *sudo)
    return PermissionDenied("validators.set_validator needs the root origin: signed by " +
                            types::ToSs58(origin) + ", but the sudo account is " +
                            types::ToSs58(*sudo));
  ASSIGN_OR_RETURN(ValidatorSet next, LoadNextValidators(state_));
  std::vector<types::ValidatorInfo> members = next.validators;
  auto it = std::find_if(members.begin(), members.end(),
                         [&](const types::ValidatorInfo& v) { return v.public_key == call.key; });
  if (call.power == 0) {
    if (it == members.end())
      return FailedPrecondition("cannot remove " + types::ToSs58(call.key) +
                                ": it is not in the next validator set");
    members.erase(it);
  } else if (it == members.end()) {
    members.push_back({call.key, call.power});
  } else {
    it->power = call.power;
  }
  auto updated = ValidatorSet::Create(std::move(members));
  if (!updated.ok())
    return FailedPrecondition("validators.set_validator would leave an invalid set: " +
                              std::string(updated.status().message()));
  StoreNextValidators(state_, *updated);
  events_.push_back(
      types::Event{types::events::ValidatorUpdated{call.key, call.power, height_ + 2}});
  return Status::Ok();
}

Status Validators::ReportEquivocation(const types::calls::ReportEquivocation& call) {
  const types::Vote& a = call.vote_a;
  const types::Vote& b = call.vote_b;
  if (a.type != b.type || a.height != b.height || a.round != b.round)
    return InvalidArgument(
        "not an equivocation: the votes are for different (height, round, type): (" +
        std::to_string(a.height) + ", " + std::to_string(a.round) + ", " + VoteTypeName(a.type) +
        ") and (" + std::to_string(b.height) + ", " + std::to_string(b.round) + ", " +
        VoteTypeName(b.type) + ")");
  if (a.validator_index != b.validator_index)
    return InvalidArgument("not an equivocation: the votes name validator indices " +
                           std::to_string(a.validator_index) + " and " +
                           std::to_string(b.validator_index));
  if (a.block_hash == b.block_hash)
    return InvalidArgument("not an equivocation: both votes are for block " +
                           ToHex0x(a.block_hash));
  if (a.height > height_)
    return InvalidArgument("equivocation evidence for height " + std::to_string(a.height) +
                           " cannot be included before that height (this is block " +
                           std::to_string(height_) + ")");
  if (a.validator_index >= current_.validators.size())
    return InvalidArgument("validator index " + std::to_string(a.validator_index) +
                           " is not in the current set of " +
                           std::to_string(current_.validators.size()) + " validators");
  const types::AccountId& key = current_.validators[a.validator_index].public_key;
  const std::pair<const types::Vote*, const char*> votes[] = {{&a, "vote_a"}, {&b, "vote_b"}};
  for (const auto& [vote, name] : votes) {
    if (!crypto::Verify(key, vote->SigningHash(genesis_hash_).view(), vote->signature))
      return PermissionDenied(std::string(name) + " is not validly signed by validator " +
                              std::to_string(a.validator_index) + " (" + types::ToSs58(key) +
                              ") of the current set");
  }
  Bytes marker = keys::EquivocationReported(key, a.height, a.round, a.type);
  ASSIGN_OR_RETURN(auto seen, state_.Get(marker));
  if (seen)
    return AlreadyExists("equivocation of " + types::ToSs58(key) + " at height " +
                         std::to_string(a.height) + " round " + std::to_string(a.round) + " (" +
                         VoteTypeName(a.type) + ") was already reported");
  state_.Put(marker, Bytes{1});
  events_.push_back(types::Event{types::events::Equivocation{key, a.height, a.round, a.type}});
  return Status::Ok();
}

}  // namespace phalanx::runtime
