// The ratio side of the HPA replica calculator: upstream metrics/utilization.go
// (GetResourceUtilizationRatio, GetMetricUsageRatio) and replica_calculator.go's
// GetResourceReplicas, calcPlainMetricReplicas, getUsageRatioReplicaCount and the Object /
// External variants. Pure; thread-safe. Work: O(samples log samples) per call.
//
// Invariant of the two pod-based paths (§5.5): the reported usage is always the first-pass
// value; missing and unready pods are filled in only to decide whether the move survives.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "hpad/policies/replica_calculator.h"
#include "saturating.h"

namespace hpad::policies {
namespace {

constexpr std::int64_t kMaxInt64 = std::numeric_limits<std::int64_t>::max();

const char* const kNoPods = "no pods returned by selector while calculating replica count";
const char* const kNoMetrics = "did not receive metrics for targeted pods (pods might be unready)";

// The samples that take part in the first pass: all but those of ignored and unready pods.
// Samples of pods the selector did not return stay, as upstream keeps them.
PodSamples usable_samples(const PodSamples& samples, const PodGroups& groups) {
  PodSamples usable;
  for (const auto& [name, sample] : samples) {
    if (!groups.ignored.contains(name) && !groups.unready.contains(name)) {
      usable.emplace(name, sample);
    }
  }
  return usable;
}

void set_value(PodSamples& samples, const std::string& name, std::int64_t milli) {
  samples[name] = PodSample{milli, Time{}, 0};
}

// §5.5, first pass: with no unready pod to count (the ratio does not scale up) and no missing
// pod to fill in, the ready pods decide alone. nullopt: the second pass is needed.
std::optional<std::int32_t> ready_pods_replicas(std::int32_t current, double ratio, const PodGroups& groups,
                                                const Tolerances& tolerances) {
  if ((!groups.unready.empty() && ratio > 1.0) || !groups.missing.empty()) {
    return std::nullopt;
  }
  return tolerances.within(ratio) ? current : detail::ceil_int32(ratio * static_cast<double>(groups.ready_count));
}

// §5.5, between the passes: on a scale-down a missing pod uses scale_down_fill(name), on a
// scale-up 0 (at ratio 1 missing pods stay out); unready pods count, as 0, only on a scale-up.
template <class Fill>
void fill_in_for_second_pass(PodSamples& metrics, const PodGroups& groups, double ratio, Fill&& scale_down_fill) {
  if (ratio < 1.0) {
    for (const std::string& name : groups.missing) {
      set_value(metrics, name, scale_down_fill(name));
    }
  } else if (ratio > 1.0) {
    for (const std::string& name : groups.missing) {
      set_value(metrics, name, 0);
    }
    for (const std::string& name : groups.unready) {
      set_value(metrics, name, 0);
    }
  }
}

// The checks after missing and unready pods were filled in: no move inside the tolerances, and
// none that would reverse the direction the first pass pointed to, either by the new ratio or
// by the ceil over the augmented pod count (DuringRollingUpdateWithMaxSurge).
std::int32_t second_pass_replicas(std::int32_t current, double ratio, double new_ratio, std::size_t pod_count,
                                  const Tolerances& tolerances) {
  if (tolerances.within(new_ratio) || (ratio < 1.0 && new_ratio > 1.0) || (ratio > 1.0 && new_ratio < 1.0)) {
    return current;
  }
  const std::int32_t replicas = detail::ceil_int32(new_ratio * static_cast<double>(pod_count));
  if ((new_ratio < 1.0 && replicas > current) || (new_ratio > 1.0 && replicas < current)) {
    return current;
  }
  return replicas;
}

std::int64_t capped_sum(std::span<const std::int64_t> values) {
  std::int64_t sum = 0;
  for (const std::int64_t v : values) {
    sum = detail::saturating_add(sum, v);
  }
  return sum;
}

// Per-pod (AverageValue) replicas shared by Object and External: see the header.
std::int32_t per_pod_replicas(std::int32_t status_replicas, std::int64_t target, std::int64_t usage,
                              const Tolerances& tolerances) {
  // status_replicas == 0: upstream's ratio is +Inf or NaN, never within the tolerances; we skip
  // the division by zero and take the same branch.
  if (status_replicas != 0) {
    const double ratio =
        static_cast<double>(usage) / (static_cast<double>(target) * static_cast<double>(status_replicas));
    if (tolerances.within(ratio)) {
      return status_replicas;
    }
  }
  return detail::ceil_int32(static_cast<double>(usage) / static_cast<double>(target));
}

std::int64_t per_pod_usage(std::int32_t status_replicas, std::int64_t usage) {
  if (status_replicas == 0) {
    return usage;  // unguarded upstream (int64(+Inf)); we report the whole value
  }
  return detail::saturating_int64(std::ceil(static_cast<double>(usage) / static_cast<double>(status_replicas)));
}

}  // namespace

Result<UtilizationRatio> resource_utilization_ratio(const PodSamples& samples, const PodRequests& requests,
                                                    std::int32_t target_percent) {
  if (target_percent <= 0) {
    return CalculationError{"invalid target utilization " + std::to_string(target_percent)};
  }
  std::int64_t metrics_total = 0;
  std::int64_t requests_total = 0;
  std::int64_t entries = 0;
  for (const auto& [name, sample] : samples) {
    const auto request = requests.find(name);
    if (request == requests.end()) {
      continue;  // a sample of a pod we know no request of is superfluous
    }
    metrics_total = detail::saturating_add(metrics_total, sample.milli_value);
    requests_total = detail::saturating_add(requests_total, request->second);
    ++entries;
  }
  if (requests_total == 0) {
    return CalculationError{"no metrics returned matched known pods"};
  }
  UtilizationRatio result;
  const std::int64_t percent = detail::saturating_div(detail::saturating_mul(metrics_total, 100), requests_total);
  // Go's int32() would wrap a percent beyond int32 (only reachable with saturated sums); we clamp.
  result.utilization_percent = static_cast<std::int32_t>(std::clamp<std::int64_t>(
      percent, std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max()));
  result.ratio = static_cast<double>(result.utilization_percent) / static_cast<double>(target_percent);
  result.raw_average_milli = metrics_total / entries;  // entries > 0: requests_total != 0
  return result;
}

Result<UsageRatio> metric_usage_ratio(const PodSamples& samples, std::int64_t target_milli) {
  if (target_milli <= 0) {
    return CalculationError{"invalid target value " + std::to_string(target_milli) + "m"};
  }
  if (samples.empty()) {
    return CalculationError{kNoMetrics};
  }
  std::int64_t total = 0;
  for (const auto& [name, sample] : samples) {
    total = detail::saturating_add(total, sample.milli_value);
  }
  UsageRatio result;
  result.usage_milli = total / static_cast<std::int64_t>(samples.size());
  result.ratio = static_cast<double>(result.usage_milli) / static_cast<double>(target_milli);
  return result;
}

Result<ResourceUtilizationReplicas> resource_utilization_replicas(
    std::int32_t current_replicas, std::int32_t target_utilization_percent, std::string_view resource,
    const std::optional<std::string>& container, std::span<const PodInfo> pods, const PodSamples& samples,
    const CalculatorSettings& settings, Time now) {
  if (target_utilization_percent <= 0) {
    return CalculationError{"invalid target utilization " + std::to_string(target_utilization_percent)};
  }
  if (pods.empty()) {
    return CalculationError{kNoPods};
  }
  const PodGroups groups = group_pods(pods, samples, resource, settings, now);
  PodSamples metrics = usable_samples(samples, groups);
  if (metrics.empty()) {
    return CalculationError{kNoMetrics};
  }
  auto requests_or = pod_requests(pods, resource, container);
  if (auto* error = std::get_if<CalculationError>(&requests_or)) {
    return std::move(*error);
  }
  const PodRequests& requests = std::get<PodRequests>(requests_or);
  auto first_or = resource_utilization_ratio(metrics, requests, target_utilization_percent);
  if (auto* error = std::get_if<CalculationError>(&first_or)) {
    return std::move(*error);
  }
  const UtilizationRatio first = std::get<UtilizationRatio>(first_or);
  ResourceUtilizationReplicas result{current_replicas, first.utilization_percent, first.raw_average_milli};
  const double ratio = first.ratio;
  if (const auto replicas = ready_pods_replicas(current_replicas, ratio, groups, settings.tolerances)) {
    result.replicas = *replicas;
    return result;
  }
  // Scale-down: a missing pod uses its whole request, or the target when that is above 100%.
  const std::int64_t fallback_percent = std::max<std::int64_t>(100, target_utilization_percent);
  fill_in_for_second_pass(metrics, groups, ratio, [&](const std::string& name) {
    const auto request = requests.find(name);
    const std::int64_t milli = request == requests.end() ? 0 : request->second;
    return detail::saturating_mul(milli, fallback_percent) / 100;
  });
  auto second_or = resource_utilization_ratio(metrics, requests, target_utilization_percent);
  if (auto* error = std::get_if<CalculationError>(&second_or)) {
    return std::move(*error);
  }
  result.replicas = second_pass_replicas(current_replicas, ratio, std::get<UtilizationRatio>(second_or).ratio,
                                         metrics.size(), settings.tolerances);
  return result;
}

Result<PlainMetricReplicas> plain_metric_replicas(std::int32_t current_replicas, std::int64_t target_milli,
                                                  std::string_view resource, std::span<const PodInfo> pods,
                                                  const PodSamples& samples, const CalculatorSettings& settings,
                                                  Time now) {
  if (target_milli <= 0) {
    return CalculationError{"invalid target value " + std::to_string(target_milli) + "m"};
  }
  if (pods.empty()) {
    return CalculationError{kNoPods};
  }
  const PodGroups groups = group_pods(pods, samples, resource, settings, now);
  PodSamples metrics = usable_samples(samples, groups);
  auto first_or = metric_usage_ratio(metrics, target_milli);  // errors when metrics is empty
  if (auto* error = std::get_if<CalculationError>(&first_or)) {
    return std::move(*error);
  }
  const UsageRatio first = std::get<UsageRatio>(first_or);
  PlainMetricReplicas result{current_replicas, first.usage_milli};
  const double ratio = first.ratio;
  if (const auto replicas = ready_pods_replicas(current_replicas, ratio, groups, settings.tolerances)) {
    result.replicas = *replicas;
    return result;
  }
  // Scale-down: a missing pod uses exactly the target.
  fill_in_for_second_pass(metrics, groups, ratio, [&](const std::string&) { return target_milli; });
  const double new_ratio = std::get<UsageRatio>(metric_usage_ratio(metrics, target_milli)).ratio;
  result.replicas = second_pass_replicas(current_replicas, ratio, new_ratio, metrics.size(), settings.tolerances);
  return result;
}

Result<std::int32_t> usage_ratio_replica_count(std::int32_t current_replicas, double ratio,
                                               std::span<const PodInfo> pods, const Tolerances& tolerances) {
  if (current_replicas == 0) {
    return detail::ceil_int32(ratio);  // scale from/to zero: no tolerance, no pod count
  }
  if (tolerances.within(ratio)) {
    return current_replicas;
  }
  if (pods.empty()) {
    return CalculationError{std::string("unable to calculate ready pods: ") + kNoPods};
  }
  return detail::ceil_int32(ratio * static_cast<double>(ready_pod_count(pods)));
}

Result<ValueReplicas> object_value_replicas(std::int32_t current_replicas, std::int64_t target_milli,
                                            std::int64_t value_milli, std::span<const PodInfo> pods,
                                            const Tolerances& tolerances) {
  if (target_milli <= 0) {
    return CalculationError{"invalid target value " + std::to_string(target_milli) + "m"};
  }
  const double ratio = static_cast<double>(value_milli) / static_cast<double>(target_milli);
  auto replicas = usage_ratio_replica_count(current_replicas, ratio, pods, tolerances);
  if (auto* error = std::get_if<CalculationError>(&replicas)) {
    return std::move(*error);
  }
  return ValueReplicas{std::get<std::int32_t>(replicas), value_milli};
}

Result<ValueReplicas> object_average_value_replicas(std::int32_t status_replicas, std::int64_t target_milli,
                                                    std::int64_t value_milli, const Tolerances& tolerances) {
  if (target_milli <= 0) {
    return CalculationError{"invalid target average value " + std::to_string(target_milli) + "m"};
  }
  return ValueReplicas{per_pod_replicas(status_replicas, target_milli, value_milli, tolerances),
                       per_pod_usage(status_replicas, value_milli)};
}

Result<ValueReplicas> external_value_replicas(std::int32_t current_replicas, std::int64_t target_milli,
                                              std::span<const std::int64_t> samples_milli,
                                              std::span<const PodInfo> pods, const Tolerances& tolerances) {
  return object_value_replicas(current_replicas, target_milli, capped_sum(samples_milli), pods, tolerances);
}

Result<ValueReplicas> external_average_value_replicas(std::int32_t status_replicas, std::int64_t target_milli,
                                                      std::span<const std::int64_t> samples_milli,
                                                      const Tolerances& tolerances) {
  if (target_milli <= 0) {
    return CalculationError{"invalid target average value " + std::to_string(target_milli) + "m"};
  }
  const std::int64_t usage = capped_sum(samples_milli);
  ValueReplicas result{per_pod_replicas(status_replicas, target_milli, usage, tolerances), 0};
  // Upstream: a usage whose float64 is 2^63 or more (the capped sum) is reported as MaxInt64.
  result.usage_milli =
      static_cast<double>(usage) >= 9223372036854775808.0 ? kMaxInt64 : per_pod_usage(status_replicas, usage);
  return result;
}

}  // namespace hpad::policies
