// WriteBatch: a list of puts and deletes over several columns that a KvStore applies atomically.
// A block is applied as one batch (state nodes, flat values, block, indexes, metadata), which is
// what makes a crash at any point restart at the last whole block.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "phalanx/base/bytes.h"
#include "phalanx/store/column.h"

namespace phalanx::store {

class WriteBatch {
 public:
  enum class Kind : uint8_t { kPut, kDelete };
  // One operation, viewing the batch's own buffer (valid while the batch is unchanged).
  struct Entry {
    Kind kind;
    Column column;
    ByteView key;
    ByteView value;  // empty for deletes
  };

  WriteBatch() = default;
  WriteBatch(WriteBatch&&) noexcept = default;
  WriteBatch& operator=(WriteBatch&&) noexcept = default;
  WriteBatch(const WriteBatch&) = delete;
  WriteBatch& operator=(const WriteBatch&) = delete;

  void Put(Column column, ByteView key, ByteView value);
  // Appends a put of a `value_bytes`-long value and returns the value's bytes for the caller to
  // fill (valid until the batch is next changed): encoders write straight into the batch.
  std::span<uint8_t> PutUninitialized(Column column, ByteView key, size_t value_bytes);
  void Delete(Column column, ByteView key);
  // Appends every operation of `other` after this batch's operations.
  void Append(const WriteBatch& other);
  void Clear();

  // Number of operations.
  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  // Bytes of keys and values (the payload; the in-memory framing is a few bytes more).
  size_t bytes() const { return payload_bytes_; }

  // Calls fn(const Entry&) for every operation in insertion order; later operations on the same
  // key win, as when the batch is applied.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    size_t pos = 0;
    while (pos < rep_.size()) fn(ReadEntry(pos));
  }

 private:
  // Decodes the entry at `pos` and advances it; the buffer is only written by this class.
  Entry ReadEntry(size_t& pos) const;

  // Records: [kind u8][column u8][key_len u32][value_len u32][key][value], host byte order.
  Bytes rep_;
  size_t count_ = 0;
  size_t payload_bytes_ = 0;
};

}  // namespace phalanx::store
