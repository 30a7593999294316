// Internal: see metric_evaluation.h. The samples of a query become the replica calculator's
// inputs here (per-pod samples for Resource/ContainerResource/Pods, one value for Object, a sum
// for External); HPA's function for the metric and target type then gives the proposal.
// Error texts follow computeStatusFor*Metric ("failed to get cpu utilization: …").
// Per-pod samples go straight from the series to MatchedSamples (a vector aligned with the pod
// list) through the PodIndex that decide() builds once for all metrics: no map by pod name, no
// copy of a name. Work per metric: O(samples + pods) expected, plus O(s log s) for the s series
// of pods not in the list; allocations: the MatchedSamples vector (and one for those series).
#include "metric_evaluation.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "saturating.h"

namespace hpad::policies::detail {
namespace {

std::string format_value(double value) {
  if (std::isnan(value)) {
    return "NaN";
  }
  if (std::isinf(value)) {
    return value > 0 ? "+Inf" : "-Inf";
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

std::string format_labels(const std::map<std::string, std::string>& labels) {
  std::string out = "{";
  for (const auto& [name, value] : labels) {
    if (out.size() > 1) {
      out += ", ";
    }
    out += name + "=\"" + value + "\"";
  }
  return out + "}";
}

std::string bad_value(const Sample& sample) {
  return "series " + format_labels(sample.labels) + " has value " + format_value(sample.value) +
         " (must be a finite number >= 0)";
}

double base_units(std::int64_t milli) {
  return static_cast<double>(milli) / 1000.0;
}

// What HPA writes in the ScalingActive=False condition when a metric of this type fails.
std::string failure_reason(MetricSourceType type) {
  switch (type) {
    case MetricSourceType::kResource:
      return "FailedGetResourceMetric";
    case MetricSourceType::kContainerResource:
      return "FailedGetContainerResourceMetric";
    case MetricSourceType::kPods:
      return "FailedGetPodsMetric";
    case MetricSourceType::kObject:
      return "FailedGetObjectMetric";
    case MetricSourceType::kExternal:
      return "FailedGetExternalMetric";
  }
  return "InvalidMetricSourceType";
}

std::string describe(const MetricSpec& spec) {
  const bool utilization = spec.target.type == MetricTargetType::kUtilization;
  switch (spec.type) {
    case MetricSourceType::kResource:
      return spec.resource + (utilization ? " resource utilization (percentage of request)" : " resource");
    case MetricSourceType::kContainerResource:
      return spec.resource +
             (utilization ? " container resource utilization (percentage of request)" : " container resource");
    case MetricSourceType::kPods:
      return "pods metric " + spec.name;
    case MetricSourceType::kObject:
      return "object metric " + spec.name;
    case MetricSourceType::kExternal:
      return "external metric " + spec.name;
  }
  return spec.name;
}

// The prefix HPA puts before the calculator's error for this metric.
std::string error_prefix(const MetricSpec& spec) {
  switch (spec.type) {
    case MetricSourceType::kResource:
    case MetricSourceType::kContainerResource:
      return "failed to get " + spec.resource +
             (spec.target.type == MetricTargetType::kUtilization ? " utilization: " : " usage: ");
    case MetricSourceType::kPods:
      return "failed to get pods metric value: ";
    case MetricSourceType::kObject:
      return "failed to get object metric value: ";
    case MetricSourceType::kExternal:
      return "failed to get external metric value: ";
  }
  return "";
}

// The value of the label `key`, or null. A series has a handful of labels: the scan compares
// them with `key` in place, where find() on the (non-transparent) map would build a std::string.
const std::string* label(const Sample& sample, std::string_view key) {
  for (const auto& [name, value] : sample.labels) {
    if (name == key) {
      return &value;
    }
  }
  return nullptr;
}

// Several series of one pod (one per container) make one pod sample, as the metrics API reports
// it: values summed, the newest timestamp stands for the pod, the first series' window stays.
void add_series(std::optional<PodSample>& pod_sample, const PodSample& series) {
  if (!pod_sample) {
    pod_sample = series;
    return;
  }
  pod_sample->milli_value = saturating_add(pod_sample->milli_value, series.milli_value);
  pod_sample->timestamp = std::max(pod_sample->timestamp, series.timestamp);
}

// The series of pods not in the pod list, one sample per pod name (see add_series). A stable
// sort keeps each name's series in query order, so the first series' window stays as for pods.
std::vector<PodSample> merge_by_pod(std::vector<std::pair<std::string_view, PodSample>> series) {
  std::stable_sort(series.begin(), series.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<PodSample> merged;
  std::optional<PodSample> current;
  for (std::size_t i = 0; i < series.size(); ++i) {
    add_series(current, series[i].second);
    if (i + 1 == series.size() || series[i + 1].first != series[i].first) {
      merged.push_back(*current);
      current.reset();
    }
  }
  return merged;
}

// Per-pod samples: a `container` label is summed per pod (ContainerResource keeps only its
// container's series; series without the label are taken as already that container's).
Result<MatchedSamples> per_pod_samples(const MetricSpec& spec, const Observation& observation, const PodIndex& pods,
                                       Time now) {
  MatchedSamples samples;
  samples.by_pod.resize(pods.pod_count());
  std::vector<std::pair<std::string_view, PodSample>> strays;  // series of pods not in the list
  std::size_t kept = 0;
  std::size_t hint = 0;  // the pod after the previous match: see PodIndex::find
  for (const Sample& sample : observation.samples) {
    if (spec.type == MetricSourceType::kContainerResource) {
      const std::string* container = label(sample, "container");
      if (container != nullptr && *container != spec.container) {
        continue;
      }
    }
    const std::string* pod = label(sample, "pod");
    if (pod == nullptr) {
      return CalculationError{"series " + format_labels(sample.labels) + " has no \"pod\" label"};
    }
    const std::optional<std::int64_t> milli = to_milli(sample.value);
    if (!milli) {
      return CalculationError{bad_value(sample)};
    }
    ++kept;
    const PodSample series{*milli, sample.timestamp.value_or(now), sample.window.value_or(60 * kSecond)};
    if (const std::optional<std::size_t> pos = pods.find(*pod, hint)) {
      add_series(samples.by_pod[*pos], series);
      hint = *pos + 1;
    } else {
      strays.emplace_back(*pod, series);
    }
  }
  if (kept == 0) {
    return CalculationError{spec.type == MetricSourceType::kContainerResource
                                ? "no series for container \"" + spec.container + "\" in the query result"
                                : "the query returned no series"};
  }
  if (!strays.empty()) {
    samples.unmatched = merge_by_pod(std::move(strays));
  }
  return samples;
}

Result<std::vector<std::int64_t>> all_samples_milli(const Observation& observation) {
  std::vector<std::int64_t> values;
  values.reserve(observation.samples.size());
  for (const Sample& sample : observation.samples) {
    const std::optional<std::int64_t> milli = to_milli(sample.value);
    if (!milli) {
      return CalculationError{bad_value(sample)};
    }
    values.push_back(*milli);
  }
  if (values.empty()) {
    return CalculationError{"the query returned no series"};
  }
  return values;
}

struct Proposal {
  std::int32_t replicas = 0;
  double value = 0;
  std::optional<std::int32_t> utilization;
  double activation_subject = 0;
};

Result<Proposal> pod_metric_proposal(const MetricSpec& spec, const Observation& observation, const DecisionInput& input,
                                     const PodIndex& pods, const CalculatorSettings& settings) {
  Result<MatchedSamples> samples = per_pod_samples(spec, observation, pods, input.now);
  if (const auto* error = std::get_if<CalculationError>(&samples)) {
    return *error;
  }
  const MatchedSamples& by_pod = std::get<MatchedSamples>(samples);
  const std::int32_t current = input.scale.spec_replicas;
  if (spec.target.type == MetricTargetType::kUtilization) {
    const std::optional<std::string> container =
        spec.type == MetricSourceType::kContainerResource ? std::optional<std::string>(spec.container) : std::nullopt;
    auto result = resource_utilization_replicas(current, spec.target.average_utilization.value_or(0), spec.resource,
                                                container, input.pods, by_pod, settings, input.now);
    if (const auto* error = std::get_if<CalculationError>(&result)) {
      return *error;
    }
    const auto& r = std::get<ResourceUtilizationReplicas>(result);
    return Proposal{r.replicas, base_units(r.raw_average_milli), r.utilization_percent,
                    static_cast<double>(r.utilization_percent)};
  }
  const std::int64_t target = spec.target.average_value ? spec.target.average_value->milli_value() : 0;
  const std::string_view resource = spec.type == MetricSourceType::kPods ? std::string_view{} : spec.resource;
  auto result = plain_metric_replicas(current, target, resource, input.pods, by_pod, settings, input.now);
  if (const auto* error = std::get_if<CalculationError>(&result)) {
    return *error;
  }
  const auto& r = std::get<PlainMetricReplicas>(result);
  return Proposal{r.replicas, base_units(r.usage_milli), std::nullopt, base_units(r.usage_milli)};
}

Result<Proposal> object_or_external_proposal(const MetricSpec& spec, const Observation& observation,
                                             const DecisionInput& input, const Tolerances& tolerances) {
  Result<std::vector<std::int64_t>> values = all_samples_milli(observation);
  if (const auto* error = std::get_if<CalculationError>(&values)) {
    return *error;
  }
  std::vector<std::int64_t> milli = std::get<std::vector<std::int64_t>>(std::move(values));
  if (spec.type == MetricSourceType::kObject) {
    milli.resize(1);  // one object: the first series is used
  }
  std::int64_t raw = 0;
  for (const std::int64_t v : milli) {
    raw = saturating_add(raw, v);
  }
  const bool value_target = spec.target.type == MetricTargetType::kValue;
  const std::optional<Quantity>& target_quantity = value_target ? spec.target.value : spec.target.average_value;
  const std::int64_t target = target_quantity ? target_quantity->milli_value() : 0;
  const std::int32_t current = input.scale.spec_replicas;
  const std::int32_t status = input.scale.status_replicas;
  Result<ValueReplicas> result =
      spec.type == MetricSourceType::kObject
          ? (value_target ? object_value_replicas(current, target, raw, input.pods, tolerances)
                          : object_average_value_replicas(status, target, raw, tolerances))
          : (value_target ? external_value_replicas(current, target, milli, input.pods, tolerances)
                          : external_average_value_replicas(status, target, milli, tolerances));
  if (const auto* error = std::get_if<CalculationError>(&result)) {
    return *error;
  }
  const auto& r = std::get<ValueReplicas>(result);
  return Proposal{r.replicas, base_units(r.usage_milli), std::nullopt, base_units(raw)};
}

}  // namespace

std::optional<std::int64_t> to_milli(double value) {
  if (!std::isfinite(value) || value < 0) {
    return std::nullopt;
  }
  // Fast path, exact: below 2^42 the rounded product `scaled` is within half an ulp (<= 2^-12)
  // of the exact value × 1000, so when its fraction is more than 2^-10 from one half, both round
  // to the same integer. Near a half (a tie or almost), to_milli_units decides exactly. Every
  // series goes through here; the exact conversion alone was ~10% of a decision.
  const double scaled = value * 1000.0;
  if (scaled < 0x1p42) {
    const double whole = std::floor(scaled);
    const double fraction = scaled - whole;  // exact: scaled < 2^52
    if (std::fabs(fraction - 0.5) > 0x1p-10) {
      return static_cast<std::int64_t>(whole) + (fraction > 0.5 ? 1 : 0);
    }
  }
  return to_milli_units(value);
}

Tolerances tolerances_for(const Policy& policy, const ControllerSettings& controller) {
  Tolerances tolerances{controller.tolerance, controller.tolerance};
  if (policy.behavior) {
    const auto& down = policy.behavior->scale_down.tolerance;
    const auto& up = policy.behavior->scale_up.tolerance;
    tolerances.scale_down = down ? down->approximate() : controller.tolerance;
    tolerances.scale_up = up ? up->approximate() : controller.tolerance;
  }
  return tolerances;
}

MetricEvaluation evaluate_metric(const MetricSpec& spec, const Observation* observation, const DecisionInput& input,
                                 const PodIndex& pods) {
  MetricEvaluation evaluation;
  evaluation.description = describe(spec);
  MetricOutcome& outcome = evaluation.outcome;
  outcome.name = spec.name;
  outcome.type = spec.type;
  const auto fail = [&](const std::string& error) {
    outcome.valid = false;
    outcome.error = error_prefix(spec) + error;
    outcome.reason = failure_reason(spec.type);
    return evaluation;
  };
  if (observation == nullptr) {
    return fail("no observation of this metric in the input");
  }
  if (observation->error) {
    return fail(*observation->error);
  }
  const CalculatorSettings settings{tolerances_for(input.policy, input.controller),
                                    input.controller.cpu_initialization_period,
                                    input.controller.initial_readiness_delay};
  const bool per_pod = spec.type == MetricSourceType::kResource || spec.type == MetricSourceType::kContainerResource ||
                       spec.type == MetricSourceType::kPods;
  Result<Proposal> proposal = per_pod ? pod_metric_proposal(spec, *observation, input, pods, settings)
                                      : object_or_external_proposal(spec, *observation, input, settings.tolerances);
  if (const auto* error = std::get_if<CalculationError>(&proposal)) {
    return fail(error->message);
  }
  const Proposal& p = std::get<Proposal>(proposal);
  outcome.valid = true;
  outcome.replicas = p.replicas;
  outcome.value = p.value;
  outcome.average_utilization = p.utilization;
  evaluation.activation_subject = p.activation_subject;
  outcome.active = p.activation_subject > spec.activation_value.approximate();
  return evaluation;
}

}  // namespace hpad::policies::detail
