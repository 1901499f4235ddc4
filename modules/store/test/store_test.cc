// Specification of KvStore, run against both implementations, plus RocksDB-only behaviour
// (persistence, locking, crash survival).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "phalanx/store/memory_store.h"
#include "phalanx/store/rocksdb_store.h"

namespace phalanx::store {
namespace {

std::string S(ByteView v) { return std::string(v.begin(), v.end()); }

// A fresh directory under $TMPDIR, removed with the fixture.
class TempDir {
 public:
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "phx-store-XXXXXX").string();
    PHX_CHECK(mkdtemp(templ.data()) != nullptr, "mkdtemp failed");
    path_ = templ;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct MemoryFactory {
  std::unique_ptr<KvStore> Make() { return std::make_unique<MemoryStore>(); }
};
struct RocksFactory {
  TempDir dir;
  std::unique_ptr<KvStore> Make() {
    RocksDbOptions options;
    options.block_cache_bytes = 8 << 20;
    auto store = RocksDbStore::Open(dir.path() + "/db", options);
    PHX_CHECK(store.ok(), store.status().ToString());
    return std::move(store).value();
  }
};

template <typename Factory>
class KvStoreTest : public ::testing::Test {
 protected:
  KvStoreTest() : store_(factory_.Make()) {}
  Status Put(Column c, std::string_view k, std::string_view v) {
    WriteBatch b;
    b.Put(c, AsBytes(k), AsBytes(v));
    return store_->Write(std::move(b), false);
  }
  std::optional<std::string> Read(Column c, std::string_view k) {
    auto r = store_->Get(c, AsBytes(k));
    PHX_CHECK(r.ok(), r.status().ToString());
    if (!r->has_value()) return std::nullopt;
    return S(**r);
  }
  std::vector<std::string> Keys(Column c) {
    std::vector<std::string> out;
    auto it = store_->NewIterator(c);
    for (it->SeekToFirst(); it->Valid(); it->Next()) out.push_back(S(it->key()));
    EXPECT_TRUE(it->status().ok());
    return out;
  }

