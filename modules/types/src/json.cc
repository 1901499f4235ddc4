// JSON views of calls, events, transactions, headers, blocks and consensus data.
#include "phalanx/types/json.h"

#include "phalanx/types/address.h"
#include "phalanx/types/amount.h"

namespace phalanx::types {
namespace {

using nlohmann::json;

json Amount(Balance v) { return U128ToString(v); }

json Args(const calls::Remark& c) { return {{"data", ToHex0x(c.data)}}; }
json Args(const calls::Transfer& c) {
  return {{"dest", ToSs58(c.dest)}, {"amount", Amount(c.amount)}};
}
json Args(const calls::TransferKeepAlive& c) {
  return {{"dest", ToSs58(c.dest)}, {"amount", Amount(c.amount)}};
}
json Args(const calls::TransferAll& c) {
  return {{"dest", ToSs58(c.dest)}, {"keep_alive", c.keep_alive}};
}
json Args(const calls::SetValidator& c) { return {{"key", ToSs58(c.key)}, {"power", c.power}}; }
json Args(const calls::ReportEquivocation& c) {
  return {{"vote_a", ToJson(c.vote_a)}, {"vote_b", ToJson(c.vote_b)}};
}

json Fields(const events::ExtrinsicSuccess& e) { return {{"tx_index", e.tx_index}}; }
json Fields(const events::ExtrinsicFailed& e) {
  return {{"tx_index", e.tx_index}, {"error", e.error}};
}
json Fields(const events::Remarked& e) {
  return {{"who", ToSs58(e.who)}, {"hash", ToHex0x(e.hash)}};
}
json Fields(const events::Transfer& e) {
  return {{"from", ToSs58(e.from)}, {"to", ToSs58(e.to)}, {"amount", Amount(e.amount)}};
}
json Fields(const events::Endowed& e) {
  return {{"account", ToSs58(e.account)}, {"amount", Amount(e.amount)}};
}
json Fields(const events::AccountReaped& e) {
  return {{"account", ToSs58(e.account)}, {"dust", Amount(e.dust)}};
}
json Fields(const events::Reserved& e) {
  return {{"who", ToSs58(e.who)}, {"amount", Amount(e.amount)}};
}
json Fields(const events::Unreserved& e) {
  return {{"who", ToSs58(e.who)}, {"amount", Amount(e.amount)}};
}
json Fields(const events::FeePaid& e) {
  return {{"who", ToSs58(e.who)},
          {"fee", Amount(e.fee)},
          {"tip", Amount(e.tip)},
          {"burned", Amount(e.burned)},
          {"to_treasury", Amount(e.to_treasury)}};
}

json Fields(const events::ValidatorUpdated& e) {
  return {{"validator", ToSs58(e.validator)},
          {"power", e.power},
          {"effective_height", e.effective_height}};
}
json Fields(const events::Equivocation& e) {
  return {{"validator", ToSs58(e.validator)},
          {"height", e.height},
          {"round", e.round},
          {"type", e.type == VoteType::kPrevote ? "prevote" : "precommit"}};
}

}  // namespace

json ToJson(const Call& call) {
  const RegistryEntry& entry = call.entry();
  return {{"name", entry.name},
          {"module", static_cast<int>(entry.module)},
          {"index", entry.index},
          {"args", std::visit([](const auto& c) { return Args(c); }, call.value)}};
}

json ToJson(const Event& event) {
  const RegistryEntry& entry = event.entry();
  return {{"name", entry.name},
          {"module", static_cast<int>(entry.module)},
          {"index", entry.index},
          {"fields", std::visit([](const auto& e) { return Fields(e); }, event.value)}};
}

json ToJson(const EventRecord& record) {
  return {{"tx_index", record.tx_index ? json(*record.tx_index) : json(nullptr)},
          {"event", ToJson(record.event)}};
}

json ToJson(const Header& h) {
  return {{"hash", ToHex0x(h.Hash())},
          {"parent_hash", ToHex0x(h.parent_hash)},
          {"height", h.height},
          {"time_ms", h.time_ms},
          {"proposer", ToSs58(h.proposer)},
          {"state_root", ToHex0x(h.state_root)},
          {"tx_root", ToHex0x(h.tx_root)},
          {"events_root", ToHex0x(h.events_root)},
          {"validators_hash", ToHex0x(h.validators_hash)},
          {"next_validators_hash", ToHex0x(h.next_validators_hash)},
          {"last_commit_hash", ToHex0x(h.last_commit_hash)}};
}

json ToJson(const SignedTransaction& tx) {
  const TransactionPayload& p = tx.payload;
  return {{"hash", ToHex0x(tx.Hash())},
          {"signer", ToSs58(p.signer)},
          {"nonce", p.nonce},
          {"tip", Amount(p.tip)},
          {"valid_until", p.valid_until},
          {"call", ToJson(p.call)},
          {"signature", ToHex0x(tx.signature)}};
}

json ToJson(const Block& block, bool full_transactions) {
  json txs = json::array();
  for (const SignedTransaction& tx : block.transactions)
    txs.push_back(full_transactions ? ToJson(tx) : json(ToHex0x(tx.Hash())));
  return {{"hash", ToHex0x(block.Hash())},
          {"header", ToJson(block.header)},
          {"transactions", std::move(txs)},
          {"last_commit", block.last_commit ? ToJson(*block.last_commit) : json(nullptr)}};
}

json ToJson(const CommitCertificate& cert) {
  json sigs = json::array();
  for (const CommitSignature& s : cert.signatures)
    sigs.push_back({{"validator_index", s.validator_index}, {"signature", ToHex0x(s.signature)}});
  return {{"hash", ToHex0x(cert.Hash())},
          {"height", cert.height},
          {"round", cert.round},
          {"block_hash", ToHex0x(cert.block_hash)},
          {"signatures", std::move(sigs)}};
}

json ToJson(const ValidatorSet& set) {
  json vals = json::array();
  for (const ValidatorInfo& v : set.validators)
    vals.push_back({{"account", ToSs58(v.public_key)}, {"power", v.power}});
  return {{"hash", ToHex0x(set.Hash())},
          {"total_power", set.TotalPower()},
          {"validators", std::move(vals)}};
}

json ToJson(const Vote& vote) {
  return {{"type", vote.type == VoteType::kPrevote ? "prevote" : "precommit"},
          {"height", vote.height},
          {"round", vote.round},
          {"block_hash", ToHex0x(vote.block_hash)},
          {"validator_index", vote.validator_index},
          {"signature", ToHex0x(vote.signature)}};
}

}  // namespace phalanx::types
