// MemoryStore: a KvStore kept in std::maps, for tests and tools. Same semantics as RocksDbStore
// (atomic batches, bytewise key order) except that nothing is persisted and iterators are not
// snapshots: each step re-finds its position under the lock, so concurrent writes are safe and
// may be visible to an open iterator.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <shared_mutex>
#include <string>

#include "phalanx/store/kv_store.h"

namespace phalanx::store {

class MemoryStore final : public KvStore {
 public:
  MemoryStore() = default;

  Result<std::optional<Bytes>> Get(Column column, ByteView key) const override;
  Status Write(WriteBatch&& batch, bool sync) override;
  std::unique_ptr<Iterator> NewIterator(Column column) const override;
  Status Flush() override { return Status::Ok(); }

  // Number of keys in `column` (for tests).
  size_t KeyCount(Column column) const;

 private:
  friend class MemoryIterator;
  using Map = std::map<std::string, std::string, std::less<>>;

  mutable std::shared_mutex mu_;
  std::array<Map, kColumnCount> columns_;  // guarded by mu_
};

}  // namespace phalanx::store
