// metrics_bench: the Prometheus parsers of hpad::metrics on a realistic large input (issue #4): a
// 10,000-series instant-vector response, and a 10,000-sample exposition text. Named baselines in the
// same run: nlohmann::json::parse of the same response (what any JSON-based client pays before it
// even looks at the shape), and a newline count over the exposition text (the floor of reading it).
// Reported: series (samples) per second and MB/s, via items and bytes processed.
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "hpad/metrics/exposition.h"
#include "hpad/metrics/query_result.h"

namespace {

constexpr int kSeries = 10'000;

// What `sum by (pod, namespace) (rate(container_cpu_usage_seconds_total[1m]))` returns for 10,000
// pods: labels as Prometheus writes them, values as strings, one shared evaluation time.
std::string vector_response() {
  std::string body = R"({"status":"success","data":{"resultType":"vector","result":[)";
  for (int i = 0; i < kSeries; ++i) {
    body += i == 0 ? "" : ",";
    body += R"({"metric":{"namespace":"shop","pod":"web-7d9f8c6b5-)" + std::to_string(100000 + i) +
            R"("},"value":[1795295717.052,")" + std::to_string(0.25 + (i % 97) * 0.003) + R"("]})";
  }
  return body + "]}}";
}

// A histogram family with 10,000 samples (bucket lines with labels), as a busy pod's /metrics has.
std::string exposition_text() {
  std::string text =
      "# HELP http_request_duration_seconds Request latency.\n# TYPE http_request_duration_seconds histogram\n";
  for (int i = 0; i < kSeries; ++i) {
    const int route = i / 12;
    const int bucket = i % 12;
    text += "http_request_duration_seconds_bucket{route=\"/api/v" + std::to_string(route) + "\",le=\"" +
            (bucket == 11 ? std::string("+Inf") : std::to_string(0.005 * (1 << bucket))) + "\"} " +
            std::to_string(1000 * bucket + route) + "\n";
  }
  return text;
}

void BM_ParseQueryResponse(benchmark::State& state) {
  const std::string body = vector_response();
  std::size_t series = 0;
  for (auto _ : state) {
    const hpad::metrics::QueryOutcome outcome = hpad::metrics::parse_query_response(200, body);
    series = std::get<hpad::metrics::QueryData>(outcome).samples.size();
    benchmark::DoNotOptimize(series);
  }
  if (series != kSeries) {
    state.SkipWithError("wrong series count");
  }
  state.SetItemsProcessed(state.iterations() * kSeries);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
}

void BM_BaselineJsonParse(benchmark::State& state) {
  const std::string body = vector_response();
  for (auto _ : state) {
    const nlohmann::json json = nlohmann::json::parse(body);
    benchmark::DoNotOptimize(json.size());
  }
  state.SetItemsProcessed(state.iterations() * kSeries);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
}

void BM_ParseExposition(benchmark::State& state) {
  const std::string text = exposition_text();
  std::size_t samples = 0;
  for (auto _ : state) {
    const auto parsed = hpad::metrics::parse_exposition(text);
    samples = std::get<std::vector<hpad::metrics::MetricFamily>>(parsed).at(0).samples.size();
    benchmark::DoNotOptimize(samples);
  }
  if (samples != kSeries) {
    state.SkipWithError("wrong sample count");
  }
  state.SetItemsProcessed(state.iterations() * kSeries);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
}

void BM_BaselineCountLines(benchmark::State& state) {
  const std::string text = exposition_text();
  for (auto _ : state) {
    benchmark::DoNotOptimize(std::count(text.begin(), text.end(), '\n'));
  }
  state.SetItemsProcessed(state.iterations() * kSeries);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
}

BENCHMARK(BM_ParseQueryResponse)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BaselineJsonParse)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParseExposition)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BaselineCountLines)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
