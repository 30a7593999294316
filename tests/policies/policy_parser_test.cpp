// parse_policies_yaml against ../shared/DECIDE-API.md: the DESIGN.md example read field by field,
// autoscaling/v2 behavior defaulting (HPA-ALGORITHM.md §7.1), and broken files, each with the
// exact errors it must produce (file:line:column: path: message), all of them at once.
#include "hpad/policies/policy_parser.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace hpad::policies {
namespace {

std::vector<std::string> error_strings(const ParseResult& result) {
  std::vector<std::string> out;
  for (const PolicyError& e : result.errors) {
    out.push_back(e.to_string());
  }
  return out;
}

// Lines 1-5 of every small test document; the spec's own fields start on line 6.
std::string policy_with(std::string_view spec_tail) {
  return "apiVersion: hpad.io/v1alpha1\n"
         "kind: ScalingPolicy\n"
         "metadata: {name: web}\n"
         "spec:\n"
         "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n" +
         std::string(spec_tail);
}

constexpr std::string_view kCpuMetric =
    "  maxReplicas: 10\n"
    "  metrics: [{name: cpu, type: Resource, resource: cpu, query: q, target: {type: Utilization, "
    "averageUtilization: 70}}]\n";

Policy must_parse_one(const std::string& text) {
  const ParseResult result = parse_policies_yaml(text, "p.yaml");
  EXPECT_TRUE(result.ok()) << ::testing::PrintToString(error_strings(result));
  if (result.policies.size() != 1) {
    ADD_FAILURE() << "expected one policy, got " << result.policies.size();
    return Policy{};
  }
  return result.policies[0];
}

// --- The DESIGN.md example ------------------------------------------------------------------

constexpr std::string_view kDesignExample = R"yaml(apiVersion: hpad.io/v1alpha1
kind: ScalingPolicy
metadata: {name: checkout, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: checkout}
  minReplicas: 2
  maxReplicas: 40
  metrics:
    - name: cpu
      type: Resource                   # per-pod usage ÷ pod requests → Utilization
      resource: cpu
      query: sum by (pod) (rate(container_cpu_usage_seconds_total{namespace="shop",pod=~"checkout-.*"}[1m]))
      target: {type: Utilization, averageUtilization: 70}
    - name: rps
      type: Pods                       # per-pod values, HPA Pods-metric semantics (missing / unready pods)
      query: sum by (pod) (rate(http_requests_total{namespace="shop"}[1m]))
      target: {type: AverageValue, averageValue: "100"}
    - name: lag
      type: External                   # one number for the whole target
      query: sum(kafka_consumergroup_lag{group="checkout"})
      target: {type: AverageValue, averageValue: "500"}
  behavior:                            # exactly HPA's behavior field and defaults
    scaleUp:   {stabilizationWindowSeconds: 0,   tolerance: 0.05, selectPolicy: Max, policies: [{type: Percent, value: 100, periodSeconds: 15}, {type: Pods, value: 4, periodSeconds: 15}]}
    scaleDown: {stabilizationWindowSeconds: 300, tolerance: 0.1,  policies: [{type: Percent, value: 100, periodSeconds: 15}]}
  cooldown: {scaleUpSeconds: 0, scaleDownSeconds: 300}   # no scale in a direction this soon after the last one
  fallback: {failureThreshold: 3, replicas: 6, mode: AtLeastCurrent}   # after N failed syncs in a row
  rollout:                             # staged weight-based rollout of new capacity
    steps: [5, 15, 25, 35, 45, 55, 65, 75, 85, 95, 100] # percent of the added capacity
    stepIntervalSeconds: 300
    gates:
      - {name: errors, query: "sum(rate(http_requests_total{code=~\"5..\"}[1m])) / sum(rate(http_requests_total[1m]))", max: 0.01}
      - {name: p99,    query: "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[1m])))", max: 0.25}
    onGateFailure: Pause               # or Rollback
    onNoData: Hold                     # a gate with no data: Hold | Pass | Fail
)yaml";

