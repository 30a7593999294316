// The JSON/YAML boundary of decide() against ../shared/DECIDE-API.md: a policy means the same in
// JSON as in YAML; broken DecisionInputs give every error at once, each as
// file:line:column: path: message; a kubectl-shaped Pod is read for exactly the fields decide()
// reads; a DecisionInput survives to_json -> text -> parse; a Decision is written with the
// contract's field names, in its order, null for absent optionals and never NaN or Inf.
#include "hpad/policies/decision_json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "hpad/policies/policy_parser.h"
#include "hpad/policies/time_format.h"

namespace hpad::policies {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::int64_t k2026 = 1'767'225'600;  // 2026-01-01T00:00:00Z

std::vector<std::string> strings(const std::vector<PolicyError>& errors) {
  std::vector<std::string> out;
  out.reserve(errors.size());
  for (const PolicyError& e : errors) {
    out.push_back(e.to_string());
  }
  return out;
}

// "line:column" of the n-th occurrence of `needle` in `text`: the expected positions below are
// found in the test's own text, not computed by the code under test.
std::string at(std::string_view text, std::string_view needle, int nth = 0) {
  std::size_t pos = text.find(needle);
  for (; nth > 0 && pos != std::string_view::npos; --nth) {
    pos = text.find(needle, pos + 1);
  }
  if (pos == std::string_view::npos) {
    ADD_FAILURE() << "needle not in text: " << needle;
    return "?";
  }
  const std::size_t line_start = text.rfind('\n', pos) == std::string_view::npos ? 0 : text.rfind('\n', pos) + 1;
  const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(pos), '\n');
  return std::to_string(line) + ":" + std::to_string(pos - line_start + 1);
}

// --- The same policy in YAML and in JSON ---------------------------------------------------------

constexpr std::string_view kPolicyYaml = R"(apiVersion: hpad.io/v1alpha1
kind: ScalingPolicy
metadata: {name: checkout, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: checkout}
  minReplicas: 0
  maxReplicas: 40
  metrics:
    - {name: cpu, type: Resource, resource: cpu, query: q1, target: {type: Utilization, averageUtilization: 70}}
    - {name: mem, type: ContainerResource, resource: memory, container: app, query: q2, target: {type: AverageValue, averageValue: 1.5Gi}}
    - {name: lag, type: External, query: q3, target: {type: Value, value: 0.1}, activationValue: 0.0001}
  behavior:
    scaleUp: {tolerance: 0.05, policies: [{type: Pods, value: 4, periodSeconds: 60}]}
    scaleDown: {stabilizationWindowSeconds: 600, selectPolicy: Min}
  cooldown: {scaleDownSeconds: 300}
  fallback: {failureThreshold: 3, replicas: 6, mode: Static}
  rollout:
    steps: [10, 50, 100]
    stepIntervalSeconds: 120
    gates: [{name: errors, query: q4, max: 0.01}, {name: lat, query: q5, min: 0.5, max: 2}]
    onGateFailure: Rollback
    onNoData: Pass
)";

// Quantities as JSON numbers where YAML had plain scalars: their text must survive.
constexpr std::string_view kPolicyJson = R"({
  "apiVersion": "hpad.io/v1alpha1",
  "kind": "ScalingPolicy",
  "metadata": {"name": "checkout", "namespace": "shop"},
  "spec": {
    "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "checkout"},
    "minReplicas": 0,
    "maxReplicas": 40,
    "metrics": [
      {"name": "cpu", "type": "Resource", "resource": "cpu", "query": "q1",
       "target": {"type": "Utilization", "averageUtilization": 70}},
      {"name": "mem", "type": "ContainerResource", "resource": "memory", "container": "app", "query": "q2",
       "target": {"type": "AverageValue", "averageValue": "1.5Gi"}},
      {"name": "lag", "type": "External", "query": "q3", "target": {"type": "Value", "value": 0.1},
       "activationValue": 0.0001}
    ],
    "behavior": {
      "scaleUp": {"tolerance": 0.05, "policies": [{"type": "Pods", "value": 4, "periodSeconds": 60}]},
      "scaleDown": {"stabilizationWindowSeconds": 600, "selectPolicy": "Min"}
    },
    "cooldown": {"scaleDownSeconds": 300},
    "fallback": {"failureThreshold": 3, "replicas": 6, "mode": "Static"},
    "rollout": {
      "steps": [10, 50, 100], "stepIntervalSeconds": 120,
      "gates": [{"name": "errors", "query": "q4", "max": 0.01}, {"name": "lat", "query": "q5", "min": 0.5, "max": 2}],
      "onGateFailure": "Rollback", "onNoData": "Pass"
    }
  }
})";

Policy only_policy(const ParseResult& result) {
  EXPECT_TRUE(result.ok()) << ::testing::PrintToString(strings(result.errors));
  EXPECT_EQ(result.policies.size(), 1U);
  return result.policies.empty() ? Policy{} : result.policies[0];
}

TEST(PolicyJson, GivesExactlyThePolicyTheEquivalentYamlGives) {
  const Policy yaml = only_policy(parse_policies_yaml(kPolicyYaml, "p.yaml"));
  const Policy json = only_policy(parse_policies_json(kPolicyJson, "p.json"));
  // Every field but the positions, through the writer...
  EXPECT_EQ(to_json(json).dump(), to_json(yaml).dump());
  // ...and the ones that matter spelled out, so a field the writer forgot still counts.
  EXPECT_EQ(json.metadata.namespace_name, "shop");
  EXPECT_EQ(json.min_replicas, 0);
  EXPECT_EQ(json.max_replicas, 40);
  ASSERT_EQ(json.metrics.size(), 3U);
  EXPECT_EQ(json.metrics[0].target.average_utilization, 70);
  EXPECT_EQ(json.metrics[1].container, "app");
  EXPECT_EQ(json.metrics[1].target.average_value->milli_value(), yaml.metrics[1].target.average_value->milli_value());
  // 0.1 read from the number's text: 100 milli-units. From the double's 17 digits
  // (0.10000000000000001) it would round up to 101.
  EXPECT_EQ(json.metrics[2].target.value->milli_value(), 100);
  EXPECT_EQ(json.metrics[2].target.value->canonical(), "100m");
  EXPECT_EQ(json.metrics[2].activation_value.milli_value(), 1);  // 0.0001 rounds up, as the API server does
  ASSERT_TRUE(json.behavior.has_value());
  EXPECT_EQ(json.behavior->scale_up.tolerance->canonical(), "50m");
  EXPECT_EQ(json.behavior->scale_up.stabilization_window_seconds, 0);  // the autoscaling/v2 default
  EXPECT_EQ(json.behavior->scale_down.stabilization_window_seconds, 600);
  EXPECT_EQ(json.behavior->scale_down.select_policy, SelectPolicy::kMin);
  EXPECT_EQ(json.behavior->scale_down.policies.size(), 1U);  // defaulted: Percent 100/15s
  EXPECT_EQ(json.cooldown.scale_down_seconds, 300);
  EXPECT_EQ(json.fallback->mode, FallbackMode::kStatic);
  EXPECT_EQ(json.rollout->steps, (std::vector<std::int32_t>{10, 50, 100}));
  EXPECT_EQ(json.rollout->gates[1].min, 0.5);
  EXPECT_EQ(json.rollout->on_no_data, NoDataAction::kPass);
  // Positions are the JSON file's own.
  EXPECT_EQ(json.positions.at("spec.maxReplicas").line, 8);
  EXPECT_EQ(json.positions.at("spec.maxReplicas").column, 20);
}

