// hpad-kubesim's network face: the Kubernetes API of a Cluster on 127.0.0.1:api_port and its
// workload metrics (GET /metrics) on 127.0.0.1:metrics_port, both cpprestsdk http_listeners, and
// a ticker thread that advances the cluster every tick_interval. start() and stop() are not
// thread-safe against each other; the handlers run on cpprestsdk's thread pool. The destructor
// stops everything (RAII), so a test never leaves a server behind.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "hpad/sim/cluster.h"

namespace hpad::sim {

struct ServerOptions {
  std::uint16_t api_port = 0;      // required: cpprestsdk cannot bind port 0
  std::uint16_t metrics_port = 0;  // 0: no metrics listener
  std::chrono::milliseconds tick_interval{50};
};

class Server {
 public:
  Server(Cluster& cluster, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Opens both listeners and starts the ticker. Returns an error message, empty on success.
  std::string start();
  void stop();
  std::string api_url() const;
  std::string metrics_url() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hpad::sim
