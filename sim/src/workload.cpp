// The workload: each deployment is offered load(t) requests/s (its LoadCurve, t from the
// deployment's creation), split evenly over its serving (ready, not terminating) pods. Per pod:
// CPU = requests × cpuPerRequest × (1 + seeded noise); mean latency and error rate worsen sharply
// once per-pod load exceeds capacityPerPod. Counters are integrated in steps of at most 1 s, so
// results depend only on the clock readings and the seed. Latency is exponential around its mean,
// which fills the histogram buckets.
#include <algorithm>
#include <charconv>
#include <cmath>

#include "state.h"

namespace hpad::sim {
namespace {

constexpr double kLatencyBuckets[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
constexpr std::size_t kBucketCount = std::size(kLatencyBuckets);
constexpr auto kMaxStep = std::chrono::seconds(1);
constexpr auto kMaxCatchUp = std::chrono::hours(1);  // bounds the work after a clock jump

struct PodRates {
  double mean_latency;
  double error_rate;
};

// Utilization u = per-pod load / capacity. Below capacity latency grows gently (2× at u = 1);
// above it, 20× base per unit of overload, and errors start (10% at u = 1.2, all at u = 3).
PodRates rates(double per_pod_load, const Behaviour& behaviour) {
  const double u = per_pod_load / behaviour.capacity_per_pod;
  if (u <= 1) {
    return {behaviour.base_latency_seconds * (1 + u * u), 0};
  }
  return {behaviour.base_latency_seconds * (2 + 20 * (u - 1)), std::min(1.0, 0.5 * (u - 1))};
}

double seconds_between(TimePoint from, TimePoint to) {
  return std::chrono::duration<double>(to - from).count();
}

std::vector<PodRecord*> serving_pods(State& state, const std::string& key) {
  std::vector<PodRecord*> pods;
  for (auto& [pod_key, pod] : state.pods) {
    if (pod.deployment == key && pod.serving()) {
      pods.push_back(&pod);
    }
  }
  return pods;
}

void integrate(State& state, TimePoint end, double dt) {
  std::normal_distribution<double> noise(0, 1);
  for (auto& [key, record] : state.deployments) {
    const double load = record.behaviour.load.evaluate(seconds_between(record.load_epoch, end));
    auto pods = serving_pods(state, key);
    if (pods.empty()) {
      continue;
    }
    const double per_pod = load / static_cast<double>(pods.size());
    const auto pod_rates = rates(per_pod, record.behaviour);
    for (auto* pod : pods) {
      auto& work = pod->workload;
      work.buckets.resize(kBucketCount, 0);
      const double requests = per_pod * dt;
      const double jitter = state.cpu_noise > 0 ? 1 + state.cpu_noise * noise(state.workload_rng) : 1;
      work.requests += requests;
      work.errors += requests * pod_rates.error_rate;
      work.cpu_seconds += std::max(0.0, requests * record.behaviour.cpu_per_request * jitter);
      work.latency_sum += requests * pod_rates.mean_latency;
      for (std::size_t i = 0; i < kBucketCount; ++i) {
        work.buckets[i] += requests * (1 - std::exp(-kLatencyBuckets[i] / pod_rates.mean_latency));
      }
    }
  }
}

// Gauges describe the instant `now`: offered load and, by Little's law, in-flight requests.
void update_gauges(State& state, TimePoint now) {
  for (auto& [key, record] : state.deployments) {
    record.offered_load = record.behaviour.load.evaluate(seconds_between(record.load_epoch, now));
    auto pods = serving_pods(state, key);
    const double per_pod = pods.empty() ? 0 : record.offered_load / static_cast<double>(pods.size());
    for (auto* pod : pods) {
      pod->workload.inflight = per_pod * rates(per_pod, record.behaviour).mean_latency;
    }
  }
}

std::string number(double value) {
  char text[64];
  auto [end, error] = std::to_chars(text, text + sizeof text, value);
  return error == std::errc{} ? std::string(text, end) : "NaN";
}

std::string escape_label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void family(std::string& out, const char* name, const char* type, const char* help) {
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

}  // namespace

void advance_workload(State& state, TimePoint now) {
  if (!state.workload_time || now - *state.workload_time > kMaxCatchUp) {
    state.workload_time = now;
  }
  while (*state.workload_time < now) {
    const auto end = std::min(now, *state.workload_time + std::chrono::duration_cast<TimePoint::duration>(kMaxStep));
    integrate(state, end, seconds_between(*state.workload_time, end));
    state.workload_time = end;
  }
  update_gauges(state, now);
}

std::string render_metrics(const State& state) {
  struct Series {
    std::string labels;  // namespace="…",deployment="…",pod="…"
    const PodWorkload* work;
  };
  std::vector<Series> series;
  for (const auto& [key, pod] : state.pods) {
    if (pod.serving()) {
      const auto& metadata = pod.object["metadata"];
      const auto deployment = state.deployments.find(pod.deployment);
      const std::string deployment_name =
          deployment == state.deployments.end() ? "" : deployment->second.object["metadata"].value("name", "");
      series.push_back({"namespace=\"" + escape_label(metadata.value("namespace", "")) + "\",deployment=\"" +
                            escape_label(deployment_name) + "\",pod=\"" + escape_label(metadata.value("name", "")) +
                            "\"",
                        &pod.workload});
    }
  }
  std::string out;
  family(out, "kubesim_offered_load", "gauge", "Requests per second offered to a deployment.");
  for (const auto& [key, record] : state.deployments) {
    const auto& metadata = record.object["metadata"];
    out += "kubesim_offered_load{namespace=\"" + escape_label(metadata.value("namespace", "")) + "\",deployment=\"" +
           escape_label(metadata.value("name", "")) + "\"} " + number(record.offered_load) + "\n";
  }
  auto counter = [&](const char* name, const char* type, const char* help, double PodWorkload::*field) {
    family(out, name, type, help);
    for (const auto& one : series) {
      out += std::string(name) + "{" + one.labels + "} " + number(one.work->*field) + "\n";
    }
  };
  counter("kubesim_pod_cpu_usage_seconds_total", "counter", "CPU seconds a ready pod used.", &PodWorkload::cpu_seconds);
  counter("kubesim_http_requests_total", "counter", "Requests a ready pod served.", &PodWorkload::requests);
  counter("kubesim_http_errors_total", "counter", "Requests a ready pod failed.", &PodWorkload::errors);
  counter("kubesim_pod_inflight_requests", "gauge", "Requests a ready pod is serving now.", &PodWorkload::inflight);

  const char* histogram = "kubesim_http_request_duration_seconds";
  family(out, histogram, "histogram", "Latency of the requests a ready pod served.");
  for (const auto& one : series) {
    // Counts are floored so that they read as whole requests; flooring keeps them cumulative
    // (monotonic in `le`) and monotonic in time, and +Inf equals _count.
    for (std::size_t i = 0; i < kBucketCount; ++i) {
      const double count = i < one.work->buckets.size() ? std::min(one.work->buckets[i], one.work->requests) : 0;
      out += std::string(histogram) + "_bucket{" + one.labels + ",le=\"" + number(kLatencyBuckets[i]) + "\"} " +
             number(std::floor(count)) + "\n";
    }
    out += std::string(histogram) + "_bucket{" + one.labels + ",le=\"+Inf\"} " +
           number(std::floor(one.work->requests)) + "\n";
    out += std::string(histogram) + "_sum{" + one.labels + "} " + number(one.work->latency_sum) + "\n";
    out += std::string(histogram) + "_count{" + one.labels + "} " + number(std::floor(one.work->requests)) + "\n";
  }
  return out;
}

}  // namespace hpad::sim
