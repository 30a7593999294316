// Subprocess, run and TempDir: posix_spawnp with file actions for stdout/stderr, waitpid
// polling for timeouts (no SIGCHLD handler, so tests keep their own signal state).
#include "hpad/test_support/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace hpad::test_support {
namespace {

std::filesystem::path fresh_temp_path(const std::string& prefix, const std::string& suffix) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  for (;;) {
    std::ostringstream name;
    name << prefix << '-' << ::getpid() << '-' << std::hex << rng() << suffix;
    auto path = std::filesystem::temp_directory_path() / name.str();
    if (!std::filesystem::exists(path))
      return path;
  }
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int decode_status(int status) {
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

Subprocess::Subprocess(std::vector<std::string> argv, SpawnOptions options) {
  if (argv.empty())
    throw std::invalid_argument("Subprocess: empty argv");
  own_stdout_ = options.stdout_path.empty();
  own_stderr_ = options.stderr_path.empty();
  stdout_path_ = own_stdout_ ? fresh_temp_path("hpad-out", ".log") : options.stdout_path;
  stderr_path_ = own_stderr_ ? fresh_temp_path("hpad-err", ".log") : options.stderr_path;

  std::map<std::string, std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string text(*entry);
    auto eq = text.find('=');
    if (eq != std::string::npos)
      env[text.substr(0, eq)] = text.substr(eq + 1);
  }
  for (auto& [key, value] : options.env)
    env[key] = value;
  std::vector<std::string> env_text;
  env_text.reserve(env.size());
  for (auto& [key, value] : env)
    env_text.push_back(key + "=" + value);
  std::vector<char*> envp;
  for (auto& entry : env_text)
    envp.push_back(entry.data());
  envp.push_back(nullptr);
  std::vector<char*> args;
  for (auto& arg : argv)
    args.push_back(arg.data());
  args.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, stdout_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (options.working_dir)
    posix_spawn_file_actions_addchdir_np(&actions, options.working_dir->c_str());
  int rc = ::posix_spawnp(&pid_, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    pid_ = -1;
    std::error_code ignored;  // the child may have created its output files before exec failed
    if (own_stdout_)
      std::filesystem::remove(stdout_path_, ignored);
    if (own_stderr_)
      std::filesystem::remove(stderr_path_, ignored);
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  }
}

Subprocess::~Subprocess() {
  stop(std::chrono::seconds(5));
  std::error_code ignored;
  if (own_stdout_)
    std::filesystem::remove(stdout_path_, ignored);
  if (own_stderr_)
    std::filesystem::remove(stderr_path_, ignored);
}

std::optional<int> Subprocess::wait_for(std::chrono::milliseconds timeout) {
  if (status_ || pid_ < 0)
    return status_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    int status = 0;
    pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      status_ = decode_status(status);
      return status_;
    }
    if (done < 0 && errno != EINTR) {
      status_ = -1;
      return status_;
    }
    if (std::chrono::steady_clock::now() >= deadline)
      return std::nullopt;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

bool Subprocess::running() {
  return !wait_for(std::chrono::milliseconds(0)).has_value();
}

int Subprocess::stop(std::chrono::milliseconds grace) {
  if (pid_ < 0)
    return -1;
  if (!status_) {
    ::kill(pid_, SIGTERM);
    if (!wait_for(grace)) {
      ::kill(pid_, SIGKILL);
      wait_for(std::chrono::hours(1));
    }
  }
  return *status_;
}

std::string Subprocess::stdout_text() const {
  return read_file(stdout_path_);
}
std::string Subprocess::stderr_text() const {
  return read_file(stderr_path_);
}

RunResult run(std::vector<std::string> argv, SpawnOptions options, std::chrono::milliseconds timeout) {
  Subprocess child(std::move(argv), std::move(options));
  auto code = child.wait_for(timeout);
  int exit_code = code ? *code : 124;
  if (!code)
    child.stop(std::chrono::seconds(1));
  return RunResult{exit_code, child.stdout_text(), child.stderr_text()};
}

TempDir::TempDir(const std::string& prefix) : path_(fresh_temp_path(prefix, "")) {
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace hpad::test_support
