// Block sync messages, carried on Channel::kBlockSync in the canonical codec:
//   SyncMessage = variant(tag u8) { 0: Status, 1: GetBlocks, 2: Blocks }
//   Status    = { height u64, head_hash [32] }
//   GetBlocks = { from_height u64, max_count u32 }          (1..kMaxBlocksPerResponse)
//   Blocks    = { from_height u64, blocks vec<SyncBlock> }  (at most kMaxBlocksPerResponse)
//   SyncBlock = { block bytes (an encoded types::Block, <= kMaxBlockBytes), cert CommitCertificate
//   }
#pragma once

#include <variant>
#include <vector>

#include "phalanx/base/bytes.h"
#include "phalanx/base/result.h"
#include "phalanx/codec/codec.h"
#include "phalanx/types/consensus_types.h"

namespace phalanx::p2p {

struct SyncStatus {
  uint64_t height = 0;  // of the sender's last committed block (0: genesis only)
  Hash32 head_hash;
  void Encode(codec::Encoder& e) const;
  static Result<SyncStatus> Decode(codec::Decoder& d);
  bool operator==(const SyncStatus&) const = default;
};

struct GetBlocks {
  uint64_t from_height = 0;
  uint32_t max_count = 0;
  void Encode(codec::Encoder& e) const;
  static Result<GetBlocks> Decode(codec::Decoder& d);
  bool operator==(const GetBlocks&) const = default;
};

struct SyncBlock {
  Bytes block;  // encoded types::Block
  types::CommitCertificate cert;
  void Encode(codec::Encoder& e) const;
  static Result<SyncBlock> Decode(codec::Decoder& d);
  bool operator==(const SyncBlock&) const = default;
};

struct Blocks {
  uint64_t from_height = 0;
  std::vector<SyncBlock> blocks;  // consecutive heights from from_height
  void Encode(codec::Encoder& e) const;
  static Result<Blocks> Decode(codec::Decoder& d);
  bool operator==(const Blocks&) const = default;
};

using SyncMessage = std::variant<SyncStatus, GetBlocks, Blocks>;

Bytes EncodeSyncMessage(const SyncMessage& message);
// Enforces the limits above; trailing bytes are an error.
Result<SyncMessage> DecodeSyncMessage(ByteView bytes);

}  // namespace phalanx::p2p
