// SelfMetrics under threads (label "concurrent", built with ThreadSanitizer in CI): writers record,
// count and forget policies while a reader renders. Every rendering must parse, and once the
// writers are done the totals must be exactly what they recorded (no lost increments).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "hpad/cache/sharded_cache.h"
#include "hpad/metrics/exposition.h"
#include "hpad/metrics/self_metrics.h"

namespace hpad::metrics {
namespace {

std::map<std::string, double> unlabelled_and_code_samples(const std::string& text) {
  std::map<std::string, double> out;
  auto parsed = parse_exposition(text);
  if (const auto* error = std::get_if<ExpositionError>(&parsed)) {
    ADD_FAILURE() << error->to_string();
    return out;
  }
  for (const MetricFamily& family : std::get<std::vector<MetricFamily>>(parsed)) {
    for (const ExpositionSample& s : family.samples) {
      if (s.labels.empty()) {
        out[s.name] = s.value;
      } else if (s.labels.size() == 1 && s.labels.contains("code")) {
        out[s.name + "/" + s.labels.at("code")] = s.value;
      } else if (s.name == "hpad_scale_events_total" && s.labels.at("policy") == "shared/policy") {
        out[s.name + "/shared/" + s.labels.at("direction")] = s.value;
      }
    }
  }
  return out;
}

TEST(SelfMetricsConcurrent, WritersAndForgetAndRenderRaceWithoutLosingCounts) {
  constexpr int kWriters = 4;
  constexpr int kRounds = 300;
  SelfMetrics metrics;
  std::atomic<bool> writers_done{false};
  std::atomic<int> renders{0};

  std::thread reader([&] {
    // Render at least a few times even if the writers finish first.
    while (!writers_done.load(std::memory_order_acquire) || renders.load() < 5) {
      const std::string text = metrics.render();
      auto parsed = parse_exposition(text);
      if (const auto* error = std::get_if<ExpositionError>(&parsed)) {
        ADD_FAILURE() << "a rendering mid-write does not parse: " << error->to_string();
        return;
      }
      renders.fetch_add(1);
    }
  });

  std::vector<std::thread> writers;
  writers.reserve(kWriters);
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&metrics, w] {
      const std::string own = "ns/policy-" + std::to_string(w);
      for (int i = 0; i < kRounds; ++i) {
        metrics.record_replicas(own, i, i + 1);
        metrics.record_metric(own, "cpu", 0.5, 0.6);
        metrics.record_limits(own, {i % 2 == 0 ? "ScaleUpLimit" : "TooManyReplicas"});
        metrics.record_rollout_step(own, i % 4);
        metrics.count_gate_failure(own, "latency");
        if (i % 10 == 9) {
          metrics.forget_policy(own);  // while the reader collects and others write
        }
        metrics.count_scale_event("shared/policy", ScaleDirection::kUp);  // one series, all writers
        metrics.count_prometheus_request(200);
        metrics.count_kube_request("patch", 409);
        metrics.count_config_reload_error();
        metrics.observe_reconcile(std::chrono::milliseconds(i % 50));
        hpad::cache::CacheStats stats;
        stats.entries = static_cast<std::size_t>(i);
        stats.hits = static_cast<std::uint64_t>(i);  // one cache name from every writer: race-free, not asserted
        metrics.record_cache("query_results", stats);
      }
    });
  }
  for (std::thread& t : writers) {
    t.join();
  }
  writers_done.store(true, std::memory_order_release);
  reader.join();

  constexpr double kTotal = kWriters * kRounds;
  const auto got = unlabelled_and_code_samples(metrics.render());
  EXPECT_EQ(got.at("hpad_config_reload_errors_total"), kTotal);
  EXPECT_EQ(got.at("hpad_prometheus_requests_total/200"), kTotal);
  EXPECT_EQ(got.at("hpad_reconcile_duration_seconds_count"), kTotal);
  EXPECT_EQ(got.at("hpad_scale_events_total/shared/up"), kTotal);
  EXPECT_GE(renders.load(), 5);
}

}  // namespace
}  // namespace hpad::metrics
