// Column family names. They are stored in the database, so renaming one loses its data.
#include "phalanx/store/column.h"

#include "phalanx/base/check.h"

namespace phalanx::store {

std::string_view ColumnName(Column column) {
  switch (column) {
    case Column::kMeta:
      return "meta";
    case Column::kTreeNodes:
      return "tree_nodes";
    case Column::kStaleNodes:
      return "stale_nodes";
    case Column::kFlatState:
      return "flat_state";
    case Column::kBlocks:
      return "blocks";
    case Column::kBlockIndex:
      return "block_index";
    case Column::kCertificates:
      return "certificates";
    case Column::kTxIndex:
      return "tx_index";
    case Column::kStateValues:
      return "state_values";
    case Column::kCount:
      break;
  }
  PHX_CHECK(false, "ColumnName: not a column");
  return "";
}

}  // namespace phalanx::store
