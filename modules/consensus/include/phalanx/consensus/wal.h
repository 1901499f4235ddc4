// The consensus write-ahead log: every vote and proposal this validator signs is appended here,
// durably, before it leaves the engine. After a crash the engine reads the log back and re-emits
// the recorded message instead of signing a new one, so a restarted validator never signs two
// different messages for one (height, round, step) — it cannot equivocate by amnesia.
//
// FileWal frames each record as u32 payload_bytes || u64 checksum || payload (little-endian;
// checksum = first 8 bytes of BLAKE2b-256(payload)) and fsyncs after each append. A record that
// was being written when the process died (a torn tail) is cut off when the log is opened; a bad
// record followed by more data is corruption and is reported, not skipped.
#pragma once

#include <filesystem>
#include <memory>
#include <variant>
#include <vector>

#include "phalanx/base/result.h"
#include "phalanx/consensus/proposal.h"
#include "phalanx/types/consensus_types.h"

namespace phalanx::consensus {

// A polka this validator acted on (Algorithm 1, line 36): the round's proposal and the >2/3
// prevotes for its block. Recorded before the precommit that locks on it, so that a restarted
// validator gets back its locked and valid block and can show peers the polka again — without
// it, validators locked before a crash propose new blocks they themselves must prevote nil, and
// the height can stall for good.
struct PolkaRecord {
  Proposal proposal;  // its round is the polka's round
  std::vector<types::Vote> prevotes;

  void Encode(codec::Encoder& e) const;
  static Result<PolkaRecord> Decode(codec::Decoder& d);
  bool operator==(const PolkaRecord&) const = default;
};

// One record: an own signed vote, an own signed proposal, or a polka.
struct WalRecord {
  std::variant<types::Vote, Proposal, PolkaRecord> message;

  uint64_t height() const;
  void Encode(codec::Encoder& e) const;
  static Result<WalRecord> Decode(codec::Decoder& d);
  bool operator==(const WalRecord&) const = default;
};

class Wal {
 public:
  virtual ~Wal() = default;
  // Appends `record`; when this returns OK the record survives a crash.
  virtual Status Append(const WalRecord& record) = 0;
  // Every record in append order.
  virtual Result<std::vector<WalRecord>> ReadAll() = 0;
  // Drops the records of heights below `height`. The engine calls it with the height it has just
  // decided: nothing is signed below that height again, and the decided height's own records stay
  // until the next decision in case the node dies before the block is applied.
  virtual Status TruncateBelow(uint64_t height) = 0;
};

// The log in one append-only file.
class FileWal final : public Wal {
 public:
  // Opens (creating if needed) the log at `path`, cutting off a torn last record.
  static Result<std::unique_ptr<FileWal>> Open(const std::filesystem::path& path);
  ~FileWal() override;

  Status Append(const WalRecord& record) override;
  Result<std::vector<WalRecord>> ReadAll() override;
  Status TruncateBelow(uint64_t height) override;

  // Bytes of torn tail cut off when the log was opened (0 after a clean shutdown).
  size_t torn_bytes_dropped() const { return torn_bytes_dropped_; }

 private:
  struct Impl;
  explicit FileWal(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  size_t torn_bytes_dropped_ = 0;
};

// Frames `record` as FileWal stores it (exposed for tests that craft torn files).
Bytes FrameWalRecord(const WalRecord& record);
// Parses a whole log file: the records, and the length of the valid prefix (everything after it
// is a torn tail). A bad frame followed by further data is Corruption.
struct ParsedWal {
  std::vector<WalRecord> records;
  size_t valid_bytes = 0;
};
Result<ParsedWal> ParseWalFile(ByteView file);

// An in-memory log for simulation and tests. By default Append is durable, as the contract
// requires. With durable_appends = false it models a log that forgets to sync: Crash() then loses
// every record appended since the last Sync() — the simulator uses this to prove that its
// double-sign detector works.
class MemWal final : public Wal {
 public:
  explicit MemWal(bool durable_appends = true) : durable_appends_(durable_appends) {}

  Status Append(const WalRecord& record) override;
  Result<std::vector<WalRecord>> ReadAll() override;
  Status TruncateBelow(uint64_t height) override;

  void Sync() { synced_ = records_.size(); }
  // The process died: unsynced records are gone.
  void Crash() { records_.resize(synced_); }
  size_t size() const { return records_.size(); }

 private:
  bool durable_appends_;
  std::vector<WalRecord> records_;
  size_t synced_ = 0;
};

}  // namespace phalanx::consensus