TEST(PolicyParser, DesignExampleParsesWithEveryField) {
  const Policy p = must_parse_one(std::string(kDesignExample));
  EXPECT_EQ(p.metadata.name, "checkout");
  EXPECT_EQ(p.metadata.namespace_name, "shop");
  EXPECT_EQ(p.scale_target_ref.api_version, "apps/v1");
  EXPECT_EQ(p.scale_target_ref.kind, "Deployment");
  EXPECT_EQ(p.scale_target_ref.name, "checkout");
  EXPECT_EQ(p.min_replicas, 2);
  EXPECT_EQ(p.max_replicas, 40);
  ASSERT_EQ(p.metrics.size(), 3U);

  EXPECT_EQ(p.metrics[0].name, "cpu");
  EXPECT_EQ(p.metrics[0].type, MetricSourceType::kResource);
  EXPECT_EQ(p.metrics[0].resource, "cpu");
  EXPECT_EQ(p.metrics[0].container, "");
  EXPECT_EQ(p.metrics[0].query,
            "sum by (pod) (rate(container_cpu_usage_seconds_total{namespace=\"shop\",pod=~\"checkout-.*\"}[1m]))");
  EXPECT_EQ(p.metrics[0].target.type, MetricTargetType::kUtilization);
  EXPECT_EQ(p.metrics[0].target.average_utilization, std::optional<std::int32_t>(70));
  EXPECT_FALSE(p.metrics[0].target.average_value.has_value());
  EXPECT_EQ(p.metrics[0].activation_value.milli_value(), 0);  // absent = 0

  EXPECT_EQ(p.metrics[1].name, "rps");
  EXPECT_EQ(p.metrics[1].type, MetricSourceType::kPods);
  EXPECT_EQ(p.metrics[1].target.type, MetricTargetType::kAverageValue);
  ASSERT_TRUE(p.metrics[1].target.average_value.has_value());
  EXPECT_EQ(p.metrics[1].target.average_value->milli_value(), 100'000);

  EXPECT_EQ(p.metrics[2].name, "lag");
  EXPECT_EQ(p.metrics[2].type, MetricSourceType::kExternal);
  EXPECT_EQ(p.metrics[2].query, "sum(kafka_consumergroup_lag{group=\"checkout\"})");
  ASSERT_TRUE(p.metrics[2].target.average_value.has_value());
  EXPECT_EQ(p.metrics[2].target.average_value->milli_value(), 500'000);

  ASSERT_TRUE(p.behavior.has_value());
  const HPAScalingRules& up = p.behavior->scale_up;
  EXPECT_EQ(up.stabilization_window_seconds, std::optional<std::int32_t>(0));
  EXPECT_EQ(up.tolerance->canonical(), "50m");
  EXPECT_EQ(up.select_policy, SelectPolicy::kMax);
  ASSERT_EQ(up.policies.size(), 2U);
  EXPECT_EQ(up.policies[0].type, ScalingPolicyType::kPercent);
  EXPECT_EQ(up.policies[0].value, 100);
  EXPECT_EQ(up.policies[0].period_seconds, 15);
  EXPECT_EQ(up.policies[1].type, ScalingPolicyType::kPods);
  EXPECT_EQ(up.policies[1].value, 4);
  EXPECT_EQ(up.policies[1].period_seconds, 15);
  const HPAScalingRules& down = p.behavior->scale_down;
  EXPECT_EQ(down.stabilization_window_seconds, std::optional<std::int32_t>(300));
  EXPECT_EQ(down.tolerance->canonical(), "100m");
  EXPECT_EQ(down.select_policy, SelectPolicy::kMax);  // defaulted
  ASSERT_EQ(down.policies.size(), 1U);
  EXPECT_EQ(down.policies[0].type, ScalingPolicyType::kPercent);

  EXPECT_EQ(p.cooldown.scale_up_seconds, 0);
  EXPECT_EQ(p.cooldown.scale_down_seconds, 300);
  EXPECT_EQ(p.cooldown.scale_to_zero_seconds, 0);  // absent = 0
  ASSERT_TRUE(p.fallback.has_value());
  EXPECT_EQ(p.fallback->failure_threshold, 3);
  EXPECT_EQ(p.fallback->replicas, 6);
  EXPECT_EQ(p.fallback->mode, FallbackMode::kAtLeastCurrent);

  ASSERT_TRUE(p.rollout.has_value());
  EXPECT_EQ(p.rollout->steps, (std::vector<std::int32_t>{5, 15, 25, 35, 45, 55, 65, 75, 85, 95, 100}));
  EXPECT_EQ(p.rollout->step_interval_seconds, 300);
  ASSERT_EQ(p.rollout->gates.size(), 2U);
  EXPECT_EQ(p.rollout->gates[0].name, "errors");
  EXPECT_EQ(p.rollout->gates[0].query,
            "sum(rate(http_requests_total{code=~\"5..\"}[1m])) / sum(rate(http_requests_total[1m]))");
  EXPECT_FALSE(p.rollout->gates[0].min.has_value());
  EXPECT_EQ(p.rollout->gates[0].max, std::optional<double>(0.01));
  EXPECT_EQ(p.rollout->gates[1].name, "p99");
  EXPECT_EQ(p.rollout->gates[1].max, std::optional<double>(0.25));
  EXPECT_EQ(p.rollout->on_gate_failure, GateFailureAction::kPause);
  EXPECT_EQ(p.rollout->on_no_data, NoDataAction::kHold);
}

TEST(PolicyParser, KeepsWhereEachFieldWasWritten) {
  const Policy p = must_parse_one(std::string(kDesignExample));
  EXPECT_EQ(p.positions.at("spec.maxReplicas").line, 7);
  EXPECT_EQ(p.positions.at("spec.maxReplicas").column, 16);
  EXPECT_EQ(p.positions.at("spec.metrics[1].name").line, 14);
  EXPECT_EQ(p.positions.at("spec.metrics[1].name").column, 13);
}

TEST(PolicyParser, EmptyTextHoldsNoPolicyAndNoError) {
  const ParseResult result = parse_policies_yaml("# nothing here\n", "p.yaml");
  EXPECT_TRUE(result.ok());
  EXPECT_TRUE(result.policies.empty());
}

TEST(PolicyParser, MinimalPolicyTakesTheDocumentedDefaults) {
  const Policy p = must_parse_one(policy_with(kCpuMetric));
  EXPECT_EQ(p.metadata.namespace_name, "default");
  EXPECT_EQ(p.min_replicas, 1);
  EXPECT_FALSE(p.behavior.has_value());  // HPA's no-behavior mode
  EXPECT_EQ(p.cooldown.scale_up_seconds, 0);
  EXPECT_EQ(p.cooldown.scale_down_seconds, 0);
  EXPECT_EQ(p.cooldown.scale_to_zero_seconds, 0);
  EXPECT_FALSE(p.fallback.has_value());
  EXPECT_FALSE(p.rollout.has_value());
}

// --- Behavior defaulting: autoscaling/v2 SetDefaults_HorizontalPodAutoscalerBehavior ---------

const std::vector<HPAScalingPolicy> kDefaultUpPolicies = {{ScalingPolicyType::kPods, 4, 15},
                                                          {ScalingPolicyType::kPercent, 100, 15}};
const std::vector<HPAScalingPolicy> kDefaultDownPolicies = {{ScalingPolicyType::kPercent, 100, 15}};

struct DefaultingCase {
  const char* name;
  const char* behavior;  // the `behavior:` lines, appended to a valid spec
  HPAScalingRules up;
  HPAScalingRules down;
};

void PrintTo(const DefaultingCase& c, std::ostream* os) {
  *os << c.name;
}

bool same_policies(const std::vector<HPAScalingPolicy>& a, const std::vector<HPAScalingPolicy>& b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].type != b[i].type || a[i].value != b[i].value || a[i].period_seconds != b[i].period_seconds) {
      return false;
    }
  }
  return true;
}

