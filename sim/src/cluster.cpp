// Cluster: the mutex and the order of operations around the state functions of sim/src.
// Every entry point reads the clock once, brings the pods up to that time, then acts; a write
// is followed by another reconcile so that pods and status follow it before the lock is released.
#include "hpad/sim/cluster.h"

#include "state.h"

namespace hpad::sim {

Cluster::Cluster(const SimConfig& config, const Clock& clock, std::optional<std::string> token)
    : state_(std::make_unique<State>()), token_(std::move(token)), clock_(clock) {
  const auto now = clock_.now();
  auto& state = *state_;
  state.names_rng.seed(config.seed);
  state.workload_rng.seed(config.seed * 0x9E3779B97F4A7C15ULL + 1);
  state.faults_rng.seed(config.seed * 0xBF58476D1CE4E5B9ULL + 2);
  state.cpu_noise = config.cpu_noise;
  state.faults = config.faults;
  state.started = now;
  ensure_namespace(state, "default", now);
  ensure_namespace(state, config.namespace_name, now);
  for (const auto& deployment : config.deployments) {
    ensure_namespace(state, deployment.namespace_name, now);
    state.deployments.emplace(key_of(deployment.namespace_name, deployment.name),
                              make_deployment(state, deployment, now));
  }
  reconcile(state, now);
  advance_workload(state, now);
}

Cluster::~Cluster() = default;

ApiResponse Cluster::handle(const ApiRequest& request) {
  std::lock_guard lock(mutex_);
  const auto now = clock_.now();
  if (token_) {
    const auto found = request.headers.find("authorization");
    if (found == request.headers.end() || found->second != "Bearer " + *token_) {
      return status_error(401, "Unauthorized", "Unauthorized");
    }
  }
  try {
    reconcile(*state_, now);
    auto response = route(*state_, request, now);
    if (request.method != "GET") {
      reconcile(*state_, now);
    }
    return wants_table(request) ? as_table(std::move(response), now) : response;
  } catch (const std::exception& error) {
    // Handlers validate before they index; reaching here is a bug in the sim, reported as such.
    return status_error(500, "InternalError", std::string("Internal error occurred: ") + error.what());
  }
}

void Cluster::tick() {
  std::lock_guard lock(mutex_);
  const auto now = clock_.now();
  reconcile(*state_, now);
  advance_workload(*state_, now);
}

std::string Cluster::render_metrics() {
  std::lock_guard lock(mutex_);
  const auto now = clock_.now();
  reconcile(*state_, now);
  advance_workload(*state_, now);
  return hpad::sim::render_metrics(*state_);
}

FaultConfig Cluster::faults() const {
  std::lock_guard lock(mutex_);
  return state_->faults;
}

void Cluster::set_faults(const FaultConfig& faults) {
  std::lock_guard lock(mutex_);
  state_->faults = faults;
}

}  // namespace hpad::sim
