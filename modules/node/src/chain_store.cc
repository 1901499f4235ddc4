// ChainStore: layout of blocks and their indexes in the store's columns.
//   kBlocks:       hash -> block;  'e' || hash -> events
//   kBlockIndex:   height (big-endian u64) -> hash
//   kCertificates: height (big-endian u64) -> commit certificate
//   kTxIndex:      tx hash -> height u64 || index u32
//   kMeta:         "head" -> height u64 || hash;  "genesis" -> hash
#include "phalanx/node/chain_store.h"

#include "phalanx/codec/decoder.h"
#include "phalanx/codec/encoder.h"

namespace phalanx::node {
namespace {

using store::Column;
constexpr std::string_view kHeadKey = "head";
constexpr std::string_view kGenesisKey = "genesis";

std::array<uint8_t, 8> HeightKey(uint64_t h) {
  std::array<uint8_t, 8> k;
  for (int i = 0; i < 8; ++i) k[i] = static_cast<uint8_t>(h >> (56 - 8 * i));
  return k;
}

Bytes EventsKey(const Hash32& hash) {
  Bytes k{'e'};
  k.insert(k.end(), hash.begin(), hash.end());
  return k;
}

template <typename T>
Result<std::optional<T>> GetDecoded(const store::KvStore& kv, Column col, ByteView key,
                                    std::string_view what) {
  ASSIGN_OR_RETURN(auto raw, kv.Get(col, key));
  if (!raw) return std::optional<T>();
  codec::Decoder d(*raw);
  auto v = d.Read<T>();
  if (!v.ok() || !d.AtEnd())
    return Corruption("stored " + std::string(what) + " does not decode" +
                      (v.ok() ? std::string(" (trailing bytes)") : ": " + v.status().ToString()) +
                      "; the database may be damaged — resync from a fresh --base-path");
  return std::optional<T>(std::move(v).value());
}

template <typename T>
Bytes Encode(const T& v) {
  codec::Encoder e;
  e.Write(v);
  return e.Take();
}

}  // namespace

void ChainStore::AppendBlock(store::WriteBatch& batch, const types::Block& block,
                             const Hash32& hash, const std::vector<types::EventRecord>& events,
                             const types::CommitCertificate* certificate,
                             std::span<const Hash32> tx_hashes) {
  uint64_t height = block.header.height;
  batch.Put(Column::kBlocks, hash.view(), Encode(block));
  batch.Put(Column::kBlocks, EventsKey(hash), Encode(events));
  auto hk = HeightKey(height);
  batch.Put(Column::kBlockIndex, hk, hash.view());
  if (certificate) batch.Put(Column::kCertificates, hk, Encode(*certificate));
  for (uint32_t i = 0; i < block.transactions.size(); ++i) {
    codec::Encoder e;
    e.WriteU64(height);
    e.WriteU32(i);
    // The producer knows the hashes already; re-encoding 10k transactions to hash them is not free.
    Hash32 tx_hash = i < tx_hashes.size() ? tx_hashes[i] : block.transactions[i].Hash();
    batch.Put(Column::kTxIndex, tx_hash.view(), e.Take());
  }
  codec::Encoder head;
  head.WriteU64(height);
  head.WriteFixed(hash);
  batch.Put(Column::kMeta, AsBytes(kHeadKey), head.Take());
}

void ChainStore::AppendGenesisHash(store::WriteBatch& batch, const Hash32& genesis_hash) {
  batch.Put(Column::kMeta, AsBytes(kGenesisKey), genesis_hash.view());
}

Result<std::optional<HeadRecord>> ChainStore::Head() const {
  ASSIGN_OR_RETURN(auto raw, kv_.Get(Column::kMeta, AsBytes(kHeadKey)));
  if (!raw) return std::optional<HeadRecord>();
  codec::Decoder d(*raw);
  HeadRecord h;
  auto height = d.ReadU64();
  auto hash = d.ReadFixed<32>();
  if (!height.ok() || !hash.ok() || !d.AtEnd())
    return Corruption("stored head record is malformed");
  h.height = *height;
  h.hash = *hash;
  return std::optional<HeadRecord>(h);
}

Result<std::optional<Hash32>> ChainStore::GenesisHash() const {
  ASSIGN_OR_RETURN(auto raw, kv_.Get(Column::kMeta, AsBytes(kGenesisKey)));
  if (!raw) return std::optional<Hash32>();
  if (raw->size() != 32) return Corruption("stored genesis hash is malformed");
  return std::optional<Hash32>(Hash32::FromView(*raw));
}

Result<std::optional<Hash32>> ChainStore::HashAtHeight(uint64_t height) const {
  ASSIGN_OR_RETURN(auto raw, kv_.Get(Column::kBlockIndex, HeightKey(height)));
  if (!raw) return std::optional<Hash32>();
  if (raw->size() != 32) return Corruption("stored block index entry is malformed");
  return std::optional<Hash32>(Hash32::FromView(*raw));
}

Result<std::optional<types::Block>> ChainStore::BlockByHash(const Hash32& hash) const {
  return GetDecoded<types::Block>(kv_, Column::kBlocks, hash.view(), "block");
}

Result<std::optional<types::Block>> ChainStore::BlockAtHeight(uint64_t height) const {
  ASSIGN_OR_RETURN(auto hash, HashAtHeight(height));
  if (!hash) return std::optional<types::Block>();
  return BlockByHash(*hash);
}

Result<std::optional<types::CommitCertificate>> ChainStore::Certificate(uint64_t height) const {
  return GetDecoded<types::CommitCertificate>(kv_, Column::kCertificates, HeightKey(height),
                                              "commit certificate");
}

Result<std::optional<std::vector<types::EventRecord>>> ChainStore::Events(
    const Hash32& block_hash) const {
  return GetDecoded<std::vector<types::EventRecord>>(kv_, Column::kBlocks, EventsKey(block_hash),
                                                     "events");
}

Result<std::optional<TxLocation>> ChainStore::FindTransaction(const Hash32& tx_hash) const {
  ASSIGN_OR_RETURN(auto raw, kv_.Get(Column::kTxIndex, tx_hash.view()));
  if (!raw) return std::optional<TxLocation>();
  codec::Decoder d(*raw);
  auto h = d.ReadU64();
  auto i = d.ReadU32();
  if (!h.ok() || !i.ok() || !d.AtEnd()) return Corruption("stored tx index entry is malformed");
  return std::optional<TxLocation>(TxLocation{*h, *i});
}

}  // namespace phalanx::node
