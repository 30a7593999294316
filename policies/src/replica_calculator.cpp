// The ratio side of the HPA replica calculator: upstream metrics/utilization.go
// (GetResourceUtilizationRatio, GetMetricUsageRatio) and replica_calculator.go's
// GetResourceReplicas, calcPlainMetricReplicas, getUsageRatioReplicaCount and the Object /
// External variants. Pure; thread-safe. Work: O(pods + samples) per call, two allocations
// (groups, requests) on the utilization path and one on the plain path.
//
// Invariant of the two pod-based paths (§5.5): the reported usage is always the first-pass
// value; missing and unready pods are filled in only to decide whether the move survives.
// Upstream copies the sample map and writes the filled-in values into the copy; here both passes
// are SampleTotals: the first over the ready pods (and, on the plain path, the unmatched
// samples), the second the first plus the filled-in pods. The second pass's pod count is, as
// upstream's len(metrics), every sample of the first pass (unmatched ones included) plus the
// filled-in pods.
#include <algorithm>
#include <cmath>
#include <cstddef>
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

// The samples that take part in the first pass (upstream's metrics after removing ignored and
// unready pods): those of ready pods, and those of pods the selector did not return.
std::int64_t usable_count(const PodGroups& groups, const MatchedSamples& samples) {
  return groups.ready_count + static_cast<std::int64_t>(samples.unmatched.size());
}

// §5.5, first pass: with no unready pod to count (the ratio does not scale up) and no missing
// pod to fill in, the ready pods decide alone. nullopt: the second pass is needed.
std::optional<std::int32_t> ready_pods_replicas(std::int32_t current, double ratio, const PodGroups& groups,
                                                const Tolerances& tolerances) {
  if ((groups.unready_count > 0 && ratio > 1.0) || groups.missing_count > 0) {
    return std::nullopt;
  }
  return tolerances.within(ratio) ? current : detail::ceil_int32(ratio * static_cast<double>(groups.ready_count));
}

// §5.5, between the passes: on a scale-down a missing pod i adds scale_down_fill(i), on a
// scale-up 0 (at ratio 1 missing pods stay out); unready pods add 0, only on a scale-up.
// `request(i)` is what pod i adds to the requests total (0 on the plain path).
template <class Fill, class Request>
SampleTotals fill_in_for_second_pass(SampleTotals totals, const PodGroups& groups, double ratio, Fill&& scale_down_fill,
                                     Request&& request) {
  for (std::size_t i = 0; i < groups.of_pod.size(); ++i) {
    const PodGroup group = groups.of_pod[i];
    if (ratio < 1.0 && group == PodGroup::kMissing) {
      totals.add(scale_down_fill(i), request(i));
    } else if (ratio > 1.0 && (group == PodGroup::kMissing || group == PodGroup::kUnready)) {
      totals.add(0, request(i));
    }
  }
  return totals;
}

// The filled-in pods of fill_in_for_second_pass, counted.
std::int64_t filled_count(const PodGroups& groups, double ratio) {
  if (ratio < 1.0) {
    return groups.missing_count;
  }
  return ratio > 1.0 ? groups.missing_count + groups.unready_count : 0;
}

