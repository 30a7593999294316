// decide() end to end against kube-controller-manager's own controller tests (upstream
// pkg/controller/podautoscaler/horizontal_test.go): each scenario rebuilt as a DecisionInput, with our own numbers
// worked out beside each expectation, checking what HPA would write (the replica count, its conditions, the limits
// that changed the number, status.currentMetrics) and the state it would keep. Like upstream's test controller:
// tolerance 0.1, cpu initialization period 2 min, initial readiness delay 10 s, downscale window 5 min, scale-up cap
// max(8 x current, 4); pods are Running and Ready since Go's zero time, and each has two containers that split its
// cpu request and its usage in halves (integer division), unless a case says otherwise.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "hpad/policies/decision.h"
#include "hpad/policies/normalize.h"
#include "hpad/policies/policy.h"
#include "hpad/policies/policy_parser.h"
#include "hpad/policies/quantity.h"
#include "hpad/policies/replica_calculator.h"
#include "hpad/policies/time.h"

namespace hpad::policies {

// For gtest's messages (found by ADL, so outside the anonymous namespace).
void PrintTo(const Time& t, std::ostream* os) {
  *os << t.seconds << "s+" << t.nanos << "ns";
}

namespace {

constexpr Time kNow{1'800'000'000, 0};
constexpr Time kGoZeroTime{-62'135'596'800, 0};  // 0001-01-01T00:00:00Z: upstream's pods start there by default

constexpr Time ago(std::int64_t seconds) {
  return kNow + (-seconds * kSecond);
}
constexpr Time kHot = kNow;          // upstream hotCPUCreationTime: started now, still initializing
constexpr Time kCool = ago(3 * 60);  // upstream coolCPUCreationTime: past the 2 min initialization period

constexpr ConditionStatus kT = ConditionStatus::kTrue;
constexpr ConditionStatus kF = ConditionStatus::kFalse;

Quantity q(std::string_view text) {
  return std::get<Quantity>(Quantity::parse(text));
}

// --- Policies ------------------------------------------------------------------------------------

// Upstream generateScalingRules: Max select policy, a Pods and/or a Percent policy (0 = left out).
HPAScalingRules generated(std::int32_t pods, std::int32_t pods_period, std::int32_t percent,
                          std::int32_t percent_period, std::int32_t window) {
  HPAScalingRules rules;
  rules.stabilization_window_seconds = window;
  rules.select_policy = SelectPolicy::kMax;
  rules.policies.clear();
  if (pods != 0) {
    rules.policies.push_back({ScalingPolicyType::kPods, pods, pods_period});
  }
  if (percent != 0) {
    rules.policies.push_back({ScalingPolicyType::kPercent, percent, percent_period});
  }
  return rules;
}

HPAScalingRules with_window(HPAScalingRules rules, std::int32_t window) {
  rules.stabilization_window_seconds = window;
  return rules;
}

// A behavior with the autoscaling/v2 defaults wherever a direction is not given.
Behavior behavior(std::optional<HPAScalingRules> up = std::nullopt,
                  std::optional<HPAScalingRules> down = std::nullopt) {
  Behavior b;
  if (up) {
    b.scale_up = *up;
  }
  if (down) {
    b.scale_down = *down;
  }
  return b;
}

Behavior tolerances(std::optional<double> up, std::optional<double> down) {
  Behavior b;
  // As a user writes them: decimal quantities ("0.05"), read by HPA with AsApproximateFloat64.
  const auto quantity = [](std::optional<double> v) -> std::optional<Quantity> {
    if (!v) {
      return std::nullopt;
    }
    char text[32];
    std::snprintf(text, sizeof text, "%g", *v);
    return q(text);
  };
  b.scale_up.tolerance = quantity(up);
  b.scale_down.tolerance = quantity(down);
  return b;
}

// Upstream generateEventsUniformDistribution: the i-th of n events sits in the middle of the i-th of n equal
// segments of the last `period` seconds, counted from the oldest; Go truncates the age to whole seconds.
// {1, 5, 9} over 120 s: ages 100, 60, 20 s. {4} over 120 s: age 60 s.
std::vector<ScaleEvent> uniform_events(const std::vector<std::int32_t>& changes, std::int32_t period) {
  std::vector<ScaleEvent> events;
  const double segment = static_cast<double>(period) / static_cast<double>(changes.size());
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const double age = static_cast<double>(period) - segment * static_cast<double>(i + 1) + segment / 2;
    events.push_back({changes[i], ago(static_cast<std::int64_t>(age)), false});
  }
  return events;
}

// --- Inputs --------------------------------------------------------------------------------------

// One DecisionInput, built the way upstream's testCase.prepareTestClient builds the cluster.
class Scenario {
 public:
  Scenario(std::int32_t min_replicas, std::int32_t max_replicas, std::int32_t spec_replicas,
           std::int32_t status_replicas) {
    in_.now = kNow;
    in_.controller.tolerance = 0.1;
    in_.controller.cpu_initialization_period = 2 * kMinute;
    in_.controller.initial_readiness_delay = 10 * kSecond;
    in_.controller.downscale_stabilization_window = 5 * kMinute;
    in_.controller.scale_up_limit_factor = 8.0;  // upstream's test init() sets scaleUpLimitFactor = 8
    in_.controller.scale_up_limit_minimum = 4.0;
    in_.policy.metadata = {"test-hpa", "test-namespace"};
    in_.policy.scale_target_ref = {"v1", "ReplicationController", "test-rc"};
    in_.policy.min_replicas = min_replicas;
    in_.policy.max_replicas = max_replicas;
    in_.scale = {spec_replicas, status_replicas, "name=test-pod"};
  }

  // Metrics. Resource metrics are named "cpu", the others "qps" unless a name is given.
  Scenario& cpu(std::int32_t target_percent) {
    MetricSpec m = spec("cpu", MetricSourceType::kResource);
    m.resource = "cpu";
    m.target.type = MetricTargetType::kUtilization;
    m.target.average_utilization = target_percent;
    return add(std::move(m));
  }
  Scenario& container_cpu(const std::string& container, std::int32_t target_percent) {
    MetricSpec m = spec("cpu", MetricSourceType::kContainerResource);
    m.resource = "cpu";
    m.container = container;
    m.target.type = MetricTargetType::kUtilization;
    m.target.average_utilization = target_percent;
    return add(std::move(m));
  }
  Scenario& pods_metric(std::string_view average_value) {
    return add(with_target(spec("qps", MetricSourceType::kPods), MetricTargetType::kAverageValue, average_value));
  }
  Scenario& object_value(std::string_view value) {
    return add(with_target(spec("qps", MetricSourceType::kObject), MetricTargetType::kValue, value));
  }
  Scenario& object_average(std::string_view average_value) {
    return add(with_target(spec("qps", MetricSourceType::kObject), MetricTargetType::kAverageValue, average_value));
  }
  Scenario& external_value(std::string_view value, const std::string& name = "qps") {
    return add(with_target(spec(name, MetricSourceType::kExternal), MetricTargetType::kValue, value));
  }
  Scenario& external_average(std::string_view average_value) {
    return add(with_target(spec("qps", MetricSourceType::kExternal), MetricTargetType::kAverageValue, average_value));
  }

  // Pods: one per cpu request (upstream's reportedCPURequests), named test-pod-<i>.
  Scenario& pods(const std::vector<std::int64_t>& requests_milli) {
    for (std::size_t i = 0; i < requests_milli.size(); ++i) {
      PodInfo pod;
      pod.name = pod_name(i);
      pod.phase = PodPhase::kRunning;
      pod.start_time = kGoZeroTime;
      pod.ready = kT;
      pod.ready_last_transition = kGoZeroTime;
      const std::int64_t half = requests_milli[i] / 2;
      pod.containers = {{"container1", {{"cpu", half}}}, {"container2", {{"cpu", half}}}};
      in_.pods.push_back(std::move(pod));
    }
    return *this;
  }
  Scenario& pod_count(std::size_t n) { return pods(std::vector<std::int64_t>(n, 1000)); }
  Scenario& ready(const std::vector<ConditionStatus>& statuses) {
    for (std::size_t i = 0; i < statuses.size(); ++i) {
      in_.pods.at(i).ready = statuses[i];
    }
    return *this;
  }
  // Upstream sets the start time and the Ready condition's lastTransitionTime to the same instant.
  Scenario& started(const std::vector<Time>& times) {
    for (std::size_t i = 0; i < times.size(); ++i) {
      in_.pods.at(i).start_time = times[i];
      in_.pods.at(i).ready_last_transition = times[i];
    }
    return *this;
  }
  Scenario& phases(const std::vector<PodPhase>& each) {
    for (std::size_t i = 0; i < each.size(); ++i) {
      in_.pods.at(i).phase = each[i];
    }
    return *this;
  }
  Scenario& deleting(const std::vector<bool>& each) {
    for (std::size_t i = 0; i < each.size(); ++i) {
      in_.pods.at(i).deleting = each[i];
    }
    return *this;
  }
  Scenario& without_requests() {
    for (PodInfo& pod : in_.pods) {
      for (ContainerRequests& c : pod.containers) {
        c.requests_milli.clear();
      }
    }
    return *this;
  }

  // Samples, in milli-units as upstream's reportedLevels. cpu: one series per pod, the sum of its two containers'
  // halves (upstream reports level/2 per container).
  Scenario& cpu_levels(const std::vector<std::int64_t>& levels) {
    Observation& o = in_.metrics["cpu"];
    for (std::size_t i = 0; i < levels.size(); ++i) {
      o.samples.push_back(sample(2 * (levels[i] / 2), {{"pod", pod_name(i)}}));
    }
    return *this;
  }
  Scenario& container_levels(const std::vector<std::int64_t>& levels) {
    Observation& o = in_.metrics["cpu"];
    for (std::size_t i = 0; i < levels.size(); ++i) {
      o.samples.push_back(sample(levels[i] / 2, {{"pod", pod_name(i)}, {"container", "container1"}}));
      o.samples.push_back(sample(levels[i] / 2, {{"pod", pod_name(i)}, {"container", "container2"}}));
    }
    return *this;
  }
  Scenario& per_pod(const std::string& name, const std::vector<std::int64_t>& levels) {
    Observation& o = in_.metrics[name];
    for (std::size_t i = 0; i < levels.size(); ++i) {
      o.samples.push_back(sample(levels[i], {{"pod", pod_name(i)}}));
    }
    return *this;
  }
  Scenario& values(const std::string& name, const std::vector<std::int64_t>& levels) {
    Observation& o = in_.metrics[name];
    for (const std::int64_t level : levels) {
      o.samples.push_back(sample(level, {}));
    }
    return *this;
  }
  Scenario& failing(const std::string& name) {
    in_.metrics[name] = Observation{{}, std::string("something went wrong")};
    return *this;
  }
  Scenario& no_samples(const std::string& name) {
    in_.metrics[name] = Observation{};
    return *this;
  }

  // State. Without history() or seen() the recommendations are "never seen" (upstream's nil).
  Scenario& history(std::vector<Recommendation> recommendations) {
    in_.state.normalization.recommendations = std::move(recommendations);
    return *this;
  }
  Scenario& seen() { return history({}); }  // upstream's recommendations: []timestampedRecommendation{}
  Scenario& up_events(std::vector<ScaleEvent> events) {
    in_.state.normalization.scale_up_events = std::move(events);
    return *this;
  }
  Scenario& down_events(std::vector<ScaleEvent> events) {
    in_.state.normalization.scale_down_events = std::move(events);
    return *this;
  }
  Scenario& last_scale_time(Time t) {
    in_.state.last_scale_time = t;
    return *this;
  }
  Scenario& conditions(std::vector<Condition> before) {
    in_.state.conditions = std::move(before);
    return *this;
  }

  Scenario& with_behavior(Behavior b) {
    in_.policy.behavior = std::move(b);
    return *this;
  }
  Scenario& selector(std::string text) {
    in_.scale.selector = std::move(text);
    return *this;
  }

  const DecisionInput& input() const { return in_; }

 private:
  static std::string pod_name(std::size_t i) { return "test-pod-" + std::to_string(i); }

  static Sample sample(std::int64_t milli, std::map<std::string, std::string> labels) {
    Sample s;
    s.labels = std::move(labels);
    s.value = static_cast<double>(milli) / 1000.0;
    return s;
  }

  static MetricSpec spec(const std::string& name, MetricSourceType type) {
    MetricSpec m;
    m.name = name;
    m.type = type;
    m.query = "query_for_" + name;
    return m;
  }

  static MetricSpec with_target(MetricSpec m, MetricTargetType type, std::string_view amount) {
    m.target.type = type;
    if (type == MetricTargetType::kAverageValue) {
      m.target.average_value = q(amount);
    } else {
      m.target.value = q(amount);
    }
    return m;
  }

  Scenario& add(MetricSpec m) {
    in_.policy.metrics.push_back(std::move(m));
    return *this;
  }

  DecisionInput in_;
};

// --- Expectations --------------------------------------------------------------------------------

struct Cond {
  std::string status;
  std::string reason;
};

// What upstream checks of one sync, in our terms. A condition left nullopt must be absent (HPA would not have set
// it, starting from no conditions); `limits` nullopt is not checked.
struct Expect {
  std::int32_t desired = 0;
  std::optional<Cond> able;
  std::optional<Cond> active;
  std::optional<Cond> limited;
  std::optional<std::vector<std::string>> limits = std::vector<std::string>{};
  std::optional<std::int32_t> utilization;  // of the policy's first metric
  std::optional<double> value;              // of the policy's first metric, base units
  std::optional<std::int32_t> rec_metrics;
  std::optional<std::int32_t> rec_stabilized;
  std::optional<std::int32_t> rec_limited;
  bool nothing_computed = false;  // no replica count came out of the metrics: recommendation.metrics absent
  std::vector<std::pair<std::string, std::string>> invalid;  // metric name -> its ScalingActive reason
  std::optional<std::vector<Recommendation>> history;
  std::optional<std::vector<ScaleEvent>> up_events;
  std::optional<std::vector<ScaleEvent>> down_events;

  Expect& util(std::int32_t percent) {
    utilization = percent;
    return *this;
  }
  Expect& val(double v) {
    value = v;
    return *this;
  }
  // ScalingLimited=True with `reason`, which is then the only limit.
  Expect& limited_by(const std::string& reason) {
    limited = Cond{"True", reason};
    limits = std::vector<std::string>{reason};
    return *this;
  }
  // AbleToScale=True with a stabilization reason, which is then the only limit.
  Expect& stabilized_by(const std::string& reason) {
    able = Cond{"True", reason};
    limits = std::vector<std::string>{reason};
    return *this;
  }
  // The limits alone (a rescale leaves AbleToScale=SucceededRescale whatever stabilization did).
  Expect& limits_are(std::vector<std::string> names) {
    limits = std::move(names);
    return *this;
  }
  Expect& recs(std::int32_t metrics, std::int32_t stabilized, std::int32_t limited_replicas) {
    rec_metrics = metrics;
    rec_stabilized = stabilized;
    rec_limited = limited_replicas;
    return *this;
  }
  Expect& invalid_metric(const std::string& name, const std::string& reason) {
    invalid.emplace_back(name, reason);
    return *this;
  }
  Expect& kept(std::vector<Recommendation> recommendations) {
    history = std::move(recommendations);
    return *this;
  }
  Expect& up(std::vector<ScaleEvent> events) {
    up_events = std::move(events);
    return *this;
  }
  Expect& down(std::vector<ScaleEvent> events) {
    down_events = std::move(events);
    return *this;
  }
};

const Cond kValidMetricFound{"True", "ValidMetricFound"};
const Cond kWithinRange{"False", "DesiredWithinRange"};

// Upstream statusOk: rescaled, a valid metric, within range.
Expect rescaled(std::int32_t desired) {
  Expect e;
  e.desired = desired;
  e.able = Cond{"True", "SucceededRescale"};
  e.active = kValidMetricFound;
  e.limited = kWithinRange;
  return e;
}

// statusOk with AbleToScale=ReadyForNewScale: computed, nothing to change.
Expect unchanged(std::int32_t current) {
  Expect e = rescaled(current);
  e.able = Cond{"True", "ReadyForNewScale"};
  return e;
}

// No replica count could be computed: no change, ScalingActive=False with the reason, no ScalingLimited.
Expect failed(std::int32_t current, const std::string& reason) {
  Expect e;
  e.desired = current;
  e.able = Cond{"True", "SucceededGetScale"};
  e.active = Cond{"False", reason};
  e.nothing_computed = true;
  return e;
}

// The out-of-range branches: rescaled to the bound without computing metrics; HPA sets only AbleToScale.
Expect clamped(std::int32_t desired) {
  Expect e;
  e.desired = desired;
  e.able = Cond{"True", "SucceededRescale"};
  e.limits = std::nullopt;  // whether hpad names this a TooFew/TooManyReplicas limit is its own call
  e.nothing_computed = true;
  return e;
}

// --- The runner ----------------------------------------------------------------------------------

const Condition* find_condition(const Decision& d, std::string_view type) {
  for (const Condition& c : d.conditions) {
    if (c.type == type) {
      return &c;
    }
  }
  return nullptr;
}

const MetricOutcome* find_metric(const Decision& d, std::string_view name) {
  for (const MetricOutcome& m : d.metrics) {
    if (m.name == name) {
      return &m;
    }
  }
  return nullptr;
}

void expect_condition(const Decision& d, std::string_view type, const std::optional<Cond>& want) {
  const Condition* got = find_condition(d, type);
  if (!want) {
    if (got != nullptr) {
      ADD_FAILURE() << type << " should be absent, got " << got->status << "/" << got->reason;
    }
    return;
  }
  if (got == nullptr) {
    ADD_FAILURE() << type << " is missing, want " << want->status << "/" << want->reason;
    return;
  }
  EXPECT_EQ(got->status, want->status) << type;
  EXPECT_EQ(got->reason, want->reason) << type;
}

void expect_history(const std::vector<Recommendation>& got, const std::vector<Recommendation>& want) {
  ASSERT_EQ(got.size(), want.size()) << "recommendations";
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].replicas, want[i].replicas) << "recommendation " << i;
    EXPECT_EQ(got[i].timestamp, want[i].timestamp) << "recommendation " << i;
  }
}

