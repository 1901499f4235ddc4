// Files and directories: whole-file reads with a size limit, crash-safe atomic writes
// (write temp, fsync, rename, fsync dir), directory creation and temporary directories.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "phalanx/base/bytes.h"
#include "phalanx/base/result.h"

namespace phalanx::platform {

// Reads a whole file; fails with LimitExceeded if it is larger than max_bytes.
Result<std::string> ReadFile(const std::filesystem::path& path, size_t max_bytes);

// Replaces `path` atomically: after a crash either the old or the new content is there.
// `mode` applies to the new file (0600 for secrets).
Status WriteFileAtomic(const std::filesystem::path& path, std::string_view content,
                       unsigned mode = 0644);

Status CreateDirectories(const std::filesystem::path& path, unsigned mode = 0755);

// The user's home directory ($HOME), or an error if it is not set.
Result<std::filesystem::path> HomeDirectory();

// A fresh directory under $TMPDIR (or /tmp), removed by the destructor unless Release()d.
class TempDir {
 public:
  static Result<TempDir> Create(std::string_view prefix);
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&&) = delete;
  TempDir(const TempDir&) = delete;
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  void Release() { path_.clear(); }

 private:
  explicit TempDir(std::filesystem::path p) : path_(std::move(p)) {}
  std::filesystem::path path_;
};

}  // namespace phalanx::platform
