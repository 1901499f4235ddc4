// Specification of StateTree: roots, proofs, versions, pruning and crash safety, checked against
// a std::map model and an independent reference root computation (state_test_util.h).
#include "phalanx/state/state_tree.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "phalanx/store/memory_store.h"
#include "phalanx/store/rocksdb_store.h"
#include "state_test_util.h"

namespace phalanx::state {
namespace {

using namespace phalanx::state::testing;
using store::Column;
using store::MemoryStore;
using store::WriteBatch;

// A tree over a MemoryStore that commits and writes each version and keeps a model of every
// version.
class Chain {
 public:
  explicit Chain(StateTreeOptions options = {}) : tree_(store_, options) {}

  CommitResult Commit(const std::vector<StateChange>& changes) {
    WriteBatch batch;
    auto result = tree_.Commit(next_version_, changes, batch);
    PHX_CHECK(result.ok(), result.status().ToString());
    PHX_CHECK(store_.Write(std::move(batch), false).ok(), "write");
    Model model = models_.empty() ? Model{} : models_.back();
    ApplyToModel(model, changes);
    models_.push_back(std::move(model));
    ++next_version_;
    return *result;
  }

  StateTree& tree() { return tree_; }
  MemoryStore& store() { return store_; }
  const Model& model(uint64_t version) const { return models_.at(version); }
  uint64_t latest() const { return next_version_ - 1; }

