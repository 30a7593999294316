// The validation rules of a ScalingPolicy (see policy_parser.h): what the autoscaling/v2 API
// server rejects (pkg/apis/autoscaling/validation, ../shared/HPA-ALGORITHM.md §7.1) and hpad's
// own rules (../shared/DECIDE-API.md). Every broken rule is reported, each at the position of
// the field it names, or of the nearest enclosing field that was written. Pure; thread-safe.
#include <algorithm>
#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "hpad/policies/policy_parser.h"

namespace hpad::policies {

std::string_view metric_type_name(MetricSourceType type) {
  switch (type) {
    case MetricSourceType::kResource:
      return "Resource";
    case MetricSourceType::kContainerResource:
      return "ContainerResource";
    case MetricSourceType::kPods:
      return "Pods";
    case MetricSourceType::kObject:
      return "Object";
    case MetricSourceType::kExternal:
      return "External";
  }
  return "?";
}

std::string_view target_type_name(MetricTargetType type) {
  switch (type) {
    case MetricTargetType::kUtilization:
      return "Utilization";
    case MetricTargetType::kAverageValue:
      return "AverageValue";
    case MetricTargetType::kValue:
      return "Value";
  }
  return "?";
}

namespace {

// The DECIDE-API table: which target types each metric type takes.
std::vector<MetricTargetType> allowed_targets(MetricSourceType type) {
  switch (type) {
    case MetricSourceType::kResource:
    case MetricSourceType::kContainerResource:
      return {MetricTargetType::kUtilization, MetricTargetType::kAverageValue};
    case MetricSourceType::kPods:
      return {MetricTargetType::kAverageValue};
    case MetricSourceType::kObject:
    case MetricSourceType::kExternal:
      return {MetricTargetType::kValue, MetricTargetType::kAverageValue};
  }
  return {};
}

// "a Pods metric", "an External metric".
std::string a_metric(MetricSourceType type) {
  const std::string_view name = metric_type_name(type);
  return std::string(name.front() == 'O' || name.front() == 'E' ? "an " : "a ") + std::string(name) + " metric";
}

bool is_metric_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

class Validator {
 public:
  Validator(const Policy& policy, std::string_view file) : policy_(policy), file_(file) {}

  std::vector<PolicyError> run() {
    spec();
    for (std::size_t i = 0; i < policy_.metrics.size(); ++i) {
      metric(policy_.metrics[i], "spec.metrics[" + std::to_string(i) + "]");
    }
    if (policy_.behavior) {
      rules(policy_.behavior->scale_up, "spec.behavior.scaleUp");
      rules(policy_.behavior->scale_down, "spec.behavior.scaleDown");
    }
    cooldown_and_fallback();
    if (policy_.rollout) {
      rollout(*policy_.rollout);
    }
    std::stable_sort(errors_.begin(), errors_.end(), [](const PolicyError& a, const PolicyError& b) {
      return a.line != b.line ? a.line < b.line : a.column < b.column;
    });
    return std::move(errors_);
  }

 private:
  void error(const std::string& path, std::string message) {
    SourcePos pos = policy_.position;
    for (std::string at = path; !at.empty();) {
      if (const auto it = policy_.positions.find(at); it != policy_.positions.end()) {
        pos = it->second;
        break;
      }
      const std::size_t cut = at.find_last_of(".[");
      at = cut == std::string::npos ? std::string() : at.substr(0, cut);
    }
    errors_.push_back({std::string(file_), pos.line, pos.column, path, std::move(message)});
  }

  void spec() {
    if (policy_.metadata.name.empty()) {
      error("metadata.name", "must not be empty");
    }
    if (policy_.max_replicas < 1) {
      error("spec.maxReplicas", "must be at least 1");
    }
    if (policy_.min_replicas < 0) {
      error("spec.minReplicas", "must not be negative");
    } else if (policy_.min_replicas > policy_.max_replicas && policy_.max_replicas >= 1) {
      error("spec.minReplicas", "must not exceed maxReplicas (" + std::to_string(policy_.max_replicas) + ")");
    }
    const bool object_or_external = std::any_of(policy_.metrics.begin(), policy_.metrics.end(), [](const auto& m) {
      return m.type == MetricSourceType::kObject || m.type == MetricSourceType::kExternal;
    });
    if (policy_.min_replicas == 0 && !object_or_external) {
      error("spec.minReplicas", "may be 0 only with an Object or External metric");
    }
    if (policy_.metrics.empty()) {
      error("spec.metrics", "must have at least one metric");
    }
  }

  void metric(const MetricSpec& m, const std::string& path) {
    if (!is_metric_name(m.name)) {
      error(path + ".name", "must match [a-z0-9-]+");
    } else if (!metric_names_.insert(m.name).second) {
      error(path + ".name", "duplicate metric name \"" + m.name + "\"");
    }
    if (m.query.empty()) {
      error(path + ".query", "must not be empty");
    }
    const bool resource = m.type == MetricSourceType::kResource || m.type == MetricSourceType::kContainerResource;
    if (resource && m.resource.empty()) {
      error(path + ".resource", "required for " + a_metric(m.type));
    } else if (!resource && !m.resource.empty()) {
      error(path + ".resource", "only allowed for Resource and ContainerResource metrics");
    }
    if (m.type == MetricSourceType::kContainerResource && m.container.empty()) {
      error(path + ".container", "required for a ContainerResource metric");
    } else if (m.type != MetricSourceType::kContainerResource && !m.container.empty()) {
      error(path + ".container", "only allowed for ContainerResource metrics");
    }
    target(m, path + ".target");
    if (m.activation_value.sign() < 0) {
      error(path + ".activationValue", "must not be negative");
    }
  }

