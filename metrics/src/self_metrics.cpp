// SelfMetrics on prometheus-cpp's core: one Registry, one Family per catalogue entry, rendered with
// TextSerializer (no Exposer: hpad serves /metrics on its own port). prometheus-cpp's Family and
// metric objects are thread-safe on their own; what they do not cover is kept under our mutexes:
//   policies_mutex guards `policies` (every series each policy has) and is held from a series'
//     Family::Add through its Set/Increment, so forget_policy's Family::Remove can never free a
//     series that another thread is about to write;
//   caches_mutex guards `caches` (each cache's counters as last seen) and is held through all of
//     record_cache, so two calls for one cache cannot both add the same growth nor mix gauges of
//     two snapshots.
// Process-wide series are never removed, so they are written without our locks.
#include "hpad/metrics/self_metrics.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <utility>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include "exposition_line.h"
#include "hpad/cache/sharded_cache.h"

namespace hpad::metrics {
namespace {

// Indexes into kCatalogue; the order of both is the same.
enum FamilyIndex : std::size_t {
  kCurrentReplicas,
  kDesiredReplicas,
  kMetricValue,
  kMetricTarget,
  kScaleEvents,
  kDecisionLimited,
  kRolloutStep,
  kGateFailures,
  kReconcileDuration,
  kPrometheusRequests,
  kKubeRequests,
  kConfigReloadErrors,
  kCacheEntries,
  kCacheBuckets,
  kCacheShards,
  kCacheGrowing,
  kCacheEvacuatedBuckets,
  kCacheLoadFactor,
  kCacheRequests,
  kCacheRemovals,
  kFamilyCount,
};

constexpr MetricType kGauge = MetricType::kGauge;
constexpr MetricType kCounter = MetricType::kCounter;

constexpr std::array<SelfMetricInfo, kFamilyCount> kCatalogue{{
    {"hpad_current_replicas", kGauge, "policy", "Replicas of the policy's target as last read from Kubernetes."},
    {"hpad_desired_replicas", kGauge, "policy", "Replicas the last decision asked for, after all limits."},
    {"hpad_metric_value", kGauge, "policy,metric",
     "Last value read for the policy's metric, in the metric's own unit; NaN when it could not be read."},
    {"hpad_metric_target", kGauge, "policy,metric", "Target value of the policy's metric, in the metric's own unit."},
    {"hpad_scale_events_total", kCounter, "policy,direction",
     "Scale changes hpad applied to the policy's target, by direction (up or down)."},
    {"hpad_decision_limited", kGauge, "policy,reason",
     "1 while the named limit shaped the last decision, 0 once it no longer does."},
    {"hpad_rollout_step", kGauge, "policy", "Step the policy's rollout is at."},
    {"hpad_rollout_gate_failures_total", kCounter, "policy,gate", "Rollout gate checks that failed, by gate."},
    {"hpad_reconcile_duration_seconds", MetricType::kHistogram, "",
     "Time one reconcile of all policies took, in seconds."},
    {"hpad_prometheus_requests_total", kCounter, "code",
     "Requests hpad sent to Prometheus, by HTTP status (error: no response)."},
    {"hpad_kube_requests_total", kCounter, "verb,code",
     "Requests hpad sent to the Kubernetes API, by verb and HTTP status (error: no response)."},
    {"hpad_config_reload_errors_total", kCounter, "", "Policy file reloads that failed; the running config stayed."},
    {"hpad_cache_entries", kGauge, "cache", "Entries held by the cache, expired but not yet reclaimed ones included."},
    {"hpad_cache_buckets", kGauge, "cache", "Hash buckets of the cache's tables, summed over its shards."},
    {"hpad_cache_shards", kGauge, "cache", "Shards of the cache, each a table with its own lock."},
    {"hpad_cache_growing", kGauge, "cache", "Shards of the cache whose table has an incremental growth in progress."},
    {"hpad_cache_evacuated_buckets", kGauge, "cache",
     "Old buckets already moved to the new table, summed over the growing shards."},
    {"hpad_cache_load_factor", kGauge, "cache", "Entries per bucket of the cache (a table doubles above 6.5)."},
    {"hpad_cache_requests_total", kCounter, "cache,result", "Cache reads, by result (hit or miss)."},
    {"hpad_cache_removals_total", kCounter, "cache,cause",
     "Entries removed from the cache other than by erase, by cause (expired or evicted)."},
}};

// Each byte that does not start a well-formed UTF-8 sequence becomes U+FFFD.
std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const std::size_t bad = detail::invalid_utf8_at(text);
    if (bad == std::string_view::npos) {
      out.append(text);
      break;
    }
    out.append(text.substr(0, bad));
    out.append("\xEF\xBF\xBD");
    text.remove_prefix(bad + 1);
  }
  return out;
}

