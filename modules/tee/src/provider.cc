// Quote providers. The hardware interfaces are pseudo-files (configfs, Gramine's /dev/attestation):
// their sizes from stat() mean nothing and they cannot be replaced by rename, so they are read to
// EOF with a bound and written in place with plain POSIX calls here, not platform::ReadFile.
#include "phalanx/tee/provider.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "phalanx/tee/limits.h"
#include "phalanx/tee/sim.h"
#include "phalanx/tee/testing.h"

namespace phalanx::tee {
namespace {

namespace fs = std::filesystem;

testing::FakeTsmKernel*& FakeKernel() {
  static testing::FakeTsmKernel* k = nullptr;
  return k;
}

Status Errno(const std::string& what, const fs::path& path, int err) {
  std::string m = what + " " + path.string() + ": " + std::strerror(err);
  if (err == EACCES || err == EPERM)
    return PermissionDenied(m + " (run as root or grant this user access)");
  if (err == ENOENT) return Unavailable(m);
  return IOError(m);
}

Result<std::string> ReadPseudoFile(const fs::path& path, size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open", path, errno);
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return Errno("cannot read", path, err);
    }
    if (n == 0) break;
    if (out.size() + static_cast<size_t>(n) > max_bytes) {
      ::close(fd);
      return LimitExceeded(path.string() + " holds more than " + std::to_string(max_bytes) +
                           " bytes (the limit)");
    }
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

// Writes an existing pseudo-file in one write (attributes take their value per write call).
Status WritePseudoFile(const fs::path& path, ByteView data) {
  int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open", path, errno);
  ssize_t n;
  do {
    n = ::write(fd, data.data(), data.size());
  } while (n < 0 && errno == EINTR);
  int err = errno;
  ::close(fd);
  if (n < 0) return Errno("cannot write", path, err);
  if (static_cast<size_t>(n) != data.size()) return IOError("short write to " + path.string());
  return Status::Ok();
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\0')) s.pop_back();
  return s;
}

Result<uint64_t> ReadGeneration(const fs::path& entry) {
  ASSIGN_OR_RETURN(std::string g, ReadPseudoFile(entry / "generation", 64));
  g = Trim(g);
  if (g.empty() || g.find_first_not_of("0123456789") != std::string::npos)
    return IOError((entry / "generation").string() + " is not a number: '" + g + "'");
  return std::stoull(g);
}

Result<Bytes> NonEmpty(std::string s, const fs::path& path) {
  if (s.empty()) return IOError(path.string() + " returned no quote");
  return Bytes(s.begin(), s.end());
}

class TdxProvider : public Provider {
 public:
  explicit TdxProvider(fs::path dir) : dir_(std::move(dir)) {}
  std::string_view name() const override { return "tdx"; }

  // configfs-tsm (Documentation/ABI/testing/configfs-tsm): mkdir a report entry, check that its
  // provider is the TDX guest driver, write inblob, read outblob, check that `generation` moved by
  // exactly our one write (else another writer raced us on the entry), rmdir.
  Result<Bytes> Quote(const FixedBytes<64>& report_data) override {
    static std::atomic<uint64_t> sequence{0};
    fs::path entry = dir_ / ("phalanx-" + std::to_string(::getpid()) + "-" +
                             std::to_string(sequence.fetch_add(1)));
    if (::mkdir(entry.c_str(), 0700) != 0)
      return Errno("cannot create the configfs-tsm report entry", entry, errno);
    if (FakeKernel()) FakeKernel()->EntryCreated(entry);
    Result<Bytes> quote = QuoteIn(entry, report_data);
    if (FakeKernel()) FakeKernel()->EntryRemoving(entry);
    if (::rmdir(entry.c_str()) != 0 && quote.ok())
      return Errno("cannot remove the configfs-tsm report entry", entry, errno);
    return quote;
  }

