// KvStore: the storage interface the rest of the node is written against. Two implementations:
// RocksDbStore (rocksdb_store.h) for nodes and MemoryStore (memory_store.h) for tests.
#pragma once

#include <memory>
#include <optional>

#include "phalanx/base/bytes.h"
#include "phalanx/base/result.h"
#include "phalanx/base/status.h"
#include "phalanx/store/column.h"
#include "phalanx/store/write_batch.h"

namespace phalanx::store {

// Walks one column in ascending bytewise key order. Usage:
//   for (it->Seek(prefix); it->Valid() && StartsWith(it->key(), prefix); it->Next()) ...
//   RETURN_IF_ERROR(it->status());
// key() and value() are valid until the next Seek/Next. An iterator must not outlive its store.
class Iterator {
 public:
  virtual ~Iterator() = default;
  virtual void SeekToFirst() = 0;
  // Positions at the first key >= `target`.
  virtual void Seek(ByteView target) = 0;
  virtual void Next() = 0;
  virtual bool Valid() const = 0;
  virtual ByteView key() const = 0;
  virtual ByteView value() const = 0;
  // OK unless reading failed; when Valid() turns false, check it to tell "end" from "error".
  virtual Status status() const = 0;
};

// Thread-safety: every method may be called concurrently from several threads.
class KvStore {
 public:
  virtual ~KvStore() = default;

  // The value at `key`, std::nullopt if absent, or an error if the store could not be read.
  virtual Result<std::optional<Bytes>> Get(Column column, ByteView key) const = 0;
  // Applies every operation of `batch` atomically: after a crash either all or none are visible.
  // With `sync`, returns only once the batch is durable (fsync), so that a power loss cannot lose
  // it; without it, a process crash cannot lose it but a machine crash can.
  virtual Status Write(WriteBatch&& batch, bool sync) = 0;
  // An iterator over `column`. RocksDB iterators see a consistent snapshot as of their creation;
  // MemoryStore iterators see writes made after creation (see memory_store.h).
  virtual std::unique_ptr<Iterator> NewIterator(Column column) const = 0;
  // Persists in-memory buffers (memtables) to files, e.g. before a backup or a clean shutdown.
  virtual Status Flush() = 0;
};

}  // namespace phalanx::store
