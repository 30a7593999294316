// decide(): the DECIDE-API pipeline in order — HPA's reconcile branches (ScalingDisabled, above
// max, below min), the selector check, per-metric proposals and their combination, fallback, HPA
// normalization, cooldowns and activation, the staged rollout — and the conditions, limits and
// message that explain the result. Pure: everything comes from the input, `now` included.
// Invariant: the Decision's state is the input state moved forward by exactly this one sync.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hpad/policies/decision.h"
#include "hpad/policies/label_selector.h"
#include "metric_evaluation.h"
#include "rollout.h"
#include "saturating.h"

namespace hpad::policies {
namespace {

using detail::MetricEvaluation;

// HPA's setConditionInList: update in place or append; the transition time moves only when the
// status changes.
void set_condition(std::vector<Condition>& conditions, const std::string& type, const std::string& status,
                   std::string reason, std::string message, Time now) {
  const auto it =
      std::find_if(conditions.begin(), conditions.end(), [&](const Condition& c) { return c.type == type; });
  if (it == conditions.end()) {
    conditions.push_back(Condition{type, status, std::move(reason), std::move(message), now});
    return;
  }
  if (it->status != status || !it->last_transition_time) {
    it->last_transition_time = now;
  }
  it->status = status;
  it->reason = std::move(reason);
  it->message = std::move(message);
}

// Whole seconds, rounded up: "1s left", never "0s left".
std::string seconds_text(Duration d) {
  const Duration whole = d / kSecond + (d % kSecond > 0 ? 1 : 0);
  return std::to_string(whole) + "s";
}

Duration seconds(std::int32_t s) {
  return static_cast<Duration>(s) * kSecond;
}

// Why labels.Parse rejects the selector, if it does.
std::optional<std::string> label_selector_error(const std::string& selector) {
  Result<LabelSelector> parsed = parse_label_selector(selector);
  if (const auto* error = std::get_if<CalculationError>(&parsed)) {
    return error->message;
  }
  return std::nullopt;
}

class Pipeline {
 public:
  explicit Pipeline(const DecisionInput& input) : in_(input), current_(input.scale.spec_replicas) {
    d_.policy = input.policy.metadata.namespace_name + "/" + input.policy.metadata.name;
    d_.time = input.now;
    d_.current_replicas = current_;
    d_.state = input.state;
    norm_.current_replicas = current_;
    norm_.min_replicas = input.policy.min_replicas;
    norm_.max_replicas = input.policy.max_replicas;
    norm_.behavior = input.policy.behavior;
    norm_.downscale_stabilization_window = input.controller.downscale_stabilization_window;
    norm_.scale_up_limit_factor = input.controller.scale_up_limit_factor;
    norm_.scale_up_limit_minimum = input.controller.scale_up_limit_minimum;
    norm_.now = input.now;
  }

  Decision run() {
    // recordInitialRecommendation runs before HPA's branches, whichever is taken.
    if (!d_.state.normalization.recommendations) {
      d_.state.normalization.recommendations = std::vector<Recommendation>{Recommendation{current_, in_.now}};
    }
    condition("AbleToScale", "True", "SucceededGetScale",
              "the HPA controller was able to get the target's current scale");
    const Policy& policy = in_.policy;
    std::optional<std::int32_t> desired;
    if (current_ == 0 && policy.min_replicas != 0) {
      condition("ScalingActive", "False", "ScalingDisabled",
                "scaling is disabled since the replica count of the target is zero");
      message_ = "scaling is disabled: the target has 0 replicas and minReplicas is " +
                 std::to_string(policy.min_replicas) + " (scale it up by hand to enable autoscaling)";
    } else if (current_ > policy.max_replicas) {
      desired = clamp_to_range(policy.max_replicas, kTooManyReplicas, "above maxReplicas");
    } else if (current_ < policy.min_replicas) {
      desired = clamp_to_range(policy.min_replicas, kTooFewReplicas, "below minReplicas");
    } else {
      desired = from_metrics();
    }
    finish(desired);
    return std::move(d_);
  }

