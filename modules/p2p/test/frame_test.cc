// Records and frames: reassembly across arbitrary read boundaries, and malformed input.
#include "phalanx/p2p/frame.h"

#include <gtest/gtest.h>

#include "phalanx/p2p/limits.h"

namespace phalanx::p2p {
namespace {

struct Pipe {
  noise::CipherState send, receive;
  Pipe() {
    noise::Key k{{42}};
    send.InitializeKey(k);
    receive.InitializeKey(k);
  }
};

TEST(Frame, FramesSurviveAnySplitOfTheByteStream) {
  Pipe p;
  Bytes wire;
  const std::vector<std::pair<Channel, Bytes>> sent = {
      {Channel::kTransactions, Bytes{1, 2, 3}},
      {Channel::kConsensus, Bytes{}},
      {Channel::kBlockSync, Bytes(150'000, 9)},
      {Channel::kControl, Bytes{4}},
  };
  for (const auto& [ch, payload] : sent) ASSERT_TRUE(SealFrame(p.send, ch, payload, wire).ok());
  for (size_t step : {size_t{1}, size_t{7}, size_t{4096}, wire.size()}) {
    noise::CipherState rx = p.receive;
    RecordReader records;
    FrameDecoder frames(kMaxFrameBytes);
    std::vector<std::pair<Channel, Bytes>> got;
    for (size_t at = 0; at < wire.size(); at += step) {
      records.Append(ByteView(wire).subspan(at, std::min(step, wire.size() - at)));
      for (;;) {
        auto rec = records.Next();
        ASSERT_TRUE(rec.ok());
        if (!rec->has_value()) break;
        Bytes plain;
        ASSERT_TRUE(OpenRecord(rx, **rec, plain).ok());
        ASSERT_TRUE(frames
                        .Feed(plain,
                              [&](Channel ch, ByteView payload) {
                                got.emplace_back(ch, Bytes(payload.begin(), payload.end()));
                                return Status::Ok();
                              })
                        .ok());
      }
    }
    EXPECT_EQ(got, sent) << "step " << step;
    EXPECT_EQ(records.buffered(), 0u);
    EXPECT_FALSE(frames.mid_frame());
  }
}

TEST(Frame, CoalescedFramesShareRecordsAndDecodeAlike) {
  Pipe p;
  Bytes staged, wire;
  for (uint8_t i = 0; i < 100; ++i) {
    AppendFramePlaintext(Channel::kConsensus, Bytes(200, i), staged);
  }
  ASSERT_TRUE(SealPlaintext(p.send, staged, wire).ok());
  RecordReader records;
  records.Append(wire);
  FrameDecoder frames(kMaxFrameBytes);
  int n = 0, record_count = 0;
  for (;;) {
    auto rec = records.Next();
    ASSERT_TRUE(rec.ok());
    if (!rec->has_value()) break;
    ++record_count;
    Bytes plain;
    ASSERT_TRUE(OpenRecord(p.receive, **rec, plain).ok());
    ASSERT_TRUE(frames
                    .Feed(plain,
                          [&](Channel ch, ByteView payload) {
                            EXPECT_EQ(ch, Channel::kConsensus);
                            EXPECT_EQ(Bytes(payload.begin(), payload.end()),
                                      Bytes(200, static_cast<uint8_t>(n)));
                            ++n;
                            return Status::Ok();
                          })
                    .ok());
  }
  EXPECT_EQ(n, 100);
  EXPECT_EQ(record_count, 1);  // 20,500 plaintext bytes fit one Noise message
}

TEST(Frame, ZeroLengthAndUnknownChannelAreCorruption) {
  auto ignore = [](Channel, ByteView) { return Status::Ok(); };
  FrameDecoder a(kMaxFrameBytes);
  EXPECT_EQ(a.Feed(Bytes{0, 0, 0, 0, 0}, ignore).code(), StatusCode::kCorruption);
  FrameDecoder b(kMaxFrameBytes);
  EXPECT_EQ(b.Feed(Bytes{1, 0, 0, 0, kChannelCount}, ignore).code(), StatusCode::kCorruption);
}

TEST(Frame, ARecordShorterThanATagIsCorruption) {
  RecordReader r;
  r.Append(Bytes{0, 15});
  EXPECT_EQ(r.Next().status().code(), StatusCode::kCorruption);
}

TEST(Frame, ATruncatedRecordStaysBuffered) {
  RecordReader r;
  r.Append(Bytes{0, 20, 1, 2, 3});
  auto rec = r.Next();
  ASSERT_TRUE(rec.ok());
  EXPECT_FALSE(rec->has_value());
  EXPECT_EQ(r.buffered(), 5u);
}

}  // namespace
}  // namespace phalanx::p2p