// The `code` label: bounded to the HTTP status range.
std::string code_label(int code) {
  if (code == 0) {
    return "error";
  }
  if (code < 100 || code > 599) {
    return "other";
  }
  return std::to_string(code);
}

std::string verb_label(std::string_view verb) {
  static constexpr std::array<std::string_view, 7> kVerbs{"get",    "list",  "watch", "create",
                                                          "update", "patch", "delete"};
  std::string lower(verb);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  return std::find(kVerbs.begin(), kVerbs.end(), lower) != kVerbs.end() ? lower : "other";
}

// The growth of a monotonic counter since `last`; a counter that went back restarted from 0.
std::uint64_t growth(std::uint64_t now, std::uint64_t last) {
  return now >= last ? now - last : now;
}

}  // namespace

std::span<const SelfMetricInfo> self_metric_catalogue() {
  return kCatalogue;
}

struct SelfMetrics::Impl {
  // Every series one policy has, so that forget_policy removes exactly these.
  struct PolicySeries {
    prometheus::Gauge* current = nullptr;
    prometheus::Gauge* desired = nullptr;
    prometheus::Gauge* rollout_step = nullptr;
    std::map<std::string, std::pair<prometheus::Gauge*, prometheus::Gauge*>, std::less<>> metrics;  // value, target
    std::map<ScaleDirection, prometheus::Counter*> scale_events;
    std::map<std::string, prometheus::Gauge*, std::less<>> limits;  // every reason ever in force
    std::map<std::string, prometheus::Counter*, std::less<>> gate_failures;
  };
  // What record_cache saw of a cache's own counters last time.
  struct CacheCounters {
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;
    std::uint64_t expired = 0;
    std::uint64_t evicted = 0;
  };

  prometheus::Registry registry;
  std::array<prometheus::Family<prometheus::Gauge>*, kFamilyCount> gauges{};
  std::array<prometheus::Family<prometheus::Counter>*, kFamilyCount> counters{};
  prometheus::Histogram* reconcile_duration = nullptr;
  prometheus::Counter* config_reload_errors = nullptr;

  std::mutex policies_mutex;
  std::map<std::string, PolicySeries, std::less<>> policies;
  std::mutex caches_mutex;
  std::map<std::string, CacheCounters, std::less<>> caches;

  Impl() {
    for (std::size_t i = 0; i < kFamilyCount; ++i) {
      const SelfMetricInfo& info = kCatalogue[i];
      const std::string name(info.name);
      const std::string help(info.help);
      switch (info.type) {
        case MetricType::kGauge:
          gauges[i] = &prometheus::BuildGauge().Name(name).Help(help).Register(registry);
          break;
        case MetricType::kCounter:
          counters[i] = &prometheus::BuildCounter().Name(name).Help(help).Register(registry);
          break;
        case MetricType::kHistogram: {
          // The only histogram: no labels, so its one series exists from the start.
          auto& family = prometheus::BuildHistogram().Name(name).Help(help).Register(registry);
          reconcile_duration = &family.Add(
              {}, prometheus::Histogram::BucketBoundaries(std::begin(kReconcileBuckets), std::end(kReconcileBuckets)));
          break;
        }
        case MetricType::kSummary:
        case MetricType::kUntyped:
          break;  // none in the catalogue
      }
    }
    config_reload_errors = &counters[kConfigReloadErrors]->Add({});
  }

