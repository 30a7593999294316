// QueryFanout::run: dedup, cache lookups, then a bounded set of worker threads that pull the
// remaining texts from a shared index. Each worker writes only its own slots of `answers`, and the
// threads are joined before anything reads them.
#include "hpad/metrics/query_fanout.h"

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <thread>
#include <unordered_set>

namespace hpad::metrics {
namespace {

std::string cache_key(const std::string& promql, std::optional<double> at) {
  // '\x1f' cannot occur in PromQL outside a string literal, and a literal cannot end a query.
  return at ? promql + '\x1f' + format_eval_time(*at) : promql;
}

}  // namespace

QueryFanout::QueryFanout(QuerySource& source, const cache::Clock& clock, FanoutOptions options)
    : source_(&source), options_(options), cache_(clock, options.cache) {
  if (options_.max_concurrency == 0)
    throw std::invalid_argument("QueryFanout: max_concurrency must be at least 1");
}

FanoutResult QueryFanout::run(const std::vector<std::string>& queries, std::optional<double> at) {
  FanoutResult result;
  result.stats.asked = queries.size();
  std::vector<const std::string*> to_send;
  std::unordered_set<std::string_view> seen;
  for (const auto& promql : queries) {
    if (!seen.insert(promql).second)
      continue;
    ++result.stats.distinct;
    if (options_.ttl > std::chrono::nanoseconds::zero()) {
      if (auto cached = cache_.get(cache_key(promql, at))) {
        ++result.stats.from_cache;
        result.outcomes.emplace(promql, std::move(*cached));
        continue;
      }
    }
    to_send.push_back(&promql);
  }

  std::vector<std::optional<QueryOutcome>> answers(to_send.size());
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next.fetch_add(1); i < to_send.size(); i = next.fetch_add(1)) {
      answers[i] = source_->query(*to_send[i], at);
    }
  };
  const std::size_t thread_count = std::min(options_.max_concurrency, to_send.size());
  if (thread_count == 1) {
    worker();  // no thread for a single query
  } else if (thread_count > 1) {
    std::vector<std::jthread> threads;
    threads.reserve(thread_count);
    for (std::size_t t = 0; t < thread_count; ++t)
      threads.emplace_back(worker);
  }  // joined here

  for (std::size_t i = 0; i < to_send.size(); ++i) {
    ++result.stats.sent;
    QueryOutcome& outcome = *answers[i];
    if (const auto* data = std::get_if<QueryData>(&outcome)) {
      if (options_.ttl > std::chrono::nanoseconds::zero())
        cache_.put(cache_key(*to_send[i], at), *data, options_.ttl);
    } else {
      ++result.stats.failed;
    }
    result.outcomes.emplace(*to_send[i], std::move(outcome));
  }
  return result;
}

}  // namespace hpad::metrics
