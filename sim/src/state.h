// The simulated cluster's state and the functions that change it, shared by the files of
// sim/src (lifecycle.cpp, workload.cpp, the api_*.cpp handlers). Not thread-safe by itself:
// Cluster holds its mutex around every call.
//
// Invariants: `resource_version` only grows and every stored object's
// metadata.resourceVersion is <= it; a pod's key is "<namespace>/<name>" and its `deployment`
// names an entry of `deployments` or a deployment that was deleted (then the pod is terminating).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hpad/sim/api.h"
#include "hpad/sim/clock.h"
#include "hpad/sim/config.h"

namespace hpad::sim {

using Json = nlohmann::json;

// What the sim needs to know about a deployment beyond its API object.
struct Behaviour {
  double startup_delay_seconds = 5;
  double termination_grace_seconds = 2;
  LoadCurve load;
  double capacity_per_pod = 100;
  double cpu_per_request = 0.002;
  double base_latency_seconds = 0.02;
};

struct DeploymentRecord {
  Json object;  // apps/v1 Deployment, status included
  Behaviour behaviour;
  TimePoint load_epoch;  // t = 0 of the load curve
  double offered_load = 0;
};

// Per-pod workload counters; monotonic while the pod lives.
struct PodWorkload {
  double cpu_seconds = 0;
  double requests = 0;
  double errors = 0;
  double latency_sum = 0;
  std::vector<double> buckets;  // cumulative counts per latency bucket bound (kLatencyBuckets)
  double inflight = 0;
};

struct PodRecord {
  Json object;  // v1 Pod
  std::string deployment;
  TimePoint created;
  TimePoint running_at;
  TimePoint ready_at;
  std::optional<TimePoint> delete_at;  // set iff metadata.deletionTimestamp is
  double grace_seconds = 0;            // the deployment's terminationGraceSeconds at creation
  bool running = false;
  bool ready = false;
  PodWorkload workload;

  bool terminating() const { return delete_at.has_value(); }
  bool serving() const { return ready && !terminating(); }
};

struct State {
  std::map<std::string, DeploymentRecord> deployments;  // key "<namespace>/<name>"
  std::map<std::string, PodRecord> pods;
  std::map<std::string, Json> leases;
  std::map<std::string, Json> core_events;      // v1 Event
  std::map<std::string, Json> events_v1;        // events.k8s.io/v1 Event
  std::map<std::string, TimePoint> namespaces;  // name → creation
  std::int64_t resource_version = 1;
  std::mt19937_64 names_rng;     // pod name suffixes, uids
  std::mt19937_64 workload_rng;  // CPU noise
  std::mt19937_64 faults_rng;    // scale write error rate
  double cpu_noise = 0.02;
  FaultConfig faults;
  TimePoint started;
  std::optional<TimePoint> workload_time;  // up to where the workload is integrated
  std::uint64_t uid_counter = 0;
};

// --- objects.cpp: formats, metadata, Status bodies ---
std::string format_time(TimePoint time);
std::string new_uid(State& state);
// Stamps the next resourceVersion on `object` (metadata.resourceVersion) and returns it.
std::int64_t stamp(State& state, Json& object);
// Fills uid, creationTimestamp, namespace, resourceVersion of a newly created object.
void init_metadata(State& state, Json& object, const std::string& namespace_name, TimePoint now);
std::string key_of(const std::string& namespace_name, const std::string& name);
std::map<std::string, std::string> labels_of(const Json& object);
// RFC 7386 JSON merge patch.
void merge_patch(Json& target, const Json& patch);
// Parses a request body, bounding the nesting depth (deep documents crash recursive code).
std::optional<Json> parse_body(std::string_view text);
ApiResponse status_error(int code, const std::string& reason, const std::string& message, Json details = nullptr);
ApiResponse not_found(const std::string& resource, const std::string& name, const std::string& group = "");
ApiResponse conflict(const std::string& resource, const std::string& name, const std::string& group,
                     const std::string& why);
ApiResponse invalid(const std::string& kind, const std::string& name, const std::string& message,
                    const std::string& group = "");
ApiResponse ok(Json body, int status = 200);
// True if the object's metadata.resourceVersion is absent or equals the stored one.
bool version_matches(const Json& sent, const Json& stored);
void ensure_namespace(State& state, const std::string& name, TimePoint now);

// --- lifecycle.cpp: pods follow deployments ---
DeploymentRecord make_deployment(State& state, const DeploymentConfig& config, TimePoint now);
// Creates or terminates pods so that every deployment has spec.replicas live pods, moves pods
// through Pending → Running → Ready, removes those whose grace period ended, and updates
// Deployment status. Each change is a write (bumps the resourceVersion).
void reconcile(State& state, TimePoint now);
std::string selector_string(const Json& deployment);

// --- workload.cpp ---
void advance_workload(State& state, TimePoint now);
std::string render_metrics(const State& state);

// --- api_*.cpp ---
ApiResponse route(State& state, const ApiRequest& request, TimePoint now);
ApiResponse discovery(const ApiRequest& request);  // nullopt-like: status 0 when not a discovery path
ApiResponse handle_deployments(State& state, const ApiRequest& request, const std::vector<std::string>& parts,
                               TimePoint now);
ApiResponse handle_core(State& state, const ApiRequest& request, const std::vector<std::string>& parts, TimePoint now);
ApiResponse handle_leases(State& state, const ApiRequest& request, const std::vector<std::string>& parts,
                          TimePoint now);
ApiResponse handle_events(State& state, std::map<std::string, Json>& store, const ApiRequest& request,
                          const std::string& api_version, const std::string& namespace_name, const std::string& name,
                          TimePoint now);
// --- api_tables.cpp: server-side printing for kubectl get ---
bool wants_table(const ApiRequest& request);
ApiResponse as_table(ApiResponse response, TimePoint now);

// A list response with labelSelector, limit and continue applied to `items` (already sorted by key).
ApiResponse list_response(const State& state, const std::string& kind, const std::string& api_version,
                          const std::vector<const Json*>& items, const ApiRequest& request);

}  // namespace hpad::sim
