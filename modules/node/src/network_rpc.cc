// JSON-RPC methods about the network and consensus: peers, this node's peer id, the consensus
// round, and (only with --enable-fault-rpc) the p2p fault hooks tests use to delay, drop,
// duplicate and partition traffic.
#include "node_impl.h"
#include "phalanx/p2p/identity.h"

namespace phalanx::node {

using nlohmann::json;
using rpc::MethodResult;
using rpc::RpcError;

namespace {

std::string_view RoundStepName(consensus::RoundStep s) {
  switch (s) {
    case consensus::RoundStep::kNewHeight:
      return "new_height";
    case consensus::RoundStep::kPropose:
      return "propose";
    case consensus::RoundStep::kPrevote:
      return "prevote";
    case consensus::RoundStep::kPrecommit:
      return "precommit";
  }
  return "unknown";
}

// Server error: the method needs the p2p network, which this node does not run.
constexpr int kNoNetwork = -32050;

RpcError NoNetwork() {
  return RpcError{kNoNetwork, "this node has no p2p network (start it with --listen-addr)",
                  nullptr};
}

// Reads an unsigned integer field of `p` into `out` (absent = unchanged).
std::optional<RpcError> UintField(const json& p, const char* name, uint32_t max, uint32_t& out) {
  auto it = p.find(name);
  if (it == p.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_unsigned() || it->get<uint64_t>() > max)
    return RpcError::InvalidParams(std::string("\"") + name + "\" must be an integer 0.." +
                                   std::to_string(max));
  out = static_cast<uint32_t>(it->get<uint64_t>());
  return std::nullopt;
}

}  // namespace

void Node::Impl::RegisterNetworkMethods() {
  Impl* self = this;
  rpc::Methods& m = *methods;

  m.Add("system_peers", [self](const json&) -> MethodResult {
    json out = json::array();
    p2p::Network* net = self->consensus ? self->consensus->network() : nullptr;
    if (!net) return out;
    for (const p2p::PeerInfo& p : net->Peers())
      out.push_back({{"peerId", p2p::PeerIdHex(p.id)},
                     {"address", p.address},
                     {"inbound", p.inbound},
                     {"score", p.score},
                     {"connectedForMs", p.connected_for_ms},
                     {"messagesSent", p.messages_sent},
                     {"messagesReceived", p.messages_received}});
    return out;
  });
  m.Add("system_localPeerId", [self](const json&) -> MethodResult {
    p2p::Network* net = self->consensus ? self->consensus->network() : nullptr;
    if (!net) return NoNetwork();
    return p2p::PeerIdHex(net->local_id());
  });
  m.Add("consensus_status", [self](const json&) -> MethodResult {
    if (!self->consensus) return RpcError{RpcError::kInternalError, "starting up", nullptr};
    consensus::EngineStatus s = self->consensus->status();
    return json{{"height", s.height},
                {"round", s.round},
                {"step", RoundStepName(s.step)},
                {"lockedRound", s.locked_round},
                {"validRound", s.valid_round},
                {"halted", s.halted},
                {"validator", self->config.validator.has_value()}};
  });

  if (!config.enable_fault_rpc) return;
  // p2p_setFault {peer: hex id | null (every peer), delay_ms, loss_pct, dup_pct, partitioned}
  m.Add("p2p_setFault", [self](const json& params) -> MethodResult {
    p2p::Network* net = self->consensus ? self->consensus->network() : nullptr;
    if (!net) return NoNetwork();
    const json* p = rpc::FindParam(params, 0, "fault");
    const json& f = p && p->is_object() ? *p : params;
    if (!f.is_object())
      return RpcError::InvalidParams(
          "expected an object {peer, delay_ms, loss_pct, dup_pct, partitioned}");
    p2p::FaultSpec spec;
    if (auto e = UintField(f, "delay_ms", 600'000, spec.delay_ms)) return *e;
    if (auto e = UintField(f, "loss_pct", 100, spec.loss_pct)) return *e;
    if (auto e = UintField(f, "dup_pct", 100, spec.dup_pct)) return *e;
    if (auto it = f.find("partitioned"); it != f.end() && !it->is_null()) {
      if (!it->is_boolean())
        return RpcError::InvalidParams("\"partitioned\" must be true or false");
      spec.partitioned = it->get<bool>();
    }
    std::optional<p2p::PeerId> peer;
    if (auto it = f.find("peer"); it != f.end() && !it->is_null()) {
      if (!it->is_string())
        return RpcError::InvalidParams("\"peer\" must be a hex peer id or null");
      auto id = p2p::ParsePeerId(it->get<std::string>());
      if (!id.ok())
        return RpcError::InvalidParams("\"peer\": " + std::string(id.status().message()));
      peer = *id;
    }
    if (Status st = spec.Validate(); !st.ok())
      return RpcError::InvalidParams(std::string(st.message()));
    net->SetFault(peer, spec);
    return true;
  });
  m.Add("p2p_clearFaults", [self](const json&) -> MethodResult {
    p2p::Network* net = self->consensus ? self->consensus->network() : nullptr;
    if (!net) return NoNetwork();
    net->ClearFaults();
    return true;
  });
}

}  // namespace phalanx::node
