// MemoryStore: std::map per column behind a reader-writer lock.
#include "phalanx/store/memory_store.h"

#include <mutex>
#include <string_view>

namespace phalanx::store {
namespace {

std::string_view AsString(ByteView v) {
  return std::string_view(reinterpret_cast<const char*>(v.data()), v.size());
}
ByteView AsView(const std::string& s) {
  return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

}  // namespace

// Holds a copy of the current entry; every step takes the store's lock and finds the next key
// with a map search, so the iterator stays valid whatever is written meanwhile.
class MemoryIterator final : public Iterator {
 public:
  MemoryIterator(const MemoryStore& store, Column column) : store_(store), column_(column) {}

  void SeekToFirst() override { Seek({}); }
  void Seek(ByteView target) override {
    std::shared_lock lock(store_.mu_);
    const auto& map = store_.columns_[static_cast<size_t>(column_)];
    Load(map, map.lower_bound(AsString(target)));
  }
  void Next() override {
    if (!valid_) return;
    std::shared_lock lock(store_.mu_);
    const auto& map = store_.columns_[static_cast<size_t>(column_)];
    Load(map, map.upper_bound(key_));
  }
  bool Valid() const override { return valid_; }
  ByteView key() const override { return AsView(key_); }
  ByteView value() const override { return AsView(value_); }
  Status status() const override { return Status::Ok(); }

 private:
  void Load(const MemoryStore::Map& map, MemoryStore::Map::const_iterator it) {
    valid_ = it != map.end();
    if (valid_) {
      key_ = it->first;
      value_ = it->second;
    }
  }

  const MemoryStore& store_;
  const Column column_;
  bool valid_ = false;
  std::string key_;
  std::string value_;
};

Result<std::optional<Bytes>> MemoryStore::Get(Column column, ByteView key) const {
  std::shared_lock lock(mu_);
  const auto& map = columns_[static_cast<size_t>(column)];
  auto it = map.find(AsString(key));
  if (it == map.end()) return std::optional<Bytes>();
  return std::optional<Bytes>(Bytes(it->second.begin(), it->second.end()));
}

Status MemoryStore::Write(WriteBatch&& batch, bool /*sync*/) {
  std::unique_lock lock(mu_);
  batch.ForEach([this](const WriteBatch::Entry& e) {
    auto& map = columns_[static_cast<size_t>(e.column)];
    if (e.kind == WriteBatch::Kind::kPut) {
      map.insert_or_assign(std::string(AsString(e.key)), std::string(AsString(e.value)));
    } else {
      auto it = map.find(AsString(e.key));
      if (it != map.end()) map.erase(it);
    }
  });
  return Status::Ok();
}

std::unique_ptr<Iterator> MemoryStore::NewIterator(Column column) const {
  return std::make_unique<MemoryIterator>(*this, column);
}

size_t MemoryStore::KeyCount(Column column) const {
  std::shared_lock lock(mu_);
  return columns_[static_cast<size_t>(column)].size();
}

}  // namespace phalanx::store
