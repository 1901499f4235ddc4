// Noise records on the TCP stream and frames inside their plaintext (see frame.h).
#include "phalanx/p2p/frame.h"

#include <cstring>

#include "phalanx/p2p/limits.h"

namespace phalanx::p2p {
namespace {

uint32_t LoadLe32(const uint8_t* p) {
  return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}

}  // namespace

std::string_view ChannelName(Channel channel) {
  switch (channel) {
    case Channel::kTransactions:
      return "transactions";
    case Channel::kConsensus:
      return "consensus";
    case Channel::kBlockSync:
      return "block-sync";
    case Channel::kControl:
      return "control";
  }
  return "unknown";
}

void RecordReader::Append(ByteView bytes) {
  // Compact before growing so the buffer never holds more than one record plus one read.
  if (read_pos_ > 0 && read_pos_ == buffer_.size()) {
    buffer_.clear();
    read_pos_ = 0;
  } else if (read_pos_ > (size_t{64} << 10)) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<ptrdiff_t>(read_pos_));
    read_pos_ = 0;
  }
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
}

Result<std::optional<ByteView>> RecordReader::Next() {
  const size_t avail = buffer_.size() - read_pos_;
  if (avail < kRecordHeaderBytes) return std::optional<ByteView>();
  const uint8_t* p = buffer_.data() + read_pos_;
  const size_t len = (size_t{p[0]} << 8) | p[1];
  if (len < kNoiseTagBytes) {
    return Corruption("noise record of " + std::to_string(len) +
                      " bytes is shorter than the 16-byte tag");
  }
  if (avail < kRecordHeaderBytes + len) return std::optional<ByteView>();
  read_pos_ += kRecordHeaderBytes + len;
  return std::optional<ByteView>(ByteView(p + kRecordHeaderBytes, len));
}

Status FrameDecoder::Feed(ByteView plaintext, const FrameFn& on_frame) {
  while (!plaintext.empty()) {
    if (pending_.size() < kFrameHeaderBytes) {
      const size_t n = std::min(kFrameHeaderBytes - pending_.size(), plaintext.size());
      pending_.insert(pending_.end(), plaintext.begin(), plaintext.begin() + n);
      plaintext = plaintext.subspan(n);
      if (pending_.size() < kFrameHeaderBytes) return Status::Ok();
      const uint32_t len = LoadLe32(pending_.data());
      if (len == 0) return Corruption("frame of length 0 (a frame has at least a channel byte)");
      if (len > max_frame_bytes_) {
        return LimitExceeded("frame of " + std::to_string(len) + " bytes exceeds max_frame_bytes " +
                             std::to_string(max_frame_bytes_));
      }
      if (pending_[4] >= kChannelCount) {
        return Corruption("frame on unknown channel " + std::to_string(pending_[4]));
      }
    }
    const uint32_t len = LoadLe32(pending_.data());
    const size_t total = 4 + size_t{len};
    const size_t need = total - pending_.size();
    const size_t n = std::min(need, plaintext.size());
    pending_.insert(pending_.end(), plaintext.begin(), plaintext.begin() + n);
    plaintext = plaintext.subspan(n);
    if (pending_.size() < total) return Status::Ok();
    const Channel channel = static_cast<Channel>(pending_[4]);
    Status s = on_frame(channel, ByteView(pending_.data() + kFrameHeaderBytes, len - 1));
    pending_.clear();
    if (pending_.capacity() > (size_t{1} << 20)) pending_.shrink_to_fit();
    RETURN_IF_ERROR(s);
  }
  return Status::Ok();
}

void AppendRecord(ByteView message, Bytes& wire) {
  wire.push_back(static_cast<uint8_t>(message.size() >> 8));
  wire.push_back(static_cast<uint8_t>(message.size()));
  wire.insert(wire.end(), message.begin(), message.end());
}

