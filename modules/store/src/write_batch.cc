// WriteBatch keeps all operations in one flat buffer: a block's batch holds tens of thousands of
// small records, and one allocation for all of them is much cheaper than two per record.
#include "phalanx/store/write_batch.h"

#include <cstring>

#include "phalanx/base/check.h"

namespace phalanx::store {
namespace {

constexpr size_t kHeaderBytes = 1 + 1 + 4 + 4;

// Appends a record with room for a `value_bytes` value and returns the value's position.
uint8_t* AppendRecord(Bytes& rep, WriteBatch::Kind kind, Column column, ByteView key,
                      size_t value_bytes) {
  PHX_CHECK(column < Column::kCount, "WriteBatch: not a column");
  PHX_CHECK(key.size() <= UINT32_MAX && value_bytes <= UINT32_MAX, "WriteBatch: record too big");
  const size_t at = rep.size();
  rep.resize(at + kHeaderBytes + key.size() + value_bytes);
  uint8_t* p = rep.data() + at;
  p[0] = static_cast<uint8_t>(kind);
  p[1] = static_cast<uint8_t>(column);
  const uint32_t key_len = static_cast<uint32_t>(key.size());
  const uint32_t value_len = static_cast<uint32_t>(value_bytes);
  std::memcpy(p + 2, &key_len, 4);
  std::memcpy(p + 6, &value_len, 4);
  if (!key.empty()) std::memcpy(p + kHeaderBytes, key.data(), key.size());
  return p + kHeaderBytes + key.size();
}

}  // namespace

void WriteBatch::Put(Column column, ByteView key, ByteView value) {
  uint8_t* out = AppendRecord(rep_, Kind::kPut, column, key, value.size());
  if (!value.empty()) std::memcpy(out, value.data(), value.size());
  ++count_;
  payload_bytes_ += key.size() + value.size();
}

std::span<uint8_t> WriteBatch::PutUninitialized(Column column, ByteView key, size_t value_bytes) {
  uint8_t* out = AppendRecord(rep_, Kind::kPut, column, key, value_bytes);
  ++count_;
  payload_bytes_ += key.size() + value_bytes;
  return std::span<uint8_t>(out, value_bytes);
}

void WriteBatch::Delete(Column column, ByteView key) {
  AppendRecord(rep_, Kind::kDelete, column, key, 0);
  ++count_;
  payload_bytes_ += key.size();
}

void WriteBatch::Append(const WriteBatch& other) {
  rep_.insert(rep_.end(), other.rep_.begin(), other.rep_.end());
  count_ += other.count_;
  payload_bytes_ += other.payload_bytes_;
}

void WriteBatch::Clear() {
  rep_.clear();
  count_ = 0;
  payload_bytes_ = 0;
}

WriteBatch::Entry WriteBatch::ReadEntry(size_t& pos) const {
  const uint8_t* p = rep_.data() + pos;
  uint32_t key_len, value_len;
  std::memcpy(&key_len, p + 2, 4);
  std::memcpy(&value_len, p + 6, 4);
  Entry e{static_cast<Kind>(p[0]), static_cast<Column>(p[1]), ByteView(p + kHeaderBytes, key_len),
          ByteView(p + kHeaderBytes + key_len, value_len)};
  pos += kHeaderBytes + key_len + value_len;
  return e;
}

}  // namespace phalanx::store
