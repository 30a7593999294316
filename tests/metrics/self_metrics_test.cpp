// SelfMetrics, single-threaded: what render() says after a table of events (read back with our own
// exposition parser), the catalogue's types and help texts, promtool's verdict, label escaping,
// forget_policy, limits that end, label folding and the cache mapping. Threads: the
// self_metrics_concurrent_test executable.
#include "hpad/metrics/self_metrics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "hpad/cache/sharded_cache.h"
#include "hpad/metrics/exposition.h"
#include "hpad/test_support/subprocess.h"

namespace hpad::metrics {
namespace {

using std::chrono::duration;
using Samples = std::map<std::string, double>;  // `name{label="value",...}` (values unescaped) → value

std::vector<MetricFamily> parse_ok(const std::string& text) {
  auto result = parse_exposition(text);
  if (const auto* error = std::get_if<ExpositionError>(&result)) {
    ADD_FAILURE() << "render() is not valid exposition text: " << error->to_string() << "\ntext:\n" << text;
    return {};
  }
  return std::get<std::vector<MetricFamily>>(std::move(result));
}

std::string key_of(const ExpositionSample& s) {
  std::string key = s.name;
  if (!s.labels.empty()) {
    key += '{';
    const char* sep = "";
    for (const auto& [name, value] : s.labels) {
      key.append(sep).append(name).append("=\"").append(value).append("\"");
      sep = ",";
    }
    key += '}';
  }
  return key;
}

// Every sample of the rendered text; a sample twice is a failure.
Samples samples_of(const SelfMetrics& metrics) {
  Samples samples;
  for (const MetricFamily& family : parse_ok(metrics.render())) {
    for (const ExpositionSample& s : family.samples) {
      EXPECT_TRUE(samples.emplace(key_of(s), s.value).second) << "duplicate sample " << key_of(s);
    }
  }
  return samples;
}

// The samples whose key starts with `prefix` (e.g. one family's name).
Samples only(const Samples& all, std::string_view prefix) {
  Samples out;
  for (const auto& [key, value] : all) {
    if (key.starts_with(prefix)) {
      out.emplace(key, value);
    }
  }
  return out;
}

// What a fresh SelfMetrics already renders: the series that exist from the start.
Samples initial_samples() {
  Samples s{{"hpad_config_reload_errors_total", 0},
            {"hpad_reconcile_duration_seconds_count", 0},
            {"hpad_reconcile_duration_seconds_sum", 0},
            {R"(hpad_reconcile_duration_seconds_bucket{le="+Inf"})", 0}};
  for (const char* le :
       {"0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "30"}) {
    s.emplace(std::string(R"(hpad_reconcile_duration_seconds_bucket{le=")") + le + "\"}", 0);
  }
  return s;
}

TEST(SelfMetrics, FreshInstanceRendersOnlyTheSeriesThatExistFromTheStart) {
  SelfMetrics metrics;
  EXPECT_EQ(samples_of(metrics), initial_samples());
}

TEST(SelfMetrics, RenderedTextHoldsExactlyTheRecordedSamples) {
  SelfMetrics metrics;
  metrics.record_replicas("shop/web", 3, 5);
  metrics.record_replicas("shop/web", 4, 6);  // the last call wins
  metrics.record_replicas("shop/worker", 10, 8);
  metrics.record_metric("shop/web", "cpu", 0.75, 0.5);
  metrics.record_metric("shop/web", "rps", 120, 100);
  metrics.count_scale_event("shop/web", ScaleDirection::kUp);
  metrics.count_scale_event("shop/web", ScaleDirection::kUp);
  metrics.count_scale_event("shop/worker", ScaleDirection::kDown);
  metrics.record_limits("shop/web", {"ScaleUpLimit"});
  metrics.record_rollout_step("shop/web", 2);
  metrics.count_gate_failure("shop/web", "error-rate");
  metrics.count_gate_failure("shop/web", "error-rate");
  metrics.count_gate_failure("shop/web", "latency");
  // Durations exact in binary, so that the sum compares exactly.
  metrics.observe_reconcile(duration<double>(0.0078125));  // le=0.01 and up
  metrics.observe_reconcile(duration<double>(0.25));       // le=0.25 and up: a bound is inclusive
  metrics.observe_reconcile(duration<double>(0.5));        // le=0.5 and up
  metrics.observe_reconcile(duration<double>(40));         // above 30 s: +Inf only
  metrics.observe_reconcile(duration<double>(-1));         // a clock step back: counted as 0
  metrics.observe_reconcile(duration<double>(std::numeric_limits<double>::quiet_NaN()));  // ignored
  metrics.count_prometheus_request(200);
  metrics.count_prometheus_request(200);
  metrics.count_prometheus_request(0);
  metrics.count_kube_request("get", 200);
  metrics.count_kube_request("patch", 409);
  metrics.count_config_reload_error();

  Samples want{
      {R"(hpad_current_replicas{policy="shop/web"})", 4},
      {R"(hpad_desired_replicas{policy="shop/web"})", 6},
      {R"(hpad_current_replicas{policy="shop/worker"})", 10},
      {R"(hpad_desired_replicas{policy="shop/worker"})", 8},
      {R"(hpad_metric_value{metric="cpu",policy="shop/web"})", 0.75},
      {R"(hpad_metric_target{metric="cpu",policy="shop/web"})", 0.5},
      {R"(hpad_metric_value{metric="rps",policy="shop/web"})", 120},
      {R"(hpad_metric_target{metric="rps",policy="shop/web"})", 100},
      {R"(hpad_scale_events_total{direction="up",policy="shop/web"})", 2},
      {R"(hpad_scale_events_total{direction="down",policy="shop/worker"})", 1},
      {R"(hpad_decision_limited{policy="shop/web",reason="ScaleUpLimit"})", 1},
      {R"(hpad_rollout_step{policy="shop/web"})", 2},
      {R"(hpad_rollout_gate_failures_total{gate="error-rate",policy="shop/web"})", 2},
      {R"(hpad_rollout_gate_failures_total{gate="latency",policy="shop/web"})", 1},
      {R"(hpad_prometheus_requests_total{code="200"})", 2},
      {R"(hpad_prometheus_requests_total{code="error"})", 1},
      {R"(hpad_kube_requests_total{code="200",verb="get"})", 1},
      {R"(hpad_kube_requests_total{code="409",verb="patch"})", 1},
      {"hpad_config_reload_errors_total", 1},
      {"hpad_reconcile_duration_seconds_count", 5},         // the NaN is not counted
      {"hpad_reconcile_duration_seconds_sum", 40.7578125},  // the -1 s added 0
  };
  const std::map<std::string, double> buckets{
      {"0.001", 1}, {"0.0025", 1}, {"0.005", 1}, {"0.01", 2}, {"0.025", 2}, {"0.05", 2}, {"0.1", 2},  {"0.25", 3},
      {"0.5", 4},   {"1", 4},      {"2.5", 4},   {"5", 4},    {"10", 4},    {"30", 4},   {"+Inf", 5},
  };
  for (const auto& [le, count] : buckets) {
    want.emplace(R"(hpad_reconcile_duration_seconds_bucket{le=")" + le + "\"}", count);
  }
  EXPECT_EQ(samples_of(metrics), want);
}

TEST(SelfMetrics, EveryFamilyIsAnnouncedWithItsCatalogueTypeHelpAndLabels) {
  SelfMetrics metrics;
  metrics.record_replicas("a/b", 1, 1);
  metrics.record_metric("a/b", "cpu", 1, 1);
  metrics.count_scale_event("a/b", ScaleDirection::kUp);
  metrics.record_limits("a/b", {"TooManyReplicas"});
  metrics.record_rollout_step("a/b", 1);
  metrics.count_gate_failure("a/b", "g");
  metrics.count_prometheus_request(200);
  metrics.count_kube_request("get", 200);
  metrics.record_cache("query_results", hpad::cache::CacheStats{});

  std::set<std::string> rendered;
  for (const MetricFamily& family : parse_ok(metrics.render())) {
    rendered.insert(family.name);
    const auto catalogue = self_metric_catalogue();
    const auto info = std::find_if(catalogue.begin(), catalogue.end(),
                                   [&](const SelfMetricInfo& i) { return i.name == family.name; });
    ASSERT_NE(info, catalogue.end()) << family.name << " is rendered but not in the catalogue";
    EXPECT_EQ(family.type, info->type) << family.name;
    EXPECT_EQ(family.help, info->help) << family.name;
    std::set<std::string> want_labels;
    std::stringstream names{std::string(info->labels)};
    for (std::string name; std::getline(names, name, ',');) {
      want_labels.insert(name);
    }
    for (const ExpositionSample& s : family.samples) {
      std::set<std::string> got_labels;
      for (const auto& [name, value] : s.labels) {
        if (name != "le") {
          got_labels.insert(name);
        }
      }
      EXPECT_EQ(got_labels, want_labels) << key_of(s);
    }
  }
  std::set<std::string> catalogued;
  for (const SelfMetricInfo& info : self_metric_catalogue()) {
    catalogued.insert(std::string(info.name));
  }
  EXPECT_EQ(rendered, catalogued);
}

// prometheus-cpp 1.0.1 writes HELP text as it is: a newline would end the line early and a
// backslash would start an escape the reader then misreads.
TEST(SelfMetrics, HelpTextsAreOneLineWithoutBackslashesAndNamesFollowConventions) {
  for (const SelfMetricInfo& info : self_metric_catalogue()) {
    EXPECT_FALSE(info.help.empty()) << info.name;
    EXPECT_EQ(info.help.find_first_of("\\\n\r"), std::string_view::npos) << info.name;
    EXPECT_TRUE(info.name.starts_with("hpad_")) << info.name;
    EXPECT_EQ(info.name.ends_with("_total"), info.type == MetricType::kCounter) << info.name;
  }
}

TEST(SelfMetrics, DocsTableNamesEveryFamily) {
  std::ifstream file(std::filesystem::path(HPAD_DOCS_DIR) / "self-metrics.md");
  ASSERT_TRUE(file) << "cannot read " << HPAD_DOCS_DIR << "/self-metrics.md";
  const std::string docs{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  for (const SelfMetricInfo& info : self_metric_catalogue()) {
    EXPECT_NE(docs.find("| `" + std::string(info.name) + "` |"), std::string::npos)
        << info.name << " has no row in docs/self-metrics.md";
  }
}

bool promtool_installed() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs{path == nullptr ? std::string("/usr/bin") : std::string(path)};
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (!dir.empty() && std::filesystem::exists(std::filesystem::path(dir) / "promtool")) {
      return true;
    }
  }
  return false;
}

TEST(SelfMetrics, PromtoolChecksTheRenderedTextWithoutProblems) {
  if (!promtool_installed()) {
    GTEST_SKIP() << "promtool is not on PATH (Debian package `prometheus`): cannot lint the rendered text";
  }
  SelfMetrics metrics;
  metrics.record_replicas("shop/web", 3, 5);
  metrics.record_metric("shop/web", "cpu", std::numeric_limits<double>::quiet_NaN(), 0.5);  // written "Nan"
  metrics.record_metric("shop/web", "rps", std::numeric_limits<double>::infinity(), 100);
  metrics.count_scale_event("shop/web", ScaleDirection::kDown);
  metrics.record_limits("shop/web", {"ScaleDownStabilized"});
  metrics.record_rollout_step("shop/web", 1);
  metrics.count_gate_failure("shop/web", "latency");
  metrics.count_gate_failure("odd\"ns/we\\ird\nname\xff", "gate");
  metrics.observe_reconcile(duration<double>(0.02));
  metrics.count_prometheus_request(0);
  metrics.count_kube_request("update", 503);
  metrics.count_config_reload_error();
  hpad::cache::CacheStats stats;
  stats.entries = 100;
  stats.buckets = 32;
  stats.load_factor = 3.125;
  metrics.record_cache("query_results", stats);

  const hpad::test_support::TempDir dir("hpad-self-metrics");
  const std::filesystem::path file = dir.path() / "metrics.txt";
  std::ofstream(file) << metrics.render();
  const auto result = hpad::test_support::run({"sh", "-c", "promtool check metrics < '" + file.string() + "'"});
  EXPECT_EQ(result.exit_code, 0) << "stdout:\n" << result.out << "\nstderr:\n" << result.err;
  EXPECT_EQ(result.out + result.err, "") << "promtool printed lint problems";
}

TEST(SelfMetrics, LabelValuesWithQuotesBackslashesAndNewlinesRoundTrip) {
  const std::string policy = "we\"ird/na\\me\nnext";
  SelfMetrics metrics;
  metrics.record_replicas(policy, 1, 2);
  metrics.record_metric(policy, "a\\\"b", 3, 4);
  const Samples got = samples_of(metrics);
  EXPECT_EQ(got.at("hpad_current_replicas{policy=\"" + policy + "\"}"), 1);
  EXPECT_EQ(got.at("hpad_metric_value{metric=\"a\\\"b\",policy=\"" + policy + "\"}"), 3);
}

TEST(SelfMetrics, InvalidUtf8InLabelValuesBecomesReplacementCharacters) {
  SelfMetrics metrics;
  metrics.record_replicas("ns/bad\xff\xfe-name", 1, 1);  // the parser rejects any invalid UTF-8
  metrics.record_replicas("ns/ok-\xc3\xa9", 2, 2);       // é stays as it is
  const Samples got = only(samples_of(metrics), "hpad_current_replicas");
  EXPECT_EQ(got, (Samples{{"hpad_current_replicas{policy=\"ns/bad\xEF\xBF\xBD\xEF\xBF\xBD-name\"}", 1},
                          {"hpad_current_replicas{policy=\"ns/ok-\xc3\xa9\"}", 2}}));
}

void record_everything_for(SelfMetrics& metrics, const std::string& policy) {
  metrics.record_replicas(policy, 2, 3);
  metrics.record_metric(policy, "cpu", 0.5, 0.5);
  metrics.record_metric(policy, "rps", 10, 20);
  metrics.count_scale_event(policy, ScaleDirection::kUp);
  metrics.count_scale_event(policy, ScaleDirection::kDown);
  metrics.record_limits(policy, {"ScaleUpLimit", "TooFewReplicas"});
  metrics.record_limits(policy, {"ScaleUpLimit"});
  metrics.record_rollout_step(policy, 3);
  metrics.count_gate_failure(policy, "latency");
}

TEST(SelfMetrics, ForgetPolicyRemovesEverySeriesOfThatPolicyAndOnlyThose) {
  SelfMetrics metrics;
  record_everything_for(metrics, "shop/web");
  metrics.count_prometheus_request(200);
  const Samples web_and_global = samples_of(metrics);
  record_everything_for(metrics, "shop/web2");  // a name that "shop/web" is a prefix of
  ASSERT_GT(samples_of(metrics).size(), web_and_global.size());

  metrics.forget_policy("shop/web2");
  EXPECT_EQ(samples_of(metrics), web_and_global);

  metrics.forget_policy("shop/web2");  // twice: nothing left to remove
  metrics.forget_policy("never/seen");
  EXPECT_EQ(samples_of(metrics), web_and_global);

  metrics.forget_policy("shop/web");
  Samples global = initial_samples();
  global.emplace(R"(hpad_prometheus_requests_total{code="200"})", 1);
  EXPECT_EQ(samples_of(metrics), global);

  // A policy that comes back starts again: its counters from 0, no stale limits.
  metrics.count_scale_event("shop/web", ScaleDirection::kUp);
  metrics.record_limits("shop/web", {});
  global.emplace(R"(hpad_scale_events_total{direction="up",policy="shop/web"})", 1);
  EXPECT_EQ(samples_of(metrics), global);
}

TEST(SelfMetrics, LimitsNoLongerInForceStayAsZero) {
  struct Step {
    std::vector<std::string> in_force;
    std::map<std::string, double> want;  // reason → value
  };
  const std::vector<Step> steps{
      {{}, {}},  // nothing in force yet: no series at all
      {{"ScaleUpLimit"}, {{"ScaleUpLimit", 1}}},
      {{"ScaleUpLimit", "TooManyReplicas"}, {{"ScaleUpLimit", 1}, {"TooManyReplicas", 1}}},
      {{"TooManyReplicas"}, {{"ScaleUpLimit", 0}, {"TooManyReplicas", 1}}},                     // ended: 0, not gone
      {{"TooManyReplicas", "TooManyReplicas"}, {{"ScaleUpLimit", 0}, {"TooManyReplicas", 1}}},  // once
      {{}, {{"ScaleUpLimit", 0}, {"TooManyReplicas", 0}}},
      {{"ScaleUpLimit"}, {{"ScaleUpLimit", 1}, {"TooManyReplicas", 0}}},  // back in force
  };
  SelfMetrics metrics;
  metrics.record_limits("other/policy", {"ScaleDownStabilized"});  // untouched by the steps below
  for (std::size_t i = 0; i < steps.size(); ++i) {
    metrics.record_limits("shop/web", steps[i].in_force);
    Samples want{{R"(hpad_decision_limited{policy="other/policy",reason="ScaleDownStabilized"})", 1}};
    for (const auto& [reason, value] : steps[i].want) {
      want.emplace(R"(hpad_decision_limited{policy="shop/web",reason=")" + reason + "\"}", value);
    }
    EXPECT_EQ(only(samples_of(metrics), "hpad_decision_limited"), want) << "step " << i;
  }
}