void expect_events(const std::vector<ScaleEvent>& got, const std::vector<ScaleEvent>& want, const char* what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].replica_change, want[i].replica_change) << what << " " << i;
    EXPECT_EQ(got[i].timestamp, want[i].timestamp) << what << " " << i;
    EXPECT_EQ(got[i].outdated, want[i].outdated) << what << " " << i;
  }
}

void check(const DecisionInput& in, const Expect& e) {
  const std::vector<PolicyError> errors = validate_policy(in.policy, "case");
  ASSERT_TRUE(errors.empty()) << "the case's policy is invalid: " << errors.front().to_string();

  const Decision d = decide(in);
  EXPECT_EQ(d.current_replicas, in.scale.spec_replicas);
  EXPECT_EQ(d.desired_replicas, e.desired);
  EXPECT_EQ(d.scale, e.desired != in.scale.spec_replicas);
  expect_condition(d, "AbleToScale", e.able);
  expect_condition(d, "ScalingActive", e.active);
  expect_condition(d, "ScalingLimited", e.limited);
  if (e.limits) {
    EXPECT_EQ(d.limits, *e.limits);
  }

  const std::string& first = in.policy.metrics.front().name;
  if (e.utilization || e.value) {
    const MetricOutcome* m = find_metric(d, first);
    ASSERT_NE(m, nullptr) << "no outcome for metric " << first;
    EXPECT_TRUE(m->valid) << first;
    if (e.utilization) {
      EXPECT_EQ(m->average_utilization, e.utilization) << first;
    }
    if (e.value) {
      ASSERT_TRUE(m->value.has_value()) << first;
      EXPECT_NEAR(*m->value, *e.value, 1e-9) << first;
    }
  }
  for (const auto& [name, reason] : e.invalid) {
    const MetricOutcome* m = find_metric(d, name);
    ASSERT_NE(m, nullptr) << "no outcome for metric " << name;
    EXPECT_FALSE(m->valid) << name;
    EXPECT_EQ(m->reason, reason) << name;
  }

  if (e.nothing_computed) {
    EXPECT_FALSE(d.recommendation.metrics.has_value()) << "no replica count was computed";
  }
  if (e.rec_metrics) {
    EXPECT_EQ(d.recommendation.metrics, e.rec_metrics);
  }
  if (e.rec_stabilized) {
    EXPECT_EQ(d.recommendation.stabilized, e.rec_stabilized);
  }
  if (e.rec_limited) {
    EXPECT_EQ(d.recommendation.limited, e.rec_limited);
  }
  EXPECT_EQ(d.recommendation.final_replicas, e.desired);

  if (e.history) {
    ASSERT_TRUE(d.state.normalization.recommendations.has_value());
    expect_history(*d.state.normalization.recommendations, *e.history);
  }
  if (e.up_events) {
    expect_events(d.state.normalization.scale_up_events, *e.up_events, "scaleUpEvents");
  }
  if (e.down_events) {
    expect_events(d.state.normalization.scale_down_events, *e.down_events, "scaleDownEvents");
  }
}

