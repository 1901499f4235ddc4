// RocksDbStore: the KvStore of a node, one RocksDB database with a column family per Column.
// Memory is bounded by the options below (one shared block cache, one budget for all memtables),
// so that RSS stays flat as the state grows.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "phalanx/store/kv_store.h"

namespace rocksdb {
class Cache;
class ColumnFamilyHandle;
class DB;
class WriteBufferManager;
}  // namespace rocksdb

namespace phalanx::store {

struct RocksDbOptions {
  // One LRU block cache shared by every column (data, index and filter blocks).
  size_t block_cache_bytes = size_t{64} << 20;
  // All memtables together; reaching it forces a flush.
  size_t write_buffer_total_bytes = size_t{128} << 20;
  // Memtable size of the columns written on every block (tree nodes, state, stale index).
  size_t large_write_buffer_bytes = size_t{32} << 20;
  // Memtable size of the other columns.
  size_t small_write_buffer_bytes = size_t{4} << 20;
  int bloom_bits_per_key = 10;
  int max_open_files = 512;  // stays well under the usual 1024 file-descriptor limit
  int max_background_jobs = 2;
  bool create_if_missing = true;
};

class RocksDbStore final : public KvStore {
 public:
  // Opens (or creates) the database at `path` with every Column's column family. Column families
  // found on disk that this version does not know are opened and left alone.
  static Result<std::unique_ptr<RocksDbStore>> Open(const std::string& path,
                                                    const RocksDbOptions& options = {});
  ~RocksDbStore() override;
  RocksDbStore(const RocksDbStore&) = delete;
  RocksDbStore& operator=(const RocksDbStore&) = delete;

  Result<std::optional<Bytes>> Get(Column column, ByteView key) const override;
  Status Write(WriteBatch&& batch, bool sync) override;
  std::unique_ptr<Iterator> NewIterator(Column column) const override;
  Status Flush() override;

  const std::string& path() const { return path_; }
  // Bytes held by the block cache, memtables and open table readers (for metrics).
  uint64_t MemoryUsageBytes() const;

 private:
  RocksDbStore() = default;

  std::string path_;
  std::shared_ptr<rocksdb::Cache> cache_;
  std::shared_ptr<rocksdb::WriteBufferManager> write_buffers_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> columns_;        // indexed by Column
  std::vector<rocksdb::ColumnFamilyHandle*> other_handles_;  // default and unknown families
};

}  // namespace phalanx::store
