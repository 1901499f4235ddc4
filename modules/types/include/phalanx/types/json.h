// JSON views of the data model for RPC, CLI and the dashboard. Conventions: hashes, keys,
// signatures and raw bytes as "0x..." hex; u128 (balances) as decimal strings of base units
// (JSON numbers lose precision above 2^53); accounts as SS58 addresses; u64/u32 as numbers.
#pragma once

#include <nlohmann/json.hpp>

#include "phalanx/types/block.h"
#include "phalanx/types/call.h"
#include "phalanx/types/consensus_types.h"
#include "phalanx/types/event.h"
#include "phalanx/types/header.h"
#include "phalanx/types/transaction.h"

namespace phalanx::types {

// {"name": "balances.transfer", "module": 1, "index": 0, "args": {...}}
nlohmann::json ToJson(const Call& call);
// {"name": "balances.Transfer", "module": 1, "index": 0, "fields": {...}}
nlohmann::json ToJson(const Event& event);
// {"tx_index": 3 | null, "event": {...}}
nlohmann::json ToJson(const EventRecord& record);
nlohmann::json ToJson(const Header& header);  // includes "hash"
// {"hash", "signer", "nonce", "tip", "valid_until", "call", "signature"}
nlohmann::json ToJson(const SignedTransaction& tx);
// {"hash", "header", "transactions": [...], "last_commit": {...} | null}; transactions are
// full objects if `full_transactions`, otherwise their hashes.
nlohmann::json ToJson(const Block& block, bool full_transactions = false);
nlohmann::json ToJson(const CommitCertificate& cert);
nlohmann::json ToJson(const ValidatorSet& set);
nlohmann::json ToJson(const Vote& vote);

}  // namespace phalanx::types
