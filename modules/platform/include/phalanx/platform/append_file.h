// An append-only file with explicit durability: Append writes at the end, Sync makes everything
// appended so far survive a crash (fdatasync), Truncate cuts a torn tail. Used by logs that must
// be durable record by record (the consensus write-ahead log).
#pragma once

#include <filesystem>

#include "phalanx/base/bytes.h"
#include "phalanx/base/result.h"

namespace phalanx::platform {

class AppendOnlyFile {
 public:
  // Opens or creates `path` (mode 0600); a newly created file's directory entry is synced.
  static Result<AppendOnlyFile> Open(const std::filesystem::path& path);
  AppendOnlyFile(AppendOnlyFile&& other) noexcept;
  AppendOnlyFile& operator=(AppendOnlyFile&& other) noexcept;
  AppendOnlyFile(const AppendOnlyFile&) = delete;
  AppendOnlyFile& operator=(const AppendOnlyFile&) = delete;
  ~AppendOnlyFile();

  Status Append(ByteView bytes);
  Status Sync();
  // Shrinks the file to `size_bytes` and syncs.
  Status Truncate(uint64_t size_bytes);
  const std::filesystem::path& path() const { return path_; }

 private:
  AppendOnlyFile(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::filesystem::path path_;
};

}  // namespace phalanx::platform
