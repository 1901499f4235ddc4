// Noise_XX_25519_ChaChaPoly_BLAKE2b on libsodium: the CipherState, SymmetricState and
// HandshakeState objects of the Noise spec (rev 34, sections 4 and 5), XX pattern only.
#include "phalanx/p2p/noise.h"

#include <sodium.h>

#include <cstring>

#include "phalanx/base/check.h"
#include "phalanx/p2p/limits.h"

namespace phalanx::p2p::noise {
namespace {

constexpr size_t kBlockBytes = 128;  // BLAKE2b block length, for HMAC

void EnsureSodium() {
  static const bool ok = sodium_init() >= 0;
  PHX_CHECK(ok, "libsodium failed to initialize");
}

HashBytes Hash2(ByteView a, ByteView b) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, kHashBytes);
  crypto_generichash_update(&st, a.data(), a.size());
  crypto_generichash_update(&st, b.data(), b.size());
  HashBytes out;
  crypto_generichash_final(&st, out.data.data(), kHashBytes);
  return out;
}

void NonceBytes(uint64_t n, uint8_t out[12]) {
  std::memset(out, 0, 4);
  for (int i = 0; i < 8; ++i) out[4 + i] = static_cast<uint8_t>(n >> (8 * i));
}

}  // namespace

HashBytes Hmac(ByteView key, ByteView data) {
  EnsureSodium();
  PHX_CHECK(key.size() <= kBlockBytes, "HMAC key longer than a block");
  uint8_t ipad[kBlockBytes] = {};
  uint8_t opad[kBlockBytes] = {};
  std::memcpy(ipad, key.data(), key.size());
  std::memcpy(opad, key.data(), key.size());
  for (size_t i = 0; i < kBlockBytes; ++i) {
    ipad[i] ^= 0x36;
    opad[i] ^= 0x5c;
  }
  const HashBytes inner = Hash2(ByteView(ipad, kBlockBytes), data);
  HashBytes out = Hash2(ByteView(opad, kBlockBytes), inner.view());
  sodium_memzero(ipad, sizeof ipad);
  sodium_memzero(opad, sizeof opad);
  return out;
}

void Hkdf(const HashBytes& chaining_key, ByteView input_key_material, HashBytes& out1,
          HashBytes& out2) {
  HashBytes temp_key = Hmac(chaining_key.view(), input_key_material);
  const uint8_t one = 0x01;
  out1 = Hmac(temp_key.view(), ByteView(&one, 1));
  uint8_t buf[kHashBytes + 1];
  std::memcpy(buf, out1.data.data(), kHashBytes);
  buf[kHashBytes] = 0x02;
  out2 = Hmac(temp_key.view(), ByteView(buf, sizeof buf));
  sodium_memzero(temp_key.data.data(), kHashBytes);
  sodium_memzero(buf, sizeof buf);
}

Status CipherState::EncryptWithAd(ByteView ad, ByteView plaintext, uint8_t* out) {
  if (!has_key_) {
    if (!plaintext.empty()) std::memmove(out, plaintext.data(), plaintext.size());
    return Status::Ok();
  }
  if (nonce_ == kMaxNonce) return FailedPrecondition("noise: send nonce exhausted");
  uint8_t nonce[12];
  NonceBytes(nonce_, nonce);
  unsigned long long out_len = 0;
  crypto_aead_chacha20poly1305_ietf_encrypt(out, &out_len, plaintext.data(), plaintext.size(),
                                            ad.data(), ad.size(), nullptr, nonce, key_.data.data());
  ++nonce_;
  return Status::Ok();
}

Status CipherState::DecryptWithAd(ByteView ad, ByteView ciphertext, uint8_t* out) {
  if (!has_key_) {
    if (!ciphertext.empty()) std::memmove(out, ciphertext.data(), ciphertext.size());
    return Status::Ok();
  }
  if (ciphertext.size() < kNoiseTagBytes) {
    return Corruption("noise: ciphertext of " + std::to_string(ciphertext.size()) +
                      " bytes is shorter than the 16-byte tag");
  }
  if (nonce_ == kMaxNonce) return FailedPrecondition("noise: receive nonce exhausted");
  uint8_t nonce[12];
  NonceBytes(nonce_, nonce);
  unsigned long long out_len = 0;
  if (crypto_aead_chacha20poly1305_ietf_decrypt(out, &out_len, nullptr, ciphertext.data(),
                                                ciphertext.size(), ad.data(), ad.size(), nonce,
                                                key_.data.data()) != 0) {
    return PermissionDenied("noise: message authentication failed (bad MAC, wrong key or nonce)");
  }
  ++nonce_;
  return Status::Ok();
}