 private:
  void condition(const std::string& type, const std::string& status, std::string reason, std::string message) {
    set_condition(d_.state.conditions, type, status, std::move(reason), std::move(message), in_.now);
  }
  void limit(const char* name) { d_.limits.emplace_back(name); }
  void explain(std::string part) { notes_.push_back(std::move(part)); }

  // HPA corrects a count outside [min, max] at once, without metrics; so does hpad (no cooldown,
  // no rollout: the policy's bounds are not a scaling decision). Any rollout is over.
  std::int32_t clamp_to_range(std::int32_t bound, const char* reason, const char* where) {
    limit(reason);
    message_ = "current replicas " + std::to_string(current_) + " " + where + " " + std::to_string(bound);
    d_.state.rollout.reset();
    return bound;
  }

  bool selector_ok() {
    const std::string& selector = in_.scale.selector;
    if (selector.empty()) {
      condition("ScalingActive", "False", "InvalidSelector", "the HPA target's scale is missing a selector");
      message_ = "the target's scale has no selector";
      return false;
    }
    if (auto error = label_selector_error(selector)) {
      std::string text = "couldn't convert selector into a corresponding internal selector object: " + *error;
      message_ = "invalid selector \"" + selector + "\": " + *error;
      condition("ScalingActive", "False", "InvalidSelector", std::move(text));
      return false;
    }
    return true;
  }

  // Steps 1-4. Nullopt when HPA would compute no replica count (its -1).
  std::optional<std::int32_t> from_metrics() {
    if (!selector_ok()) {
      return std::nullopt;
    }
    const Policy& policy = in_.policy;
    std::int32_t replicas = 0;
    std::string top_metric;
    std::size_t invalid = 0;
    const MetricEvaluation* first_invalid = nullptr;
    evaluations_.reserve(policy.metrics.size());
    const detail::PodIndex pods(in_.pods);  // once: every per-pod metric matches its samples through it
    for (const MetricSpec& spec : policy.metrics) {
      const auto it = in_.metrics.find(spec.name);
      evaluations_.push_back(detail::evaluate_metric(spec, it == in_.metrics.end() ? nullptr : &it->second, in_, pods));
    }
    for (std::size_t i = 0; i < evaluations_.size(); ++i) {
      const MetricEvaluation& e = evaluations_[i];
      d_.metrics.push_back(e.outcome);
      if (!e.outcome.valid) {
        ++invalid;
        if (first_invalid == nullptr) {
          first_invalid = &e;
        }
      } else if (replicas == 0 || *e.outcome.replicas > replicas) {
        replicas = *e.outcome.replicas;
        top_metric = policy.metrics[i].name;
        top_description_ = e.description;
      }
    }
    all_invalid_ = invalid >= policy.metrics.size();
    d_.state.consecutive_failures = all_invalid_
                                        ? (d_.state.consecutive_failures == std::numeric_limits<std::int32_t>::max()
                                               ? d_.state.consecutive_failures
                                               : d_.state.consecutive_failures + 1)
                                        : 0;
    update_activation();

    bool fallback = false;
    if (all_invalid_ || (invalid > 0 && replicas < current_)) {
      const std::string error = "invalid metrics (" + std::to_string(invalid) + " invalid out of " +
                                std::to_string(policy.metrics.size()) +
                                "), first error is: " + *first_invalid->outcome.error;
      condition("ScalingActive", "False", first_invalid->outcome.reason,
                "the HPA was unable to compute the replica count: " + *first_invalid->outcome.error);
      if (all_invalid_ && policy.fallback && d_.state.consecutive_failures >= policy.fallback->failure_threshold) {
        fallback = true;
        replicas = policy.fallback->mode == FallbackMode::kAtLeastCurrent
                       ? std::max(current_, policy.fallback->replicas)
                       : policy.fallback->replicas;
        limit(kFallback);
        message_ = "no valid metric for " + std::to_string(d_.state.consecutive_failures) +
                   " syncs in a row: fallback to " + std::to_string(replicas) + " (" + error + ")";
      } else {
        message_ = all_invalid_ ? "no replica count: " + error : "not scaling down while a metric is invalid: " + error;
        if (all_invalid_ && policy.fallback) {
          message_ += " (fallback after " + std::to_string(policy.fallback->failure_threshold) +
                      " failed syncs; this is " + std::to_string(d_.state.consecutive_failures) + ")";
        }
        return std::nullopt;
      }
    } else {
      condition("ScalingActive", "True", "ValidMetricFound",
                "the HPA was able to successfully calculate a replica count from " + top_description_);
    }
    in_fallback_ = fallback;
    d_.recommendation.metrics = replicas;
    if (!fallback) {
      message_ = replicas > current_   ? top_metric + " above target"
                 : replicas < current_ ? "all metrics below target"
                                       : "all metrics within tolerance of target";
    }
    return normalize_stage(replicas);
  }

