// Node keys on disk, peer id formatting, and the identity payload of the handshake.
#include "phalanx/p2p/identity.h"

#include <cstring>

#include "phalanx/crypto/random.h"
#include "phalanx/platform/files.h"

namespace phalanx::p2p {
namespace {

constexpr char kIdentityDomain[] = "phalanx/p2p/noise-static/v1";

Bytes IdentitySigningMessage(const FixedBytes<32>& noise_static) {
  Bytes msg(kIdentityDomain, kIdentityDomain + sizeof(kIdentityDomain) - 1);
  msg.insert(msg.end(), noise_static.begin(), noise_static.end());
  return msg;
}

}  // namespace

std::string PeerIdHex(const PeerId& id) { return ToHex(id); }

std::string ShortPeerId(const PeerId& id) { return ToHex(ByteView(id.data.data(), 4)); }

Result<PeerId> ParsePeerId(std::string_view hex) {
  if (hex.size() != 64) {
    return InvalidArgument("peer id must be 64 hex characters, got " + std::to_string(hex.size()));
  }
  return FixedFromHex<32>(hex);
}

Result<crypto::SigningKey> LoadOrCreateNodeKey(const std::filesystem::path& base_path) {
  const std::filesystem::path path = base_path / kNodeKeyFileName;
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    ASSIGN_OR_RETURN(std::string text, platform::ReadFile(path, 1024));
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
      text.pop_back();
    }
    Result<FixedBytes<32>> seed = FixedFromHex<32>(text);
    if (!seed.ok()) {
      return Corruption("node key file " + path.string() +
                        " is not 64 hex characters (delete it to create a new identity): " +
                        std::string(seed.status().message()));
    }
    return crypto::SigningKey::FromSeed(*seed);
  }
  RETURN_IF_ERROR(platform::CreateDirectories(base_path, 0700));
  crypto::SigningKey key = crypto::SigningKey::Generate();
  std::string text = ToHex(key.seed()) + "\n";
  Status written = platform::WriteFileAtomic(path, text, 0600);
  std::fill(text.begin(), text.end(), '\0');
  RETURN_IF_ERROR(written);
  return key;
}

Bytes MakeIdentityPayload(const crypto::SigningKey& node_key, const FixedBytes<32>& noise_static) {
  Bytes out;
  out.reserve(kIdentityPayloadBytes);
  out.push_back(kIdentityPayloadVersion);
  out.insert(out.end(), node_key.public_key().begin(), node_key.public_key().end());
  const crypto::Signature sig = node_key.Sign(IdentitySigningMessage(noise_static));
  out.insert(out.end(), sig.begin(), sig.end());
  return out;
}

Result<PeerId> VerifyIdentityPayload(ByteView payload, const FixedBytes<32>& noise_static) {
  if (payload.size() != kIdentityPayloadBytes) {
    return Corruption("identity payload of " + std::to_string(payload.size()) +
                      " bytes (expected " + std::to_string(kIdentityPayloadBytes) + ")");
  }
  if (payload[0] != kIdentityPayloadVersion) {
    return Corruption("identity payload version " + std::to_string(payload[0]) + " (expected " +
                      std::to_string(kIdentityPayloadVersion) + ")");
  }
  const PeerId id = PeerId::FromView(payload.subspan(1, 32));
  const crypto::Signature sig = crypto::Signature::FromView(payload.subspan(33, 64));
  if (!crypto::Verify(id, IdentitySigningMessage(noise_static), sig)) {
    return PermissionDenied("peer " + ShortPeerId(id) +
                            " did not sign its Noise static key with its node key");
  }
  return id;
}

}  // namespace phalanx::p2p