SymmetricState::SymmetricState(std::string_view protocol_name) {
  EnsureSodium();
  if (protocol_name.size() <= kHashBytes) {
    std::memcpy(h_.data.data(), protocol_name.data(), protocol_name.size());
  } else {
    crypto_generichash(h_.data.data(), kHashBytes,
                       reinterpret_cast<const uint8_t*>(protocol_name.data()), protocol_name.size(),
                       nullptr, 0);
  }
  ck_ = h_;
}

void SymmetricState::MixKey(ByteView input_key_material) {
  HashBytes temp_k;
  Hkdf(ck_, input_key_material, ck_, temp_k);
  cipher_.InitializeKey(Key::FromView(ByteView(temp_k.data.data(), kKeyBytes)));
  sodium_memzero(temp_k.data.data(), kHashBytes);
}

void SymmetricState::MixHash(ByteView data) { h_ = Hash2(h_.view(), data); }

Status SymmetricState::EncryptAndHash(ByteView plaintext, Bytes& out) {
  const size_t at = out.size();
  out.resize(at + plaintext.size() + (cipher_.HasKey() ? kNoiseTagBytes : 0));
  RETURN_IF_ERROR(cipher_.EncryptWithAd(h_.view(), plaintext, out.data() + at));
  MixHash(ByteView(out.data() + at, out.size() - at));
  return Status::Ok();
}

Status SymmetricState::DecryptAndHash(ByteView ciphertext, Bytes& out) {
  const size_t plain_size =
      cipher_.HasKey() ? ciphertext.size() - kNoiseTagBytes : ciphertext.size();
  if (cipher_.HasKey() && ciphertext.size() < kNoiseTagBytes) {
    return Corruption("noise: handshake field shorter than the tag");
  }
  const size_t at = out.size();
  out.resize(at + plain_size);
  Status s = cipher_.DecryptWithAd(h_.view(), ciphertext, out.data() + at);
  if (!s.ok()) {
    out.resize(at);
    return s;
  }
  MixHash(ciphertext);
  return Status::Ok();
}

std::pair<CipherState, CipherState> SymmetricState::Split() const {
  HashBytes k1, k2;
  Hkdf(ck_, ByteView(), k1, k2);
  std::pair<CipherState, CipherState> out;
  out.first.InitializeKey(Key::FromView(ByteView(k1.data.data(), kKeyBytes)));
  out.second.InitializeKey(Key::FromView(ByteView(k2.data.data(), kKeyBytes)));
  sodium_memzero(k1.data.data(), kHashBytes);
  sodium_memzero(k2.data.data(), kHashBytes);
  return out;
}

HandshakeState::HandshakeState(Role role, const crypto::X25519KeyPair& static_key,
                               ByteView prologue)
    : role_(role), symmetric_(kProtocolName), static_(static_key) {
  symmetric_.MixHash(prologue);
}

bool HandshakeState::IsMyTurn() const {
  if (Complete() || failed_) return false;
  const bool initiator_writes = step_ % 2 == 0;
  return initiator_writes == (role_ == Role::kInitiator);
}

Status HandshakeState::DhMix(const crypto::X25519KeyPair& local, const FixedBytes<32>& remote) {
  Result<FixedBytes<32>> shared = crypto::X25519(local.secret, remote);
  if (!shared.ok()) return PermissionDenied("noise: peer sent a small-order X25519 key");
  symmetric_.MixKey(shared->view());
  sodium_memzero(shared->data.data(), 32);
  return Status::Ok();
}