 private:
  MemoryStore store_;
  StateTree tree_;
  std::vector<Model> models_;
  uint64_t next_version_ = 0;
};

std::vector<StateChange> RandomInserts(std::mt19937_64& rng, size_t count, uint64_t first_id) {
  std::map<Bytes, std::optional<Bytes>> m;
  for (size_t i = 0; i < count; ++i) m[Key(first_id + i)] = RandomValue(rng);
  return Changes(m);
}

void ExpectProves(const StateTree& tree, uint64_t version, const Hash32& root, const Bytes& key,
                  const std::optional<Bytes>& value) {
  auto proof = tree.GetProof(key, version);
  ASSERT_TRUE(proof.ok()) << proof.status().ToString();
  auto decoded = Proof::Decode(proof->Encode());
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  std::optional<ByteView> claimed;
  if (value) claimed = ByteView(*value);
  Status s = VerifyProof(root, key, claimed, *decoded);
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST(StateTree, EmptyTreeHasTheZeroRoot) {
  Chain chain;
  auto r = chain.Commit({});
  EXPECT_EQ(r.root, kEmptyRoot);
  EXPECT_EQ(*chain.tree().RootAt(0), kEmptyRoot);
  EXPECT_EQ(*chain.tree().GetAt(Key(1), 0), std::nullopt);
  ExpectProves(chain.tree(), 0, kEmptyRoot, Key(1), std::nullopt);
}

TEST(StateTree, RandomTreeProvesEveryKeyAndTheAbsenceOfOthers) {
  std::mt19937_64 rng(42);
  Chain chain;
  const auto changes = RandomInserts(rng, 2000, 0);
  const Hash32 root = chain.Commit(changes).root;
  EXPECT_EQ(root, ReferenceRoot(chain.model(0)));
  for (const auto& [key, value] : chain.model(0)) {
    ExpectProves(chain.tree(), 0, root, key, value);
    auto got = chain.tree().GetAt(key, 0);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(*got, value);
    EXPECT_EQ(*chain.tree().Get(key), value);
  }
  // Absent keys: proofs end in an empty child or in another key's leaf; both kinds must occur.
  size_t empty_ends = 0, leaf_ends = 0;
  for (uint64_t id = 10'000; id < 10'500; ++id) {
    ExpectProves(chain.tree(), 0, root, Key(id), std::nullopt);
    auto proof = chain.tree().GetProof(Key(id), 0);
    (proof->terminal == Proof::Terminal::kEmpty ? empty_ends : leaf_ends)++;
    EXPECT_EQ(*chain.tree().GetAt(Key(id), 0), std::nullopt);
  }
  EXPECT_GT(empty_ends, 0u);
  EXPECT_GT(leaf_ends, 0u);
}

TEST(StateTree, AnyFlippedBitInProofValueOrRootFailsVerification) {
  std::mt19937_64 rng(7);
  Chain chain;
  const Hash32 root = chain.Commit(RandomInserts(rng, 300, 0)).root;
  struct Case {
    Bytes key;
    std::optional<Bytes> value;
  };
  std::vector<Case> cases = {{Key(5), chain.model(0).at(Key(5))},
                             {Key(77), chain.model(0).at(Key(77))}};
  // One absence proof of each terminal kind.
  bool have_empty = false, have_leaf = false;
  for (uint64_t id = 1000; !(have_empty && have_leaf); ++id) {
    auto p = chain.tree().GetProof(Key(id), 0);
    bool empty = p->terminal == Proof::Terminal::kEmpty;
    if (empty ? !have_empty : !have_leaf) cases.push_back({Key(id), std::nullopt});
    (empty ? have_empty : have_leaf) = true;
  }
  for (const Case& c : cases) {
    const Bytes encoded = chain.tree().GetProof(c.key, 0)->Encode();
    std::optional<ByteView> value;
    if (c.value) value = ByteView(*c.value);
    ASSERT_TRUE(VerifyProof(root, c.key, value, *Proof::Decode(encoded)).ok());
    for (size_t bit = 0; bit < encoded.size() * 8; ++bit) {
      Bytes flipped = encoded;
      flipped[bit / 8] ^= uint8_t(1) << (bit % 8);
      auto proof = Proof::Decode(flipped);
      if (proof.ok()) {
        EXPECT_FALSE(VerifyProof(root, c.key, value, *proof).ok()) << "proof bit " << bit;
      }
    }
    const Proof proof = *Proof::Decode(encoded);
    for (size_t bit = 0; bit < 256; ++bit) {
      Hash32 bad_root = root;
      bad_root[bit / 8] ^= uint8_t(1) << (bit % 8);
      EXPECT_FALSE(VerifyProof(bad_root, c.key, value, proof).ok()) << "root bit " << bit;
    }
    if (c.value) {
      for (size_t bit = 0; bit < c.value->size() * 8; ++bit) {
        Bytes bad = *c.value;
        bad[bit / 8] ^= uint8_t(1) << (bit % 8);
        EXPECT_FALSE(VerifyProof(root, c.key, ByteView(bad), proof).ok()) << "value bit " << bit;
      }
      // And a present key cannot be proven absent with its own proof.
      EXPECT_FALSE(VerifyProof(root, c.key, std::nullopt, proof).ok());
    }
  }
}

TEST(StateTree, RootIsIndependentOfInsertionOrderAndBatchSplit) {
  std::mt19937_64 rng(3);
  Model target;
  for (uint64_t id = 0; id < 600; ++id) target[Key(id)] = RandomValue(rng);

  Chain one_batch;
  std::map<Bytes, std::optional<Bytes>> all(target.begin(), target.end());
  const Hash32 root = one_batch.Commit(Changes(all)).root;
  EXPECT_EQ(root, ReferenceRoot(target));

  // Random batches in a shuffled order, with detours: keys first written with other values,
  // extra keys inserted and deleted again later.
  for (int trial = 0; trial < 3; ++trial) {
    Chain split;
    std::vector<Bytes> keys;
    for (const auto& [k, v] : target) keys.push_back(k);
    std::shuffle(keys.begin(), keys.end(), rng);
    std::map<Bytes, std::optional<Bytes>> pending;
    for (size_t i = 0; i < keys.size(); ++i) {
      pending[keys[i]] = (rng() % 3 == 0) ? RandomValue(rng) : target.at(keys[i]);
      if (rng() % 5 == 0) pending[Key(5000 + i)] = RandomValue(rng);
      if (pending.size() >= 1 + rng() % 90 || i + 1 == keys.size()) {
        split.Commit(Changes(pending));
        pending.clear();
      }
    }
    // Repair: every key to its target value, every extra key deleted.
    for (const auto& [k, v] : split.model(split.latest())) {
      auto it = target.find(k);
      if (it == target.end()) {
        pending[k] = std::nullopt;
      } else if (it->second != v) {
        pending[k] = it->second;
      }
    }
    EXPECT_EQ(split.Commit(Changes(pending)).root, root) << "trial " << trial;
  }
}

TEST(StateTree, DeletingEveryKeyReturnsToTheEmptyRoot) {
  std::mt19937_64 rng(11);
  Chain chain;
  chain.Commit(RandomInserts(rng, 500, 0));
  // Delete in a few batches; every intermediate root matches the reference.
  std::vector<Bytes> keys;
  for (const auto& [k, v] : chain.model(0)) keys.push_back(k);
  std::shuffle(keys.begin(), keys.end(), rng);
  for (size_t start = 0; start < keys.size(); start += 120) {
    std::map<Bytes, std::optional<Bytes>> deletes;
    for (size_t i = start; i < std::min(keys.size(), start + 120); ++i)
      deletes[keys[i]] = std::nullopt;
    const CommitResult r = chain.Commit(Changes(deletes));
    EXPECT_EQ(r.root, ReferenceRoot(chain.model(chain.latest())));
    EXPECT_EQ(r.values_deleted, deletes.size());
  }
  EXPECT_EQ(*chain.tree().RootAt(chain.latest()), kEmptyRoot);
  EXPECT_EQ(chain.store().KeyCount(Column::kFlatState), 0u);
}

TEST(StateTree, NoOpChangesKeepTheRoot) {
  std::mt19937_64 rng(5);
  Chain chain;
  const Hash32 root = chain.Commit(RandomInserts(rng, 100, 0)).root;
  std::map<Bytes, std::optional<Bytes>> noops;
  noops[Key(3)] = chain.model(0).at(Key(3));  // same value
  noops[Key(999)] = std::nullopt;             // absent key
  const CommitResult r = chain.Commit(Changes(noops));
  EXPECT_EQ(r.root, root);
  EXPECT_EQ(r.unchanged, 2u);
  EXPECT_EQ(r.values_written, 0u);
  EXPECT_EQ(r.nodes_written, 1u);  // only the root record of the new version
  EXPECT_EQ(*chain.tree().RootAt(1), root);
  ExpectProves(chain.tree(), 1, root, Key(3), chain.model(0).at(Key(3)));
}

TEST(StateTree, CommitRejectsUnsortedOrDuplicateKeys) {
  Chain chain;
  WriteBatch batch;
  std::vector<StateChange> unsorted = {{Key(2), Bytes{1}}, {Key(1), Bytes{1}}};
  std::sort(unsorted.begin(), unsorted.end());
  std::swap(unsorted[0], unsorted[1]);
  auto r = chain.tree().Commit(0, unsorted, batch);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  std::vector<StateChange> duplicate = {{Key(1), Bytes{1}}, {Key(1), std::nullopt}};
  EXPECT_EQ(chain.tree().Commit(0, duplicate, batch).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(batch.empty());
}

TEST(StateTree, CommitRequiresConsecutiveVersions) {
  Chain chain;
  WriteBatch batch;
  auto r = chain.tree().Commit(1, {}, batch);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("the next version is 0"), std::string_view::npos);
  chain.Commit({});
  EXPECT_EQ(chain.tree().Commit(0, {}, batch).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(chain.tree().Commit(3, {}, batch).status().code(), StatusCode::kFailedPrecondition);
}

TEST(StateTree, ReadsOfUncommittedVersionsSayWhatIsAvailable) {
  Chain chain;
  auto none = chain.tree().RootAt(0);
  EXPECT_EQ(none.status().code(), StatusCode::kNotFound);
  EXPECT_NE(none.status().message().find("nothing is committed yet"), std::string_view::npos);
  chain.Commit({});
  auto future = chain.tree().GetAt(Key(1), 5);
  EXPECT_EQ(future.status().code(), StatusCode::kNotFound);
  EXPECT_NE(future.status().message().find("latest committed version is 0"), std::string_view::npos)
      << future.status().ToString();
}

TEST(StateTree, OldVersionsStayReadableUntilPrunedThenNotFound) {
  std::mt19937_64 rng(9);
  Chain chain;
  std::vector<Hash32> roots;
  roots.push_back(chain.Commit(RandomInserts(rng, 200, 0)).root);
  for (int v = 1; v < 8; ++v) {
    std::map<Bytes, std::optional<Bytes>> m;
    for (int i = 0; i < 40; ++i)
      m[Key(rng() % 300)] = (rng() % 4 == 0) ? std::nullopt : std::optional(RandomValue(rng));
    roots.push_back(chain.Commit(Changes(m)).root);
  }
  auto check_version = [&](uint64_t v) {
    EXPECT_EQ(*chain.tree().RootAt(v), roots[v]);
    EXPECT_EQ(roots[v], ReferenceRoot(chain.model(v)));
    for (uint64_t id = 0; id < 300; id += 7) {
      auto it = chain.model(v).find(Key(id));
      std::optional<Bytes> expected;
      if (it != chain.model(v).end()) expected = it->second;
      auto got = chain.tree().GetAt(Key(id), v);
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      EXPECT_EQ(*got, expected) << "version " << v << " key " << id;
      ExpectProves(chain.tree(), v, roots[v], Key(id), expected);
    }
  };
  for (uint64_t v = 0; v <= 7; ++v) check_version(v);

  WriteBatch prune;
  ASSERT_TRUE(chain.tree().Prune(5, prune).ok());
  ASSERT_TRUE(chain.store().Write(std::move(prune), false).ok());
  EXPECT_EQ(*chain.tree().OldestVersion(), 5u);
  for (uint64_t v = 5; v <= 7; ++v) check_version(v);
  for (uint64_t v = 0; v < 5; ++v) {
    auto r = chain.tree().GetAt(Key(1), v);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
    const std::string message(r.status().message());
    EXPECT_NE(message.find("state at version " + std::to_string(v) + " was pruned"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("run with --state-pruning archive"), std::string::npos);
    EXPECT_EQ(chain.tree().GetProof(Key(1), v).status().code(), StatusCode::kNotFound);
    EXPECT_EQ(chain.tree().RootAt(v).status().code(), StatusCode::kNotFound);
  }
  // Pruning again below the oldest kept version is a no-op; above the latest is refused.
  WriteBatch again;
  EXPECT_TRUE(chain.tree().Prune(3, again).ok());
  EXPECT_TRUE(again.empty());
  EXPECT_EQ(chain.tree().Prune(8, again).code(), StatusCode::kInvalidArgument);
}

TEST(StateTree, PruneKeepsExactlyWhatTheKeptVersionsUse) {
  // After pruning, kept versions read completely, the stale index holds only entries for the
  // kept range, and with only the latest version kept the store holds exactly one tree.
  std::mt19937_64 rng(21);
  Chain chain;
  chain.Commit(RandomInserts(rng, 300, 0));
  for (int v = 1; v < 10; ++v) {
    std::map<Bytes, std::optional<Bytes>> m;
    for (int i = 0; i < 50; ++i)
      m[Key(rng() % 400)] = (rng() % 3 == 0) ? std::nullopt : std::optional(RandomValue(rng));
    chain.Commit(Changes(m));
  }
  for (uint64_t keep_from : {3u, 6u, 9u}) {
    WriteBatch prune;
    ASSERT_TRUE(chain.tree().Prune(keep_from, prune).ok());
    ASSERT_TRUE(chain.store().Write(std::move(prune), false).ok());
    // Every stale entry left is for a node or value that a kept version still uses.
    auto it = chain.store().NewIterator(Column::kStaleNodes);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      uint64_t since = 0;
      for (int i = 0; i < 8; ++i) since = (since << 8) | it->key()[i];
      EXPECT_GT(since, keep_from) << "stale entry left behind";
      // Its target is still stored (it is needed by versions before `since`).
      const Column col = it->key()[8] == 0 ? Column::kTreeNodes : Column::kStateValues;
      auto target = chain.store().Get(col, it->key().subspan(9));
      EXPECT_TRUE(target.ok() && target->has_value());
    }
    for (uint64_t v = keep_from; v <= chain.latest(); ++v) {
      EXPECT_EQ(*chain.tree().RootAt(v), ReferenceRoot(chain.model(v)));
      for (const auto& [k, val] : chain.model(v)) {
        auto got = chain.tree().GetAt(k, v);
        ASSERT_TRUE(got.ok()) << got.status().ToString();
        EXPECT_EQ(*got, val);
      }
    }
  }
  // With only the latest version kept, the store holds exactly its tree: as many value records as
  // keys, and as many tree nodes as a fresh single-batch commit of the same state writes.
  Chain fresh;
  std::map<Bytes, std::optional<Bytes>> all(chain.model(chain.latest()).begin(),
                                            chain.model(chain.latest()).end());
  const CommitResult r = fresh.Commit(Changes(all));
  EXPECT_EQ(chain.store().KeyCount(Column::kStateValues), chain.model(chain.latest()).size());
  EXPECT_EQ(chain.store().KeyCount(Column::kTreeNodes), r.nodes_written);
  EXPECT_EQ(chain.store().KeyCount(Column::kStaleNodes), 0u);
}

TEST(StateTree, UnwrittenBatchLeavesTheStoreUnchangedAndTheNextCommitWorks) {
  std::mt19937_64 rng(13);
  Chain chain;
  chain.Commit(RandomInserts(rng, 400, 0));
  chain.Commit(RandomInserts(rng, 50, 400));
  const uint64_t base = chain.latest();
  auto count_all = [&] {
    std::vector<size_t> counts;
    for (Column c : store::kAllColumns) counts.push_back(chain.store().KeyCount(c));
    return counts;
  };
  const auto before = count_all();

  // Several speculative versions are computed (filling the node cache) and thrown away: updates,
  // inserts and deletes that the committed version will not make, or make differently.
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::map<Bytes, std::optional<Bytes>> m;
    for (int i = 0; i < 60; ++i) {
      const uint64_t id = rng() % 600;
      m[Key(id)] = (rng() % 4 == 0) ? std::nullopt : std::optional(RandomValue(rng));
    }
    WriteBatch discarded;
    ASSERT_TRUE(chain.tree().Commit(base + 1, Changes(m), discarded).ok());
    EXPECT_FALSE(discarded.empty());
  }
  EXPECT_EQ(count_all(), before);
  EXPECT_EQ(*chain.tree().LatestVersion(), base);
  EXPECT_EQ(chain.tree().RootAt(base + 1).status().code(), StatusCode::kNotFound);

  // The real next versions: every root and value matches the model, including subtrees that a
  // discarded attempt rewrote at the same (version, path).
  for (int v = 0; v < 4; ++v) {
    std::map<Bytes, std::optional<Bytes>> m;
    for (int i = 0; i < 60; ++i) {
      const uint64_t id = rng() % 600;
      m[Key(id)] = (rng() % 4 == 0) ? std::nullopt : std::optional(RandomValue(rng));
    }
    const CommitResult r = chain.Commit(Changes(m));
    ASSERT_EQ(r.root, ReferenceRoot(chain.model(chain.latest())));
  }
  for (uint64_t v = base; v <= chain.latest(); ++v) {
    for (uint64_t id = 0; id < 600; ++id) {
      auto it = chain.model(v).find(Key(id));
      auto got = chain.tree().GetAt(Key(id), v);
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      EXPECT_EQ(got->has_value(), it != chain.model(v).end());
      if (it != chain.model(v).end()) {
        EXPECT_EQ(**got, it->second);
      }
    }
  }
}

TEST(StateTree, OfTwoCandidateBatchesForOneVersionTheWrittenOneCounts) {
  // Consensus may execute two proposals at the same height (rounds 0 and 1) and then commit the
  // first. Both candidates rewrite the same (version, path) nodes with different contents; the
  // node cache holds the second, so it must not be served for the first.
  Chain chain;
  std::map<Bytes, std::optional<Bytes>> genesis, a, b;
  for (uint64_t id = 0; id < 64; ++id) {
    genesis[Key(id)] = Bytes{1};
    a[Key(id)] = Bytes{2};
    b[Key(id)] = Bytes{3};
  }
  chain.Commit(Changes(genesis));
  WriteBatch batch_a, batch_b;
  auto root_a = chain.tree().Commit(1, Changes(a), batch_a);
  auto root_b = chain.tree().Commit(1, Changes(b), batch_b);
  ASSERT_TRUE(root_a.ok() && root_b.ok());
  ASSERT_TRUE(chain.store().Write(std::move(batch_a), false).ok());
  Model model_a;
  for (const auto& [k, v] : a) model_a[k] = *v;

  EXPECT_EQ(*chain.tree().RootAt(1), root_a->root);
  for (uint64_t id = 0; id < 64; ++id) {
    EXPECT_EQ(*chain.tree().GetAt(Key(id), 1), Bytes{2});
    ExpectProves(chain.tree(), 1, root_a->root, Key(id), Bytes{2});
  }
  std::vector<StateChange> next = {{Key(0), Bytes{4}}};
  WriteBatch batch;
  auto r = chain.tree().Commit(2, next, batch);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ApplyToModel(model_a, next);
  EXPECT_EQ(r->root, ReferenceRoot(model_a));
}

TEST(StateTree, SmallNodeCacheGivesTheSameResults) {
  std::mt19937_64 rng(17);
  StateTreeOptions tiny;
  tiny.node_cache_bytes = 4096;
  Chain small(tiny), big;
  for (int v = 0; v < 5; ++v) {
    auto changes = RandomInserts(rng, 200, v * 150);
    EXPECT_EQ(small.Commit(changes).root, big.Commit(changes).root);
  }
  EXPECT_LE(small.tree().cache_stats().bytes, 4096u);
  EXPECT_GT(small.tree().cache_stats().misses, big.tree().cache_stats().misses);
}

TEST(StateTree, ConcurrentReadersSeeConsistentVersionsWhileCommitting) {
  std::mt19937_64 rng(23);
  Chain chain;
  chain.Commit(RandomInserts(rng, 500, 0));
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0}, proofs{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&, t] {
      std::mt19937_64 local(t);
      while (!stop) {
        auto latest = chain.tree().LatestVersion();
        if (!latest.ok() || !latest->has_value()) continue;
        auto root = chain.tree().RootAt(**latest);
        const Bytes key = Key(local() % 700);
        auto proof = chain.tree().GetProof(key, **latest);
        auto value = chain.tree().GetAt(key, **latest);
        if (!root.ok() || !proof.ok() || !value.ok()) {
          ++failures;
          continue;
        }
        std::optional<ByteView> v;
        if (value->has_value()) v = ByteView(**value);
        if (!VerifyProof(*root, key, v, *proof).ok()) ++failures;
        ++proofs;
      }
    });
  }
  for (int v = 1; v < 30; ++v) {
    std::map<Bytes, std::optional<Bytes>> m;
    for (int i = 0; i < 30; ++i) m[Key(rng() % 700)] = RandomValue(rng);
    chain.Commit(Changes(m));
  }
  while (proofs < 100) std::this_thread::yield();
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(StateTree, RandomHistoryMatchesTheModelAtEveryVersion) {
  // A long random history of inserts, updates and deletes; every version's root equals the
  // reference and sampled reads and proofs match the model.
  std::mt19937_64 rng(29);
  Chain chain;
  for (int v = 0; v < 40; ++v) {
    std::map<Bytes, std::optional<Bytes>> m;
    const int n = 1 + rng() % 80;
    for (int i = 0; i < n; ++i) {
      m[Key(rng() % 250)] = (rng() % 3 == 0) ? std::nullopt : std::optional(RandomValue(rng));
    }
    const Hash32 root = chain.Commit(Changes(m)).root;
    ASSERT_EQ(root, ReferenceRoot(chain.model(v))) << "version " << v;
  }
  for (int sample = 0; sample < 300; ++sample) {
    const uint64_t v = rng() % 40;
    const Bytes key = Key(rng() % 250);
    auto it = chain.model(v).find(key);
    std::optional<Bytes> expected;
    if (it != chain.model(v).end()) expected = it->second;
    EXPECT_EQ(*chain.tree().GetAt(key, v), expected);
    ExpectProves(chain.tree(), v, *chain.tree().RootAt(v), key, expected);
  }
}

TEST(StateTree, RocksDbReopenContinuesFromTheLastWrittenVersion) {
  TempDir dir;
  std::mt19937_64 rng(31);
  Model model;
  Hash32 root;
  {
    auto store = store::RocksDbStore::Open(dir.path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    StateTree tree(**store);
    for (uint64_t v = 0; v < 3; ++v) {
      auto changes = RandomInserts(rng, 300, v * 200);
      WriteBatch batch;
      auto r = tree.Commit(v, changes, batch);
      ASSERT_TRUE(r.ok());
      ASSERT_TRUE((*store)->Write(std::move(batch), true).ok());
      ApplyToModel(model, changes);
      root = r->root;
    }
    // A fourth version is computed but the process "dies" before writing it.
    WriteBatch lost;
    ASSERT_TRUE(tree.Commit(3, RandomInserts(rng, 50, 5000), lost).ok());
  }
  auto store = store::RocksDbStore::Open(dir.path());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  StateTree tree(**store);
  EXPECT_EQ(**tree.LatestVersion(), 2u);
  EXPECT_EQ(*tree.RootAt(2), root);
  EXPECT_EQ(root, ReferenceRoot(model));
  for (const auto& [k, v] : model) {
    EXPECT_EQ(*tree.Get(k), v);
    ExpectProves(tree, 2, root, k, v);
  }
  auto changes = RandomInserts(rng, 100, 100);
  WriteBatch batch;
  auto r = tree.Commit(3, changes, batch);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE((*store)->Write(std::move(batch), true).ok());
  ApplyToModel(model, changes);
  EXPECT_EQ(r->root, ReferenceRoot(model));
  EXPECT_EQ(*tree.GetAt(Key(150), 3), model.at(Key(150)));
}

}  // namespace
}  // namespace phalanx::state