  prometheus::Gauge& gauge(FamilyIndex family, const prometheus::Labels& labels) { return gauges[family]->Add(labels); }
  prometheus::Counter& counter(FamilyIndex family, const prometheus::Labels& labels) {
    return counters[family]->Add(labels);
  }
};

SelfMetrics::SelfMetrics() : impl_(std::make_unique<Impl>()) {}
SelfMetrics::~SelfMetrics() = default;

void SelfMetrics::record_replicas(std::string_view policy, std::int64_t current, std::int64_t desired) {
  const std::string p = valid_utf8(policy);
  std::lock_guard lock(impl_->policies_mutex);
  Impl::PolicySeries& s = impl_->policies[p];
  if (s.current == nullptr) {
    s.current = &impl_->gauge(kCurrentReplicas, {{"policy", p}});
    s.desired = &impl_->gauge(kDesiredReplicas, {{"policy", p}});
  }
  s.current->Set(static_cast<double>(current));
  s.desired->Set(static_cast<double>(desired));
}

void SelfMetrics::record_metric(std::string_view policy, std::string_view metric, double value, double target) {
  const std::string p = valid_utf8(policy);
  const std::string m = valid_utf8(metric);
  std::lock_guard lock(impl_->policies_mutex);
  Impl::PolicySeries& s = impl_->policies[p];
  auto it = s.metrics.find(m);
  if (it == s.metrics.end()) {
    const prometheus::Labels labels{{"policy", p}, {"metric", m}};
    it = s.metrics.emplace(m, std::pair{&impl_->gauge(kMetricValue, labels), &impl_->gauge(kMetricTarget, labels)})
             .first;
  }
  it->second.first->Set(value);
  it->second.second->Set(target);
}

void SelfMetrics::count_scale_event(std::string_view policy, ScaleDirection direction) {
  const std::string p = valid_utf8(policy);
  std::lock_guard lock(impl_->policies_mutex);
  Impl::PolicySeries& s = impl_->policies[p];
  prometheus::Counter*& counter = s.scale_events[direction];
  if (counter == nullptr) {
    counter =
        &impl_->counter(kScaleEvents, {{"policy", p}, {"direction", direction == ScaleDirection::kUp ? "up" : "down"}});
  }
  counter->Increment();
}

void SelfMetrics::record_limits(std::string_view policy, const std::vector<std::string>& reasons_in_force) {
  const std::string p = valid_utf8(policy);
  std::set<std::string> in_force;
  for (const std::string& reason : reasons_in_force) {
    in_force.insert(valid_utf8(reason));
  }
  std::lock_guard lock(impl_->policies_mutex);
  Impl::PolicySeries& s = impl_->policies[p];
  for (const std::string& reason : in_force) {
    if (!s.limits.contains(reason)) {
      s.limits.emplace(reason, &impl_->gauge(kDecisionLimited, {{"policy", p}, {"reason", reason}}));
    }
  }
  for (auto& [reason, gauge] : s.limits) {
    gauge->Set(in_force.contains(reason) ? 1.0 : 0.0);
  }
}

void SelfMetrics::record_rollout_step(std::string_view policy, int step) {
  const std::string p = valid_utf8(policy);
  std::lock_guard lock(impl_->policies_mutex);
  Impl::PolicySeries& s = impl_->policies[p];
  if (s.rollout_step == nullptr) {
    s.rollout_step = &impl_->gauge(kRolloutStep, {{"policy", p}});
  }
  s.rollout_step->Set(step);
}

void SelfMetrics::count_gate_failure(std::string_view policy, std::string_view gate) {
  const std::string p = valid_utf8(policy);
  const std::string g = valid_utf8(gate);
  std::lock_guard lock(impl_->policies_mutex);
  Impl::PolicySeries& s = impl_->policies[p];
  auto it = s.gate_failures.find(g);
  if (it == s.gate_failures.end()) {
    it = s.gate_failures.emplace(g, &impl_->counter(kGateFailures, {{"policy", p}, {"gate", g}})).first;
  }
  it->second->Increment();
}