 private:
  Result<Bytes> QuoteIn(const fs::path& entry, const FixedBytes<64>& report_data) {
    ASSIGN_OR_RETURN(std::string provider, ReadPseudoFile(entry / "provider", 256));
    provider = Trim(provider);
    if (provider != "tdx_guest")
      return Unavailable("the TSM behind " + dir_.string() + " is '" + provider +
                         "', not tdx_guest: this machine is not an Intel TDX guest");
    ASSIGN_OR_RETURN(uint64_t before, ReadGeneration(entry));
    RETURN_IF_ERROR(WritePseudoFile(entry / "inblob", report_data.view()));
    if (FakeKernel()) FakeKernel()->InblobWritten(entry);
    ASSIGN_OR_RETURN(std::string out, ReadPseudoFile(entry / "outblob", kMaxProviderQuoteBytes));
    ASSIGN_OR_RETURN(uint64_t after, ReadGeneration(entry));
    if (after != before + 1)
      return Unavailable("another writer used report entry " + entry.string() +
                         " at the same time (generation " + std::to_string(before) + " -> " +
                         std::to_string(after) + "); retry");
    return NonEmpty(std::move(out), entry / "outblob");
  }

  fs::path dir_;
};

class SgxProvider : public Provider {
 public:
  explicit SgxProvider(fs::path dir) : dir_(std::move(dir)) {}
  std::string_view name() const override { return "sgx"; }

  // Gramine: writing user_report_data makes the next read of `quote` a DCAP quote over it.
  Result<Bytes> Quote(const FixedBytes<64>& report_data) override {
    RETURN_IF_ERROR(WritePseudoFile(dir_ / "user_report_data", report_data.view()));
    ASSIGN_OR_RETURN(std::string out, ReadPseudoFile(dir_ / "quote", kMaxProviderQuoteBytes));
    return NonEmpty(std::move(out), dir_ / "quote");
  }

 private:
  fs::path dir_;
};

class SimProvider : public Provider {
 public:
  SimProvider(const crypto::SigningKey& key, const FixedBytes<32>& measurement)
      : key_(key), measurement_(measurement) {}
  std::string_view name() const override { return "sim"; }
  Result<Bytes> Quote(const FixedBytes<64>& report_data) override {
    return MakeSimQuote(key_, measurement_, report_data);
  }

 private:
  crypto::SigningKey key_;
  FixedBytes<32> measurement_;
};

}  // namespace

namespace testing {
ScopedFakeTsmKernel::ScopedFakeTsmKernel(FakeTsmKernel* kernel) : previous_(FakeKernel()) {
  FakeKernel() = kernel;
}
ScopedFakeTsmKernel::~ScopedFakeTsmKernel() { FakeKernel() = previous_; }
}  // namespace testing

ProbeResult ProbeTdx(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return {false, dir.string() +
                       " does not exist: no configfs-tsm here (needs a TDX guest kernel with "
                       "CONFIG_TSM_REPORTS, Linux 6.7+, and configfs mounted on "
                       "/sys/kernel/config)"};
  if (::access(dir.c_str(), W_OK) != 0)
    return {false, dir.string() + " exists but is not writable by this user (run as root)"};
  return {true, dir.string() + " is writable (configfs-tsm)"};
}

ProbeResult ProbeSgx(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return {false, dir.string() +
                       " does not exist: not running inside a Gramine SGX enclave (gramine-sgx "
                       "with sgx.remote_attestation = \"dcap\")"};
  auto type = ReadPseudoFile(dir / "attestation_type", 64);
  if (!type.ok()) return {false, std::string(type.status().message())};
  if (Trim(*type) != "dcap")
    return {false, (dir / "attestation_type").string() + " is '" + Trim(*type) +
                       "', not dcap (set sgx.remote_attestation = \"dcap\" in the manifest)"};
  if (::access((dir / "user_report_data").c_str(), W_OK) != 0)
    return {false, (dir / "user_report_data").string() + " is not writable"};
  if (::access((dir / "quote").c_str(), R_OK) != 0)
    return {false, (dir / "quote").string() + " is not readable"};
  return {true, dir.string() + " offers DCAP quotes (Gramine)"};
}

Result<std::unique_ptr<Provider>> OpenTdxProvider(const fs::path& dir) {
  ProbeResult p = ProbeTdx(dir);
  if (!p.available) return Unavailable("tdx provider: " + p.detail);
  return std::unique_ptr<Provider>(new TdxProvider(dir));
}

Result<std::unique_ptr<Provider>> OpenSgxProvider(const fs::path& dir) {
  ProbeResult p = ProbeSgx(dir);
  if (!p.available) return Unavailable("sgx provider: " + p.detail);
  return std::unique_ptr<Provider>(new SgxProvider(dir));
}

std::unique_ptr<Provider> MakeSimProvider(const crypto::SigningKey& key,
                                          const FixedBytes<32>& measurement) {
  return std::make_unique<SimProvider>(key, measurement);
}

}  // namespace phalanx::tee
