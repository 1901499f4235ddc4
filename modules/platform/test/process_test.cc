#include "phalanx/platform/process.h"

#include <gtest/gtest.h>
#include <signal.h>

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

}  // namespace
}  // namespace phalanx::platform