  Factory factory_;
  std::unique_ptr<KvStore> store_;
};

using Implementations = ::testing::Types<MemoryFactory, RocksFactory>;
class Names {
 public:
  template <typename T>
  static std::string GetName(int) {
    return std::is_same_v<T, MemoryFactory> ? "Memory" : "RocksDb";
  }
};
TYPED_TEST_SUITE(KvStoreTest, Implementations, Names);

TYPED_TEST(KvStoreTest, PutThenGetReturnsTheValue) {
  ASSERT_TRUE(this->Put(Column::kFlatState, "alice", "100").ok());
  EXPECT_EQ(this->Read(Column::kFlatState, "alice"), "100");
  ASSERT_TRUE(this->Put(Column::kFlatState, "alice", "90").ok());
  EXPECT_EQ(this->Read(Column::kFlatState, "alice"), "90");
}

TYPED_TEST(KvStoreTest, MissingKeyIsNulloptNotAnError) {
  EXPECT_EQ(this->Read(Column::kBlocks, "nothing"), std::nullopt);
}

TYPED_TEST(KvStoreTest, EmptyValueIsStoredAndDistinctFromAbsent) {
  ASSERT_TRUE(this->Put(Column::kMeta, "flag", "").ok());
  EXPECT_EQ(this->Read(Column::kMeta, "flag"), "");
}

TYPED_TEST(KvStoreTest, DeleteRemovesTheKey) {
  ASSERT_TRUE(this->Put(Column::kTxIndex, "tx", "1").ok());
  WriteBatch b;
  b.Delete(Column::kTxIndex, AsBytes("tx"));
  b.Delete(Column::kTxIndex, AsBytes("never-existed"));
  ASSERT_TRUE(this->store_->Write(std::move(b), false).ok());
  EXPECT_EQ(this->Read(Column::kTxIndex, "tx"), std::nullopt);
}

TYPED_TEST(KvStoreTest, ColumnsAreSeparateKeySpaces) {
  for (Column c : kAllColumns) {
    ASSERT_TRUE(this->Put(c, "k", std::string(ColumnName(c))).ok());
  }
  for (Column c : kAllColumns) EXPECT_EQ(this->Read(c, "k"), std::string(ColumnName(c)));
}

TYPED_TEST(KvStoreTest, BatchAppliesInOrderSoLaterOperationsWin) {
  WriteBatch b;
  b.Put(Column::kFlatState, AsBytes("a"), AsBytes("1"));
  b.Put(Column::kFlatState, AsBytes("a"), AsBytes("2"));
  b.Put(Column::kFlatState, AsBytes("b"), AsBytes("1"));
  b.Delete(Column::kFlatState, AsBytes("b"));
  b.Put(Column::kBlocks, AsBytes("h"), AsBytes("block"));
  EXPECT_EQ(b.size(), 5u);
  ASSERT_TRUE(this->store_->Write(std::move(b), true).ok());
  EXPECT_EQ(this->Read(Column::kFlatState, "a"), "2");
  EXPECT_EQ(this->Read(Column::kFlatState, "b"), std::nullopt);
  EXPECT_EQ(this->Read(Column::kBlocks, "h"), "block");
}

TYPED_TEST(KvStoreTest, IterationIsInBytewiseKeyOrder) {
  const std::vector<std::string> keys = {std::string("\xff", 1), "b",  "a", "ab",
                                         std::string("\0", 1),   "aa", "B"};
  WriteBatch b;
  for (const auto& k : keys) b.Put(Column::kBlockIndex, AsBytes(k), AsBytes("v" + k));
  ASSERT_TRUE(this->store_->Write(std::move(b), false).ok());
  std::vector<std::string> expected = keys;
  std::sort(expected.begin(), expected.end(), [](const std::string& x, const std::string& y) {
    return std::lexicographical_compare(x.begin(), x.end(), y.begin(), y.end(),
                                        [](char p, char q) { return uint8_t(p) < uint8_t(q); });
  });
  EXPECT_EQ(this->Keys(Column::kBlockIndex), expected);
  EXPECT_TRUE(this->Keys(Column::kBlocks).empty());
}

TYPED_TEST(KvStoreTest, SeekPositionsAtTheFirstKeyNotBelowTheTarget) {
  WriteBatch b;
  for (std::string k : {"p/1", "p/2", "p/3", "q/1"}) b.Put(Column::kMeta, AsBytes(k), AsBytes(k));
  ASSERT_TRUE(this->store_->Write(std::move(b), false).ok());
  auto it = this->store_->NewIterator(Column::kMeta);
  std::vector<std::string> prefix_scan;
  for (it->Seek(AsBytes("p/")); it->Valid() && S(it->key()).starts_with("p/"); it->Next()) {
    EXPECT_EQ(S(it->value()), S(it->key()));
    prefix_scan.push_back(S(it->key()));
  }
  EXPECT_EQ(prefix_scan, (std::vector<std::string>{"p/1", "p/2", "p/3"}));
  it->Seek(AsBytes("p/25"));
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(S(it->key()), "p/3");
  it->Seek(AsBytes("r"));
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().ok());
}

TYPED_TEST(KvStoreTest, ConcurrentReadersNeverSeeHalfABatch) {
  // The writer sets "a" then "b" to the same counter in one batch; a reader that reads "a" and
  // then "b" would see b < a if a batch were ever half-applied.
  std::atomic<bool> stop{false};
  std::atomic<int> violations{0}, reads{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      while (!stop) {
        auto a = this->store_->Get(Column::kFlatState, AsBytes("a"));
        auto b = this->store_->Get(Column::kFlatState, AsBytes("b"));
        if (!a.ok() || !b.ok()) {
          ++violations;
          continue;
        }
        int va = a->has_value() ? std::stoi(S(**a)) : -1;
        int vb = b->has_value() ? std::stoi(S(**b)) : -1;
        if (vb < va) ++violations;
        ++reads;
      }
    });
  }
  // Write until the readers have overlapped with many batches (threads may start late).
  for (int i = 0; i < 2000 || (reads.load() < 1000 && i < 10'000'000); ++i) {
    WriteBatch batch;
    batch.Put(Column::kFlatState, AsBytes("a"), AsBytes(std::to_string(i)));
    batch.Put(Column::kFlatState, AsBytes("b"), AsBytes(std::to_string(i)));
    ASSERT_TRUE(this->store_->Write(std::move(batch), false).ok());
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(violations.load(), 0);
  EXPECT_GT(reads.load(), 0);
}

