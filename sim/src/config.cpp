// YAML config → SimConfig. Every field is checked for type and range, unknown fields are errors
// (a typo must not silently fall back to a default), and each error names its field path.
// yaml-cpp throws; its exceptions and ours (FieldError) are caught in parse_config, so nothing
// escapes.
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "hpad/sim/config.h"

namespace hpad::sim {
namespace {

struct FieldError {
  std::string path;
  std::string message;
};

std::string join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

void check_keys(const YAML::Node& node, const std::string& path, const std::set<std::string>& allowed) {
  if (!node.IsMap()) {
    throw FieldError{path, "must be a mapping"};
  }
  for (const auto& entry : node) {
    const auto key = entry.first.as<std::string>();
    if (!allowed.contains(key)) {
      throw FieldError{join(path, key), "unknown field"};
    }
  }
}

double number(const YAML::Node& node, const std::string& path) {
  if (!node.IsScalar()) {
    throw FieldError{path, "must be a number"};
  }
  try {
    double value = node.as<double>();
    if (!std::isfinite(value)) {
      throw FieldError{path, "must be finite"};
    }
    return value;
  } catch (const YAML::Exception&) {
    throw FieldError{path, "must be a number, not \"" + node.Scalar() + "\""};
  }
}

double number_at(const YAML::Node& map, const std::string& key, const std::string& path, double fallback,
                 double minimum, bool strictly_above = false) {
  const auto& node = map[key];
  if (!node) {
    return fallback;
  }
  const double value = number(node, join(path, key));
  if (strictly_above ? value <= minimum : value < minimum) {
    std::ostringstream message;
    message << "must be " << (strictly_above ? "> " : ">= ") << minimum;
    throw FieldError{join(path, key), message.str()};
  }
  return value;
}

std::int64_t integer_at(const YAML::Node& map, const std::string& key, const std::string& path, std::int64_t fallback) {
  const auto& node = map[key];
  if (!node) {
    return fallback;
  }
  const double value = number(node, join(path, key));
  if (value < 0 || value != std::floor(value) || value > 1e15) {
    throw FieldError{join(path, key), "must be a whole number >= 0"};
  }
  return static_cast<std::int64_t>(value);
}

std::string string_at(const YAML::Node& map, const std::string& key, const std::string& path,
                      const std::string& fallback) {
  const auto& node = map[key];
  if (!node) {
    return fallback;
  }
  if (!node.IsScalar() || node.Scalar().empty()) {
    throw FieldError{join(path, key), "must be a non-empty string"};
  }
  return node.Scalar();
}

std::map<std::string, std::string> string_map_at(const YAML::Node& map, const std::string& key,
                                                 const std::string& path) {
  std::map<std::string, std::string> result;
  const auto& node = map[key];
  if (!node) {
    return result;
  }
  if (!node.IsMap()) {
    throw FieldError{join(path, key), "must be a mapping of strings"};
  }
  for (const auto& entry : node) {
    const auto name = entry.first.as<std::string>();
    if (!entry.second.IsScalar()) {
      throw FieldError{join(join(path, key), name), "must be a string"};
    }
    result[name] = entry.second.Scalar();
  }
  return result;
}

// A DNS-1123 label, as Kubernetes requires of namespace and deployment names.
void check_name(const std::string& name, const std::string& path) {
  bool ok = !name.empty() && name.size() <= 63 && std::isalnum(static_cast<unsigned char>(name.front())) &&
            std::isalnum(static_cast<unsigned char>(name.back()));
  for (char c : name) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
  }
  if (!ok) {
    throw FieldError{path, "\"" + name + "\" is not a DNS-1123 label (lower case letters, digits, '-')"};
  }
}

LoadCurve parse_load(const YAML::Node& node, const std::string& path, const std::filesystem::path& base_dir) {
  LoadCurve curve;
  if (!node) {
    return curve;
  }
  if (!node.IsMap()) {
    throw FieldError{path, "must be a mapping with a `type`"};
  }
  const auto type = string_at(node, "type", path, "constant");
  if (type == "constant") {
    check_keys(node, path, {"type", "value"});
    curve.value = number_at(node, "value", path, 0, 0);
  } else if (type == "step") {
    check_keys(node, path, {"type", "initial", "steps"});
    curve.type = LoadCurveType::kStep;
    curve.value = number_at(node, "initial", path, 0, 0);
    const auto& steps = node["steps"];
    if (!steps || !steps.IsSequence()) {
      throw FieldError{join(path, "steps"), "must be a list of {at, value}"};
    }
    for (std::size_t i = 0; i < steps.size(); ++i) {
      const auto step_path = join(path, "steps") + "[" + std::to_string(i) + "]";
      check_keys(steps[i], step_path, {"at", "value"});
      if (!steps[i]["at"] || !steps[i]["value"]) {
        throw FieldError{step_path, "needs `at` and `value`"};
      }
      curve.points.emplace_back(number_at(steps[i], "at", step_path, 0, 0),
                                number_at(steps[i], "value", step_path, 0, 0));
    }
    std::stable_sort(curve.points.begin(), curve.points.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
  } else if (type == "ramp") {
    check_keys(node, path, {"type", "from", "to", "startSeconds", "durationSeconds"});
    curve.type = LoadCurveType::kRamp;
    curve.from = number_at(node, "from", path, 0, 0);
    curve.to = number_at(node, "to", path, 0, 0);
    curve.start_seconds = number_at(node, "startSeconds", path, 0, 0);
    curve.duration_seconds = number_at(node, "durationSeconds", path, 60, 0);
  } else if (type == "sine") {
    check_keys(node, path, {"type", "base", "amplitude", "periodSeconds"});
    curve.type = LoadCurveType::kSine;
    curve.base = number_at(node, "base", path, 0, 0);
    curve.amplitude = number_at(node, "amplitude", path, 0, 0);
    curve.period_seconds = number_at(node, "periodSeconds", path, 600, 0, true);
  } else if (type == "csv") {
    check_keys(node, path, {"type", "file"});
    curve.type = LoadCurveType::kTrace;
    const auto file = std::filesystem::path(string_at(node, "file", path, ""));
    if (file.empty()) {
      throw FieldError{join(path, "file"), "is required for a csv trace"};
    }
    const auto full = file.is_absolute() ? file : base_dir / file;
    std::ifstream in(full);
    if (!in) {
      throw FieldError{join(path, "file"), "cannot read " + full.string()};
    }
    std::stringstream text;
    text << in.rdbuf();
    auto trace = parse_trace_csv(text.str());
    if (!trace.error.empty()) {
      throw FieldError{join(path, "file"), full.string() + ": " + trace.error};
    }
    curve.points = std::move(trace.points);
  } else {
    throw FieldError{join(path, "type"), "must be constant, step, ramp, sine or csv, not \"" + type + "\""};
  }
  return curve;
}

FaultConfig parse_faults(const YAML::Node& node, const std::string& path, FaultConfig faults) {
  check_keys(node, path,
             {"scaleWriteErrorRate", "scaleWriteDelayMs", "conflicts", "tooManyRequests", "retryAfterSeconds",
              "droppedConnections"});
  faults.scale_write_error_rate = number_at(node, "scaleWriteErrorRate", path, faults.scale_write_error_rate, 0);
  if (faults.scale_write_error_rate > 1) {
    throw FieldError{join(path, "scaleWriteErrorRate"), "must be <= 1"};
  }
  faults.scale_write_delay_ms = integer_at(node, "scaleWriteDelayMs", path, faults.scale_write_delay_ms);
  faults.conflicts = integer_at(node, "conflicts", path, faults.conflicts);
  faults.too_many_requests = integer_at(node, "tooManyRequests", path, faults.too_many_requests);
  faults.retry_after_seconds = integer_at(node, "retryAfterSeconds", path, faults.retry_after_seconds);
  faults.dropped_connections = integer_at(node, "droppedConnections", path, faults.dropped_connections);
  return faults;
}

DeploymentConfig parse_deployment(const YAML::Node& node, const std::string& path, const std::string& namespace_name,
                                  const std::filesystem::path& base_dir) {
  check_keys(node, path,
             {"name", "namespace", "replicas", "labels", "requests", "limits", "image", "startupDelaySeconds",
              "terminationGraceSeconds", "load", "capacityPerPod", "cpuPerRequest", "baseLatencySeconds"});
  DeploymentConfig deployment;
  deployment.name = string_at(node, "name", path, "");
  if (deployment.name.empty()) {
    throw FieldError{join(path, "name"), "is required"};
  }
  check_name(deployment.name, join(path, "name"));
  deployment.namespace_name = string_at(node, "namespace", path, namespace_name);
  check_name(deployment.namespace_name, join(path, "namespace"));
  deployment.replicas = integer_at(node, "replicas", path, 1);
  deployment.labels = string_map_at(node, "labels", path);
  if (deployment.labels.empty()) {
    deployment.labels["app"] = deployment.name;
  }
  deployment.requests = string_map_at(node, "requests", path);
  deployment.limits = string_map_at(node, "limits", path);
  deployment.image = string_at(node, "image", path, "registry.local/" + deployment.name + ":1");
  deployment.startup_delay_seconds = number_at(node, "startupDelaySeconds", path, 5, 0);
  deployment.termination_grace_seconds = number_at(node, "terminationGraceSeconds", path, 2, 0);
  deployment.load = parse_load(node["load"], join(path, "load"), base_dir);
  deployment.capacity_per_pod = number_at(node, "capacityPerPod", path, 100, 0, true);
  deployment.cpu_per_request = number_at(node, "cpuPerRequest", path, 0.002, 0);
  deployment.base_latency_seconds = number_at(node, "baseLatencySeconds", path, 0.02, 0, true);
  return deployment;
}

SimConfig parse_document(const YAML::Node& root, const std::filesystem::path& base_dir) {
  SimConfig config;
  if (!root || root.IsNull()) {
    return config;
  }
  check_keys(root, "", {"namespace", "deployments", "seed", "cpuNoise", "faults"});
  config.namespace_name = string_at(root, "namespace", "", "default");
  check_name(config.namespace_name, "namespace");
  config.seed = static_cast<std::uint64_t>(integer_at(root, "seed", "", 1));
  config.cpu_noise = number_at(root, "cpuNoise", "", 0.02, 0);
  if (const auto& faults = root["faults"]) {
    config.faults = parse_faults(faults, "faults", config.faults);
  }
  const auto& deployments = root["deployments"];
  if (deployments && !deployments.IsSequence()) {
    throw FieldError{"deployments", "must be a list"};
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; deployments && i < deployments.size(); ++i) {
    const auto path = "deployments[" + std::to_string(i) + "]";
    auto deployment = parse_deployment(deployments[i], path, config.namespace_name, base_dir);
    if (!seen.insert(deployment.namespace_name + "/" + deployment.name).second) {
      throw FieldError{join(path, "name"), "duplicate deployment \"" + deployment.name + "\""};
    }
    config.deployments.push_back(std::move(deployment));
  }
  return config;
}

}  // namespace

std::variant<SimConfig, ConfigError> parse_config(std::string_view yaml_text, const std::filesystem::path& base_dir) {
  try {
    return parse_document(YAML::Load(std::string(yaml_text)), base_dir);
  } catch (const FieldError& error) {
    return ConfigError{error.path, error.message};
  } catch (const YAML::Exception& error) {
    return ConfigError{"", std::string("invalid YAML: ") + error.what()};
  } catch (const std::exception& error) {
    return ConfigError{"", error.what()};
  }
}

std::variant<SimConfig, ConfigError> load_config_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) {
    return ConfigError{"", "cannot read config file " + path.string()};
  }
  std::stringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path());
}

std::variant<FaultConfig, ConfigError> apply_fault_json(const FaultConfig& faults, std::string_view json_text) {
  // JSON is YAML: reuse the YAML field checks so that both paths report errors alike.
  auto parsed = nlohmann::json::parse(json_text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return ConfigError{"", "the body must be a JSON object"};
  }
  try {
    return parse_faults(YAML::Load(parsed.dump()), "", faults);
  } catch (const FieldError& error) {
    return ConfigError{error.path, error.message};
  } catch (const std::exception& error) {
    return ConfigError{"", error.what()};
  }
}

}  // namespace hpad::sim
