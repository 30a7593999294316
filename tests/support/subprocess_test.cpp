// The test-support pieces that every server test relies on: a child's exit code and output,
// a stop that always reaps, a timeout that kills, and loopback ports.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "hpad/test_support/net.h"
#include "hpad/test_support/subprocess.h"

namespace hpad::test_support {
namespace {

using namespace std::chrono_literals;

TEST(Run, ReturnsTheExitCodeAndBothStreams) {
  auto result = run({"sh", "-c", "echo out; echo err >&2; exit 3"});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.out, "out\n");
  EXPECT_EQ(result.err, "err\n");
}

TEST(Run, KillsAChildThatOutlivesItsTimeout) {
  auto result = run({"sleep", "30"}, {}, 100ms);
  EXPECT_EQ(result.exit_code, 124);
}

TEST(Run, PassesExtraEnvironment) {
  SpawnOptions options;
  options.env["HPAD_TEST_VALUE"] = "42";
  EXPECT_EQ(run({"sh", "-c", "printf %s \"$HPAD_TEST_VALUE\""}, options).out, "42");
}

TEST(Subprocess, StopSendsSigtermAndReaps) {
  Subprocess child({"sleep", "30"});
  EXPECT_TRUE(child.running());
  EXPECT_EQ(child.stop(), 128 + SIGTERM);
  EXPECT_FALSE(child.running());
  EXPECT_EQ(child.stop(), 128 + SIGTERM);  // idempotent
}

TEST(Subprocess, StopKillsAChildThatIgnoresSigterm) {
  Subprocess child({"sh", "-c", "trap '' TERM; echo ready; sleep 30 & wait"});
  for (int i = 0; i < 200 && child.stdout_text().empty(); ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(child.stop(100ms), 128 + SIGKILL);
}

TEST(Subprocess, AMissingProgramIsAnErrorThatLeavesNoFilesBehind) {
  auto own_logs = [] {
    const std::string prefix = "hpad-out-" + std::to_string(::getpid()) + "-";
    std::size_t count = 0;
    for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::temp_directory_path())) {
      count += entry.path().filename().string().rfind(prefix, 0) == 0 ? 1U : 0U;
    }
    return count;
  };
  const std::size_t before = own_logs();
  EXPECT_THROW(Subprocess({"/nonexistent/hpad-no-such-program"}), std::runtime_error);
  EXPECT_EQ(own_logs(), before);
}

TEST(Net, FreePortCanBeListenedOnAndFoundByWaitForPort) {
  std::uint16_t port = free_port();
  EXPECT_GT(port, 0);
  EXPECT_FALSE(wait_for_port(port, 50ms));
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 4), 0);
  EXPECT_TRUE(wait_for_port(port, 5s));
  ::close(fd);
}

TEST(TempDir, IsRemovedWithItsContents) {
  std::filesystem::path kept;
  {
    TempDir dir;
    kept = dir.path();
    std::filesystem::create_directories(kept / "a" / "b");
    EXPECT_TRUE(std::filesystem::is_directory(kept / "a" / "b"));
  }
  EXPECT_FALSE(std::filesystem::exists(kept));
}

}  // namespace
}  // namespace hpad::test_support
