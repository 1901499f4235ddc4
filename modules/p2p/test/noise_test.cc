// The Noise XX handshake against the cacophony test vector for
// Noise_XX_25519_ChaChaPoly_BLAKE2b, and its failure modes: tampering, replay, nonces, turns.
#include "phalanx/p2p/noise.h"

#include <gtest/gtest.h>

#include "phalanx/p2p/limits.h"

namespace phalanx::p2p::noise {
namespace {

Bytes Hex(std::string_view s) { return FromHex(s).value(); }

crypto::X25519KeyPair Key(std::string_view hex) {
  return crypto::X25519KeyPair::FromSecret(FixedFromHex<32>(hex).value());
}

// From the cacophony vectors (github.com/haskell-cryptography/cacophony, vectors/cacophony.txt).
struct Vector {
  const char* prologue = "4a6f686e2047616c74";
  const char* init_static = "e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1";
  const char* init_ephemeral = "893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a";
  const char* resp_static = "4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893";
  const char* resp_ephemeral = "bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b";
  const char* handshake_hash =
      "8cf47d7b3cb5804c0109d48e8bcdbee2cbb65687d8ea2c92994ca361fb86151ad93627b98936cbb32de56e8abb"
      "21def3925011ac3e35db9cbeea73ab9a4392c2";
  std::pair<const char*, const char*> messages[6] = {
      {"4c756477696720766f6e204d69736573",
       "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c79444c756477696720766f6e204d6"
       "9736573"},
      {"4d757272617920526f746862617264",
       "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f1448088430505b6745ce64a5f33f0e8e3b"
       "83f11ce8802bca507f4f2d8b564dbe277e1966116e132faa2dfd70b8b077b9f94b913df5056ae1319469b824"
       "a98d54bbaa82c325595587064f978c4b6d104f7596e6f"},
      {"462e20412e20486179656b",
       "99579e1c1ee15e422a57ddd6b16d37087b17558e8369c18991b4b2ca3a824abf904cdcf5458b5431a75af034c"
       "a9e9b982de039eaaf156775e2d580cd4e5ebae89c3f8cb2594b556d8a8169"},
      {"4361726c204d656e676572", "fc56eea290b3f3a21aac0c70cd5787b5ee99be37d2f4d751329b55"},
      {"4a65616e2d426170746973746520536179",
       "bb31c9da10d5639a4cdb88a12f5c61de41bbc7df09bf75d94f8184fe4157f5c68f"},
      {"457567656e2042f6686d20766f6e2042617765726b",
       "f6199cadb152fb27f82be0a0891ec76a33598ae92a46cab2fb5a8ed5bf48b7f267f8370af7"},
  };
};

struct Pair {
  HandshakeState init;
  HandshakeState resp;
};

Pair VectorPair(const Vector& v) {
  Pair p{HandshakeState(Role::kInitiator, Key(v.init_static), Hex(v.prologue)),
         HandshakeState(Role::kResponder, Key(v.resp_static), Hex(v.prologue))};
  p.init.SetEphemeralForTesting(Key(v.init_ephemeral));
  p.resp.SetEphemeralForTesting(Key(v.resp_ephemeral));
  return p;
}

TEST(Noise, MatchesTheCacophonyVectorByteForByte) {
  Vector v;
  Pair p = VectorPair(v);
  for (int i = 0; i < 3; ++i) {
    HandshakeState& writer = i % 2 == 0 ? p.init : p.resp;
    HandshakeState& reader = i % 2 == 0 ? p.resp : p.init;
    Bytes msg;
    ASSERT_TRUE(writer.WriteMessage(Hex(v.messages[i].first), msg).ok());
    EXPECT_EQ(ToHex(msg), v.messages[i].second) << "handshake message " << i;
    Result<Bytes> payload = reader.ReadMessage(msg);
    ASSERT_TRUE(payload.ok()) << payload.status().ToString();
    EXPECT_EQ(ToHex(*payload), v.messages[i].first);
  }
  ASSERT_TRUE(p.init.Complete() && p.resp.Complete());
  TransportState ti = p.init.Finish().value();
  TransportState tr = p.resp.Finish().value();
  EXPECT_EQ(ToHex(ti.handshake_hash), v.handshake_hash);
  EXPECT_EQ(ti.handshake_hash, tr.handshake_hash);
  EXPECT_EQ(ti.remote_static, Key(v.resp_static).public_key);
  EXPECT_EQ(tr.remote_static, Key(v.init_static).public_key);
  for (int i = 3; i < 6; ++i) {
    // Transport messages alternate, responder first (message 3).
    CipherState& send = i % 2 == 1 ? tr.send : ti.send;
    CipherState& recv = i % 2 == 1 ? ti.receive : tr.receive;
    const Bytes pt = Hex(v.messages[i].first);
    Bytes ct(pt.size() + kNoiseTagBytes);
    ASSERT_TRUE(send.EncryptWithAd({}, pt, ct.data()).ok());
    EXPECT_EQ(ToHex(ct), v.messages[i].second) << "transport message " << i;
    Bytes back(pt.size());
    ASSERT_TRUE(recv.DecryptWithAd({}, ct, back.data()).ok());
    EXPECT_EQ(back, pt);
  }
}

Result<std::pair<TransportState, TransportState>> Handshake(Bytes prologue_i, Bytes prologue_r,
                                                            int tamper_message = -1,
                                                            size_t tamper_byte = 0) {
  HandshakeState init(Role::kInitiator, crypto::X25519KeyPair::Generate(), prologue_i);
  HandshakeState resp(Role::kResponder, crypto::X25519KeyPair::Generate(), prologue_r);
  for (int i = 0; i < 3; ++i) {
    HandshakeState& writer = i % 2 == 0 ? init : resp;
    HandshakeState& reader = i % 2 == 0 ? resp : init;
    Bytes msg;
    RETURN_IF_ERROR(writer.WriteMessage(AsBytes("payload"), msg));
    if (i == tamper_message) msg[tamper_byte % msg.size()] ^= 0x01;
    ASSIGN_OR_RETURN(Bytes payload, reader.ReadMessage(msg));
    if (payload != Bytes(AsBytes("payload").begin(), AsBytes("payload").end())) {
      return Corruption("payload changed");
    }
  }
  ASSIGN_OR_RETURN(TransportState a, init.Finish());
  ASSIGN_OR_RETURN(TransportState b, resp.Finish());
  return std::make_pair(a, b);
}

TEST(Noise, BothSidesDeriveTheSameKeys) {
  auto r = Handshake(Bytes{1, 2}, Bytes{1, 2});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto& [a, b] = *r;
  EXPECT_EQ(a.handshake_hash, b.handshake_hash);
  Bytes ct(5 + kNoiseTagBytes), pt(5);
  ASSERT_TRUE(a.send.EncryptWithAd({}, AsBytes("hello"), ct.data()).ok());
  ASSERT_TRUE(b.receive.DecryptWithAd({}, ct, pt.data()).ok());
  EXPECT_EQ(pt, Bytes(AsBytes("hello").begin(), AsBytes("hello").end()));
  ASSERT_TRUE(b.send.EncryptWithAd({}, AsBytes("world"), ct.data()).ok());
  ASSERT_TRUE(a.receive.DecryptWithAd({}, ct, pt.data()).ok());
}

TEST(Noise, TamperedHandshakeBytesFail) {
  // Message 0 is cleartext e: flipping a bit changes the DH results, so message 1's encrypted
  // static key fails on the initiator. Messages 1 and 2 carry tags checked directly.
  for (int m = 0; m < 3; ++m) {
    for (size_t byte : {size_t{0}, size_t{31}, size_t{40}, size_t{1000}}) {
      auto r = Handshake(Bytes{}, Bytes{}, m, byte);
      EXPECT_FALSE(r.ok()) << "tampered message " << m << " byte " << byte;
    }
  }
}

TEST(Noise, DifferentProloguesFail) {
  auto r = Handshake(Bytes{7, 7}, Bytes{});
  EXPECT_FALSE(r.ok());
}

TEST(Noise, TransportRejectsReplayReorderAndTamper) {
  auto r = Handshake(Bytes{}, Bytes{});
  ASSERT_TRUE(r.ok());
  auto& [a, b] = *r;
  Bytes m0(3 + kNoiseTagBytes), m1(3 + kNoiseTagBytes), out(3);
  ASSERT_TRUE(a.send.EncryptWithAd({}, AsBytes("one"), m0.data()).ok());
  ASSERT_TRUE(a.send.EncryptWithAd({}, AsBytes("two"), m1.data()).ok());
  EXPECT_EQ(a.send.nonce(), 2u);
  // Out of order: m1 under nonce 0 fails, and the failure does not advance the nonce.
  EXPECT_EQ(b.receive.DecryptWithAd({}, m1, out.data()).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(b.receive.nonce(), 0u);
  Bytes bad = m0;
  bad.back() ^= 0x80;
  EXPECT_FALSE(b.receive.DecryptWithAd({}, bad, out.data()).ok());
  ASSERT_TRUE(b.receive.DecryptWithAd({}, m0, out.data()).ok());
  // Replay of m0 under nonce 1 fails; m1 then succeeds.
  EXPECT_FALSE(b.receive.DecryptWithAd({}, m0, out.data()).ok());
  ASSERT_TRUE(b.receive.DecryptWithAd({}, m1, out.data()).ok());
  EXPECT_EQ(b.receive.nonce(), 2u);
}

TEST(Noise, NonceExhaustionStopsEncryption) {
  CipherState c;
  c.InitializeKey(Key("01" + std::string(62, '0')).secret);
  c.SetNonce(kMaxNonce - 1);
  Bytes ct(kNoiseTagBytes);
  EXPECT_TRUE(c.EncryptWithAd({}, {}, ct.data()).ok());
  EXPECT_EQ(c.EncryptWithAd({}, {}, ct.data()).code(), StatusCode::kFailedPrecondition);
}

TEST(Noise, OutOfTurnAndTruncatedMessagesAreRejected) {
  HandshakeState init(Role::kInitiator, crypto::X25519KeyPair::Generate(), {});
  HandshakeState resp(Role::kResponder, crypto::X25519KeyPair::Generate(), {});
  Bytes out;
  EXPECT_FALSE(resp.WriteMessage({}, out).ok());
  EXPECT_FALSE(init.ReadMessage(Bytes(32)).ok());
  EXPECT_FALSE(resp.ReadMessage(Bytes(31)).ok());  // shorter than e
  EXPECT_FALSE(resp.IsMyTurn());                   // a failed read ends the handshake
}

TEST(Noise, SmallOrderEphemeralIsRejected) {
  HandshakeState init(Role::kInitiator, crypto::X25519KeyPair::Generate(), {});
  HandshakeState resp(Role::kResponder, crypto::X25519KeyPair::Generate(), {});
  Bytes m0(32, 0);  // the all-zero point has small order
  ASSERT_TRUE(resp.ReadMessage(m0).ok());
  Bytes m1;
  EXPECT_EQ(resp.WriteMessage({}, m1).code(), StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace phalanx::p2p::noise
