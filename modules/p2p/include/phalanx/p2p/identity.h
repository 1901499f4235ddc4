// Peer identity: a node's ed25519 key (persisted in the base path as `node_key`), the peer id
// derived from it, and the handshake payload that binds a Noise static key to that identity.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "phalanx/base/bytes.h"
#include "phalanx/base/result.h"
#include "phalanx/crypto/ed25519.h"

namespace phalanx::p2p {

// A peer id is the node key's ed25519 public key.
using PeerId = crypto::PublicKey;

// 64 lowercase hex characters (the form bootnode addresses and logs use).
std::string PeerIdHex(const PeerId& id);
// The first 8 hex characters, for logs and tables.
std::string ShortPeerId(const PeerId& id);
Result<PeerId> ParsePeerId(std::string_view hex);

inline constexpr char kNodeKeyFileName[] = "node_key";
// Loads `<base_path>/node_key` (the 32-byte seed as hex), or creates it (mode 0600) with a fresh
// random key on first start. A file that exists but does not parse is an error, never replaced.
Result<crypto::SigningKey> LoadOrCreateNodeKey(const std::filesystem::path& base_path);

// The handshake payload: u8 version, ed25519 public key (32), signature (64) over
// "phalanx/p2p/noise-static/v1" || the sender's Noise static key.
inline constexpr uint8_t kIdentityPayloadVersion = 1;
inline constexpr size_t kIdentityPayloadBytes = 1 + 32 + 64;
Bytes MakeIdentityPayload(const crypto::SigningKey& node_key, const FixedBytes<32>& noise_static);
// Checks the payload's form and signature against the Noise static key the handshake
// authenticated; returns the peer id. PermissionDenied for a bad signature.
Result<PeerId> VerifyIdentityPayload(ByteView payload, const FixedBytes<32>& noise_static);

}  // namespace phalanx::p2p
