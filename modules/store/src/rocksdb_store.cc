// RocksDbStore: column families, a shared block cache, bloom filters on point-lookup columns,
// bounded memtables, and the conversion of every rocksdb::Status into our Status.
#include "phalanx/store/rocksdb_store.h"

#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>
#include <rocksdb/write_buffer_manager.h>

#include <algorithm>
#include <cctype>
#include <string_view>

#include "phalanx/base/check.h"

namespace phalanx::store {
namespace {

rocksdb::Slice ToSlice(ByteView v) {
  return rocksdb::Slice(reinterpret_cast<const char*>(v.data()), v.size());
}
ByteView ToView(const rocksdb::Slice& s) {
  return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

bool ContainsLock(std::string_view message) {
  std::string lower(message);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find("lock") != std::string::npos;
}

// "<operation>: <rocksdb message>[ — <what to do>]" with a code the caller can branch on.
Status ToStatus(const rocksdb::Status& s, std::string_view operation) {
  if (s.ok()) return Status::Ok();
  std::string message = std::string(operation) + ": " + s.ToString();
  if (s.IsIOError() && ContainsLock(s.ToString())) {
    message += " — is another phalanx-node using this --base-path?";
    return Unavailable(std::move(message));
  }
  if (s.IsNoSpace()) {
    message += " — the disk is full; free space and restart";
    return IOError(std::move(message));
  }
  if (s.IsNotFound()) return NotFound(std::move(message));
  if (s.IsCorruption()) return Corruption(std::move(message));
  if (s.IsInvalidArgument()) return InvalidArgument(std::move(message));
  if (s.IsBusy() || s.IsTimedOut() || s.IsTryAgain()) return Unavailable(std::move(message));
  if (s.IsIOError()) return IOError(std::move(message));
  return Internal(std::move(message));
}

// Columns read by exact key get bloom filters; the stale index is only ever scanned.
bool IsPointLookupColumn(Column c) { return c != Column::kStaleNodes; }

// Columns written on every block get the large memtable.
bool IsHotColumn(Column c) {
  return c == Column::kTreeNodes || c == Column::kStaleNodes || c == Column::kFlatState ||
         c == Column::kStateValues;
}

bool Supported(rocksdb::CompressionType type) {
  static const std::vector<rocksdb::CompressionType> supported =
      rocksdb::GetSupportedCompressions();
  return std::find(supported.begin(), supported.end(), type) != supported.end();
}

rocksdb::ColumnFamilyOptions MakeColumnOptions(Column column, const RocksDbOptions& options,
                                               const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions cf;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  table.cache_index_and_filter_blocks = true;  // index/filter memory counts against the cache
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  table.format_version = 5;
  table.checksum = rocksdb::kXXH3;  // this build's crc32c is the slow portable one
  if (IsPointLookupColumn(column) && options.bloom_bits_per_key > 0) {
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(options.bloom_bits_per_key, false));
  }
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  cf.write_buffer_size =
      IsHotColumn(column) ? options.large_write_buffer_bytes : options.small_write_buffer_bytes;
  cf.max_write_buffer_number = 3;
  cf.level_compaction_dynamic_level_bytes = true;
  // Tree nodes are mostly hashes, which do not compress; everything else gets LZ4, and the
  // bottom level (most of the data) zstd when this RocksDB build has them.
  if (column == Column::kTreeNodes) {
    cf.compression = rocksdb::kNoCompression;
  } else {
    cf.compression = Supported(rocksdb::kLZ4Compression) ? rocksdb::kLZ4Compression
                                                         : rocksdb::kSnappyCompression;
    if (Supported(rocksdb::kZSTD)) cf.bottommost_compression = rocksdb::kZSTD;
  }
  return cf;
}

class RocksDbIterator final : public Iterator {
 public:
  RocksDbIterator(rocksdb::Iterator* it, std::string context)
      : it_(it), context_(std::move(context)) {}
  void SeekToFirst() override { it_->SeekToFirst(); }
  void Seek(ByteView target) override { it_->Seek(ToSlice(target)); }
  void Next() override {
    if (it_->Valid()) it_->Next();
  }
  bool Valid() const override { return it_->Valid(); }
  ByteView key() const override { return ToView(it_->key()); }
  ByteView value() const override { return ToView(it_->value()); }
  Status status() const override { return ToStatus(it_->status(), context_); }

