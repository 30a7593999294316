// Pins down the pure parts of hpad-kubesim: the config file format (defaults, field-path errors),
// the load curves at given times, CSV traces, and label selector matching.
#include <gtest/gtest.h>

#include <cmath>

#include "hpad/sim/config.h"
#include "hpad/sim/label_selector.h"
#include "hpad/sim/load_curve.h"
#include "hpad/test_support/subprocess.h"

#include <fstream>

namespace hpad::sim {
namespace {

TEST(SimConfig, ReadsTheDocumentedExample) {
  auto parsed = parse_config(R"(
namespace: default
deployments:
  - name: web
    replicas: 2
    labels: {app: web}
    requests: {cpu: 250m, memory: 128Mi}
    startupDelaySeconds: 5
    terminationGraceSeconds: 2
    load: {type: sine, base: 200, amplitude: 150, periodSeconds: 600}
    capacityPerPod: 100
    cpuPerRequest: 0.002
seed: 1
faults: {scaleWriteErrorRate: 0.0, scaleWriteDelayMs: 0, conflicts: 0, tooManyRequests: 0, retryAfterSeconds: 1}
)");
  ASSERT_TRUE(std::holds_alternative<SimConfig>(parsed)) << std::get<ConfigError>(parsed).to_string();
  const auto& config = std::get<SimConfig>(parsed);
  ASSERT_EQ(config.deployments.size(), 1u);
  const auto& web = config.deployments[0];
  EXPECT_EQ(web.namespace_name, "default");  // inherited from the top level
  EXPECT_EQ(web.replicas, 2);
  EXPECT_EQ(web.labels.at("app"), "web");
  EXPECT_EQ(web.requests.at("cpu"), "250m");
  EXPECT_EQ(web.load.type, LoadCurveType::kSine);
  EXPECT_DOUBLE_EQ(web.load.period_seconds, 600);
  EXPECT_EQ(web.image, "registry.local/web:1");  // default
  EXPECT_EQ(config.faults.retry_after_seconds, 1);
}

TEST(SimConfig, BadFieldsAreReportedWithTheirPath) {
  struct Case {
    const char* yaml;
    const char* expected;  // ConfigError::to_string() starts with this
  };
  const Case cases[] = {
      {"deployments: [{name: web, replicas: -1}]", "deployments[0].replicas: must be a whole number"},
      {"deployments: [{name: web, replicas: many}]", "deployments[0].replicas: must be a number"},
      {"deployments: [{name: Web}]", "deployments[0].name: \"Web\" is not a DNS-1123 label"},
      {"deployments: [{replicas: 1}]", "deployments[0].name: is required"},
      {"deployments: [{name: a}, {name: a}]", "deployments[1].name: duplicate deployment"},
      {"deployments: [{name: a, load: {type: sine, periodSeconds: 0}}]",
       "deployments[0].load.periodSeconds: must be > 0"},
      {"deployments: [{name: a, load: {type: zigzag}}]", "deployments[0].load.type: must be constant"},
      {"deployments: [{name: a, load: {type: step, steps: [{at: 1}]}}]",
       "deployments[0].load.steps[0]: needs `at` and `value`"},
      {"deployments: [{name: a, capacityPerPod: 0}]", "deployments[0].capacityPerPod: must be > 0"},
      {"deployments: [{name: a, replica: 3}]", "deployments[0].replica: unknown field"},  // a typo must not pass
      {"faults: {scaleWriteErrorRate: 2}", "faults.scaleWriteErrorRate: must be <= 1"},
      {"deployments: {name: a}", "deployments: must be a list"},
      {"namespace: [a", "invalid YAML"},
  };
  for (const auto& c : cases) {
    auto parsed = parse_config(c.yaml);
    ASSERT_TRUE(std::holds_alternative<ConfigError>(parsed)) << c.yaml;
    EXPECT_TRUE(std::get<ConfigError>(parsed).to_string().starts_with(c.expected))
        << c.yaml << " gave: " << std::get<ConfigError>(parsed).to_string();
  }
}

TEST(SimConfig, MissingFileIsAnError) {
  auto loaded = load_config_file("/nonexistent/kubesim.yaml");
  ASSERT_TRUE(std::holds_alternative<ConfigError>(loaded));
  EXPECT_NE(std::get<ConfigError>(loaded).message.find("cannot read"), std::string::npos);
}

TEST(SimConfig, CsvTraceIsReadRelativeToTheConfigFile) {
  hpad::test_support::TempDir dir("kubesim-config");
  std::ofstream(dir.path() / "trace.csv") << "t_seconds,value\n0,10\n10,30\n";
  std::ofstream(dir.path() / "sim.yaml") << "deployments: [{name: a, load: {type: csv, file: trace.csv}}]\n";
  auto loaded = load_config_file(dir.path() / "sim.yaml");
  ASSERT_TRUE(std::holds_alternative<SimConfig>(loaded)) << std::get<ConfigError>(loaded).to_string();
  EXPECT_DOUBLE_EQ(std::get<SimConfig>(loaded).deployments[0].load.evaluate(5), 20);  // halfway between points
}

TEST(SimFaults, JsonUpdatesOnlyTheFieldsItNames) {
  FaultConfig faults;
  faults.retry_after_seconds = 7;
  auto applied = apply_fault_json(faults, R"({"conflicts": 3})");
  ASSERT_TRUE(std::holds_alternative<FaultConfig>(applied));
  EXPECT_EQ(std::get<FaultConfig>(applied).conflicts, 3);
  EXPECT_EQ(std::get<FaultConfig>(applied).retry_after_seconds, 7);  // untouched
  EXPECT_TRUE(std::holds_alternative<ConfigError>(apply_fault_json(faults, R"({"conflicts": -1})")));
  EXPECT_TRUE(std::holds_alternative<ConfigError>(apply_fault_json(faults, R"({"bogus": 1})")));
  EXPECT_TRUE(std::holds_alternative<ConfigError>(apply_fault_json(faults, "[1]")));
}

LoadCurve curve(LoadCurveType type) {
  LoadCurve c;
  c.type = type;
  return c;
}

TEST(LoadCurve, EachTypeAtGivenTimes) {
  auto constant = curve(LoadCurveType::kConstant);
  constant.value = 42;
  auto step = curve(LoadCurveType::kStep);
  step.value = 10;
  step.points = {{60, 100}, {120, 50}};
  auto ramp = curve(LoadCurveType::kRamp);
  ramp.from = 100;
  ramp.to = 300;
  ramp.start_seconds = 10;
  ramp.duration_seconds = 100;
  auto sine = curve(LoadCurveType::kSine);
  sine.base = 200;
  sine.amplitude = 150;
  sine.period_seconds = 600;
  auto deep_sine = sine;
  deep_sine.amplitude = 300;  // dips below zero: clamped
  auto trace = curve(LoadCurveType::kTrace);
  trace.points = {{0, 10}, {10, 30}, {20, 30}};

  struct Case {
    const char* name;
    const LoadCurve* c;
    double t;
    double expected;
  };
  const Case cases[] = {
      {"constant", &constant, 0, 42},
      {"constant later", &constant, 1e6, 42},
      {"step before first step: initial", &step, 59.9, 10},
      {"step at its time", &step, 60, 100},
      {"step second", &step, 500, 50},
      {"ramp before start: from", &ramp, 5, 100},
      {"ramp midway", &ramp, 60, 200},
      {"ramp after the end: to", &ramp, 1000, 300},
      {"sine at 0: base", &sine, 0, 200},
      {"sine at a quarter period: base + amplitude", &sine, 150, 350},
      {"sine at three quarters: base - amplitude", &sine, 450, 50},
      {"sine below zero is clamped to 0", &deep_sine, 450, 0},
      {"trace before the first point: held", &trace, -5, 10},
      {"trace interpolated", &trace, 5, 20},
      {"trace after the last point: held", &trace, 99, 30},
  };
  for (const auto& c : cases) {
    EXPECT_NEAR(c.c->evaluate(c.t), c.expected, 1e-9) << c.name;
  }
}

TEST(LoadCurve, CsvTraceParsing) {
  auto ok = parse_trace_csv("t_seconds,value\n# comment\n\n10,5\n0,1\r\n");
  EXPECT_EQ(ok.error, "");
  ASSERT_EQ(ok.points.size(), 2u);
  EXPECT_EQ(ok.points[0], (std::pair<double, double>{0, 1}));  // sorted by time
  auto bad = parse_trace_csv("0,1\n5,x\n");
  EXPECT_NE(bad.error.find("line 2"), std::string::npos) << bad.error;
  EXPECT_NE(parse_trace_csv("").error, "");
}

TEST(LabelSelector, MatchesAsKubernetesDoes) {
  const std::map<std::string, std::string> web = {{"app", "web"}, {"tier", "front"}};
  const std::map<std::string, std::string> db = {{"app", "db"}};
  struct Case {
    const char* selector;
    bool matches_web;
    bool matches_db;
  };
  const Case cases[] = {
      {"", true, true},
      {"app=web", true, false},
      {"app==web", true, false},
      {"app!=web", false, true},
      {"app in (web,db)", true, true},
      {"app in (a, b)", false, false},
      {"app notin (web)", false, true},
      {"tier", true, false},
      {"!tier", false, true},
      {"app=web,tier=front", true, false},
      {"tier notin (back)", true, true},  // a missing key satisfies notin
  };
  for (const auto& c : cases) {
    auto parsed = LabelSelector::parse(c.selector);
    ASSERT_TRUE(std::holds_alternative<LabelSelector>(parsed)) << c.selector;
    EXPECT_EQ(std::get<LabelSelector>(parsed).matches(web), c.matches_web) << c.selector;
    EXPECT_EQ(std::get<LabelSelector>(parsed).matches(db), c.matches_db) << c.selector;
  }
  for (const char* bad : {"app in web", "app=we b", "=web", "app in (a", "app ~ web"}) {
    EXPECT_TRUE(std::holds_alternative<std::string>(LabelSelector::parse(bad))) << bad;
  }
}

}  // namespace
}  // namespace hpad::sim
