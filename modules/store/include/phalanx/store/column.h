// The columns (RocksDB column families) of the node's database. Each column is a separate key
// space; the names are on disk, so they never change once released.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace phalanx::store {

enum class Column : uint8_t {
  kMeta,          // small records: latest state version, pruning point, chain metadata
  kTreeNodes,     // state tree nodes keyed by (version, nibble path)
  kStaleNodes,    // state pruning index: (stale_since_version, what) -> empty
  kFlatState,     // latest state: raw key -> value (fast reads without a tree walk)
  kBlocks,        // block hash -> encoded block
  kBlockIndex,    // height (big-endian) -> block hash
  kCertificates,  // height (big-endian) -> encoded commit certificate
  kTxIndex,       // tx hash -> (height, index)
  kStateValues,   // state values by (key hash, version set), for reads of old versions
  kCount,
};

inline constexpr size_t kColumnCount = static_cast<size_t>(Column::kCount);

// The on-disk column family name of `column`.
std::string_view ColumnName(Column column);

// Every column, in enum order.
inline constexpr std::array<Column, kColumnCount> kAllColumns = {
    Column::kMeta,         Column::kTreeNodes, Column::kStaleNodes,
    Column::kFlatState,    Column::kBlocks,    Column::kBlockIndex,
    Column::kCertificates, Column::kTxIndex,   Column::kStateValues,
};

}  // namespace phalanx::store
