// ShardedCache under four threads that put, get, erase, maintain and read stats on one
// shared key set while one of them moves the ManualClock. Afterwards every shard's map must
// pass verify(), and the counters must agree with what the threads saw. Its own executable
// so that ctest can give it the label "concurrent" (CI runs those under ThreadSanitizer).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <latch>
#include <ostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "hpad/cache/sharded_cache.h"

namespace hpad::cache {
namespace {

using namespace std::chrono_literals;

// Long enough to live on the heap, so that moving an entry during growth moves an allocation.
std::string value_for(std::uint64_t key, int thread) {
  return std::to_string(key) + "/" + std::to_string(thread) + "/padding-past-the-small-string-buffer";
}
bool value_belongs_to(const std::string& value, std::uint64_t key) {
  return value.starts_with(std::to_string(key) + "/");
}

std::uint64_t one_if(bool condition) {
  return condition ? 1 : 0;
}

// What one thread did and saw; summed after the join.
struct Tally {
  std::uint64_t gets = 0;
  std::uint64_t hits = 0;
  std::uint64_t live_erases = 0;
  std::uint64_t wrong_values = 0;  // a get returned another key's value
  std::uint64_t over_bound = 0;    // size() or stats().entries above max_entries
  std::uint64_t unbalanced = 0;    // a stats() whose hits + misses went backwards
};

struct ConcurrentCase {
  const char* name;
  std::size_t shards;
  std::size_t max_entries;
};

// Names the case in ctest's test list (gtest would print the struct's bytes).
void PrintTo(const ConcurrentCase& c, std::ostream* os) {
  *os << c.name;
}

class ShardedCacheConcurrent : public ::testing::TestWithParam<ConcurrentCase> {};

TEST_P(ShardedCacheConcurrent, MixedOperationsKeepInvariantsAndCounters) {
  const ConcurrentCase& c = GetParam();
  constexpr int kThreads = 4;
  constexpr int kOpsPerThread = 50'000;  // 200k in all
  constexpr std::uint64_t kKeys = 2'048;
  ManualClock clock;
  ShardedCache<std::uint64_t, std::string> cache(clock,
                                                 {.shards = c.shards, .max_entries = c.max_entries, .sample = 8});
  const std::size_t bound = c.max_entries == 0 ? kKeys : c.max_entries;

  std::vector<Tally> tallies(kThreads);
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Tally& tally = tallies[static_cast<std::size_t>(t)];
      std::mt19937_64 rng(0x5EED + static_cast<std::uint64_t>(t));
      std::uint64_t last_reads = 0;
      start.arrive_and_wait();
      for (int op = 0; op < kOpsPerThread; ++op) {
        if (t == 0 && op % 64 == 0) {
          clock.advance(1ms);
        }
        const std::uint64_t key = rng() % kKeys;
        const int dice = static_cast<int>(rng() % 100);
        if (dice < 40) {
          // A quarter never expire; the rest live 1 to 20 ms, i.e. 64 to 1280 ops of thread 0.
          const auto ttl = dice < 10 ? 0ms : std::chrono::milliseconds(1 + rng() % 20);
          cache.put(key, value_for(key, t), ttl);
        } else if (dice < 80) {
          ++tally.gets;
          if (const auto value = cache.get(key); value.has_value()) {
            ++tally.hits;
            tally.wrong_values += one_if(!value_belongs_to(*value, key));
          }
        } else if (dice < 95) {
          tally.live_erases += one_if(cache.erase(key));
        } else if (dice < 97) {
          cache.maintain(8);
        } else if (dice < 99) {
          const CacheStats s = cache.stats();
          tally.over_bound += one_if(s.entries > bound);
          tally.unbalanced += one_if(s.hits + s.misses < last_reads);
          last_reads = s.hits + s.misses;
        } else {
          tally.over_bound += one_if(cache.size() > bound);
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }

  Tally total;
  for (const Tally& tally : tallies) {
    total.gets += tally.gets;
    total.hits += tally.hits;
    total.live_erases += tally.live_erases;
    total.wrong_values += tally.wrong_values;
    total.over_bound += tally.over_bound;
    total.unbalanced += tally.unbalanced;
  }
  EXPECT_EQ(cache.verify(), "");
  const CacheStats s = cache.stats();
  EXPECT_EQ(s.hits + s.misses, total.gets);
  EXPECT_EQ(s.hits, total.hits);
  EXPECT_EQ(s.erases, total.live_erases);
  EXPECT_EQ(s.inserts, s.entries + s.erases + s.expired + s.evicted);
  EXPECT_EQ(total.wrong_values, 0u);
  EXPECT_EQ(total.over_bound, 0u);
  EXPECT_EQ(total.unbalanced, 0u);
  EXPECT_GT(s.hits, 0u);
  EXPECT_GT(s.expired, 0u) << "the clock moved far enough for entries to expire";
  EXPECT_LE(s.entries, bound);
  if (c.max_entries != 0) {
    EXPECT_GT(s.evicted, 0u) << "the key set is larger than the bound";
  }

  // Past every ttl, maintain() alone reclaims every expired entry: the reads that follow
  // find only live ones.
  clock.advance(1s);
  for (int round = 0; round < 1'000; ++round) {
    cache.maintain(1'024);
  }
  const CacheStats reclaimed = cache.stats();
  for (std::uint64_t key = 0; key < kKeys; ++key) {
    cache.get(key);
  }
  const CacheStats settled = cache.stats();
  EXPECT_EQ(settled.expired, reclaimed.expired) << "no read found an expired entry";
  EXPECT_EQ(settled.hits - reclaimed.hits, reclaimed.entries) << "every entry left is live";
  EXPECT_EQ(settled.inserts, settled.entries + settled.erases + settled.expired + settled.evicted);
  EXPECT_EQ(cache.verify(), "");
}

INSTANTIATE_TEST_SUITE_P(Configurations, ShardedCacheConcurrent,
                         ::testing::Values(
                             // name                  shards max entries
                             ConcurrentCase{"Unbounded", 16, 0}, ConcurrentCase{"Bounded", 16, 500},
                             ConcurrentCase{"BoundedTwoShards", 2, 300}),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

}  // namespace
}  // namespace hpad::cache