void expect_rules(const HPAScalingRules& got, const HPAScalingRules& want, const char* direction) {
  EXPECT_EQ(got.stabilization_window_seconds, want.stabilization_window_seconds) << direction;
  EXPECT_EQ(got.select_policy, want.select_policy) << direction;
  EXPECT_TRUE(same_policies(got.policies, want.policies)) << direction;
  const auto text = [](const std::optional<Quantity>& t) { return t ? t->canonical() : std::string("unset"); };
  EXPECT_EQ(text(got.tolerance), text(want.tolerance)) << direction;
}

class BehaviorDefaulting : public ::testing::TestWithParam<DefaultingCase> {};

TEST_P(BehaviorDefaulting, UnsetFieldsTakeTheAutoscalingV2Defaults) {
  const DefaultingCase& c = GetParam();
  const Policy p = must_parse_one(policy_with(std::string(kCpuMetric) + c.behavior));
  ASSERT_TRUE(p.behavior.has_value());
  expect_rules(p.behavior->scale_up, c.up, "scaleUp");
  expect_rules(p.behavior->scale_down, c.down, "scaleDown");
}

INSTANTIATE_TEST_SUITE_P(
    Table, BehaviorDefaulting,
    ::testing::Values(
        // Present but empty: both directions wholly defaulted; scaleDown's window stays unset
        // (decide() applies the controller's downscale window).
        DefaultingCase{"EmptyBehavior",
                       "  behavior: {}\n",
                       {0, SelectPolicy::kMax, kDefaultUpPolicies, std::nullopt},
                       {std::nullopt, SelectPolicy::kMax, kDefaultDownPolicies, std::nullopt}},
        DefaultingCase{"OnlyScaleDownWindow",
                       "  behavior: {scaleDown: {stabilizationWindowSeconds: 60}}\n",
                       {0, SelectPolicy::kMax, kDefaultUpPolicies, std::nullopt},
                       {60, SelectPolicy::kMax, kDefaultDownPolicies, std::nullopt}},
        // A given list replaces the whole default list, not just its first entries.
        DefaultingCase{"CustomScaleUpPoliciesReplaceTheList",
                       "  behavior:\n"
                       "    scaleUp:\n"
                       "      policies: [{type: Percent, value: 50, periodSeconds: 60}]\n",
                       {0, SelectPolicy::kMax, {{ScalingPolicyType::kPercent, 50, 60}}, std::nullopt},
                       {std::nullopt, SelectPolicy::kMax, kDefaultDownPolicies, std::nullopt}},
        DefaultingCase{
            "SelectPolicyAndToleranceOnly",
            "  behavior: {scaleUp: {selectPolicy: Disabled}, scaleDown: {tolerance: 0.2, selectPolicy: Min}}\n",
            {0, SelectPolicy::kDisabled, kDefaultUpPolicies, std::nullopt},
            {std::nullopt, SelectPolicy::kMin, kDefaultDownPolicies, std::get<Quantity>(Quantity::parse("0.2"))}},
        // A tolerance is a quantity, as upstream's field: "50m" is 0.05.
        DefaultingCase{"ToleranceAsAQuantity",
                       "  behavior: {scaleUp: {tolerance: 50m}}\n",
                       {0, SelectPolicy::kMax, kDefaultUpPolicies, std::get<Quantity>(Quantity::parse("0.05"))},
                       {std::nullopt, SelectPolicy::kMax, kDefaultDownPolicies, std::nullopt}},
        // A given scaleUp window replaces the default 0; the rest of both directions is defaulted.
        DefaultingCase{"ScaleUpWindowGiven",
                       "  behavior: {scaleUp: {stabilizationWindowSeconds: 120}}\n",
                       {120, SelectPolicy::kMax, kDefaultUpPolicies, std::nullopt},
                       {std::nullopt, SelectPolicy::kMax, kDefaultDownPolicies, std::nullopt}}),
    [](const auto& param) { return std::string(param.param.name); });

