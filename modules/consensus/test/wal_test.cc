// The write-ahead log: durability contract, torn tails after kill -9, corruption, truncation, and
// the in-memory log's model of lost unsynced data.
#include "phalanx/consensus/wal.h"

#include <gtest/gtest.h>

#include <fstream>

#include "phalanx/platform/files.h"
#include "test_util.h"

namespace phalanx::consensus {
namespace {

WalRecord VoteRecord(uint64_t height, uint32_t round) {
  testing::Validators vals(1);
  return WalRecord{vals.Vote(types::VoteType::kPrevote, height, round, Hash32{}, 0)};
}

WalRecord ProposalRecord(uint64_t height) {
  testing::Validators vals(1);
  return WalRecord{vals.MakeProposal(height, 0, testing::MakeBlock(height, 7))};
}

std::string Slurp(const std::filesystem::path& p) {
  return platform::ReadFile(p, size_t{1} << 30).value();
}

void AppendRaw(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::app);
  out << bytes;
}

TEST(Wal, PolkaRecordsRoundTrip) {
  testing::Validators vals(4);
  PolkaRecord polka{vals.MakeProposal(2, 1, testing::MakeBlock(2, 3)), {}};
  for (uint32_t i = 0; i < 3; ++i)
    polka.prevotes.push_back(
        vals.Vote(types::VoteType::kPrevote, 2, 1, polka.proposal.BlockHash(), i));
  WalRecord rec{polka};
  EXPECT_EQ(rec.height(), 2u);
  Result<ParsedWal> parsed = ParseWalFile(FrameWalRecord(rec));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->records.size(), 1u);
  EXPECT_EQ(parsed->records[0], rec);
}

TEST(Wal, FileWalRecordsSurviveReopen) {
  auto dir = platform::TempDir::Create("wal").value();
  auto path = dir.path() / "wal";
  {
    auto wal = FileWal::Open(path).value();
    ASSERT_TRUE(wal->Append(VoteRecord(1, 0)).ok());
    ASSERT_TRUE(wal->Append(ProposalRecord(1)).ok());
  }
  auto wal = FileWal::Open(path).value();
  EXPECT_EQ(wal->torn_bytes_dropped(), 0u);
  auto records = wal->ReadAll().value();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0], VoteRecord(1, 0));
  EXPECT_EQ(records[1], ProposalRecord(1));
}

TEST(Wal, TornTailIsCutOffAndAppendingContinues) {
  auto dir = platform::TempDir::Create("wal").value();
  auto path = dir.path() / "wal";
  {
    auto wal = FileWal::Open(path).value();
    ASSERT_TRUE(wal->Append(VoteRecord(1, 0)).ok());
  }
  const size_t good = Slurp(path).size();
  // Every strict prefix of a second frame is what kill -9 in the middle of a write can leave.
  Bytes frame = FrameWalRecord(VoteRecord(1, 1));
  for (size_t cut : {size_t{1}, size_t{7}, size_t{12}, frame.size() - 1}) {
    std::filesystem::resize_file(path, good);
    AppendRaw(path, std::string(frame.begin(), frame.begin() + cut));
    auto wal = FileWal::Open(path).value();
    EXPECT_EQ(wal->torn_bytes_dropped(), cut);
    EXPECT_EQ(Slurp(path).size(), good);
    ASSERT_EQ(wal->ReadAll().value().size(), 1u);
  }
  auto wal = FileWal::Open(path).value();
  ASSERT_TRUE(wal->Append(VoteRecord(1, 2)).ok());
  auto records = FileWal::Open(path).value()->ReadAll().value();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1], VoteRecord(1, 2));
}

TEST(Wal, LastRecordWithBadChecksumIsATornWrite) {
  auto dir = platform::TempDir::Create("wal").value();
  auto path = dir.path() / "wal";
  Bytes a = FrameWalRecord(VoteRecord(1, 0)), b = FrameWalRecord(VoteRecord(1, 1));
  b.back() ^= 0xff;  // the page with the end of the record never reached the disk
  AppendRaw(path, std::string(a.begin(), a.end()) + std::string(b.begin(), b.end()));
  auto wal = FileWal::Open(path).value();
  EXPECT_EQ(wal->torn_bytes_dropped(), b.size());
  EXPECT_EQ(wal->ReadAll().value().size(), 1u);
}

TEST(Wal, DamagedRecordFollowedByMoreIsCorruption) {
  Bytes a = FrameWalRecord(VoteRecord(1, 0)), b = FrameWalRecord(VoteRecord(1, 1));
  a[20] ^= 0xff;
  Bytes file = a;
  file.insert(file.end(), b.begin(), b.end());
  Result<ParsedWal> parsed = ParseWalFile(file);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::kCorruption);
}

TEST(Wal, TruncateBelowKeepsOnlyTheCurrentHeight) {
  auto dir = platform::TempDir::Create("wal").value();
  auto path = dir.path() / "wal";
  auto wal = FileWal::Open(path).value();
  for (uint64_t h = 1; h <= 3; ++h) ASSERT_TRUE(wal->Append(VoteRecord(h, 0)).ok());
  ASSERT_TRUE(wal->TruncateBelow(3).ok());
  ASSERT_TRUE(wal->Append(VoteRecord(3, 1)).ok());
  auto records = FileWal::Open(path).value()->ReadAll().value();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0], VoteRecord(3, 0));
  EXPECT_EQ(records[1], VoteRecord(3, 1));
}

TEST(Wal, MemWalDurableAppendsSurviveACrash) {
  MemWal wal;
  ASSERT_TRUE(wal.Append(VoteRecord(1, 0)).ok());
  wal.Crash();
  EXPECT_EQ(wal.size(), 1u);
}

TEST(Wal, MemWalWithoutSyncLosesUnsyncedRecordsInACrash) {
  MemWal wal(/*durable_appends=*/false);
  ASSERT_TRUE(wal.Append(VoteRecord(1, 0)).ok());
  wal.Sync();
  ASSERT_TRUE(wal.Append(VoteRecord(1, 1)).ok());
  wal.Crash();
  auto records = wal.ReadAll().value();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0], VoteRecord(1, 0));
}

}  // namespace
}  // namespace phalanx::consensus