struct Case {
  std::string name;
  Scenario scenario;
  Expect expect;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.name;
}

std::string case_name(const testing::TestParamInfo<Case>& info) {
  return info.param.name;
}

class DecideHpa : public testing::TestWithParam<Case> {};

TEST_P(DecideHpa, MatchesKubeControllerManager) {
  check(GetParam().scenario.input(), GetParam().expect);
}

// Shorthands for the most common clusters of upstream's tests.
Scenario three_pods_at(std::int32_t min, std::int32_t max, std::vector<std::int64_t> levels) {
  return Scenario(min, max, 3, 3).cpu(30).pod_count(3).cpu_levels(levels);
}
Scenario five_pods_scaling_down() {  // 100+300+500+250+250 = 1400 of 5000 requested: 28%
  return Scenario(2, 6, 5, 5).cpu(50).pod_count(5).cpu_levels({100, 300, 500, 250, 250});
}
// External AverageValue with target 1 and status.replicas = current: recommends exactly `desired` (ceil(usage /
// target)) whenever desired / current is outside the tolerance band, with no pods involved.
Scenario recommending(std::int32_t min, std::int32_t max, std::int32_t current, std::int32_t desired) {
  return Scenario(min, max, current, current).external_average("1").values("qps", {desired * 1000});
}

// --- TestScaleUp* --------------------------------------------------------------------------------

INSTANTIATE_TEST_SUITE_P(
    ScaleUp, DecideHpa,
    testing::Values(
        // 300+500+700 of 3000 requested = 50%; 50/30 = 1.67; ceil(1.67 x 3 ready) = 5. Raw average 500m.
        Case{"ScaleUp", three_pods_at(2, 6, {300, 500, 700}), rescaled(5).util(50).val(0.5).recs(5, 5, 5)},
        // container1 only: 150+250+350 of 3 x 500m = 50% -> 5; raw average 250m.
        Case{"ScaleUpContainer",
             Scenario(2, 6, 3, 3).container_cpu("container1", 30).pod_count(3).container_levels({300, 500, 700}),
             rescaled(5).util(50).val(0.25)},
        // test-pod-0 never became ready: only 500+700 of 2000 count = 60% (reported). Scaling up with an unready pod:
        // it counts as 0: 1200/3000 = 40%, 40/30 = 1.33, ceil(1.33 x 3) = 4 (5 if it were ignored).
        Case{"ScaleUpUnreadyLessScale", three_pods_at(2, 6, {300, 500, 700}).ready({kF, kT, kT}), rescaled(4).util(60)},
        // test-pod-0 started now: still initializing, its sample is within a window of becoming ready -> unready; as
        // above.
        Case{"ScaleUpHotCpuLessScale", three_pods_at(2, 6, {300, 500, 700}).started({kHot, kCool, kCool}),
             rescaled(4).util(60)},
        // Only test-pod-0 is ready: 400/1000 = 40% (1.33 up); with two unready pods at 0: 400/3000 = 13% -> the
        // direction flips, so HPA keeps 3.
        Case{"ScaleUpUnreadyNoScale", three_pods_at(2, 6, {400, 500, 700}).ready({kT, kF, kF}), unchanged(3).util(40)},
        Case{"ScaleUpHotCpuNoScale",
             three_pods_at(2, 6, {400, 500, 700}).ready({kT, kF, kF}).started({kCool, kHot, kHot}),
             unchanged(3).util(40)},
        // Two Failed pods are ignored: 500+700 of 2000 = 60%, 2.0 x 2 ready = 4.
        Case{"ScaleUpIgnoresFailedPods",
             Scenario(2, 6, 2, 2)
                 .cpu(30)
                 .pod_count(4)
                 .ready({kT, kT, kF, kF})
                 .phases({PodPhase::kRunning, PodPhase::kRunning, PodPhase::kFailed, PodPhase::kFailed})
                 .cpu_levels({500, 700}),
             rescaled(4).util(60)},
        Case{"ScaleUpIgnoresDeletionPods",
             Scenario(2, 6, 2, 2)
                 .cpu(30)
                 .pod_count(4)
                 .ready({kT, kT, kF, kF})
                 .deleting({false, false, true, true})
                 .cpu_levels({500, 700}),
             rescaled(4).util(60)},
        // Pods metric: (20+10+30)/3 = 20 per pod vs 15: 1.33 x 3 = 4.
        Case{"ScaleUpCM", Scenario(2, 6, 3, 3).pods_metric("15").pod_count(3).per_pod("qps", {20000, 10000, 30000}),
             rescaled(4).val(20)},
        // Readiness does not matter for Pods metrics: (50+10+30)/3 = 30 vs 15 = 2.0 x 3 = 6 (= maxReplicas).
        Case{"ScaleUpCMUnreadyAndHotCpuNoLessScale",
             Scenario(2, 6, 3, 3)
                 .pods_metric("15")
                 .pod_count(3)
                 .ready({kT, kT, kF})
                 .started({kCool, kCool, kHot})
                 .per_pod("qps", {50000, 10000, 30000}),
             rescaled(6).val(30)},
        // 95000m / 3 = 31666m per pod; 31666/15000 = 2.11; ceil(6.33) = 7 > max 6 -> TooManyReplicas.
        Case{"ScaleUpCMUnreadyAndCpuHot",
             Scenario(2, 6, 3, 3)
                 .pods_metric("15")
                 .pod_count(3)
                 .ready({kF, kT, kF})
                 .started({kHot, kCool, kHot})
                 .per_pod("qps", {50000, 15000, 30000}),
             rescaled(6).limited_by("TooManyReplicas").recs(7, 7, 6)},
        Case{"ScaleUpHotCpuNoScaleWouldScaleDown",
             Scenario(2, 6, 3, 3)
                 .pods_metric("15")
                 .pod_count(3)
                 .started({kHot, kCool, kHot})
                 .per_pod("qps", {50000, 15000, 30000}),
             rescaled(6).limited_by("TooManyReplicas")},
        // Object Value: 20/15 = 1.33 x 3 ready pods = 4.
        Case{"ScaleUpCMObject", Scenario(2, 6, 3, 3).object_value("15").pod_count(3).values("qps", {20000}),
             rescaled(4).val(20)},
        // From zero: ceil(ratio) with no pods and no tolerance: ceil(20/15) = 2; ceil(1000m/1) = 1.
        Case{"ScaleUpFromZeroCMObject", Scenario(0, 6, 0, 0).object_value("15").values("qps", {20000}),
             rescaled(2).val(20)},
        Case{"ScaleUpFromZeroIgnoresToleranceCMObject", Scenario(0, 6, 0, 0).object_value("1").values("qps", {1000}),
             rescaled(1)},
        // Object AverageValue: 40 / (10 x 3 status replicas) = 1.33 -> ceil(40/10) = 4; per pod ceil(40000m/3) =
        // 13334m.
        Case{"ScaleUpPerPodCMObject", Scenario(2, 6, 3, 3).object_average("10").pod_count(3).values("qps", {40000}),
             rescaled(4).val(13.334)},
        // External Value: 8600/6666 = 1.29 x 3 ready = 3.87 -> 4.
        Case{"ScaleUpCMExternal", Scenario(2, 6, 3, 3).external_value("6666m").pod_count(3).values("qps", {8600}),
             rescaled(4).val(8.6)},
        // External AverageValue: 8600 / (2222 x 3) = 1.29 -> ceil(8600/2222) = 4; per pod ceil(8600/3) = 2867m.
        Case{"ScaleUpPerPodCMExternal",
             Scenario(2, 6, 3, 3).external_average("2222m").pod_count(3).values("qps", {8600}),
             rescaled(4).val(2.867)}),
    case_name);

