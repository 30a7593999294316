// Helpers for the KubeClient and LeaderElection tests: an in-process hpad-kubesim (Cluster on a
// ManualClock behind a Server on free 127.0.0.1 ports, stopped by RAII), a Connection to it, and a
// small scripted HTTP(S) listener for what the sim cannot be made to do (TLS, 403, a server
// without events.k8s.io, a custom resource). Thread-safe where the listener's threads meet the
// test (recorded requests under a mutex).
#pragma once

#include <utility>  // before cpprest: boost/asio's awaitable.hpp uses std::exchange (C++20)

#include <cpprest/http_listener.h>
#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "hpad/kube/client.h"
#include "hpad/sim/cluster.h"
#include "hpad/sim/config.h"
#include "hpad/sim/server.h"
#include "hpad/test_support/cpprest_pool.h"
#include "hpad/test_support/net.h"
#include "hpad/test_support/scripted_server.h"
#include "hpad/test_support/subprocess.h"
#include "hpad/test_support/test_pki.h"

namespace hpad::kube::testing {

using namespace std::chrono_literals;

// One deployment "web" (app=web, `replicas` pods) in namespace "default".
inline sim::SimConfig web_config(std::int64_t replicas = 2) {
  auto parsed = sim::parse_config(
      "namespace: default\nseed: 7\ndeployments:\n  - name: web\n    replicas: " + std::to_string(replicas) +
      "\n    labels: {app: web}\n    startupDelaySeconds: 0.2\n"
      "    terminationGraceSeconds: 0.1\n    load: {type: constant, value: 10}\n");
  EXPECT_TRUE(std::holds_alternative<sim::SimConfig>(parsed)) << std::get<sim::ConfigError>(parsed).to_string();
  return std::get<sim::SimConfig>(parsed);
}

struct CpprestPool {
  CpprestPool() { hpad::test_support::init_cpprest_threadpool(); }
};

// hpad-kubesim in-process. Stopping it drains cpprestsdk's pool, so that continuations left queued
// by clients and listeners are not reported as leaks at exit.
struct RunningSim {
  explicit RunningSim(sim::SimConfig config = web_config(), std::optional<std::string> token = std::nullopt)
      : cluster(config, clock, std::move(token)), server(cluster, {hpad::test_support::free_port(), 0, 20ms}) {
    EXPECT_EQ(server.start(), "");
    // One request before the test's threads send theirs at once: under ThreadSanitizer, the first
    // replies that cpprestsdk's listener builds concurrently race inside libcpprest
    // (details::get_default_reason_phrase, a lazy one-time initialization in the uninstrumented
    // library); seen in 1 of 6 runs, always in the first test of the process.
    KubeClient warm_up(connection());
    (void)warm_up.get_scale(ScaleTarget{"default", ScaleTargetRef{"apps/v1", "Deployment", "web"}});
  }
  ~RunningSim() {
    server.stop();
    hpad::test_support::drain_cpprest_threadpool();
    hpad::test_support::drain_cpprest_threadpool();
  }
  RunningSim(const RunningSim&) = delete;
  RunningSim& operator=(const RunningSim&) = delete;

  Connection connection() const {
    Connection c;
    c.server = server.api_url();
    c.source = "test";
    return c;
  }
  // An in-process request to the sim, bypassing HTTP (the sim's own view of its state).
  sim::ApiResponse get(const std::string& path, std::map<std::string, std::string> query = {}) {
    sim::ApiRequest request;
    request.method = "GET";
    request.path = path;
    request.query = std::move(query);
    return cluster.handle(request);
  }

  CpprestPool pool;  // first: sized before the server exists
  sim::ManualClock clock;
  sim::Cluster cluster;
  sim::Server server;
};

inline ScaleTarget web_target() {
  return ScaleTarget{"default", ScaleTargetRef{"apps/v1", "Deployment", "web"}};
}

// Fast retries for tests: 20 ms doubling server-error backoff, 4 attempts.
inline ClientOptions fast_options() {
  ClientOptions options;
  options.retry.server_error = Backoff{20ms, 2.0, 0.1, 4, 1s};
  options.timeout = 3s;
  return options;
}

template <typename T>
const T& value_of(const ApiResult<T>& result) {
  if (const auto* failure = std::get_if<ApiError>(&result)) {
    ADD_FAILURE() << "unexpected error: " << failure->to_string();
    static const T empty{};
    return empty;
  }
  return std::get<T>(result);
}

template <typename T>
ApiError error_of(const ApiResult<T>& result) {
  EXPECT_TRUE(std::holds_alternative<ApiError>(result)) << "expected an error";
  return std::holds_alternative<ApiError>(result) ? std::get<ApiError>(result) : ApiError{};
}

inline void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The scripted listener of tests/support, for what the sim cannot be made to answer.
using hpad::test_support::RecordedRequest;
using hpad::test_support::ScriptedAnswer;
using hpad::test_support::ScriptedServer;

// Records every observer call: (verb, code).
class ObservedRequests {
 public:
  RequestObserver observer() {
    return [this](std::string_view verb, int code) {
      std::lock_guard lock(mutex_);
      calls_.emplace_back(std::string(verb), code);
    };
  }
  std::vector<int> codes() const {
    std::lock_guard lock(mutex_);
    std::vector<int> out;
    for (const auto& call : calls_) {
      out.push_back(call.second);
    }
    return out;
  }
  std::vector<std::pair<std::string, int>> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<std::string, int>> calls_;  // guarded by mutex_
};

}  // namespace hpad::kube::testing