// The checks after missing and unready pods were filled in: no move inside the tolerances, and
// none that would reverse the direction the first pass pointed to, either by the new ratio or
// by the ceil over the augmented pod count (DuringRollingUpdateWithMaxSurge).
std::int32_t second_pass_replicas(std::int32_t current, double ratio, double new_ratio, std::int64_t pod_count,
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

void SampleTotals::add(std::int64_t milli, std::int64_t request_milli) {
  metrics = detail::saturating_add(metrics, milli);
  requests = detail::saturating_add(requests, request_milli);
  ++entries;
}

Result<UtilizationRatio> resource_utilization_ratio(const SampleTotals& totals, std::int32_t target_percent) {
  if (target_percent <= 0) {
    return CalculationError{"invalid target utilization " + std::to_string(target_percent)};
  }
  if (totals.requests == 0 || totals.entries == 0) {  // add() makes requests != 0 imply entries > 0
    return CalculationError{"no metrics returned matched known pods"};
  }
  UtilizationRatio result;
  const std::int64_t percent = detail::saturating_div(detail::saturating_mul(totals.metrics, 100), totals.requests);
  // Go's int32() would wrap a percent beyond int32 (only reachable with saturated sums); we clamp.
  result.utilization_percent = static_cast<std::int32_t>(std::clamp<std::int64_t>(
      percent, std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max()));
  result.ratio = static_cast<double>(result.utilization_percent) / static_cast<double>(target_percent);
  result.raw_average_milli = totals.metrics / totals.entries;
  return result;
}

Result<UsageRatio> metric_usage_ratio(const SampleTotals& totals, std::int64_t target_milli) {
  if (target_milli <= 0) {
    return CalculationError{"invalid target value " + std::to_string(target_milli) + "m"};
  }
  if (totals.entries == 0) {
    return CalculationError{kNoMetrics};
  }
  UsageRatio result;
  result.usage_milli = totals.metrics / totals.entries;
  result.ratio = static_cast<double>(result.usage_milli) / static_cast<double>(target_milli);
  return result;
}

Result<ResourceUtilizationReplicas> resource_utilization_replicas(
    std::int32_t current_replicas, std::int32_t target_utilization_percent, std::string_view resource,
    const std::optional<std::string>& container, std::span<const PodInfo> pods, const MatchedSamples& samples,
    const CalculatorSettings& settings, Time now) {
  if (target_utilization_percent <= 0) {
    return CalculationError{"invalid target utilization " + std::to_string(target_utilization_percent)};
  }
  if (pods.empty()) {
    return CalculationError{kNoPods};
  }
  const PodGroups groups = group_pods(pods, samples, resource, settings, now);
  if (usable_count(groups, samples) == 0) {
    return CalculationError{kNoMetrics};
  }
  auto requests_or = pod_requests(pods, resource, container);
  if (auto* error = std::get_if<CalculationError>(&requests_or)) {
    return std::move(*error);
  }
  const PodRequests& requests = std::get<PodRequests>(requests_or);
  // First pass: the ready pods; unmatched samples have no request, so upstream skips them here.
  SampleTotals totals;
  for (std::size_t i = 0; i < pods.size(); ++i) {
    if (groups.of_pod[i] == PodGroup::kReady) {
      totals.add(samples.by_pod[i]->milli_value, requests[i]);  // ready => has a sample
    }
  }
  auto first_or = resource_utilization_ratio(totals, target_utilization_percent);
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
  const auto request = [&](std::size_t i) { return requests[i]; };
  const auto fill = [&](std::size_t i) { return detail::saturating_mul(requests[i], fallback_percent) / 100; };
  auto second_or = resource_utilization_ratio(fill_in_for_second_pass(totals, groups, ratio, fill, request),
                                              target_utilization_percent);
  if (auto* error = std::get_if<CalculationError>(&second_or)) {
    return std::move(*error);
  }
  const std::int64_t pod_count = usable_count(groups, samples) + filled_count(groups, ratio);
  result.replicas = second_pass_replicas(current_replicas, ratio, std::get<UtilizationRatio>(second_or).ratio,
                                         pod_count, settings.tolerances);
  return result;
}

Result<ResourceUtilizationReplicas> resource_utilization_replicas(
    std::int32_t current_replicas, std::int32_t target_utilization_percent, std::string_view resource,
    const std::optional<std::string>& container, std::span<const PodInfo> pods, const PodSamples& samples,
    const CalculatorSettings& settings, Time now) {
  return resource_utilization_replicas(current_replicas, target_utilization_percent, resource, container, pods,
                                       match_samples(pods, samples), settings, now);
}

Result<PlainMetricReplicas> plain_metric_replicas(std::int32_t current_replicas, std::int64_t target_milli,
                                                  std::string_view resource, std::span<const PodInfo> pods,
                                                  const MatchedSamples& samples, const CalculatorSettings& settings,
                                                  Time now) {
  if (target_milli <= 0) {
    return CalculationError{"invalid target value " + std::to_string(target_milli) + "m"};
  }
  if (pods.empty()) {
    return CalculationError{kNoPods};
  }
  const PodGroups groups = group_pods(pods, samples, resource, settings, now);
  // First pass: the ready pods and the samples of pods the selector did not return.
  SampleTotals totals;
  for (std::size_t i = 0; i < pods.size(); ++i) {
    if (groups.of_pod[i] == PodGroup::kReady) {
      totals.add(samples.by_pod[i]->milli_value);  // ready => has a sample
    }
  }
  for (const PodSample& stray : samples.unmatched) {
    totals.add(stray.milli_value);
  }
  auto first_or = metric_usage_ratio(totals, target_milli);  // errors when no sample was added
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
  const SampleTotals second = fill_in_for_second_pass(
      totals, groups, ratio, [&](std::size_t) { return target_milli; }, [](std::size_t) { return std::int64_t{0}; });
  const double new_ratio = std::get<UsageRatio>(metric_usage_ratio(second, target_milli)).ratio;
  result.replicas = second_pass_replicas(current_replicas, ratio, new_ratio, second.entries, settings.tolerances);
  return result;
}

Result<PlainMetricReplicas> plain_metric_replicas(std::int32_t current_replicas, std::int64_t target_milli,
                                                  std::string_view resource, std::span<const PodInfo> pods,
                                                  const PodSamples& samples, const CalculatorSettings& settings,
                                                  Time now) {
  return plain_metric_replicas(current_replicas, target_milli, resource, pods, match_samples(pods, samples), settings,
                               now);
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