// --- TestScaleDown* ------------------------------------------------------------------------------

INSTANTIATE_TEST_SUITE_P(
    ScaleDown, DecideHpa,
    testing::Values(
        // 28% vs 50: 0.56 x 5 = 2.8 -> 3. The history was seen and empty, so nothing holds it.
        Case{"ScaleDown", five_pods_scaling_down().seen(),
             rescaled(3).util(28).val(0.28).recs(3, 3, 3).kept({{3, kNow}})},
        // container2: 50+150+250+125+125 = 700 of 2500 = 28% -> 3; raw average 140m.
        Case{"ScaleDownContainerResource",
             Scenario(2, 6, 5, 5)
                 .container_cpu("container2", 50)
                 .pod_count(5)
                 .container_levels({100, 300, 500, 250, 250})
                 .seen(),
             rescaled(3).util(28).val(0.14)},
        // With a behavior (scaleUp given, scaleDown defaulted: the controller's 300 s window, 100%/15 s): the empty
        // history holds nothing; 5 -> 3 is within 100%; the scale-down event (5 - 3 = 2) is recorded.
        Case{"ScaleDownWithScalingRules",
             five_pods_scaling_down().seen().with_behavior(behavior(generated(0, 0, 100, 15, 30))),
             rescaled(3).util(28).down({{2, kNow, false}}).up({})},
        // Never seen: HPA seeds the history with 5 now, and the 5-minute window holds the scale-down at 5.
        Case{"ScaleDownStabilizeInitialSize", five_pods_scaling_down(),
             unchanged(5).stabilized_by("ScaleDownStabilized").util(28).recs(3, 5, 5).kept({{5, kNow}, {3, kNow}})},
        // Pods metric: 12 per pod vs 20 = 0.6 x 5 = 3.
        Case{"ScaleDownCM",
             Scenario(2, 6, 5, 5)
                 .pods_metric("20")
                 .pod_count(5)
                 .per_pod("qps", {12000, 12000, 12000, 12000, 12000})
                 .seen(),
             rescaled(3).val(12)},
        // Object Value: 12/20 = 0.6 x 5 ready = 3.
        Case{"ScaleDownCMObject", Scenario(2, 6, 5, 5).object_value("20").pod_count(5).values("qps", {12000}).seen(),
             rescaled(3).val(12)},
        // 0/20 = 0 x 5 = 0, allowed with minReplicas 0.
        Case{"ScaleDownToZeroCMObject", Scenario(0, 6, 5, 5).object_value("20").pod_count(5).values("qps", {0}).seen(),
             rescaled(0).val(0)},
        // Object AverageValue: 60 / (20 x 5) = 0.6 -> ceil(60/20) = 3; per pod 60/5 = 12.
        Case{"ScaleDownPerPodCMObject",
             Scenario(2, 6, 5, 5).object_average("20").pod_count(5).values("qps", {60000}).seen(), rescaled(3).val(12)},
        // External Value: 8600/14400 = 0.597 x 5 ready = 2.99 -> 3.
        Case{"ScaleDownCMExternal",
             Scenario(2, 6, 5, 5).external_value("14400m").pod_count(5).values("qps", {8600}).seen(),
             rescaled(3).val(8.6)},
        Case{"ScaleDownToZeroCMExternal",
             Scenario(0, 6, 5, 5).external_value("14400m").pod_count(5).values("qps", {0}).seen(), rescaled(0)},
        // External AverageValue: 8600 / (3000 x 5) = 0.57 -> ceil(8600/3000) = 3; per pod 8600/5 = 1720m.
        Case{"ScaleDownPerPodCMExternal", Scenario(2, 6, 5, 5).external_average("3000m").values("qps", {8600}).seen(),
             rescaled(3).val(1.72)},
        // Two pods never became ready: 100+300+500 of 3000 = 30% (reported); scaling down, so ready pods only:
        // 0.6 x 3 ready = 1.8 -> 2 (unready pods are not assumed at 0 on a scale-down).
        Case{"ScaleDownIncludeUnreadyPods", five_pods_scaling_down().ready({kT, kT, kT, kF, kF}).seen(),
             rescaled(2).util(30)},
        Case{"ScaleDownIgnoreHotCpuPods", five_pods_scaling_down().started({kCool, kCool, kCool, kHot, kHot}).seen(),
             rescaled(2).util(30)},
        // Two Failed / deleting pods without samples are ignored, not missing: 28% -> 3.
        Case{"ScaleDownIgnoresFailedPods",
             Scenario(2, 6, 5, 5)
                 .cpu(50)
                 .pod_count(7)
                 .ready({kT, kT, kT, kT, kT, kF, kF})
                 .phases({PodPhase::kRunning, PodPhase::kRunning, PodPhase::kRunning, PodPhase::kRunning,
                          PodPhase::kRunning, PodPhase::kFailed, PodPhase::kFailed})
                 .cpu_levels({100, 300, 500, 250, 250})
                 .seen(),
             rescaled(3).util(28)},
        Case{"ScaleDownIgnoresDeletionPods",
             Scenario(2, 6, 5, 5)
                 .cpu(50)
                 .pod_count(7)
                 .ready({kT, kT, kT, kT, kT, kF, kF})
                 .deleting({false, false, false, false, false, true, true})
                 .cpu_levels({100, 300, 500, 250, 250})
                 .seen(),
             rescaled(3).util(28)},
        // TestStabilizeDownscale: 150m of 300m = 50% vs 100 -> ceil(0.5 x 3) = 2; of the history only 4 (1 min ago)
        // is inside the 5 min window, so max(2, 4) = 4 = current. The new 2 replaces the stale 10.
        Case{"StabilizeDownscale",
             Scenario(1, 5, 4, 4)
                 .cpu(100)
                 .pods({100, 100, 100})
                 .cpu_levels({50, 50, 50})
                 .history({{10, ago(600)}, {4, ago(60)}}),
             unchanged(4).stabilized_by("ScaleDownStabilized").recs(2, 4, 4).kept({{2, kNow}, {4, ago(60)}})},
        // TestMissingMetrics: two pods report 400 and 94 (47 + 47) of 2000 = 24%; scaling down, the two missing pods
        // count at their request x max(100, 100)% = 1000m: 2494/4000 = 62% -> ceil(0.62 x 4) = 3.
        Case{"MissingMetrics", Scenario(2, 6, 4, 4).cpu(100).pod_count(4).cpu_levels({400, 95}).seen(),
             rescaled(3).util(24)},
        // TestMissingReports: one pod at 200m of 200m = 100% vs 50 = 2.0 x 1 ready pod = 2 (spec says 4).
        Case{"MissingReports", Scenario(1, 5, 4, 4).cpu(50).pods({200}).cpu_levels({200}).seen(),
             rescaled(2).util(100)}),
    case_name);