 private:
  std::unique_ptr<rocksdb::Iterator> it_;
  std::string context_;  // "iterating <column> in RocksDB at <path>"
};

}  // namespace

Result<std::unique_ptr<RocksDbStore>> RocksDbStore::Open(const std::string& path,
                                                         const RocksDbOptions& options) {
  std::unique_ptr<RocksDbStore> store(new RocksDbStore());
  store->path_ = path;
  store->cache_ = rocksdb::NewLRUCache(options.block_cache_bytes);
  store->write_buffers_ =
      std::make_shared<rocksdb::WriteBufferManager>(options.write_buffer_total_bytes);

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = options.create_if_missing;
  db_options.create_missing_column_families = true;
  db_options.max_open_files = options.max_open_files;
  db_options.max_background_jobs = options.max_background_jobs;
  db_options.write_buffer_manager = store->write_buffers_;
  db_options.keep_log_file_num = 5;

  // RocksDB must be opened with every column family on disk, known to us or not.
  std::vector<std::string> existing;
  rocksdb::Status listed = rocksdb::DB::ListColumnFamilies(db_options, path, &existing);
  if (!listed.ok()) existing.clear();  // a new database: nothing to list yet

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (Column c : kAllColumns) {
    descriptors.emplace_back(std::string(ColumnName(c)),
                             MakeColumnOptions(c, options, store->cache_));
  }
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
  for (const std::string& name : existing) {
    bool known = std::any_of(descriptors.begin(), descriptors.end(),
                             [&](const auto& d) { return d.name == name; });
    if (!known) descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
  }

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, path, descriptors, &handles, &db);
  RETURN_IF_ERROR(ToStatus(s, "opening RocksDB at " + path));
  store->db_.reset(db);
  store->columns_.assign(handles.begin(), handles.begin() + kColumnCount);
  store->other_handles_.assign(handles.begin() + kColumnCount, handles.end());
  return store;
}

RocksDbStore::~RocksDbStore() {
  if (!db_) return;
  for (auto* h : columns_) db_->DestroyColumnFamilyHandle(h);
  for (auto* h : other_handles_) db_->DestroyColumnFamilyHandle(h);
  rocksdb::Status s = db_->Close();
  (void)s;  // nothing useful to do on a failed close in a destructor; the WAL has the data
}

Result<std::optional<Bytes>> RocksDbStore::Get(Column column, ByteView key) const {
  rocksdb::PinnableSlice value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), columns_[static_cast<size_t>(column)], ToSlice(key), &value);
  if (s.IsNotFound()) return std::optional<Bytes>();
  if (!s.ok()) {
    return ToStatus(s, "reading " + std::string(ColumnName(column)) + " from RocksDB at " + path_);
  }
  const auto* p = reinterpret_cast<const uint8_t*>(value.data());
  return std::optional<Bytes>(Bytes(p, p + value.size()));
}

Status RocksDbStore::Write(WriteBatch&& batch, bool sync) {
  // Memtables are skip lists: inserting keys in ascending order lets each insert start where the
  // previous one ended, which is several times faster than random order for the tens of thousands
  // of hash-ordered keys of a block. A stable sort by (column, key) keeps "later operations on
  // the same key win".
  std::vector<WriteBatch::Entry> entries;
  entries.reserve(batch.size());
  batch.ForEach([&](const WriteBatch::Entry& e) { entries.push_back(e); });
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    if (a.column != b.column) return a.column < b.column;
    return std::lexicographical_compare(a.key.begin(), a.key.end(), b.key.begin(), b.key.end());
  });
  rocksdb::WriteBatch rocks_batch(batch.bytes() + 16 * batch.size() + 64);
  rocksdb::Status s;
  for (const WriteBatch::Entry& e : entries) {
    auto* cf = columns_[static_cast<size_t>(e.column)];
    s = e.kind == WriteBatch::Kind::kPut ? rocks_batch.Put(cf, ToSlice(e.key), ToSlice(e.value))
                                         : rocks_batch.Delete(cf, ToSlice(e.key));
    if (!s.ok()) break;
  }
  RETURN_IF_ERROR(ToStatus(s, "building a RocksDB write batch"));
  rocksdb::WriteOptions write_options;
  write_options.sync = sync;
  return ToStatus(
      db_->Write(write_options, &rocks_batch),
      "writing a batch of " + std::to_string(batch.size()) + " operations to RocksDB at " + path_);
}

std::unique_ptr<Iterator> RocksDbStore::NewIterator(Column column) const {
  return std::make_unique<RocksDbIterator>(
      db_->NewIterator(rocksdb::ReadOptions(), columns_[static_cast<size_t>(column)]),
      "iterating " + std::string(ColumnName(column)) + " in RocksDB at " + path_);
}

Status RocksDbStore::Flush() {
  rocksdb::FlushOptions flush_options;
  flush_options.wait = true;
  return ToStatus(db_->Flush(flush_options, columns_), "flushing RocksDB at " + path_);
}

uint64_t RocksDbStore::MemoryUsageBytes() const {
  uint64_t total = cache_->GetUsage();
  for (auto* cf : columns_) {
    uint64_t v = 0;
    if (db_->GetIntProperty(cf, "rocksdb.cur-size-all-mem-tables", &v)) total += v;
    if (db_->GetIntProperty(cf, "rocksdb.estimate-table-readers-mem", &v)) total += v;
  }
  return total;
}

}  // namespace phalanx::store
