// Encoding and decoding of tree nodes and records. Decoding is strict (exact length, consistent
// bitmaps) so that a corrupted database is reported rather than misread.
#include "node.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "phalanx/base/check.h"
#include "phalanx/codec/decoder.h"
#include "phalanx/codec/encoder.h"
#include "phalanx/state/hashing.h"

namespace phalanx::state {
namespace {

constexpr uint8_t kTagEmpty = 0;
constexpr uint8_t kTagLeaf = 1;
constexpr uint8_t kTagInternal = 2;

template <typename U>
void StoreLittleEndian(uint8_t* p, U v) {
  for (size_t i = 0; i < sizeof(U); ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

Result<InternalNode> DecodeInternalBody(codec::Decoder& d) {
  InternalNode node;
  ASSIGN_OR_RETURN(node.bitmap, d.ReadU16());
  ASSIGN_OR_RETURN(node.leaf_bitmap, d.ReadU16());
  if (node.bitmap == 0 || (node.leaf_bitmap & ~node.bitmap) != 0) {
    return Corruption("state tree node has inconsistent bitmaps");
  }
  const int count = std::popcount(node.bitmap);
  node.present.resize(count);
  std::array<Hash32, 16> hashes;
  int i = 0;
  for (uint8_t nibble = 0; nibble < 16; ++nibble) {
    if (!((node.bitmap >> nibble) & 1)) continue;
    InternalNode::Slot& c = node.present[i];
    ASSIGN_OR_RETURN(c.hash, d.ReadFixed<32>());
    if ((node.leaf_bitmap >> nibble) & 1) {
      ASSIGN_OR_RETURN(c.key_hash, d.ReadFixed<32>());
    }
    ASSIGN_OR_RETURN(c.version, d.ReadU64());
    hashes[i++] = c.hash;
  }
  node.hash = InternalHash(node.bitmap, std::span<const Hash32>(hashes.data(), count));
  return node;
}

}  // namespace

InternalNode InternalNode::FromChildren(const Children& children) {
  InternalNode node;
  std::array<Hash32, 16> hashes;
  node.present.reserve(std::count_if(children.begin(), children.end(),
                                     [](const Child& c) { return c.kind != ChildKind::kNone; }));
  for (uint8_t nibble = 0; nibble < 16; ++nibble) {
    const Child& c = children[nibble];
    if (c.kind == ChildKind::kNone) continue;
    node.bitmap |= uint16_t{1} << nibble;
    if (c.kind == ChildKind::kLeaf) node.leaf_bitmap |= uint16_t{1} << nibble;
    hashes[node.present.size()] = c.hash;
    node.present.push_back(InternalNode::Slot{c.hash, c.key_hash, c.version});
  }
  node.hash =
      InternalHash(node.bitmap, std::span<const Hash32>(hashes.data(), node.present.size()));
  return node;
}

Child InternalNode::At(uint8_t nibble) const {
  if (!((bitmap >> nibble) & 1)) return Child{};
  const Slot& s = present[std::popcount(static_cast<uint16_t>(bitmap & ((1u << nibble) - 1)))];
  const bool leaf = (leaf_bitmap >> nibble) & 1;
  return Child{leaf ? ChildKind::kLeaf : ChildKind::kInternal, s.version, s.hash,
               leaf ? s.key_hash : Hash32{}};
}

void InternalNode::Expand(Children& out) const {
  size_t i = 0;
  for (uint8_t nibble = 0; nibble < 16; ++nibble) {
    if (!((bitmap >> nibble) & 1)) {
      out[nibble] = Child{};
      continue;
    }
    const Slot& s = present[i++];
    const bool leaf = (leaf_bitmap >> nibble) & 1;
    out[nibble] = Child{leaf ? ChildKind::kLeaf : ChildKind::kInternal, s.version, s.hash,
                        leaf ? s.key_hash : Hash32{}};
  }
}

NodeKey NodeKey::Make(uint64_t version, size_t depth, const Hash32& path_source) {
  NodeKey k;
  k.version = version;
  k.depth = static_cast<uint8_t>(depth);
  std::memcpy(k.path.data(), path_source.data.data(), depth / 2);
  if (depth % 2) k.path[depth / 2] = path_source[depth / 2] & 0xf0;
  return k;
}

void SmallKey::Append(ByteView bytes) {
  PHX_CHECK(size_t{size} + bytes.size() <= data.size(), "SmallKey overflow");
  std::memcpy(data.data() + size, bytes.data(), bytes.size());
  size += static_cast<uint8_t>(bytes.size());
}

void SmallKey::AppendU64BigEndian(uint64_t v) {
  PHX_CHECK(size_t{size} + 8 <= data.size(), "SmallKey overflow");
  for (int shift = 56; shift >= 0; shift -= 8) data[size++] = static_cast<uint8_t>(v >> shift);
}

SmallKey NodeKey::Encode() const {
  SmallKey out;
  out.AppendU64BigEndian(version);
  out.data[out.size++] = depth;
  out.Append(ByteView(path.data(), (depth + 1) / 2));
  return out;
}

size_t NodeKeyHasher::operator()(const NodeKey& k) const {
  // splitmix64's finalizer over the version, depth and the first 16 path bytes (deeper nodes
  // are rare and differ from their neighbours in those bytes too).
  auto mix = [](uint64_t x) {
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
  };
  uint64_t a, b;
  std::memcpy(&a, k.path.data(), 8);
  std::memcpy(&b, k.path.data() + 8, 8);
  return static_cast<size_t>(mix(mix(mix(k.version ^ (uint64_t{k.depth} << 56)) ^ a) ^ b));
}

size_t EncodedInternalNodeBytes(const InternalNode& node) {
  const size_t leaves = std::popcount(node.leaf_bitmap);
  return 1 + 2 + 2 + node.present.size() * (32 + 8) + leaves * 32;
}

void EncodeInternalNode(const InternalNode& node, std::span<uint8_t> out) {
  PHX_CHECK(out.size() == EncodedInternalNodeBytes(node), "EncodeInternalNode: wrong size");
  uint8_t* p = out.data();
  *p++ = kTagInternal;
  StoreLittleEndian(p, node.bitmap);
  StoreLittleEndian(p + 2, node.leaf_bitmap);
  p += 4;
  size_t i = 0;
  for (uint8_t nibble = 0; nibble < 16; ++nibble) {
    if (!((node.bitmap >> nibble) & 1)) continue;
    const InternalNode::Slot& c = node.present[i++];
    std::memcpy(p, c.hash.data.data(), 32);
    p += 32;
    if ((node.leaf_bitmap >> nibble) & 1) {
      std::memcpy(p, c.key_hash.data.data(), 32);
      p += 32;
    }
    StoreLittleEndian(p, c.version);
    p += 8;
  }
}

Bytes EncodeInternalNode(const InternalNode& node) {
  Bytes out(EncodedInternalNodeBytes(node));
  EncodeInternalNode(node, out);
  return out;
}

Bytes EncodeRootRecord(const Child& root) {
  codec::Encoder e(1 + 32 + 32 + 8);
  if (root.kind == ChildKind::kNone) {
    e.WriteU8(kTagEmpty);
  } else {
    e.WriteU8(kTagLeaf);
    e.WriteFixed(root.key_hash);
    e.WriteFixed(root.hash);
    e.WriteU64(root.version);
  }
  return e.Take();
}

Result<InternalNode> DecodeInternalNode(ByteView bytes) {
  codec::Decoder d(bytes);
  ASSIGN_OR_RETURN(uint8_t tag, d.ReadU8());
  if (tag != kTagInternal) return Corruption("expected an internal state tree node");
  ASSIGN_OR_RETURN(InternalNode node, DecodeInternalBody(d));
  RETURN_IF_ERROR(d.ExpectEnd());
  return node;
}

Result<RootRecord> DecodeRootRecord(ByteView bytes, uint64_t version) {
  codec::Decoder d(bytes);
  ASSIGN_OR_RETURN(uint8_t tag, d.ReadU8());
  RootRecord record;
  switch (tag) {
    case kTagEmpty:
      break;
    case kTagLeaf: {
      record.root.kind = ChildKind::kLeaf;
      ASSIGN_OR_RETURN(record.root.key_hash, d.ReadFixed<32>());
      ASSIGN_OR_RETURN(record.root.hash, d.ReadFixed<32>());
      ASSIGN_OR_RETURN(record.root.version, d.ReadU64());
      break;
    }
    case kTagInternal: {
      ASSIGN_OR_RETURN(InternalNode node, DecodeInternalBody(d));
      record.root = Child{ChildKind::kInternal, version, node.hash, {}};
      record.node = std::make_shared<const InternalNode>(std::move(node));
      break;
    }
    default:
      return Corruption("unknown state root record tag " + std::to_string(tag));
  }
  RETURN_IF_ERROR(d.ExpectEnd());
  return record;
}

SmallKey ValueRecordKey(const Hash32& key_hash, uint64_t version) {
  SmallKey out;
  out.Append(key_hash.view());
  out.AppendU64BigEndian(version);
  return out;
}

Bytes EncodeValueRecord(ByteView key, ByteView value) {
  codec::Encoder e(key.size() + value.size() + 5);
  e.WriteBytes(key);
  e.WriteRaw(value);
  return e.Take();
}

Result<ValueRecord> DecodeValueRecord(ByteView bytes) {
  codec::Decoder d(bytes);
  ASSIGN_OR_RETURN(ByteView key, d.ReadBytesView(bytes.size()));
  ASSIGN_OR_RETURN(ByteView value, d.ReadRaw(d.remaining()));
  return ValueRecord{key, value};
}

SmallKey StaleKey(uint64_t stale_since, StaleKind kind, ByteView target) {
  SmallKey out;
  out.AppendU64BigEndian(stale_since);
  out.data[out.size++] = static_cast<uint8_t>(kind);
  out.Append(target);
  return out;
}

void PutU64BigEndian(Bytes& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}

Bytes U64BigEndian(uint64_t v) {
  Bytes out;
  out.reserve(8);
  PutU64BigEndian(out, v);
  return out;
}

Result<uint64_t> ReadU64BigEndian(ByteView bytes, std::string_view what) {
  if (bytes.size() != 8) {
    return Corruption(std::string(what) + " is " + std::to_string(bytes.size()) +
                      " bytes, expected 8");
  }
  uint64_t v = 0;
  for (uint8_t b : bytes) v = (v << 8) | b;
  return v;
}

}  // namespace phalanx::state
