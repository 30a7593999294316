// The workload's /metrics: valid Prometheus exposition (our parser and promtool agree), per-pod
// series only for ready pods, counters that follow load ÷ ready pods, latency and errors that
// climb under overload, and the same numbers for the same seed.
#include <gtest/gtest.h>

#include <cpprest/http_client.h>

#include <filesystem>
#include <fstream>

#include "hpad/metrics/exposition.h"
#include "hpad/test_support/subprocess.h"
#include "sim_test_util.h"

namespace hpad::sim {
namespace {

using namespace hpad::sim::testing;
using hpad::metrics::MetricFamily;

std::vector<MetricFamily> parse(const std::string& text) {
  auto parsed = hpad::metrics::parse_exposition(text);
  if (auto* error = std::get_if<hpad::metrics::ExpositionError>(&parsed)) {
    ADD_FAILURE() << "invalid exposition: " << error->to_string() << "\n" << text;
    return {};
  }
  return std::get<std::vector<MetricFamily>>(parsed);
}

const MetricFamily* find(const std::vector<MetricFamily>& families, const std::string& name) {
  for (const auto& family : families) {
    if (family.name == name) {
      return &family;
    }
  }
  return nullptr;
}

// Sum of the samples named `sample` (defaults to the family name) of a family.
double total(const std::vector<MetricFamily>& families, const std::string& name, const std::string& sample = "") {
  const auto* family = find(families, name);
  double sum = 0;
  for (const auto& s : family ? family->samples : std::vector<hpad::metrics::ExpositionSample>{}) {
    if (s.name == (sample.empty() ? name : sample)) {
      sum += s.value;
    }
  }
  return sum;
}

std::set<std::string> pods_with_series(const std::vector<MetricFamily>& families) {
  std::set<std::string> pods;
  if (const auto* family = find(families, "kubesim_http_requests_total")) {
    for (const auto& sample : family->samples) {
      pods.insert(sample.labels.at("pod"));
    }
  }
  return pods;
}

SimConfig config_with(const std::string& load, double capacity = 100, std::int64_t replicas = 2) {
  auto parsed = parse_config(R"(
seed: 3
deployments:
  - name: web
    replicas: )" + std::to_string(replicas) +
                             R"(
    startupDelaySeconds: 0.2
    terminationGraceSeconds: 0.1
    load: )" + load + R"(
    capacityPerPod: )" + std::to_string(capacity) +
                             R"(
    cpuPerRequest: 0.002
)");
  EXPECT_TRUE(std::holds_alternative<SimConfig>(parsed)) << std::get<ConfigError>(parsed).to_string();
  return std::get<SimConfig>(parsed);
}

TEST(Workload, SeriesExistOnlyForReadyPods) {
  ManualClock clock;
  Cluster cluster(config_with("{type: constant, value: 100}"), clock);
  auto families = parse(cluster.render_metrics());
  EXPECT_TRUE(pods_with_series(families).empty());  // both pods Pending
  ASSERT_NE(find(families, "kubesim_offered_load"), nullptr);
  EXPECT_EQ(find(families, "kubesim_offered_load")->samples.at(0).labels.at("deployment"), "web");
  EXPECT_EQ(total(families, "kubesim_offered_load"), 100);

  clock.advance(300ms);
  families = parse(cluster.render_metrics());
  EXPECT_EQ(pods_with_series(families).size(), 2u);
  for (const char* name : {"kubesim_pod_cpu_usage_seconds_total", "kubesim_http_errors_total",
                           "kubesim_pod_inflight_requests", "kubesim_http_request_duration_seconds"}) {
    ASSERT_NE(find(families, name), nullptr) << name;
    const auto& sample = find(families, name)->samples.at(0);
    EXPECT_EQ(sample.labels.at("namespace"), "default") << name;
    EXPECT_EQ(sample.labels.at("deployment"), "web") << name;
    EXPECT_TRUE(sample.labels.contains("pod")) << name;
  }
  EXPECT_EQ(find(families, "kubesim_http_request_duration_seconds")->type, hpad::metrics::MetricType::kHistogram);
  EXPECT_EQ(find(families, "kubesim_pod_cpu_usage_seconds_total")->type, hpad::metrics::MetricType::kCounter);

  auto scaled = cluster.handle(merge_patch(kWeb + "/scale", R"({"spec":{"replicas":1}})"));
  ASSERT_EQ(scaled.status, 200);
  EXPECT_EQ(pods_with_series(parse(cluster.render_metrics())).size(), 1u);  // the terminating pod is gone at once
}

