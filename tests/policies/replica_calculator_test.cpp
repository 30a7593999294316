// The HPA replica calculator against upstream's replica_calculator_test.go scenarios (same
// names where upstream has one; our own numbers, worked out beside each expectation) and the
// newest upstream rules from ../shared/HPA-ALGORITHM.md §4, §5, §9. Pods are built relative to
// one fixed `now`; like upstream's test, the cpu initialization period is 2 min and the initial
// readiness delay 10 s, samples are taken at `now` with a 60 s window, and a pod's Ready
// condition last changed when it started unless a case says otherwise.
#include "hpad/policies/replica_calculator.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <ostream>
#include <string>
#include <variant>
#include <vector>

#include "hpad/policies/time.h"

namespace hpad::policies {
namespace {

constexpr std::int32_t kMaxInt32 = std::numeric_limits<std::int32_t>::max();
constexpr std::int64_t kMaxInt64 = std::numeric_limits<std::int64_t>::max();
constexpr Time kNow{1'800'000'000, 500'000'000};

constexpr Time ago(Duration d) {
  return kNow + (-d);
}

CalculatorSettings test_settings(Tolerances tolerances = {}) {
  CalculatorSettings settings;
  settings.tolerances = tolerances;
  settings.cpu_initialization_period = 2 * kMinute;  // upstream test default
  settings.initial_readiness_delay = 10 * kSecond;   // upstream test default
  return settings;
}

template <typename T>
const T& value_of(const Result<T>& result) {
  if (const auto* error = std::get_if<CalculationError>(&result)) {
    ADD_FAILURE() << "unexpected error: " << error->message;
    static const T kEmpty{};
    return kEmpty;
  }
  return std::get<T>(result);
}

template <typename T>
std::string error_of(const Result<T>& result) {
  if (const auto* error = std::get_if<CalculationError>(&result)) {
    return error->message;
  }
  ADD_FAILURE() << "expected an error";
  return "";
}

// --- Pods for the tables -----------------------------------------------------------------------

enum class Readiness { kReady, kNotReady, kUnknown, kNoCondition };

struct TestPod {
  std::optional<std::int64_t> sample = std::nullopt;  // milli-units; nullopt: the pod has no sample (missing)
  Readiness readiness = Readiness::kReady;
  PodPhase phase = PodPhase::kRunning;
  bool hot = false;        // started at `now` (inside the cpu initialization period), else 3 min ago
  bool was_ready = false;  // the Ready condition changed 1 min after start: it was ready once
  bool deleting = false;
  std::int64_t request = 1000;                                      // of container "web"
  std::optional<std::int64_t> sidecar_request = std::nullopt;       // of container "sidecar", when present
  std::optional<std::int64_t> init_sidecar_request = std::nullopt;  // of a restartable init container
};

std::vector<TestPod> repeat(int n, const TestPod& pod) {
  return std::vector<TestPod>(static_cast<std::size_t>(n), pod);
}

struct Fixture {
  std::vector<PodInfo> pods;
  PodSamples samples;
};

Fixture build(const std::vector<TestPod>& test_pods, const std::string& resource) {
  Fixture f;
  for (std::size_t i = 0; i < test_pods.size(); ++i) {
    const TestPod& t = test_pods[i];
    PodInfo pod;
    pod.name = "pod-" + std::to_string(i);
    pod.deleting = t.deleting;
    pod.phase = t.phase;
    const Time start = t.hot ? kNow : ago(3 * kMinute);
    pod.start_time = start;
    if (t.readiness != Readiness::kNoCondition) {
      pod.ready = t.readiness == Readiness::kReady      ? ConditionStatus::kTrue
                  : t.readiness == Readiness::kNotReady ? ConditionStatus::kFalse
                                                        : ConditionStatus::kUnknown;
    }
    pod.ready_last_transition = t.was_ready ? start + kMinute : start;
    pod.containers.push_back({"web", {{resource, t.request}}});
    if (t.sidecar_request) {
      pod.containers.push_back({"sidecar", {{resource, *t.sidecar_request}}});
    }
    if (t.init_sidecar_request) {
      pod.restartable_init_containers.push_back({"proxy", {{resource, *t.init_sidecar_request}}});
    }
    if (t.sample) {
      f.samples[pod.name] = PodSample{*t.sample, kNow, kMinute};
    }
    f.pods.push_back(std::move(pod));
  }
  return f;
}

const TestPod kNotReady{.sample = std::nullopt, .readiness = Readiness::kNotReady};

TestPod with_sample(TestPod pod, std::int64_t sample) {
  pod.sample = sample;
  return pod;
}

// --- Resource / ContainerResource, Utilization target (GetResourceReplicas) ---------------------

struct UtilizationCase {
  const char* name;
  std::int32_t current;
  std::int32_t target_percent;
  std::vector<TestPod> pods;
  std::int32_t expected_replicas;
  std::int32_t expected_utilization;  // first pass, integer percent
  std::int64_t expected_raw_average;  // first pass, milli-units
  Tolerances tolerances = {};
  std::string resource = "cpu";
  std::optional<std::string> container = std::nullopt;
  std::vector<std::pair<std::string, std::int64_t>> extra_samples = {};  // of pods not listed
};

void PrintTo(const UtilizationCase& c, std::ostream* os) {
  *os << c.name;
}

class ResourceUtilization : public ::testing::TestWithParam<UtilizationCase> {};

TEST_P(ResourceUtilization, MatchesUpstream) {
  const UtilizationCase& c = GetParam();
  Fixture f = build(c.pods, c.resource);
  for (const auto& [name, milli] : c.extra_samples) {
    f.samples[name] = PodSample{milli, kNow, kMinute};
  }
  const auto result = resource_utilization_replicas(c.current, c.target_percent, c.resource, c.container, f.pods,
                                                    f.samples, test_settings(c.tolerances), kNow);
  const ResourceUtilizationReplicas& r = value_of(result);
  EXPECT_EQ(r.replicas, c.expected_replicas);
  EXPECT_EQ(r.utilization_percent, c.expected_utilization);
  EXPECT_EQ(r.raw_average_milli, c.expected_raw_average);
}

const TestPod kHot{.sample = std::nullopt, .hot = true};
const TestPod kFailed{.sample = std::nullopt, .readiness = Readiness::kNotReady, .phase = PodPhase::kFailed};
const TestPod kDeleting{.sample = std::nullopt, .deleting = true};
const TestPod kPending{.sample = std::nullopt, .phase = PodPhase::kPending};

// Upstream's ComputedToleranceAlgImplementation pods: 150m each, requests 300m ± jitter, 3000m in all.
const std::vector<TestPod> kJitteredPods = {{.sample = 150, .request = 400}, {.sample = 150, .request = 200},
                                            {.sample = 150, .request = 310}, {.sample = 150, .request = 290},
                                            {.sample = 150, .request = 302}, {.sample = 150, .request = 298},
                                            {.sample = 150, .request = 301}, {.sample = 150, .request = 299},
                                            {.sample = 150, .request = 300}, {.sample = 150, .request = 300}};

INSTANTIATE_TEST_SUITE_P(
    Upstream, ResourceUtilization,
    ::testing::Values(
        UtilizationCase{.name = "ScaleUp",
                        .current = 3,
                        .target_percent = 30,
                        .pods = {{.sample = 300}, {.sample = 500}, {.sample = 700}},
                        .expected_replicas = 5,  // 1500m of 3000m = 50%; 50/30 × 3 ready = 5
                        .expected_utilization = 50,
                        .expected_raw_average = 500},
        UtilizationCase{.name = "ScaleUpUnreadyLessScale",
                        .current = 3,
                        .target_percent = 30,
                        .pods = {with_sample(kNotReady, 300), {.sample = 500}, {.sample = 700}},
                        // ready: 1200/2000 = 60%, ratio 2; the unready pod as 0: 1200/3000 = 40%,
                        // 40/30 × 3 = 4. If unready pods were not ignored, 5.
                        .expected_replicas = 4,
                        .expected_utilization = 60,
                        .expected_raw_average = 600},
        UtilizationCase{.name = "ScaleUpHotCpuLessScale",
                        .current = 3,
                        .target_percent = 30,
                        // pod-0 is Ready but started now: no full 60 s window since it became ready.
                        .pods = {with_sample(kHot, 300), {.sample = 500}, {.sample = 700}},
                        .expected_replicas = 4,  // as ScaleUpUnreadyLessScale; counting the hot pod, 5
                        .expected_utilization = 60,
                        .expected_raw_average = 600},
        UtilizationCase{.name = "ScaleUpUnreadyNoScale",
                        .current = 3,
                        .target_percent = 30,
                        .pods = {{.sample = 400}, with_sample(kNotReady, 500), with_sample(kNotReady, 700)},
                        // ready: 40%, ratio 1.33; unready as 0: 400/3000 = 13%, ratio 0.43 flips the
                        // direction, so no change. If unready pods were not ignored, 6.
                        .expected_replicas = 3,
                        .expected_utilization = 40,
                        .expected_raw_average = 400},
        UtilizationCase{.name = "ScaleUpHotCpuNoScale",
                        .current = 3,
                        .target_percent = 30,
                        .pods = {{.sample = 400}, with_sample(kHot, 500), with_sample(kHot, 700)},
                        .expected_replicas = 3,  // as ScaleUpUnreadyNoScale
                        .expected_utilization = 40,
                        .expected_raw_average = 400},
        UtilizationCase{
            .name = "ScaleUpIgnoresFailedPods",
            .current = 2,
            .target_percent = 30,
            .pods = {{.sample = 500}, {.sample = 700}, with_sample(kFailed, 300), with_sample(kFailed, 300)},
            // failed pods are ignored, not unready: 1200/2000 = 60%, 2 × 2 ready = 4
            .expected_replicas = 4,
            .expected_utilization = 60,
            .expected_raw_average = 600},
        UtilizationCase{
            .name = "ScaleUpIgnoresDeletionPods",
            .current = 2,
            .target_percent = 30,
            .pods = {{.sample = 500}, {.sample = 700}, with_sample(kDeleting, 300), with_sample(kDeleting, 300)},
            .expected_replicas = 4,  // as ScaleUpIgnoresFailedPods
            .expected_utilization = 60,
            .expected_raw_average = 600},
        UtilizationCase{.name = "ScaleDown",
                        .current = 5,
                        .target_percent = 50,
                        .pods = {{.sample = 100}, {.sample = 300}, {.sample = 500}, {.sample = 250}, {.sample = 250}},
                        .expected_replicas = 3,  // 1400/5000 = 28%; 0.56 × 5 = 2.8 -> 3
                        .expected_utilization = 28,
                        .expected_raw_average = 280},
        UtilizationCase{.name = "ScaleDownIncludeUnreadyPodsThatWereReadyOnce",
                        .current = 5,
                        .target_percent = 50,
                        .pods = {{.sample = 100},
                                 {.sample = 300},
                                 {.sample = 500},
                                 {.sample = 250, .readiness = Readiness::kNotReady, .was_ready = true},
                                 {.sample = 250, .readiness = Readiness::kNotReady, .was_ready = true}},
                        // initialized and unready, but ready once after the 10 s delay: they count
                        .expected_replicas = 3,  // as ScaleDown
                        .expected_utilization = 28,
                        .expected_raw_average = 280},
        UtilizationCase{.name = "ScaleDownIncludeUnreadyPodsForMemory",
                        .current = 5,
                        .target_percent = 50,
                        .pods = {{.sample = 100},
                                 {.sample = 300},
                                 {.sample = 500},
                                 with_sample(kNotReady, 250),
                                 with_sample(kNotReady, 250)},
                        .expected_replicas = 3,  // readiness is ignored for memory: as ScaleDown
                        .expected_utilization = 28,
                        .expected_raw_average = 280,
                        .resource = "memory"},
        UtilizationCase{.name = "ScaleDownExcludeUnreadyPods",
                        .current = 5,
                        .target_percent = 50,
                        .pods = {{.sample = 100},
                                 {.sample = 300},
                                 {.sample = 500},
                                 with_sample(kNotReady, 250),
                                 with_sample(kHot, 250)},
                        // never ready / hot: ignored on a scale-down. 900/3000 = 30%, 0.6 × 3 ready
                        // = 1.8 -> 2. If unready pods were counted, 3.
                        .expected_replicas = 2,
                        .expected_utilization = 30,
                        .expected_raw_average = 300},
        UtilizationCase{.name = "ScaleDownIgnoresFailedPods",
                        .current = 5,
                        .target_percent = 50,
                        .pods = {{.sample = 100},
                                 {.sample = 300},
                                 {.sample = 500},
                                 {.sample = 250},
                                 {.sample = 250},
                                 with_sample(kFailed, 1000),
                                 with_sample(kFailed, 1000)},
                        .expected_replicas = 3,  // as ScaleDown; with the failed pods, 3400/7000 -> 5
                        .expected_utilization = 28,
                        .expected_raw_average = 280},
        UtilizationCase{.name = "ScaleDownIgnoresDeletionPods",
                        .current = 5,
                        .target_percent = 50,
                        .pods = {{.sample = 100},
                                 {.sample = 300},
                                 {.sample = 500},
                                 {.sample = 250},
                                 {.sample = 250},
                                 with_sample(kDeleting, 1000),
                                 with_sample(kDeleting, 1000)},
                        .expected_replicas = 3,  // as ScaleDown
                        .expected_utilization = 28,
                        .expected_raw_average = 280},
        UtilizationCase{.name = "Tolerance",
                        .current = 3,
                        .target_percent = 100,
                        .pods = {{.sample = 1010}, {.sample = 1030}, {.sample = 1020}},
                        .expected_replicas = 3,  // 102%: ratio 1.02 is within [0.9, 1.1]
                        .expected_utilization = 102,
                        .expected_raw_average = 1020},
        UtilizationCase{.name = "MissingMetrics",
                        .current = 4,
                        .target_percent = 100,
                        .pods = {{.sample = 400}, {.sample = 95}, {}, {}},
                        // 495/2000 = 24%; on a scale-down the 2 missing pods use 100% of their
                        // request: 2495/4000 = 62%, 0.62 × 4 = 2.48 -> 3
                        .expected_replicas = 3,
                        .expected_utilization = 24,
                        .expected_raw_average = 247},
        UtilizationCase{.name = "MissingMetricsNoChangeEq",
                        .current = 2,
                        .target_percent = 100,
                        .pods = {{.sample = 1000}, {}},
                        .expected_replicas = 2,  // ratio exactly 1: the missing pod is left out
                        .expected_utilization = 100,
                        .expected_raw_average = 1000},
        UtilizationCase{.name = "MissingMetricsNoChangeGt",
                        .current = 2,
                        .target_percent = 100,
                        .pods = {{.sample = 1900}, {}},
                        // 190%; the missing pod as 0: 1900/2000 = 95%, ratio 0.95 flips: no change
                        .expected_replicas = 2,
                        .expected_utilization = 190,
                        .expected_raw_average = 1900},
        UtilizationCase{.name = "MissingMetricsNoChangeLt",
                        .current = 2,
                        .target_percent = 100,
                        .pods = {{.sample = 600}, {}},
                        // 60%; the missing pod at 100%: 1600/2000 = 80%, 0.8 × 2 = 1.6 -> 2
                        .expected_replicas = 2,
                        .expected_utilization = 60,
                        .expected_raw_average = 600},
        UtilizationCase{.name = "MissingMetricsUnreadyChange",
                        .current = 3,
                        .target_percent = 50,
                        .pods = {with_sample(kNotReady, 100), {.sample = 450}, {}},
                        // ready: 45%, ratio 0.9 (within, but a pod is missing); the missing pod at
                        // 100%: 1450/2000 = 72%, ratio 1.44 flips: no change
                        .expected_replicas = 3,
                        .expected_utilization = 45,
                        .expected_raw_average = 450},
        UtilizationCase{.name = "MissingMetricsHotCpuNoChange",
                        .current = 3,
                        .target_percent = 50,
                        .pods = {with_sample(kHot, 100), {.sample = 450}, {}},
                        .expected_replicas = 3,  // as MissingMetricsUnreadyChange
                        .expected_utilization = 45,
                        .expected_raw_average = 450},
        UtilizationCase{.name = "MissingMetricsUnreadyScaleUp",
                        .current = 3,
                        .target_percent = 50,
                        .pods = {with_sample(kNotReady, 100), {.sample = 2000}, {}},
                        // 200%, ratio 4; unready and missing pods as 0: 2000/3000 = 66%, 1.32 × 3 =
                        // 3.96 -> 4. Counting the ready pod only, 4 × 1 = 4 too.
                        .expected_replicas = 4,
                        .expected_utilization = 200,
                        .expected_raw_average = 2000},
        UtilizationCase{.name = "MissingMetricsHotCpuScaleUp",
                        .current = 3,
                        .target_percent = 50,
                        .pods = {{.sample = 100, .readiness = Readiness::kNotReady, .hot = true}, {.sample = 2000}, {}},
                        .expected_replicas = 4,  // as MissingMetricsUnreadyScaleUp
                        .expected_utilization = 200,
                        .expected_raw_average = 2000},
        UtilizationCase{.name = "MissingMetricsUnreadyScaleDown",
                        .current = 4,
                        .target_percent = 50,
                        .pods = {with_sample(kNotReady, 100), {.sample = 100}, {.sample = 100}, {}},
                        // ready: 200/2000 = 10%, ratio 0.2; the unready pod stays out (scale-down),
                        // the missing one at 100%: 1200/3000 = 40%, 0.8 × 3 = 2.4 -> 3
                        .expected_replicas = 3,
                        .expected_utilization = 10,
                        .expected_raw_average = 100},
        UtilizationCase{.name = "MissingMetricsScaleDownTargetOver100",
                        .current = 4,
                        .target_percent = 300,
                        .pods = {{.sample = 200, .readiness = Readiness::kNotReady},
                                 {.sample = 100},
                                 {.sample = 100, .request = 2000},
                                 {.request = 2000}},
                        // ready: 200 × 100 / 3000 = 6%, ratio 0.02; the missing pod at
                        // max(100, 300)% of 2000m = 6000m: 6200 × 100 / 5000 = 124%, 0.413 × 3 = 1.24
                        // -> 2. With the older 100% fill: 2200/5000 = 44%, 0.147 × 3 -> 1.
                        .expected_replicas = 2,
                        .expected_utilization = 6,
                        .expected_raw_average = 100},
        UtilizationCase{.name = "MissingPendingAndMissingPodsNoFlip",
                        .current = 4,
                        .target_percent = 50,
                        .pods = {{.sample = 600}, {.sample = 600}, kPending, {}},
                        // 60%, ratio 1.2; pending and missing pods as 0: 1200/4000 = 30%, ratio 0.6
                        // flips: no change. Counting ready pods only, 1.2 × 2 = 2.4 -> 3.
                        .expected_replicas = 4,
                        .expected_utilization = 60,
                        .expected_raw_average = 600},
        UtilizationCase{.name = "DuringRollingUpdateWithMaxSurge",
                        .current = 2,
                        .target_percent = 50,
                        .pods = {{.sample = 100}, {.sample = 100}, {}},
                        // 10%, ratio 0.2; the surge pod at 100%: 1200/3000 = 40%, 0.8 × 3 = 2.4 -> 3,
                        // a scale-up on a scale-down ratio: keep 2
                        .expected_replicas = 2,
                        .expected_utilization = 10,
                        .expected_raw_average = 100},
        // Upstream's numbers: 10 pods at 150m, requests 300m ± jitter (3000m in all): 50%.
        UtilizationCase{.name = "ComputedToleranceAlgImplementation",
                        .current = 10,
                        .target_percent = 56,  // int32((1 / (2 × 0.9) + 0.01) × 100)
                        .pods = kJitteredPods,
                        .expected_replicas = 9,  // 50/56 = 0.893 < 0.9: 8.93 -> 9
                        .expected_utilization = 50,
                        .expected_raw_average = 150},
        UtilizationCase{.name = "ComputedToleranceAlgImplementationNoScale",
                        .current = 10,
                        .target_percent = 55,  // int32((1 / (2 × 0.9) + 0.004) × 100)
                        .pods = kJitteredPods,
                        .expected_replicas = 10,  // 50/55 = 0.909: within
                        .expected_utilization = 50,
                        .expected_raw_average = 150},
        UtilizationCase{.name = "ToleranceUpperBoundIsInclusive",
                        .current = 10,
                        .target_percent = 50,
                        .pods = repeat(10, {.sample = 370, .request = 666}),
                        // 3700 × 100 / 6660 = 55 (integer); 55/50 = 1.1 exactly: within
                        .expected_replicas = 10,
                        .expected_utilization = 55,
                        .expected_raw_average = 370},
        UtilizationCase{.name = "ToleranceJustAboveUpperBound",
                        .current = 10,
                        .target_percent = 47,
                        .pods = repeat(10, {.sample = 370, .request = 666}),
                        .expected_replicas = 12,  // 55/47 = 1.170 × 10 = 11.7 -> 12
                        .expected_utilization = 55,
                        .expected_raw_average = 370},
        UtilizationCase{.name = "MissingFillUsesTargetAbove100Percent",
                        .current = 3,
                        .target_percent = 200,
                        .pods = {{.sample = 500}, {.sample = 500}, {}},
                        // 50%, ratio 0.25; missing pod at max(100, 200)% = 2000m: 3000/3000 = 100%,
                        // 0.5 × 3 = 1.5 -> 2. With the older 100% fill, 1.
                        .expected_replicas = 2,
                        .expected_utilization = 50,
                        .expected_raw_average = 500},
        UtilizationCase{.name = "ScaleUpToleranceWidened",
                        .current = 3,
                        .target_percent = 100,
                        .pods = repeat(3, {.sample = 1150}),
                        .expected_replicas = 3,  // 1.15 <= 1 + 0.2; with the default 0.1, 4
                        .expected_utilization = 115,
                        .expected_raw_average = 1150,
                        .tolerances = {.scale_down = 0.1, .scale_up = 0.2}},
        UtilizationCase{.name = "ScaleUpToleranceNarrowed",
                        .current = 3,
                        .target_percent = 100,
                        .pods = repeat(3, {.sample = 1050}),
                        .expected_replicas = 4,  // 1.05 > 1 + 0.01: 3.15 -> 4; with the default, 3
                        .expected_utilization = 105,
                        .expected_raw_average = 1050,
                        .tolerances = {.scale_down = 0.1, .scale_up = 0.01}},
        UtilizationCase{.name = "ScaleDownToleranceWidened",
                        .current = 10,
                        .target_percent = 100,
                        .pods = repeat(10, {.sample = 850}),
                        .expected_replicas = 10,  // 0.85 >= 1 - 0.2; with the default, 8.5 -> 9
                        .expected_utilization = 85,
                        .expected_raw_average = 850,
                        .tolerances = {.scale_down = 0.2, .scale_up = 0.1}},
        UtilizationCase{.name = "ScaleDownToleranceNarrowed",
                        .current = 20,
                        .target_percent = 100,
                        .pods = repeat(20, {.sample = 950}),
                        .expected_replicas = 19,  // 0.95 < 1 - 0.01: 19; with the default, 20
                        .expected_utilization = 95,
                        .expected_raw_average = 950,
                        .tolerances = {.scale_down = 0.01, .scale_up = 0.1}},
        UtilizationCase{.name = "ZeroToleranceAtTarget",
                        .current = 3,
                        .target_percent = 100,
                        .pods = repeat(3, {.sample = 1000}),
                        .expected_replicas = 3,  // ratio 1 is within [1, 1]
                        .expected_utilization = 100,
                        .expected_raw_average = 1000,
                        .tolerances = {.scale_down = 0, .scale_up = 0}},
        UtilizationCase{.name = "ContainerResourceScaleUp",
                        .current = 3,
                        .target_percent = 40,
                        .pods = repeat(3, {.sample = 400, .request = 500, .sidecar_request = 500}),
                        // only container web's 500m request: 1200/1500 = 80%, 2 × 3 = 6
                        .expected_replicas = 6,
                        .expected_utilization = 80,
                        .expected_raw_average = 400,
                        .container = "web"},
        UtilizationCase{.name = "ResourceCountsAllContainers",
                        .current = 3,
                        .target_percent = 40,
                        .pods = repeat(3, {.sample = 400, .request = 500, .sidecar_request = 500}),
                        .expected_replicas = 3,  // whole pod: 1200/3000 = 40%, at target
                        .expected_utilization = 40,
                        .expected_raw_average = 400},
        UtilizationCase{.name = "RestartableInitContainersCount",
                        .current = 3,
                        .target_percent = 50,
                        .pods = repeat(3, {.sample = 500, .request = 500, .init_sidecar_request = 500}),
                        .expected_replicas = 3,  // 1500/3000 = 50%; without the sidecar's request, 6
                        .expected_utilization = 50,
                        .expected_raw_average = 500},
        UtilizationCase{.name = "MemoryIgnoresReadiness",
                        .current = 3,
                        .target_percent = 30,
                        .pods = {with_sample(kNotReady, 300), {.sample = 500}, {.sample = 700}},
                        .expected_replicas = 5,  // all three count (for cpu, 4)
                        .expected_utilization = 50,
                        .expected_raw_average = 500,
                        .resource = "memory"},
        UtilizationCase{.name = "SamplesOfUnknownPodsAreSkipped",
                        .current = 3,
                        .target_percent = 30,
                        .pods = {{.sample = 300}, {.sample = 500}, {.sample = 700}},
                        .expected_replicas = 5,  // as ScaleUp: no request known for "gone"
                        .expected_utilization = 50,
                        .expected_raw_average = 500,
                        .extra_samples = {{"gone", 10000}}},
        UtilizationCase{.name = "UtilizationOverflowSaturates",
                        .current = 1,
                        .target_percent = 1,
                        .pods = {{.sample = kMaxInt64 / 4}},
                        // metricsTotal × 100 saturates, the percent caps at MaxInt32, and so do the
                        // replicas (Go would wrap)
                        .expected_replicas = kMaxInt32,
                        .expected_utilization = kMaxInt32,
                        .expected_raw_average = kMaxInt64 / 4}),
    [](const ::testing::TestParamInfo<UtilizationCase>& param_info) { return std::string(param_info.param.name); });

// --- Resource AverageValue and Pods metrics (calcPlainMetricReplicas) -----------------------------

struct PlainCase {
  const char* name;
  std::int32_t current;
  std::int64_t target_milli;
  std::vector<TestPod> pods;
  std::int32_t expected_replicas;
  std::int64_t expected_usage;  // first pass, per pod
  std::string resource = "";    // "" for Pods metrics
  std::vector<std::pair<std::string, std::int64_t>> extra_samples = {};
};

void PrintTo(const PlainCase& c, std::ostream* os) {
  *os << c.name;
}

class PlainMetric : public ::testing::TestWithParam<PlainCase> {};

TEST_P(PlainMetric, MatchesUpstream) {
  const PlainCase& c = GetParam();
  Fixture f = build(c.pods, c.resource.empty() ? "cpu" : c.resource);
  for (const auto& [name, milli] : c.extra_samples) {
    f.samples[name] = PodSample{milli, kNow, kMinute};
  }
  const auto result =
      plain_metric_replicas(c.current, c.target_milli, c.resource, f.pods, f.samples, test_settings(), kNow);
  const PlainMetricReplicas& r = value_of(result);
  EXPECT_EQ(r.replicas, c.expected_replicas);
  EXPECT_EQ(r.usage_milli, c.expected_usage);
}

INSTANTIATE_TEST_SUITE_P(
    Upstream, PlainMetric,
    ::testing::Values(PlainCase{.name = "ScaleUpCM",
                                .current = 3,
                                .target_milli = 15000,
                                .pods = {{.sample = 20000}, {.sample = 10000}, {.sample = 30000}},
                                .expected_replicas = 4,  // average 20000 / 15000 = 1.33 × 3 = 4
                                .expected_usage = 20000},
                      PlainCase{.name = "ScaleUpCMUnreadyHotCpuNoLessScale",
                                .current = 3,
                                .target_milli = 15000,
                                .pods = {{.sample = 50000, .readiness = Readiness::kNotReady, .hot = true},
                                         {.sample = 10000},
                                         {.sample = 30000, .readiness = Readiness::kNotReady, .hot = true}},
                                .expected_replicas = 6,  // Pods metrics ignore readiness: 30000 / 15000 × 3 = 6
                                .expected_usage = 30000},
                      PlainCase{.name = "ScaleUpCMUnreadyHotCpuScaleWouldScaleDown",
                                .current = 3,
                                .target_milli = 15000,
                                .pods = {{.sample = 50000, .readiness = Readiness::kNotReady, .hot = true},
                                         {.sample = 15000},
                                         {.sample = 30000, .readiness = Readiness::kNotReady, .hot = true}},
                                .expected_replicas = 7,  // 95000/3 = 31666; 2.11 × 3 = 6.33 -> 7
                                .expected_usage = 31666},
                      PlainCase{.name = "ToleranceCM",
                                .current = 3,
                                .target_milli = 20000,
                                .pods = {{.sample = 20000}, {.sample = 21000}, {.sample = 21000}},
                                .expected_replicas = 3,  // 62000/3 = 20666, ratio 1.03: within
                                .expected_usage = 20666},
                      PlainCase{.name = "ScaleDownCM",
                                .current = 5,
                                .target_milli = 20000,
                                .pods = repeat(5, {.sample = 12000}),
                                .expected_replicas = 3,  // 0.6 × 5 = 3
                                .expected_usage = 12000},
                      PlainCase{.name = "DuringRollingUpdateWithMaxSurgeCM",
                                .current = 2,
                                .target_milli = 17000,
                                .pods = {{.sample = 10000}, {.sample = 10000}, {}},
                                // 0.588; the surge pod at the target: 37000/3 = 12333, 0.725 × 3 = 2.18 -> 3, a
                                // scale-up on a scale-down ratio: keep 2
                                .expected_replicas = 2,
                                .expected_usage = 10000},
                      PlainCase{.name = "MissingPodUsesExactlyTheTargetOnScaleDown",
                                .current = 3,
                                .target_milli = 1000,
                                .pods = {{.sample = 500}, {.sample = 500}, {}},
                                // 0.5; the missing pod at 1000: 2000/3 = 666, 0.666 × 3 = 2
                                .expected_replicas = 2,
                                .expected_usage = 500},
                      PlainCase{.name = "MissingPodUsesZeroOnScaleUp",
                                .current = 4,
                                .target_milli = 1000,
                                .pods = {{.sample = 1500}, {.sample = 1500}, {}, {}},
                                // 1.5; missing pods as 0: 3000/4 = 750, ratio 0.75 flips: no change
                                .expected_replicas = 4,
                                .expected_usage = 1500},
                      PlainCase{.name = "ResourceAverageValueAppliesCpuReadiness",
                                .current = 3,
                                .target_milli = 500,
                                .pods = {with_sample(kHot, 300), {.sample = 500}, {.sample = 700}},
                                // ready: 600, ratio 1.2; hot pod as 0: 1200/3 = 400, ratio 0.8 flips: no change
                                .expected_replicas = 3,
                                .expected_usage = 600,
                                .resource = "cpu"},
                      PlainCase{.name = "StraySamplesCountInTheAverage",
                                .current = 2,
                                .target_milli = 1000,
                                .pods = {{.sample = 1000}, {.sample = 1000}},
                                // upstream averages every sample it got: 6000/3 = 2000, 2 × 2 ready = 4
                                .expected_replicas = 4,
                                .expected_usage = 2000,
                                .extra_samples = {{"gone", 4000}}},
                      PlainCase{.name = "UsageOverflowSaturates",
                                .current = 1,
                                .target_milli = 1,
                                .pods = {{.sample = kMaxInt64}, {.sample = kMaxInt64}},
                                .expected_replicas = kMaxInt32,  // the sum saturates; ratio × 2 caps at MaxInt32
                                .expected_usage = kMaxInt64 / 2}),
    [](const ::testing::TestParamInfo<PlainCase>& param_info) { return std::string(param_info.param.name); });

// --- Object and External --------------------------------------------------------------------------

enum class ValueKind { kObjectValue, kObjectAverageValue, kExternalValue, kExternalAverageValue };

struct ValueCase {
  const char* name;
  ValueKind kind;
  std::int32_t replicas;  // spec replicas (Value) or status replicas (AverageValue)
  std::int64_t target_milli;
  std::vector<std::int64_t> values;  // Object: the first; External: all, summed
  std::vector<TestPod> pods;         // for the Running+Ready count of Value targets
  std::int32_t expected_replicas;
  std::int64_t expected_usage;
  Tolerances tolerances = {};
};

void PrintTo(const ValueCase& c, std::ostream* os) {
  *os << c.name;
}

class ObjectAndExternal : public ::testing::TestWithParam<ValueCase> {};

TEST_P(ObjectAndExternal, MatchesUpstream) {
  const ValueCase& c = GetParam();
  const Fixture f = build(c.pods, "cpu");
  Result<ValueReplicas> result = CalculationError{"not run"};
  switch (c.kind) {
    case ValueKind::kObjectValue:
      result = object_value_replicas(c.replicas, c.target_milli, c.values.at(0), f.pods, c.tolerances);
      break;
    case ValueKind::kObjectAverageValue:
      result = object_average_value_replicas(c.replicas, c.target_milli, c.values.at(0), c.tolerances);
      break;
    case ValueKind::kExternalValue:
      result = external_value_replicas(c.replicas, c.target_milli, c.values, f.pods, c.tolerances);
      break;
    case ValueKind::kExternalAverageValue:
      result = external_average_value_replicas(c.replicas, c.target_milli, c.values, c.tolerances);
      break;
  }
  const ValueReplicas& r = value_of(result);
  EXPECT_EQ(r.replicas, c.expected_replicas);
  EXPECT_EQ(r.usage_milli, c.expected_usage);
}

const std::vector<TestPod> kThreeReady = repeat(3, {});
const std::vector<TestPod> kOneOfThreeReady = {kNotReady, {}, kNotReady};

INSTANTIATE_TEST_SUITE_P(
    Upstream, ObjectAndExternal,
    ::testing::Values(ValueCase{"ScaleUpCMObject",
                                ValueKind::kObjectValue,
                                3,
                                15000,
                                {20000},
                                kThreeReady,
                                4,  // 1.33 × 3 ready = 4
                                20000},
                      ValueCase{"ScaleUpCMObjectIgnoresUnreadyPods",
                                ValueKind::kObjectValue,
                                3,
                                10000,
                                {50000},
                                kOneOfThreeReady,
                                5,  // 5 × 1 Running+Ready pod; with current replicas, 15
                                50000},
                      ValueCase{"ObjectCountsOnlyRunningReadyPods",
                                ValueKind::kObjectValue,
                                4,
                                1000,
                                {2000},
                                {{.phase = PodPhase::kPending}, {.phase = PodPhase::kSucceeded}, {}, kNotReady},
                                2,  // ratio 2 × 1 (only the Running and Ready pod)
                                2000},
                      ValueCase{"ScaleDownCMObject",
                                ValueKind::kObjectValue,
                                5,
                                20000,
                                {12000},
                                repeat(5, {}),
                                3,  // 0.6 × 5 = 3
                                12000},
                      ValueCase{"ToleranceCMObject",
                                ValueKind::kObjectValue,
                                3,
                                20000,
                                {20666},
                                kThreeReady,
                                3,  // 1.033: within
                                20666},
                      ValueCase{"ObjectPerDirectionTolerance",
                                ValueKind::kObjectValue,
                                4,
                                1000,
                                {1150},
                                repeat(4, {}),
                                4,  // 1.15 <= 1 + 0.2; with the default, 4.6 -> 5
                                1150,
                                Tolerances{.scale_down = 0.1, .scale_up = 0.2}},
                      ValueCase{"ObjectScaleFromZero",
                                ValueKind::kObjectValue,
                                0,
                                1000,
                                {3100},
                                {},
                                4,  // current 0: ceil(3.1), no pods needed
                                3100},
                      ValueCase{"ObjectScaleFromZeroIgnoresTolerance",
                                ValueKind::kObjectValue,
                                0,
                                1000,
                                {1050},
                                {},
                                2,  // ceil(1.05), though 1.05 is within the tolerance
                                1050},
                      ValueCase{"ObjectStaysAtZero",
                                ValueKind::kObjectValue,
                                0,
                                1000,
                                {0},
                                {},
                                0,  // ceil(0)
                                0},
                      ValueCase{"ObjectFromZeroOverflowSaturates",
                                ValueKind::kObjectValue,
                                0,
                                1,
                                {kMaxInt64},
                                {},
                                kMaxInt32,  // ceil(9.2e18) caps at MaxInt32
                                kMaxInt64},
                      ValueCase{"ScaleUpPerPodCMObject",
                                ValueKind::kObjectAverageValue,
                                3,
                                5000,
                                {20000},
                                {},
                                4,      // 20000 / (5000 × 3 status replicas) = 1.33: ceil(20000/5000) = 4
                                6667},  // ceil(20000 / 3)
                      ValueCase{"ScaleDownPerPodCMObject",
                                ValueKind::kObjectAverageValue,
                                5,
                                2000,
                                {6000},
                                {},
                                3,  // 6000 / 10000 = 0.6: ceil(6000/2000) = 3
                                1200},
                      ValueCase{"TolerancePerPodCMObject",
                                ValueKind::kObjectAverageValue,
                                3,
                                5000,
                                {15500},
                                {},
                                3,  // 15500 / 15000 = 1.033: within, status replicas
                                5167},
                      ValueCase{"PerPodObjectStatusReplicasZero",
                                ValueKind::kObjectAverageValue,
                                0,
                                100,
                                {1000},
                                {},
                                10,     // ratio +Inf is never within: ceil(1000/100), as upstream
                                1000},  // our choice: the whole value (upstream: int64(+Inf))
                      ValueCase{"PerPodObjectStatusReplicasZeroValueZero",
                                ValueKind::kObjectAverageValue,
                                0,
                                100,
                                {0},
                                {},
                                0,  // ratio NaN is never within: ceil(0/100)
                                0},
                      ValueCase{"ScaleUpCMExternal",
                                ValueKind::kExternalValue,
                                1,
                                4400,
                                {8600},
                                {{}},
                                2,  // 1.95 × 1 ready = 1.95 -> 2
                                8600},
                      ValueCase{"ExternalSumsSamples",
                                ValueKind::kExternalValue,
                                3,
                                4400,
                                {4000, 4600},
                                kThreeReady,
                                6,  // 8600/4400 = 1.95 × 3 = 5.86 -> 6
                                8600},
                      ValueCase{"ScaleUpCMExternalIgnoresUnreadyPods",
                                ValueKind::kExternalValue,
                                3,
                                4400,
                                {8600},
                                kOneOfThreeReady,
                                2,  // 1.95 × 1 ready; with current replicas, 6
                                8600},
                      ValueCase{"ScaleDownCMExternal",
                                ValueKind::kExternalValue,
                                5,
                                14334,
                                {8600},
                                repeat(5, {}),
                                3,  // 0.59997 × 5 = 2.9999 -> 3
                                8600},
                      ValueCase{"ToleranceCMExternal",
                                ValueKind::kExternalValue,
                                3,
                                8000,
                                {8600},
                                kThreeReady,
                                3,  // 1.075: within
                                8600},
                      ValueCase{"ExternalSumOverflowSaturates",
                                ValueKind::kExternalValue,
                                1,
                                1,
                                {kMaxInt64, 1},
                                {{}},
                                kMaxInt32,  // the sum caps at MaxInt64, the replicas at MaxInt32
                                kMaxInt64},
                      ValueCase{"ScaleUpPerPodCMExternal",
                                ValueKind::kExternalAverageValue,
                                1,
                                2150,
                                {8600},
                                {},
                                4,  // 8600 / 2150 = 4
                                8600},
                      ValueCase{"ScaleDownPerPodCMExternal",
                                ValueKind::kExternalAverageValue,
                                5,
                                2867,
                                {8600},
                                {},
                                3,      // 8600 / 14335 = 0.5999: ceil(8600/2867) = ceil(2.9996) = 3
                                1720},  // 8600 / 5
                      ValueCase{"TolerancePerPodCMExternal",
                                ValueKind::kExternalAverageValue,
                                3,
                                2800,
                                {8600},
                                {},
                                3,      // 8600 / 8400 = 1.024: within
                                2867},  // ceil(8600 / 3)
                      ValueCase{"PerPodExternalOverflowSaturates",
                                ValueKind::kExternalAverageValue,
                                4,
                                1,
                                {kMaxInt64, kMaxInt64},
                                {},
                                kMaxInt32,   // ceil(usage / target) caps at MaxInt32
                                kMaxInt64},  // a saturated sum is reported as MaxInt64, not divided by 4
                      ValueCase{"PerPodExternalStatusReplicasZero",
                                ValueKind::kExternalAverageValue,
                                0,
                                1000,
                                {4500},
                                {},
                                5,  // ratio +Inf: ceil(4500/1000)
                                4500}),
    [](const ::testing::TestParamInfo<ValueCase>& param_info) { return std::string(param_info.param.name); });

// --- groupPods: one pod per case, the group it lands in ------------------------------------------

enum class Group { kReady, kUnready, kMissing, kIgnored };

struct GroupCase {
  const char* name;
  PodInfo pod;
  std::optional<PodSample> sample;
  Group expected;
  std::string resource = "cpu";
};

void PrintTo(const GroupCase& c, std::ostream* os) {
  *os << c.name;
}

class GroupPods : public ::testing::TestWithParam<GroupCase> {};

TEST_P(GroupPods, FollowsUpstreamRuleOrder) {
  const GroupCase& c = GetParam();
  PodSamples samples;
  if (c.sample) {
    samples[c.pod.name] = *c.sample;
  }
  const std::vector<PodInfo> pods{c.pod};
  const PodGroups groups = group_pods(pods, match_samples(pods, samples), c.resource, test_settings(), kNow);
  ASSERT_EQ(groups.of_pod.size(), 1U);
  EXPECT_EQ(groups.ready_count, c.expected == Group::kReady ? 1 : 0);
  EXPECT_EQ(groups.of_pod[0] == PodGroup::kUnready, c.expected == Group::kUnready);
  EXPECT_EQ(groups.of_pod[0] == PodGroup::kMissing, c.expected == Group::kMissing);
  EXPECT_EQ(groups.of_pod[0] == PodGroup::kIgnored, c.expected == Group::kIgnored);
}

// A pod that started `started` ago with the given Ready status, last changed `transition` ago.
constexpr auto kTrue = ConditionStatus::kTrue;
constexpr auto kFalse = ConditionStatus::kFalse;
constexpr auto kUnknown = ConditionStatus::kUnknown;

PodInfo cpu_pod(Duration started, std::optional<ConditionStatus> ready, Duration transition,
                PodPhase phase = PodPhase::kRunning) {
  PodInfo pod;
  pod.name = "web-0";
  pod.phase = phase;
  pod.start_time = ago(started);
  pod.ready = ready;
  pod.ready_last_transition = ago(transition);
  return pod;
}

const PodSample kSampleNow{500, kNow, kMinute};

PodInfo deleting(PodInfo pod) {
  pod.deleting = true;
  return pod;
}

PodInfo without_start_time(PodInfo pod) {
  pod.start_time.reset();
  return pod;
}

INSTANTIATE_TEST_SUITE_P(
    Rules, GroupPods,
    ::testing::Values(
        GroupCase{"RunningReadyWithSampleIsReady", cpu_pod(5 * kMinute, kTrue, 5 * kMinute), kSampleNow, Group::kReady},
        GroupCase{"DeletingIsIgnoredBeforePending",
                  deleting(cpu_pod(5 * kMinute, kTrue, 5 * kMinute, PodPhase::kPending)), kSampleNow, Group::kIgnored},
        GroupCase{"FailedIsIgnored", cpu_pod(5 * kMinute, kFalse, 5 * kMinute, PodPhase::kFailed), kSampleNow,
                  Group::kIgnored},
        GroupCase{"PendingIsUnreadyEvenWithASample", cpu_pod(5 * kMinute, kTrue, 5 * kMinute, PodPhase::kPending),
                  kSampleNow, Group::kUnready},
        GroupCase{"PendingWithoutSampleIsUnreadyNotMissing",
                  cpu_pod(5 * kMinute, kTrue, 5 * kMinute, PodPhase::kPending), std::nullopt, Group::kUnready},
        GroupCase{"PendingIsUnreadyForMemoryToo", cpu_pod(5 * kMinute, kTrue, 5 * kMinute, PodPhase::kPending),
                  kSampleNow, Group::kUnready, "memory"},
        GroupCase{"NoSampleIsMissingBeforeReadiness", cpu_pod(5 * kMinute, kFalse, 5 * kMinute), std::nullopt,
                  Group::kMissing},
        GroupCase{"NoReadyConditionIsUnready", cpu_pod(5 * kMinute, std::nullopt, 5 * kMinute), kSampleNow,
                  Group::kUnready},
        GroupCase{"NoStartTimeIsUnready", without_start_time(cpu_pod(5 * kMinute, kTrue, 5 * kMinute)), kSampleNow,
                  Group::kUnready},
        // Initializing (started < 2 min ago): Ready and a full 60 s window since the transition.
        GroupCase{"InitializingReadyWithoutFullWindowIsUnready", cpu_pod(100 * kSecond, kTrue, 30 * kSecond),
                  kSampleNow, Group::kUnready},  // now < (now - 30 s) + 60 s
        GroupCase{"InitializingReadyAfterFullWindowIsReady", cpu_pod(100 * kSecond, kTrue, 61 * kSecond), kSampleNow,
                  Group::kReady},  // now >= (now - 61 s) + 60 s
        GroupCase{"InitializingWindowBoundaryIsReady", cpu_pod(100 * kSecond, kTrue, 60 * kSecond), kSampleNow,
                  Group::kReady},  // timestamp == transition + window is not "before"
        GroupCase{"InitializingNotReadyIsUnready", cpu_pod(100 * kSecond, kFalse, 90 * kSecond), kSampleNow,
                  Group::kUnready},
        GroupCase{"InitializationEndsAtExactlyTwoMinutes", cpu_pod(2 * kMinute, kTrue, 0), kSampleNow,
                  Group::kReady},  // start + 2 min is not after now: initialized, and Ready
        GroupCase{"JustInsideInitializationPeriod", cpu_pod(2 * kMinute - kNanosecond, kTrue, 0), kSampleNow,
                  Group::kUnready},  // initializing, and no full window since the transition
        // Initialized: unready only if not Ready and never ready since start (+10 s delay).
        GroupCase{"InitializedNeverReadyIsUnready", cpu_pod(5 * kMinute, kFalse, 5 * kMinute - 5 * kSecond), kSampleNow,
                  Group::kUnready},  // start + 10 s > transition
        GroupCase{"InitializedReadyOnceCounts", cpu_pod(5 * kMinute, kFalse, 5 * kMinute - 11 * kSecond), kSampleNow,
                  Group::kReady},  // became unready after having been ready
        GroupCase{"InitializedDelayBoundaryCounts", cpu_pod(5 * kMinute, kFalse, 5 * kMinute - 10 * kSecond),
                  kSampleNow, Group::kReady},  // start + 10 s == transition is not "after"
        // Upstream tests only `Status == False`: an Unknown Ready condition does not make a pod
        // unready in the grouping (it still does not count as ready in ready_pod_count).
        GroupCase{"InitializedUnknownReadinessIsReady", cpu_pod(5 * kMinute, kUnknown, 5 * kMinute - 5 * kSecond),
                  kSampleNow, Group::kReady},
        GroupCase{"InitializingUnknownAfterFullWindowIsReady", cpu_pod(100 * kSecond, kUnknown, 61 * kSecond),
                  kSampleNow, Group::kReady},
        GroupCase{"InitializingUnknownWithoutFullWindowIsUnready", cpu_pod(100 * kSecond, kUnknown, 30 * kSecond),
                  kSampleNow, Group::kUnready},
        GroupCase{"MemoryIgnoresReadiness", without_start_time(cpu_pod(5 * kMinute, std::nullopt, 0)), kSampleNow,
                  Group::kReady, "memory"},
        GroupCase{"PodsMetricIgnoresReadiness", cpu_pod(10 * kSecond, kFalse, 0), kSampleNow, Group::kReady, ""},
        GroupCase{"SucceededWithSampleIsReady", cpu_pod(5 * kMinute, kTrue, 5 * kMinute, PodPhase::kSucceeded),
                  kSampleNow, Group::kReady},
        GroupCase{"UnknownPhaseWithSampleIsReady", cpu_pod(5 * kMinute, kTrue, 5 * kMinute, PodPhase::kUnknown),
                  kSampleNow, Group::kReady}),
    [](const ::testing::TestParamInfo<GroupCase>& param_info) { return std::string(param_info.param.name); });

// --- Requests ---------------------------------------------------------------------------------------

PodInfo pod_with(std::vector<ContainerRequests> containers, std::vector<ContainerRequests> init = {}) {
  PodInfo pod;
  pod.name = "web-0";
  pod.containers = std::move(containers);
  pod.restartable_init_containers = std::move(init);
  return pod;
}

TEST(PodRequests, SumsContainersAndRestartableInitContainers) {
  const std::vector<PodInfo> pods{
      pod_with({{"web", {{"cpu", 500}}}, {"log", {{"cpu", 100}}}}, {{"proxy", {{"cpu", 250}}}})};
  const PodRequests requests = value_of(pod_requests(pods, "cpu", std::nullopt));
  EXPECT_EQ(requests.at(0), 850);  // web-0: 500 + 100 + 250
}

TEST(PodRequests, OneContainerOnly) {
  const std::vector<PodInfo> pods{pod_with({{"web", {{"cpu", 500}}}, {"log", {}}}, {{"proxy", {{"cpu", 250}}}})};
  EXPECT_EQ(value_of(pod_requests(pods, "cpu", "web")).at(0), 500);    // log's missing request is not read
  EXPECT_EQ(value_of(pod_requests(pods, "cpu", "proxy")).at(0), 250);  // a sidecar can be named
  // "" means no container, as upstream's empty string: every container counts, and log has no request
  EXPECT_EQ(error_of(pod_requests(pods, "cpu", "")), "missing request for cpu in container log of Pod web-0");
}

TEST(PodRequests, MissingRequestIsAnError) {
  const std::vector<PodInfo> pods{pod_with({{"web", {{"memory", 500}}}})};
  EXPECT_EQ(error_of(pod_requests(pods, "cpu", std::nullopt)), "missing request for cpu in container web of Pod web-0");
}

TEST(PodRequests, MissingRequestInRestartableInitContainerIsAnError) {
  const std::vector<PodInfo> pods{pod_with({{"web", {{"cpu", 500}}}}, {{"proxy", {}}})};
  EXPECT_EQ(error_of(pod_requests(pods, "cpu", std::nullopt)),
            "missing request for cpu in container proxy of Pod web-0");
}

TEST(PodRequests, UnknownContainerIsAnError) {
  const std::vector<PodInfo> pods{pod_with({{"web", {{"cpu", 500}}}})};
  EXPECT_EQ(error_of(pod_requests(pods, "cpu", "db")), "container db not found in Pod web-0");
}

TEST(PodRequests, SumSaturates) {
  const std::vector<PodInfo> pods{pod_with({{"a", {{"cpu", kMaxInt64}}}, {"b", {{"cpu", kMaxInt64}}}})};
  EXPECT_EQ(value_of(pod_requests(pods, "cpu", std::nullopt)).at(0), kMaxInt64);
}

// --- Errors of the pod-based paths --------------------------------------------------------------

TEST(ReplicaCalculatorErrors, NoPods) {
  const CalculatorSettings settings = test_settings();
  EXPECT_EQ(error_of(resource_utilization_replicas(3, 50, "cpu", std::nullopt, {}, PodSamples{}, settings, kNow)),
            "no pods returned by selector while calculating replica count");
  EXPECT_EQ(error_of(plain_metric_replicas(3, 500, "", {}, PodSamples{}, settings, kNow)),
            "no pods returned by selector while calculating replica count");
}

TEST(ReplicaCalculatorErrors, OnlyUnreadyPodsHaveSamples) {
  const Fixture f = build({with_sample(kNotReady, 500), with_sample(kHot, 500), {}}, "cpu");
  const CalculatorSettings settings = test_settings();
  const std::string expected = "did not receive metrics for targeted pods (pods might be unready)";
  EXPECT_EQ(error_of(resource_utilization_replicas(3, 50, "cpu", std::nullopt, f.pods, f.samples, settings, kNow)),
            expected);
  EXPECT_EQ(error_of(plain_metric_replicas(3, 500, "cpu", f.pods, f.samples, settings, kNow)), expected);
}

TEST(ReplicaCalculatorErrors, MissingRequestOfAnIgnoredPodStillFails) {
  // upstream computes requests for every listed pod, failed ones included
  Fixture f = build({{.sample = 500}, with_sample(kFailed, 500)}, "cpu");
  f.pods[1].containers[0].requests_milli.clear();
  EXPECT_EQ(
      error_of(resource_utilization_replicas(2, 50, "cpu", std::nullopt, f.pods, f.samples, test_settings(), kNow)),
      "missing request for cpu in container web of Pod pod-1");
}

TEST(ReplicaCalculatorErrors, ZeroRequests) {
  const Fixture f = build({{.sample = 500, .request = 0}}, "cpu");
  EXPECT_EQ(
      error_of(resource_utilization_replicas(1, 50, "cpu", std::nullopt, f.pods, f.samples, test_settings(), kNow)),
      "no metrics returned matched known pods");
}

TEST(ReplicaCalculatorErrors, NonPositiveTargetsAreRejectedNotDividedBy) {
  const Fixture f = build({{.sample = 500}}, "cpu");
  const CalculatorSettings settings = test_settings();
  EXPECT_FALSE(ok(resource_utilization_replicas(1, 0, "cpu", std::nullopt, f.pods, f.samples, settings, kNow)));
  EXPECT_FALSE(ok(plain_metric_replicas(1, 0, "", f.pods, f.samples, settings, kNow)));
  EXPECT_FALSE(ok(object_value_replicas(1, 0, 100, f.pods, {})));
  EXPECT_FALSE(ok(object_average_value_replicas(1, -5, 100, {})));
  const std::vector<std::int64_t> samples{100};
  EXPECT_FALSE(ok(external_value_replicas(1, 0, samples, f.pods, {})));
  EXPECT_FALSE(ok(external_average_value_replicas(1, 0, samples, {})));
}

TEST(ReplicaCalculatorErrors, ValueTargetNeedsPodsOnlyWhenScaling) {
  EXPECT_EQ(error_of(object_value_replicas(3, 1000, 2000, {}, {})),
            "unable to calculate ready pods: no pods returned by selector while calculating replica count");
  EXPECT_EQ(value_of(object_value_replicas(3, 1000, 1050, {}, {})).replicas, 3);  // within: no pod count needed
}

// --- Small pieces ----------------------------------------------------------------------------------

TEST(Tolerances, InclusiveBandAndNaN) {
  const Tolerances t{.scale_down = 0.2, .scale_up = 0.1};
  EXPECT_TRUE(t.within(0.8));
  EXPECT_TRUE(t.within(1.1));
  EXPECT_FALSE(t.within(0.79));
  EXPECT_FALSE(t.within(1.11));
  EXPECT_FALSE(t.within(std::numeric_limits<double>::quiet_NaN()));
  EXPECT_FALSE(t.within(std::numeric_limits<double>::infinity()));
}

TEST(ReadyPodCount, RunningAndReadyOnly) {
  const Fixture f = build({{},
                           kNotReady,
                           {.readiness = Readiness::kNoCondition},
                           {.phase = PodPhase::kPending},
                           {.phase = PodPhase::kSucceeded},
                           {},
                           {.readiness = Readiness::kUnknown}},
                          "cpu");
  EXPECT_EQ(ready_pod_count(f.pods), 2);  // pods 0 and 5; Unknown (pod 6) is not ready
}

TEST(UsageRatio, IntegerAverage) {
  SampleTotals samples;  // a: 10, b: 11
  samples.add(10);
  samples.add(11);
  const UsageRatio r = value_of(metric_usage_ratio(samples, 4));
  EXPECT_EQ(r.usage_milli, 10);  // 21 / 2, truncated
  EXPECT_DOUBLE_EQ(r.ratio, 2.5);
}

TEST(UtilizationRatio, IntegerPercentBeforeTheRatio) {
  SampleTotals samples;  // a: 333 of 1000, b: 334 of 1000
  samples.add(333, 1000);
  samples.add(334, 1000);
  const UtilizationRatio r = value_of(resource_utilization_ratio(samples, 30));
  EXPECT_EQ(r.utilization_percent, 33);  // 66700 / 2000 = 33.35 -> 33
  EXPECT_DOUBLE_EQ(r.ratio, 33.0 / 30.0);
  EXPECT_EQ(r.raw_average_milli, 333);  // 667 / 2
}

// --- Time -------------------------------------------------------------------------------------------

TEST(Time, AddNormalizesNanos) {
  EXPECT_EQ((Time{10, 900'000'000} + Duration{200'000'000}), (Time{11, 100'000'000}));
  EXPECT_EQ((Time{10, 100'000'000} + Duration{-200'000'000}), (Time{9, 900'000'000}));
  EXPECT_EQ((Time{0, 0} + (-1)), (Time{-1, 999'999'999}));
  EXPECT_EQ((Time{5, 0} + 3 * kMinute), (Time{185, 0}));
}

TEST(Time, YearOneWorks) {
  const Time year_one{-62'135'596'800, 0};  // 0001-01-01T00:00:00Z, Go's zero time
  EXPECT_LT(year_one, kNow);
  EXPECT_EQ(year_one + 300 * kSecond, (Time{-62'135'596'500, 0}));
  EXPECT_GT(year_one + kNanosecond, year_one);
}

TEST(Time, OrderIsChronological) {
  EXPECT_LT((Time{-1, 999'999'999}), (Time{0, 0}));
  EXPECT_LT((Time{1, 0}), (Time{1, 1}));
  EXPECT_EQ((Time{1, 1}), (Time{1, 1}));
}

TEST(Time, AddSaturates) {
  EXPECT_EQ(kMaxTime + kSecond, kMaxTime);
  EXPECT_EQ((Time{INT64_MAX, 0} + 2 * kSecond), kMaxTime);
  EXPECT_EQ(kMinTime + (-kSecond), kMinTime);
  EXPECT_EQ((Time{INT64_MIN, 0} + (-1)), kMinTime);
  EXPECT_EQ((Time{0, 0} + std::numeric_limits<Duration>::max()), (Time{9'223'372'036, 854'775'807}));
  EXPECT_EQ((Time{0, 0} + std::numeric_limits<Duration>::min()), (Time{-9'223'372'037, 145'224'192}));
}

}  // namespace
}  // namespace hpad::policies
