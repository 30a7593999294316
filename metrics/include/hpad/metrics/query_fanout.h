// QueryFanout: one sync's worth of PromQL — every metric and every rollout gate of every policy —
// asked of Prometheus with each distinct text sent once, at most `max_concurrency` at a time, and
// successful answers kept in a ShardedCache (keyed by the text and the evaluation time) for `ttl`,
// so that policies reconciled close together share one answer.
// Errors are never cached: the next sync asks again. Thread-safe: run() may be called from several
// threads; each call uses threads of its own and joins them before returning.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "hpad/cache/clock.h"
#include "hpad/cache/sharded_cache.h"
#include "hpad/metrics/prometheus_client.h"
#include "hpad/metrics/query_result.h"

namespace hpad::metrics {

struct FanoutOptions {
  std::size_t max_concurrency = 8;  // ≥ 1; requests in flight at once, per run()
  // How long an answer is reused; keep it below the sync period so that each sync sees new data.
  // Zero or less: nothing is cached (every distinct query is sent on every run).
  std::chrono::nanoseconds ttl = std::chrono::seconds(5);
  cache::CacheOptions cache{.shards = 16, .max_entries = 100000, .sample = 16};
};

struct FanoutStats {
  std::size_t asked = 0;       // queries passed in, duplicates included
  std::size_t distinct = 0;    // distinct texts among them
  std::size_t from_cache = 0;  // distinct texts answered by the cache
  std::size_t sent = 0;        // distinct texts sent to the source
  std::size_t failed = 0;      // of those sent, how many came back as QueryError
};

struct FanoutResult {
  std::unordered_map<std::string, QueryOutcome> outcomes;  // one per distinct text
  FanoutStats stats;

  // The outcome for `promql`, which must have been among the queries run.
  const QueryOutcome& at(const std::string& promql) const { return outcomes.at(promql); }
};

class QueryFanout {
 public:
  // `source` and `clock` must outlive the fan-out. Throws std::invalid_argument for
  // max_concurrency 0 or invalid cache options.
  QueryFanout(QuerySource& source, const cache::Clock& clock, FanoutOptions options = {});

  // `at`: evaluation time for every query (Unix seconds), or none for "now".
  FanoutResult run(const std::vector<std::string>& queries, std::optional<double> at = std::nullopt);

  cache::CacheStats cache_stats() const { return cache_.stats(); }
  std::size_t cached_entries() const { return cache_.size(); }
  // Drops expired answers a little at a time (a bounded amount of work per shard).
  void maintain() { cache_.maintain(1); }

 private:
  QuerySource* source_;
  FanoutOptions options_;
  cache::ShardedCache<std::string, QueryData> cache_;
};

}  // namespace hpad::metrics