Status SealFrame(noise::CipherState& cipher, Channel channel, ByteView payload, Bytes& wire) {
  const size_t frame_len = 1 + payload.size();
  uint8_t header[kFrameHeaderBytes];
  for (int i = 0; i < 4; ++i) header[i] = static_cast<uint8_t>(frame_len >> (8 * i));
  header[4] = static_cast<uint8_t>(channel);
  // The plaintext stream is header || payload; cut it into records of at most
  // kNoiseMaxPlaintextBytes, encrypting in place in `wire`.
  size_t total = kFrameHeaderBytes + payload.size();
  size_t done = 0;
  const size_t records = (total + kNoiseMaxPlaintextBytes - 1) / kNoiseMaxPlaintextBytes;
  wire.reserve(wire.size() + total + records * (kRecordHeaderBytes + kNoiseTagBytes));
  while (done < total) {
    const size_t chunk = std::min(kNoiseMaxPlaintextBytes, total - done);
    const size_t at = wire.size();
    wire.resize(at + kRecordHeaderBytes + chunk + kNoiseTagBytes);
    uint8_t* rec = wire.data() + at;
    const size_t ct_len = chunk + kNoiseTagBytes;
    rec[0] = static_cast<uint8_t>(ct_len >> 8);
    rec[1] = static_cast<uint8_t>(ct_len);
    uint8_t* body = rec + kRecordHeaderBytes;
    // Gather this chunk of header || payload into place, then encrypt it in place.
    size_t filled = 0;
    while (filled < chunk) {
      const size_t pos = done + filled;
      if (pos < kFrameHeaderBytes) {
        const size_t n = std::min(kFrameHeaderBytes - pos, chunk - filled);
        std::memcpy(body + filled, header + pos, n);
        filled += n;
      } else {
        const size_t n = chunk - filled;
        std::memcpy(body + filled, payload.data() + (pos - kFrameHeaderBytes), n);
        filled += n;
      }
    }
    RETURN_IF_ERROR(cipher.EncryptWithAd(ByteView(), ByteView(body, chunk), body));
    done += chunk;
  }
  return Status::Ok();
}

void AppendFramePlaintext(Channel channel, ByteView payload, Bytes& plaintext) {
  const size_t frame_len = 1 + payload.size();
  for (int i = 0; i < 4; ++i) plaintext.push_back(static_cast<uint8_t>(frame_len >> (8 * i)));
  plaintext.push_back(static_cast<uint8_t>(channel));
  plaintext.insert(plaintext.end(), payload.begin(), payload.end());
}

Status SealPlaintext(noise::CipherState& cipher, ByteView plaintext, Bytes& wire) {
  while (!plaintext.empty()) {
    const size_t chunk = std::min(kNoiseMaxPlaintextBytes, plaintext.size());
    const size_t at = wire.size();
    const size_t ct_len = chunk + kNoiseTagBytes;
    wire.resize(at + kRecordHeaderBytes + ct_len);
    uint8_t* rec = wire.data() + at;
    rec[0] = static_cast<uint8_t>(ct_len >> 8);
    rec[1] = static_cast<uint8_t>(ct_len);
    uint8_t* body = rec + kRecordHeaderBytes;
    std::memcpy(body, plaintext.data(), chunk);
    RETURN_IF_ERROR(cipher.EncryptWithAd(ByteView(), ByteView(body, chunk), body));
    plaintext = plaintext.subspan(chunk);
  }
  return Status::Ok();
}

Status OpenRecord(noise::CipherState& cipher, ByteView record, Bytes& plaintext) {
  if (record.size() < kNoiseTagBytes) return Corruption("noise record shorter than the tag");
  const size_t at = plaintext.size();
  plaintext.resize(at + record.size() - kNoiseTagBytes);
  Status s = cipher.DecryptWithAd(ByteView(), record, plaintext.data() + at);
  if (!s.ok()) plaintext.resize(at);
  return s;
}

}  // namespace phalanx::p2p
