// Wire framing after the handshake. The TCP stream is a sequence of Noise transport messages,
// each `u16 big-endian length || ciphertext` (length 16..65535). Their plaintexts concatenated
// form a stream of frames, each `u32 little-endian length || channel u8 || payload`, where length
// counts the channel byte and the payload and is 1..max_frame_bytes. A frame larger than one
// Noise message spans several; small frames take one message each.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "phalanx/base/bytes.h"
#include "phalanx/base/result.h"
#include "phalanx/p2p/noise.h"

namespace phalanx::p2p {

enum class Channel : uint8_t {
  kTransactions = 0,  // gossip: signed transactions
  kConsensus = 1,     // gossip: proposals, block parts, votes (opaque to p2p)
  kBlockSync = 2,     // point to point: Status / GetBlocks / Blocks (sync_messages.h)
  kControl = 3,       // point to point: node-level messages, never relayed
};
inline constexpr int kChannelCount = 4;
std::string_view ChannelName(Channel channel);
// Gossip channels are relayed to other peers when the handler accepts a message.
inline bool IsGossipChannel(Channel c) {
  return c == Channel::kTransactions || c == Channel::kConsensus;
}

inline constexpr size_t kRecordHeaderBytes = 2;
inline constexpr size_t kFrameHeaderBytes = 5;

// Splits the raw TCP stream into Noise messages (records).
class RecordReader {
 public:
  void Append(ByteView bytes);
  // The next complete record (a view valid until the next Append or Next), nullopt when more
  // bytes are needed. Corruption for a record shorter than a tag: the stream is garbage.
  Result<std::optional<ByteView>> Next();
  // Bytes received but not yet returned: non-zero at EOF means the peer truncated a record.
  size_t buffered() const { return buffer_.size() - read_pos_; }

 private:
  Bytes buffer_;
  size_t read_pos_ = 0;
};

// Reassembles frames from decrypted plaintext.
class FrameDecoder {
 public:
  using FrameFn = std::function<Status(Channel, ByteView payload)>;
  explicit FrameDecoder(size_t max_frame_bytes) : max_frame_bytes_(max_frame_bytes) {}
  // Calls on_frame for every frame completed by `plaintext` and stops at its first error.
  // LimitExceeded for a declared length above max_frame_bytes (checked before buffering);
  // Corruption for a zero length or an unknown channel.
  Status Feed(ByteView plaintext, const FrameFn& on_frame);
  // True when a frame has started but not finished: at EOF the peer truncated it.
  bool mid_frame() const { return !pending_.empty(); }

 private:
  size_t max_frame_bytes_;
  Bytes pending_;  // header and payload bytes of the unfinished frame
};

// Encrypts one frame into records appended to `wire`. FailedPrecondition if the nonce ran out.
Status SealFrame(noise::CipherState& cipher, Channel channel, ByteView payload, Bytes& wire);
// Appends one frame's plaintext (header and payload) to `plaintext` without encrypting it, so a
// sender can coalesce small frames and seal them together with SealPlaintext.
void AppendFramePlaintext(Channel channel, ByteView payload, Bytes& plaintext);
// Encrypts a piece of the plaintext stream into records of at most kNoiseMaxPlaintextBytes.
Status SealPlaintext(noise::CipherState& cipher, ByteView plaintext, Bytes& wire);
// Decrypts one record's ciphertext, appending the plaintext to `plaintext`.
Status OpenRecord(noise::CipherState& cipher, ByteView record, Bytes& plaintext);
// Appends `u16 BE length || message` (handshake messages use the same record format).
void AppendRecord(ByteView message, Bytes& wire);

}  // namespace phalanx::p2p