TEST(PolicyParser, NullBehaviorIsAbsent) {
  const Policy p = must_parse_one(policy_with(std::string(kCpuMetric) + "  behavior:\n"));
  EXPECT_FALSE(p.behavior.has_value());
}

// --- Broken files: every error, exactly --------------------------------------------------------

struct BrokenCase {
  const char* name;
  std::string text;
  std::vector<std::string> errors;
};

void PrintTo(const BrokenCase& c, std::ostream* os) {
  *os << c.name;
}

class BrokenFile : public ::testing::TestWithParam<BrokenCase> {};

TEST_P(BrokenFile, ReportsEveryErrorWithFileLineColumnAndPath) {
  const BrokenCase& c = GetParam();
  const ParseResult result = parse_policies_yaml(c.text, "web.yaml");
  EXPECT_EQ(error_strings(result), c.errors);
  EXPECT_TRUE(result.policies.empty());
}

std::vector<BrokenCase> broken_cases() {
  return {
      {"PeriodSecondsOutOfRange",
       policy_with(std::string(kCpuMetric) + "  behavior:\n"
                                             "    scaleUp:\n"
                                             "      policies:\n"
                                             "        - {type: Pods, value: 4, periodSeconds: 15}\n"
                                             "        - type: Percent\n"
                                             "          value: 100\n"
                                             "          periodSeconds: 1801\n"),
       {"web.yaml:14:26: spec.behavior.scaleUp.policies[1].periodSeconds: must be between 1 and 1800"}},
      {"SeveralValidationErrorsTogether",
       policy_with("  minReplicas: 5\n"
                   "  maxReplicas: 3\n"
                   "  metrics:\n"
                   "    - {name: CPU, type: Pods, query: \"\", target: {type: Utilization, averageUtilization: 0}}\n"
                   "  behavior: {scaleDown: {stabilizationWindowSeconds: 3601, tolerance: -0.1}}\n"
                   "  cooldown: {scaleDownSeconds: -1}\n"
                   "  fallback: {failureThreshold: 0, replicas: -2}\n"),
       {"web.yaml:6:16: spec.minReplicas: must not exceed maxReplicas (3)",
        "web.yaml:9:14: spec.metrics[0].name: must match [a-z0-9-]+",
        "web.yaml:9:38: spec.metrics[0].query: must not be empty",
        std::string("web.yaml:9:57: spec.metrics[0].target.type: Utilization is not allowed for a Pods metric ") +
            "(allowed: AverageValue)",
        "web.yaml:9:90: spec.metrics[0].target.averageUtilization: must be greater than 0",
        "web.yaml:10:54: spec.behavior.scaleDown.stabilizationWindowSeconds: must be between 0 and 3600",
        "web.yaml:10:71: spec.behavior.scaleDown.tolerance: must not be negative",
        "web.yaml:11:32: spec.cooldown.scaleDownSeconds: must not be negative",
        "web.yaml:12:32: spec.fallback.failureThreshold: must be at least 1",
        "web.yaml:12:45: spec.fallback.replicas: must not be negative"}},
      {"ReadErrorsTogether",
       "apiVersion: hpad.io/v1alpha1\n"
       "kind: ScalingPolicy\n"
       "metadata: {name: web, labels: {a: b}}\n"
       "spec:\n"
       "  scaleTargetRef: {apiVersion: apps/v1, name: web}\n"
       "  minReplicas: two\n"
       "  maxReplicas: 1.5\n"
       "  metrics:\n"
       "    - name: cpu\n"
       "      type: Resourse\n"
       "      query: q\n"
       "      target: {type: Utilization, averageUtilization: \"70\"}\n"
       "      extra: 1\n"
       "  behavior: {scaleUp: {selectPolicy: Maximum, policies: {type: Pods}}}\n",
       {"web.yaml:3:23: metadata.labels: unknown field \"labels\"",
        "web.yaml:5:19: spec.scaleTargetRef.kind: required field is missing",
        "web.yaml:6:16: spec.minReplicas: expected an integer",
        "web.yaml:7:16: spec.maxReplicas: expected an integer",  // 1.5 is not an integer
        "web.yaml:10:13: spec.metrics[0].type: must be one of Resource, ContainerResource, Pods, Object, External",
        "web.yaml:12:55: spec.metrics[0].target.averageUtilization: expected an integer",  // quoted: a string
        "web.yaml:13:7: spec.metrics[0].extra: unknown field \"extra\"",
        "web.yaml:14:38: spec.behavior.scaleUp.selectPolicy: must be one of Max, Min, Disabled",
        "web.yaml:14:57: spec.behavior.scaleUp.policies: expected a list"}},
      {"MetricRulesAndHpadRulesTogether",
       policy_with(
           "  minReplicas: 0\n"
           "  maxReplicas: 0\n"
           "  metrics:\n"
           "    - {name: mem, type: ContainerResource, resource: memory, query: q, target: {type: AverageValue, "
           "averageValue: 1Gi}}\n"
           "    - {name: mem, type: Object, query: q, resource: cpu, target: {type: Utilization, "
           "averageUtilization: 50}}\n"
           "    - {name: lag, type: External, query: q, target: {type: Value, value: 0}, activationValue: "
           "\"-1\"}\n"
           "  behavior: {scaleUp: {policies: []}, scaleDown: {policies: [{type: Pods, value: 0, "
           "periodSeconds: 0}]}}\n"
           "  rollout:\n"
           "    steps: [10, 10, 0, 50]\n"
           "    stepIntervalSeconds: 0\n"
           "    gates:\n"
           "      - {name: errors, query: q}\n"
           "      - {name: errors, query: \"\", min: 2, max: 1}\n"),
       {"web.yaml:7:16: spec.maxReplicas: must be at least 1",
        // minReplicas 0 is allowed here: there is an Object and an External metric.
        "web.yaml:9:7: spec.metrics[0].container: required for a ContainerResource metric",  // at the metric
        "web.yaml:10:14: spec.metrics[1].name: duplicate metric name \"mem\"",
        "web.yaml:10:53: spec.metrics[1].resource: only allowed for Resource and ContainerResource metrics",
        std::string("web.yaml:10:73: spec.metrics[1].target.type: Utilization is not allowed for an Object metric ") +
            "(allowed: Value, AverageValue)",
        "web.yaml:11:74: spec.metrics[2].target.value: must be greater than 0",
        "web.yaml:11:95: spec.metrics[2].activationValue: must not be negative",
        "web.yaml:12:34: spec.behavior.scaleUp.policies: must have at least one policy",
        "web.yaml:12:82: spec.behavior.scaleDown.policies[0].value: must be greater than 0",
        "web.yaml:12:100: spec.behavior.scaleDown.policies[0].periodSeconds: must be between 1 and 1800",
        "web.yaml:14:17: spec.rollout.steps[1]: must be greater than the previous step (10)",
        "web.yaml:14:21: spec.rollout.steps[2]: must be between 1 and 100",
        "web.yaml:14:24: spec.rollout.steps[3]: the last step must be 100",
        "web.yaml:15:26: spec.rollout.stepIntervalSeconds: must be at least 1",
        "web.yaml:17:9: spec.rollout.gates[0]: needs min, max or both",
        "web.yaml:18:16: spec.rollout.gates[1].name: duplicate gate name \"errors\"",
        "web.yaml:18:31: spec.rollout.gates[1].query: must not be empty",
        "web.yaml:18:40: spec.rollout.gates[1].min: must not exceed max"}},
      {"MinReplicasZeroNeedsAnObjectOrExternalMetric",
       policy_with("  minReplicas: 0\n" + std::string(kCpuMetric)),
       {"web.yaml:6:16: spec.minReplicas: may be 0 only with an Object or External metric"}},
      {"NegativeMinReplicas",
       policy_with("  minReplicas: -1\n" + std::string(kCpuMetric)),
       {"web.yaml:6:16: spec.minReplicas: must not be negative"}},
      {"ReplicasBeyondInt32",
       policy_with("  maxReplicas: 2147483648\n  metrics: []\n"),
       // maxReplicas's own rules are skipped (it was not read); the empty metrics list is still reported
       {"web.yaml:6:16: spec.maxReplicas: must fit in a 32-bit integer",
        "web.yaml:7:12: spec.metrics: must have at least one metric"}},
      {"ReadingAndValidationErrorsTogether",
       policy_with("  maxReplicas: 0\n  minReplicas: 1\n  metrcs: []\n"
                   "  metrics: [{name: cpu, type: Gauge, query: q, target: {type: Value, value: -1}}]\n"),
       // one pass shows every mistake: the typo (with a suggestion), the unknown type, the bad
       // maxReplicas; the target's rules are left out, as the metric type that decides them is unknown
       {"web.yaml:6:16: spec.maxReplicas: must be at least 1",
        "web.yaml:8:3: spec.metrcs: unknown field \"metrcs\" (did you mean \"metrics\"?)",
        "web.yaml:9:31: spec.metrics[0].type: must be one of Resource, ContainerResource, Pods, Object, External"}},
      // yaml-cpp 0.7 loops forever on a top-level ',' (found by policy_parser_fuzz): an error instead
      {"LoneCommaIsAnErrorNotAHang",
       ",\n",
       {"web.yaml:1:1: invalid YAML: unexpected token where a value should start"}},
      {"NoMetrics",
       policy_with("  maxReplicas: 10\n  metrics: []\n"),
       {"web.yaml:7:12: spec.metrics: must have at least one metric"}},
      {"BadQuantity",
       policy_with("  maxReplicas: 3\n"
                   "  metrics: [{name: rps, type: Pods, query: q, target: {type: AverageValue, averageValue: 10x}}]\n"),
       {"web.yaml:7:90: spec.metrics[0].target.averageValue: invalid quantity: quantity \"10x\": unexpected 'x' at "
        "offset 2"}},
      {"NotAScalingPolicyStopsAtApiVersionAndKind",
       "apiVersion: autoscaling/v2\n"
       "kind: HorizontalPodAutoscaler\n"
       "metadata: {name: web}\n"
       "spec: {}\n",
       {"web.yaml:1:13: apiVersion: must be hpad.io/v1alpha1", "web.yaml:2:7: kind: must be ScalingPolicy"}},
      {"DocumentIsNotAMapping", "- a\n- b\n", {"web.yaml:1:1: expected a mapping"}},
      {"MissingSpec",
       "apiVersion: hpad.io/v1alpha1\nkind: ScalingPolicy\nmetadata: {}\n",
       {"web.yaml:1:1: spec: required field is missing",  // at the document
        "web.yaml:3:11: metadata.name: required field is missing"}},
      // Raw text: checked before yaml-cpp sees it; the column counts bytes.
      {"InvalidUtf8",
       policy_with("  maxReplicas: 10\n"
                   "  metrics: [{name: cpu, type: Resource, resource: cpu, query: \"caf\xc3\xa9 \xc3\x28\", target: "
                   "{type: Utilization, averageUtilization: 70}}]\n"),
       {"web.yaml:7:70: invalid UTF-8"}},
      {"OverlongUtf8AndSurrogate",
       policy_with("  maxReplicas: 10 # \xc0\xaf \xed\xa0\x80\n"),
       // Every byte that starts no valid sequence: C0 AF (overlong '/'), then ED A0 80 (a surrogate).
       {"web.yaml:6:21: invalid UTF-8", "web.yaml:6:22: invalid UTF-8", "web.yaml:6:24: invalid UTF-8",
        "web.yaml:6:25: invalid UTF-8", "web.yaml:6:26: invalid UTF-8"}},
      {"NulByte",
       policy_with(std::string("  maxReplicas: 1") + '\0' + "0\n"),
       {"web.yaml:6:17: NUL byte is not allowed"}},
      {"DuplicateKeys",
       policy_with(std::string(kCpuMetric) + "  maxReplicas: 11\nkind: ScalingPolicy\n"),
       {"web.yaml:8:3: spec.maxReplicas: duplicate key \"maxReplicas\"", "web.yaml:9:1: kind: duplicate key \"kind\""}},
      // A billion-laughs file: only the first alias is reported, and nothing is ever expanded.
      {"AliasBomb",
       policy_with(std::string(kCpuMetric) + "  x0: &a [q, q, q, q, q, q, q, q, q]\n"
                                             "  x1: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                                             "  x2: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"),
       {"web.yaml:8:3: spec.x0: unknown field \"x0\"", "web.yaml:9:3: spec.x1: unknown field \"x1\"",
        "web.yaml:9:11: YAML aliases (*name) are not allowed in a policy",
        "web.yaml:10:3: spec.x2: unknown field \"x2\""}},
      {"AliasAsAValue",
       policy_with("  maxReplicas: &m 10\n  minReplicas: *m\n  metrics: []\n"),
       {"web.yaml:7:16: YAML aliases (*name) are not allowed in a policy"}},
      // yaml-cpp 0.7 accepts a double-quoted scalar left open at the end of a block document.
      {"UnclosedQuoteAtEndOfFile",
       policy_with("  maxReplicas: 10\n"
                   "  metrics:\n"
                   "    - name: cpu\n"
                   "      query: \"sum(rate(x[1m]))\n"),
       {"web.yaml:9:14: unclosed quote at end of file"}},
      {"UnclosedQuoteInFlowIsAYamlError",
       "apiVersion: hpad.io/v1alpha1\nkind: \"ScalingPolicy",
       {"web.yaml:2:21: invalid YAML: illegal EOF in scalar"}},
  };
}

INSTANTIATE_TEST_SUITE_P(Table, BrokenFile, ::testing::ValuesIn(broken_cases()),
                         [](const auto& param) { return std::string(param.param.name); });

// --- Several documents in one file -------------------------------------------------------------

TEST(PolicyParser, MultiDocumentFileKeepsTheGoodPolicyAndReportsTheBadOne) {
  const std::string text = policy_with(kCpuMetric) + "---\n" +
                           policy_with(
                               "  maxReplicas: 10\n"
                               "  metrics: [{name: cpu, type: Pods, query: q, target: {type: Value, value: 5}}]\n") +
                           "---\n";
  const ParseResult result = parse_policies_yaml(text, "web.yaml");
  ASSERT_EQ(result.policies.size(), 1U);
  EXPECT_EQ(result.policies[0].metrics[0].type, MetricSourceType::kResource);
  EXPECT_EQ(error_strings(result),
            (std::vector<std::string>{"web.yaml:15:62: spec.metrics[0].target.type: Value is not allowed for a Pods "
                                      "metric (allowed: AverageValue)"}));
}

TEST(PolicyParser, MultiDocumentFileWithUnclosedQuoteKeepsTheDocumentsBeforeIt) {
  const std::string text = policy_with(kCpuMetric) + "---\n" +
                           policy_with(
                               "  maxReplicas: 10\n"
                               "  metrics:\n"
                               "    - name: cpu\n"
                               "      query: \"sum(rate(x[1m]))\n");
  const ParseResult result = parse_policies_yaml(text, "web.yaml");
  EXPECT_EQ(result.policies.size(), 1U);
  EXPECT_EQ(error_strings(result), (std::vector<std::string>{"web.yaml:17:14: unclosed quote at end of file"}));
}

TEST(PolicyParser, MultiDocumentFileWithSyntaxErrorKeepsTheDocumentsBeforeIt) {
  const std::string text = policy_with(kCpuMetric) + "---\n" + policy_with("  metrics: [{name: cpu\n");
  const ParseResult result = parse_policies_yaml(text, "web.yaml");
  EXPECT_EQ(result.policies.size(), 1U);
  EXPECT_EQ(error_strings(result),
            (std::vector<std::string>{"web.yaml:15:1: invalid YAML: end of map flow not found"}));
}

TEST(PolicyParser, MultiDocumentFileWithTwoGoodPoliciesKeepsFileOrder) {
  std::string second = policy_with(kCpuMetric);
  second.replace(second.find("{name: web}"), 11, "{name: api}");
  const ParseResult result = parse_policies_yaml(policy_with(kCpuMetric) + "---\n" + second, "web.yaml");
  EXPECT_TRUE(result.ok());
  ASSERT_EQ(result.policies.size(), 2U);
  EXPECT_EQ(result.policies[0].metadata.name, "web");
  EXPECT_EQ(result.policies[1].metadata.name, "api");
}

TEST(PolicyParser, DeeplyNestedYamlIsAnErrorNotACrash) {
  const std::string text = policy_with("  maxReplicas: " + std::string(5000, '[') + std::string(5000, ']') + "\n");
  const ParseResult result = parse_policies_yaml(text, "web.yaml");
  EXPECT_FALSE(result.ok());
  EXPECT_TRUE(result.policies.empty());
}

TEST(PolicyError, ToStringLeavesOutAnEmptyPath) {
  EXPECT_EQ((PolicyError{"a.yaml", 3, 4, "", "invalid UTF-8"}.to_string()), "a.yaml:3:4: invalid UTF-8");
  EXPECT_EQ((PolicyError{"a.yaml", 3, 4, "spec.x", "m"}.to_string()), "a.yaml:3:4: spec.x: m");
}

}  // namespace
}  // namespace hpad::policies