Status HandshakeState::WriteMessage(ByteView payload, Bytes& out) {
  if (!IsMyTurn()) return FailedPrecondition("noise: not this side's turn to write");
  const size_t start = out.size();
  Status s = [&]() -> Status {
    if (step_ == 0 || step_ == 1) {  // e (+ ee, s, es for the responder)
      if (!ephemeral_) ephemeral_ = crypto::X25519KeyPair::Generate();
      out.insert(out.end(), ephemeral_->public_key.begin(), ephemeral_->public_key.end());
      symmetric_.MixHash(ephemeral_->public_key.view());
      if (step_ == 1) {
        RETURN_IF_ERROR(DhMix(*ephemeral_, *remote_ephemeral_));                     // ee
        RETURN_IF_ERROR(symmetric_.EncryptAndHash(static_.public_key.view(), out));  // s
        RETURN_IF_ERROR(DhMix(static_, *remote_ephemeral_));                         // es
      }
    } else {  // step 2, initiator: s, se
      RETURN_IF_ERROR(symmetric_.EncryptAndHash(static_.public_key.view(), out));
      RETURN_IF_ERROR(DhMix(static_, *remote_ephemeral_));
    }
    return symmetric_.EncryptAndHash(payload, out);
  }();
  if (!s.ok()) {
    failed_ = true;
    return s;
  }
  if (out.size() - start > kNoiseMaxMessageBytes) {
    failed_ = true;
    return LimitExceeded("noise: handshake message over 65535 bytes");
  }
  ++step_;
  return Status::Ok();
}

Result<Bytes> HandshakeState::ReadMessage(ByteView message) {
  if (failed_ || Complete() || IsMyTurn()) {
    return FailedPrecondition("noise: not expecting a handshake message");
  }
  failed_ = true;  // cleared on success: any error below ends the handshake
  if (message.size() > kNoiseMaxMessageBytes) {
    return LimitExceeded("noise: handshake message over 65535 bytes");
  }
  size_t pos = 0;
  auto take = [&](size_t n) -> Result<ByteView> {
    if (message.size() - pos < n) {
      return Corruption("noise: handshake message " + std::to_string(step_) + " truncated (" +
                        std::to_string(message.size()) + " bytes)");
    }
    ByteView v = message.subspan(pos, n);
    pos += n;
    return v;
  };
  Bytes scratch;
  if (step_ == 0 || step_ == 1) {
    ASSIGN_OR_RETURN(ByteView re, take(kDhBytes));
    remote_ephemeral_ = FixedBytes<32>::FromView(re);
    symmetric_.MixHash(re);
    if (step_ == 1) {  // initiator reads e, ee, s, es
      RETURN_IF_ERROR(DhMix(*ephemeral_, *remote_ephemeral_));
      ASSIGN_OR_RETURN(ByteView rs, take(kDhBytes + kNoiseTagBytes));
      RETURN_IF_ERROR(symmetric_.DecryptAndHash(rs, scratch));
      remote_static_ = FixedBytes<32>::FromView(scratch);
      RETURN_IF_ERROR(DhMix(*ephemeral_, *remote_static_));
    }
  } else {  // responder reads s, se
    ASSIGN_OR_RETURN(ByteView rs, take(kDhBytes + kNoiseTagBytes));
    RETURN_IF_ERROR(symmetric_.DecryptAndHash(rs, scratch));
    remote_static_ = FixedBytes<32>::FromView(scratch);
    RETURN_IF_ERROR(DhMix(*ephemeral_, *remote_static_));
  }
  Bytes payload;
  RETURN_IF_ERROR(symmetric_.DecryptAndHash(message.subspan(pos), payload));
  failed_ = false;
  ++step_;
  return payload;
}

Result<TransportState> HandshakeState::Finish() const {
  if (!Complete()) return FailedPrecondition("noise: handshake not complete");
  auto [c1, c2] = symmetric_.Split();
  TransportState t;
  t.send = role_ == Role::kInitiator ? c1 : c2;
  t.receive = role_ == Role::kInitiator ? c2 : c1;
  t.handshake_hash = symmetric_.handshake_hash();
  t.remote_static = *remote_static_;
  return t;
}

}  // namespace phalanx::p2p::noise
