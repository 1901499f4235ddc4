// The Noise Protocol Framework (revision 34), just the parts Phalanx uses:
// Noise_XX_25519_ChaChaPoly_BLAKE2b, written on libsodium primitives. CipherState, SymmetricState
// and HandshakeState follow the spec's sections 5.1-5.3 one to one so the code can be read beside
// it; test/noise_test.cc checks it against the cacophony test vectors.
//
//   XX:  -> e
//        <- e, ee, s, es
//        -> s, se
#pragma once

#include <cstdint>
#include <optional>

#include "phalanx/base/bytes.h"
#include "phalanx/base/result.h"
#include "phalanx/crypto/x25519.h"

namespace phalanx::p2p::noise {

inline constexpr size_t kHashBytes = 64;             // BLAKE2b
inline constexpr size_t kKeyBytes = 32;              // ChaCha20-Poly1305
inline constexpr size_t kDhBytes = 32;               // X25519
inline constexpr uint64_t kMaxNonce = ~uint64_t{0};  // reserved: never used to encrypt
inline constexpr char kProtocolName[] = "Noise_XX_25519_ChaChaPoly_BLAKE2b";

using HashBytes = FixedBytes<kHashBytes>;
using Key = FixedBytes<kKeyBytes>;

// HMAC-BLAKE2b (RFC 2104, block length 128) and the spec's HKDF (section 4.3), exposed for tests.
HashBytes Hmac(ByteView key, ByteView data);
void Hkdf(const HashBytes& chaining_key, ByteView input_key_material, HashBytes& out1,
          HashBytes& out2);

// Section 5.1. Nonce = 32 zero bits then the 64-bit counter little-endian.
class CipherState {
 public:
  void InitializeKey(const Key& key) {
    key_ = key;
    has_key_ = true;
    nonce_ = 0;
  }
  bool HasKey() const { return has_key_; }
  uint64_t nonce() const { return nonce_; }
  void SetNonce(uint64_t nonce) { nonce_ = nonce; }

  // Writes plaintext.size() + 16 bytes to `out` (which may alias plaintext) and increments the
  // nonce. Without a key, copies the plaintext. FailedPrecondition once the nonce is exhausted.
  Status EncryptWithAd(ByteView ad, ByteView plaintext, uint8_t* out);
  // Writes ciphertext.size() - 16 bytes to `out` (may alias). PermissionDenied on a bad tag, and
  // then the nonce is not incremented (spec 5.1). Without a key, copies the input.
  Status DecryptWithAd(ByteView ad, ByteView ciphertext, uint8_t* out);

 private:
  Key key_;
  bool has_key_ = false;
  uint64_t nonce_ = 0;
};

// Section 5.2.
class SymmetricState {
 public:
  explicit SymmetricState(std::string_view protocol_name);
  void MixKey(ByteView input_key_material);
  void MixHash(ByteView data);
  // Appends the ciphertext to `out` and mixes it into h.
  Status EncryptAndHash(ByteView plaintext, Bytes& out);
  // Appends the plaintext to `out` and mixes the ciphertext into h.
  Status DecryptAndHash(ByteView ciphertext, Bytes& out);
  bool HasKey() const { return cipher_.HasKey(); }
  const HashBytes& handshake_hash() const { return h_; }
  // Returns (initiator->responder, responder->initiator) cipher states.
  std::pair<CipherState, CipherState> Split() const;

 private:
  CipherState cipher_;
  HashBytes ck_;
  HashBytes h_;
};

enum class Role : uint8_t { kInitiator, kResponder };

// The transport keys a finished handshake produces, oriented for the local side.
struct TransportState {
  CipherState send;
  CipherState receive;
  HashBytes handshake_hash;
  FixedBytes<32> remote_static;  // the peer's X25519 static key
};

// Section 5.3 for the XX pattern only. Messages are at most kNoiseMaxMessageBytes.
class HandshakeState {
 public:
  HandshakeState(Role role, const crypto::X25519KeyPair& static_key, ByteView prologue);
  // Test vectors fix the ephemeral key; real handshakes generate it when it is first needed.
  void SetEphemeralForTesting(const crypto::X25519KeyPair& ephemeral) { ephemeral_ = ephemeral; }

  Role role() const { return role_; }
  const FixedBytes<32>& local_static_public() const { return static_.public_key; }
  // True when the next step is WriteMessage (initiator: messages 0 and 2; responder: 1).
  bool IsMyTurn() const;
  bool Complete() const { return step_ == 3; }
  // Appends the next handshake message carrying `payload` (encrypted from message 1 on).
  Status WriteMessage(ByteView payload, Bytes& out);
  // Parses the peer's next handshake message and returns its payload. Any error (length,
  // small-order key, bad tag) is final: the handshake must be abandoned.
  Result<Bytes> ReadMessage(ByteView message);
  // The peer's static key, known after reading message 1 (initiator) or 2 (responder).
  const std::optional<FixedBytes<32>>& remote_static() const { return remote_static_; }
  // Valid once Complete().
  Result<TransportState> Finish() const;

 private:
  Status DhMix(const crypto::X25519KeyPair& local, const FixedBytes<32>& remote);

  Role role_;
  SymmetricState symmetric_;
  crypto::X25519KeyPair static_;
  std::optional<crypto::X25519KeyPair> ephemeral_;
  std::optional<FixedBytes<32>> remote_ephemeral_;
  std::optional<FixedBytes<32>> remote_static_;
  int step_ = 0;  // index of the next message of the pattern (0..2), 3 when complete
  bool failed_ = false;
};

}  // namespace phalanx::p2p::noise
