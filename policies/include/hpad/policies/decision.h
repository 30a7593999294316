// The decision engine's contract as C++ values (../shared/DECIDE-API.md): DecisionInput (what
// the daemon observed, with the policy and the remembered PolicyState) goes into decide(), and a
// Decision (the number to write, why, and the new PolicyState) comes out. decide() is pure: no
// I/O, no clock, no globals — `now` is a field of the input — so it is thread-safe and the same
// input always gives the same Decision.
//
// Invariants of every Decision: desired_replicas >= 0 and within the int32 range; scale ==
// (desired_replicas != current_replicas); when no replica count could be computed,
// desired_replicas == current_replicas; `limits` lists, in pipeline order, each stage that
// changed the number; every double in it is finite.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hpad/policies/normalize.h"
#include "hpad/policies/policy.h"
#include "hpad/policies/replica_calculator.h"
#include "hpad/policies/time.h"

namespace hpad::policies {

// kube-controller-manager's flags that shape the HPA math (defaults are its defaults).
struct ControllerSettings {
  double tolerance = 0.1;
  Duration cpu_initialization_period = 300 * kSecond;
  Duration initial_readiness_delay = 30 * kSecond;
  Duration downscale_stabilization_window = 300 * kSecond;
  double scale_up_limit_factor = 2.0;
  double scale_up_limit_minimum = 4.0;
};

// The target's scale subresource.
struct ScaleObservation {
  std::int32_t spec_replicas = 0;
  std::int32_t status_replicas = 0;
  std::string selector;  // scale.status.selector, a label selector in its string form
};

// One series of an instant query result. `value` is as Prometheus returned it (NaN and ±Inf
// included: they make the metric invalid).
struct Sample {
  std::map<std::string, std::string> labels;
  double value = 0;
  std::optional<Time> timestamp;   // absent: the input's `now`
  std::optional<Duration> window;  // absent: 60 s
};

// What one query gave: samples, or the error that stopped it. Both empty = the query returned
// nothing (no data).
struct Observation {
  std::vector<Sample> samples;
  std::optional<std::string> error;
};

// A condition of the HPA object (status.conditions), as HPA's setConditionInList keeps it.
struct Condition {
  std::string type;    // AbleToScale | ScalingActive | ScalingLimited
  std::string status;  // True | False | Unknown
  std::string reason;
  std::string message;
  std::optional<Time> last_transition_time;
};

// An active staged rollout (see decide() step 6). `step` counts the steps applied: 0 = none of
// the added capacity (after a rollback), k = rollout.steps[k - 1] percent of (to - from).
struct RolloutState {
  std::int32_t from = 0;
  std::int32_t to = 0;
  std::int32_t step = 0;
  Time step_started_at;
  bool paused = false;
};

// What decide() remembers between syncs (HPA keeps the first three in memory; hpad persists
// them). A default-constructed PolicyState is "first sight".
struct PolicyState {
  NormalizationState normalization;  // recommendations, scaleUpEvents, scaleDownEvents
  std::optional<Time> last_scale_time;
  std::int32_t consecutive_failures = 0;       // syncs in a row with no valid metric
  std::optional<Time> below_activation_since;  // every metric at or below its activationValue since
  std::optional<RolloutState> rollout;
  std::vector<Condition> conditions;
};

struct DecisionInput {
  Time now;
  ControllerSettings controller;
  Policy policy;
  ScaleObservation scale;
  std::vector<PodInfo> pods;                   // the pods the selector matched
  std::map<std::string, Observation> metrics;  // by MetricSpec name
  std::map<std::string, Observation> gates;    // by RolloutGate name
  PolicyState state;
};

// One metric's part in the decision: what HPA writes to status.currentMetrics, plus why an
// invalid metric was invalid.
struct MetricOutcome {
  std::string name;
  MetricSourceType type = MetricSourceType::kResource;
  bool valid = false;
  std::optional<std::int32_t> replicas;             // this metric's proposal
  std::optional<double> value;                      // base units (see DECIDE-API "Decision.metrics[].value")
  std::optional<std::int32_t> average_utilization;  // Utilization targets
  bool active = false;                              // value above activationValue
  std::optional<std::string> error;
  std::string reason;  // the ScalingActive reason HPA would give an invalid metric (FailedGet...Metric)
};

// The number at each stage; a stage that did not run is absent.
struct RecommendationTrace {
  std::optional<std::int32_t> metrics;     // combined over metrics (after fallback)
  std::optional<std::int32_t> stabilized;  // after the stabilization window(s)
  std::optional<std::int32_t> limited;     // after rate limits and min/max
  std::int32_t final_replicas = 0;         // after cooldowns and rollout: what hpad writes
};

struct GateOutcome {
  std::string name;
  std::optional<double> value;  // the worst sample, if any
  std::string result;           // Pass | Fail | NoData
  std::string message;
};

// The rollout as this sync left it (for people and tools; the state is in Decision::state).
struct RolloutView {
  std::int32_t from = 0;
  std::int32_t to = 0;
  std::int32_t step = 0;
  std::int32_t steps = 0;  // how many steps the rollout has
  std::int32_t step_replicas = 0;
  bool paused = false;
  std::optional<Time> next_step_at;
  std::vector<GateOutcome> gates;  // empty when no gate was evaluated in this sync
};

struct Decision {
  std::string policy;  // namespace/name
  Time time;
  std::int32_t current_replicas = 0;
  std::int32_t desired_replicas = 0;
  bool scale = false;
  std::vector<MetricOutcome> metrics;
  RecommendationTrace recommendation;
  std::vector<std::string> limits;
  std::vector<Condition> conditions;
  std::optional<RolloutView> rollout;
  std::string message;
  PolicyState state;
};

// hpad's limit names (HPA's reasons are in normalize.h).
inline constexpr const char* kFallback = "Fallback";
inline constexpr const char* kScaleUpCooldown = "ScaleUpCooldown";
inline constexpr const char* kScaleDownCooldown = "ScaleDownCooldown";
inline constexpr const char* kScaleToZeroCooldown = "ScaleToZeroCooldown";
inline constexpr const char* kBelowActivation = "BelowActivation";  // stays at zero: no metric is active
inline constexpr const char* kRolloutStep = "RolloutStep";
inline constexpr const char* kRolloutPaused = "RolloutPaused";
inline constexpr const char* kRolloutRolledBack = "RolloutRolledBack";

// The decision pipeline of DECIDE-API.md, in order: per-metric replica counts, combination,
// fallback, HPA normalization, cooldowns, rollout. `input.policy` must be valid
// (validate_policy); an invalid one gives an unspecified (but finite, non-negative) Decision.
Decision decide(const DecisionInput& input);

}  // namespace hpad::policies