  void update_activation() {
    bool all_inactive = !evaluations_.empty();
    for (const MetricEvaluation& e : evaluations_) {
      if (!e.outcome.valid || e.outcome.active) {
        all_inactive = false;
      }
    }
    any_active_ = std::any_of(evaluations_.begin(), evaluations_.end(),
                              [](const MetricEvaluation& e) { return e.outcome.valid && e.outcome.active; });
    if (all_inactive) {
      if (!d_.state.below_activation_since) {
        d_.state.below_activation_since = in_.now;
      }
    } else {
      d_.state.below_activation_since.reset();
    }
  }

  // Step 4: HPA normalization; records the recommendation.
  std::int32_t normalize_stage(std::int32_t replicas) {
    norm_.desired_replicas = replicas;
    NormalizationResult result = normalize(norm_, std::move(d_.state.normalization));
    d_.state.normalization = std::move(result.state);
    d_.recommendation.stabilized = result.stabilized;
    d_.recommendation.limited = result.final_replicas;
    condition("AbleToScale", "True", result.able_to_scale_reason, result.able_to_scale_message);
    condition("ScalingLimited", result.limited ? "True" : "False", result.limited_reason, result.limited_message);
    if (result.stabilized != replicas) {
      limit(result.stabilized > replicas ? kScaleDownStabilized : kScaleUpStabilized);
      explain("held at " + std::to_string(result.stabilized) + " by the " +
              (result.stabilized > replicas ? "scale-down" : "scale-up") + " stabilization window");
    }
    if (result.limited) {
      limit(result.limited_reason.c_str());
      explain(limit_text(result.limited_reason, result.final_replicas));
    }
    return result.final_replicas;
  }

  std::string limit_text(const std::string& reason, std::int32_t replicas) const {
    const std::string n = std::to_string(replicas);
    if (reason == kTooManyReplicas) {
      return "capped at maxReplicas " + n;
    }
    if (reason == kTooFewReplicas) {
      return "raised to minReplicas " + n;
    }
    const bool up = reason == kScaleUpLimit;
    if (!in_.policy.behavior) {
      return "limited to " + n + " by the scale-up cap max(" + format_number(in_.controller.scale_up_limit_factor) +
             "x current, " + format_number(in_.controller.scale_up_limit_minimum) + ")";
    }
    return "limited to " + n + " by the " + (up ? "scale-up" : "scale-down") + " rate policy (" +
           rules_text(up ? in_.policy.behavior->scale_up : in_.policy.behavior->scale_down) + ")";
  }

  static std::string format_number(double v) {
    std::string s = std::to_string(v);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.') {
      s.pop_back();
    }
    return s;
  }

  static std::string rules_text(const HPAScalingRules& rules) {
    std::string out;
    for (const HPAScalingPolicy& p : rules.policies) {
      if (!out.empty()) {
        out += rules.select_policy == SelectPolicy::kMin ? " or " : ", ";
      }
      out += std::to_string(p.value) + (p.type == ScalingPolicyType::kPods ? " pods" : "%") + " per " +
             std::to_string(p.period_seconds) + "s";
    }
    if (rules.select_policy == SelectPolicy::kMin && rules.policies.size() > 1) {
      out += ", whichever is less";
    }
    return out;
  }

