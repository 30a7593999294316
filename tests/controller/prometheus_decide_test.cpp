// End to end through the metrics boundary: a test exporter's per-pod values, scraped by a real
// Prometheus, asked by PrometheusClient through one sync's QueryFanout, mapped onto a
// DecisionInput by fill_observations, and decided — the number HPA would pick, for the reason it
// would give. Only the Kubernetes side (scale, pods) is written by hand here.
#include <gtest/gtest.h>

#include <ctime>

#include "hpad/cache/clock.h"
#include "hpad/controller/observations.h"
#include "hpad/metrics/prometheus_client.h"
#include "hpad/metrics/query_fanout.h"
#include "hpad/policies/decision_json.h"
#include "hpad/policies/time_format.h"
#include "hpad/test_support/prometheus_server.h"
#include "hpad/test_support/test_exporter.h"

namespace hpad::controller {
namespace {

using namespace std::chrono_literals;
namespace ts = hpad::test_support;

std::string pod(const std::string& name, const std::string& started) {
  return "  - metadata: {name: " + name +
         ", namespace: shop, labels: {app: web}}\n"
         "    spec: {containers: [{name: app, resources: {requests: {cpu: 500m}}}]}\n"
         "    status:\n"
         "      phase: Running\n"
         "      startTime: \"" +
         started +
         "\"\n"
         "      conditions: [{type: Ready, status: \"True\", lastTransitionTime: \"" +
         started + "\"}]\n";
}

// Four ready pods at 25 requests in flight each (target 10 per pod) and 120 queued messages
// (target 30 per replica): the Pods metric proposes ceil(4 × 25/10) = 10, the External metric
// ceil(120/30) = 4; HPA takes the larger, and its default scale-up policies (100% or 4 pods per
// 15 s, whichever is more) allow 8 from 4.
std::string input_text(policies::Time now) {
  const std::string started = policies::format_rfc3339(policies::Time{now.seconds - 600, 0});
  std::string text =
      "apiVersion: hpad.io/v1alpha1\n"
      "kind: DecisionInput\n"
      "now: \"" +
      policies::format_rfc3339(now) +
      "\"\n"
      "policy:\n"
      "  apiVersion: hpad.io/v1alpha1\n"
      "  kind: ScalingPolicy\n"
      "  metadata: {name: web, namespace: shop}\n"
      "  spec:\n"
      "    scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n"
      "    minReplicas: 1\n"
      "    maxReplicas: 20\n"
      "    metrics:\n"
      "      - name: inflight\n"
      "        type: Pods\n"
      "        query: hpad_e2e_inflight{namespace=\"shop\"}\n"
      "        target: {type: AverageValue, averageValue: \"10\"}\n"
      "      - name: queue\n"
      "        type: External\n"
      "        query: sum(hpad_e2e_queue_messages)\n"
      "        target: {type: AverageValue, averageValue: \"30\"}\n"
      "scale: {spec: {replicas: 4}, status: {replicas: 4, selector: app=web}}\n"
      "pods:\n";
  for (const char* name : {"web-0", "web-1", "web-2", "web-3"})
    text += pod(name, started);
  return text;
}

TEST(PrometheusToDecision, ScalesOnWhatARealPrometheusScraped) {
  if (!ts::PrometheusServer::available())
    GTEST_SKIP() << "no Prometheus at " << ts::PrometheusServer::kBinary;
  ts::TestExporter exporter;
  for (const char* name : {"web-0", "web-1", "web-2", "web-3"}) {
    exporter.gauge("hpad_e2e_inflight", {{"pod", name}, {"namespace", "shop"}}).Set(25);
  }
  exporter.gauge("hpad_e2e_queue_messages", {{"queue", "jobs"}}).Set(120);
  ts::PrometheusOptions server_options;
  server_options.targets = {exporter.address()};
  ts::PrometheusServer server(server_options);
  const auto first =
      server.wait_for_sample("hpad_e2e_inflight", 30s, [](const auto& samples) { return samples.size() == 4; });
  ASSERT_TRUE(first.ok()) << first.error;

  const policies::Time now{static_cast<std::int64_t>(std::time(nullptr)), 0};
  auto parsed = policies::parse_decision_input(input_text(now), "e2e.yaml");
  ASSERT_TRUE(parsed.errors.empty()) << parsed.errors.front().to_string();
  auto& input = *parsed.input;

  metrics::PrometheusOptions client_options;
  client_options.http.base_url = server.base_url();
  metrics::PrometheusClient prometheus(client_options);
  cache::ManualClock clock;
  metrics::QueryFanout fanout(prometheus, clock);
  const auto answers = fanout.run(queries_of(input.policy));
  EXPECT_EQ(answers.stats.sent, 2U);
  fill_observations(input.policy, answers, input);

  const auto decision = policies::decide(input);
  ASSERT_EQ(decision.metrics.size(), 2U);
  EXPECT_TRUE(decision.metrics[0].valid) << decision.metrics[0].error.value_or("");
  EXPECT_EQ(decision.metrics[0].replicas, 10);
  EXPECT_EQ(decision.metrics[0].value, 25);
  EXPECT_TRUE(decision.metrics[1].valid) << decision.metrics[1].error.value_or("");
  EXPECT_EQ(decision.metrics[1].replicas, 4);
  EXPECT_EQ(decision.desired_replicas, 8) << decision.message;
  EXPECT_TRUE(decision.scale);
  EXPECT_EQ(decision.limits, (std::vector<std::string>{"ScaleUpLimit"})) << decision.message;

  // Within the fan-out's TTL a sync reuses those answers, even with Prometheus gone.
  EXPECT_EQ(server.stop(), 0);
  EXPECT_EQ(fanout.run(queries_of(input.policy)).stats.from_cache, 2U);
  // Past it, the next sync's metrics are invalid, and HPA's rule holds the count.
  clock.advance(metrics::FanoutOptions{}.ttl);
  auto held_input = *parsed.input;
  held_input.metrics.clear();
  fill_observations(held_input.policy, fanout.run(queries_of(held_input.policy)), held_input);
  const auto held = policies::decide(held_input);
  EXPECT_FALSE(held.scale);
  EXPECT_EQ(held.desired_replicas, 4);
  ASSERT_TRUE(held.metrics[0].error.has_value());
  EXPECT_NE(held.metrics[0].error->find("connection failed"), std::string::npos) << *held.metrics[0].error;
}

}  // namespace
}  // namespace hpad::controller
