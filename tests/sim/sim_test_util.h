// Helpers shared by the hpad-kubesim tests: a small config, ApiRequest builders for in-process
// calls to Cluster::handle, and a running Server on free loopback ports (stopped by RAII).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "hpad/sim/cluster.h"
#include "hpad/sim/config.h"
#include "hpad/sim/server.h"
#include "hpad/test_support/cpprest_pool.h"
#include "hpad/test_support/net.h"

namespace hpad::sim::testing {

using namespace std::chrono_literals;

// One deployment "web" (app=web) whose pods are Running after 100 ms and Ready after 200 ms, and
// go 100 ms after their deletionTimestamp.
inline SimConfig web_config(std::int64_t replicas = 2) {
  auto parsed = parse_config(R"(
namespace: default
seed: 7
deployments:
  - name: web
    replicas: )" + std::to_string(replicas) +
                             R"(
    labels: {app: web}
    requests: {cpu: 250m, memory: 128Mi}
    startupDelaySeconds: 0.2
    terminationGraceSeconds: 0.1
    load: {type: constant, value: 150}
    capacityPerPod: 100
    cpuPerRequest: 0.002
)");
  EXPECT_TRUE(std::holds_alternative<SimConfig>(parsed)) << std::get<ConfigError>(parsed).to_string();
  return std::get<SimConfig>(parsed);
}

inline ApiRequest request(std::string method, std::string path, std::string body = "",
                          std::map<std::string, std::string> query = {}) {
  ApiRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.body = std::move(body);
  r.query = std::move(query);
  r.headers["content-type"] = "application/json";
  return r;
}

inline ApiRequest merge_patch(std::string path, std::string body) {
  auto r = request("PATCH", std::move(path), std::move(body));
  r.headers["content-type"] = "application/merge-patch+json";
  return r;
}

inline const std::string kWeb = "/apis/apps/v1/namespaces/default/deployments/web";
inline const std::string kPods = "/api/v1/namespaces/default/pods";

// Sizes cpprestsdk's pool (4 threads) before anything in the test uses it, so that
// drain_cpprest_threadpool() can wait for all of it.
struct CpprestPool {
  CpprestPool() { hpad::test_support::init_cpprest_threadpool(); }
};

// A Cluster on a ManualClock behind a Server on free ports. Stopping it drains cpprestsdk's pool:
// continuations that clients and listeners leave queued would otherwise be reported as leaks at
// exit.
struct RunningSim {
  explicit RunningSim(SimConfig config = web_config(), std::optional<std::string> token = std::nullopt)
      : cluster(config, clock, std::move(token)),
        server(cluster, {hpad::test_support::free_port(), hpad::test_support::free_port(), 20ms}) {
    const auto error = server.start();
    EXPECT_EQ(error, "");
  }
  ~RunningSim() {
    server.stop();
    hpad::test_support::drain_cpprest_threadpool();
    hpad::test_support::drain_cpprest_threadpool();  // and what the first round queued
  }
  RunningSim(const RunningSim&) = delete;
  RunningSim& operator=(const RunningSim&) = delete;
  CpprestPool pool;  // first: initialized before the server exists
  ManualClock clock;
  Cluster cluster;
  Server server;
};

}  // namespace hpad::sim::testing