TEST(Workload, CountersFollowLoadOverReadyPods) {
  ManualClock clock;
  Cluster cluster(config_with("{type: constant, value: 100}"), clock);
  clock.advance(200ms);  // both pods Ready now
  const auto start = parse(cluster.render_metrics());
  clock.advance(10s);
  const auto later = parse(cluster.render_metrics());
  // 100 req/s over 2 pods for 10 s: 1000 requests in all, 2 CPU seconds at 0.002 each (± noise).
  EXPECT_NEAR(total(later, "kubesim_http_requests_total") - total(start, "kubesim_http_requests_total"), 1000, 1e-6);
  EXPECT_NEAR(total(later, "kubesim_pod_cpu_usage_seconds_total") - total(start, "kubesim_pod_cpu_usage_seconds_total"),
              2, 0.1);
  EXPECT_EQ(total(later, "kubesim_http_errors_total"), 0);  // 50 req/s per pod is under capacity
  const std::string h = "kubesim_http_request_duration_seconds";
  EXPECT_NEAR(total(later, h, h + "_count") - total(start, h, h + "_count"), 1000, 2);  // counts are floored per pod
}

TEST(Workload, LoadCurveDrivesOfferedLoad) {
  ManualClock clock;
  Cluster cluster(config_with("{type: step, initial: 10, steps: [{at: 60, value: 500}]}"), clock);
  EXPECT_EQ(total(parse(cluster.render_metrics()), "kubesim_offered_load"), 10);
  clock.advance(61s);
  EXPECT_EQ(total(parse(cluster.render_metrics()), "kubesim_offered_load"), 500);
}

// Mean latency per pod from the histogram: _sum / _count over an interval.
double mean_latency(Cluster& cluster, ManualClock& clock) {
  const auto before = parse(cluster.render_metrics());
  clock.advance(5s);
  const auto after = parse(cluster.render_metrics());
  const std::string h = "kubesim_http_request_duration_seconds";
  return (total(after, h, h + "_sum") - total(before, h, h + "_sum")) /
         (total(after, h, h + "_count") - total(before, h, h + "_count"));
}

TEST(Workload, OverloadRaisesLatencyAndErrors) {
  ManualClock light_clock, heavy_clock;
  Cluster light(config_with("{type: constant, value: 100}"), light_clock);  // 50 req/s per pod
  Cluster heavy(config_with("{type: constant, value: 300}"), heavy_clock);  // 150 req/s per pod, capacity 100
  light_clock.advance(300ms);
  heavy_clock.advance(300ms);
  const double light_latency = mean_latency(light, light_clock);
  const double heavy_latency = mean_latency(heavy, heavy_clock);
  EXPECT_GT(heavy_latency, 5 * light_latency) << light_latency << " vs " << heavy_latency;
  EXPECT_GT(total(parse(heavy.render_metrics()), "kubesim_http_errors_total"), 0);
  EXPECT_EQ(total(parse(light.render_metrics()), "kubesim_http_errors_total"), 0);
  // Scaling out relieves it: 300 req/s over 4 pods is under capacity again.
  ASSERT_EQ(heavy.handle(merge_patch(kWeb + "/scale", R"({"spec":{"replicas":4}})")).status, 200);
  heavy_clock.advance(300ms);
  EXPECT_LT(mean_latency(heavy, heavy_clock), heavy_latency / 5);
}

TEST(Workload, SameSeedSameNumbers) {
  ManualClock clock_a, clock_b;
  Cluster a(config_with("{type: sine, base: 200, amplitude: 150, periodSeconds: 60}"), clock_a);
  Cluster b(config_with("{type: sine, base: 200, amplitude: 150, periodSeconds: 60}"), clock_b);
  for (int i = 0; i < 5; ++i) {
    clock_a.advance(7s);
    clock_b.advance(7s);
    EXPECT_EQ(a.render_metrics(), b.render_metrics());
  }
}

TEST(Workload, PromtoolAcceptsTheExposition) {
  if (!std::filesystem::exists("/usr/bin/promtool")) {
    GTEST_SKIP() << "/usr/bin/promtool is not installed";
  }
  ManualClock clock;
  Cluster cluster(config_with("{type: constant, value: 100}"), clock);
  clock.advance(3s);
  hpad::test_support::TempDir dir("kubesim-promtool");
  std::ofstream(dir.path() / "metrics.txt") << cluster.render_metrics();
  auto result = hpad::test_support::run(
      {"/bin/sh", "-c", "exec /usr/bin/promtool check metrics < " + (dir.path() / "metrics.txt").string()});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
}

TEST(Workload, MetricsAreServedOverHttp) {
  RunningSim sim(config_with("{type: constant, value: 100}"));
  sim.clock.advance(300ms);
  web::http::client::http_client client(sim.server.metrics_url());
  auto response = client.request(web::http::methods::GET, "/metrics").get();
  EXPECT_EQ(response.status_code(), 200);
  EXPECT_EQ(response.headers().content_type(), "text/plain; version=0.0.4; charset=utf-8");
  const auto families = parse(response.extract_utf8string(true).get());
  EXPECT_EQ(pods_with_series(families).size(), 2u);
  EXPECT_EQ(client.request(web::http::methods::GET, "/other").get().status_code(), 404);
}

}  // namespace
}  // namespace hpad::sim
