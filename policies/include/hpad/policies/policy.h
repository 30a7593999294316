// The typed model of a ScalingPolicy (../shared/DECIDE-API.md), as parse_policies_yaml
// returns it: already defaulted as the autoscaling/v2 API server would default it, and
// validated. Plain values: thread-safe to share once built.
// Invariants of a Policy that came out of the parser without errors: every field obeys the
// DECIDE-API rules; `behavior`, when present, has both directions filled in with
// autoscaling/v2 defaults except scaleDown's window, which stays unset (decide() applies the
// controller's downscale window); `positions` maps field paths to where they were written.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hpad/policies/quantity.h"

namespace hpad::policies {

// 1-based line and column (in bytes) of a field's value in the policy file; 0 = unknown.
struct SourcePos {
  int line = 0;
  int column = 0;
};

struct ObjectMeta {
  std::string name;
  std::string namespace_name = "default";
};

struct ScaleTargetRef {
  std::string api_version;
  std::string kind;
  std::string name;
};

enum class MetricSourceType : std::uint8_t { kResource, kContainerResource, kPods, kObject, kExternal };
enum class MetricTargetType : std::uint8_t { kUtilization, kAverageValue, kValue };

// The names a policy file uses for these ("Resource", "AverageValue"); "?" for a value out of range.
std::string_view metric_type_name(MetricSourceType type);
std::string_view target_type_name(MetricTargetType type);

struct MetricTarget {
  MetricTargetType type = MetricTargetType::kUtilization;
  std::optional<std::int32_t> average_utilization;  // percent of pod requests
  std::optional<Quantity> average_value;
  std::optional<Quantity> value;
};

struct MetricSpec {
  std::string name;  // unique in the policy, [a-z0-9-]+
  MetricSourceType type = MetricSourceType::kResource;
  std::string resource;   // Resource, ContainerResource
  std::string container;  // ContainerResource
  std::string query;      // PromQL
  MetricTarget target;
  Quantity activation_value;  // absent = 0
};

enum class SelectPolicy : std::uint8_t { kMax, kMin, kDisabled };
enum class ScalingPolicyType : std::uint8_t { kPods, kPercent };

struct HPAScalingPolicy {
  ScalingPolicyType type = ScalingPolicyType::kPods;
  std::int32_t value = 0;
  std::int32_t period_seconds = 0;
};

struct HPAScalingRules {
  std::optional<std::int32_t> stabilization_window_seconds;  // unset only for scaleDown
  SelectPolicy select_policy = SelectPolicy::kMax;
  std::vector<HPAScalingPolicy> policies;
  // A fraction, written as a Kubernetes quantity ("0.05", "50m") as upstream's field is; HPA
  // reads it with AsApproximateFloat64 (Quantity::approximate). Unset: the controller's applies.
  std::optional<Quantity> tolerance;
};

// autoscaling/v2 defaults (pkg/apis/autoscaling/v2/defaults.go).
HPAScalingRules default_scale_up_rules();    // window 0, Max, [Pods 4/15s, Percent 100/15s]
HPAScalingRules default_scale_down_rules();  // window unset, Max, [Percent 100/15s]

struct Behavior {
  HPAScalingRules scale_up = default_scale_up_rules();
  HPAScalingRules scale_down = default_scale_down_rules();
};

struct Cooldown {
  std::int32_t scale_up_seconds = 0;
  std::int32_t scale_down_seconds = 0;
  std::int32_t scale_to_zero_seconds = 0;
};

enum class FallbackMode : std::uint8_t { kAtLeastCurrent, kStatic };

struct Fallback {
  std::int32_t failure_threshold = 0;
  std::int32_t replicas = 0;
  FallbackMode mode = FallbackMode::kAtLeastCurrent;
};

struct RolloutGate {
  std::string name;
  std::string query;
  std::optional<double> min;
  std::optional<double> max;
};

enum class GateFailureAction : std::uint8_t { kPause, kRollback };
enum class NoDataAction : std::uint8_t { kHold, kPass, kFail };

struct Rollout {
  std::vector<std::int32_t> steps;  // percent of the added capacity, increasing, last = 100
  std::int32_t step_interval_seconds = 0;
  std::vector<RolloutGate> gates;
  GateFailureAction on_gate_failure = GateFailureAction::kPause;
  NoDataAction on_no_data = NoDataAction::kHold;
};

struct Policy {
  ObjectMeta metadata;
  ScaleTargetRef scale_target_ref;
  std::int32_t min_replicas = 1;
  std::int32_t max_replicas = 0;
  std::vector<MetricSpec> metrics;
  std::optional<Behavior> behavior;  // absent: HPA's no-behavior mode
  Cooldown cooldown;
  std::optional<Fallback> fallback;
  std::optional<Rollout> rollout;

  SourcePos position;  // the document's first line
  // Field path ("spec.metrics[0].target.averageUtilization") -> where its value was written;
  // fields that were not written (defaults) have no entry.
  std::map<std::string, SourcePos, std::less<>> positions;
};

}  // namespace hpad::policies
