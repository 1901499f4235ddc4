// Child processes for tools and tests: spawn with arguments and an output file, signal, wait.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "phalanx/base/result.h"

namespace phalanx::platform {

struct ExitStatus {
  bool exited = false;  // normal exit (code valid) vs killed by a signal
  int code = 0;
  int signal = 0;
};

struct CommandOutput {
  ExitStatus status;
  std::string output;
};

class Process {
 public:
  // Starts argv[0] (searched in PATH if it has no '/'); stdout and stderr go to `output_path`
  // (appended) or are inherited when it is empty.
  static Result<Process> Spawn(const std::vector<std::string>& argv,
                               const std::string& output_path = "");
  Process(Process&& other) noexcept;
  Process& operator=(Process&& other) noexcept;
  Process(const Process&) = delete;
  ~Process();  // kills (SIGKILL) and reaps a child still running

  pid_t pid() const { return pid_; }
  bool running();
  Status Signal(int sig);
  // Waits up to `timeout`; nullopt if still running then.
  std::optional<ExitStatus> Wait(std::chrono::milliseconds timeout);

 private:
  friend Result<CommandOutput> RunCommand(const std::vector<std::string>&, bool,
                                          std::chrono::milliseconds);
  explicit Process(pid_t pid) : pid_(pid) {}
  pid_t pid_ = -1;
  std::optional<ExitStatus> exit_;
};

// Runs a command to completion, capturing stdout (stderr too when `merge_stderr`).
Result<CommandOutput> RunCommand(const std::vector<std::string>& argv, bool merge_stderr = false,
                                 std::chrono::milliseconds timeout = std::chrono::seconds(60));

// A TCP port on 127.0.0.1 that was free a moment ago (for tests).
Result<uint16_t> PickFreePort();

// The first of `count` consecutive TCP ports on 127.0.0.1 that were all free a moment ago (for
// tests and benchmarks that start a localnet); below Linux's ephemeral range (32768..60999) so
// that outgoing connections do not take them meanwhile.
Result<uint16_t> PickFreePortRange(size_t count);

}  // namespace phalanx::platform
