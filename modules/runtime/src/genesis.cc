// Chain spec JSON and the genesis state.
#include "phalanx/runtime/genesis.h"

#include <algorithm>
#include <set>

#include "phalanx/crypto/hash.h"
#include "phalanx/crypto/mnemonic.h"
#include "phalanx/runtime/balances.h"
#include "phalanx/runtime/storage.h"
#include "phalanx/runtime/validators.h"

namespace phalanx::runtime {

using nlohmann::json;

crypto::SigningKey BenchAccount(uint64_t index) {
  std::string tag = "phalanx/bench-account/" + std::to_string(index);
  return crypto::SigningKey::FromSeed(crypto::Blake2b256(AsBytes(tag)));
}

ChainSpec ChainSpec::Dev(size_t extra_accounts) {
  ChainSpec spec;
  spec.name = "Phalanx Development";
  spec.id = "phalanx_dev";
  spec.chain_type = "development";
  spec.allow_simulated_tee = true;
  constexpr Balance kDevBalance = Balance{1'000'000} * types::kUnitsPerPhx;
  for (std::string_view name : crypto::DevAccountNames()) {
    auto key = crypto::DevAccount(name);
    spec.balances.push_back({key->public_key(), kDevBalance});
  }
  spec.bench_accounts = extra_accounts;
  spec.validators.validators.push_back({crypto::DevAccount("alice")->public_key(), 1});
  spec.sudo = crypto::DevAccount("alice")->public_key();
  return spec;
}

Result<ChainSpec> ChainSpec::Local(size_t validators, size_t extra_accounts) {
  const auto names = crypto::DevAccountNames();
  if (validators == 0 || validators > kMaxLocalValidators || validators > names.size())
    return InvalidArgument("a local chain has 1 to " + std::to_string(kMaxLocalValidators) +
                           " validators (one per dev account alice..ferdie), got " +
                           std::to_string(validators));
  ChainSpec spec = Dev(extra_accounts);
  spec.name = "Phalanx Local Testnet";
  spec.id = "phalanx_local";
  spec.chain_type = "local";
  std::vector<types::ValidatorInfo> set;
  for (size_t i = 0; i < validators; ++i)
    set.push_back({crypto::DevAccount(names[i])->public_key(), 1});
  ASSIGN_OR_RETURN(spec.validators, types::ValidatorSet::Create(std::move(set)));
  return spec;
}

json ChainSpec::Properties() const {
  return json{{"ss58Format", 42}, {"tokenDecimals", 12}, {"tokenSymbol", "PHX"}};
}

json ChainSpec::ToJson() const {
  json balances_json = json::array();
  for (const auto& a : balances)
    balances_json.push_back(json::array({types::ToSs58(a.id), types::U128ToString(a.free)}));
  json validators_json = json::array();
  for (const auto& v : validators.validators)
    validators_json.push_back({{"public_key", types::ToSs58(v.public_key)}, {"power", v.power}});
  json genesis = {{"time_ms", genesis_time_ms},       {"allow_simulated_tee", allow_simulated_tee},
                  {"bench_accounts", bench_accounts}, {"balances", balances_json},
                  {"validators", validators_json},    {"params", params.ToJson()}};
  if (sudo) genesis["sudo"] = types::ToSs58(*sudo);
  return json{{"name", name},
              {"id", id},
              {"chain_type", chain_type},
              {"properties", Properties()},
              {"genesis", std::move(genesis)}};
}

namespace {
Result<std::string> StringField(const json& j, const char* field) {
  auto it = j.find(field);
  if (it == j.end() || !it->is_string())
    return InvalidArgument(std::string("chain spec: \"") + field + "\" must be a string");
  return it->get<std::string>();
}

Result<ChainSpec> ParseSpec(const json& j) {
  if (!j.is_object()) return InvalidArgument("chain spec: top level must be a JSON object");
  ChainSpec spec;
  ASSIGN_OR_RETURN(spec.name, StringField(j, "name"));
  ASSIGN_OR_RETURN(spec.id, StringField(j, "id"));
  ASSIGN_OR_RETURN(spec.chain_type, StringField(j, "chain_type"));
  // The id names the chain's directory under --base-path: keep it a plain file name.
  if (spec.id.empty() || spec.id.size() > 64 ||
      spec.id.find_first_not_of(
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != std::string::npos)
    return InvalidArgument("chain spec: \"id\" must be 1..64 letters, digits, '_' or '-'");
  auto g = j.find("genesis");
  if (g == j.end() || !g->is_object())
    return InvalidArgument("chain spec: missing \"genesis\" object");
  if (auto t = g->find("time_ms"); t != g->end()) {
    if (!t->is_number_unsigned())
      return InvalidArgument("chain spec: genesis.time_ms must be an unsigned integer");
    spec.genesis_time_ms = t->get<uint64_t>();
  }
  if (auto t = g->find("allow_simulated_tee"); t != g->end()) {
    if (!t->is_boolean())
      return InvalidArgument("chain spec: genesis.allow_simulated_tee must be a boolean");
    spec.allow_simulated_tee = t->get<bool>();
  }
  if (auto t = g->find("bench_accounts"); t != g->end()) {
    if (!t->is_number_unsigned() || t->get<uint64_t>() > kMaxBenchAccounts)
      return InvalidArgument("chain spec: genesis.bench_accounts must be an integer 0.." +
                             std::to_string(kMaxBenchAccounts));
    spec.bench_accounts = t->get<uint64_t>();
  }
  auto b = g->find("balances");
  if (b == g->end() || !b->is_array())
    return InvalidArgument("chain spec: genesis.balances must be an array of [address, amount]");
  std::set<types::AccountId> seen;
  for (size_t i = 0; i < b->size(); ++i) {
    const json& e = (*b)[i];
    std::string where = "chain spec: genesis.balances[" + std::to_string(i) + "]";
    if (!e.is_array() || e.size() != 2 || !e[0].is_string() || !e[1].is_string())
      return InvalidArgument(where +
                             " must be [\"<ss58 address>\", \"<base units as decimal string>\"]");
    auto id = types::FromSs58(e[0].get<std::string>());
    if (!id.ok()) return InvalidArgument(where + ": " + std::string(id.status().message()));
    auto amount = types::ParseU128(e[1].get<std::string>());
    if (!amount.ok()) return InvalidArgument(where + ": " + std::string(amount.status().message()));
    if (!seen.insert(*id).second) return InvalidArgument(where + ": duplicate account");
    spec.balances.push_back({*id, *amount});
  }
  auto v = g->find("validators");
  if (v == g->end() || !v->is_array() || v->empty())
    return InvalidArgument("chain spec: genesis.validators must be a non-empty array");
  for (size_t i = 0; i < v->size(); ++i) {
    const json& e = (*v)[i];
    std::string where = "chain spec: genesis.validators[" + std::to_string(i) + "]";
    if (!e.is_object() || !e.contains("public_key") || !e["public_key"].is_string() ||
        !e.contains("power") || !e["power"].is_number_unsigned())
      return InvalidArgument(where + " must be {\"public_key\": \"<ss58>\", \"power\": <u64>}");
    auto id = types::FromSs58(e["public_key"].get<std::string>());
    if (!id.ok()) return InvalidArgument(where + ": " + std::string(id.status().message()));
    spec.validators.validators.push_back({*id, e["power"].get<uint64_t>()});
  }
  // Canonical order (by public key) so the set hashes the same however the file lists it.
  std::sort(spec.validators.validators.begin(), spec.validators.validators.end(),
            [](const auto& a, const auto& b) { return a.public_key < b.public_key; });
  RETURN_IF_ERROR(spec.validators.Validate().WithContext("chain spec: genesis.validators"));
  if (auto t = g->find("sudo"); t != g->end()) {
    if (!t->is_string())
      return InvalidArgument("chain spec: genesis.sudo must be an SS58 address string");
    auto id = types::FromSs58(t->get<std::string>());
    if (!id.ok())
      return InvalidArgument("chain spec: genesis.sudo: " + std::string(id.status().message()));
    spec.sudo = *id;
  }
  if (auto p = g->find("params"); p != g->end()) {
    ASSIGN_OR_RETURN(spec.params, Params::FromJson(*p));
  }
  return spec;
}
}  // namespace

Result<ChainSpec> ChainSpec::FromJson(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidArgument("chain spec is not valid JSON");
  return ParseSpec(j);
}

Result<std::vector<std::pair<Bytes, std::optional<Bytes>>>> BuildGenesisState(
    const ChainSpec& spec) {
  RETURN_IF_ERROR(spec.params.Validate());
  RETURN_IF_ERROR(spec.validators.Validate().WithContext("chain spec: genesis.validators"));
  MapState empty;
  Overlay state(empty);
  std::vector<types::Event> events;
  StoreParams(state, spec.params);
  // Blocks 1 and 2 are both committed by the genesis set.
  StoreCurrentValidators(state, spec.validators);
  StoreNextValidators(state, spec.validators);
  if (spec.sudo) StoreSudo(state, *spec.sudo);
  StoreTotalIssuance(state, 0);
  Balances balances(state, spec.params, events);
  for (const auto& a : spec.balances) {
    if (a.free < spec.params.existential_deposit)
      return InvalidArgument("chain spec: genesis balance of " + types::ToSs58(a.id) +
                             " is below the existential deposit");
    RETURN_IF_ERROR(balances.Mint(a.id, a.free));
    events.clear();  // genesis records no events
  }
  for (uint64_t i = 0; i < spec.bench_accounts; ++i) {
    RETURN_IF_ERROR(balances.Mint(BenchAccount(i).public_key(), kBenchAccountBalance));
    events.clear();
  }
  return std::move(state).TakeChanges();
}

}  // namespace phalanx::runtime
