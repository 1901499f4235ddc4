// Process spawning with posix_spawn, waiting with a timeout, and a free-port picker.
#include "phalanx/platform/process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

extern char** environ;

namespace phalanx::platform {
namespace {
ExitStatus Decode(int wstatus) {
  ExitStatus s;
  if (WIFEXITED(wstatus)) {
    s.exited = true;
    s.code = WEXITSTATUS(wstatus);
  } else if (WIFSIGNALED(wstatus)) {
    s.signal = WTERMSIG(wstatus);
  }
  return s;
}

Result<pid_t> SpawnWithFds(const std::vector<std::string>& argv, int out_fd, int err_fd) {
  if (argv.empty()) return InvalidArgument("empty command");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (out_fd >= 0) posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
  if (err_fd >= 0) posix_spawn_file_actions_adddup2(&actions, err_fd, STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  sigset_t deflt;
  sigemptyset(&deflt);
  sigaddset(&deflt, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &deflt);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = argv[0].find('/') == std::string::npos
               ? posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ)
               : posix_spawn(&pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return IOError("cannot start " + argv[0] + ": " + std::strerror(rc));
  return pid;
}
}  // namespace

Result<Process> Process::Spawn(const std::vector<std::string>& argv,
                               const std::string& output_path) {
  int fd = -1;
  if (!output_path.empty()) {
    fd = ::open(output_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return IOError("cannot open " + output_path + ": " + std::strerror(errno));
  }
  auto pid = SpawnWithFds(argv, fd, fd);
  if (fd >= 0) ::close(fd);
  if (!pid.ok()) return pid.status();
  return Process(*pid);
}

Process::Process(Process&& other) noexcept : pid_(other.pid_), exit_(other.exit_) {
  other.pid_ = -1;
}

Process& Process::operator=(Process&& other) noexcept {
  if (this != &other) {
    this->~Process();
    pid_ = other.pid_;
    exit_ = other.exit_;
    other.pid_ = -1;
  }
  return *this;
}

Process::~Process() {
  if (pid_ > 0 && !exit_) {
    ::kill(pid_, SIGKILL);
    int st = 0;
    ::waitpid(pid_, &st, 0);
  }
}

bool Process::running() {
  if (pid_ <= 0 || exit_) return false;
  int st = 0;
  pid_t r = ::waitpid(pid_, &st, WNOHANG);
  if (r == pid_) {
    exit_ = Decode(st);
    return false;
  }
  return true;
}

Status Process::Signal(int sig) {
  if (pid_ <= 0 || exit_) return FailedPrecondition("process is not running");
  if (::kill(pid_, sig) != 0) return IOError(std::string("kill: ") + std::strerror(errno));
  return Status::Ok();
}

std::optional<ExitStatus> Process::Wait(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return exit_;
}

Result<CommandOutput> RunCommand(const std::vector<std::string>& argv, bool merge_stderr,
                                 std::chrono::milliseconds timeout) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return IOError(std::string("pipe: ") + std::strerror(errno));
  auto pid = SpawnWithFds(argv, fds[1], merge_stderr ? fds[1] : -1);
  ::close(fds[1]);
  if (!pid.ok()) {
    ::close(fds[0]);
    return pid.status();
  }
  Process proc(*pid);
  CommandOutput out;
  char buf[4096];
  auto deadline = std::chrono::steady_clock::now() + timeout;
  ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
  for (;;) {
    ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n > 0) {
      out.output.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) break;
    if (errno != EAGAIN && errno != EINTR) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      ::close(fds[0]);
      return DeadlineExceeded(argv[0] + " did not finish within " +
                              std::to_string(timeout.count()) + " ms");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ::close(fds[0]);
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  auto st = proc.Wait(left + std::chrono::milliseconds(100));
  if (!st) return DeadlineExceeded(argv[0] + " did not exit in time");
  out.status = *st;
  return out;
}

Result<uint16_t> PickFreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return IOError(std::string("socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return IOError(std::string("bind: ") + std::strerror(errno));
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

Result<uint16_t> PickFreePortRange(size_t count) {
  constexpr uint32_t kLowest = 15000, kEnd = 32000;  // [kLowest, kEnd)
  if (count == 0 || count > kEnd - kLowest) return InvalidArgument("bad port count");
  auto free = [](uint32_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
  };
  // Start at a pseudo-random base so that parallel callers rarely collide.
  const uint32_t span = kEnd - kLowest - static_cast<uint32_t>(count) + 1;
  uint32_t base =
      kLowest + static_cast<uint32_t>(std::chrono::steady_clock::now().time_since_epoch().count() ^
                                      (::getpid() * 2654435761u)) %
                    span;
  for (uint32_t attempt = 0; attempt < 200;
       ++attempt, base = kLowest + (base - kLowest + 97) % span) {
    bool all = true;
    for (size_t i = 0; i < count && all; ++i) all = free(base + static_cast<uint32_t>(i));
    if (all) return static_cast<uint16_t>(base);
  }
  return Unavailable("no " + std::to_string(count) + " consecutive free TCP ports on 127.0.0.1");
}

}  // namespace phalanx::platform
