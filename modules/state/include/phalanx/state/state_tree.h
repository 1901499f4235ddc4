// StateTree: the authenticated, versioned state of the chain (a Jellyfish-style 16-ary sparse
// Merkle tree over BLAKE2b-256 key hashes), stored in a KvStore. One version per block height.
//
// Commit computes a new version into a caller-owned WriteBatch and writes nothing itself; the
// node appends the block and its indexes to the same batch and writes it atomically. StateTree
// keeps no state that depends on a batch being written: every read goes to the store, and its node
// cache is keyed by (version, path) and checked against the hash the parent expects, so nodes of a
// batch that was never written can never be served (docs/state.md explains why this is sound).
//
// Thread-safety: reads (RootAt, Get, GetAt, GetProof, LatestVersion) may run concurrently with
// each other and with one writer; Commit and Prune must not run concurrently with each other.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <utility>

#include "phalanx/base/bytes.h"
#include "phalanx/base/result.h"
#include "phalanx/state/proof.h"
#include "phalanx/store/kv_store.h"

namespace phalanx::state {

class NodeCache;
struct InternalNode;
struct NodeKey;

struct StateTreeOptions {
  // Decoded internal nodes kept in memory (LRU). The latest tree of 1M keys takes ~170 MiB (its
  // leaves live inside the nodes above them); a cache that holds it makes Commit read nothing from
  // the store (1M-key bench: 157k updates per CPU-second, vs 127k with 128 MiB).
  size_t node_cache_bytes = size_t{192} << 20;
};

// One change: key and new value, or std::nullopt to delete the key.
using StateChange = std::pair<Bytes, std::optional<Bytes>>;

struct CommitResult {
  uint64_t version = 0;
  Hash32 root;
  size_t nodes_written = 0;   // internal nodes and the root record
  size_t stale_entries = 0;   // nodes and values that become prunable at this version
  size_t values_written = 0;  // keys inserted or changed
  size_t values_deleted = 0;  // keys deleted that existed
  size_t unchanged = 0;       // sets to the current value and deletes of absent keys
};

class StateTree {
 public:
  explicit StateTree(const store::KvStore& store, const StateTreeOptions& options = {});
  ~StateTree();
  StateTree(const StateTree&) = delete;
  StateTree& operator=(const StateTree&) = delete;

  // The newest committed version, or std::nullopt before genesis (version 0) is committed.
  Result<std::optional<uint64_t>> LatestVersion() const;
  // The oldest version that can still be read (0 unless pruned).
  Result<uint64_t> OldestVersion() const;

  // The root hash of `version`. NotFound if it is not committed yet or was pruned.
  Result<Hash32> RootAt(uint64_t version) const;

  // Computes version `version` from version-1 (version 0 starts from the empty tree) by applying
  // `changes`, which must be sorted by key with unique keys, and PUTS into `batch`: the new tree
  // nodes, the stale-node index, the flat latest values, the value records and the new latest
  // version. `version` must be the latest committed version + 1 (0 for genesis), so a batch must
  // be written before version + 1 can be computed. Several candidate batches for one version may
  // be computed (proposals of different consensus rounds); whichever is written counts. Sets to
  // the current value and deletes of absent keys change nothing.
  Result<CommitResult> Commit(uint64_t version, std::span<const StateChange> changes,
                              store::WriteBatch& batch);

  // The latest committed value of `key` (flat table: one point read, no tree walk).
  Result<std::optional<Bytes>> Get(ByteView key) const;
  // The value of `key` at `version`, through the tree. NotFound if the version is not available.
  Result<std::optional<Bytes>> GetAt(ByteView key, uint64_t version) const;
  // A proof of the value of `key` at `version`, or of its absence.
  Result<Proof> GetProof(ByteView key, uint64_t version) const;

  // Puts into `batch` the deletion of every node and value that no version >= keep_from_version
  // uses. Once written, versions below keep_from_version can no longer be read. keep_from_version
  // may be at most the latest committed version.
  Status Prune(uint64_t keep_from_version, store::WriteBatch& batch);

  struct CacheStats {
    uint64_t hits = 0;
    uint64_t misses = 0;
    size_t bytes = 0;
    size_t nodes = 0;
  };
  CacheStats cache_stats() const;

 private:
  class Committer;
  struct Root;

  // The root record of `version`, or NotFound saying why the version cannot be read.
  Result<Root> ReadRoot(uint64_t version) const;
  Status VersionUnavailable(uint64_t version) const;
  // The internal node at `key`, which its parent says has hash `expected_hash`. With `take`, the
  // node is not left in (or added to) the cache: the caller is about to replace it.
  Result<std::shared_ptr<const InternalNode>> LoadNode(const NodeKey& key,
                                                       const Hash32& expected_hash,
                                                       bool take = false) const;
  // The value stored for `key_hash` at `value_version` (the version of its leaf).
  Result<Bytes> ReadValue(const Hash32& key_hash, uint64_t value_version) const;

  const store::KvStore& store_;
  std::unique_ptr<NodeCache> cache_;
};

}  // namespace phalanx::state
