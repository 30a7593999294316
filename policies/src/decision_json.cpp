// The writers of decision_json.h: Decision, PolicyState, DecisionInput and Policy as
// ordered_json, fields in the order DECIDE-API.md shows them. Every double goes through
// number(), so no NaN or ±Inf reaches the output; times through format_rfc3339.
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>

#include "hpad/policies/decision_json.h"
#include "hpad/policies/time_format.h"

namespace hpad::policies {
namespace {

using Json = nlohmann::ordered_json;

Json number(double value) {
  return std::isfinite(value) ? Json(value) : Json(nullptr);
}

template <typename T>
Json optional(const std::optional<T>& value) {
  return value ? Json(*value) : Json(nullptr);
}
Json optional(const std::optional<double>& value) {
  return value ? number(*value) : Json(nullptr);
}
Json optional(const std::optional<Time>& value) {
  return value ? Json(format_rfc3339(*value)) : Json(nullptr);
}

// Whole seconds, as the *Seconds fields are written (a fraction of a second is dropped).
std::int64_t whole_seconds(Duration d) {
  return d / kSecond;
}

std::string name(MetricSourceType type) {
  return std::string(metric_type_name(type));
}
std::string name(MetricTargetType type) {
  return std::string(target_type_name(type));
}
const char* name(SelectPolicy p) {
  static constexpr const char* kNames[] = {"Max", "Min", "Disabled"};
  return kNames[static_cast<int>(p)];
}
const char* name(ScalingPolicyType type) {
  return type == ScalingPolicyType::kPods ? "Pods" : "Percent";
}
const char* name(FallbackMode mode) {
  return mode == FallbackMode::kAtLeastCurrent ? "AtLeastCurrent" : "Static";
}
const char* name(GateFailureAction a) {
  return a == GateFailureAction::kPause ? "Pause" : "Rollback";
}
const char* name(NoDataAction a) {
  static constexpr const char* kNames[] = {"Hold", "Pass", "Fail"};
  return kNames[static_cast<int>(a)];
}
const char* name(PodPhase phase) {
  static constexpr const char* kNames[] = {"Pending", "Running", "Succeeded", "Failed", "Unknown"};
  return kNames[static_cast<int>(phase)];
}
const char* name(ConditionStatus status) {
  static constexpr const char* kNames[] = {"True", "False", "Unknown"};
  return kNames[static_cast<int>(status)];
}

Json rules_json(const HPAScalingRules& rules) {
  Json out = Json::object();
  if (rules.stabilization_window_seconds) {
    out["stabilizationWindowSeconds"] = *rules.stabilization_window_seconds;
  }
  out["selectPolicy"] = name(rules.select_policy);
  out["policies"] = Json::array();
  for (const HPAScalingPolicy& p : rules.policies) {
    out["policies"].push_back({{"type", name(p.type)}, {"value", p.value}, {"periodSeconds", p.period_seconds}});
  }
  if (rules.tolerance) {
    out["tolerance"] = rules.tolerance->canonical();
  }
  return out;
}

Json metric_spec_json(const MetricSpec& m) {
  Json out = {{"name", m.name}, {"type", name(m.type)}};
  if (!m.resource.empty()) {
    out["resource"] = m.resource;
  }
  if (!m.container.empty()) {
    out["container"] = m.container;
  }
  out["query"] = m.query;
  Json target = {{"type", name(m.target.type)}};
  if (m.target.average_utilization) {
    target["averageUtilization"] = *m.target.average_utilization;
  }
  if (m.target.average_value) {
    target["averageValue"] = m.target.average_value->canonical();
  }
  if (m.target.value) {
    target["value"] = m.target.value->canonical();
  }
  out["target"] = std::move(target);
  if (m.activation_value.sign() != 0) {
    out["activationValue"] = m.activation_value.canonical();
  }
  return out;
}

Json rollout_spec_json(const Rollout& r) {
  Json gates = Json::array();
  for (const RolloutGate& g : r.gates) {
    Json gate = {{"name", g.name}, {"query", g.query}};
    if (g.min) {
      gate["min"] = number(*g.min);
    }
    if (g.max) {
      gate["max"] = number(*g.max);
    }
    gates.push_back(std::move(gate));
  }
  return {{"steps", r.steps},
          {"stepIntervalSeconds", r.step_interval_seconds},
          {"gates", std::move(gates)},
          {"onGateFailure", name(r.on_gate_failure)},
          {"onNoData", name(r.on_no_data)}};
}

Json condition_json(const Condition& c) {
  return {{"type", c.type},
          {"status", c.status},
          {"reason", c.reason},
          {"message", c.message},
          {"lastTransitionTime", optional(c.last_transition_time)}};
}

Json scale_events_json(const std::vector<ScaleEvent>& events) {
  Json out = Json::array();
  for (const ScaleEvent& e : events) {
    out.push_back(
        {{"replicaChange", e.replica_change}, {"timestamp", format_rfc3339(e.timestamp)}, {"outdated", e.outdated}});
  }
  return out;
}

Json requests_json(const std::vector<ContainerRequests>& containers, bool restartable_init) {
  Json out = Json::array();
  for (const ContainerRequests& c : containers) {
    Json requests = Json::object();
    for (const auto& [resource, milli] : c.requests_milli) {
      requests[resource] = std::to_string(milli) + "m";  // exact: reads back to the same milli_value
    }
    Json container = {{"name", c.name}};
    if (restartable_init) {
      container["restartPolicy"] = "Always";
    }
    container["resources"] = {{"requests", std::move(requests)}};
    out.push_back(std::move(container));
  }
  return out;
}

// Only the fields decide() reads. A deleting pod gets `now` as its deletionTimestamp (PodInfo
// keeps only whether it is set).
Json pod_json(const PodInfo& pod, Time now) {
  Json metadata = {{"name", pod.name}};
  if (pod.deleting) {
    metadata["deletionTimestamp"] = format_rfc3339(now);
  }
  Json spec = {{"containers", requests_json(pod.containers, false)}};
  if (!pod.restartable_init_containers.empty()) {
    spec["initContainers"] = requests_json(pod.restartable_init_containers, true);
  }
  Json status = {{"phase", name(pod.phase)}};
  if (pod.start_time) {
    status["startTime"] = format_rfc3339(*pod.start_time);
  }
  if (pod.ready) {
    status["conditions"] = Json::array({{{"type", "Ready"},
                                         {"status", name(*pod.ready)},
                                         {"lastTransitionTime", format_rfc3339(pod.ready_last_transition)}}});
  }
  return {{"metadata", std::move(metadata)}, {"spec", std::move(spec)}, {"status", std::move(status)}};
}

// Prometheus' own spelling for the values JSON numbers cannot hold.
Json sample_value_json(double value) {
  if (std::isnan(value)) {
    return "NaN";
  }
  if (std::isinf(value)) {
    return value > 0 ? "+Inf" : "-Inf";
  }
  return value;
}

Json observations_json(const std::map<std::string, Observation>& observations) {
  Json out = Json::object();
  for (const auto& [key, observation] : observations) {
    Json entry = Json::object();
    Json samples = Json::array();
    for (const Sample& s : observation.samples) {
      Json sample = {{"labels", s.labels}, {"value", sample_value_json(s.value)}};
      if (s.timestamp) {
        sample["timestamp"] = format_rfc3339(*s.timestamp);
      }
      if (s.window) {
        // Whole seconds stay integers; otherwise the shortest double that reads back to the same
        // nanosecond for any window under about 52 days.
        sample["windowSeconds"] =
            *s.window % kSecond == 0 ? Json(*s.window / kSecond) : Json(static_cast<double>(*s.window) / 1e9);
      }
      samples.push_back(std::move(sample));
    }
    entry["samples"] = std::move(samples);
    if (observation.error) {
      entry["error"] = *observation.error;
    }
    out[key] = std::move(entry);
  }
  return out;
}

}  // namespace

Json to_json(const Policy& policy) {
  Json spec = {{"scaleTargetRef",
                {{"apiVersion", policy.scale_target_ref.api_version},
                 {"kind", policy.scale_target_ref.kind},
                 {"name", policy.scale_target_ref.name}}},
               {"minReplicas", policy.min_replicas},
               {"maxReplicas", policy.max_replicas}};
  spec["metrics"] = Json::array();
  for (const MetricSpec& m : policy.metrics) {
    spec["metrics"].push_back(metric_spec_json(m));
  }
  if (policy.behavior) {
    spec["behavior"] = {{"scaleUp", rules_json(policy.behavior->scale_up)},
                        {"scaleDown", rules_json(policy.behavior->scale_down)}};
  }
  spec["cooldown"] = {{"scaleUpSeconds", policy.cooldown.scale_up_seconds},
                      {"scaleDownSeconds", policy.cooldown.scale_down_seconds},
                      {"scaleToZeroSeconds", policy.cooldown.scale_to_zero_seconds}};
  if (policy.fallback) {
    spec["fallback"] = {{"failureThreshold", policy.fallback->failure_threshold},
                        {"replicas", policy.fallback->replicas},
                        {"mode", name(policy.fallback->mode)}};
  }
  if (policy.rollout) {
    spec["rollout"] = rollout_spec_json(*policy.rollout);
  }
  return {{"apiVersion", "hpad.io/v1alpha1"},
          {"kind", "ScalingPolicy"},
          {"metadata", {{"name", policy.metadata.name}, {"namespace", policy.metadata.namespace_name}}},
          {"spec", std::move(spec)}};
}

Json to_json(const PolicyState& state) {
  Json recommendations = nullptr;
  if (state.normalization.recommendations) {
    recommendations = Json::array();
    for (const Recommendation& r : *state.normalization.recommendations) {
      recommendations.push_back({{"replicas", r.replicas}, {"timestamp", format_rfc3339(r.timestamp)}});
    }
  }
  Json rollout = nullptr;
  if (state.rollout) {
    const RolloutState& r = *state.rollout;
    rollout = {{"from", r.from},
               {"to", r.to},
               {"step", r.step},
               {"stepStartedAt", format_rfc3339(r.step_started_at)},
               {"paused", r.paused}};
  }
  Json conditions = Json::array();
  for (const Condition& c : state.conditions) {
    conditions.push_back(condition_json(c));
  }
  return {{"recommendations", std::move(recommendations)},
          {"scaleUpEvents", scale_events_json(state.normalization.scale_up_events)},
          {"scaleDownEvents", scale_events_json(state.normalization.scale_down_events)},
          {"lastScaleTime", optional(state.last_scale_time)},
          {"consecutiveFailures", state.consecutive_failures},
          {"belowActivationSince", optional(state.below_activation_since)},
          {"rollout", std::move(rollout)},
          {"conditions", std::move(conditions)}};
}

Json to_json(const DecisionInput& input) {
  const ControllerSettings& c = input.controller;
  Json pods = Json::array();
  for (const PodInfo& pod : input.pods) {
    pods.push_back(pod_json(pod, input.now));
  }
  return {{"apiVersion", "hpad.io/v1alpha1"},
          {"kind", "DecisionInput"},
          {"now", format_rfc3339(input.now)},
          {"controller",
           {{"tolerance", number(c.tolerance)},
            {"cpuInitializationPeriodSeconds", whole_seconds(c.cpu_initialization_period)},
            {"initialReadinessDelaySeconds", whole_seconds(c.initial_readiness_delay)},
            {"downscaleStabilizationWindowSeconds", whole_seconds(c.downscale_stabilization_window)},
            {"scaleUpLimitFactor", number(c.scale_up_limit_factor)},
            {"scaleUpLimitMinimum", number(c.scale_up_limit_minimum)}}},
          {"policy", to_json(input.policy)},
          {"scale",
           {{"spec", {{"replicas", input.scale.spec_replicas}}},
            {"status", {{"replicas", input.scale.status_replicas}, {"selector", input.scale.selector}}}}},
          {"pods", std::move(pods)},
          {"metrics", observations_json(input.metrics)},
          {"gates", observations_json(input.gates)},
          {"state", to_json(input.state)}};
}

Json to_json(const Decision& d) {
  Json metrics = Json::array();
  for (const MetricOutcome& m : d.metrics) {
    metrics.push_back({{"name", m.name},
                       {"type", name(m.type)},
                       {"valid", m.valid},
                       {"replicas", optional(m.replicas)},
                       {"value", optional(m.value)},
                       {"averageUtilization", optional(m.average_utilization)},
                       {"active", m.active},
                       {"error", optional(m.error)},
                       {"reason", m.reason.empty() ? Json() : Json(m.reason)}});  // null for a valid metric
  }
  Json conditions = Json::array();
  for (const Condition& c : d.conditions) {
    conditions.push_back(condition_json(c));
  }
  Json rollout = nullptr;
  if (d.rollout) {
    const RolloutView& r = *d.rollout;
    Json gates = Json::array();
    for (const GateOutcome& g : r.gates) {
      gates.push_back({{"name", g.name}, {"value", optional(g.value)}, {"result", g.result}, {"message", g.message}});
    }
    rollout = {{"from", r.from},
               {"to", r.to},
               {"step", r.step},
               {"steps", r.steps},
               {"stepReplicas", r.step_replicas},
               {"paused", r.paused},
               {"nextStepAt", optional(r.next_step_at)},
               {"gates", std::move(gates)}};
  }
  return {{"apiVersion", "hpad.io/v1alpha1"},
          {"kind", "Decision"},
          {"policy", d.policy},
          {"time", format_rfc3339(d.time)},
          {"currentReplicas", d.current_replicas},
          {"desiredReplicas", d.desired_replicas},
          {"scale", d.scale},
          {"metrics", std::move(metrics)},
          {"recommendation",
           {{"metrics", optional(d.recommendation.metrics)},
            {"stabilized", optional(d.recommendation.stabilized)},
            {"limited", optional(d.recommendation.limited)},
            {"final", d.recommendation.final_replicas}}},
          {"limits", d.limits},
          {"conditions", std::move(conditions)},
          {"rollout", std::move(rollout)},
          {"message", d.message},
          {"state", to_json(d.state)}};
}

}  // namespace hpad::policies