TEST(SelfMetrics, RequestCodesAndVerbsAreFoldedIntoBoundedSets) {
  SelfMetrics metrics;
  for (const int code : {200, 0, 503, 42, 1000, -1, 599, 100}) {
    metrics.count_prometheus_request(code);
  }
  metrics.count_kube_request("GET", 200);  // case does not matter
  metrics.count_kube_request("get", 200);
  metrics.count_kube_request("proxy", 200);  // not one of ours
  metrics.count_kube_request("", 0);
  metrics.count_kube_request("pods/web-7d9", 404);  // never a free-form value
  const Samples got = samples_of(metrics);
  EXPECT_EQ(only(got, "hpad_prometheus_requests_total"),
            (Samples{{R"(hpad_prometheus_requests_total{code="100"})", 1},
                     {R"(hpad_prometheus_requests_total{code="200"})", 1},
                     {R"(hpad_prometheus_requests_total{code="503"})", 1},
                     {R"(hpad_prometheus_requests_total{code="599"})", 1},
                     {R"(hpad_prometheus_requests_total{code="error"})", 1},
                     {R"(hpad_prometheus_requests_total{code="other"})", 3}}));
  EXPECT_EQ(only(got, "hpad_kube_requests_total"),
            (Samples{{R"(hpad_kube_requests_total{code="200",verb="get"})", 2},
                     {R"(hpad_kube_requests_total{code="200",verb="other"})", 1},
                     {R"(hpad_kube_requests_total{code="error",verb="other"})", 1},
                     {R"(hpad_kube_requests_total{code="404",verb="other"})", 1}}));
}

