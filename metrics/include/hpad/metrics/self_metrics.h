// SelfMetrics: what hpad says about itself on /metrics (DESIGN.md, "What hpad says about itself"),
// kept in a prometheus-cpp Registry and rendered as text exposition 0.0.4 for our own HTTP port.
// Thread-safe: every member may be called from any thread, render() included, while others record.
//
// The API takes plain values (strings, numbers, CacheStats), so hpad::metrics does not depend on
// hpad::policies; the controller maps its Decision onto these calls. Label values stay bounded:
// `policy` is "namespace/name", `metric` and `gate` are names from the policy file (never PromQL
// text), `reason` a named reason code, `verb` and `code` are folded into fixed sets ("other").
// Every label value is made valid UTF-8 (each invalid byte becomes U+FFFD), since a Prometheus
// server rejects a whole scrape that holds invalid UTF-8.
//
// Series of one policy exist from its first record_* call until forget_policy(). Work: each call
// is O(log p) in the number of policies plus prometheus-cpp's hash lookup; render() is O(series).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hpad/metrics/exposition.h"

namespace hpad::cache {
struct CacheStats;  // hpad/cache/sharded_cache.h; declared only, to keep the cache's templates out of includers
}  // namespace hpad::cache

namespace hpad::metrics {

enum class ScaleDirection : std::uint8_t { kUp, kDown };

// One metric family that SelfMetrics exports, as render() announces it. The catalogue is what the
// tests and docs/self-metrics.md are checked against.
struct SelfMetricInfo {
  std::string_view name;
  MetricType type;
  std::string_view labels;  // comma-separated label names, "" for none; `le` of histograms not listed
  std::string_view help;    // one line, no backslash: prometheus-cpp 1.0.1 writes HELP unescaped
};

// Every family, in catalogue order (not the order render() writes them in).
std::span<const SelfMetricInfo> self_metric_catalogue();

class SelfMetrics {
 public:
  static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";
  // hpad_reconcile_duration_seconds' upper bounds, 1 ms .. 30 s (+Inf is added by the format).
  static constexpr double kReconcileBuckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                 0.25,  0.5,    1,     2.5,  5,     10,   30};

  SelfMetrics();
  ~SelfMetrics();
  SelfMetrics(const SelfMetrics&) = delete;
  SelfMetrics& operator=(const SelfMetrics&) = delete;

  // ---- per policy (label `policy`) ----
  // hpad_current_replicas and hpad_desired_replicas.
  void record_replicas(std::string_view policy, std::int64_t current, std::int64_t desired);
  // hpad_metric_value and hpad_metric_target{metric}. `metric` is the policy's name for it. A value
  // that could not be read is passed as NaN and rendered as NaN (the series stays, so a query sees
  // the gap as NaN rather than as the last good value).
  void record_metric(std::string_view policy, std::string_view metric, double value, double target);
  // hpad_scale_events_total{direction="up"|"down"} += 1.
  void count_scale_event(std::string_view policy, ScaleDirection direction);
  // hpad_decision_limited{reason}: 1 for each reason in `reasons_in_force`, 0 for every reason that
  // was in force at some earlier call and is not now. Reasons stay as 0 (not removed) so that a
  // graph shows when a limit ended instead of a series going stale; they are a fixed set of reason
  // codes, so the series stay bounded. Duplicates in the list count once.
  void record_limits(std::string_view policy, const std::vector<std::string>& reasons_in_force);
  // hpad_rollout_step: the step the policy's rollout is at.
  void record_rollout_step(std::string_view policy, int step);
  // hpad_rollout_gate_failures_total{gate} += 1.
  void count_gate_failure(std::string_view policy, std::string_view gate);
  // Removes every series labelled with this policy (and only those); a later record_* call starts
  // them again (counters from 0). Unknown policies are ignored.
  void forget_policy(std::string_view policy);

  // ---- process-wide ----
  // hpad_reconcile_duration_seconds. A negative duration counts as 0, NaN is ignored.
  void observe_reconcile(std::chrono::duration<double> took);
  // hpad_prometheus_requests_total{code}: code is the HTTP status, "error" for 0 (no response:
  // connection refused, timeout, TLS), "other" outside 100..599.
  void count_prometheus_request(int http_code_or_0_for_transport_error);
  // hpad_kube_requests_total{verb,code}: verb is one of get, list, watch, create, update, patch,
  // delete (in any case; anything else is "other"), code as for count_prometheus_request.
  void count_kube_request(std::string_view verb, int http_code_or_0_for_transport_error);
  // hpad_config_reload_errors_total += 1 (present as 0 from the start).
  void count_config_reload_error();
  // The cache's gauges, label `cache` (a fixed name such as "query_results"), set from one
  // stats() snapshot: hpad_cache_entries, _buckets, _shards, _growing (shards with a growth in
  // progress), _evacuated_buckets, _load_factor; and the counters hpad_cache_requests_total
  // {result="hit"|"miss"} and hpad_cache_removals_total{cause="expired"|"evicted"}, advanced by
  // the growth of the cache's own counters since the previous call for this cache name (a cache
  // whose counters went back, e.g. recreated, counts its new totals as new events).
  void record_cache(std::string_view cache_name, const hpad::cache::CacheStats& stats);

  // Every family, text exposition format 0.0.4 (serve with kContentType). Families without any
  // series are left out, except those present from the start (reload errors, reconcile duration).
  std::string render() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hpad::metrics
