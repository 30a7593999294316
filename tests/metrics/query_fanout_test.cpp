// QueryFanout: each distinct PromQL text is asked once per sync, answers are reused within the
// TTL (and only successful ones), and never more than max_concurrency requests are in flight.
// The source here is an in-process QuerySource that counts calls; the fan-out against a real
// Prometheus is in prometheus_integration_test.cpp.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "hpad/cache/clock.h"
#include "hpad/metrics/query_fanout.h"

namespace hpad::metrics {
namespace {

using namespace std::chrono_literals;

// Answers "error:..." texts with a bad_data error and anything else with a scalar equal to the
// number of times that text was asked; records the evaluation time and the peak concurrency.
class CountingSource final : public QuerySource {
 public:
  explicit CountingSource(std::chrono::milliseconds latency = 0ms) : latency_(latency) {}

  QueryOutcome query(std::string_view promql, std::optional<double> at) override {
    const int now_in_flight = ++in_flight_;
    int peak = peak_.load();
    while (now_in_flight > peak && !peak_.compare_exchange_weak(peak, now_in_flight)) {
    }
    if (latency_ > 0ms)
      std::this_thread::sleep_for(latency_);
    int count = 0;
    {
      std::lock_guard lock(mutex_);
      count = ++calls_[std::string(promql)];
      last_at_ = at;
    }
    --in_flight_;
    if (promql.rfind("error:", 0) == 0)
      return QueryError{QueryErrorKind::kBadData, 400, "bad_data", "no"};
    return QueryData{ResultType::kScalar, {Sample{{}, static_cast<double>(count), 0}}, {}};
  }

  int calls(const std::string& promql) {
    std::lock_guard lock(mutex_);
    return calls_[promql];
  }
  int total_calls() {
    std::lock_guard lock(mutex_);
    int total = 0;
    for (const auto& [text, count] : calls_)
      total += count;
    return total;
  }
  int peak() const { return peak_.load(); }
  std::optional<double> last_at() {
    std::lock_guard lock(mutex_);
    return last_at_;
  }

