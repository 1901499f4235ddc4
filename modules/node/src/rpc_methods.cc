// The chain's JSON-RPC API (docs/rpc.md). Amounts travel as decimal strings of base units,
// hashes and bytes as 0x-hex, accounts as SS58 (hex public keys are accepted as input).
#include <string>

#include "node_impl.h"
#include "phalanx/codec/codec.h"
#include "phalanx/crypto/hash.h"
#include "phalanx/runtime/storage.h"
#include "phalanx/types/address.h"
#include "phalanx/types/amount.h"
#include "phalanx/types/json.h"

namespace phalanx::node {

using nlohmann::json;
using rpc::MethodResult;
using rpc::RpcError;

namespace {

// Substrate-compatible author error codes.
constexpr int kPoolInvalidTx = 1010;
constexpr int kPoolAlreadyImported = 1013;
constexpr int kPoolTooLowPriority = 1014;

RpcError Bad(std::string m) { return RpcError::InvalidParams(std::move(m)); }
RpcError FromStatus(const Status& s) {
  if (s.code() == StatusCode::kInvalidArgument) return Bad(std::string(s.message()));
  return RpcError{RpcError::kInternalError, s.ToString(), nullptr};
}

template <typename T>
using Parsed = std::variant<T, RpcError>;

Parsed<Bytes> HexParam(const json& params, size_t i, const char* name, bool required = true) {
  const json* p = rpc::FindParam(params, i, name);
  if (!p || p->is_null()) {
    if (required) return Bad(std::string("missing parameter \"") + name + "\" (0x-prefixed hex)");
    return Bytes{};
  }
  if (!p->is_string())
    return Bad(std::string("parameter \"") + name + "\" must be a 0x-hex string");
  auto b = FromHex(p->get<std::string>());
  if (!b.ok())
    return Bad(std::string("parameter \"") + name + "\": " + std::string(b.status().message()));
  return std::move(b).value();
}

Parsed<std::optional<Hash32>> OptionalHashParam(const json& params, size_t i, const char* name) {
  const json* p = rpc::FindParam(params, i, name);
  if (!p || p->is_null()) return std::optional<Hash32>();
  if (!p->is_string())
    return Bad(std::string("parameter \"") + name + "\" must be a 0x-hex block hash");
  auto h = FixedFromHex<32>(p->get<std::string>());
  if (!h.ok())
    return Bad(std::string("parameter \"") + name + "\": " + std::string(h.status().message()));
  return std::optional<Hash32>(*h);
}

Parsed<types::AccountId> AccountParam(const json& params, size_t i, const char* name) {
  const json* p = rpc::FindParam(params, i, name);
  if (!p || !p->is_string())
    return Bad(std::string("parameter \"") + name +
               "\" must be an SS58 address or 0x-hex public key");
  std::string s = p->get<std::string>();
  if (s.starts_with("0x")) {
    auto k = FixedFromHex<32>(s);
    if (!k.ok())
      return Bad(std::string("parameter \"") + name + "\": " + std::string(k.status().message()));
    return *k;
  }
  auto id = types::FromSs58(s);
  if (!id.ok())
    return Bad(std::string("parameter \"") + name + "\": " + std::string(id.status().message()));
  return *id;
}

#define PHX_PARAM(var, expr)                                     \
  auto var##_parsed = (expr);                                    \
  if (auto* e = std::get_if<RpcError>(&var##_parsed)) return *e; \
  auto& var = std::get<0>(var##_parsed)

json SubmitErrorJson(const mempool::SubmitResult& r) {
  std::string reason(runtime::TxValidityName(r.validity));
  if (r.error == mempool::SubmitError::kAlreadyImported) reason = "already_imported";
  if (r.error == mempool::SubmitError::kTooLowPriority) reason = "too_low_priority";
  return json{{"reason", reason}, {"message", r.message}};
}

RpcError SubmitError(const mempool::SubmitResult& r) {
  switch (r.error) {
    case mempool::SubmitError::kAlreadyImported:
      return RpcError{kPoolAlreadyImported, "transaction already imported", SubmitErrorJson(r)};
    case mempool::SubmitError::kTooLowPriority:
      return RpcError{kPoolTooLowPriority, "priority is too low: " + r.message, SubmitErrorJson(r)};
    case mempool::SubmitError::kMalformed:
      return RpcError{RpcError::kInvalidParams, "transaction bytes do not decode: " + r.message,
                      SubmitErrorJson(r)};
    default:
      return RpcError{kPoolInvalidTx, "invalid transaction: " + r.message, SubmitErrorJson(r)};
  }
}

}  // namespace

void Node::Impl::RegisterRpcMethods() {
  Impl* self = this;
  rpc::Methods& m = *methods;

  m.Add("system_health", [self](const json&) -> MethodResult {
    const bool networked = self->config.listen_addr.has_value();
    return json{{"peers", self->consensus ? self->consensus->peer_count() : 0},
                {"isSyncing", self->consensus && self->consensus->syncing()},
                {"shouldHavePeers", networked}};
  });
  RegisterNetworkMethods();
  m.Add("system_chain", [self](const json&) -> MethodResult { return self->config.spec.name; });
  m.Add("system_name", [self](const json&) -> MethodResult { return self->config.node_name; });
  m.Add("system_version", [](const json&) -> MethodResult { return PHALANX_VERSION; });
  m.Add("system_properties",
        [self](const json&) -> MethodResult { return self->config.spec.Properties(); });

  // Resolves an optional block hash to a stored block (default: the best block).
  auto block_for = [self](const std::optional<Hash32>& hash) -> Parsed<types::Block> {
    Hash32 h = hash ? *hash : self->chain->head().hash;
    auto b = self->chain->blocks().BlockByHash(h);
    if (!b.ok()) return FromStatus(b.status());
    if (!*b) return RpcError{RpcError::kServerError, "unknown block " + ToHex0x(h), nullptr};
    return std::move(**b);
  };

  m.Add("chain_getHeader", [block_for](const json& p) -> MethodResult {
    PHX_PARAM(hash, OptionalHashParam(p, 0, "hash"));
    PHX_PARAM(block, block_for(hash));
    return types::ToJson(block.header);
  });
  m.Add("chain_getBlock", [self, block_for](const json& p) -> MethodResult {
    PHX_PARAM(hash, OptionalHashParam(p, 0, "hash"));
    PHX_PARAM(block, block_for(hash));
    json extrinsics = json::array();
    for (const auto& tx : block.transactions)
      extrinsics.push_back(ToHex0x(codec::EncodeToBytes(tx)));
    json out{{"block", {{"header", types::ToJson(block.header)}, {"extrinsics", extrinsics}}}};
    auto cert = self->chain->blocks().Certificate(block.header.height);
    out["justification"] = cert.ok() && *cert ? types::ToJson(**cert) : json(nullptr);
    return out;
  });
  m.Add("chain_getBlockHash", [self](const json& p) -> MethodResult {
    const json* h = rpc::FindParam(p, 0, "height");
    uint64_t height = self->chain->head().height;
    if (h && !h->is_null()) {
      if (!h->is_number_unsigned())
        return Bad("parameter \"height\" must be a non-negative integer");
      height = h->get<uint64_t>();
    }
    auto hash = self->chain->blocks().HashAtHeight(height);
    if (!hash.ok()) return FromStatus(hash.status());
    return *hash ? json(ToHex0x(**hash)) : json(nullptr);
  });
  m.Add("chain_getFinalizedHead",
        [self](const json&) -> MethodResult { return ToHex0x(self->chain->head().hash); });
  m.Add("chain_getEvents", [self, block_for](const json& p) -> MethodResult {
    PHX_PARAM(hash, OptionalHashParam(p, 0, "hash"));
    PHX_PARAM(block, block_for(hash));
    auto events = self->chain->blocks().Events(block.header.Hash());
    if (!events.ok()) return FromStatus(events.status());
    json out = json::array();
    if (*events)
      for (const auto& e : **events) out.push_back(types::ToJson(e));
    return out;
  });
  m.Add("chain_getTransaction", [self](const json& p) -> MethodResult {
    PHX_PARAM(hash_bytes, HexParam(p, 0, "hash"));
    if (hash_bytes.size() != 32)
      return Bad("parameter \"hash\" must be a 32-byte transaction hash");
    Hash32 hash = Hash32::FromView(hash_bytes);
    auto loc = self->chain->blocks().FindTransaction(hash);
    if (!loc.ok()) return FromStatus(loc.status());
    if (!*loc) {
      if (self->pool->Contains(hash)) return json{{"status", "pending"}, {"hash", ToHex0x(hash)}};
      return json(nullptr);
    }
    auto block = self->chain->blocks().BlockAtHeight((*loc)->height);
    if (!block.ok() || !*block)
      return RpcError{RpcError::kInternalError, "indexed block is missing", nullptr};
    Hash32 block_hash = (*block)->header.Hash();
    json events = json::array();
    auto ev = self->chain->blocks().Events(block_hash);
    if (ev.ok() && *ev)
      for (const auto& e : **ev)
        if (e.tx_index && *e.tx_index == (*loc)->index) events.push_back(types::ToJson(e));
    return json{{"status", "finalized"},
                {"hash", ToHex0x(hash)},
                {"block_hash", ToHex0x(block_hash)},
                {"height", (*loc)->height},
                {"index", (*loc)->index},
                {"transaction", types::ToJson((*block)->transactions[(*loc)->index])},
                {"events", events}};
  });

  auto heads_sub = [self](std::vector<std::shared_ptr<rpc::Sink>> Impl::*list) {
    return [self, list](const json&, std::shared_ptr<rpc::Sink> sink) -> MethodResult {
      json current = types::ToJson(self->chain->head().header);
      sink->Send(current);
      std::lock_guard lock(self->subs_mu);
      (self->*list).push_back(sink);
      return json(sink->id());
    };
  };
  m.AddSubscription("chain_subscribeNewHeads", "chain_unsubscribeNewHeads", "chain_newHead",
                    heads_sub(&Impl::new_heads));
  m.AddSubscription("chain_subscribeFinalizedHeads", "chain_unsubscribeFinalizedHeads",
                    "chain_finalizedHead", heads_sub(&Impl::finalized_heads));

  m.Add("author_submitExtrinsic", [self](const json& p) -> MethodResult {
    PHX_PARAM(bytes, HexParam(p, 0, "extrinsic"));
    auto r = self->pool->Submit(bytes, self->View());
    if (!r.ok()) return SubmitError(r);
    self->OnLocalTransaction(bytes);
    return ToHex0x(r.hash);
  });
  m.AddSubscription("author_submitAndWatchExtrinsic", "author_unwatchExtrinsic",
                    "author_extrinsicUpdate",
                    [self](const json& p, std::shared_ptr<rpc::Sink> sink) -> MethodResult {
                      PHX_PARAM(bytes, HexParam(p, 0, "extrinsic"));
                      // Watch before submitting so that no status change can be missed.
                      Hash32 hash = crypto::Blake2b256(bytes);
                      {
                        std::lock_guard lock(self->subs_mu);
                        self->tx_watchers.emplace(hash, sink);
                      }
                      auto r = self->pool->Submit(bytes, self->View());
                      if (!r.ok()) {
                        std::lock_guard lock(self->subs_mu);
                        auto [lo, hi] = self->tx_watchers.equal_range(hash);
                        for (auto it = lo; it != hi;)
                          it = it->second == sink ? self->tx_watchers.erase(it) : std::next(it);
                        return SubmitError(r);
                      }
                      self->OnLocalTransaction(bytes);
                      return json(sink->id());
                    });
  m.Add("author_pendingExtrinsics", [self](const json&) -> MethodResult {
    json out = json::array();
    for (const auto& tx : self->pool->Pending()) out.push_back(ToHex0x(tx->encoded));
    return out;
  });

  m.Add("state_getStorage", [self, block_for](const json& p) -> MethodResult {
    PHX_PARAM(key, HexParam(p, 0, "key"));
    PHX_PARAM(at, OptionalHashParam(p, 1, "at"));
    Result<std::optional<Bytes>> v = std::optional<Bytes>();
    if (at) {
      PHX_PARAM(block, block_for(at));
      v = self->chain->tree().GetAt(key, block.header.height);
    } else {
      v = self->chain->tree().Get(key);  // the flat latest table: no tree walk
    }
    if (!v.ok())
      return RpcError{RpcError::kServerError, std::string(v.status().message()), nullptr};
    return *v ? json(ToHex0x(**v)) : json(nullptr);
  });
  m.Add("state_getProof", [self, block_for](const json& p) -> MethodResult {
    PHX_PARAM(key, HexParam(p, 0, "key"));
    PHX_PARAM(at, OptionalHashParam(p, 1, "at"));
    PHX_PARAM(block, block_for(at));
    const uint64_t height = block.header.height;
    const Hash32 block_hash = block.header.Hash();
    const Hash32& root = block.header.state_root;
    auto proof = self->chain->tree().GetProof(key, height);
    if (!proof.ok())
      return RpcError{RpcError::kServerError, std::string(proof.status().message()), nullptr};
    auto value = self->chain->tree().GetAt(key, height);
    if (!value.ok())
      return RpcError{RpcError::kServerError, std::string(value.status().message()), nullptr};
    return json{{"at", ToHex0x(block_hash)},
                {"height", height},
                {"state_root", ToHex0x(root)},
                {"key", ToHex0x(key)},
                {"value", *value ? json(ToHex0x(**value)) : json(nullptr)},
                {"proof", ToHex0x(proof->Encode())}};
  });

  m.Add("system_accountNextIndex", [self](const json& p) -> MethodResult {
    PHX_PARAM(id, AccountParam(p, 0, "account"));
    auto acct = runtime::LoadAccount(self->chain->latest_state(), id);
    if (!acct.ok()) return FromStatus(acct.status());
    return self->pool->NextNonce(id, acct->nonce);
  });
  m.Add("balances_account", [self](const json& p) -> MethodResult {
    PHX_PARAM(id, AccountParam(p, 0, "account"));
    auto acct = runtime::LoadAccount(self->chain->latest_state(), id);
    if (!acct.ok()) return FromStatus(acct.status());
    return json{{"free", types::U128ToString(acct->free)},
                {"reserved", types::U128ToString(acct->reserved)},
                {"nonce", acct->nonce}};
  });
  m.Add("balances_totalIssuance", [self](const json&) -> MethodResult {
    auto v = runtime::LoadTotalIssuance(self->chain->latest_state());
    if (!v.ok()) return FromStatus(v.status());
    return types::U128ToString(*v);
  });
  m.Add("payment_queryInfo", [self](const json& p) -> MethodResult {
    PHX_PARAM(bytes, HexParam(p, 0, "extrinsic"));
    codec::Decoder d(bytes);
    auto tx = types::SignedTransaction::Decode(d);
    if (!tx.ok()) return Bad("extrinsic does not decode: " + std::string(tx.status().message()));
    if (!d.AtEnd())
      return Bad("extrinsic has trailing bytes at offset " + std::to_string(d.offset()));
    auto params = runtime::LoadParams(self->chain->latest_state());
    if (!params.ok()) return FromStatus(params.status());
    return json{{"weight", runtime::CallWeight(tx->payload.call)},
                {"class", "normal"},
                {"partialFee", types::U128ToString(
                                   runtime::ComputeFee(*params, tx->payload.call, bytes.size()))}};
  });
  m.Add("rpc_methods", [self](const json&) -> MethodResult {
    return json{{"methods", self->methods->Names()}};
  });
}

}  // namespace phalanx::node
