// HPA normalization (kube-controller-manager's horizontal.go: recordInitialRecommendation,
// normalizeDesiredReplicas[WithBehaviors], stabilizeRecommendation[WithBehaviors],
// convertDesiredReplicasWithRules / WithBehaviorRate, the scale-up/down policy limits and
// storeScaleEvent) as pure functions: the recommendation history and scale events come in as a
// value and the new ones go out; `now` is a parameter. No I/O, no clock, no globals: thread-safe.
// See ../shared/HPA-ALGORITHM.md §6, §7, §9 and ../shared/DECIDE-API.md ("Defaults and edge rules").
//
// Invariants: a window of 0 (or less) holds nothing back — no recorded recommendation, not even
// the one seeded in the same call, takes part in it; otherwise HPA's comparisons apply exactly
// (with behavior an entry takes part iff it is newer than now - window; without, unless it is
// older than now - window). A new recommendation or scale event replaces the LAST stale entry,
// else it is appended; entries are never reordered or dropped. int32 arithmetic saturates where
// Go would wrap (no UB on any input). Work: O(history + events x policies) per call.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hpad/policies/policy.h"
#include "hpad/policies/time.h"

namespace hpad::policies {

struct Recommendation {
  std::int32_t replicas = 0;  // the unstabilized (metrics) recommendation
  Time timestamp;
};

struct ScaleEvent {
  std::int32_t replica_change = 0;  // absolute change (up: new - prev; down: prev - new)
  Time timestamp;
  bool outdated = false;  // older than the longest policy period when last checked; reusable slot
};

struct NormalizationState {
  std::optional<std::vector<Recommendation>> recommendations;  // nullopt = never seen; empty = seen, none kept
  std::vector<ScaleEvent> scale_up_events;
  std::vector<ScaleEvent> scale_down_events;
};

struct NormalizationInput {
  std::int32_t current_replicas = 0;
  std::int32_t desired_replicas = 0;  // from the metrics
  std::int32_t min_replicas = 1;
  std::int32_t max_replicas = 0;
  std::optional<Behavior> behavior;  // nullopt = HPA's no-behavior mode
  // The controller flag (default 5 min): the no-behavior window, and the scaleDown window in
  // behavior mode when stabilization_window_seconds is unset (truncated to whole seconds, as HPA).
  Duration downscale_stabilization_window = 5 * kMinute;
  double scale_up_limit_factor = 2.0;   // no-behavior cap: max(factor x current, minimum)
  double scale_up_limit_minimum = 4.0;  // upstream tests use factor 8
  Time now;
};

// HPA's reason strings.
inline constexpr const char* kScaleUpStabilized = "ScaleUpStabilized";
inline constexpr const char* kScaleDownStabilized = "ScaleDownStabilized";
inline constexpr const char* kReadyForNewScale = "ReadyForNewScale";
inline constexpr const char* kScaleUpLimit = "ScaleUpLimit";
inline constexpr const char* kScaleDownLimit = "ScaleDownLimit";
inline constexpr const char* kTooManyReplicas = "TooManyReplicas";
inline constexpr const char* kTooFewReplicas = "TooFewReplicas";
inline constexpr const char* kDesiredWithinRange = "DesiredWithinRange";

struct NormalizationResult {
  std::int32_t stabilized = 0;       // after the stabilization window(s)
  std::int32_t final_replicas = 0;   // after the rate limits and min/max
  std::string able_to_scale_reason;  // ScaleUpStabilized | ScaleDownStabilized | ReadyForNewScale
  std::string able_to_scale_message;
  bool limited = false;         // ScalingLimited=True: final_replicas != stabilized
  std::string limited_reason;   // ScaleUpLimit | ScaleDownLimit | TooManyReplicas | TooFewReplicas | DesiredWithinRange
  std::string limited_message;  // HPA's message for limited_reason
  NormalizationState state;     // the new state (history seeded and the recommendation stored)
};

// One normalization, as one HPA sync: seeds a never-seen history with {current, now}, then runs
// §6 (no behavior) or §7 (behavior) and records `desired_replicas` in the history.
NormalizationResult normalize(const NormalizationInput& input, NormalizationState state);

// storeScaleEvent, for a rescale from input.current_replicas to new_replicas at input.now: only
// with behavior (otherwise the state is returned unchanged), and only for a real move
// (new_replicas == current is a no-op; HPA never stores such an event).
NormalizationState record_scale(const NormalizationInput& input, NormalizationState state, std::int32_t new_replicas);

}  // namespace hpad::policies