 private:
  std::chrono::milliseconds latency_;
  std::atomic<int> in_flight_{0};
  std::atomic<int> peak_{0};
  std::mutex mutex_;
  std::map<std::string, int> calls_;
  std::optional<double> last_at_;
};

double value_of(const FanoutResult& result, const std::string& promql) {
  return std::get<QueryData>(result.at(promql)).samples.at(0).value;
}

TEST(QueryFanout, AsksEachDistinctTextOnceAndAnswersEveryDuplicate) {
  CountingSource source;
  cache::ManualClock clock;
  QueryFanout fanout(source, clock);
  const auto result = fanout.run({"a", "b", "a", "c", "b", "a"});
  EXPECT_EQ(result.stats.asked, 6U);
  EXPECT_EQ(result.stats.distinct, 3U);
  EXPECT_EQ(result.stats.sent, 3U);
  EXPECT_EQ(result.stats.from_cache, 0U);
  EXPECT_EQ(result.outcomes.size(), 3U);
  for (const char* text : {"a", "b", "c"}) {
    EXPECT_EQ(source.calls(text), 1) << text;
    EXPECT_EQ(value_of(result, text), 1.0) << text;
  }
}

TEST(QueryFanout, ReusesAnswersWithinTheTtlAndAsksAgainAfterIt) {
  CountingSource source;
  cache::ManualClock clock;
  QueryFanout fanout(source, clock, FanoutOptions{.max_concurrency = 4, .ttl = 10s});
  fanout.run({"a"});
  clock.advance(9s);
  const auto cached = fanout.run({"a", "b"});
  EXPECT_EQ(cached.stats.from_cache, 1U);
  EXPECT_EQ(cached.stats.sent, 1U);
  EXPECT_EQ(value_of(cached, "a"), 1.0);  // the first answer, not a second call
  clock.advance(1s);                      // "a" was put at 0 s with a 10 s TTL: expired at 10 s
  const auto fresh = fanout.run({"a", "b"});
  EXPECT_EQ(value_of(fresh, "a"), 2.0);
  EXPECT_EQ(value_of(fresh, "b"), 1.0);  // put at 9 s, still fresh at 10 s
  EXPECT_EQ(source.calls("a"), 2);
}

TEST(QueryFanout, NeverCachesErrors) {
  CountingSource source;
  cache::ManualClock clock;
  QueryFanout fanout(source, clock);
  const auto first = fanout.run({"error:x", "ok"});
  EXPECT_EQ(first.stats.failed, 1U);
  EXPECT_TRUE(std::holds_alternative<QueryError>(first.at("error:x")));
  const auto second = fanout.run({"error:x", "ok"});
  EXPECT_EQ(second.stats.from_cache, 1U);
  EXPECT_EQ(source.calls("error:x"), 2);
  EXPECT_EQ(source.calls("ok"), 1);
}

TEST(QueryFanout, KeysTheCacheByEvaluationTimeToo) {
  CountingSource source;
  cache::ManualClock clock;
  QueryFanout fanout(source, clock);
  fanout.run({"a"}, 100.0);
  EXPECT_EQ(source.last_at(), 100.0);
  fanout.run({"a"}, 100.0);
  fanout.run({"a"}, 115.0);
  fanout.run({"a"});
  EXPECT_EQ(source.calls("a"), 3);
  EXPECT_EQ(source.last_at(), std::nullopt);
}

TEST(QueryFanout, AZeroTtlCachesNothing) {
  CountingSource source;
  cache::ManualClock clock;
  QueryFanout fanout(source, clock, FanoutOptions{.max_concurrency = 2, .ttl = 0s});
  fanout.run({"a"});
  fanout.run({"a"});
  EXPECT_EQ(source.calls("a"), 2);
  EXPECT_EQ(fanout.cached_entries(), 0U);
}

TEST(QueryFanout, AnEmptyRunSendsNothing) {
  CountingSource source;
  cache::ManualClock clock;
  QueryFanout fanout(source, clock);
  const auto result = fanout.run({});
  EXPECT_TRUE(result.outcomes.empty());
  EXPECT_EQ(source.total_calls(), 0);
}

TEST(QueryFanout, RefusesZeroConcurrency) {
  CountingSource source;
  cache::ManualClock clock;
  EXPECT_THROW(QueryFanout(source, clock, FanoutOptions{.max_concurrency = 0}), std::invalid_argument);
}

struct ConcurrencyCase {
  const char* name;
  std::size_t max_concurrency;
  int queries;
  int expected_peak;
};

class QueryFanoutConcurrency : public ::testing::TestWithParam<ConcurrencyCase> {};

TEST_P(QueryFanoutConcurrency, KeepsAtMostMaxConcurrencyInFlightAndUsesThemAll) {
  CountingSource source(20ms);
  cache::ManualClock clock;
  QueryFanout fanout(source, clock, FanoutOptions{.max_concurrency = GetParam().max_concurrency});
  std::vector<std::string> queries;
  for (int i = 0; i < GetParam().queries; ++i)
    queries.push_back("q" + std::to_string(i));
  const auto result = fanout.run(queries);
  EXPECT_EQ(result.stats.sent, static_cast<std::size_t>(GetParam().queries));
  EXPECT_EQ(source.total_calls(), GetParam().queries);
  // 20 ms per query is long enough for every worker to be in flight at once.
  EXPECT_EQ(source.peak(), GetParam().expected_peak);
}

INSTANTIATE_TEST_SUITE_P(Cases, QueryFanoutConcurrency,
                         ::testing::Values(ConcurrencyCase{"One", 1, 5, 1}, ConcurrencyCase{"FourOfTwenty", 4, 20, 4},
                                           ConcurrencyCase{"MoreWorkersThanQueries", 8, 3, 3}),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(QueryFanout, ConcurrentRunsShareTheCacheSafely) {
  CountingSource source(1ms);
  cache::ManualClock clock;
  QueryFanout fanout(source, clock, FanoutOptions{.max_concurrency = 3, .ttl = 60s});
  std::vector<std::string> queries{"a", "b", "c", "d", "a", "b"};
  std::vector<std::jthread> threads;
  std::atomic<int> complete{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int round = 0; round < 10; ++round) {
        const auto result = fanout.run(queries);
        if (result.outcomes.size() == 4 && result.stats.sent + result.stats.from_cache == 4)
          ++complete;
      }
    });
  }
  threads.clear();
  EXPECT_EQ(complete.load(), 40);
  // Racing runs may each miss the cache at first, but once an answer is cached it is reused.
  EXPECT_LE(source.calls("a"), 4);
  EXPECT_GE(fanout.cache_stats().hits, 1U);
}

}  // namespace
}  // namespace hpad::metrics
