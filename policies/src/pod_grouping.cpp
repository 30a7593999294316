// The pod side of the HPA replica calculator: samples matched to pods (match_samples), which
// pods count (upstream groupPods), what they request (calculateRequests) and how many are ready
// (getReadyPodsCount). Pure functions over values; thread-safe.
// Invariant: every per-pod result is a vector aligned with the pod list (index i = pods[i]).
// Work: O(pods × containers) and one allocation per call; match_samples O(pods + samples).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "hpad/policies/replica_calculator.h"
#include "pod_index.h"
#include "saturating.h"

namespace hpad::policies {
namespace {

// §5.2 rule 4, only for cpu: a pod whose first samples may still show its start-up burst, or
// that has never been ready, is unready.
bool cpu_unready(const PodInfo& pod, const PodSample& sample, const CalculatorSettings& settings, Time now) {
  if (!pod.ready.has_value() || !pod.start_time.has_value()) {
    return true;
  }
  const Time start = *pod.start_time;
  const bool not_ready = *pod.ready == ConditionStatus::kFalse;  // Unknown is not False
  if (start + settings.cpu_initialization_period > now) {
    // Still initializing: unready unless Ready and a full metric window has passed since the
    // last readiness transition.
    return not_ready || sample.timestamp < pod.ready_last_transition + sample.window;
  }
  // Initialized: unready only if not Ready and it has never been ready since it started.
  return not_ready && start + settings.initial_readiness_delay > pod.ready_last_transition;
}

std::string missing_request_message(std::string_view resource, const ContainerRequests& c, const PodInfo& pod) {
  return "missing request for " + std::string(resource) + " in container " + c.name + " of Pod " + pod.name;
}

Result<std::int64_t> requests_of(const PodInfo& pod, std::string_view resource,
                                 const std::optional<std::string>& container) {
  const bool one_container = container.has_value() && !container->empty();
  std::int64_t total = 0;
  // Regular containers first, then the restartable init containers (sidecars), as upstream.
  for (const auto* list : {&pod.containers, &pod.restartable_init_containers}) {
    for (const ContainerRequests& c : *list) {
      if (one_container && c.name != *container) {
        continue;
      }
      const auto request = c.requests_milli.find(resource);
      if (request == c.requests_milli.end()) {
        return CalculationError{missing_request_message(resource, c, pod)};
      }
      total = detail::saturating_add(total, request->second);
      if (one_container) {
        return total;  // container names are unique within a pod
      }
    }
  }
  if (one_container) {
    return CalculationError{"container " + *container + " not found in Pod " + pod.name};
  }
  return total;
}

}  // namespace

bool Tolerances::within(double ratio) const {
  return (1.0 - scale_down) <= ratio && ratio <= (1.0 + scale_up);
}

MatchedSamples match_samples(std::span<const PodInfo> pods, const PodSamples& samples) {
  const detail::PodIndex index(pods);
  MatchedSamples matched;
  matched.by_pod.resize(pods.size());
  for (const auto& [name, sample] : samples) {
    if (const std::optional<std::size_t> pos = index.find(name)) {
      matched.by_pod[*pos] = sample;
    } else {
      matched.unmatched.push_back(sample);
    }
  }
  return matched;
}

PodGroups group_pods(std::span<const PodInfo> pods, const MatchedSamples& samples, std::string_view resource,
                     const CalculatorSettings& settings, Time now) {
  PodGroups groups;
  groups.of_pod.reserve(pods.size());
  const bool cpu = resource == kCpu;
  for (std::size_t i = 0; i < pods.size(); ++i) {
    const PodInfo& pod = pods[i];
    const PodSample* sample = i < samples.by_pod.size() && samples.by_pod[i] ? &*samples.by_pod[i] : nullptr;
    PodGroup group = PodGroup::kReady;
    if (pod.deleting || pod.phase == PodPhase::kFailed) {
      group = PodGroup::kIgnored;
    } else if (pod.phase == PodPhase::kPending) {
      group = PodGroup::kUnready;
    } else if (sample == nullptr) {
      group = PodGroup::kMissing;
    } else if (cpu && cpu_unready(pod, *sample, settings, now)) {
      group = PodGroup::kUnready;
    }
    groups.of_pod.push_back(group);
    groups.ready_count += group == PodGroup::kReady ? 1 : 0;
    groups.unready_count += group == PodGroup::kUnready ? 1 : 0;
    groups.missing_count += group == PodGroup::kMissing ? 1 : 0;
  }
  return groups;
}

Result<PodRequests> pod_requests(std::span<const PodInfo> pods, std::string_view resource,
                                 const std::optional<std::string>& container) {
  PodRequests requests;
  requests.reserve(pods.size());
  for (const PodInfo& pod : pods) {
    auto request = requests_of(pod, resource, container);
    if (auto* error = std::get_if<CalculationError>(&request)) {
      return std::move(*error);
    }
    requests.push_back(std::get<std::int64_t>(request));
  }
  return requests;
}

std::int64_t ready_pod_count(std::span<const PodInfo> pods) {
  std::int64_t ready = 0;
  for (const PodInfo& pod : pods) {
    if (pod.phase == PodPhase::kRunning && pod.ready == ConditionStatus::kTrue) {
      ++ready;
    }
  }
  return ready;
}

}  // namespace hpad::policies
