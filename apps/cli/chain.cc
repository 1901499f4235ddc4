// Chain commands: balance, transfer, status, block show, tx show and raw rpc.
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "cli.h"
#include "phalanx/codec/codec.h"
#include "phalanx/types/amount.h"
#include "phalanx/types/transaction.h"

namespace phalanx::cli {
namespace {

using nlohmann::json;

Result<types::Balance> AmountField(const json& j, const char* field) {
  if (!j.contains(field) || !j[field].is_string())
    return Corruption(std::string("node answered without a decimal string \"") + field + "\"");
  return types::ParseU128(j[field].get<std::string>());
}

Result<Hash32> HashResult(const json& j) {
  if (!j.is_string()) return Corruption("node answered with a non-string hash");
  return FixedFromHex<32>(j.get<std::string>());
}

Result<uint64_t> HeightOf(const json& header) {
  if (!header.contains("height") || !header["height"].is_number_unsigned())
    return Corruption("node answered with a header without a height");
  return header["height"].get<uint64_t>();
}

// Waits for a watched transaction to reach a final status.
struct TxWatch {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<json> updates;
  bool done = false;
};

// An event record as {"tx_index":..,"event":{"name":..,"fields":{..}}}.
const json& EventOf(const json& record) {
  static const json kEmpty = json::object();
  return record.contains("event") ? record["event"] : kEmpty;
}

std::string DescribeEvent(const json& record) {
  const json& e = EventOf(record);
  std::string s = e.value("name", std::string("event"));
  if (e.contains("fields")) s += " " + e["fields"].dump();
  return s;
}

}  // namespace

void AddChainCommands(CLI::App& app, GlobalOptions& g, std::function<CommandResult()>& run) {
  auto* balance = app.add_subcommand("balance", "Show an account's balance");
  static std::string who;
  balance->add_option("account", who, "SS58 address, 0x public key, keystore key or dev account")
      ->required();
  balance->callback([&] {
    run = [&]() -> CommandResult {
      ASSIGN_OR_RETURN(types::AccountId id, ResolveAddress(g, who));
      ASSIGN_OR_RETURN(auto client, Connect(g));
      ASSIGN_OR_RETURN(json acct,
                       client->Call("balances_account", json::array({types::ToSs58(id)})));
      ASSIGN_OR_RETURN(types::Balance free, AmountField(acct, "free"));
      ASSIGN_OR_RETURN(types::Balance reserved, AmountField(acct, "reserved"));
      Output out;
      out.json = acct;
      out.json["address"] = types::ToSs58(id);
      out.text = "address:  " + types::ToSs58(id) + "\nfree:     " + types::FormatAmount(free) +
                 "\nreserved: " + types::FormatAmount(reserved) +
                 "\nnonce:    " + acct.value("nonce", json(0)).dump() + "\n";
      return out;
    };
  });

  auto* transfer =
      app.add_subcommand("transfer", "Transfer PHX and wait until the transfer is final");
  static std::string from, to, amount_text, tip_text = "0";
  static bool keep_alive = false, no_wait = false;
  static uint64_t mortality = 256;
  static int wait_s = 60;
  transfer
      ->add_option(
          "--from", from,
          "Sender: keystore key name/file, or a dev account (alice..ferdie) on a dev chain")
      ->required();
  transfer
      ->add_option("--to", to,
                   "Recipient: SS58 address, 0x public key, keystore key or dev account")
      ->required();
  transfer->add_option("--amount", amount_text, "Amount, e.g. \"1.5 PHX\"")->required();
  transfer->add_option("--tip", tip_text, "Tip for priority, e.g. \"0.01 PHX\"")
      ->capture_default_str();
  transfer->add_flag("--keep-alive", keep_alive,
                     "Fail rather than let the sender drop below the existential deposit");
  transfer->add_option("--mortality", mortality, "Blocks the transaction stays valid (0 = forever)")
      ->capture_default_str();
  transfer->add_flag("--no-wait", no_wait, "Return once the node accepted the transaction");
  transfer->add_option("--wait-timeout-s", wait_s, "Give up waiting for finality after this long")
      ->capture_default_str();
  transfer->callback([&] {
    run = [&]() -> CommandResult {
      ASSIGN_OR_RETURN(types::Balance amount, types::ParseAmount(amount_text));
      ASSIGN_OR_RETURN(types::Balance tip, types::ParseAmount(tip_text));
      ASSIGN_OR_RETURN(types::AccountId dest, ResolveAddress(g, to));
      ASSIGN_OR_RETURN(crypto::SigningKey key, ResolveSigner(g, from));
      ASSIGN_OR_RETURN(auto client, Connect(g));
      ASSIGN_OR_RETURN(json genesis_json, client->Call("chain_getBlockHash", json::array({0})));
      ASSIGN_OR_RETURN(Hash32 genesis, HashResult(genesis_json));
      ASSIGN_OR_RETURN(
          json nonce_json,
          client->Call("system_accountNextIndex", json::array({types::ToSs58(key.public_key())})));
      ASSIGN_OR_RETURN(json header, client->Call("chain_getHeader"));
      ASSIGN_OR_RETURN(uint64_t height, HeightOf(header));
      if (!nonce_json.is_number_unsigned())
        return Corruption("node answered with a non-numeric nonce");

      types::TransactionPayload payload;
      payload.signer = key.public_key();
      payload.nonce = nonce_json.get<uint64_t>();
      payload.tip = tip;
      payload.valid_until = mortality == 0 ? 0 : height + mortality;
      if (keep_alive)
        payload.call.value = types::calls::TransferKeepAlive{dest, amount};
      else
        payload.call.value = types::calls::Transfer{dest, amount};
      types::SignedTransaction tx = types::Sign(payload, key, genesis);
      std::string hex = ToHex0x(codec::EncodeToBytes(tx));
      std::string tx_hash = ToHex0x(tx.Hash());

      Output out;
      out.json = {{"hash", tx_hash},
                  {"from", types::ToSs58(key.public_key())},
                  {"to", types::ToSs58(dest)},
                  {"amount", types::U128ToString(amount)},
                  {"nonce", payload.nonce}};
      if (no_wait) {
        ASSIGN_OR_RETURN(json h, client->Call("author_submitExtrinsic", json::array({hex})));
        out.json["status"] = "submitted";
        out.text = "submitted " + h.get<std::string>() + "\n";
        return out;
      }
      auto watch = std::make_shared<TxWatch>();
      ASSIGN_OR_RETURN(
          std::string sub,
          client->Subscribe(
              "author_submitAndWatchExtrinsic", json::array({hex}), [watch](const json& update) {
                std::lock_guard lock(watch->mu);
                watch->updates.push_back(update);
                if (update.is_object() || update == "dropped" || update == "invalid") {
                  if (!update.contains("inBlock")) watch->done = true;
                }
                watch->cv.notify_all();
              }));
      (void)sub;
      json final_status;
      {
        std::unique_lock lock(watch->mu);
        if (!watch->cv.wait_for(lock, std::chrono::seconds(wait_s), [&] { return watch->done; }))
          return DeadlineExceeded("transaction " + tx_hash + " was not final after " +
                                  std::to_string(wait_s) +
                                  " s; check it later with `phalanx tx show " + tx_hash + "`");
        final_status = watch->updates.back();
      }
      if (!final_status.contains("finalized")) {
        std::string why = final_status.dump();
        return FailedPrecondition("transaction " + tx_hash +
                                  " did not make it into a block: " + why);
      }
      std::string block_hash = final_status["finalized"].get<std::string>();
      ASSIGN_OR_RETURN(json info, client->Call("chain_getTransaction", json::array({tx_hash})));
      out.json["status"] = "finalized";
      out.json["block_hash"] = block_hash;
      out.json["height"] = info.value("height", json(nullptr));
      out.json["events"] = info.value("events", json::array());
      bool failed = false;
      std::string reason;
      for (const auto& e : out.json["events"]) {
        const json& ev = EventOf(e);
        if (ev.value("name", "") == "system.ExtrinsicFailed") {
          failed = true;
          reason = ev.contains("fields") ? ev["fields"].value("error", "") : "";
        }
      }
      out.json["success"] = !failed;
      out.text = std::string(failed ? "FAILED: " + reason + "\n"
                                    : "transferred " + types::FormatAmount(amount) + " to " +
                                          types::ToSs58(dest) + "\n") +
                 "tx:    " + tx_hash + "\nblock: #" + out.json["height"].dump() + " " + block_hash +
                 "\n";
      if (failed)
        return FailedPrecondition("transfer " + tx_hash + " failed in block " + block_hash + ": " +
                                  reason);
      return out;
    };
  });

  auto* status = app.add_subcommand("status", "Show the node's chain, best and finalized block");
  status->callback([&] {
    run = [&]() -> CommandResult {
      ASSIGN_OR_RETURN(auto client, Connect(g));
      ASSIGN_OR_RETURN(json chain, client->Call("system_chain"));
      ASSIGN_OR_RETURN(json version, client->Call("system_version"));
      ASSIGN_OR_RETURN(json health, client->Call("system_health"));
      ASSIGN_OR_RETURN(json header, client->Call("chain_getHeader"));
      ASSIGN_OR_RETURN(json finalized, client->Call("chain_getFinalizedHead"));
      ASSIGN_OR_RETURN(json pending, client->Call("author_pendingExtrinsics"));
      Output out;
      out.json = {{"url", g.url},
                  {"chain", chain},
                  {"version", version},
                  {"health", health},
                  {"best", header},
                  {"finalized_hash", finalized},
                  {"pending_transactions", pending.size()}};
      out.text = "node:      " + g.url + " (phalanx-node " + version.get<std::string>() +
                 ")\nchain:     " + chain.get<std::string>() + "\nbest:      #" +
                 header.value("height", json(0)).dump() + " " +
                 header.value("hash", std::string("?")) +
                 "\nfinalized: " + finalized.get<std::string>() +
                 "\npending:   " + std::to_string(pending.size()) + " transactions\n";
      return out;
    };
  });

  auto* block = app.add_subcommand("block", "Inspect blocks");
  block->require_subcommand(1);
  auto* block_show =
      block->add_subcommand("show", "Show a block by height or hash (default: the best block)");
  static std::string block_id;
  block_show->add_option("block", block_id, "Height or 0x block hash");
  block_show->callback([&] {
    run = [&]() -> CommandResult {
      ASSIGN_OR_RETURN(auto client, Connect(g));
      json hash = nullptr;
      if (block_id.starts_with("0x")) {
        hash = block_id;
      } else if (!block_id.empty()) {
        uint64_t h = 0;
        auto [p, ec] = std::from_chars(block_id.data(), block_id.data() + block_id.size(), h);
        if (ec != std::errc() || p != block_id.data() + block_id.size())
          return InvalidArgument("block must be a height (number) or a 0x-hex hash, got '" +
                                 block_id + "'");
        ASSIGN_OR_RETURN(hash, client->Call("chain_getBlockHash", json::array({h})));
        if (hash.is_null()) return NotFound("no block at height " + block_id + " yet");
      }
      ASSIGN_OR_RETURN(json b, client->Call("chain_getBlock", json::array({hash})));
      ASSIGN_OR_RETURN(json events, client->Call("chain_getEvents", json::array({hash})));
      Output out;
      out.json = b;
      out.json["events"] = events;
      const json& h = b["block"]["header"];
      out.text = "block #" + h.value("height", json(0)).dump() + " " +
                 h.value("hash", std::string()) +
                 "\nparent:       " + h.value("parent_hash", std::string()) +
                 "\ntime_ms:      " + h.value("time_ms", json(0)).dump() +
                 "\nstate_root:   " + h.value("state_root", std::string()) +
                 "\ntransactions: " + std::to_string(b["block"]["extrinsics"].size()) +
                 "\nevents:       " + std::to_string(events.size()) + "\n";
      for (const auto& e : events) out.text += "  " + DescribeEvent(e) + "\n";
      return out;
    };
  });

  auto* tx = app.add_subcommand("tx", "Inspect transactions");
  tx->require_subcommand(1);
  auto* tx_show =
      tx->add_subcommand("show", "Show a transaction by hash, with its block and events");
  static std::string tx_id;
  tx_show->add_option("hash", tx_id, "0x transaction hash")->required();
  tx_show->callback([&] {
    run = [&]() -> CommandResult {
      ASSIGN_OR_RETURN(auto client, Connect(g));
      ASSIGN_OR_RETURN(json info, client->Call("chain_getTransaction", json::array({tx_id})));
      if (info.is_null()) return NotFound("no transaction " + tx_id + " in the chain or the pool");
      Output out;
      out.json = info;
      out.text = "tx " + info.value("hash", tx_id) +
                 "\nstatus: " + info.value("status", std::string()) + "\n";
      if (info.contains("height"))
        out.text += "block:  #" + info["height"].dump() + " " +
                    info.value("block_hash", std::string()) + " (index " + info["index"].dump() +
                    ")\n";
      if (info.contains("transaction")) out.text += "call:   " + info["transaction"].dump() + "\n";
      for (const auto& e : info.value("events", json::array()))
        out.text += "  " + DescribeEvent(e) + "\n";
      return out;
    };
  });

  auto* raw = app.add_subcommand("rpc", "Call any JSON-RPC method and print the result");
  static std::string method, params_text = "[]";
  raw->add_option("method", method, "Method name, e.g. system_health")->required();
  raw->add_option("params", params_text, "Parameters as a JSON array or object")
      ->capture_default_str();
  raw->callback([&] {
    run = [&]() -> CommandResult {
      json params = json::parse(params_text, nullptr, false);
      if (params.is_discarded() || !(params.is_array() || params.is_object()))
        return InvalidArgument("params must be a JSON array or object, e.g. '[\"5Grw...\"]'");
      ASSIGN_OR_RETURN(auto client, Connect(g));
      ASSIGN_OR_RETURN(json result, client->Call(method, params));
      Output out;
      out.json = result;
      out.text = result.dump(2) + "\n";
      return out;
    };
  });
}

}  // namespace phalanx::cli
