// Block sync: a node that is behind fetches blocks with their commit certificates from peers.
// Peers announce their head (Status) on connect and whenever it changes; while some peer is
// ahead, BlockSync keeps several GetBlocks requests in flight spread over the peers that have the
// range, buffers responses, checks that each block has the requested height and that its
// certificate names that height and the block's hash, and hands blocks to the sink strictly in
// order. A peer whose response is malformed or out of order, or whose block the sink rejects, is
// reported (and so scored and eventually banned); its range is requested again elsewhere.
// BlockSync also serves GetBlocks from a BlockSource. All methods run on the network thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include "phalanx/base/result.h"
#include "phalanx/p2p/network.h"
#include "phalanx/p2p/sync_messages.h"
#include "phalanx/types/block.h"

namespace phalanx::p2p {

// What the node serves from its store.
class BlockSource {
 public:
  virtual ~BlockSource() = default;
  // The last committed block (height 0 = only genesis). Called for every block handled, so it
  // must be cheap (an in-memory read).
  virtual SyncStatus Head() = 0;
  // The encoded block at `height` and its commit certificate; NotFound beyond the head.
  virtual Result<SyncBlock> GetBlockWithCert(uint64_t height) = 0;
};

// Where fetched blocks go: the node verifies the certificate against its validator set and
// applies the block. An error means the block is bad and its sender is penalized.
class BlockSink {
 public:
  virtual ~BlockSink() = default;
  virtual Status ApplyBlock(const types::Block& block, const types::CommitCertificate& cert) = 0;
};

struct SyncOptions {
  uint32_t blocks_per_request = 128;  // at most kMaxBlocksPerResponse
  int max_requests_per_peer = 4;
  int max_requests_in_flight = 16;
  uint32_t request_timeout_ms = 10'000;
};

struct SyncStats {
  uint64_t blocks_applied = 0;
  uint64_t blocks_served = 0;
  uint64_t requests_sent = 0;
  uint64_t requests_timed_out = 0;
  uint64_t bad_responses = 0;
  uint64_t best_peer_height = 0;
};

class BlockSync {
 public:
  BlockSync(PeerMessenger& messenger, BlockSource& source, BlockSink& sink,
            SyncOptions options = {});

  // Wire these to the NetworkHandler callbacks for Channel::kBlockSync.
  Verdict OnMessage(const PeerId& peer, ByteView payload);
  void OnPeerConnected(const PeerId& peer);
  void OnPeerDisconnected(const PeerId& peer);
  void OnTick(uint64_t now_ms);
  // The local head moved (consensus committed a block): sends Status to every known peer.
  void AnnounceHead();

  // True while some peer reports a height above the local head.
  bool Syncing();
  const SyncStats& stats() const { return stats_; }

 private:
  struct Request {
    PeerId peer;
    uint64_t from_height = 0;
    uint32_t count = 0;
    uint64_t sent_ms = 0;
  };
  struct Buffered {
    PeerId peer;
    types::Block block;
    types::CommitCertificate cert;
  };

  Verdict OnStatus(const PeerId& peer, const SyncStatus& status);
  Verdict OnGetBlocks(const PeerId& peer, const GetBlocks& request);
  Verdict OnBlocks(const PeerId& peer, Blocks response);
  void SendStatus(const PeerId& peer);
  void ApplyReady();
  void Schedule();
  // Forgets the requests and buffered blocks of `peer` so their ranges are fetched again.
  void DropPeerWork(const PeerId& peer);
  uint64_t LocalHeight();

  PeerMessenger& messenger_;
  BlockSource& source_;
  BlockSink& sink_;
  SyncOptions options_;
  SyncStats stats_;
  uint64_t now_ms_ = 0;
  std::map<PeerId, uint64_t> peer_heights_;
  std::map<uint64_t, Request> requests_;   // by from_height
  std::map<uint64_t, Buffered> buffered_;  // by height, above the local head
  uint64_t next_height_to_request_ = 0;    // 0: start at the local head + 1
};

}  // namespace phalanx::p2p