TEST(PolicyJson, ToJsonReadsBackToTheSamePolicy) {
  const Policy yaml = only_policy(parse_policies_yaml(kPolicyYaml, "p.yaml"));
  const Policy again = only_policy(parse_policies_json(to_json(yaml).dump(2), "again.json"));
  EXPECT_EQ(to_json(again).dump(), to_json(yaml).dump());
  EXPECT_EQ(again.metrics[1].target.average_value->canonical(), "1536Mi");
}

TEST(PolicyJson, ArrayHoldsSeveralPoliciesAndEachIsValidatedAlone) {
  const std::string text = "[" + std::string(kPolicyJson) +
                           ",\n{\"apiVersion\": \"hpad.io/v1alpha1\", \"kind\": \"ScalingPolicy\",\n"
                           " \"metadata\": {\"name\": \"b\"}, \"spec\": {\"scaleTargetRef\": {\"apiVersion\": \"v1\", "
                           "\"kind\": \"D\", \"name\": \"b\"},\n \"maxReplicas\": 0, \"metrics\": [], \"colour\": 1}}]";
  const ParseResult result = parse_policies_json(text, "two.json");
  ASSERT_EQ(result.policies.size(), 1U);
  EXPECT_EQ(result.policies[0].metadata.name, "checkout");
  // Reading errors and validation errors of the second policy, all at once; the first is unaffected.
  EXPECT_EQ(strings(result.errors),
            (std::vector<std::string>{
                "two.json:" + at(text, "0, \"metrics\": [], \"colour\"") + ": spec.maxReplicas: must be at least 1",
                "two.json:" + at(text, "[], \"colour\"") + ": spec.metrics: must have at least one metric",
                "two.json:" + at(text, "\"colour\"") + ": spec.colour: unknown field \"colour\""}));
}

TEST(PolicyJson, ValidationErrorsPointIntoTheJsonText) {
  std::string text(kPolicyJson);
  text.replace(text.find("\"maxReplicas\": 40"), 17, "\"maxReplicas\": -4");
  const ParseResult result = parse_policies(text, "p.json");
  EXPECT_TRUE(result.policies.empty());
  EXPECT_EQ(strings(result.errors), (std::vector<std::string>{"p.json:8:20: spec.maxReplicas: must be at least 1"}));
}

TEST(PolicyJson, SyntaxErrorHasLineAndColumn) {
  const ParseResult result = parse_policies("{\n  \"kind\": \"ScalingPolicy\",\n}", "bad.json");
  EXPECT_EQ(strings(result.errors),
            (std::vector<std::string>{"bad.json:3:1: invalid JSON: syntax error while parsing object key - unexpected "
                                      "'}'; expected string literal"}));
}

TEST(PolicyJson, NonObjectDocumentIsAnError) {
  EXPECT_EQ(strings(parse_policies_json("\n 5", "n.json").errors),
            (std::vector<std::string>{"n.json:2:2: expected a ScalingPolicy object or an array of them"}));
}

TEST(ParsePolicies, PicksYamlUnlessTheTextOpensWithABraceOrBracket) {
  EXPECT_EQ(only_policy(parse_policies(kPolicyYaml, "p")).metadata.name, "checkout");
  EXPECT_EQ(only_policy(parse_policies("\n  " + std::string(kPolicyJson), "p")).metadata.name, "checkout");
  // JSON-only syntax errors prove which parser ran: YAML would take `[1,]` as a list.
  EXPECT_EQ(parse_policies("[1,]", "p").errors.at(0).message.substr(0, 13), "invalid JSON:");
}

// --- DecisionInput: reading -------------------------------------------------------------------

constexpr std::string_view kOneLinePolicy =
    R"({"apiVersion": "hpad.io/v1alpha1", "kind": "ScalingPolicy", "metadata": {"name": "web"}, "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}, "maxReplicas": 10, "metrics": [{"name": "cpu", "type": "Resource", "resource": "cpu", "query": "q", "target": {"type": "Utilization", "averageUtilization": 50}}]}})";

// A valid input with `extra` lines spliced in before the closing brace.
std::string input_with(std::string_view extra) {
  return "{\"apiVersion\": \"hpad.io/v1alpha1\", \"kind\": \"DecisionInput\",\n"
         " \"now\": \"2026-01-01T00:10:00Z\",\n"
         " \"policy\": " +
         std::string(kOneLinePolicy) +
         ",\n"
         " \"scale\": {\"spec\": {\"replicas\": 3}, \"status\": {\"replicas\": 3, \"selector\": \"app=web\"}}" +
         std::string(extra) + "}\n";
}

DecisionInput must_parse(const std::string& text) {
  DecisionInputParse parsed = parse_decision_input(text, "in.json");
  EXPECT_TRUE(parsed.errors.empty()) << ::testing::PrintToString(strings(parsed.errors));
  EXPECT_EQ(parsed.input.has_value(), parsed.errors.empty());
  return parsed.input.value_or(DecisionInput{});
}

TEST(DecisionInputJson, MinimalInputTakesTheDocumentedDefaults) {
  const DecisionInput in = must_parse(input_with(""));
  EXPECT_EQ(in.now, (Time{k2026 + 600, 0}));
  EXPECT_EQ(in.controller.tolerance, 0.1);
  EXPECT_EQ(in.controller.cpu_initialization_period, 300 * kSecond);
  EXPECT_EQ(in.controller.initial_readiness_delay, 30 * kSecond);
  EXPECT_EQ(in.controller.downscale_stabilization_window, 300 * kSecond);
  EXPECT_EQ(in.controller.scale_up_limit_factor, 2.0);
  EXPECT_EQ(in.controller.scale_up_limit_minimum, 4.0);
  EXPECT_EQ(in.policy.metadata.name, "web");
  EXPECT_EQ(in.scale.spec_replicas, 3);
  EXPECT_EQ(in.scale.status_replicas, 3);
  EXPECT_EQ(in.scale.selector, "app=web");
  EXPECT_TRUE(in.pods.empty());
  EXPECT_TRUE(in.metrics.empty());
  EXPECT_FALSE(in.state.normalization.recommendations.has_value());  // never seen
  EXPECT_FALSE(in.state.rollout.has_value());
}

TEST(DecisionInputJson, AScaleObjectAsTheApiReturnsItIsAcceptedWhole) {
  // `kubectl get --raw .../deployments/web/scale` at zero replicas: spec.replicas is omitted (omitempty).
  std::string text = input_with("");
  const std::string scale =
      R"("scale": {"kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": {"name": "web", "namespace": "default",)"
      R"( "uid": "6f1c", "resourceVersion": "812", "creationTimestamp": "2026-01-01T00:00:00Z"}, "spec": {},)"
      R"( "status": {"replicas": 0, "selector": "app=web"}})";
  const std::size_t at = text.find("\"scale\"");
  text.replace(at, text.find("}}", at) + 2 - at, scale);
  const DecisionInput in = must_parse(text);
  EXPECT_EQ(in.scale.spec_replicas, 0);
  EXPECT_EQ(in.scale.status_replicas, 0);
  EXPECT_EQ(in.scale.selector, "app=web");
}

TEST(DecisionInputJson, ScaleStatusAbsentGivesZeroReplicasAndNoSelector) {
  std::string text = input_with("");
  text.replace(text.find(", \"status\""), text.find("}}", text.find(", \"status\"")) + 1 - text.find(", \"status\""),
               "");
  const DecisionInput in = must_parse(text);
  EXPECT_EQ(in.scale.spec_replicas, 3);
  EXPECT_EQ(in.scale.status_replicas, 0);  // what the Kubernetes API gives an unset field
  EXPECT_EQ(in.scale.selector, "");
}

