// AppendOnlyFile: O_APPEND writes, fdatasync for durability, ftruncate for torn tails.
#include "phalanx/platform/append_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace phalanx::platform {
namespace fs = std::filesystem;

namespace {
Status ErrnoStatus(std::string_view what, const fs::path& path, int err) {
  return IOError(std::string(what) + " " + path.string() + ": " + std::strerror(err));
}
}  // namespace

Result<AppendOnlyFile> AppendOnlyFile::Open(const fs::path& path) {
  const bool existed = fs::exists(path);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoStatus("opening", path, errno);
  if (!existed) {
    fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
    int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
  }
  return AppendOnlyFile(fd, path);
}

AppendOnlyFile::AppendOnlyFile(AppendOnlyFile&& other) noexcept
    : fd_(other.fd_), path_(std::move(other.path_)) {
  other.fd_ = -1;
}

AppendOnlyFile& AppendOnlyFile::operator=(AppendOnlyFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    path_ = std::move(other.path_);
    other.fd_ = -1;
  }
  return *this;
}

AppendOnlyFile::~AppendOnlyFile() {
  if (fd_ >= 0) ::close(fd_);
}

Status AppendOnlyFile::Append(ByteView bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("appending to", path_, errno);
    }
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status AppendOnlyFile::Sync() {
  if (::fdatasync(fd_) != 0) return ErrnoStatus("syncing", path_, errno);
  return Status::Ok();
}

Status AppendOnlyFile::Truncate(uint64_t size_bytes) {
  if (::ftruncate(fd_, static_cast<off_t>(size_bytes)) != 0)
    return ErrnoStatus("truncating", path_, errno);
  return Sync();
}

}  // namespace phalanx::platform