// --- TestTolerance*, TestComputedToleranceAlgImplementation, Tolerances (KEP-4951) -----------------

INSTANTIATE_TEST_SUITE_P(
    Tolerance, DecideHpa,
    testing::Values(
        // 1010+1030+1020 of 900+1000+1100 = 102%: 1.02 is within 0.1.
        Case{"Tolerance", Scenario(1, 5, 3, 3).cpu(100).pods({900, 1000, 1100}).cpu_levels({1010, 1030, 1020}),
             unchanged(3).util(102)},
        // (20000+20001+21000)/3 = 20333m vs 20: 1.017.
        Case{"ToleranceCM",
             Scenario(1, 5, 3, 3).pods_metric("20").pods({900, 1000, 1100}).per_pod("qps", {20000, 20001, 21000}),
             unchanged(3)},
        Case{"ToleranceCMObject",  // 20050/20000 = 1.0025
             Scenario(1, 5, 3, 3).object_value("20").pods({900, 1000, 1100}).values("qps", {20050}), unchanged(3)},
        Case{"ToleranceCMExternal",  // 8600/8666 = 0.992
             Scenario(2, 6, 4, 4).external_value("8666m").pod_count(4).values("qps", {8600}), unchanged(4)},
        Case{"TolerancePerPodCMObject",  // 8600 / (2200 x 4) = 0.977; per pod 8600/4 = 2150m
             Scenario(2, 6, 4, 4).object_average("2200m").values("qps", {8600}), unchanged(4).val(2.15)},
        Case{"TolerancePerPodCMExternal", Scenario(2, 6, 4, 4).external_average("2200m").values("qps", {8600}),
             unchanged(4).val(2.15)},
        // TestComputedToleranceAlgImplementation: requests 300m +-100/10/2/1/0 (halved per container: 2998m in all),
        // 150m used each: 150000/2998 = 50%. Target 56: 50/56 = 0.893 < 0.9 -> ceil(8.93) = 9. Target 55: 0.909 is
        // within -> 10. (Upstream's minReplicas 0 is not valid for a cpu-only hpad policy; 1 changes nothing here.)
        Case{"ComputedToleranceJustOutside",
             Scenario(1, 1000, 10, 10)
                 .cpu(56)
                 .pods({400, 200, 310, 290, 302, 298, 301, 299, 300, 300})
                 .cpu_levels(std::vector<std::int64_t>(10, 150))
                 .seen(),
             rescaled(9).util(50)},
        Case{"ComputedToleranceJustInside",
             Scenario(1, 1000, 10, 10)
                 .cpu(55)
                 .pods({400, 200, 310, 290, 302, 298, 301, 299, 300, 300})
                 .cpu_levels(std::vector<std::int64_t>(10, 150))
                 .seen(),
             unchanged(10).util(50)},
        // TestEventCreated / TestEventNotCreated (events are not ours; the numbers are): 200m of 200m = 100% vs 50 ->
        // 2; 2 x 200m of 2 x 400m = 50% vs 50 -> 1.0, stays.
        Case{"EventCreatedScalesUp", Scenario(1, 5, 1, 1).cpu(50).pods({200}).cpu_levels({200}), rescaled(2)},
        Case{"EventNotCreatedStays", Scenario(1, 5, 2, 2).cpu(50).pods({400, 400}).cpu_levels({200, 200}),
             unchanged(2)},
        // TestMoreReplicasThanSpecNoScale: a 25% surge: 5 pods at 50% vs 50 -> within, stays at spec 4.
        Case{"MoreReplicasThanSpecNoScale",
             Scenario(1, 8, 4, 5).cpu(50).pod_count(5).cpu_levels({500, 500, 500, 500, 500}), unchanged(4).util(50)},
        // KEP-4951 (upstream integration test TestHPAWithTolerance): External AverageValue 100 per pod, tolerances
        // 5% up / 50% down. 3700 / (100 x 35) = 1.057 > 1.05 -> ceil(37) = 37; the default 10% would hold 35.
        Case{"ScaleUpToleranceFromBehavior",
             Scenario(1, 1000, 35, 35)
                 .external_average("100")
                 .values("qps", {3'700'000})
                 .seen()
                 .with_behavior(tolerances(0.05, 0.5)),
             rescaled(37)},
        Case{"ControllerToleranceWithoutBehavior",
             Scenario(1, 1000, 35, 35).external_average("100").values("qps", {3'700'000}).seen(), unchanged(35)},
        // 3800 / 3700 = 1.027 <= 1.05: stays.
        Case{"WithinBehaviorScaleUpTolerance",
             Scenario(1, 1000, 37, 37)
                 .external_average("100")
                 .values("qps", {3'800'000})
                 .seen()
                 .with_behavior(tolerances(0.05, 0.5)),
             unchanged(37)},
        // 1000 / 3700 = 0.27 < 0.5 -> ceil(10) = 10; the empty history holds nothing, 100%/15 s allows it.
        Case{"BelowBehaviorScaleDownTolerance",
             Scenario(1, 1000, 37, 37)
                 .external_average("100")
                 .values("qps", {1'000'000})
                 .seen()
                 .with_behavior(tolerances(0.05, 0.5)),
             rescaled(10)},
        // 800 / 1000 = 0.8 >= 0.5: stays.
        Case{"WithinBehaviorScaleDownTolerance",
             Scenario(1, 1000, 10, 10)
                 .external_average("100")
                 .values("qps", {800'000})
                 .seen()
                 .with_behavior(tolerances(0.05, 0.5)),
             unchanged(10)},
        // cpu at 85% vs 100: 0.85 is outside the default band (ceil(8.5) = 9) but within a 20% scale-down tolerance.
        Case{"CpuScaleDownWithControllerTolerance",
             Scenario(1, 20, 10, 10).cpu(100).pod_count(10).cpu_levels(std::vector<std::int64_t>(10, 850)).seen(),
             rescaled(9).util(85)},
        Case{"CpuScaleDownToleranceWidensBand",
             Scenario(1, 20, 10, 10)
                 .cpu(100)
                 .pod_count(10)
                 .cpu_levels(std::vector<std::int64_t>(10, 850))
                 .seen()
                 .with_behavior(tolerances(std::nullopt, 0.2)),
             unchanged(10).util(85)},
        // cpu at 105%: within the default band; a scale-up tolerance of 0 scales: ceil(1.05 x 10) = 11.
        Case{"CpuScaleUpToleranceZero",
             Scenario(1, 20, 10, 10)
                 .cpu(100)
                 .pod_count(10)
                 .cpu_levels(std::vector<std::int64_t>(10, 1050))
                 .seen()
                 .with_behavior(tolerances(0.0, std::nullopt)),
             rescaled(11).util(105)},
        Case{"CpuScaleUpWithinControllerTolerance",
             Scenario(1, 20, 10, 10).cpu(100).pod_count(10).cpu_levels(std::vector<std::int64_t>(10, 1050)).seen(),
             unchanged(10).util(105)}),
    case_name);

// --- TestMinReplicas, TestMaxReplicas, TestZeroReplicas, TestTooFew/TooManyReplicas, TestUpscaleCap* -----------

INSTANTIATE_TEST_SUITE_P(
    Bounds, DecideHpa,
    testing::Values(
        // 10 + 94 (47+47) + 10 = 114m of 3000m = 3% (integer) vs 90 -> ceil(0.033 x 3) = 1 < min 2.
        Case{"MinReplicas", Scenario(2, 5, 3, 3).cpu(90).pods({900, 1000, 1100}).cpu_levels({10, 95, 10}).seen(),
             rescaled(2).limited_by("TooFewReplicas").util(3).recs(1, 1, 2)},
        // 0% -> 0 replicas, below min 2.
        Case{"MinReplicasDesiredZero",
             Scenario(2, 5, 3, 3).cpu(90).pods({900, 1000, 1100}).cpu_levels({0, 0, 0}).seen(),
             rescaled(2).limited_by("TooFewReplicas").util(0).recs(0, 0, 2)},
        // minReplicas 0 needs an Object or External metric in hpad: the idle cpu (0 -> 0) and an idle queue
        // (0/1 x 3 ready = 0) both say 0, and 0 is within [0, 5].
        Case{"ZeroMinReplicasDesiredZero",
             Scenario(0, 5, 3, 3)
                 .cpu(90)
                 .external_value("1", "queue")
                 .pods({900, 1000, 1100})
                 .cpu_levels({0, 0, 0})
                 .values("queue", {0})
                 .seen(),
             rescaled(0).util(0)},
        // 8000 + 9500 + 1000 of 3000 = 616% vs 90 = 6.84 x 3 = 20.5 -> 21; the cap is max(8 x 3, 4) = 24, max 5
        // binds.
        Case{"MaxReplicas", Scenario(2, 5, 3, 3).cpu(90).pods({900, 1000, 1100}).cpu_levels({8000, 9500, 1000}),
             rescaled(5).limited_by("TooManyReplicas").util(616).recs(21, 21, 5)},
        // TestSuperfluousMetrics: samples of two pods that do not exist are left out: 23500m of 4000m = 587% ->
        // ceil(5.87 x 4) = 24 > max 6.
        Case{"SuperfluousMetrics",
             Scenario(2, 6, 4, 4).cpu(100).pod_count(4).cpu_levels({4000, 9500, 3000, 7000, 3200, 2000}),
             rescaled(6).limited_by("TooManyReplicas").util(587)},
        // spec.replicas 0 with minReplicas 3: scaling is disabled, nothing is computed.
        Case{"ZeroReplicas", Scenario(3, 5, 0, 0).cpu(90), failed(0, "ScalingDisabled")},
        // Out of [min, max]: straight to the bound, no metrics (the pods report nothing at all).
        Case{"TooFewReplicas", Scenario(3, 5, 2, 2).cpu(90), clamped(3)},
        Case{"TooManyReplicas", Scenario(3, 5, 10, 10).cpu(90), clamped(5)},
        Case{"ScaleUpRCImmediately",
             Scenario(2, 6, 1, 1).cpu(50).pod_count(4).cpu_levels({0, 0, 0, 0}).last_scale_time(kNow), clamped(2)},
        Case{"ScaleDownRCImmediately",
             Scenario(2, 5, 6, 6).cpu(50).pods({900, 1000, 1100}).cpu_levels({8000, 9500, 1000}).last_scale_time(kNow),
             clamped(5)},
        // TestUpscaleCap: 600m of 300m = 200% vs 10 = 20 x 3 = 60; scaleUp Percent 700%/60 s allows ceil(3 x 8) = 24.
        Case{"UpscaleCap",
             Scenario(1, 100, 3, 3)
                 .cpu(10)
                 .pods({100, 100, 100})
                 .cpu_levels({100, 200, 300})
                 .with_behavior(behavior(generated(0, 0, 700, 60, 0))),
             rescaled(24).limited_by("ScaleUpLimit").util(200).recs(60, 60, 24).up({{21, kNow, false}})},
        // Same with max 20 < 24: maxReplicas binds.
        Case{"UpscaleCapGreaterThanMaxReplicas",
             Scenario(1, 20, 3, 3)
                 .cpu(10)
                 .pods({100, 100, 100})
                 .cpu_levels({100, 200, 300})
                 .with_behavior(behavior(generated(0, 0, 700, 60, 0))),
             rescaled(20).limited_by("TooManyReplicas").recs(60, 60, 20).up({{17, kNow, false}})},
        // Without behavior the cap is max(8 x current, 4): 3 -> 60 wanted, 24 allowed.
        Case{"NoBehaviorScaleUpLimit", Scenario(1, 100, 3, 3).cpu(10).pods({100, 100, 100}).cpu_levels({100, 200, 300}),
             rescaled(24).limited_by("ScaleUpLimit").recs(60, 60, 24).up({})},
        // From zero the cap is the minimum, 4: External 50 vs 1 from zero -> ceil(50) = 50, 4 allowed.
        Case{"NoBehaviorScaleUpLimitFromZero", Scenario(0, 100, 0, 0).external_value("1").values("qps", {50000}),
             rescaled(4).limited_by("ScaleUpLimit").recs(50, 50, 4)}),
    case_name);

// --- Invalid metrics, selectors and failing metric queries ------------------------------------------

INSTANTIATE_TEST_SUITE_P(
    Conditions, DecideHpa,
    testing::Values(
        // TestScaleUpOneMetricInvalid (our invalid metric is a failing query; hpad has no invalid source types):
        // cpu 1200/3000 = 40% vs 30 -> 4 >= 3, so HPA scales up despite the invalid metric.
        Case{"ScaleUpOneMetricInvalid", three_pods_at(2, 6, {300, 400, 500}).pods_metric("15").failing("qps"),
             rescaled(4).util(40).invalid_metric("qps", "FailedGetPodsMetric")},
        Case{"ScaleUpOneMetricEmpty", three_pods_at(2, 6, {300, 400, 500}).external_value("100m").failing("qps"),
             rescaled(4).util(40).invalid_metric("qps", "FailedGetExternalMetric")},
        // From zero with minReplicas 0: cpu from 0 replicas is ceil(1.33 x 3 ready) = 4 (= the cap max(0, 4)).
        Case{"ScaleUpFromZeroOneMetricInvalid",
             Scenario(0, 6, 0, 0)
                 .cpu(30)
                 .external_value("1")
                 .pod_count(3)
                 .cpu_levels({300, 400, 500})
                 .failing("qps")
                 .seen(),
             rescaled(4).util(40).invalid_metric("qps", "FailedGetExternalMetric")},
        // cpu says 3 (< 5), but a metric is invalid: no scale-down, ScalingActive carries the invalid one's reason.
        Case{"NoScaleDownOneMetricInvalid", five_pods_scaling_down().pods_metric("15").failing("qps").seen(),
             failed(5, "FailedGetPodsMetric").invalid_metric("qps", "FailedGetPodsMetric")},
        Case{"NoScaleDownOneMetricEmpty", five_pods_scaling_down().external_value("1").failing("qps").seen(),
             failed(5, "FailedGetExternalMetric")},
        // TestScaleUpBothMetricsEmpty: every metric invalid -> nothing; the first invalid metric's reason.
        Case{"AllMetricsEmpty",
             Scenario(2, 6, 3, 3).cpu(30).external_value("1").pod_count(3).no_samples("cpu").failing("qps"),
             failed(3, "FailedGetResourceMetric").invalid_metric("qps", "FailedGetExternalMetric")},
        // TestEmptyMetrics: no samples at all.
        Case{"EmptyMetrics", Scenario(2, 6, 4, 4).cpu(100).pod_count(4).no_samples("cpu"),
             failed(4, "FailedGetResourceMetric")},
        // TestEmptyCPURequest: upstream's setup lists no pods at all; a pod without a cpu request fails the same way.
        Case{"EmptyCPURequestNoPods", Scenario(1, 5, 1, 1).cpu(100).cpu_levels({200}),
             failed(1, "FailedGetResourceMetric")},
        Case{"EmptyCPURequest", Scenario(1, 5, 1, 1).cpu(100).pod_count(1).without_requests().cpu_levels({200}),
             failed(1, "FailedGetResourceMetric")},
        // TestConditionInvalidSelectorMissing / Unparsable.
        Case{"InvalidSelectorMissing",
             Scenario(1, 100, 3, 3).cpu(10).pods({100, 100, 100}).cpu_levels({100, 200, 300}).selector(""),
             failed(3, "InvalidSelector")},
        Case{
            "InvalidSelectorUnparsable",
            Scenario(1, 100, 3, 3).cpu(10).pods({100, 100, 100}).cpu_levels({100, 200, 300}).selector("cheddar cheese"),
            failed(3, "InvalidSelector")},
        Case{"InvalidSelectorUnbalanced",
             Scenario(1, 100, 3, 3).cpu(10).pods({100, 100, 100}).cpu_levels({100, 200, 300}).selector("app=)"),
             failed(3, "InvalidSelector")},
        // TestConditionFailedGetMetrics, one per metric type (and ContainerResource), plus a metric nobody queried.
        Case{"FailedGetResourceMetric", Scenario(1, 100, 3, 3).cpu(10).pods({100, 100, 100}).failing("cpu"),
             failed(3, "FailedGetResourceMetric")},
        Case{"FailedGetContainerResourceMetric",
             Scenario(1, 100, 3, 3).container_cpu("container1", 10).pods({100, 100, 100}).failing("cpu"),
             failed(3, "FailedGetContainerResourceMetric")},
        Case{"FailedGetPodsMetric", Scenario(1, 100, 3, 3).pods_metric("15").pods({100, 100, 100}).failing("qps"),
             failed(3, "FailedGetPodsMetric")},
        Case{"FailedGetObjectMetric", Scenario(1, 100, 3, 3).object_value("15").pods({100, 100, 100}).failing("qps"),
             failed(3, "FailedGetObjectMetric")},
        Case{"FailedGetExternalMetric",
             Scenario(1, 100, 3, 3).external_value("300m").pods({100, 100, 100}).failing("qps"),
             failed(3, "FailedGetExternalMetric")},
        Case{"MissingObservationIsAFailedGet", Scenario(1, 100, 3, 3).external_value("300m").pods({100, 100, 100}),
             failed(3, "FailedGetExternalMetric")},
        // TestNoBackoffUpscaleCM: a scale a moment ago does not hold the next one (4 from the Pods metric).
        Case{"NoBackoffUpscaleCM",
             Scenario(1, 5, 3, 3)
                 .pods_metric("15")
                 .pod_count(3)
                 .per_pod("qps", {20000, 10000, 30000})
                 .last_scale_time(kNow),
             rescaled(4)},
        // TestNoBackoffUpscaleCMNoBackoffCpu: cpu 60000m of 3000m = 2000% vs 10 -> 600, qps -> 4; the max, 600, is
        // capped by max 5.
        Case{"NoBackoffUpscaleCMNoBackoffCpu",
             Scenario(1, 5, 3, 3)
                 .cpu(10)
                 .pods_metric("15")
                 .pod_count(3)
                 .cpu_levels({20000, 10000, 30000})
                 .per_pod("qps", {20000, 10000, 30000})
                 .last_scale_time(kNow),
             rescaled(5).limited_by("TooManyReplicas").util(2000).recs(600, 600, 5)}),
    case_name);

// --- TestNormalizeDesiredReplicas[WithBehavior], end to end ----------------------------------------

INSTANTIATE_TEST_SUITE_P(
    Normalize, DecideHpa,
    testing::Values(
        // No behavior, 5-minute window, the metrics say 3 (from 5).
        // {4 @ -2 min, 5 @ -1 min}: max(3, 4, 5) = 5 holds; 3 is appended.
        Case{"Stabilize", recommending(1, 10, 5, 3).history({{4, ago(120)}, {5, ago(60)}}),
             unchanged(5)
                 .stabilized_by("ScaleDownStabilized")
                 .recs(3, 5, 5)
                 .kept({{4, ago(120)}, {5, ago(60)}, {3, kNow}})},
        // {1, 2}: max(3, 1, 2) = 3.
        Case{"NoStabilize", recommending(1, 10, 5, 3).history({{1, ago(120)}, {2, ago(60)}}),
             rescaled(3).kept({{1, ago(120)}, {2, ago(60)}, {3, kNow}})},
        // Both older than 5 min: nothing holds; 3 replaces the last stale entry (9).
        Case{"NoStabilizeOldRecommendations", recommending(1, 10, 5, 3).history({{10, ago(600)}, {9, ago(540)}}),
             rescaled(3).kept({{10, ago(600)}, {3, kNow}})},
        // 4 and 5 are inside, 10 and 9 not: 5 holds; 3 replaces 9, the last stale one.
        Case{"StabilizeOldRecommendations",
             recommending(1, 10, 5, 3).history({{10, ago(600)}, {4, ago(60)}, {5, ago(120)}, {9, ago(540)}}),
             unchanged(5)
                 .stabilized_by("ScaleDownStabilized")
                 .kept({{10, ago(600)}, {4, ago(60)}, {5, ago(120)}, {3, kNow}})},
        // With behavior, scaleUp window 5 min, scaleDown window 0: 1 -> 7 goes only to the lowest recent
        // recommendation, 4 (default rate limits allow max(1 + 4, 2 x 1) = 5). The rescale succeeds, so AbleToScale
        // ends as SucceededRescale, not ScaleUpStabilized.
        Case{"SimpleScaleUpStabilization",
             recommending(1, 10, 1, 7)
                 .history({{4, ago(120)}, {5, ago(60)}})
                 .with_behavior(behavior(with_window(default_scale_up_rules(), 300),
                                         with_window(default_scale_down_rules(), 0))),
             rescaled(4).limits_are({"ScaleUpStabilized"}).recs(7, 4, 4).up({{3, kNow, false}})},
        // Both windows 5 min, history {2 @ -100 min, 1 @ -3 min}: up to 3 is held by the 1 in the up window -> 2.
        Case{"NoScaleDownWhenRecommendationGoesUp",
             recommending(1, 10, 2, 3)
                 .history({{2, ago(6000)}, {1, ago(180)}})
                 .with_behavior(behavior(with_window(default_scale_up_rules(), 300),
                                         with_window(default_scale_down_rules(), 300))),
             unchanged(2).stabilized_by("ScaleUpStabilized").recs(3, 2, 2)},
        // History {2 @ -100 min, 3 @ -3 min}: down to 1 is held by the 3 in the down window -> 2.
        Case{"NoScaleUpWhenRecommendationGoesDown",
             recommending(1, 10, 2, 1)
                 .history({{2, ago(6000)}, {3, ago(180)}})
                 .with_behavior(behavior(with_window(default_scale_up_rules(), 300),
                                         with_window(default_scale_down_rules(), 300))),
             unchanged(2).stabilized_by("ScaleDownStabilized").recs(1, 2, 2)},
        // Default behavior (up 0 s, down 300 s): both entries are older than both windows; 100 replaces the last one.
        // The rate limit lets 1 grow to max(1 + 4, 2 x 1) = 5.
        Case{"NoScaleUpStabilizationReusesStaleEntry",
             recommending(1, 1000, 1, 100).history({{10, ago(600)}, {9, ago(540)}}).with_behavior(behavior()),
             rescaled(5).limited_by("ScaleUpLimit").recs(100, 100, 5).kept({{10, ago(600)}, {100, kNow}})}),
    case_name);

// --- TestScalingWithRules, end to end (the metrics recommend exactly the prenormalized count) ------

INSTANTIATE_TEST_SUITE_P(
    ScalingWithRules, DecideHpa,
    testing::Values(
        // Defaults: max(10 + 4, 10 x 2) = 20.
        Case{"ScaleUpWithDefaultBehavior", recommending(1, 1000, 10, 50).seen().with_behavior(behavior()),
             rescaled(20).limited_by("ScaleUpLimit")},
        Case{"ScaleUpPodsPolicyLargerThanPercent",  // max(10 + 100, 10 x 2) = 110
             recommending(1, 1000, 10, 500).seen().with_behavior(behavior(generated(100, 60, 100, 60, 0))),
             rescaled(110).limited_by("ScaleUpLimit")},
        Case{"ScaleUpPercentPolicyLargerThanPods",  // max(10 + 2, 20) = 20
             recommending(1, 1000, 10, 500).seen().with_behavior(behavior(generated(2, 60, 100, 60, 0))),
             rescaled(20).limited_by("ScaleUpLimit")},
        Case{"ScaleUpPodPolicyLimitation",  // 10 + 30 = 40
             recommending(1, 1000, 10, 50).seen().with_behavior(behavior(generated(30, 60, 0, 0, 0))),
             rescaled(40).limited_by("ScaleUpLimit")},
        Case{"ScaleUpPercentPolicyLimitation",  // ceil(10 x 3) = 30
             recommending(1, 1000, 10, 50).seen().with_behavior(behavior(generated(0, 0, 200, 60, 0))),
             rescaled(30).limited_by("ScaleUpLimit")},
        Case{"ScaleUpLargePodPolicyWithinRange",  // 10 + 100 >= 50
             recommending(1, 1000, 10, 50).seen().with_behavior(behavior(generated(100, 60, 0, 0, 0))), rescaled(50)},
        // Default rate 200 allows more than max 150.
        Case{"ScaleUpAboveMaxReplicas", recommending(100, 150, 100, 1000).seen().with_behavior(behavior()),
             rescaled(150).limited_by("TooManyReplicas")},
        // Scale-down: Max selects the policy allowing the biggest change: min(100 - 20, int(100 x 0.99)) = 80.
        Case{"ScaleDownPercentPolicyLargerThanPods",
             recommending(1, 1000, 100, 2).seen().with_behavior(behavior(std::nullopt, generated(20, 60, 1, 60, 300))),
             rescaled(80).limited_by("ScaleDownLimit")},
        Case{"ScaleDownPodPolicyLargerThanPercent",  // min(98, 99) = 98
             recommending(1, 1000, 100, 2).seen().with_behavior(behavior(std::nullopt, generated(2, 60, 1, 60, 300))),
             rescaled(98).limited_by("ScaleDownLimit")},
        Case{"ScaleDownMinReplicasWithLargePercentPolicy",  // 100% allows 0; min 5 binds
             recommending(5, 1000, 10, 2).seen().with_behavior(behavior(std::nullopt, generated(0, 0, 100, 60, 300))),
             rescaled(5).limited_by("TooFewReplicas")},
        Case{"ScaleDownPodPolicyLimitation",  // 10 - 5 = 5 > min 1
             recommending(1, 1000, 10, 2).seen().with_behavior(behavior(std::nullopt, generated(5, 60, 0, 0, 300))),
             rescaled(5).limited_by("ScaleDownLimit")},
        // Up events 1, 5, 9 at -100, -60, -20 s. Pods 150 / 120 s: the period started at 100 - 15 = 85 -> 235.
        Case{"ScaleUpPodPolicyWithPreviousEvents",
             recommending(1, 1000, 100, 500)
                 .seen()
                 .up_events(uniform_events({1, 5, 9}, 120))
                 .with_behavior(behavior(generated(150, 120, 0, 0, 0))),
             rescaled(235).limited_by("ScaleUpLimit")},
        Case{"ScaleUpPercentPolicyWithPreviousEvents",  // ceil(85 x 3) = 255
             recommending(1, 1000, 100, 500)
                 .seen()
                 .up_events(uniform_events({1, 5, 9}, 120))
                 .with_behavior(behavior(generated(0, 0, 200, 120, 0))),
             rescaled(255).limited_by("ScaleUpLimit")},
        // Pods 5 / 120 s: 85 + 5 = 90 < current, so the limit is the current count: no scale.
        Case{"ScaleUpHeldAtCurrentByRecentEvents",
             recommending(1, 1000, 100, 500)
                 .seen()
                 .up_events(uniform_events({1, 5, 9}, 120))
                 .with_behavior(behavior(generated(5, 120, 0, 0, 0))),
             unchanged(100).limited_by("ScaleUpLimit").recs(500, 500, 100)},
        // Only the event at -20 s is inside 60 s (-60 s is not newer than now - 60 s): 91 + 300 > max 200.
        Case{"ScaleUpMaxReplicasWithPodPolicyAndEvents",
             recommending(1, 200, 100, 500)
                 .seen()
                 .up_events(uniform_events({1, 5, 9}, 120))
                 .with_behavior(behavior(generated(300, 60, 0, 0, 0))),
             rescaled(200).limited_by("TooManyReplicas")},
        // Up 4 and down 2, both at -60 s, inside 300 s: the period started at 6 - 4 + 2 = 4 -> ceil(4 x 4) = 16.
        Case{"ScaleUpPercentPolicyWithUpAndDownEvents",
             recommending(1, 1000, 6, 24)
                 .seen()
                 .up_events(uniform_events({4}, 120))
                 .down_events(uniform_events({2}, 120))
                 .with_behavior(behavior(generated(0, 0, 300, 300, 0))),
             rescaled(16).limited_by("ScaleUpLimit")},
        // Down events 1, 5, 9: the period started at 100 + 15 = 115; 115 - 5 = 110 > current -> held at 100.
        Case{"ScaleDownHeldAtCurrentByPreviousEvents",
             recommending(1, 1000, 100, 2)
                 .seen()
                 .down_events(uniform_events({1, 5, 9}, 120))
                 .with_behavior(behavior(std::nullopt, generated(5, 120, 0, 0, 300))),
             unchanged(100).limited_by("ScaleDownLimit")},
        // Down events 2, 4, 6: 112 x 50% = 56.
        Case{"ScaleDownPercentPolicyWithPreviousEvents",
             recommending(1, 1000, 100, 0)
                 .seen()
                 .down_events(uniform_events({2, 4, 6}, 120))
                 .with_behavior(behavior(std::nullopt, generated(0, 0, 50, 120, 300))),
             rescaled(56).limited_by("ScaleDownLimit")},
        // Up 2, down 4: 10 - 2 + 4 = 12 x 50% = 6.
        Case{"ScaleDownPercentPolicyWithUpAndDownEvents",
             recommending(1, 1000, 10, 1)
                 .seen()
                 .up_events(uniform_events({2}, 120))
                 .down_events(uniform_events({4}, 120))
                 .with_behavior(behavior(std::nullopt, generated(0, 0, 50, 180, 0))),
             rescaled(6).limited_by("ScaleDownLimit")},
        // Down events 10, 10, 10: int(130 x 0.9) = 117 > current -> held at 100.
        Case{"ScaleDownPreventedByPreviousEvents",
             recommending(1, 1000, 100, 0)
                 .seen()
                 .down_events(uniform_events({10, 10, 10}, 120))
                 .with_behavior(behavior(std::nullopt, generated(0, 0, 10, 120, 300))),
             unchanged(100).limited_by("ScaleDownLimit")},
        // 1000%: (10 + 30) x -9 < 0, so 5 (from the metrics) is allowed.
        Case{"ScaleDownStillAllowedAfterPreviousEvents",
             recommending(1, 1000, 10, 5)
                 .seen()
                 .down_events(uniform_events({10, 10, 10}, 120))
                 .with_behavior(behavior(std::nullopt, generated(0, 0, 1000, 120, 300))),
             rescaled(5)}),
    case_name);

// --- TestStoreScaleEvents, end to end: what a rescale leaves in the state -----------------------

INSTANTIATE_TEST_SUITE_P(
    StoreScaleEvents, DecideHpa,
    testing::Values(
        // 10 -> 15 with Pods 10 and Percent 100 per 60 s: the 7 at -61 s is outside 60 s (20 allowed), outdated, and
        // its slot takes the new +5.
        Case{"OutdatedUpEventIsReplaced",
             recommending(1, 100, 10, 15)
                 .seen()
                 .up_events({{7, ago(61), false}})
                 .with_behavior(behavior(generated(10, 60, 100, 60, 0))),
             rescaled(15).up({{5, kNow, false}})},
        // The 7 at -58 s counts: the period started at 3 -> max(3 + 10, 3 x 2) = 13; +3 is appended.
        Case{"RecentUpEventIsKept",
             recommending(1, 100, 10, 15)
                 .seen()
                 .up_events({{7, ago(58), false}})
                 .with_behavior(behavior(generated(10, 60, 100, 60, 0))),
             rescaled(13).limited_by("ScaleUpLimit").up({{7, ago(58), false}, {3, kNow, false}})},
        // 10 -> 5, scaleDown window 0: the outdated 7 is replaced by -5 (stored as 5).
        Case{"OutdatedDownEventIsReplaced",
             recommending(1, 100, 10, 5)
                 .seen()
                 .down_events({{7, ago(61), false}})
                 .with_behavior(behavior(std::nullopt, generated(10, 60, 100, 60, 0))),
             rescaled(5).down({{5, kNow, false}})},
        // Without behavior HPA stores no events and leaves the old ones alone.
        Case{"NoBehaviorLeavesEventsAlone", recommending(1, 100, 10, 15).seen().up_events({{7, ago(61), false}}),
             rescaled(15).up({{7, ago(61), false}})}),
    case_name);

// --- TestAvoidUnnecessaryUpdates ---------------------------------------------------------------------

// Nothing changes, so the conditions come back exactly as they were, transition times included (upstream: no
// status write at all). test-pod-0 (cool) is ready: 400m of 1000m = 40% vs 80 -> 0.5 x 1 ready = 1; the two hot pods
// are unready and not counted on a scale-down; min 2 = current.
TEST(DecideHpaAvoidUnnecessaryUpdates, ConditionsAndTransitionTimesAreKept) {
  const Time hour_ago = ago(3600);
  const Scenario s =
      Scenario(2, 6, 2, 2)
          .cpu(80)
          .pod_count(3)
          .cpu_levels({400, 500, 700})
          .started({kCool, kHot, kHot})
          .seen()
          .last_scale_time(hour_ago)
          .conditions({
              {"AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size", hour_ago},
              {"ScalingActive", "True", "ValidMetricFound",
               "the HPA was able to successfully calculate a replica count from cpu resource "
               "utilization (percentage of request)",
               hour_ago},
              {"ScalingLimited", "True", "TooFewReplicas",
               "the desired replica count is less than the minimum replica count", hour_ago},
          });
  Expect e = unchanged(2).limited_by("TooFewReplicas").util(40).recs(1, 1, 2);
  check(s.input(), e);

  const Decision d = decide(s.input());
  ASSERT_EQ(d.conditions.size(), 3u);
  for (const char* type : {"AbleToScale", "ScalingActive", "ScalingLimited"}) {
    const Condition* c = find_condition(d, type);
    ASSERT_NE(c, nullptr) << type;
    EXPECT_EQ(c->last_transition_time, hour_ago) << type;
  }
  EXPECT_EQ(d.state.last_scale_time, hour_ago);  // no rescale, so lastScaleTime stays
}

// A rescale moves AbleToScale's reason but not its status: the transition time stays; ScalingLimited flips
// True -> False, so its transition time is now.
TEST(DecideHpaAvoidUnnecessaryUpdates, TransitionTimeChangesOnlyWithStatus) {
  const Time hour_ago = ago(3600);
  const Scenario s = three_pods_at(2, 6, {300, 500, 700})
                         .conditions({
                             {"AbleToScale", "True", "ReadyForNewScale", "", hour_ago},
                             {"ScalingActive", "True", "ValidMetricFound", "", hour_ago},
                             {"ScalingLimited", "True", "TooFewReplicas", "", hour_ago},
                         });
  const Decision d = decide(s.input());
  EXPECT_EQ(d.desired_replicas, 5);  // as ScaleUp
  const Condition* able = find_condition(d, "AbleToScale");
  const Condition* limited = find_condition(d, "ScalingLimited");
  ASSERT_NE(able, nullptr);
  ASSERT_NE(limited, nullptr);
  EXPECT_EQ(able->reason, "SucceededRescale");
  EXPECT_EQ(able->last_transition_time, hour_ago);
  EXPECT_EQ(limited->status, "False");
  EXPECT_EQ(limited->last_transition_time, kNow);
  EXPECT_EQ(d.state.last_scale_time, kNow);  // rescaled now
}

}  // namespace
}  // namespace hpad::policies