// The contract: absent or null = never seen (decide() seeds it), [] = seen, nothing kept.
TEST(DecisionInputJson, RecommendationsAbsentOrNullIsNeverSeenButEmptyListIsSeen) {
  EXPECT_FALSE(must_parse(input_with(",\n \"state\": {}")).state.normalization.recommendations.has_value());
  EXPECT_FALSE(must_parse(input_with(",\n \"state\": {\"recommendations\": null}"))
                   .state.normalization.recommendations.has_value());
  const auto empty =
      must_parse(input_with(",\n \"state\": {\"recommendations\": []}")).state.normalization.recommendations;
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->empty());
}

TEST(DecisionInputJson, StateFieldsAreRead) {
  const DecisionInput in = must_parse(input_with(R"(,
 "state": {"recommendations": [{"replicas": 4, "timestamp": "2026-01-01T00:09:45Z"}],
   "scaleUpEvents": [{"replicaChange": 2, "timestamp": "2026-01-01T00:05:00Z", "outdated": true}],
   "scaleDownEvents": [{"replicaChange": 1, "timestamp": "2026-01-01T00:01:00.5Z"}],
   "lastScaleTime": "2026-01-01T00:05:00Z", "consecutiveFailures": 2, "belowActivationSince": null,
   "rollout": {"from": 3, "to": 9, "step": 1, "stepStartedAt": "2026-01-01T00:05:00Z", "paused": true},
   "conditions": [{"type": "AbleToScale", "status": "True", "reason": "ReadyForNewScale",
                   "lastTransitionTime": "2026-01-01T00:00:00Z"}, {"type": "ScalingActive", "status": "False"}]})"));
  const PolicyState& s = in.state;
  ASSERT_EQ(s.normalization.recommendations->size(), 1U);
  EXPECT_EQ((*s.normalization.recommendations)[0].replicas, 4);
  EXPECT_EQ((*s.normalization.recommendations)[0].timestamp, (Time{k2026 + 585, 0}));
  ASSERT_EQ(s.normalization.scale_up_events.size(), 1U);
  EXPECT_EQ(s.normalization.scale_up_events[0].replica_change, 2);
  EXPECT_TRUE(s.normalization.scale_up_events[0].outdated);
  ASSERT_EQ(s.normalization.scale_down_events.size(), 1U);
  EXPECT_FALSE(s.normalization.scale_down_events[0].outdated);  // absent: false
  EXPECT_EQ(s.normalization.scale_down_events[0].timestamp, (Time{k2026 + 60, 500'000'000}));
  EXPECT_EQ(s.last_scale_time, (Time{k2026 + 300, 0}));
  EXPECT_EQ(s.consecutive_failures, 2);
  EXPECT_FALSE(s.below_activation_since.has_value());
  ASSERT_TRUE(s.rollout.has_value());
  EXPECT_EQ(s.rollout->to, 9);
  EXPECT_TRUE(s.rollout->paused);
  ASSERT_EQ(s.conditions.size(), 2U);
  EXPECT_EQ(s.conditions[0].reason, "ReadyForNewScale");
  EXPECT_EQ(s.conditions[0].last_transition_time, (Time{k2026, 0}));
  EXPECT_EQ(s.conditions[1].status, "False");
  EXPECT_FALSE(s.conditions[1].last_transition_time.has_value());
}

struct ValueCase {
  std::string_view name;
  std::string_view sample;  // a JSON sample object, or YAML flow mapping for the YAML cases
  double want;              // NaN compares by isnan
};

class SampleValue : public ::testing::TestWithParam<ValueCase> {};

TEST_P(SampleValue, ReadsPrometheusAndYamlSpellings) {
  const ValueCase& c = GetParam();
  const std::string text = input_with(",\n \"metrics\": {\"cpu\": {\"samples\": [" + std::string(c.sample) + "]}}");
  const DecisionInput in = must_parse(text);
  ASSERT_EQ(in.metrics.count("cpu"), 1U);
  ASSERT_EQ(in.metrics.at("cpu").samples.size(), 1U);
  const double got = in.metrics.at("cpu").samples[0].value;
  if (std::isnan(c.want)) {
    EXPECT_TRUE(std::isnan(got)) << got;
  } else {
    EXPECT_EQ(got, c.want);
  }
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

INSTANTIATE_TEST_SUITE_P(DecisionInputJson, SampleValue,
                         ::testing::Values(ValueCase{"JsonNumber", R"({"value": 0.35})", 0.35},
                                           ValueCase{"JsonInteger", R"({"value": 42})", 42},
                                           ValueCase{"JsonExponent", R"({"value": 1.5e-3})", 0.0015},
                                           ValueCase{"PrometheusString", R"({"value": "0.35"})", 0.35},
                                           ValueCase{"PrometheusNaN", R"({"value": "NaN"})", kNaN},
                                           ValueCase{"PrometheusPlusInf", R"({"value": "+Inf"})", kInf},
                                           ValueCase{"PrometheusInfWithoutSign", R"({"value": "Inf"})", kInf},
                                           ValueCase{"PrometheusMinusInf", R"({"value": "-Inf"})", -kInf},
                                           ValueCase{"NullIsNaN", R"({"value": null})", kNaN},
                                           ValueCase{"NegativeIsReadAsIs", R"({"value": -1})", -1}),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(DecisionInputYaml, SampleValuesInYamlSpellings) {
  const std::string text = R"(apiVersion: hpad.io/v1alpha1
kind: DecisionInput
now: 2026-01-01T00:10:00Z
policy:
  apiVersion: hpad.io/v1alpha1
  kind: ScalingPolicy
  metadata: {name: web}
  spec:
    scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
    maxReplicas: 10
    metrics: [{name: cpu, type: Resource, resource: cpu, query: q, target: {type: Utilization, averageUtilization: 50}}]
scale: {spec: {replicas: 3}}
metrics:
  cpu:
    samples:
      - {labels: {pod: web-0}, value: .nan}
      - {labels: {pod: web-1}, value: .inf, timestamp: 2026-01-01T00:09:45Z}
      - {labels: {pod: web-2}, value: -.Inf, windowSeconds: 30}
      - {labels: {pod: web-3}, value: "0.25", timestamp: 1767225585.5}
  lag: {error: "Prometheus: connection refused"}
)";
  const DecisionInputParse parsed = parse_decision_input(text, "in.yaml");
  ASSERT_TRUE(parsed.input.has_value()) << ::testing::PrintToString(strings(parsed.errors));
  const auto& samples = parsed.input->metrics.at("cpu").samples;
  ASSERT_EQ(samples.size(), 4U);
  EXPECT_TRUE(std::isnan(samples[0].value));
  EXPECT_EQ(samples[1].value, kInf);
  EXPECT_EQ(samples[1].timestamp, (Time{k2026 + 585, 0}));
  EXPECT_EQ(samples[2].value, -kInf);
  EXPECT_EQ(samples[2].window, 30 * kSecond);
  EXPECT_EQ(samples[3].value, 0.25);
  EXPECT_EQ(samples[3].labels.at("pod"), "web-3");
  EXPECT_EQ(samples[3].timestamp, (Time{k2026 - 15, 500'000'000}));
  EXPECT_EQ(parsed.input->metrics.at("lag").error, "Prometheus: connection refused");
  EXPECT_TRUE(parsed.input->metrics.at("lag").samples.empty());
}

TEST(DecisionInputJson, SampleTimestampsAndWindows) {
  const DecisionInput in = must_parse(input_with(R"(,
 "metrics": {"cpu": {"samples": [
   {"labels": {"pod": "web-0", "container": "app"}, "value": 1, "timestamp": 1795295717.052, "windowSeconds": 0.5},
   {"labels": {}, "value": 2, "timestamp": "2026-01-01T00:09:45.25+00:00", "windowSeconds": 60},
   {"value": 3}]}},
 "gates": {"errors": {"samples": [{"labels": {}, "value": 0.002}]}})"));
  const auto& s = in.metrics.at("cpu").samples;
  ASSERT_EQ(s.size(), 3U);
  EXPECT_EQ(s[0].labels.size(), 2U);
  EXPECT_EQ(s[0].timestamp, (Time{1'795'295'717, 52'000'000}));  // exact: no float rounding of the fraction
  EXPECT_EQ(s[0].window, 500 * kSecond / 1000);
  EXPECT_EQ(s[1].timestamp, (Time{k2026 + 585, 250'000'000}));
  EXPECT_EQ(s[1].window, 60 * kSecond);
  EXPECT_FALSE(s[2].timestamp.has_value());  // decide() uses `now`
  EXPECT_FALSE(s[2].window.has_value());     // decide() uses 60 s
  EXPECT_TRUE(s[2].labels.empty());
  EXPECT_EQ(in.gates.at("errors").samples.at(0).value, 0.002);
}

// DECIDE-API.md's DecisionInput example, verbatim but for its three "…" placeholders.
TEST(DecisionInputJson, TheContractExampleIsAccepted) {
  const std::string text = R"json({
  "apiVersion": "hpad.io/v1alpha1", "kind": "DecisionInput",
  "now": "2026-01-01T00:10:00Z",
  "controller": {"tolerance": 0.1, "cpuInitializationPeriodSeconds": 300,
                 "initialReadinessDelaySeconds": 30, "downscaleStabilizationWindowSeconds": 300,
                 "scaleUpLimitFactor": 2.0, "scaleUpLimitMinimum": 4},
  "policy": POLICY,
  "scale": {"spec": {"replicas": 3}, "status": {"replicas": 3, "selector": "app=web"}},
  "pods": [],
  "metrics": {
    "cpu": {"samples": [{"labels": {"pod": "web-0"}, "value": 0.35,
                         "timestamp": "2026-01-01T00:09:45Z", "windowSeconds": 60}]},
    "lag": {"error": "Prometheus: connection refused"}
  },
  "gates": {"errors": {"samples": [{"labels": {}, "value": 0.002}]}},
  "state": {"recommendations": [], "consecutiveFailures": 0}
})json";
  std::string with_policy = text;
  with_policy.replace(with_policy.find("POLICY"), 6, kOneLinePolicy);
  const DecisionInput in = must_parse(with_policy);
  EXPECT_EQ(in.controller.scale_up_limit_minimum, 4.0);
  EXPECT_EQ(in.metrics.at("cpu").samples.at(0).labels.at("pod"), "web-0");
  EXPECT_EQ(in.metrics.at("cpu").samples.at(0).value, 0.35);
  EXPECT_EQ(in.metrics.at("cpu").samples.at(0).window, 60 * kSecond);
  EXPECT_EQ(in.metrics.at("lag").error, "Prometheus: connection refused");
  EXPECT_EQ(in.gates.at("errors").samples.at(0).value, 0.002);
}

// --- Broken DecisionInputs: every error, exactly -----------------------------------------------

TEST(DecisionInputErrors, EveryErrorOfOneFileIsReportedAtOnceInPositionOrder) {
  const std::string text = R"({"apiVersion": "hpad.io/v1alpha1", "kind": "DecisionInput",
 "now": "2026-02-30T00:00:00Z",
 "controller": {"tolerance": -0.1, "cpuInitializationPeriodSeconds": 1.5, "scaleUpLimitFactor": 0, "bogus": 1},
 "policy": {"apiVersion": "hpad.io/v1alpha1", "kind": "ScalingPolicy", "metadata": {"name": "web"},
  "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}, "maxReplicas": 10,
   "metrics": [{"name": "cpu", "type": "Resource", "resource": "cpu", "query": "q",
                "target": {"type": "Utilization", "averageUtilization": "fifty"}}]}},
 "scale": {"spec": {"replicas": -1}},
 "pods": [{"metadata": {"name": "web-0"}, "status": {"startTime": "yesterday"}}],
 "metrics": {"cpu": {"samples": [{"value": "abc", "windowSeconds": -1}], "extra": 1}},
 "state": {"recommendations": [{"replicas": 2}], "lastScaleTime": null, "rollout": {"from": 1}}}
)";
  const DecisionInputParse parsed = parse_decision_input(text, "in.json");
  EXPECT_FALSE(parsed.input.has_value());
  const std::string time_message = "expected an RFC 3339 time (\"2026-01-01T00:00:00Z\")";
  EXPECT_EQ(strings(parsed.errors),
            (std::vector<std::string>{
                "in.json:2:9: now: " + time_message,
                "in.json:3:30: controller.tolerance: must not be negative",
                "in.json:3:70: controller.cpuInitializationPeriodSeconds: expected an integer",
                "in.json:3:97: controller.scaleUpLimitFactor: must be greater than 0",
                "in.json:3:100: controller.bogus: unknown field \"bogus\"",
                "in.json:7:73: policy.spec.metrics[0].target.averageUtilization: expected an integer",
                "in.json:8:33: scale.spec.replicas: must not be negative",
                "in.json:9:67: pods[0].status.startTime: " + time_message,
                "in.json:10:44: metrics.cpu.samples[0].value: expected a number, \"NaN\", \"+Inf\" or \"-Inf\"",
                "in.json:10:68: metrics.cpu.samples[0].windowSeconds: must not be negative",
                "in.json:10:74: metrics.cpu.extra: unknown field \"extra\"",
                "in.json:11:32: state.recommendations[0].timestamp: required field is missing",
                "in.json:11:84: state.rollout.to: required field is missing",
                "in.json:11:84: state.rollout.step: required field is missing",
                "in.json:11:84: state.rollout.stepStartedAt: required field is missing",
            }));
}

struct BrokenCase {
  std::string_view name;
  std::string text;
  std::vector<std::string> want;
};

class BrokenInput : public ::testing::TestWithParam<BrokenCase> {};

TEST_P(BrokenInput, ReportsExactErrors) {
  const DecisionInputParse parsed = parse_decision_input(GetParam().text, "in");
  EXPECT_FALSE(parsed.input.has_value());
  EXPECT_EQ(strings(parsed.errors), GetParam().want);
}

std::vector<BrokenCase> broken_cases() {
  std::vector<BrokenCase> cases;
  cases.push_back({"MissingRequiredFields",
                   "{\"apiVersion\": \"hpad.io/v1alpha1\", \"kind\": \"DecisionInput\"}",
                   {"in:1:1: now: required field is missing", "in:1:1: policy: required field is missing",
                    "in:1:1: scale: required field is missing"}});
  cases.push_back({"WrongKindStopsThere",
                   "{\"apiVersion\": \"hpad.io/v1alpha1\", \"kind\": \"Decision\", \"now\": 5}",
                   {"in:1:44: kind: must be DecisionInput"}});
  cases.push_back({"WrongApiVersion",
                   "{\"apiVersion\": \"v1\", \"kind\": \"DecisionInput\"}",
                   {"in:1:16: apiVersion: must be hpad.io/v1alpha1"}});
  cases.push_back({"NotAnObject", "[1]", {"in:1:1: expected a mapping"}});
  cases.push_back({"SyntaxError",
                   "{\"apiVersion\": \"hpad.io/v1alpha1\",\n \"kind\" \"DecisionInput\"}",
                   // nlohmann notices the error at the last byte of the unexpected token.
                   {"in:2:23: invalid JSON: syntax error while parsing object separator - unexpected string literal; "
                    "expected ':'"}});
  cases.push_back(
      {"UnknownTopLevelField", input_with(",\n \"extra\": {}"), {"in:5:2: extra: unknown field \"extra\""}});
  {
    // Validation of the embedded policy, its paths under "policy.".
    std::string text = input_with("");
    std::string read = text;
    read.replace(read.find("\"maxReplicas\": 10"), 17, "\"maxReplicas\": 1.5");
    cases.push_back({"PolicyReadErrorHasPolicyPrefix",
                     read,
                     {"in:" + at(read, "1.5") + ": policy.spec.maxReplicas: expected an integer"}});
    std::string invalid = text;
    invalid.replace(invalid.find("\"maxReplicas\": 10"), 17, "\"maxReplicas\": 0 ");
    cases.push_back({"PolicyValidationHasPolicyPrefix",
                     invalid,
                     {"in:" + at(invalid, "0 ,") + ": policy.spec.maxReplicas: must be at least 1"}});
  }
  {
    const std::string text = input_with(",\n \"policy\": 7");
    cases.push_back({"DuplicateTopLevelKey", text, {"in:5:2: policy: duplicate key \"policy\""}});
  }
  {
    const std::string text = input_with(",\n \"metrics\": {\"cpu\": {\"samples\": {\"value\": 1}}, \"lag\": []}");
    cases.push_back({"MetricsShapes",
                     text,
                     {"in:" + at(text, "{\"value\"") + ": metrics.cpu.samples: expected a list",
                      "in:" + at(text, "[]") + ": metrics.lag: expected a mapping"}});
  }
  {
    const std::string text = input_with(
        ",\n \"metrics\": {\"cpu\": {\"samples\": [{\"labels\": {\"pod\": [1]}, \"timestamp\": \"soon\", "
        "\"windowSeconds\": "
        "\"60\", \"weight\": 1}, {\"labels\": []}]}}");
    cases.push_back(
        {"SampleFields",
         text,
         {"in:" + at(text, "{\"labels\": {\"pod\"") + ": metrics.cpu.samples[0].value: required field is missing",
          "in:" + at(text, "[1]") + ": metrics.cpu.samples[0].labels.pod: expected a string",
          "in:" + at(text, "\"soon\"") +
              ": metrics.cpu.samples[0].timestamp: expected an RFC 3339 time or a number of Unix seconds",
          "in:" + at(text, "\"60\"") + ": metrics.cpu.samples[0].windowSeconds: expected a number of seconds",
          "in:" + at(text, "\"weight\"") + ": metrics.cpu.samples[0].weight: unknown field \"weight\"",
          "in:" + at(text, "{\"labels\": []}") + ": metrics.cpu.samples[1].value: required field is missing",
          "in:" + at(text, "[]}") + ": metrics.cpu.samples[1].labels: expected a mapping"}});
  }
  {
    const std::string text = input_with(
        ",\n \"pods\": [{\"spec\": {\"containers\": [{\"name\": \"app\", \"resources\": {\"requests\": {\"cpu\": "
        "\"lots\"}}}]}},\n  {\"metadata\": {\"name\": \"p\"}, \"status\": {\"conditions\": [{\"type\": \"Ready\", "
        "\"status\": \"Maybe\"}]}}]");
    cases.push_back(
        {"PodFieldsDecideReads",
         text,
         {"in:" + at(text, "{\"spec\": {\"containers\"") + ": pods[0].metadata: required field is missing",
          "in:" + at(text, "\"lots\"") +
              ": pods[0].spec.containers[0].resources.requests.cpu: invalid quantity: quantity \"lots\": unexpected "
              "'l' at offset 0",
          "in:" + at(text, "\"Maybe\"") +
              ": pods[1].status.conditions[0].status: must be one of True, False, Unknown"}});
  }
  {
    const std::string text = input_with(
        ",\n \"state\": {\"scaleUpEvents\": [{\"replicaChange\": 1, \"timestamp\": \"2026-01-01T00:00:00Z\", "
        "\"outdated\": "
        "\"yes\"}], \"consecutiveFailures\": -2, \"rollout\": {\"from\": 1, \"to\": 2, \"step\": 0, \"stepStartedAt\": "
        "\"2026-01-01T00:00:00Z\", \"speed\": 1}}");
    cases.push_back({"StateFields",
                     text,
                     {"in:" + at(text, "\"yes\"") + ": state.scaleUpEvents[0].outdated: expected true or false",
                      "in:" + at(text, "-2") + ": state.consecutiveFailures: must not be negative",
                      "in:" + at(text, "\"speed\"") + ": state.rollout.speed: unknown field \"speed\""}});
  }
  cases.push_back({"YamlWithErrors",
                   "apiVersion: hpad.io/v1alpha1\nkind: DecisionInput\nnow: later\nscale: {spec: {replicas: x}}\n",
                   {"in:1:1: policy: required field is missing",
                    "in:3:6: now: expected an RFC 3339 time (\"2026-01-01T00:00:00Z\")",
                    "in:4:26: scale.spec.replicas: expected an integer"}});
  cases.push_back({"YamlTwoDocuments",
                   "kind: A\n---\nkind: B\n",
                   {"in:1:1: apiVersion: required field is missing", "in:1:7: kind: must be DecisionInput",
                    "in:3:1: expected one DecisionInput document, found 2"}});
  cases.push_back({"EmptyText", "", {"in:1:1: expected a DecisionInput document, found none"}});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Table, BrokenInput, ::testing::ValuesIn(broken_cases()),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

// --- A Pod as kubectl prints it ----------------------------------------------------------------

constexpr std::string_view kKubectlPods = R"([
  {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {
      "annotations": {"kubectl.kubernetes.io/restartedAt": "2026-01-01T00:00:00Z"},
      "creationTimestamp": "2026-01-01T00:00:00Z",
      "generateName": "web-5d8f7b9c4-",
      "labels": {"app": "web", "pod-template-hash": "5d8f7b9c4"},
      "managedFields": [{"apiVersion": "v1", "fieldsType": "FieldsV1", "fieldsV1": {"f:metadata": {"f:labels": {".": {}}}},
                         "manager": "kube-controller-manager", "operation": "Update", "time": "2026-01-01T00:00:00Z"}],
      "name": "web-5d8f7b9c4-x2x9q",
      "namespace": "default",
      "ownerReferences": [{"apiVersion": "apps/v1", "blockOwnerDeletion": true, "controller": true,
                           "kind": "ReplicaSet", "name": "web-5d8f7b9c4", "uid": "0b5d"}],
      "resourceVersion": "123456",
      "uid": "7c1e"
    },
    "spec": {
      "containers": [
        {"image": "nginx:1.27", "imagePullPolicy": "IfNotPresent", "name": "app",
         "env": [{"name": "A", "value": "1"}],
         "ports": [{"containerPort": 8080, "protocol": "TCP"}],
         "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 5},
         "resources": {"limits": {"cpu": "1", "memory": "256Mi"}, "requests": {"cpu": "250m", "memory": "64Mi"}},
         "volumeMounts": [{"mountPath": "/var/run/secrets", "name": "kube-api-access", "readOnly": true}]},
        {"image": "envoy", "name": "proxy", "resources": {"requests": {"cpu": 0.1}}}
      ],
      "initContainers": [
        {"image": "busybox", "name": "migrate", "resources": {"requests": {"cpu": "2"}}},
        {"image": "fluent-bit", "name": "logs", "restartPolicy": "Always", "resources": {"requests": {"cpu": "50m"}}}
      ],
      "dnsPolicy": "ClusterFirst",
      "nodeName": "node-1",
      "restartPolicy": "Always",
      "schedulerName": "default-scheduler",
      "securityContext": {},
      "serviceAccountName": "default",
      "terminationGracePeriodSeconds": 30,
      "tolerations": [{"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists",
                       "tolerationSeconds": 300}],
      "volumes": [{"name": "kube-api-access", "projected": {"defaultMode": 420, "sources": []}}]
    },
    "status": {
      "conditions": [
        {"lastProbeTime": null, "lastTransitionTime": "2026-01-01T00:00:02Z", "status": "True", "type": "PodScheduled"},
        {"lastProbeTime": null, "lastTransitionTime": "2026-01-01T00:00:05Z", "status": "True", "type": "Initialized"},
        {"lastProbeTime": null, "lastTransitionTime": "2026-01-01T00:00:40Z", "status": "True", "type": "Ready"},
        {"lastProbeTime": null, "lastTransitionTime": "2026-01-01T00:00:40Z", "status": "True", "type": "ContainersReady"}
      ],
      "containerStatuses": [{"containerID": "containerd://ab", "image": "nginx:1.27", "imageID": "sha256:1",
                             "lastState": {}, "name": "app", "ready": true, "restartCount": 0, "started": true,
                             "state": {"running": {"startedAt": "2026-01-01T00:00:06Z"}}}],
      "hostIP": "10.0.0.1",
      "phase": "Running",
      "podIP": "10.244.0.7",
      "podIPs": [{"ip": "10.244.0.7"}],
      "qosClass": "Burstable",
      "startTime": "2026-01-01T00:00:02Z"
    }
  },
  {"metadata": {"name": "web-old", "deletionTimestamp": "2026-01-01T00:09:00Z", "deletionGracePeriodSeconds": 30},
   "spec": {"containers": [{"name": "app"}]},
   "status": {"phase": "Pending", "conditions": [{"type": "Ready", "status": "False"}]}},
  {"metadata": {"name": "web-new", "deletionTimestamp": null}, "status": {"phase": "Evicted?"}}
])";