  // Step 5: cooldowns after lastScaleTime, then activation (from zero) and the scale-to-zero delay.
  std::int32_t cooldown_stage(std::int32_t n) {
    const Cooldown& cooldown = in_.policy.cooldown;
    if (d_.state.last_scale_time && n != current_) {
      const bool up = n > current_;
      const std::int32_t wait = up ? cooldown.scale_up_seconds : cooldown.scale_down_seconds;
      const Time until = *d_.state.last_scale_time + seconds(wait);
      if (in_.now < until) {
        limit(up ? kScaleUpCooldown : kScaleDownCooldown);
        explain(std::string("held at ") + std::to_string(current_) + " by the " + (up ? "scale-up" : "scale-down") +
                " cooldown (" + seconds_text(between(until, in_.now)) + " left)");
        n = current_;
      }
    }
    if (in_fallback_) {
      return n;  // fallback replaces the metrics, their activation included
    }
    if (current_ == 0 && n > 0 && !any_active_) {
      limit(kBelowActivation);
      explain("kept at 0: no metric is above its activation value");
      return 0;
    }
    if (current_ > 0 && n == 0) {
      const std::optional<Time>& since = d_.state.below_activation_since;
      const Duration needed = seconds(cooldown.scale_to_zero_seconds);
      if (!since || in_.now < *since + needed) {
        limit(kScaleToZeroCooldown);
        if (!since) {
          explain("kept at 1: a metric is above its activation value");
        } else {
          const Duration below = between(in_.now, *since);
          explain("kept at 1: metrics below activation for " + seconds_text(below - below % kSecond) + " of " +
                  std::to_string(cooldown.scale_to_zero_seconds) + "s");
        }
        return 1;
      }
    }
    return n;
  }

  // Steps 5 and 6, and the bookkeeping of a rescale.
  void finish(std::optional<std::int32_t> desired) {
    std::int32_t final_replicas = current_;
    if (desired) {
      final_replicas = *desired;
      if (d_.recommendation.metrics) {  // the metric path: hpad's stages apply
        final_replicas = cooldown_stage(final_replicas);
        final_replicas = rollout_stage(final_replicas);
      }
    }
    final_replicas = std::max(final_replicas, 0);
    d_.recommendation.final_replicas = final_replicas;
    d_.desired_replicas = final_replicas;
    d_.scale = final_replicas != current_;
    if (d_.scale) {
      d_.state.last_scale_time = in_.now;
      d_.state.normalization = record_scale(norm_, std::move(d_.state.normalization), final_replicas);
      condition("AbleToScale", "True", "SucceededRescale",
                "the HPA controller was able to update the target scale to " + std::to_string(final_replicas));
    }
    std::string text = message_;
    for (const std::string& note : notes_) {
      text += "; " + note;
    }
    if (d_.scale) {
      text += "; scale " + std::to_string(current_) + " -> " + std::to_string(final_replicas);
    } else if (desired) {
      text += "; stay at " + std::to_string(current_);
    }
    d_.message = std::move(text);
    d_.conditions = d_.state.conditions;
  }

  std::int32_t rollout_stage(std::int32_t n) {
    if (!in_.policy.rollout) {
      d_.state.rollout.reset();
      return n;
    }
    detail::RolloutStep step =
        detail::advance_rollout(*in_.policy.rollout, d_.state.rollout, current_, n, in_.gates, in_.now);
    d_.state.rollout = step.state;
    d_.rollout = step.view;
    for (const char* name : step.limits) {
      limit(name);
    }
    if (!step.note.empty()) {
      explain(step.note);
    }
    return step.replicas;
  }

  const DecisionInput& in_;
  Decision d_;
  std::int32_t current_;
  NormalizationInput norm_;
  std::vector<MetricEvaluation> evaluations_;
  std::string top_description_;
  std::string message_;
  std::vector<std::string> notes_;
  bool all_invalid_ = false;
  bool any_active_ = false;
  bool in_fallback_ = false;
};

}  // namespace

Decision decide(const DecisionInput& input) {
  return Pipeline(input).run();
}

}  // namespace hpad::policies
