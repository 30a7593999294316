// ScalingPolicy YAML -> Policy (see policy_parser.h). Each document is read field by field with
// a Reader that reports every problem it meets and carries on, so one pass finds all errors;
// then the validation rules (policy_validate.cpp) run on what was read. A document with any
// error yields no Policy. Behavior is defaulted here exactly as autoscaling/v2's
// SetDefaults_HorizontalPodAutoscalerBehavior: a given field replaces the default field.
#include "hpad/policies/policy_parser.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>

#include "policy_reader.h"
#include "yaml_reader.h"
#include "yaml_tree.h"

namespace hpad::policies {

HPAScalingRules default_scale_up_rules() {
  return {0, SelectPolicy::kMax, {{ScalingPolicyType::kPods, 4, 15}, {ScalingPolicyType::kPercent, 100, 15}}, {}};
}

HPAScalingRules default_scale_down_rules() {
  return {std::nullopt, SelectPolicy::kMax, {{ScalingPolicyType::kPercent, 100, 15}}, {}};
}

std::string PolicyError::to_string() const {
  std::string out = file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
  if (!field_path.empty()) {
    out += field_path + ": ";
  }
  return out + message;
}

namespace {

using detail::Fields;
using detail::index_path;
using detail::join_path;
using detail::Reader;
using detail::YamlNode;

template <typename Enum>
void read_enum(Reader& r, const Fields& f, std::string_view key, bool required, Enum& out,
               std::initializer_list<std::string_view> names) {
  if (const auto index = r.one_of(f, key, required, names)) {
    out = static_cast<Enum>(*index);
  }
}

void read_int(Reader& r, const Fields& f, std::string_view key, bool required, std::int32_t& out) {
  if (const auto value = r.int32(f, key, required)) {
    out = *value;
  }
}

void read_string(Reader& r, const Fields& f, std::string_view key, bool required, std::string& out) {
  if (auto value = r.string(f, key, required)) {
    out = std::move(*value);
  }
}

void read_target(Reader& r, const YamlNode& node, const std::string& path, MetricTarget& target) {
  const Fields f = r.fields(node, path, {"type", "averageUtilization", "averageValue", "value"});
  read_enum(r, f, "type", true, target.type, {"Utilization", "AverageValue", "Value"});
  target.average_utilization = r.int32(f, "averageUtilization", false);
  target.average_value = r.quantity(f, "averageValue", false);
  target.value = r.quantity(f, "value", false);
}

void read_metric(Reader& r, const YamlNode& node, const std::string& path, MetricSpec& metric) {
  const Fields f =
      r.fields(node, path, {"name", "type", "resource", "container", "query", "target", "activationValue"});
  read_string(r, f, "name", true, metric.name);
  read_enum(r, f, "type", true, metric.type, {"Resource", "ContainerResource", "Pods", "Object", "External"});
  read_string(r, f, "resource", false, metric.resource);
  read_string(r, f, "container", false, metric.container);
  read_string(r, f, "query", true, metric.query);
  if (const YamlNode* target = r.required(f, "target")) {
    read_target(r, *target, join_path(path, "target"), metric.target);
  }
  if (auto activation = r.quantity(f, "activationValue", false)) {
    metric.activation_value = *activation;
  }
}

void read_rules(Reader& r, const YamlNode& node, const std::string& path, HPAScalingRules& rules) {
  const Fields f = r.fields(node, path, {"stabilizationWindowSeconds", "selectPolicy", "policies", "tolerance"});
  if (const auto window = r.int32(f, "stabilizationWindowSeconds", false)) {
    rules.stabilization_window_seconds = window;
  }
  read_enum(r, f, "selectPolicy", false, rules.select_policy, {"Max", "Min", "Disabled"});
  if (const YamlNode* list = f.get("policies")) {
    const std::string list_path = join_path(path, "policies");
    rules.policies.clear();
    if (const auto* items = r.sequence(*list, list_path)) {
      for (std::size_t i = 0; i < items->size(); ++i) {
        const Fields p = r.fields((*items)[i], index_path(list_path, i), {"type", "value", "periodSeconds"});
        HPAScalingPolicy& policy = rules.policies.emplace_back();
        read_enum(r, p, "type", true, policy.type, {"Pods", "Percent"});
        read_int(r, p, "value", true, policy.value);
        read_int(r, p, "periodSeconds", true, policy.period_seconds);
      }
    }
  }
  rules.tolerance = r.quantity(f, "tolerance", false);
}

void read_behavior(Reader& r, const YamlNode& node, Policy& policy) {
  const Fields f = r.fields(node, "spec.behavior", {"scaleUp", "scaleDown"});
  Behavior& behavior = policy.behavior.emplace();
  if (const YamlNode* up = f.get("scaleUp")) {
    read_rules(r, *up, "spec.behavior.scaleUp", behavior.scale_up);
  }
  if (const YamlNode* down = f.get("scaleDown")) {
    read_rules(r, *down, "spec.behavior.scaleDown", behavior.scale_down);
  }
}

void read_rollout(Reader& r, const YamlNode& node, Rollout& rollout) {
  const std::string path = "spec.rollout";
  const Fields f = r.fields(node, path, {"steps", "stepIntervalSeconds", "gates", "onGateFailure", "onNoData"});
  if (const YamlNode* steps = r.required(f, "steps")) {
    const std::string steps_path = join_path(path, "steps");
    if (const auto* items = r.sequence(*steps, steps_path)) {
      for (std::size_t i = 0; i < items->size(); ++i) {
        rollout.steps.push_back(r.int32_value((*items)[i], index_path(steps_path, i)).value_or(0));
      }
    }
  }
  read_int(r, f, "stepIntervalSeconds", true, rollout.step_interval_seconds);
  if (const YamlNode* gates = f.get("gates")) {
    const std::string gates_path = join_path(path, "gates");
    if (const auto* items = r.sequence(*gates, gates_path)) {
      for (std::size_t i = 0; i < items->size(); ++i) {
        const Fields g = r.fields((*items)[i], index_path(gates_path, i), {"name", "query", "min", "max"});
        RolloutGate& gate = rollout.gates.emplace_back();
        read_string(r, g, "name", true, gate.name);
        read_string(r, g, "query", true, gate.query);
        gate.min = r.number(g, "min", false);
        gate.max = r.number(g, "max", false);
      }
    }
  }
  read_enum(r, f, "onGateFailure", false, rollout.on_gate_failure, {"Pause", "Rollback"});
  read_enum(r, f, "onNoData", false, rollout.on_no_data, {"Hold", "Pass", "Fail"});
}

void read_spec(Reader& r, const YamlNode& node, Policy& policy) {
  const Fields f = r.fields(
      node, "spec",
      {"scaleTargetRef", "minReplicas", "maxReplicas", "metrics", "behavior", "cooldown", "fallback", "rollout"});
  if (const YamlNode* ref = r.required(f, "scaleTargetRef")) {
    const Fields t = r.fields(*ref, "spec.scaleTargetRef", {"apiVersion", "kind", "name"});
    read_string(r, t, "apiVersion", true, policy.scale_target_ref.api_version);
    read_string(r, t, "kind", true, policy.scale_target_ref.kind);
    read_string(r, t, "name", true, policy.scale_target_ref.name);
  }
  read_int(r, f, "minReplicas", false, policy.min_replicas);
  read_int(r, f, "maxReplicas", true, policy.max_replicas);
  if (const YamlNode* metrics = r.required(f, "metrics")) {
    if (const auto* items = r.sequence(*metrics, "spec.metrics")) {
      for (std::size_t i = 0; i < items->size(); ++i) {
        read_metric(r, (*items)[i], index_path("spec.metrics", i), policy.metrics.emplace_back());
      }
    }
  }
  if (const YamlNode* behavior = f.get("behavior")) {
    read_behavior(r, *behavior, policy);
  }
  if (const YamlNode* cooldown = f.get("cooldown")) {
    const Fields c = r.fields(*cooldown, "spec.cooldown", {"scaleUpSeconds", "scaleDownSeconds", "scaleToZeroSeconds"});
    read_int(r, c, "scaleUpSeconds", false, policy.cooldown.scale_up_seconds);
    read_int(r, c, "scaleDownSeconds", false, policy.cooldown.scale_down_seconds);
    read_int(r, c, "scaleToZeroSeconds", false, policy.cooldown.scale_to_zero_seconds);
  }
  if (const YamlNode* fallback = f.get("fallback")) {
    const Fields b = r.fields(*fallback, "spec.fallback", {"failureThreshold", "replicas", "mode"});
    Fallback& out = policy.fallback.emplace();
    read_int(r, b, "failureThreshold", true, out.failure_threshold);
    read_int(r, b, "replicas", true, out.replicas);
    read_enum(r, b, "mode", false, out.mode, {"AtLeastCurrent", "Static"});
  }
  if (const YamlNode* rollout = f.get("rollout")) {
    read_rollout(r, *rollout, policy.rollout.emplace());
  }
}

// Reads one document. One that is not a ScalingPolicy gets no further than apiVersion and kind.
void read_document(Reader& r, const YamlNode& root, Policy& policy) {
  policy.position = {root.line, root.column};
  const Fields f = r.fields(root, "", {"apiVersion", "kind", "metadata", "spec"});
  bool is_policy = f.node->kind == YamlNode::Kind::kMap;
  if (const auto api_version = r.string(f, "apiVersion", true); api_version && *api_version != "hpad.io/v1alpha1") {
    r.error(*f.get("apiVersion"), "apiVersion", "must be hpad.io/v1alpha1");
    is_policy = false;
  }
  if (const auto kind = r.string(f, "kind", true); kind && *kind != "ScalingPolicy") {
    r.error(*f.get("kind"), "kind", "must be ScalingPolicy");
    is_policy = false;
  }
  if (!is_policy) {
    return;
  }
  if (const YamlNode* metadata = r.required(f, "metadata")) {
    const Fields m = r.fields(*metadata, "metadata", {"name", "namespace"});
    read_string(r, m, "name", true, policy.metadata.name);
    read_string(r, m, "namespace", false, policy.metadata.namespace_name);
  }
  if (const YamlNode* spec = r.required(f, "spec")) {
    read_spec(r, *spec, policy);
  }
}

// `path` is `prefix` or lies under it ("spec.metrics[0]" covers "spec.metrics[0].target.value").
bool is_under(std::string_view path, std::string_view prefix) {
  return prefix.empty() || (path.substr(0, prefix.size()) == prefix &&
                            (path.size() == prefix.size() || path[prefix.size()] == '.' || path[prefix.size()] == '['));
}

// A validation error is noise when a reading error concerns the same field, a field around it or
// inside it, or the `type` that decides what its siblings mean (an unknown metric type makes its
// target's rules meaningless). A reading error without a path (a document-level problem) or at
// apiVersion/kind covers everything.
bool covered_by_reading_error(std::string_view path, const std::vector<PolicyError>& reading) {
  for (const PolicyError& r : reading) {
    std::string_view at = r.field_path;
    if (at.empty() || at == "apiVersion" || at == "kind") {
      return true;
    }
    if (at.size() >= 5 && at.substr(at.size() - 5) == ".type") {
      at.remove_suffix(5);
    }
    if (is_under(path, at) || is_under(at, path)) {
      return true;
    }
  }
  return false;
}

bool by_position(const PolicyError& a, const PolicyError& b) {
  return a.line != b.line ? a.line < b.line : a.column < b.column;
}

}  // namespace

namespace detail {

void read_policy(const YamlNode& root, std::string_view file_name, Policy& policy, std::vector<PolicyError>& errors) {
  const bool had_errors = !errors.empty();
  Reader reader(file_name, policy, errors);
  read_document(reader, root, policy);
  if (!had_errors) {
    // Validation runs even after reading errors, so that a file shows all its mistakes at once;
    // what a reading error already explains (or made meaningless) is left out.
    const std::vector<PolicyError> reading = errors;
    for (PolicyError& e : validate_policy(policy, file_name)) {
      if (!covered_by_reading_error(e.field_path, reading)) {
        errors.push_back(std::move(e));
      }
    }
  }
  std::stable_sort(errors.begin(), errors.end(), by_position);
}

}  // namespace detail

ParseResult parse_policies_yaml(std::string_view text, std::string_view file_name) {
  ParseResult result;
  detail::YamlLoad load = detail::load_yaml(text);
  for (detail::YamlDocument& document : load.documents) {
    Policy policy;
    std::vector<PolicyError> errors;
    for (detail::YamlProblem& problem : document.problems) {
      errors.push_back({std::string(file_name), problem.line, problem.column, "", std::move(problem.message)});
    }
    detail::read_policy(document.root, file_name, policy, errors);
    if (errors.empty()) {
      result.policies.push_back(std::move(policy));
    }
    result.errors.insert(result.errors.end(), errors.begin(), errors.end());
  }
  for (detail::YamlProblem& problem : load.problems) {
    result.errors.push_back({std::string(file_name), problem.line, problem.column, "", std::move(problem.message)});
  }
  std::stable_sort(result.errors.begin(), result.errors.end(), by_position);
  return result;
}

}  // namespace hpad::policies
