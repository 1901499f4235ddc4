// Codec encodings of the block sync messages, with their limits (sync_messages.h).
#include "phalanx/p2p/sync_messages.h"

#include "phalanx/p2p/limits.h"
#include "phalanx/types/limits.h"

namespace phalanx::p2p {

void SyncStatus::Encode(codec::Encoder& e) const {
  e.WriteU64(height);
  e.WriteFixed(head_hash);
}

Result<SyncStatus> SyncStatus::Decode(codec::Decoder& d) {
  SyncStatus s;
  RETURN_IF_ERROR(d.ReadTo(s.height));
  RETURN_IF_ERROR(d.ReadTo(s.head_hash));
  return s;
}

void GetBlocks::Encode(codec::Encoder& e) const {
  e.WriteU64(from_height);
  e.WriteU32(max_count);
}

Result<GetBlocks> GetBlocks::Decode(codec::Decoder& d) {
  GetBlocks g;
  RETURN_IF_ERROR(d.ReadTo(g.from_height));
  const size_t at = d.offset();
  RETURN_IF_ERROR(d.ReadTo(g.max_count));
  if (g.max_count == 0) return d.Malformed(at, "GetBlocks.max_count is 0");
  if (g.max_count > kMaxBlocksPerResponse) {
    return LimitExceeded("GetBlocks.max_count " + std::to_string(g.max_count) +
                         " exceeds kMaxBlocksPerResponse " + std::to_string(kMaxBlocksPerResponse));
  }
  return g;
}

void SyncBlock::Encode(codec::Encoder& e) const {
  e.WriteBytes(block);
  e.Write(cert);
}

Result<SyncBlock> SyncBlock::Decode(codec::Decoder& d) {
  SyncBlock b;
  ASSIGN_OR_RETURN(b.block, d.ReadBytes(types::kMaxBlockBytes));
  RETURN_IF_ERROR(d.ReadTo(b.cert));
  return b;
}

void Blocks::Encode(codec::Encoder& e) const {
  e.WriteU64(from_height);
  e.WriteVector(blocks);
}

Result<Blocks> Blocks::Decode(codec::Decoder& d) {
  Blocks b;
  RETURN_IF_ERROR(d.ReadTo(b.from_height));
  ASSIGN_OR_RETURN(b.blocks, d.ReadVector<SyncBlock>(kMaxBlocksPerResponse));
  return b;
}

Bytes EncodeSyncMessage(const SyncMessage& message) {
  size_t reserve = 64;
  if (const Blocks* b = std::get_if<Blocks>(&message)) {
    for (const SyncBlock& sb : b->blocks)
      reserve += sb.block.size() + 64 + 72 * sb.cert.signatures.size();
  }
  return codec::EncodeToBytes(message, reserve);
}

Result<SyncMessage> DecodeSyncMessage(ByteView bytes) {
  return codec::DecodeAll<SyncMessage>(bytes);
}

}  // namespace phalanx::p2p
