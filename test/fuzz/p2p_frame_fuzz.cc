// Fuzz target: bytes from a p2p peer. The first byte picks the parser:
//   0: the record reader and frame decoder (plaintext fed directly, and records decrypted with a
//      fixed key), fed in pieces; a frame never exceeds the decoder's limit
//   1: Noise handshake messages 0 and 1, and the identity payload
//   2: block sync messages: decode must be canonical (re-encodes to the input), and BlockSync
//      must handle them (served requests, responses to an outstanding request) without crashing
//   3: the PHALANX_P2P_FAULTS syntax
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "phalanx/p2p/block_sync.h"
#include "phalanx/p2p/faults.h"
#include "phalanx/p2p/frame.h"
#include "phalanx/p2p/identity.h"
#include "phalanx/p2p/noise.h"
#include "phalanx/p2p/sync_messages.h"

namespace {

using namespace phalanx;
using namespace phalanx::p2p;

constexpr size_t kFuzzMaxFrameBytes = 4096;

void Frames(ByteView data) {
  auto check = [](Channel ch, ByteView payload) {
    if (payload.size() + 1 > kFuzzMaxFrameBytes || static_cast<int>(ch) >= kChannelCount) abort();
    return Status::Ok();
  };
  FrameDecoder direct(kFuzzMaxFrameBytes);
  RecordReader records;
  FrameDecoder decrypted(kFuzzMaxFrameBytes);
  noise::CipherState cipher;
  cipher.InitializeKey(noise::Key{{1}});
  // Feed in pieces of varying size, as reads from a socket would arrive.
  size_t at = 0, step = 1;
  bool direct_ok = true, records_ok = true;
  while (at < data.size()) {
    const ByteView piece = data.subspan(at, std::min(step, data.size() - at));
    at += piece.size();
    step = step * 3 % 97 + 1;
    if (direct_ok) direct_ok = direct.Feed(piece, check).ok();
    if (!records_ok) continue;
    records.Append(piece);
    for (;;) {
      Result<std::optional<ByteView>> rec = records.Next();
      if (!rec.ok()) {
        records_ok = false;
        break;
      }
      if (!rec->has_value()) break;
      if ((*rec)->size() > kNoiseMaxMessageBytes) abort();
      Bytes plain;
      if (!OpenRecord(cipher, **rec, plain).ok() || !decrypted.Feed(plain, check).ok()) {
        records_ok = false;
        break;
      }
    }
  }
}

void Handshake(ByteView data) {
  const auto static_key = crypto::X25519KeyPair::FromSecret(FixedBytes<32>{{7}});
  noise::HandshakeState responder(noise::Role::kResponder, static_key, {});
  Result<Bytes> payload = responder.ReadMessage(data);
  if (payload.ok()) {
    Bytes reply;
    if (!responder.WriteMessage({}, reply).ok() && responder.IsMyTurn()) abort();
  }
  noise::HandshakeState initiator(noise::Role::kInitiator, static_key, {});
  Bytes m0;
  if (!initiator.WriteMessage({}, m0).ok()) abort();
  Result<Bytes> p1 = initiator.ReadMessage(data);
  if (p1.ok()) (void)VerifyIdentityPayload(*p1, *initiator.remote_static());
  (void)VerifyIdentityPayload(data, FixedBytes<32>{{9}});
}

class NullMessenger : public PeerMessenger {
 public:
  void Send(const PeerId&, Channel, ByteView) override {}
  void ReportPeer(const PeerId&, Verdict, std::string_view) override {}
};

class EmptyChain : public BlockSource, public BlockSink {
 public:
  SyncStatus Head() override { return {}; }
  Result<SyncBlock> GetBlockWithCert(uint64_t) override { return NotFound("empty"); }
  Status ApplyBlock(const types::Block&, const types::CommitCertificate&) override {
    return Status::Ok();
  }
};

void Sync(ByteView data) {
  Result<SyncMessage> msg = DecodeSyncMessage(data);
  if (msg.ok()) {
    const Bytes again = EncodeSyncMessage(*msg);
    if (again.size() != data.size() || !std::equal(again.begin(), again.end(), data.begin())) {
      abort();
    }
  }
  NullMessenger messenger;
  EmptyChain chain;
  BlockSync sync(messenger, chain, chain);
  const PeerId peer{{3}};
  sync.OnPeerConnected(peer);
  // The peer claims height 5000, so requests from height 1 are outstanding and a Blocks
  // response from it is examined block by block.
  (void)sync.OnMessage(peer, EncodeSyncMessage(SyncStatus{5000, Hash32{}}));
  (void)sync.OnMessage(peer, data);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const ByteView rest(data + 1, size - 1);
  switch (data[0] % 4) {
    case 0:
      Frames(rest);
      break;
    case 1:
      Handshake(rest);
      break;
    case 2:
      Sync(rest);
      break;
    case 3:
      (void)ParseFaultConfig(
          std::string_view(reinterpret_cast<const char*>(rest.data()), rest.size()));
      break;
  }
  return 0;
}