TEST(WriteBatch, CountsOperationsAndPayloadBytes) {
  WriteBatch a;
  a.Put(Column::kMeta, AsBytes("key"), AsBytes("value"));
  a.Delete(Column::kMeta, AsBytes("gone"));
  EXPECT_EQ(a.size(), 2u);
  EXPECT_EQ(a.bytes(), 3u + 5u + 4u);
  WriteBatch b;
  b.Put(Column::kBlocks, AsBytes("x"), AsBytes("y"));
  a.Append(b);
  EXPECT_EQ(a.size(), 3u);
  std::vector<std::string> seen;
  a.ForEach([&](const WriteBatch::Entry& e) {
    seen.push_back(std::string(ColumnName(e.column)) + ":" + S(e.key) + "=" + S(e.value) +
                   (e.kind == WriteBatch::Kind::kDelete ? "(del)" : ""));
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"meta:key=value", "meta:gone=(del)", "blocks:x=y"}));
  std::span<uint8_t> filled = a.PutUninitialized(Column::kTreeNodes, AsBytes("n"), 3);
  filled[0] = 'a';
  filled[1] = 'b';
  filled[2] = 'c';
  std::string last;
  a.ForEach([&](const WriteBatch::Entry& e) { last = S(e.key) + "=" + S(e.value); });
  EXPECT_EQ(last, "n=abc");
  EXPECT_EQ(a.size(), 4u);
  a.Clear();
  EXPECT_TRUE(a.empty());
  EXPECT_EQ(a.bytes(), 0u);
}

TEST(RocksDbStore, ReopenKeepsEverythingWritten) {
  TempDir dir;
  {
    auto store = RocksDbStore::Open(dir.path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    WriteBatch b;
    for (Column c : kAllColumns) b.Put(c, AsBytes("k"), AsBytes(ColumnName(c)));
    ASSERT_TRUE((*store)->Write(std::move(b), true).ok());
  }
  auto store = RocksDbStore::Open(dir.path());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  for (Column c : kAllColumns) {
    auto v = (*store)->Get(c, AsBytes("k"));
    ASSERT_TRUE(v.ok() && v->has_value());
    EXPECT_EQ(S(**v), ColumnName(c));
  }
  EXPECT_GT((*store)->MemoryUsageBytes(), 0u);
}

TEST(RocksDbStore, FlushedDataIsStillReadable) {
  TempDir dir;
  auto store = RocksDbStore::Open(dir.path());
  ASSERT_TRUE(store.ok());
  WriteBatch b;
  b.Put(Column::kTreeNodes, AsBytes("n"), AsBytes("node"));
  ASSERT_TRUE((*store)->Write(std::move(b), false).ok());
  ASSERT_TRUE((*store)->Flush().ok());
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/CURRENT"));
  auto v = (*store)->Get(Column::kTreeNodes, AsBytes("n"));
  ASSERT_TRUE(v.ok() && v->has_value());
  EXPECT_EQ(S(**v), "node");
}

TEST(RocksDbStore, SecondOpenOfTheSamePathSaysTheLockIsHeldAndWhatToDo) {
  TempDir dir;
  auto first = RocksDbStore::Open(dir.path());
  ASSERT_TRUE(first.ok());
  auto second = RocksDbStore::Open(dir.path());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
  const std::string message(second.status().message());
  EXPECT_NE(message.find("opening RocksDB at " + dir.path()), std::string::npos) << message;
  EXPECT_NE(message.find("is another phalanx-node using this --base-path?"), std::string::npos)
      << message;
}

TEST(RocksDbStore, OpeningAMissingDatabaseWithoutCreateNamesThePath) {
  TempDir dir;
  RocksDbOptions options;
  options.create_if_missing = false;
  auto store = RocksDbStore::Open(dir.path() + "/absent", options);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find(dir.path() + "/absent"), std::string::npos);
}

TEST(RocksDbStore, SyncedBatchSurvivesKill9) {
  TempDir dir;
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child writes and then hangs, holding the database open, until it is killed.
    auto store = RocksDbStore::Open(dir.path());
    if (!store.ok()) _exit(1);
    WriteBatch b;
    b.Put(Column::kBlocks, AsBytes("block-1"), AsBytes("payload"));
    b.Put(Column::kMeta, AsBytes("height"), AsBytes("1"));
    if (!(*store)->Write(std::move(b), true).ok()) _exit(2);
    char done = 'x';
    if (write(ready[1], &done, 1) != 1) _exit(3);
    for (;;) pause();
  }
  close(ready[1]);
  char c = 0;
  ASSERT_EQ(read(ready[0], &c, 1), 1) << "child failed before writing";
  close(ready[0]);
  ASSERT_EQ(kill(child, SIGKILL), 0);
  int wstatus = 0;
  ASSERT_EQ(waitpid(child, &wstatus, 0), child);
  ASSERT_TRUE(WIFSIGNALED(wstatus));

  auto store = RocksDbStore::Open(dir.path());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto block = (*store)->Get(Column::kBlocks, AsBytes("block-1"));
  auto height = (*store)->Get(Column::kMeta, AsBytes("height"));
  ASSERT_TRUE(block.ok() && block->has_value());
  ASSERT_TRUE(height.ok() && height->has_value());
  EXPECT_EQ(S(**height), "1");
}

}  // namespace
}  // namespace phalanx::store