  void target(const MetricSpec& m, const std::string& path) {
    const MetricTarget& t = m.target;
    const auto allowed = allowed_targets(m.type);
    if (std::find(allowed.begin(), allowed.end(), t.type) == allowed.end()) {
      std::string list;
      for (MetricTargetType a : allowed) {
        list += (list.empty() ? "" : ", ") + std::string(target_type_name(a));
      }
      error(path + ".type", std::string(target_type_name(t.type)) + " is not allowed for " + a_metric(m.type) +
                                " (allowed: " + list + ")");
    }
    const std::string type_name(target_type_name(t.type));
    const auto field = [&](bool present, bool wanted, const char* name) {
      if (wanted && !present) {
        error(path + "." + name, "required for target type " + type_name);
      } else if (!wanted && present) {
        error(path + "." + name, "not allowed with target type " + type_name);
      }
    };
    field(t.average_utilization.has_value(), t.type == MetricTargetType::kUtilization, "averageUtilization");
    field(t.average_value.has_value(), t.type == MetricTargetType::kAverageValue, "averageValue");
    field(t.value.has_value(), t.type == MetricTargetType::kValue, "value");
    if (t.average_utilization && *t.average_utilization <= 0) {
      error(path + ".averageUtilization", "must be greater than 0");
    }
    if (t.average_value && t.average_value->sign() <= 0) {
      error(path + ".averageValue", "must be greater than 0");
    }
    if (t.value && t.value->sign() <= 0) {
      error(path + ".value", "must be greater than 0");
    }
  }

  void rules(const HPAScalingRules& r, const std::string& path) {
    if (r.stabilization_window_seconds &&
        (*r.stabilization_window_seconds < 0 || *r.stabilization_window_seconds > 3600)) {
      error(path + ".stabilizationWindowSeconds", "must be between 0 and 3600");
    }
    if (r.policies.empty()) {
      error(path + ".policies", "must have at least one policy");
    }
    for (std::size_t i = 0; i < r.policies.size(); ++i) {
      const std::string at = path + ".policies[" + std::to_string(i) + "]";
      if (r.policies[i].value <= 0) {
        error(at + ".value", "must be greater than 0");
      }
      if (r.policies[i].period_seconds < 1 || r.policies[i].period_seconds > 1800) {
        error(at + ".periodSeconds", "must be between 1 and 1800");
      }
    }
    if (r.tolerance && r.tolerance->sign() < 0) {
      error(path + ".tolerance", "must not be negative");
    }
  }

  void cooldown_and_fallback() {
    const Cooldown& c = policy_.cooldown;
    if (c.scale_up_seconds < 0) {
      error("spec.cooldown.scaleUpSeconds", "must not be negative");
    }
    if (c.scale_down_seconds < 0) {
      error("spec.cooldown.scaleDownSeconds", "must not be negative");
    }
    if (c.scale_to_zero_seconds < 0) {
      error("spec.cooldown.scaleToZeroSeconds", "must not be negative");
    }
    if (policy_.fallback) {
      if (policy_.fallback->failure_threshold < 1) {
        error("spec.fallback.failureThreshold", "must be at least 1");
      }
      if (policy_.fallback->replicas < 0) {
        error("spec.fallback.replicas", "must not be negative");
      }
    }
  }

  void rollout(const Rollout& r) {
    const std::string steps = "spec.rollout.steps";
    if (r.steps.empty()) {
      error(steps, "must have at least one step");
    }
    for (std::size_t i = 0; i < r.steps.size(); ++i) {
      const std::string at = steps + "[" + std::to_string(i) + "]";
      if (r.steps[i] < 1 || r.steps[i] > 100) {
        error(at, "must be between 1 and 100");
      } else if (i > 0 && r.steps[i] <= r.steps[i - 1]) {
        error(at, "must be greater than the previous step (" + std::to_string(r.steps[i - 1]) + ")");
      }
    }
    if (!r.steps.empty() && r.steps.back() != 100) {
      error(steps + "[" + std::to_string(r.steps.size() - 1) + "]", "the last step must be 100");
    }
    if (r.step_interval_seconds < 1) {
      error("spec.rollout.stepIntervalSeconds", "must be at least 1");
    }
    std::set<std::string, std::less<>> names;
    for (std::size_t i = 0; i < r.gates.size(); ++i) {
      const RolloutGate& g = r.gates[i];
      const std::string at = "spec.rollout.gates[" + std::to_string(i) + "]";
      if (g.name.empty()) {
        error(at + ".name", "must not be empty");
      } else if (!names.insert(g.name).second) {
        error(at + ".name", "duplicate gate name \"" + g.name + "\"");
      }
      if (g.query.empty()) {
        error(at + ".query", "must not be empty");
      }
      if (!g.min && !g.max) {
        error(at, "needs min, max or both");
      } else if (g.min && g.max && *g.min > *g.max) {
        error(at + ".min", "must not exceed max");
      }
    }
  }

  const Policy& policy_;
  std::string_view file_;
  std::vector<PolicyError> errors_;
  std::set<std::string, std::less<>> metric_names_;
};

}  // namespace

std::vector<PolicyError> validate_policy(const Policy& policy, std::string_view file_name) {
  return Validator(policy, file_name).run();
}

}  // namespace hpad::policies
