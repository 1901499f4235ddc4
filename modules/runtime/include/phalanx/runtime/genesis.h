// Chain specs and genesis. A chain spec is a JSON document (`phalanx-node build-spec --dev`)
// naming the chain, its initial balances, validators and runtime parameters.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "phalanx/runtime/overlay.h"
#include "phalanx/runtime/params.h"
#include "phalanx/types/consensus_types.h"

namespace phalanx::runtime {

struct GenesisAccount {
  types::AccountId id{};
  Balance free = 0;
};

struct ChainSpec {
  std::string name;
  std::string id;
  std::string chain_type;  // "development", "local", "live"
  uint64_t genesis_time_ms = 0;
  std::vector<GenesisAccount> balances;
  types::ValidatorSet validators;
  // The root origin for now: the one account that may call validators.set_validator.
  std::optional<types::AccountId> sudo;
  Params params;
  bool allow_simulated_tee = false;
  // Load-test accounts BenchAccount(0..n-1), 1,000 PHX each. Kept as a count, not a list, so a
  // spec with a million of them stays small to store, hash and parse.
  uint64_t bench_accounts = 0;

  // The dev chain: alice is the only validator and the sudo account; alice..ferdie hold 1,000,000
  // PHX each, and `extra_accounts` deterministic load-test accounts (BenchAccount(i)) hold 1,000
  // PHX each.
  static ChainSpec Dev(size_t extra_accounts = 0);
  // A local multi-validator chain (chain_type "local", what `phalanx-node localnet` runs): the
  // first `validators` dev accounts (of alice, bob, charlie, dave, eve, ferdie) validate with
  // power 1 each (the set in canonical key order); balances, bench accounts and sudo (alice) as in
  // Dev. Between 1 and kMaxLocalValidators validators, InvalidArgument otherwise.
  static Result<ChainSpec> Local(size_t validators, size_t extra_accounts = 0);
  static Result<ChainSpec> FromJson(std::string_view text);
  nlohmann::json ToJson() const;
  nlohmann::json Properties() const;  // ss58Format, tokenDecimals, tokenSymbol
};

// Deterministic, publicly known keys for load tests on dev chains: seed = BLAKE2b-256(
// "phalanx/bench-account/" || decimal i). Never fund these on a real chain.
crypto::SigningKey BenchAccount(uint64_t index);
inline constexpr Balance kBenchAccountBalance = Balance{1'000} * types::kUnitsPerPhx;
inline constexpr uint64_t kMaxBenchAccounts = 10'000'000;
// One validator per dev account (alice..ferdie).
inline constexpr size_t kMaxLocalValidators = 6;

// The genesis state (version 0) as sorted changes.
Result<std::vector<std::pair<Bytes, std::optional<Bytes>>>> BuildGenesisState(
    const ChainSpec& spec);

}  // namespace phalanx::runtime