TEST(SelfMetrics, CacheStatsMapOntoGaugesAndCountersAdvanceByTheirGrowth) {
  hpad::cache::CacheStats stats;
  stats.shards = 16;
  stats.entries = 900;
  stats.buckets = 160;
  stats.growing_shards = 3;
  stats.evacuated_buckets = 7;
  stats.load_factor = 5.625;
  stats.hits = 10;
  stats.misses = 4;
  stats.expired = 2;
  stats.evicted = 1;
  stats.inserts = 1000;  // not exported: entries and removals tell the story
  SelfMetrics metrics;
  metrics.record_cache("query_results", stats);
  metrics.record_cache("policy_state", hpad::cache::CacheStats{});  // a second cache stays apart
  const auto cache_samples = [&](double hits, double misses, double expired, double evicted) {
    return Samples{
        {R"(hpad_cache_entries{cache="query_results"})", 900},
        {R"(hpad_cache_buckets{cache="query_results"})", 160},
        {R"(hpad_cache_shards{cache="query_results"})", 16},
        {R"(hpad_cache_growing{cache="query_results"})", 3},
        {R"(hpad_cache_evacuated_buckets{cache="query_results"})", 7},
        {R"(hpad_cache_load_factor{cache="query_results"})", 5.625},
        {R"(hpad_cache_requests_total{cache="query_results",result="hit"})", hits},
        {R"(hpad_cache_requests_total{cache="query_results",result="miss"})", misses},
        {R"(hpad_cache_removals_total{cache="query_results",cause="expired"})", expired},
        {R"(hpad_cache_removals_total{cache="query_results",cause="evicted"})", evicted},
    };
  };
  const auto query_results_only = [&] {
    Samples out;
    for (const auto& [key, value] : samples_of(metrics)) {
      if (key.find(R"(cache="query_results")") != std::string::npos) {
        out.emplace(key, value);
      }
    }
    return out;
  };
  EXPECT_EQ(query_results_only(), cache_samples(10, 4, 2, 1));
  EXPECT_EQ(only(samples_of(metrics), R"(hpad_cache_shards{cache="policy_state"})").size(), 1U);

  stats.hits = 25;  // +15
  metrics.record_cache("query_results", stats);
  metrics.record_cache("query_results", stats);  // no growth, no change
  EXPECT_EQ(query_results_only(), cache_samples(25, 4, 2, 1));

  stats.hits = 3;  // went back: a new cache whose 3 hits are all new
  stats.misses = 1;
  metrics.record_cache("query_results", stats);
  EXPECT_EQ(query_results_only(), cache_samples(28, 5, 2, 1));
}

TEST(SelfMetrics, UnreadableMetricRendersAsNaN) {
  SelfMetrics metrics;
  metrics.record_metric("shop/web", "cpu", std::numeric_limits<double>::quiet_NaN(), 0.5);
  const Samples got = samples_of(metrics);
  EXPECT_TRUE(std::isnan(got.at(R"(hpad_metric_value{metric="cpu",policy="shop/web"})")));
  EXPECT_EQ(got.at(R"(hpad_metric_target{metric="cpu",policy="shop/web"})"), 0.5);
  EXPECT_NE(metrics.render().find("} Nan\n"), std::string::npos) << "prometheus-cpp writes NaN as \"Nan\"";
}

}  // namespace
}  // namespace hpad::metrics
