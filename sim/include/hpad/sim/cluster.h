// The simulated cluster: one state (deployments, their pods, leases, events, the workload, the
// faults) behind one mutex, reached through a Kubernetes-shaped API (handle), a lifecycle step
// (tick) and a Prometheus exposition of the workload (render_metrics). Thread-safe: every public
// member may be called from any thread. Time comes only from the injected Clock.
//
// Invariants kept under the mutex: one cluster-wide resourceVersion, incremented by every write
// and stamped on the object written; every Deployment's non-terminating pods number
// spec.replicas once handle() or tick() returns; Deployment status counts follow the pods.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "hpad/sim/api.h"
#include "hpad/sim/clock.h"
#include "hpad/sim/config.h"

namespace hpad::sim {

struct State;  // sim/src/state.h

class Cluster {
 public:
  // `token`: when set, every API request must carry "Authorization: Bearer <token>".
  // The clock must outlive the cluster.
  Cluster(const SimConfig& config, const Clock& clock, std::optional<std::string> token = std::nullopt);
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  // Answers one API request, after bringing the pods up to the clock's time. Never throws.
  ApiResponse handle(const ApiRequest& request);
  // Advances pod lifecycles and the workload to the clock's time.
  void tick();
  // The workload's metrics in the Prometheus text format 0.0.4, as of the clock's time.
  std::string render_metrics();

  FaultConfig faults() const;
  void set_faults(const FaultConfig& faults);

 private:
  mutable std::mutex mutex_;
  std::unique_ptr<State> state_;  // guarded by mutex_
  std::optional<std::string> token_;
  const Clock& clock_;
};

}  // namespace hpad::sim
