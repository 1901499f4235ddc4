#include "phalanx/platform/process.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

namespace phalanx::platform {
namespace {

TEST(Process, RunCommandCapturesOutputAndExitCode) {
  auto r = RunCommand({"sh", "-c", "echo hello; exit 3"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->output, "hello\n");
  EXPECT_TRUE(r->status.exited);
  EXPECT_EQ(r->status.code, 3);
}

TEST(Process, KillNineIsReportedAsASignal) {
  auto p = Process::Spawn({"sleep", "30"});
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->running());
  ASSERT_TRUE(p->Signal(SIGKILL).ok());
  auto st = p->Wait(std::chrono::seconds(5));
  ASSERT_TRUE(st.has_value());
  EXPECT_FALSE(st->exited);
  EXPECT_EQ(st->signal, SIGKILL);
}

TEST(Process, MissingProgramIsAnError) { EXPECT_FALSE(RunCommand({"/nonexistent/program"}).ok()); }

TEST(Process, PickFreePortGivesAPort) {
  auto p = PickFreePort();
  ASSERT_TRUE(p.ok());
  EXPECT_GT(*p, 0);
}

TEST(Process, PickFreePortRangeGivesConsecutiveBindablePortsBelowTheEphemeralRange) {
  auto base = PickFreePortRange(10);
  ASSERT_TRUE(base.ok()) << base.status().ToString();
  EXPECT_GE(*base, 15000);
  EXPECT_LT(*base + 10, 32768);
  for (uint16_t port = *base; port < *base + 10; ++port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0) << port;
    ::close(fd);
  }
  EXPECT_FALSE(PickFreePortRange(0).ok());
}

}  // namespace
}  // namespace phalanx::platform
