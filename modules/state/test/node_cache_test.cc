// NodeCache (private to the module): the open-addressing index must behave like a map through
// any mix of puts, gets, takes, growth and eviction, and must never serve a node whose hash
// differs from the one the caller expects.
#include "../src/node_cache.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace phalanx::state {
namespace {

std::shared_ptr<const InternalNode> MakeNode(uint64_t tag, size_t children = 1) {
  auto node = std::make_shared<InternalNode>();
  node->hash[0] = static_cast<uint8_t>(tag);
  node->hash[1] = static_cast<uint8_t>(tag >> 8);
  node->hash[2] = static_cast<uint8_t>(tag >> 16);
  node->present.resize(children);
  return node;
}

NodeKey KeyOf(uint64_t id) {
  Hash32 path;
  path[0] = static_cast<uint8_t>(id);
  path[1] = static_cast<uint8_t>(id >> 8);
  return NodeKey::Make(id % 7, 4, path);  // depth 4 keeps both path bytes: ids stay distinct
}

TEST(NodeCache, RandomPutsGetsAndTakesMatchAMap) {
  NodeCache cache(size_t{1} << 40);    // never evicts
  std::map<uint64_t, uint64_t> model;  // id -> tag of the cached node
  std::mt19937_64 rng(1);
  for (int step = 0; step < 200'000; ++step) {
    const uint64_t id = rng() % 3000;  // ~2000 live entries: several growths and long clusters
    const uint64_t tag = rng() % 1'000'000;
    const NodeKey key = KeyOf(id);
    switch (rng() % 4) {
      case 0:
      case 1:
        cache.Put(key, MakeNode(tag));
        model[id] = tag;
        break;
      case 2: {
        auto it = model.find(id);
        auto got = cache.Get(key, it == model.end() ? Hash32{} : MakeNode(it->second)->hash);
        ASSERT_EQ(got != nullptr, it != model.end()) << "step " << step;
        break;
      }
      case 3: {
        auto it = model.find(id);
        auto got = cache.Take(key, it == model.end() ? Hash32{} : MakeNode(it->second)->hash);
        ASSERT_EQ(got != nullptr, it != model.end()) << "step " << step;
        if (it != model.end()) model.erase(it);
        break;
      }
    }
    ASSERT_EQ(cache.size(), model.size()) << "step " << step;
  }
  for (const auto& [id, tag] : model) {
    ASSERT_NE(cache.Get(KeyOf(id), MakeNode(tag)->hash), nullptr);
  }
}

TEST(NodeCache, NodeWithAnotherHashIsAMiss) {
  NodeCache cache(1 << 20);
  cache.Put(KeyOf(1), MakeNode(5));
  EXPECT_EQ(cache.Get(KeyOf(1), MakeNode(6)->hash), nullptr);
  EXPECT_EQ(cache.Take(KeyOf(1), MakeNode(6)->hash), nullptr);
  EXPECT_NE(cache.Get(KeyOf(1), MakeNode(5)->hash), nullptr);
  EXPECT_EQ(cache.misses(), 2u);
  EXPECT_EQ(cache.hits(), 1u);
}

TEST(NodeCache, EvictsLeastRecentlyUsedWithinTheByteBudget) {
  const size_t one = MakeNode(0, 16)->MemoryBytes() + 128;
  NodeCache cache(10 * one);
  for (uint64_t id = 0; id < 10; ++id) cache.Put(KeyOf(id), MakeNode(id, 16));
  EXPECT_EQ(cache.size(), 10u);
  ASSERT_NE(cache.Get(KeyOf(0), MakeNode(0)->hash), nullptr);  // 0 becomes most recent
  cache.Put(KeyOf(10), MakeNode(10, 16));                      // evicts 1, the oldest
  EXPECT_LE(cache.bytes(), 10 * one);
  EXPECT_NE(cache.Get(KeyOf(0), MakeNode(0)->hash), nullptr);
  EXPECT_EQ(cache.Get(KeyOf(1), MakeNode(1)->hash), nullptr);
  EXPECT_NE(cache.Get(KeyOf(2), MakeNode(2)->hash), nullptr);
  for (uint64_t id = 100; id < 200; ++id) cache.Put(KeyOf(id), MakeNode(id, 16));
  EXPECT_EQ(cache.size(), 10u);
  EXPECT_LE(cache.bytes(), 10 * one);
}

TEST(NodeCache, ZeroCapacityCachesNothing) {
  NodeCache cache(0);
  cache.Put(KeyOf(1), MakeNode(1));
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.Get(KeyOf(1), MakeNode(1)->hash), nullptr);
}

}  // namespace
}  // namespace phalanx::state
