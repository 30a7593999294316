// prometheus_bench: instant queries per second against a real Prometheus 2.42 on loopback, with
// p50 and p99 latency (issue #4). Prometheus scrapes a test exporter of 50 pods' gauges; each
// iteration is one query answered with 50 series. Named baselines in the same run:
//   raw_cpprest_get — a bare cpprestsdk GET of the same URL, body read, nothing parsed: the floor
//                     that the transport and Prometheus itself set;
//   PrometheusClient::query — hpad's client: credentials, timeout, body cap, the typed parser;
//   QueryFanout::run — 50 distinct queries per sync with 1, 4 and 8 in flight (cache off).
// Needs /usr/bin/prometheus; prints a message and exits 0 without it.
#include <utility>  // before cpprest: boost/asio's awaitable.hpp uses std::exchange (C++20)

#include <benchmark/benchmark.h>
#include <cpprest/http_client.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "hpad/cache/clock.h"
#include "hpad/metrics/prometheus_client.h"
#include "hpad/metrics/query_fanout.h"
#include "hpad/test_support/cpprest_pool.h"
#include "hpad/test_support/prometheus_server.h"
#include "hpad/test_support/test_exporter.h"

namespace {

namespace ts = hpad::test_support;
constexpr int kPods = 50;
constexpr const char* kQuery = "bench_inflight";

ts::PrometheusServer* server = nullptr;

// Latency percentiles of one benchmark run, added as counters (microseconds).
class Latencies {
 public:
  void add(std::chrono::steady_clock::duration took) {
    micros_.push_back(std::chrono::duration<double, std::micro>(took).count());
  }
  void report(benchmark::State& state) {
    if (micros_.empty())
      return;
    std::sort(micros_.begin(), micros_.end());
    auto at = [&](double q) { return micros_[static_cast<std::size_t>(q * static_cast<double>(micros_.size() - 1))]; };
    state.counters["p50_us"] = at(0.50);
    state.counters["p99_us"] = at(0.99);
  }

 private:
  std::vector<double> micros_;
};

void raw_cpprest_get(benchmark::State& state) {
  web::http::client::http_client client(utility::conversions::to_string_t(server->base_url()));
  const auto path = web::uri_builder(U("/api/v1/query")).append_query(U("query"), U(kQuery)).to_string();
  Latencies latencies;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    auto body = client.request(web::http::methods::GET, path).get().extract_string().get();
    latencies.add(std::chrono::steady_clock::now() - start);
    benchmark::DoNotOptimize(body);
  }
  state.SetItemsProcessed(state.iterations());
  latencies.report(state);
}
BENCHMARK(raw_cpprest_get)->UseRealTime()->MinTime(2.0);

void prometheus_client_query(benchmark::State& state) {
  hpad::metrics::PrometheusOptions options;
  options.http.base_url = server->base_url();
  hpad::metrics::PrometheusClient client(options);
  Latencies latencies;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    auto outcome = client.query(kQuery, std::nullopt);
    latencies.add(std::chrono::steady_clock::now() - start);
    if (!std::holds_alternative<hpad::metrics::QueryData>(outcome) ||
        std::get<hpad::metrics::QueryData>(outcome).samples.size() != kPods) {
      state.SkipWithError("unexpected answer");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  latencies.report(state);
}
BENCHMARK(prometheus_client_query)->UseRealTime()->MinTime(2.0);

void fanout_run(benchmark::State& state) {
  hpad::metrics::PrometheusOptions options;
  options.http.base_url = server->base_url();
  hpad::metrics::PrometheusClient client(options);
  hpad::cache::ManualClock clock;
  hpad::metrics::QueryFanout fanout(
      client, clock,
      hpad::metrics::FanoutOptions{.max_concurrency = static_cast<std::size_t>(state.range(0)), .ttl = {}});
  std::vector<std::string> queries;
  for (int i = 0; i < kPods; ++i)
    queries.push_back(std::string(kQuery) + "{pod=\"web-" + std::to_string(i) + "\"}");
  Latencies latencies;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    auto result = fanout.run(queries);
    latencies.add(std::chrono::steady_clock::now() - start);
    if (result.stats.failed != 0) {
      state.SkipWithError("a query failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * kPods);  // queries
  latencies.report(state);                              // per sync of 50 queries
}
BENCHMARK(fanout_run)->Arg(1)->Arg(4)->Arg(8)->UseRealTime()->MinTime(2.0);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (!ts::PrometheusServer::available()) {
    std::printf("prometheus_bench: no Prometheus at %s; nothing measured\n", ts::PrometheusServer::kBinary);
    return 0;
  }
  ts::init_cpprest_threadpool();
  ts::TestExporter exporter;
  for (int i = 0; i < kPods; ++i)
    exporter.gauge(kQuery, {{"pod", "web-" + std::to_string(i)}}).Set(i);
  ts::PrometheusOptions options;
  options.targets = {exporter.address()};
  ts::PrometheusServer prometheus(options);
  const auto first = prometheus.wait_for_sample(kQuery, std::chrono::seconds(30),
                                                [](const auto& samples) { return samples.size() == kPods; });
  if (!first.ok()) {
    std::fprintf(stderr, "prometheus_bench: no data: %s\n", first.error.c_str());
    return 1;
  }
  server = &prometheus;
  benchmark::RunSpecifiedBenchmarks();
  server = nullptr;
  benchmark::Shutdown();
  return 0;
}