TEST(DecisionInputPods, KubectlShapedPodsAreReadForWhatDecideReads) {
  const DecisionInput in = must_parse(input_with(",\n \"pods\": " + std::string(kKubectlPods)));
  ASSERT_EQ(in.pods.size(), 3U);
  const PodInfo& web = in.pods[0];
  EXPECT_EQ(web.name, "web-5d8f7b9c4-x2x9q");
  EXPECT_FALSE(web.deleting);
  EXPECT_EQ(web.phase, PodPhase::kRunning);
  EXPECT_EQ(web.start_time, (Time{k2026 + 2, 0}));
  EXPECT_EQ(web.ready, ConditionStatus::kTrue);
  EXPECT_EQ(web.ready_last_transition, (Time{k2026 + 40, 0}));  // the Ready condition's, not ContainersReady's
  ASSERT_EQ(web.containers.size(), 2U);
  EXPECT_EQ(web.containers[0].name, "app");
  EXPECT_EQ(web.containers[0].requests_milli.at("cpu"), 250);
  EXPECT_EQ(web.containers[0].requests_milli.at("memory"), 64LL * 1024 * 1024 * 1000);
  EXPECT_EQ(web.containers[0].requests_milli.size(), 2U);      // limits are not requests
  EXPECT_EQ(web.containers[1].requests_milli.at("cpu"), 100);  // a JSON number is a quantity too
  ASSERT_EQ(web.restartable_init_containers.size(), 1U);       // "migrate" runs to completion: not counted
  EXPECT_EQ(web.restartable_init_containers[0].name, "logs");
  EXPECT_EQ(web.restartable_init_containers[0].requests_milli.at("cpu"), 50);

  const PodInfo& old = in.pods[1];
  EXPECT_TRUE(old.deleting);
  EXPECT_EQ(old.phase, PodPhase::kPending);
  EXPECT_FALSE(old.start_time.has_value());
  EXPECT_EQ(old.ready, ConditionStatus::kFalse);
  EXPECT_EQ(old.ready_last_transition, parse_rfc3339("0001-01-01T00:00:00Z"));  // unset: Go's zero time
  ASSERT_EQ(old.containers.size(), 1U);
  EXPECT_TRUE(old.containers[0].requests_milli.empty());

  const PodInfo& fresh = in.pods[2];
  EXPECT_FALSE(fresh.deleting);  // a null deletionTimestamp is not set
  EXPECT_EQ(fresh.phase, PodPhase::kUnknown);
  EXPECT_FALSE(fresh.ready.has_value());
  EXPECT_TRUE(fresh.containers.empty());
}

