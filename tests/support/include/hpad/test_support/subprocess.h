// A child process for tests (Prometheus, hpad-kubesim, kubectl, promtool, openssl): started
// with posix_spawn from an argv (no shell), its stdout and stderr captured in files, stopped
// with SIGTERM and, if it does not exit in time, SIGKILL. The destructor always stops and
// reaps it, so a failing test never leaves a server behind.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace hpad::test_support {

struct SpawnOptions {
  // Added to (or replacing entries of) the parent's environment.
  std::map<std::string, std::string> env;
  // Where stdout and stderr go; empty: a fresh file in the system temp dir.
  std::filesystem::path stdout_path;
  std::filesystem::path stderr_path;
  std::optional<std::filesystem::path> working_dir;
};

class Subprocess {
 public:
  // Throws std::runtime_error if the program cannot be started (e.g. not found).
  explicit Subprocess(std::vector<std::string> argv, SpawnOptions options = {});
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  // SIGTERM, then SIGKILL after `grace`. Returns the exit status as wait_for does; idempotent.
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(5));
  // Waits up to `timeout` for the child to exit: its exit code, 128 + signal if it was killed
  // by one, or std::nullopt if it is still running.
  std::optional<int> wait_for(std::chrono::milliseconds timeout);

  std::string stdout_text() const;
  std::string stderr_text() const;
  const std::filesystem::path& stdout_path() const { return stdout_path_; }
  const std::filesystem::path& stderr_path() const { return stderr_path_; }

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
  std::filesystem::path stdout_path_;
  std::filesystem::path stderr_path_;
  bool own_stdout_ = false;
  bool own_stderr_ = false;
};

struct RunResult {
  int exit_code;  // 128 + signal if killed by one; 124 after a timeout, as coreutils' timeout
  std::string out;
  std::string err;
};

// Runs a program to completion (killing it after `timeout`) and returns what it printed.
RunResult run(std::vector<std::string> argv, SpawnOptions options = {},
              std::chrono::milliseconds timeout = std::chrono::seconds(60));

// A fresh, empty directory under the system temp dir, removed with everything in it when the
// object goes.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "hpad-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace hpad::test_support
