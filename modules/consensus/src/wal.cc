// WAL records, their framing, the file-backed log and the in-memory log.
#include "phalanx/consensus/wal.h"

#include <algorithm>
#include <string>

#include "phalanx/consensus/limits.h"
#include "phalanx/crypto/hash.h"
#include "phalanx/platform/append_file.h"
#include "phalanx/platform/files.h"

namespace phalanx::consensus {
namespace {

constexpr size_t kFrameHeaderBytes = 4 + 8;

uint64_t Checksum(ByteView payload) {
  Hash32 h = crypto::Blake2b256(payload);
  return codec::internal::LoadLe<uint64_t>(h.data.data());
}

}  // namespace

void PolkaRecord::Encode(codec::Encoder& e) const {
  e.Write(proposal);
  e.WriteVector(prevotes);
}

Result<PolkaRecord> PolkaRecord::Decode(codec::Decoder& d) {
  PolkaRecord r;
  ASSIGN_OR_RETURN(r.proposal, d.Read<Proposal>());
  ASSIGN_OR_RETURN(r.prevotes, d.ReadVector<types::Vote>(types::kMaxValidators));
  return r;
}

uint64_t WalRecord::height() const {
  if (const auto* p = std::get_if<PolkaRecord>(&message)) return p->proposal.height;
  if (const auto* p = std::get_if<Proposal>(&message)) return p->height;
  return std::get<types::Vote>(message).height;
}

void WalRecord::Encode(codec::Encoder& e) const { e.WriteVariant(message); }

Result<WalRecord> WalRecord::Decode(codec::Decoder& d) {
  WalRecord r;
  ASSIGN_OR_RETURN(r.message, (d.ReadVariant<std::variant<types::Vote, Proposal, PolkaRecord>>()));
  return r;
}

Bytes FrameWalRecord(const WalRecord& record) {
  Bytes payload = codec::EncodeToBytes(record, 256);
  codec::Encoder e(kFrameHeaderBytes + payload.size());
  e.WriteU32(static_cast<uint32_t>(payload.size()));
  e.WriteU64(Checksum(payload));
  e.WriteRaw(payload);
  return e.Take();
}

Result<ParsedWal> ParseWalFile(ByteView file) {
  ParsedWal out;
  size_t pos = 0;
  while (pos < file.size()) {
    const size_t left = file.size() - pos;
    if (left < kFrameHeaderBytes) break;  // torn header
    const uint32_t len = codec::internal::LoadLe<uint32_t>(file.data() + pos);
    const uint64_t sum = codec::internal::LoadLe<uint64_t>(file.data() + pos + 4);
    if (len > kMaxWalRecordBytes) {
      // A length this large was never written by us: either a torn header or corruption.
      if (left <= kFrameHeaderBytes + kMaxWalRecordBytes) break;
      return Corruption("WAL record at byte " + std::to_string(pos) + " claims " +
                        std::to_string(len) + " bytes; the limit is kMaxWalRecordBytes");
    }
    if (left - kFrameHeaderBytes < len) break;  // torn payload
    ByteView payload = file.subspan(pos + kFrameHeaderBytes, len);
    const bool last = (left - kFrameHeaderBytes == len);
    if (Checksum(payload) != sum) {
      if (last) break;  // the final record was being written when the process died
      return Corruption("WAL record at byte " + std::to_string(pos) +
                        " has a bad checksum and is followed by more records; the log is "
                        "damaged (not a torn write)");
    }
    Result<WalRecord> rec = codec::DecodeAll<WalRecord>(payload);
    if (!rec.ok()) return rec.status().WithContext("WAL record at byte " + std::to_string(pos));
    out.records.push_back(std::move(rec).value());
    pos += kFrameHeaderBytes + len;
    out.valid_bytes = pos;
  }
  return out;
}

struct FileWal::Impl {
  std::filesystem::path path;
  platform::AppendOnlyFile file;
};

FileWal::FileWal(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FileWal::~FileWal() = default;

Result<std::unique_ptr<FileWal>> FileWal::Open(const std::filesystem::path& path) {
  size_t torn = 0;
  if (std::filesystem::exists(path)) {
    ASSIGN_OR_RETURN(std::string content, platform::ReadFile(path, kMaxWalFileBytes));
    ASSIGN_OR_RETURN(ParsedWal parsed, ParseWalFile(AsBytes(content)));
    torn = content.size() - parsed.valid_bytes;
    if (torn > 0) {
      ASSIGN_OR_RETURN(auto f, platform::AppendOnlyFile::Open(path));
      RETURN_IF_ERROR(f.Truncate(parsed.valid_bytes));
    }
  }
  ASSIGN_OR_RETURN(auto file, platform::AppendOnlyFile::Open(path));
  auto wal =
      std::unique_ptr<FileWal>(new FileWal(std::make_unique<Impl>(Impl{path, std::move(file)})));
  wal->torn_bytes_dropped_ = torn;
  return wal;
}

Status FileWal::Append(const WalRecord& record) {
  Bytes frame = FrameWalRecord(record);
  RETURN_IF_ERROR(impl_->file.Append(frame));
  return impl_->file.Sync();
}

Result<std::vector<WalRecord>> FileWal::ReadAll() {
  ASSIGN_OR_RETURN(std::string content, platform::ReadFile(impl_->path, kMaxWalFileBytes));
  ASSIGN_OR_RETURN(ParsedWal parsed, ParseWalFile(AsBytes(content)));
  return std::move(parsed.records);
}

Status FileWal::TruncateBelow(uint64_t height) {
  ASSIGN_OR_RETURN(std::vector<WalRecord> records, ReadAll());
  Bytes kept;
  for (const WalRecord& r : records) {
    if (r.height() < height) continue;
    Bytes frame = FrameWalRecord(r);
    kept.insert(kept.end(), frame.begin(), frame.end());
  }
  // Rewritten atomically: a crash leaves the old log (still correct) or the new one.
  RETURN_IF_ERROR(platform::WriteFileAtomic(
      impl_->path, std::string_view(reinterpret_cast<const char*>(kept.data()), kept.size()),
      0600));
  ASSIGN_OR_RETURN(impl_->file, platform::AppendOnlyFile::Open(impl_->path));
  return Status::Ok();
}

Status MemWal::Append(const WalRecord& record) {
  records_.push_back(record);
  if (durable_appends_) Sync();
  return Status::Ok();
}

Result<std::vector<WalRecord>> MemWal::ReadAll() { return records_; }

Status MemWal::TruncateBelow(uint64_t height) {
  // Only synced records are rewritten durably; the rest stay unsynced after the cut.
  size_t synced_kept = 0;
  std::vector<WalRecord> kept;
  for (size_t i = 0; i < records_.size(); ++i) {
    if (records_[i].height() < height) continue;
    if (i < synced_) ++synced_kept;
    kept.push_back(std::move(records_[i]));
  }
  records_ = std::move(kept);
  synced_ = synced_kept;
  return Status::Ok();
}

}  // namespace phalanx::consensus