void SelfMetrics::forget_policy(std::string_view policy) {
  const std::string p = valid_utf8(policy);
  std::lock_guard lock(impl_->policies_mutex);
  const auto it = impl_->policies.find(p);
  if (it == impl_->policies.end()) {
    return;
  }
  Impl::PolicySeries& s = it->second;
  auto& gauges = impl_->gauges;
  auto& counters = impl_->counters;
  // Family::Remove ignores a null or unknown pointer, so series never recorded need no check.
  gauges[kCurrentReplicas]->Remove(s.current);
  gauges[kDesiredReplicas]->Remove(s.desired);
  gauges[kRolloutStep]->Remove(s.rollout_step);
  for (auto& [metric, value_and_target] : s.metrics) {
    gauges[kMetricValue]->Remove(value_and_target.first);
    gauges[kMetricTarget]->Remove(value_and_target.second);
  }
  for (auto& [direction, counter] : s.scale_events) {
    counters[kScaleEvents]->Remove(counter);
  }
  for (auto& [reason, gauge] : s.limits) {
    gauges[kDecisionLimited]->Remove(gauge);
  }
  for (auto& [gate, counter] : s.gate_failures) {
    counters[kGateFailures]->Remove(counter);
  }
  impl_->policies.erase(it);
}

void SelfMetrics::observe_reconcile(std::chrono::duration<double> took) {
  const double seconds = took.count();
  if (std::isnan(seconds)) {
    return;
  }
  impl_->reconcile_duration->Observe(std::max(seconds, 0.0));
}

void SelfMetrics::count_prometheus_request(int http_code_or_0_for_transport_error) {
  impl_->counter(kPrometheusRequests, {{"code", code_label(http_code_or_0_for_transport_error)}}).Increment();
}

void SelfMetrics::count_kube_request(std::string_view verb, int http_code_or_0_for_transport_error) {
  impl_->counter(kKubeRequests, {{"verb", verb_label(verb)}, {"code", code_label(http_code_or_0_for_transport_error)}})
      .Increment();
}

void SelfMetrics::count_config_reload_error() {
  impl_->config_reload_errors->Increment();
}

void SelfMetrics::record_cache(std::string_view cache_name, const hpad::cache::CacheStats& stats) {
  const std::string c = valid_utf8(cache_name);
  const prometheus::Labels labels{{"cache", c}};
  std::lock_guard lock(impl_->caches_mutex);  // one snapshot's gauges and growth go in together
  impl_->gauge(kCacheEntries, labels).Set(static_cast<double>(stats.entries));
  impl_->gauge(kCacheBuckets, labels).Set(static_cast<double>(stats.buckets));
  impl_->gauge(kCacheShards, labels).Set(static_cast<double>(stats.shards));
  impl_->gauge(kCacheGrowing, labels).Set(static_cast<double>(stats.growing_shards));
  impl_->gauge(kCacheEvacuatedBuckets, labels).Set(static_cast<double>(stats.evacuated_buckets));
  impl_->gauge(kCacheLoadFactor, labels).Set(stats.load_factor);

  Impl::CacheCounters& last = impl_->caches[c];
  const auto advance = [&](FamilyIndex family, const char* name, const char* value, std::uint64_t now,
                           std::uint64_t& was) {
    impl_->counter(family, {{"cache", c}, {name, value}}).Increment(static_cast<double>(growth(now, was)));
    was = now;
  };
  advance(kCacheRequests, "result", "hit", stats.hits, last.hits);
  advance(kCacheRequests, "result", "miss", stats.misses, last.misses);
  advance(kCacheRemovals, "cause", "expired", stats.expired, last.expired);
  advance(kCacheRemovals, "cause", "evicted", stats.evicted, last.evicted);
}

std::string SelfMetrics::render() const {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, impl_->registry.Collect());
  return out.str();
}

}  // namespace hpad::metrics