// --- Round trip ---------------------------------------------------------------------------------

DecisionInput full_input() {
  DecisionInput in;
  in.now = {k2026 + 600, 123'000'000};
  in.controller = {0.05, 120 * kSecond, 10 * kSecond, 600 * kSecond, 3.0, 8.0};
  in.policy = only_policy(parse_policies_yaml(kPolicyYaml, "p.yaml"));
  in.scale = {4, 3, "app=web,tier!=db"};
  PodInfo a;
  a.name = "web-0";
  a.phase = PodPhase::kRunning;
  a.start_time = Time{k2026, 5};
  a.ready = ConditionStatus::kUnknown;
  a.ready_last_transition = {k2026 + 30, 0};
  a.containers = {{"app", {{"cpu", 250}, {"memory", 67'108'864'000}}}, {"proxy", {}}};
  a.restartable_init_containers = {{"logs", {{"cpu", 1}}}};
  PodInfo b;
  b.name = "web-1";
  b.deleting = true;
  b.phase = PodPhase::kFailed;
  in.pods = {a, b};
  in.metrics["cpu"].samples = {
      {{{"pod", "web-0"}, {"container", "app"}}, 0.35, Time{k2026 + 585, 52'000'000}, 1500 * kSecond / 1000},
      {{{"pod", "web-1"}}, std::numeric_limits<double>::quiet_NaN(), std::nullopt, std::nullopt},
      {{}, -std::numeric_limits<double>::infinity(), std::nullopt, 1},
      {{}, 1e300, std::nullopt, 60 * kSecond}};
  in.metrics["lag"].error = "Prometheus: connection refused";
  in.metrics["rps"];  // no data
  in.gates["errors"].samples = {{{}, 0.002, Time{k2026, 0}, std::nullopt}};
  in.state.normalization.recommendations = std::vector<Recommendation>{};
  in.state.normalization.scale_up_events = {{2, {k2026 + 60, 0}, true}};
  in.state.normalization.scale_down_events = {{1, {k2026 + 30, 7}, false}};
  in.state.last_scale_time = Time{k2026 + 60, 0};
  in.state.consecutive_failures = 1;
  in.state.below_activation_since = Time{-62'135'596'800, 0};
  in.state.rollout = RolloutState{3, 9, 1, {k2026 + 60, 0}, true};
  in.state.conditions = {{"AbleToScale", "True", "ReadyForNewScale", "m", Time{k2026, 0}},
                         {"ScalingActive", "False", "", "", std::nullopt}};
  return in;
}

void expect_same_samples(const std::map<std::string, Observation>& got,
                         const std::map<std::string, Observation>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (const auto& [name, w] : want) {
    ASSERT_EQ(got.count(name), 1U) << name;
    const Observation& g = got.at(name);
    EXPECT_EQ(g.error, w.error) << name;
    ASSERT_EQ(g.samples.size(), w.samples.size()) << name;
    for (std::size_t i = 0; i < w.samples.size(); ++i) {
      EXPECT_EQ(g.samples[i].labels, w.samples[i].labels);
      if (std::isnan(w.samples[i].value)) {
        EXPECT_TRUE(std::isnan(g.samples[i].value));
      } else {
        EXPECT_EQ(g.samples[i].value, w.samples[i].value) << name << "[" << i << "]";
      }
      EXPECT_EQ(g.samples[i].timestamp, w.samples[i].timestamp) << name << "[" << i << "]";
      EXPECT_EQ(g.samples[i].window, w.samples[i].window) << name << "[" << i << "]";
    }
  }
}

TEST(DecisionInputRoundTrip, ToJsonThenParseGivesTheSameValues) {
  const DecisionInput want = full_input();
  const std::string text = to_json(want).dump(2);
  const DecisionInput got = must_parse(text);
  EXPECT_EQ(got.now, want.now);
  EXPECT_EQ(got.controller.tolerance, want.controller.tolerance);
  EXPECT_EQ(got.controller.cpu_initialization_period, want.controller.cpu_initialization_period);
  EXPECT_EQ(got.controller.initial_readiness_delay, want.controller.initial_readiness_delay);
  EXPECT_EQ(got.controller.downscale_stabilization_window, want.controller.downscale_stabilization_window);
  EXPECT_EQ(got.controller.scale_up_limit_factor, want.controller.scale_up_limit_factor);
  EXPECT_EQ(got.controller.scale_up_limit_minimum, want.controller.scale_up_limit_minimum);
  EXPECT_EQ(to_json(got.policy).dump(), to_json(want.policy).dump());
  EXPECT_EQ(got.policy.metrics.at(2).target.value->milli_value(), 100);
  EXPECT_EQ(got.scale.spec_replicas, 4);
  EXPECT_EQ(got.scale.status_replicas, 3);
  EXPECT_EQ(got.scale.selector, want.scale.selector);
  ASSERT_EQ(got.pods.size(), 2U);
  for (std::size_t i = 0; i < 2; ++i) {
    const PodInfo& g = got.pods[i];
    const PodInfo& w = want.pods[i];
    EXPECT_EQ(g.name, w.name);
    EXPECT_EQ(g.deleting, w.deleting);
    EXPECT_EQ(g.phase, w.phase);
    EXPECT_EQ(g.start_time, w.start_time);
    EXPECT_EQ(g.ready, w.ready);
    if (w.ready) {
      EXPECT_EQ(g.ready_last_transition, w.ready_last_transition);
    }
    ASSERT_EQ(g.containers.size(), w.containers.size());
    for (std::size_t c = 0; c < w.containers.size(); ++c) {
      EXPECT_EQ(g.containers[c].name, w.containers[c].name);
      EXPECT_EQ(g.containers[c].requests_milli, w.containers[c].requests_milli);
    }
    ASSERT_EQ(g.restartable_init_containers.size(), w.restartable_init_containers.size());
    for (std::size_t c = 0; c < w.restartable_init_containers.size(); ++c) {
      EXPECT_EQ(g.restartable_init_containers[c].requests_milli, w.restartable_init_containers[c].requests_milli);
    }
  }
  expect_same_samples(got.metrics, want.metrics);
  expect_same_samples(got.gates, want.gates);
  const PolicyState& gs = got.state;
  const PolicyState& ws = want.state;
  ASSERT_TRUE(gs.normalization.recommendations.has_value());  // [] stays "seen"
  EXPECT_TRUE(gs.normalization.recommendations->empty());
  ASSERT_EQ(gs.normalization.scale_up_events.size(), 1U);
  EXPECT_EQ(gs.normalization.scale_up_events[0].replica_change, 2);
  EXPECT_EQ(gs.normalization.scale_up_events[0].timestamp, ws.normalization.scale_up_events[0].timestamp);
  EXPECT_TRUE(gs.normalization.scale_up_events[0].outdated);
  ASSERT_EQ(gs.normalization.scale_down_events.size(), 1U);
  EXPECT_EQ(gs.normalization.scale_down_events[0].timestamp, ws.normalization.scale_down_events[0].timestamp);
  EXPECT_EQ(gs.last_scale_time, ws.last_scale_time);
  EXPECT_EQ(gs.consecutive_failures, 1);
  EXPECT_EQ(gs.below_activation_since, ws.below_activation_since);
  ASSERT_TRUE(gs.rollout.has_value());
  EXPECT_EQ(gs.rollout->from, 3);
  EXPECT_EQ(gs.rollout->to, 9);
  EXPECT_EQ(gs.rollout->step, 1);
  EXPECT_EQ(gs.rollout->step_started_at, ws.rollout->step_started_at);
  EXPECT_TRUE(gs.rollout->paused);
  ASSERT_EQ(gs.conditions.size(), 2U);
  EXPECT_EQ(gs.conditions[0].message, "m");
  EXPECT_EQ(gs.conditions[0].last_transition_time, ws.conditions[0].last_transition_time);
  EXPECT_FALSE(gs.conditions[1].last_transition_time.has_value());
  // And the text is stable: writing what was read gives the same text.
  EXPECT_EQ(to_json(got).dump(2), text);
}

TEST(DecisionInputRoundTrip, NeverSeenRecommendationsStayNull) {
  DecisionInput in = full_input();
  in.state = PolicyState{};
  const Json j = to_json(in);
  EXPECT_TRUE(j["state"]["recommendations"].is_null());
  EXPECT_FALSE(must_parse(j.dump()).state.normalization.recommendations.has_value());
}

TEST(DecisionInputJsonWriter, NonFiniteSampleValuesAreWrittenAsPrometheusStrings) {
  const Json j = to_json(full_input());
  const Json& samples = j["metrics"]["cpu"]["samples"];
  EXPECT_EQ(samples[1]["value"], "NaN");
  EXPECT_EQ(samples[2]["value"], "-Inf");
  const std::string text = j.dump();
  EXPECT_EQ(text.find("nan"), std::string::npos);
  EXPECT_EQ(text.find("inf"), std::string::npos);
}

// --- Decision -> JSON ---------------------------------------------------------------------------

std::vector<std::string> keys(const Json& object) {
  std::vector<std::string> out;
  for (const auto& item : object.items()) {
    out.push_back(item.key());
  }
  return out;
}

// Every key of the contract's example (DECIDE-API.md, copied verbatim) is in `got`, recursively
// (arrays: their first element).
void expect_has_keys_of(const Json& got, const Json& example, const std::string& path) {
  if (example.is_object()) {
    ASSERT_TRUE(got.is_object()) << path;
    for (const auto& item : example.items()) {
      ASSERT_TRUE(got.contains(item.key())) << path << "." << item.key();
      expect_has_keys_of(got[item.key()], item.value(), path + "." + item.key());
    }
  } else if (example.is_array() && !example.empty() && !got.empty()) {
    expect_has_keys_of(got[0], example[0], path + "[0]");
  }
}

constexpr std::string_view kDecisionExample = R"json({
  "apiVersion": "hpad.io/v1alpha1", "kind": "Decision",
  "policy": "default/web", "time": "2026-01-01T00:10:00Z",
  "currentReplicas": 3, "desiredReplicas": 5, "scale": true,
  "metrics": [{"name": "cpu", "type": "Resource", "valid": true, "replicas": 6,
               "value": 0.5, "averageUtilization": 50, "error": null}],
  "recommendation": {"metrics": 6, "stabilized": 6, "limited": 5, "final": 5},
  "limits": ["ScaleUpLimit"],
  "conditions": [{"type": "AbleToScale", "status": "True", "reason": "SucceededRescale"},
                 {"type": "ScalingActive", "status": "True", "reason": "ValidMetricFound"},
                 {"type": "ScalingLimited", "status": "True", "reason": "ScaleUpLimit"}],
  "rollout": null,
  "message": "cpu above target; limited by scale-up policy (4 pods per 15s)",
  "state": {
    "recommendations": [{"replicas": 4, "timestamp": "…"}],
    "scaleUpEvents":   [{"replicaChange": 2, "timestamp": "…", "outdated": false}],
    "scaleDownEvents": [],
    "lastScaleTime": "…",
    "consecutiveFailures": 0,
    "belowActivationSince": null,
    "rollout": {"from": 3, "to": 9, "step": 1, "stepStartedAt": "…", "paused": false},
    "conditions": [{"type": "AbleToScale", "status": "True", "reason": "ReadyForNewScale",
                    "lastTransitionTime": "…"}]
  }
})json";

Decision example_decision() {
  Decision d;
  d.policy = "default/web";
  d.time = {k2026 + 600, 0};
  d.current_replicas = 3;
  d.desired_replicas = 5;
  d.scale = true;
  MetricOutcome cpu;
  cpu.name = "cpu";
  cpu.type = MetricSourceType::kResource;
  cpu.valid = true;
  cpu.replicas = 6;
  cpu.value = 0.5;
  cpu.average_utilization = 50;
  cpu.active = true;
  MetricOutcome lag;
  lag.name = "lag";
  lag.type = MetricSourceType::kExternal;
  lag.error = "Prometheus: connection refused";
  lag.reason = "FailedGetExternalMetric";
  d.metrics = {cpu, lag};
  d.recommendation = {6, 6, 5, 5};
  d.limits = {"ScaleUpLimit"};
  d.conditions = {{"AbleToScale", "True", "SucceededRescale", "", std::nullopt},
                  {"ScalingActive", "True", "ValidMetricFound", "", Time{k2026, 0}},
                  {"ScalingLimited", "True", "ScaleUpLimit", "", std::nullopt}};
  d.message = "cpu above target; limited by scale-up policy (4 pods per 15s)";
  d.state = full_input().state;
  d.state.normalization.recommendations = std::vector<Recommendation>{{4, {k2026 + 585, 0}}};
  return d;
}

TEST(DecisionJson, HasTheContractFieldsInTheContractOrder) {
  const Json j = to_json(example_decision());
  EXPECT_EQ(keys(j), (std::vector<std::string>{"apiVersion", "kind", "policy", "time", "currentReplicas",
                                               "desiredReplicas", "scale", "metrics", "recommendation", "limits",
                                               "conditions", "rollout", "message", "state"}));
  EXPECT_EQ(keys(j["metrics"][0]), (std::vector<std::string>{"name", "type", "valid", "replicas", "value",
                                                             "averageUtilization", "active", "error", "reason"}));
  EXPECT_EQ(keys(j["recommendation"]), (std::vector<std::string>{"metrics", "stabilized", "limited", "final"}));
  EXPECT_EQ(keys(j["conditions"][0]),
            (std::vector<std::string>{"type", "status", "reason", "message", "lastTransitionTime"}));
  EXPECT_EQ(keys(j["state"]),
            (std::vector<std::string>{"recommendations", "scaleUpEvents", "scaleDownEvents", "lastScaleTime",
                                      "consecutiveFailures", "belowActivationSince", "rollout", "conditions"}));
  EXPECT_EQ(keys(j["state"]["rollout"]), (std::vector<std::string>{"from", "to", "step", "stepStartedAt", "paused"}));
  expect_has_keys_of(j, Json::parse(kDecisionExample), "");
}

TEST(DecisionJson, ValuesAreWrittenAsTheContractShows) {
  const Json j = to_json(example_decision());
  EXPECT_EQ(j["apiVersion"], "hpad.io/v1alpha1");
  EXPECT_EQ(j["kind"], "Decision");
  EXPECT_EQ(j["time"], "2026-01-01T00:10:00Z");
  EXPECT_EQ(j["scale"], true);
  EXPECT_EQ(j["metrics"][0]["type"], "Resource");
  EXPECT_EQ(j["metrics"][0]["value"], 0.5);
  EXPECT_TRUE(j["metrics"][0]["error"].is_null());  // absent optional: null, as the contract shows
  EXPECT_EQ(j["metrics"][1]["type"], "External");
  EXPECT_TRUE(j["metrics"][1]["replicas"].is_null());
  EXPECT_TRUE(j["metrics"][1]["value"].is_null());
  EXPECT_TRUE(j["metrics"][1]["averageUtilization"].is_null());
  EXPECT_EQ(j["metrics"][1]["error"], "Prometheus: connection refused");
  EXPECT_EQ(j["recommendation"]["final"], 5);
  EXPECT_TRUE(j["rollout"].is_null());
  EXPECT_TRUE(j["conditions"][0]["lastTransitionTime"].is_null());
  EXPECT_EQ(j["conditions"][1]["lastTransitionTime"], "2026-01-01T00:00:00Z");
  EXPECT_EQ(j["state"]["recommendations"][0]["timestamp"], "2026-01-01T00:09:45Z");
  EXPECT_EQ(j["state"]["scaleDownEvents"][0]["timestamp"], "2026-01-01T00:00:30.000000007Z");
  EXPECT_EQ(j["state"]["belowActivationSince"], "0001-01-01T00:00:00Z");
}

TEST(DecisionJson, AbsentStagesAndRolloutView) {
  Decision d = example_decision();
  d.recommendation = {std::nullopt, std::nullopt, std::nullopt, 3};
  RolloutView view;
  view.from = 3;
  view.to = 9;
  view.step = 2;
  view.steps = 3;
  view.step_replicas = 6;
  view.next_step_at = Time{k2026 + 720, 0};
  view.gates = {{"errors", 0.002, "Pass", "0.002 <= 0.01"}, {"lat", std::nullopt, "NoData", "no samples"}};
  d.rollout = view;
  const Json j = to_json(d);
  EXPECT_TRUE(j["recommendation"]["metrics"].is_null());
  EXPECT_TRUE(j["recommendation"]["stabilized"].is_null());
  EXPECT_TRUE(j["recommendation"]["limited"].is_null());
  EXPECT_EQ(keys(j["rollout"]),
            (std::vector<std::string>{"from", "to", "step", "steps", "stepReplicas", "paused", "nextStepAt", "gates"}));
  EXPECT_EQ(j["rollout"]["nextStepAt"], "2026-01-01T00:12:00Z");
  EXPECT_EQ(keys(j["rollout"]["gates"][0]), (std::vector<std::string>{"name", "value", "result", "message"}));
  EXPECT_EQ(j["rollout"]["gates"][0]["value"], 0.002);
  EXPECT_TRUE(j["rollout"]["gates"][1]["value"].is_null());
}

TEST(DecisionJson, NonFiniteDoublesAreWrittenAsNullNeverAsNaN) {
  Decision d = example_decision();
  d.metrics[0].value = std::numeric_limits<double>::quiet_NaN();
  d.metrics[1].value = std::numeric_limits<double>::infinity();
  RolloutView view;
  view.gates = {{"errors", -std::numeric_limits<double>::infinity(), "Fail", ""}};
  d.rollout = view;
  const Json j = to_json(d);
  EXPECT_TRUE(j["metrics"][0]["value"].is_null());
  EXPECT_TRUE(j["metrics"][1]["value"].is_null());
  EXPECT_TRUE(j["rollout"]["gates"][0]["value"].is_null());
  const std::string text = j.dump();
  EXPECT_TRUE(Json::accept(text));
  EXPECT_EQ(text.find("nan"), std::string::npos);
  EXPECT_EQ(text.find("NaN"), std::string::npos);
  EXPECT_EQ(text.find("inf"), std::string::npos);
}

TEST(PolicyStateJson, MatchesTheContractExample) {
  const Json example = Json::parse(kDecisionExample)["state"];
  const Json j = to_json(example_decision().state);
  EXPECT_EQ(keys(j), keys(example));
  expect_has_keys_of(j, example, "state");
}

}  // namespace
}  // namespace hpad::policies
