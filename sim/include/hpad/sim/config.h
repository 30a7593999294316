// The simulator's configuration: the deployments it starts with, how their pods behave, the load
// they are offered, and the faults its API injects. Parsed from YAML (see sim/README.md) into
// plain values; every field has a default, and a bad field is reported with its path
// (`deployments[0].load.periodSeconds: must be > 0`). Parsing never throws.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "hpad/sim/load_curve.h"

namespace hpad::sim {

// What the API does wrong on purpose. Counters (conflicts, too_many_requests,
// dropped_connections) are used up one request at a time.
struct FaultConfig {
  double scale_write_error_rate = 0;  // probability that a scale write answers 500
  std::int64_t scale_write_delay_ms = 0;
  std::int64_t conflicts = 0;            // the next N scale writes answer 409 Conflict
  std::int64_t too_many_requests = 0;    // the next N resource requests answer 429
  std::int64_t retry_after_seconds = 1;  // Retry-After of those 429s
  std::int64_t dropped_connections = 0;  // the next N resource requests get no answer
};

struct DeploymentConfig {
  std::string name;
  std::string namespace_name;  // defaults to the file's `namespace`
  std::int64_t replicas = 1;
  std::map<std::string, std::string> labels;    // template labels; also the selector
  std::map<std::string, std::string> requests;  // container resources.requests, as quantities
  std::map<std::string, std::string> limits;
  std::string image;                     // defaults to "registry.local/<name>:1"
  double startup_delay_seconds = 5;      // creation to Ready; Running at half of it
  double termination_grace_seconds = 2;  // deletionTimestamp to gone
  LoadCurve load;
  double capacity_per_pod = 100;       // requests/s a pod serves before latency climbs
  double cpu_per_request = 0.002;      // CPU seconds per request
  double base_latency_seconds = 0.02;  // mean latency of an idle pod
};

struct SimConfig {
  std::string namespace_name = "default";
  std::vector<DeploymentConfig> deployments;
  std::uint64_t seed = 1;
  double cpu_noise = 0.02;  // relative standard deviation of per-pod CPU usage
  FaultConfig faults;
};

struct ConfigError {
  std::string path;  // e.g. "deployments[0].replicas"; empty for the whole document
  std::string message;
  std::string to_string() const { return path.empty() ? message : path + ": " + message; }
};

// `base_dir` resolves relative paths in the config (a CSV trace's `file`).
std::variant<SimConfig, ConfigError> parse_config(std::string_view yaml_text,
                                                  const std::filesystem::path& base_dir = ".");
std::variant<SimConfig, ConfigError> load_config_file(const std::filesystem::path& path);

// Parses a partial fault document (the body of POST /sim/faults, or the config's `faults`)
// onto `faults`: fields that are absent keep their value.
std::variant<FaultConfig, ConfigError> apply_fault_json(const FaultConfig& faults, std::string_view json_text);

}  // namespace hpad::sim
