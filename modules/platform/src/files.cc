// File helpers. The atomic write follows the classic recipe so that a crash at any point leaves
// either the complete old file or the complete new one.
#include "phalanx/platform/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <system_error>

namespace phalanx::platform {
namespace fs = std::filesystem;

namespace {
Status ErrnoStatus(std::string_view what, const fs::path& path, int err) {
  return IOError(std::string(what) + " " + path.string() + ": " + std::strerror(err));
}

Status WriteAll(int fd, std::string_view content, const fs::path& path) {
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("writing", path, errno);
    }
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}
}  // namespace

Result<std::string> ReadFile(const fs::path& path, size_t max_bytes) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory)
      return NotFound("no such file: " + path.string());
    return IOError("reading " + path.string() + ": " + ec.message());
  }
  if (size > max_bytes)
    return LimitExceeded(path.string() + " is " + std::to_string(size) + " bytes; the limit is " +
                         std::to_string(max_bytes));
  std::ifstream in(path, std::ios::binary);
  if (!in) return IOError("cannot open " + path.string() + ": " + std::strerror(errno));
  std::string out(size, '\0');
  in.read(out.data(), static_cast<std::streamsize>(size));
  if (static_cast<size_t>(in.gcount()) != size) return IOError("short read from " + path.string());
  return out;
}

Status WriteFileAtomic(const fs::path& path, std::string_view content, unsigned mode) {
  fs::path tmp = path;
  tmp += ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return ErrnoStatus("creating", tmp, errno);
  Status st = WriteAll(fd, content, tmp);
  if (st.ok() && ::fsync(fd) != 0) st = ErrnoStatus("syncing", tmp, errno);
  ::close(fd);
  if (st.ok() && ::rename(tmp.c_str(), path.c_str()) != 0)
    st = ErrnoStatus("renaming to", path, errno);
  if (!st.ok()) {
    ::unlink(tmp.c_str());
    return st;
  }
  fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::Ok();
}

Status CreateDirectories(const fs::path& path, unsigned mode) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) return IOError("creating directory " + path.string() + ": " + ec.message());
  ::chmod(path.c_str(), mode);
  return Status::Ok();
}

Result<fs::path> HomeDirectory() {
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0')
    return FailedPrecondition("HOME is not set; pass an explicit path instead");
  return fs::path(home);
}

Result<TempDir> TempDir::Create(std::string_view prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl =
      std::string(base && *base ? base : "/tmp") + "/" + std::string(prefix) + "XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) return ErrnoStatus("creating temp dir", tmpl, errno);
  return TempDir(fs::path(tmpl));
}

TempDir::TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }

TempDir::~TempDir() {
  if (!path_.empty()) {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
}

}  // namespace phalanx::platform
