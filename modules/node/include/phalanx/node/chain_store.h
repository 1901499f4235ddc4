// Blocks, certificates, events and the transaction index in the key-value store. The writer
// only appends to a WriteBatch; the chain writes that batch together with the state changes.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "phalanx/store/kv_store.h"
#include "phalanx/types/block.h"
#include "phalanx/types/consensus_types.h"
#include "phalanx/types/event.h"

namespace phalanx::node {

struct HeadRecord {
  uint64_t height = 0;
  Hash32 hash{};
};

struct TxLocation {
  uint64_t height = 0;
  uint32_t index = 0;
};

class ChainStore {
 public:
  explicit ChainStore(const store::KvStore& kv) : kv_(kv) {}

  // Appends a block with its events and (when final) its commit certificate, the height index,
  // the transaction index and the new head record.
  static void AppendBlock(store::WriteBatch& batch, const types::Block& block, const Hash32& hash,
                          const std::vector<types::EventRecord>& events,
                          const types::CommitCertificate* certificate,
                          std::span<const Hash32> tx_hashes = {});
  static void AppendGenesisHash(store::WriteBatch& batch, const Hash32& genesis_hash);

  Result<std::optional<HeadRecord>> Head() const;
  Result<std::optional<Hash32>> GenesisHash() const;
  Result<std::optional<Hash32>> HashAtHeight(uint64_t height) const;
  Result<std::optional<types::Block>> BlockByHash(const Hash32& hash) const;
  Result<std::optional<types::Block>> BlockAtHeight(uint64_t height) const;
  Result<std::optional<types::CommitCertificate>> Certificate(uint64_t height) const;
  Result<std::optional<std::vector<types::EventRecord>>> Events(const Hash32& block_hash) const;
  Result<std::optional<TxLocation>> FindTransaction(const Hash32& tx_hash) const;

 private:
  const store::KvStore& kv_;
};

}  // namespace phalanx::node
