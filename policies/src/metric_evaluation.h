// Internal to hpad::policies: step 1 of decide() — one MetricSpec and its Observation in, the
// metric's replica proposal (or the reason it has none) out, exactly as HPA's
// computeReplicasForMetric with the replica calculator. Pure; thread-safe.
// Invariants: an outcome is valid iff it has a proposal; every value in it is finite.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "hpad/policies/decision.h"
#include "pod_index.h"

namespace hpad::policies::detail {

struct MetricEvaluation {
  MetricOutcome outcome;
  // HPA's name for the metric in messages ("cpu resource utilization (percentage of request)").
  std::string description;
  // The number compared with activationValue: the utilization percent for Utilization targets,
  // the per-pod average for AverageValue targets of pod metrics, the value (Object) or the sum
  // (External) otherwise.
  std::optional<double> activation_subject;
};

// Base units -> integer milli-units, rounded to nearest; values beyond int64 saturate. Nullopt
// for NaN, ±Inf and negative values, which make a metric invalid.
std::optional<std::int64_t> to_milli(double value);

// The effective tolerances: a behavior direction's tolerance overrides the controller's.
Tolerances tolerances_for(const Policy& policy, const ControllerSettings& controller);

// `pods` indexes input.pods (decide() builds it once for all metrics).
MetricEvaluation evaluate_metric(const MetricSpec& spec, const Observation* observation, const DecisionInput& input,
                                 const PodIndex& pods);

}  // namespace hpad::policies::detail
