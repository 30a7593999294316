// The HPA replica calculator (kube-controller-manager's pkg/controller/podautoscaler
// replica_calculator.go and metrics/utilization.go, newest upstream: per-direction Tolerances,
// the max(100, target) missing-pod fill, int32/int64 overflow caps) as pure functions: pods,
// samples, settings and `now` in, a Result out. No I/O, no clock, no globals: thread-safe.
// See ../shared/HPA-ALGORITHM.md §4, §5 and §9 for the rules, in order.
//
// Invariants and arithmetic: all metric values and requests are int64 milli-units; integer
// division wherever upstream divides integers, double wherever it uses float64. Sums and
// products saturate at INT64_MAX/INT64_MIN and every double -> int32/int64 conversion saturates
// (NaN -> 0), where Go would wrap or produce an implementation-defined value: no UB on any input.
// Work bounds: O(pods × containers + samples) time per call and a few allocations (none per pod);
// the PodSamples overloads add O(pods + samples) expected time for the matching.
//
// Pods and samples are matched once, by name, into MatchedSamples (a vector aligned with the pod
// list); grouping, requests and both passes of the ratio are then single passes over arrays
// indexed by pod position, with no per-pod allocation and no comparison of pod names. Pod names are
// unique (the API server guarantees it within a namespace); should a list repeat a name, only the
// first pod of that name gets the samples and the others count as pods without a sample.
// The PodSamples (map by name) overloads are for tests and benchmarks: they match, then call
// the MatchedSamples functions.
//
// Where we differ from upstream, on purpose (each is input upstream's API validation rejects or
// a Go conversion whose result is implementation-defined):
//   - a target <= 0 is a CalculationError ("invalid target"), where upstream divides by zero;
//   - statusReplicas == 0 on the per-pod (AverageValue) paths: see object_average_value_replicas.
// The Ready condition keeps all three statuses (ConditionStatus), read as upstream reads them.
// Not modelled: pod-level requests (KEP-2837, PodLevelResources gate).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hpad/policies/result.h"
#include "hpad/policies/time.h"

