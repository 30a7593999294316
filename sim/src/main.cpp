// hpad-kubesim: wires a config file, the system clock, a Cluster and its Server, and runs until
// SIGTERM or SIGINT. Exit codes: 0 after a clean shutdown, 1 if it cannot listen, 2 for bad
// arguments or a bad config. The token is never printed.
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <unistd.h>

#include <utility>  // before pplx/threadpool.h: boost/asio/awaitable.hpp uses std::exchange without it

#include <pplx/pplxtasks.h>
#include <pplx/threadpool.h>

#include "hpad/sim/cluster.h"
#include "hpad/sim/config.h"
#include "hpad/sim/server.h"

namespace {

struct Arguments {
  std::string config_path;
  std::uint16_t port = 0;
  std::uint16_t metrics_port = 0;
  std::optional<std::string> token;
};

int stop_pipe[2] = {-1, -1};

extern "C" void on_stop_signal(int signal_number) {
  const auto byte = static_cast<unsigned char>(signal_number);
  // write() is async-signal-safe; if the pipe is full a stop is already pending.
  [[maybe_unused]] auto written = write(stop_pipe[1], &byte, 1);
}

constexpr std::size_t kPoolThreads = 4;

// Waits until the handlers queued on cpprestsdk's pool have run: its threads are never joined,
// and continuations still queued at exit would be reported as leaks by the sanitized build.
// One marker per pool thread holds its thread until all markers run; the queue is FIFO.
void drain_pool() {
  struct Barrier {
    std::mutex mutex;
    std::condition_variable changed;
    std::size_t started = 0;
    std::size_t finished = 0;
  };
  for (int round = 0; round < 2; ++round) {  // the second round for what the first one queued
    auto barrier = std::make_shared<Barrier>();
    for (std::size_t i = 0; i < kPoolThreads; ++i) {
      // Through pplx, not service().post(): boost::asio's handler template uses
      // atomic_thread_fence, which g++ 12 refuses under -fsanitize=thread (-Werror=tsan).
      pplx::create_task([barrier] {
        std::unique_lock lock(barrier->mutex);
        ++barrier->started;
        barrier->changed.notify_all();
        barrier->changed.wait_for(lock, std::chrono::seconds(1), [&] { return barrier->started == kPoolThreads; });
        ++barrier->finished;
        barrier->changed.notify_all();
      });
    }
    std::unique_lock lock(barrier->mutex);
    barrier->changed.wait_for(lock, std::chrono::seconds(2), [&] { return barrier->finished == kPoolThreads; });
  }
}

constexpr const char* kUsage = "usage: hpad-kubesim --config FILE --port N [--metrics-port N] [--token T]\n";

std::optional<std::uint16_t> parse_port(const std::string& text) {
  try {
    std::size_t used = 0;
    const long value = std::stol(text, &used);
    if (used == text.size() && value > 0 && value <= 65535) {
      return static_cast<std::uint16_t>(value);
    }
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

// Returns the arguments or an error message.
std::variant<Arguments, std::string> parse_arguments(const std::vector<std::string>& args) {
  Arguments parsed;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& flag = args[i];
    if (i + 1 >= args.size()) {
      return "missing value after " + flag;
    }
    const auto& value = args[++i];
    if (flag == "--config") {
      parsed.config_path = value;
    } else if (flag == "--port" || flag == "--metrics-port") {
      auto port = parse_port(value);
      if (!port) {
        return flag + ": \"" + value + "\" is not a port (1-65535)";
      }
      (flag == "--port" ? parsed.port : parsed.metrics_port) = *port;
    } else if (flag == "--token") {
      parsed.token = value;
    } else {
      return "unknown argument " + flag;
    }
  }
  if (parsed.config_path.empty() || parsed.port == 0) {
    return std::string("--config and --port are required");
  }
  return parsed;
}

}  // namespace

int main(int argc, char** argv) {
  auto arguments = parse_arguments(std::vector<std::string>(argv + 1, argv + argc));
  if (auto* error = std::get_if<std::string>(&arguments)) {
    std::cerr << "hpad-kubesim: " << *error << "\n" << kUsage;
    return 2;
  }
  const auto& args = std::get<Arguments>(arguments);
  auto config = hpad::sim::load_config_file(args.config_path);
  if (auto* error = std::get_if<hpad::sim::ConfigError>(&config)) {
    std::cerr << "hpad-kubesim: " << args.config_path << ": " << error->to_string() << "\n";
    return 2;
  }

  // A stop signal may land on any thread (some exist before main, e.g. in libraries), so it is
  // caught by a handler that only writes the signal number to a pipe; main waits on the pipe.
  if (pipe(stop_pipe) != 0) {
    std::cerr << "hpad-kubesim: cannot create the signal pipe\n";
    return 1;
  }
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  crossplat::threadpool::initialize_with_threads(kPoolThreads);

  hpad::sim::SystemClock clock;
  hpad::sim::Cluster cluster(std::get<hpad::sim::SimConfig>(config), clock, args.token);
  hpad::sim::Server server(cluster, {args.port, args.metrics_port, std::chrono::milliseconds(50)});
  if (const auto error = server.start(); !error.empty()) {
    std::cerr << "hpad-kubesim: " << error << "\n";
    return 1;
  }
  std::cout << "hpad-kubesim: API on " << server.api_url();
  if (args.metrics_port != 0) {
    std::cout << ", metrics on " << server.metrics_url() << "/metrics";
  }
  std::cout << (args.token ? " (bearer token required)" : "") << std::endl;

  unsigned char signal_number = 0;
  while (read(stop_pipe[0], &signal_number, 1) < 0 && errno == EINTR) {
  }
  std::cout << "hpad-kubesim: signal " << static_cast<int>(signal_number) << ", shutting down" << std::endl;
  server.stop();
  drain_pool();
  return 0;
}
