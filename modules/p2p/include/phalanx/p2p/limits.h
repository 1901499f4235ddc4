// Named limits of the p2p layer. Every byte a peer sends is bounded by one of these before it is
// buffered or decoded; NetworkLimits holds the per-node tunables (defaults here), the rest are
// protocol constants. Each has its own test in test/limits_test.cc.
#pragma once

#include <cstddef>
#include <cstdint>

#include "phalanx/types/limits.h"

namespace phalanx::p2p {

// A Noise message (handshake or transport) is at most 65535 bytes (Noise spec section 3).
inline constexpr size_t kNoiseMaxMessageBytes = 65535;
inline constexpr size_t kNoiseTagBytes = 16;
// Plaintext carried by one transport message.
inline constexpr size_t kNoiseMaxPlaintextBytes = kNoiseMaxMessageBytes - kNoiseTagBytes;

// One application frame (channel byte + payload), reassembled from Noise messages. Must carry a
// Blocks response with one maximum-size block and its certificate.
inline constexpr size_t kMaxFrameBytes = types::kMaxBlockBytes + (size_t{1} << 20);
static_assert(kMaxFrameBytes > types::kMaxBlockBytes);

// Block sync: blocks requested or returned in one GetBlocks/Blocks exchange.
inline constexpr uint32_t kMaxBlocksPerResponse = 1024;
// A server stops adding blocks to a response once it holds this many bytes (it always sends at
// least one block, so a response is still bounded by kMaxFrameBytes).
inline constexpr size_t kTargetResponseBytes = size_t{4} << 20;

// Tunables with defaults; a Network rejects limits outside sane ranges at Start.
struct NetworkLimits {
  size_t max_frame_bytes = kMaxFrameBytes;
  int max_inbound_peers = 25;
  int max_outbound_peers = 25;
  // Connections still in the handshake, counted apart from peers so a flood of half-open
  // connections cannot crowd out established peers.
  int max_pending_handshakes = 32;
  // Encrypted bytes queued for one peer; a peer that does not read is disconnected (not banned)
  // when its queue passes this. At least max_frame_bytes so one maximal frame always fits.
  size_t max_pending_outbound_bytes_per_peer = size_t{96} << 20;
  uint32_t handshake_timeout_ms = 5'000;
  // Entries of the gossip seen-cache (hashes of relayed payloads), least recently used dropped.
  size_t seen_cache_entries = 65'536;
  // Peer scoring: a peer starts at 0 and is banned when its score falls to -ban_threshold.
  int ban_threshold = 100;
  uint32_t ban_duration_ms = 10 * 60 * 1000;
  // Entries in the ban list; the oldest ban is dropped when it is full.
  size_t max_bans = 4096;
  // Outbound reconnection backoff to bootnodes: doubles from min to max.
  uint32_t reconnect_min_ms = 250;
  uint32_t reconnect_max_ms = 30'000;
  // How often the handler's OnTick runs (block sync timeouts, score recovery).
  uint32_t tick_ms = 100;
  // Loopback addresses are never IP-banned unless this is set: localnets and tests run every
  // node on 127.0.0.1 and one misbehaving peer must not cut off the honest ones.
  bool ban_loopback_ips = false;
};

}  // namespace phalanx::p2p