namespace hpad::policies {

inline constexpr std::string_view kCpu = "cpu";

enum class PodPhase { kPending, kRunning, kSucceeded, kFailed, kUnknown };

struct ContainerRequests {
  std::string name;
  // resource name -> milli-units; std::less<>: looked up by string_view without a temporary key.
  std::map<std::string, std::int64_t, std::less<>> requests_milli;
};

// What the calculator reads of a Pod.
// A Kubernetes condition status. Upstream reads Ready in two ways: CPU pod grouping treats a
// pod as not ready only when the status is False (Unknown passes), while counting ready pods
// takes only True (podutil.IsPodReady).
enum class ConditionStatus : std::uint8_t { kTrue, kFalse, kUnknown };

struct PodInfo {
  std::string name;
  bool deleting = false;  // metadata.deletionTimestamp is set
  PodPhase phase = PodPhase::kRunning;
  std::optional<Time> start_time;        // status.startTime
  std::optional<ConditionStatus> ready;  // the Ready condition's status; nullopt = no Ready condition
  Time ready_last_transition;            // Ready condition lastTransitionTime (when ready is set)
  std::vector<ContainerRequests> containers;
  std::vector<ContainerRequests> restartable_init_containers;  // initContainers, restartPolicy Always
};

struct PodSample {
  std::int64_t milli_value = 0;
  Time timestamp;
  Duration window = 60 * kSecond;
};
using PodSamples = std::map<std::string, PodSample>;  // by pod name (tests, benchmarks)

// The samples of one metric matched to the pod list: by_pod[i] is pods[i]'s sample (nullopt: the
// pod has none). Samples whose pod name matches no listed pod stay in `unmatched`, one per name:
// upstream keeps them too (the plain-metric average counts them; the utilization ratio skips
// them for want of a request).
// Invariant: by_pod.size() == the pod list's size (a shorter by_pod reads as pods without samples).
struct MatchedSamples {
  std::vector<std::optional<PodSample>> by_pod;
  std::vector<PodSample> unmatched;
};

// Matches samples by pod name to `pods` (see MatchedSamples).
MatchedSamples match_samples(std::span<const PodInfo> pods, const PodSamples& samples);

struct Tolerances {
  double scale_down = 0.1;
  double scale_up = 0.1;
  // (1 - scale_down) <= ratio <= (1 + scale_up), both inclusive; false for NaN.
  bool within(double ratio) const;
};

struct CalculatorSettings {
  Tolerances tolerances;
  Duration cpu_initialization_period = 300 * kSecond;
  Duration initial_readiness_delay = 30 * kSecond;
};

// --- §5.2 grouping --------------------------------------------------------------------------

enum class PodGroup : std::uint8_t {
  kReady,    // has a sample, counts in the first pass
  kUnready,  // Pending, or (cpu only) not ready / still initializing
  kMissing,  // no sample
  kIgnored,  // deleting or Failed
};

struct PodGroups {
  std::vector<PodGroup> of_pod;  // of_pod[i]: pods[i]'s group; same size as the pod list
  std::int64_t ready_count = 0;  // the counts of each group in of_pod
  std::int64_t unready_count = 0;
  std::int64_t missing_count = 0;
};

// Upstream groupPods, rules in upstream's order. `resource` == "cpu" enables the readiness
// rules; any other resource, or "" for Pods metrics, ignores readiness.
PodGroups group_pods(std::span<const PodInfo> pods, const MatchedSamples& samples, std::string_view resource,
                     const CalculatorSettings& settings, Time now);

// --- §5.3 requests --------------------------------------------------------------------------

using PodRequests = std::vector<std::int64_t>;  // [i]: pods[i]'s request, milli-units

// Upstream calculateRequests for every pod: the sum over containers and restartable init
// containers, or only `container` when given. Errors: "missing request for <r> in container
// <c> of Pod <p>", "container <c> not found in Pod <p>".
Result<PodRequests> pod_requests(std::span<const PodInfo> pods, std::string_view resource,
                                 const std::optional<std::string>& container);

// --- §5.4 ratios ----------------------------------------------------------------------------

// What upstream's ratio functions loop over, summed: one add() per sample taking part. Sums
// saturate. (Upstream sums in map order; the samples are >= 0, so the order cannot matter.)
struct SampleTotals {
  std::int64_t metrics = 0;   // metricsTotal
  std::int64_t requests = 0;  // requestsTotal (utilization only)
  std::int64_t entries = 0;   // samples added
  void add(std::int64_t milli, std::int64_t request_milli = 0);
};

struct UtilizationRatio {
  double ratio = 0;
  std::int32_t utilization_percent = 0;  // int32(metricsTotal*100 / requestsTotal), saturated
  std::int64_t raw_average_milli = 0;    // metricsTotal / entries (integer division)
};

// Upstream GetResourceUtilizationRatio over the samples whose pod has a request. Error "no
// metrics returned matched known pods" when requestsTotal == 0; error when target <= 0.
Result<UtilizationRatio> resource_utilization_ratio(const SampleTotals& totals, std::int32_t target_percent);

struct UsageRatio {
  double ratio = 0;
  std::int64_t usage_milli = 0;  // sum / count (integer division)
};

// Upstream GetMetricUsageRatio. Error when no sample was added (upstream never calls it so) or
// target_milli <= 0.
Result<UsageRatio> metric_usage_ratio(const SampleTotals& totals, std::int64_t target_milli);

// --- §5.5 pod-based replica counts ------------------------------------------------------------

struct ResourceUtilizationReplicas {
  std::int32_t replicas = 0;
  std::int32_t utilization_percent = 0;  // first pass, before missing/unready pods are filled in
  std::int64_t raw_average_milli = 0;    // first pass
};

// Upstream GetResourceReplicas (Resource and ContainerResource, Utilization target).
Result<ResourceUtilizationReplicas> resource_utilization_replicas(
    std::int32_t current_replicas, std::int32_t target_utilization_percent, std::string_view resource,
    const std::optional<std::string>& container, std::span<const PodInfo> pods, const MatchedSamples& samples,
    const CalculatorSettings& settings, Time now);
Result<ResourceUtilizationReplicas> resource_utilization_replicas(
    std::int32_t current_replicas, std::int32_t target_utilization_percent, std::string_view resource,
    const std::optional<std::string>& container, std::span<const PodInfo> pods, const PodSamples& samples,
    const CalculatorSettings& settings, Time now);

struct PlainMetricReplicas {
  std::int32_t replicas = 0;
  std::int64_t usage_milli = 0;  // first-pass per-pod average
};

// Upstream calcPlainMetricReplicas: Resource/ContainerResource AverageValue (resource = its
// name; samples already per container) and Pods metrics (resource = ""). Missing pods count as
// exactly the target on a scale-down.
Result<PlainMetricReplicas> plain_metric_replicas(std::int32_t current_replicas, std::int64_t target_milli,
                                                  std::string_view resource, std::span<const PodInfo> pods,
                                                  const MatchedSamples& samples, const CalculatorSettings& settings,
                                                  Time now);
Result<PlainMetricReplicas> plain_metric_replicas(std::int32_t current_replicas, std::int64_t target_milli,
                                                  std::string_view resource, std::span<const PodInfo> pods,
                                                  const PodSamples& samples, const CalculatorSettings& settings,
                                                  Time now);

// --- §4 Object and External -------------------------------------------------------------------

// Pods with phase Running and Ready == true (upstream getReadyPodsCount, without its error).
std::int64_t ready_pod_count(std::span<const PodInfo> pods);

// Upstream getUsageRatioReplicaCount. current != 0: current when within the tolerances, else
// ceil(ratio * ready_pod_count(pods)) capped at MaxInt32; error "unable to calculate ready
// pods: no pods returned by selector while calculating replica count" when that count is
// needed and `pods` is empty. current == 0: ceil(ratio), no tolerance, no pods needed.
Result<std::int32_t> usage_ratio_replica_count(std::int32_t current_replicas, double ratio,
                                               std::span<const PodInfo> pods, const Tolerances& tolerances);

struct ValueReplicas {
  std::int32_t replicas = 0;
  std::int64_t usage_milli = 0;  // what HPA writes to status: value, sum, or per-pod average
};

// Object metric, Value target: ratio = value / target.
Result<ValueReplicas> object_value_replicas(std::int32_t current_replicas, std::int64_t target_milli,
                                            std::int64_t value_milli, std::span<const PodInfo> pods,
                                            const Tolerances& tolerances);

// Object metric, AverageValue target (upstream GetObjectPerPodMetricReplicas): replicas =
// status_replicas unless value / (target * status_replicas) is outside the tolerances, then
// ceil(value / target) (saturated at MaxInt32); usage = ceil(value / status_replicas).
// status_replicas == 0 is unguarded upstream: the ratio is +Inf (or NaN for value 0), never
// within the tolerances, so replicas = ceil(value / target) — we do the same — and the reported
// usage is int64(±Inf or NaN), implementation-defined in Go. We report the whole value, as if
// there were one replica (no division by zero).
Result<ValueReplicas> object_average_value_replicas(std::int32_t status_replicas, std::int64_t target_milli,
                                                    std::int64_t value_milli, const Tolerances& tolerances);

// External metric, Value target: usage = sum of samples (capped at MaxInt64 as upstream),
// then as object_value_replicas.
Result<ValueReplicas> external_value_replicas(std::int32_t current_replicas, std::int64_t target_milli,
                                              std::span<const std::int64_t> samples_milli,
                                              std::span<const PodInfo> pods, const Tolerances& tolerances);

// External metric, AverageValue target (upstream GetExternalPerPodMetricReplicas): as
// object_average_value_replicas on the capped sum; a sum at MaxInt64 is reported as MaxInt64.
// status_replicas == 0: as object_average_value_replicas.
Result<ValueReplicas> external_average_value_replicas(std::int32_t status_replicas, std::int64_t target_milli,
                                                      std::span<const std::int64_t> samples_milli,
                                                      const Tolerances& tolerances);

}  // namespace hpad::policies
