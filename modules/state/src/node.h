// Storage layout of the state tree: node keys, the encoding of internal nodes and root records,
// value records, the stale index and metadata keys. Private to the state module; docs/state.md
// describes the same layout for people.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "phalanx/base/bytes.h"
#include "phalanx/base/result.h"

namespace phalanx::state {

enum class ChildKind : uint8_t { kNone, kLeaf, kInternal };

// One slot of an internal node (or the root slot). Leaves are stored inline in their parent: a
// leaf is only (key hash, leaf hash, version of its value), and keeping it in the parent means an
// update never reads a separate leaf record.
struct Child {
  ChildKind kind = ChildKind::kNone;
  uint64_t version = 0;  // internal: the child node's version; leaf: the version its value was set
  Hash32 hash;           // the subtree's hash (for a leaf, the leaf hash)
  Hash32 key_hash;       // leaves only

  bool operator==(const Child&) const = default;
};
using Children = std::array<Child, 16>;

struct InternalNode {
  // A present child without its kind (the bitmaps say it): 72 bytes instead of 80, which is most
  // of a cached node.
  struct Slot {
    Hash32 hash;
    Hash32 key_hash;  // leaves only
    uint64_t version;
  };

  uint16_t bitmap = 0;       // children present
  uint16_t leaf_bitmap = 0;  // present children that are leaves
  Hash32 hash;
  std::vector<Slot> present;  // in nibble order

  // Builds the node from its 16 slots and computes its hash.
  static InternalNode FromChildren(const Children& children);
  Child At(uint8_t nibble) const;
  void Expand(Children& out) const;
  // Approximate heap + object size, charged to the node cache.
  size_t MemoryBytes() const { return sizeof(InternalNode) + present.capacity() * sizeof(Slot); }
};

// A short storage key built without a heap allocation (a commit builds ~50k of them).
struct SmallKey {
  std::array<uint8_t, 56> data;
  uint8_t size = 0;

  void Append(ByteView bytes);
  void AppendU64BigEndian(uint64_t v);
  ByteView view() const { return ByteView(data.data(), size); }
  operator ByteView() const { return view(); }  // NOLINT: used wherever a key is expected
};

// Where a node lives: its version and its path (the first `depth` nibbles of any key hash below
// it; the rest of `path` is zero).
struct NodeKey {
  uint64_t version = 0;
  uint8_t depth = 0;
  std::array<uint8_t, 32> path{};

  static NodeKey Make(uint64_t version, size_t depth, const Hash32& path_source);
  // version (u64 big-endian) || depth (u8) || ceil(depth/2) path bytes.
  SmallKey Encode() const;
  bool operator==(const NodeKey&) const = default;
};
struct NodeKeyHasher {
  size_t operator()(const NodeKey& k) const;
};

// The record stored at (version, root path) for every committed version.
struct RootRecord {
  Child root;                                // kNone = empty tree
  std::shared_ptr<const InternalNode> node;  // set when root.kind == kInternal
};

size_t EncodedInternalNodeBytes(const InternalNode& node);
// Writes the encoding into `out`, which must be EncodedInternalNodeBytes(node) long.
void EncodeInternalNode(const InternalNode& node, std::span<uint8_t> out);
Bytes EncodeInternalNode(const InternalNode& node);
Bytes EncodeRootRecord(const Child& root);  // for an empty or single-leaf root
Result<InternalNode> DecodeInternalNode(ByteView bytes);
// `version` is the version the record was read at (the version of an internal root node).
Result<RootRecord> DecodeRootRecord(ByteView bytes, uint64_t version);

// Value records (column kStateValues): key_hash || version (u64 big-endian) ->
// compact(len(key)) || key || value.
SmallKey ValueRecordKey(const Hash32& key_hash, uint64_t version);
Bytes EncodeValueRecord(ByteView key, ByteView value);
struct ValueRecord {
  ByteView key;
  ByteView value;
};
Result<ValueRecord> DecodeValueRecord(ByteView bytes);

// Stale index (column kStaleNodes): stale_since (u64 big-endian) || kind || target key -> empty.
enum class StaleKind : uint8_t { kNode = 0, kValue = 1 };
SmallKey StaleKey(uint64_t stale_since, StaleKind kind, ByteView target);

// Metadata (column kMeta), values u64 big-endian.
inline constexpr std::string_view kLatestVersionKey = "state/latest_version";
inline constexpr std::string_view kOldestVersionKey = "state/oldest_version";

void PutU64BigEndian(Bytes& out, uint64_t v);
Bytes U64BigEndian(uint64_t v);
Result<uint64_t> ReadU64BigEndian(ByteView bytes, std::string_view what);

}  // namespace phalanx::state
