// Internal: see metric_evaluation.h. The samples of a query become the replica calculator's
// inputs here (per-pod samples for Resource/ContainerResource/Pods, one value for Object, a sum
// for External); HPA's function for the metric and target type then gives the proposal.
// Error texts follow computeStatusFor*Metric ("failed to get cpu utilization: …").
#include "metric_evaluation.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <span>
#include <string>
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

// Per-pod samples: a `container` label is summed per pod (ContainerResource keeps only its
// container's series; series without the label are taken as already that container's).
Result<PodSamples> per_pod_samples(const MetricSpec& spec, const Observation& observation, Time now) {
  PodSamples samples;
  for (const Sample& sample : observation.samples) {
    if (spec.type == MetricSourceType::kContainerResource) {
      const auto container = sample.labels.find("container");
      if (container != sample.labels.end() && container->second != spec.container) {
        continue;
      }
    }
    const auto pod = sample.labels.find("pod");
    if (pod == sample.labels.end()) {
      return CalculationError{"series " + format_labels(sample.labels) + " has no \"pod\" label"};
    }
    const std::optional<std::int64_t> milli = to_milli(sample.value);
    if (!milli) {
      return CalculationError{bad_value(sample)};
    }
    const Time timestamp = sample.timestamp.value_or(now);
    const Duration window = sample.window.value_or(60 * kSecond);
    auto [it, inserted] = samples.try_emplace(pod->second, PodSample{*milli, timestamp, window});
    if (!inserted) {
      // Several containers of one pod: one pod sample, as the metrics API reports it; the newest
      // timestamp stands for the pod.
      it->second.milli_value = saturating_add(it->second.milli_value, *milli);
      it->second.timestamp = std::max(it->second.timestamp, timestamp);
    }
  }
  if (samples.empty()) {
    return CalculationError{spec.type == MetricSourceType::kContainerResource
                                ? "no series for container \"" + spec.container + "\" in the query result"
                                : "the query returned no series"};
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
                                     const CalculatorSettings& settings) {
  Result<PodSamples> samples = per_pod_samples(spec, observation, input.now);
  if (const auto* error = std::get_if<CalculationError>(&samples)) {
    return *error;
  }
  const PodSamples& by_pod = std::get<PodSamples>(samples);
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
  return to_milli_units(value);
}

Tolerances tolerances_for(const Policy& policy, const ControllerSettings& controller) {
  Tolerances tolerances{controller.tolerance, controller.tolerance};
  if (policy.behavior) {
    tolerances.scale_down = policy.behavior->scale_down.tolerance.value_or(controller.tolerance);
    tolerances.scale_up = policy.behavior->scale_up.tolerance.value_or(controller.tolerance);
  }
  return tolerances;
}

MetricEvaluation evaluate_metric(const MetricSpec& spec, const Observation* observation, const DecisionInput& input) {
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
  Result<Proposal> proposal = per_pod ? pod_metric_proposal(spec, *observation, input, settings)
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
