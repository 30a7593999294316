// HPA normalization (horizontal.go, see normalize.h): the stabilization windows over the
// recommendation history, the no-behavior 2x/+4 cap, the behavior rate policies computed from
// the recent scale events, and the scale-event bookkeeping. Pure; thread-safe.
//
// Invariant: every int32 that Go computes with wrapping arithmetic is computed here in int64 and
// saturated back to int32, so the results agree with HPA wherever HPA does not overflow.
#include "hpad/policies/normalize.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "saturating.h"

namespace hpad::policies {
namespace {

constexpr std::int32_t kMaxInt32 = std::numeric_limits<std::int32_t>::max();
constexpr std::int32_t kMinInt32 = std::numeric_limits<std::int32_t>::min();

std::int32_t clamp_int32(std::int64_t v) {
  return static_cast<std::int32_t>(std::clamp<std::int64_t>(v, kMinInt32, kMaxInt32));
}

// now - d, saturating (d = INT64_MIN would overflow the negation).
Time before(Time now, Duration d) {
  return now + (d == std::numeric_limits<Duration>::min() ? std::numeric_limits<Duration>::max() : -d);
}

Duration seconds(std::int32_t s) {
  return static_cast<Duration>(s) * kSecond;  // |s| < 2^31, so |s x 1e9| < 2.2e18: no overflow
}

// --- No behavior (§6) ---------------------------------------------------------------------------

// stabilizeRecommendation: max of desired and the entries not older than now - window; stores
// {desired, now} over the last too-old entry, else appends.
std::int32_t stabilize(std::vector<Recommendation>& recs, std::int32_t desired, Duration window, Time now) {
  const Time cutoff = before(now, window);
  std::int32_t max_recommendation = desired;
  std::optional<std::size_t> old_index;
  for (std::size_t i = 0; i < recs.size(); ++i) {
    if (recs[i].timestamp < cutoff) {
      old_index = i;
    } else if (window > 0 && recs[i].replicas > max_recommendation) {
      max_recommendation = recs[i].replicas;  // a window of 0 holds nothing back (DECIDE-API)
    }
  }
  if (old_index) {
    recs[*old_index] = Recommendation{desired, now};
  } else {
    recs.push_back(Recommendation{desired, now});
  }
  return max_recommendation;
}

void convert_with_rules(const NormalizationInput& in, std::int32_t desired, NormalizationResult& out) {
  const std::int32_t scale_up_limit = detail::saturating_int32(
      std::max(in.scale_up_limit_factor * static_cast<double>(in.current_replicas), in.scale_up_limit_minimum));
  std::int32_t maximum_allowed = 0;
  std::string reason;
  std::string message;
  if (in.max_replicas > scale_up_limit) {
    maximum_allowed = scale_up_limit;
    reason = kScaleUpLimit;
    message = "the desired replica count is increasing faster than the maximum scale rate";
  } else {
    maximum_allowed = in.max_replicas;
    reason = kTooManyReplicas;
    message = "the desired replica count is more than the maximum replica count";
  }
  if (desired < in.min_replicas) {
    out.final_replicas = in.min_replicas;
    out.limited_reason = kTooFewReplicas;
    out.limited_message = "the desired replica count is less than the minimum replica count";
  } else if (desired > maximum_allowed) {
    out.final_replicas = maximum_allowed;
    out.limited_reason = std::move(reason);
    out.limited_message = std::move(message);
  } else {
    out.final_replicas = desired;
    out.limited_reason = kDesiredWithinRange;
    out.limited_message = "the desired count is within the acceptable range";
  }
}

void normalize_without_behavior(const NormalizationInput& in, NormalizationResult& out) {
  out.stabilized =
      stabilize(*out.state.recommendations, in.desired_replicas, in.downscale_stabilization_window, in.now);
  if (out.stabilized != in.desired_replicas) {
    out.able_to_scale_reason = kScaleDownStabilized;
    out.able_to_scale_message =
        "recent recommendations were higher than current one, applying the highest recent recommendation";
  } else {
    out.able_to_scale_reason = kReadyForNewScale;
    out.able_to_scale_message = "recommended size matches current size";
  }
  convert_with_rules(in, out.stabilized, out);
}

// --- Behavior (§7) ------------------------------------------------------------------------------

std::int32_t up_window_seconds(const Behavior& b) {
  return b.scale_up.stabilization_window_seconds.value_or(0);
}

// maybeInitScaleDownStabilizationWindow: int32(flag.Seconds()), truncated and saturated.
std::int32_t down_window_seconds(const NormalizationInput& in) {
  if (const auto& w = in.behavior->scale_down.stabilization_window_seconds) {
    return *w;
  }
  return clamp_int32(in.downscale_stabilization_window / kSecond);
}

void stabilize_with_behaviors(const NormalizationInput& in, NormalizationResult& out) {
  std::vector<Recommendation>& recs = *out.state.recommendations;
  const std::int32_t up_window = up_window_seconds(*in.behavior);
  const std::int32_t down_window = down_window_seconds(in);
  const Time up_cutoff = before(in.now, seconds(up_window));
  const Time down_cutoff = before(in.now, seconds(down_window));
  std::int32_t up_recommendation = in.desired_replicas;
  std::int32_t down_recommendation = in.desired_replicas;
  std::optional<std::size_t> old_index;
  for (std::size_t i = 0; i < recs.size(); ++i) {
    const Recommendation& rec = recs[i];
    if (up_window > 0 && rec.timestamp > up_cutoff) {
      up_recommendation = std::min(rec.replicas, up_recommendation);
    }
    if (down_window > 0 && rec.timestamp > down_cutoff) {
      down_recommendation = std::max(rec.replicas, down_recommendation);
    }
    if (rec.timestamp < up_cutoff && rec.timestamp < down_cutoff) {
      old_index = i;
    }
  }
  std::int32_t recommendation = in.current_replicas;
  if (recommendation < up_recommendation) {
    recommendation = up_recommendation;
  }
  if (recommendation > down_recommendation) {
    recommendation = down_recommendation;
  }
  if (old_index) {
    recs[*old_index] = Recommendation{in.desired_replicas, in.now};
  } else {
    recs.push_back(Recommendation{in.desired_replicas, in.now});
  }
  out.stabilized = recommendation;
  if (recommendation == in.desired_replicas) {
    out.able_to_scale_reason = kReadyForNewScale;
    out.able_to_scale_message = "recommended size matches current size";
  } else if (in.desired_replicas >= in.current_replicas) {
    out.able_to_scale_reason = kScaleUpStabilized;
    out.able_to_scale_message =
        "recent recommendations were lower than current one, applying the lowest recent recommendation";
  } else {
    out.able_to_scale_reason = kScaleDownStabilized;
    out.able_to_scale_message =
        "recent recommendations were higher than current one, applying the highest recent recommendation";
  }
}

// getReplicasChangePerPeriod: the sum of the changes newer than now - period.
std::int32_t change_in_period(std::int32_t period_seconds, const std::vector<ScaleEvent>& events, Time now) {
  const Time cutoff = before(now, seconds(period_seconds));
  std::int64_t sum = 0;
  for (const ScaleEvent& e : events) {
    if (e.timestamp > cutoff) {
      sum = detail::saturating_add(sum, e.replica_change);
    }
  }
  return clamp_int32(sum);
}

std::int32_t period_start_replicas(const NormalizationInput& in, const NormalizationState& state,
                                   std::int32_t period_seconds) {
  const std::int64_t added = change_in_period(period_seconds, state.scale_up_events, in.now);
  const std::int64_t deleted = change_in_period(period_seconds, state.scale_down_events, in.now);
  return clamp_int32(std::int64_t{in.current_replicas} - added + deleted);  // |each| < 2^31: no overflow
}

enum class Direction { kUp, kDown };

// One policy's bound on where the count may go from the period's start: Pods adds or takes
// away; Percent rounds up when scaling up (or a small percentage of a small count would never
// move) and truncates toward zero when scaling down, as Go's int32(float64).
std::int32_t policy_bound(Direction direction, std::int32_t start, const HPAScalingPolicy& policy) {
  const bool up = direction == Direction::kUp;
  if (policy.type == ScalingPolicyType::kPods) {
    return clamp_int32(std::int64_t{start} + (up ? policy.value : -std::int64_t{policy.value}));
  }
  const double factor = 1 + (up ? 1 : -1) * static_cast<double>(policy.value) / 100;
  return up ? detail::ceil_int32(static_cast<double>(start) * factor)
            : detail::saturating_int32(static_cast<double>(start) * factor);
}

// calculateScaleUpLimitWithScalingRules and calculateScaleDownLimitWithBehaviors in one: the
// bound of each policy, then selectPolicy picks among them. Max means the largest change,
// which is the highest bound going up and the lowest going down (Min the reverse);
// Disabled allows no move at all.
std::int32_t rate_limit(Direction direction, const NormalizationInput& in, const NormalizationState& state) {
  const HPAScalingRules& rules = direction == Direction::kUp ? in.behavior->scale_up : in.behavior->scale_down;
  if (rules.select_policy == SelectPolicy::kDisabled) {
    return in.current_replicas;
  }
  const bool pick_highest = (rules.select_policy == SelectPolicy::kMax) == (direction == Direction::kUp);
  std::int32_t result = pick_highest ? kMinInt32 : kMaxInt32;
  for (const HPAScalingPolicy& policy : rules.policies) {
    const std::int32_t bound = policy_bound(direction, period_start_replicas(in, state, policy.period_seconds), policy);
    result = pick_highest ? std::max(result, bound) : std::min(result, bound);
  }
  return result;
}

void set_within_range(std::int32_t desired, NormalizationResult& out) {
  out.final_replicas = desired;
  out.limited_reason = kDesiredWithinRange;
  out.limited_message = "the desired count is within the acceptable range";
}

// convertDesiredReplicasWithBehaviorRate: min/max apply only in the direction of movement.
void convert_with_behavior_rate(const NormalizationInput& in, NormalizationResult& out) {
  const std::int32_t desired = out.stabilized;
  if (desired > in.current_replicas) {
    const std::int32_t limit = std::max(rate_limit(Direction::kUp, in, out.state), in.current_replicas);
    if (in.max_replicas > limit) {
      if (desired > limit) {
        out.final_replicas = limit;
        out.limited_reason = kScaleUpLimit;
        out.limited_message = "the desired replica count is increasing faster than the maximum scale rate";
        return;
      }
    } else if (desired > in.max_replicas) {
      out.final_replicas = in.max_replicas;
      out.limited_reason = kTooManyReplicas;
      out.limited_message = "the desired replica count is more than the maximum replica count";
      return;
    }
  } else if (desired < in.current_replicas) {
    const std::int32_t limit = std::min(rate_limit(Direction::kDown, in, out.state), in.current_replicas);
    if (in.min_replicas < limit) {
      if (desired < limit) {
        out.final_replicas = limit;
        out.limited_reason = kScaleDownLimit;
        out.limited_message = "the desired replica count is decreasing faster than the maximum scale rate";
        return;
      }
    } else if (desired < in.min_replicas) {
      out.final_replicas = in.min_replicas;
      out.limited_reason = kTooFewReplicas;
      out.limited_message = "the desired replica count is less than the minimum replica count";
      return;
    }
  }
  set_within_range(desired, out);
}

std::int32_t longest_policy_period(const HPAScalingRules& rules) {
  std::int32_t longest = 0;
  for (const HPAScalingPolicy& policy : rules.policies) {
    longest = std::max(longest, policy.period_seconds);
  }
  return longest;
}

// markScaleEventsOutdated, then the new event over the last outdated slot, else appended.
void store_event(std::vector<ScaleEvent>& events, std::int32_t longest_period, std::int32_t change, Time now) {
  const Time cutoff = before(now, seconds(longest_period));
  std::optional<std::size_t> old_index;
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (events[i].timestamp < cutoff) {
      events[i].outdated = true;
    }
    if (events[i].outdated) {
      old_index = i;
    }
  }
  const ScaleEvent event{change, now, false};
  if (old_index) {
    events[*old_index] = event;
  } else {
    events.push_back(event);
  }
}

}  // namespace

NormalizationResult normalize(const NormalizationInput& input, NormalizationState state) {
  NormalizationResult out;
  out.state = std::move(state);
  if (!out.state.recommendations) {
    // recordInitialRecommendation
    out.state.recommendations = std::vector<Recommendation>{Recommendation{input.current_replicas, input.now}};
  }
  if (input.behavior) {
    stabilize_with_behaviors(input, out);
    convert_with_behavior_rate(input, out);
  } else {
    normalize_without_behavior(input, out);
  }
  out.limited = out.final_replicas != out.stabilized;
  return out;
}

NormalizationState record_scale(const NormalizationInput& input, NormalizationState state, std::int32_t new_replicas) {
  if (!input.behavior || new_replicas == input.current_replicas) {
    return state;
  }
  const std::int64_t prev = input.current_replicas;
  if (new_replicas > input.current_replicas) {
    store_event(state.scale_up_events, longest_policy_period(input.behavior->scale_up),
                clamp_int32(new_replicas - prev), input.now);
  } else {
    store_event(state.scale_down_events, longest_policy_period(input.behavior->scale_down),
                clamp_int32(prev - new_replicas), input.now);
  }
  return state;
}

}  // namespace hpad::policies
