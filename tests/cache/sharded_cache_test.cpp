// ShardedCache, one thread at a time, with a ManualClock: get/put/erase and their counters,
// the expiry rule (expired at now >= expires_at), reclaim of expired entries without reads,
// the exact max_entries bound and its per-shard quotas, the eviction rule, option checks.
// The concurrent test is in sharded_cache_concurrent_test.cpp (ctest label "concurrent").
#include "hpad/cache/sharded_cache.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <ostream>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace hpad::cache {
namespace {

using namespace std::chrono_literals;
using std::chrono::nanoseconds;

constexpr nanoseconds kNoExpiry{0};

std::string query_key(std::uint64_t k) {
  return "sum(rate(http_requests_total{pod=\"web-" + std::to_string(k) + "\"}[1m]))";
}

// Checks the accounting identity the header promises when no call is in flight.
void expect_counters_balance(const CacheStats& s) {
  EXPECT_EQ(s.inserts, s.entries + s.erases + s.expired + s.evicted)
      << "inserts " << s.inserts << ", entries " << s.entries << ", erases " << s.erases << ", expired " << s.expired
      << ", evicted " << s.evicted;
}

// --- Basics ------------------------------------------------------------------------------

TEST(ShardedCacheBasics, GetReturnsWhatPutStoredAndMissesUnknownKeys) {
  ManualClock clock;
  ShardedCache<std::string, int> cache(clock);
  cache.put(query_key(1), 10, kNoExpiry);
  cache.put(query_key(2), 20, 5s);
  EXPECT_EQ(cache.get(query_key(1)), 10);
  EXPECT_EQ(cache.get(query_key(2)), 20);
  EXPECT_EQ(cache.get(query_key(3)), std::nullopt);
  EXPECT_EQ(cache.size(), 2u);
  const CacheStats s = cache.stats();
  EXPECT_EQ(s.hits, 2u);
  EXPECT_EQ(s.misses, 1u);
  EXPECT_EQ(s.inserts, 2u);
  EXPECT_EQ(s.entries, 2u);
  EXPECT_EQ(cache.verify(), "");
}

TEST(ShardedCacheBasics, PutOverwritesValueAndTtlInPlace) {
  ManualClock clock;
  ShardedCache<std::uint64_t, std::string> cache(clock);
  cache.put(7, "first", 1s);
  cache.put(7, "second", kNoExpiry);
  EXPECT_EQ(cache.size(), 1u);
  clock.advance(10s);
  EXPECT_EQ(cache.get(7), "second") << "the overwrite replaced the 1s ttl by no expiry";
  cache.put(7, "third", 1s);
  clock.advance(1s);
  EXPECT_EQ(cache.get(7), std::nullopt) << "and this overwrite gave it a ttl again";
  const CacheStats s = cache.stats();
  EXPECT_EQ(s.inserts, 1u) << "overwrites are not inserts";
  expect_counters_balance(s);
}

TEST(ShardedCacheBasics, EraseRemovesTheKeyAndSaysWhetherItWasThere) {
  ManualClock clock;
  ShardedCache<std::string, int> cache(clock);
  cache.put(query_key(1), 1, kNoExpiry);
  EXPECT_TRUE(cache.erase(query_key(1)));
  EXPECT_FALSE(cache.erase(query_key(1)));
  EXPECT_FALSE(cache.erase(query_key(2)));
  EXPECT_EQ(cache.get(query_key(1)), std::nullopt);
  EXPECT_EQ(cache.size(), 0u);
  const CacheStats s = cache.stats();
  EXPECT_EQ(s.erases, 1u);
  EXPECT_EQ(s.misses, 1u);
  expect_counters_balance(s);
}

TEST(ShardedCacheBasics, HitsAndMissesCountEveryGet) {
  ManualClock clock;
  ShardedCache<std::uint64_t, std::uint64_t> cache(clock);
  for (std::uint64_t k = 0; k < 100; ++k) {
    cache.put(k, k * k, kNoExpiry);
  }
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  for (std::uint64_t k = 0; k < 300; ++k) {
    const auto value = cache.get(k);
    if (k < 100) {
      ASSERT_EQ(value, k * k);
      ++hits;
    } else {
      ASSERT_EQ(value, std::nullopt);
      ++misses;
    }
  }
  const CacheStats s = cache.stats();
  EXPECT_EQ(s.hits, hits);
  EXPECT_EQ(s.misses, misses);
}

TEST(ShardedCacheBasics, KeysSpreadEvenlyEnoughThatNoShardFillsEarly) {
  // 16 shards with a quota of 64 each: 600 keys are 37.5 per shard on average. A shard that
  // reached 64 would evict, so no eviction means no shard got 70% more than its share.
  ManualClock clock;
  ShardedCache<std::string, int> strings(clock, {.shards = 16, .max_entries = 1024});
  ShardedCache<std::uint64_t, int> integers(clock, {.shards = 16, .max_entries = 1024});
  for (int k = 0; k < 600; ++k) {
    strings.put(query_key(static_cast<std::uint64_t>(k)), k, kNoExpiry);
    integers.put(static_cast<std::uint64_t>(k), k, kNoExpiry);
  }
  EXPECT_EQ(strings.stats().evicted, 0u);
  EXPECT_EQ(integers.stats().evicted, 0u);
  EXPECT_EQ(strings.size(), 600u);
  EXPECT_EQ(integers.size(), 600u);
  EXPECT_EQ(strings.verify(), "") << "every key sits in the shard its hash selects";
  EXPECT_EQ(integers.verify(), "");
}

// --- Expiry ------------------------------------------------------------------------------

struct ExpiryCase {
  const char* name;
  nanoseconds start;  // the clock when the entry is put
  nanoseconds ttl;
  nanoseconds later;  // how far the clock moves before the get
  bool visible;
};

// Names the case in ctest's test list (gtest would print the struct's bytes).
void PrintTo(const ExpiryCase& c, std::ostream* os) {
  *os << c.name;
}

class ShardedCacheExpiry : public ::testing::TestWithParam<ExpiryCase> {};

TEST_P(ShardedCacheExpiry, EntryIsLiveUntilNowReachesPutTimePlusTtl) {
  const ExpiryCase& c = GetParam();
  ManualClock clock(c.start);
  ShardedCache<std::string, int> cache(clock);
  cache.put("key", 42, c.ttl);
  clock.advance(c.later);
  EXPECT_EQ(cache.get("key"), c.visible ? std::optional<int>(42) : std::nullopt);
  const CacheStats s = cache.stats();
  EXPECT_EQ(s.hits, c.visible ? 1u : 0u);
  EXPECT_EQ(s.misses, c.visible ? 0u : 1u);
  EXPECT_EQ(s.expired, c.visible ? 0u : 1u) << "an expired entry found on read is removed";
  EXPECT_EQ(cache.size(), c.visible ? 1u : 0u);
  expect_counters_balance(s);
}

constexpr nanoseconds kMaxTtl = nanoseconds::max();

INSTANTIATE_TEST_SUITE_P(Cases, ShardedCacheExpiry,
                         ::testing::Values(
                             // name                      start      ttl        later              visible
                             ExpiryCase{"JustPut", 0ns, 10s, 0ns, true},
                             ExpiryCase{"OneNanosecondBefore", 0ns, 10s, 10s - 1ns, true},
                             ExpiryCase{"AtExpiry", 0ns, 10s, 10s, false},
                             ExpiryCase{"AfterExpiry", 0ns, 10s, 1h, false},
                             ExpiryCase{"OneNanosecondTtl", 5s, 1ns, 1ns, false},
                             ExpiryCase{"NegativeClockOrigin", -1h, 10s, 10s - 1ns, true},
                             ExpiryCase{"ZeroTtlNeverExpires", 0ns, 0ns, 24h * 365, true},
                             ExpiryCase{"NegativeTtlNeverExpires", 0ns, -1s, 24h * 365, true},
                             ExpiryCase{"OverflowingTtlSaturatesToNever", 1h, kMaxTtl, 24h * 365, true}),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(ShardedCacheExpiryErase, EraseOfAnExpiredEntryReturnsFalseAndCountsItAsExpired) {
  ManualClock clock;
  ShardedCache<std::string, int> cache(clock);
  cache.put("stale", 1, 1s);
  clock.advance(1s);
  EXPECT_FALSE(cache.erase("stale")) << "get() would not have seen it either";
  EXPECT_EQ(cache.size(), 0u);
  const CacheStats s = cache.stats();
  EXPECT_EQ(s.expired, 1u);
  EXPECT_EQ(s.erases, 0u);
  expect_counters_balance(s);
}

// --- Reclaim of expired entries without reads --------------------------------------------

TEST(ShardedCacheReclaim, PutsReclaimExpiredEntriesOfTheirShard) {
  ManualClock clock;
  ShardedCache<std::uint64_t, std::uint64_t> cache(clock);
  for (std::uint64_t k = 0; k < 200; ++k) {
    cache.put(k, k, 1s);
  }
  clock.advance(2s);
  EXPECT_EQ(cache.size(), 200u) << "expired entries take room until reclaimed";
  // Puts of other keys, and no reads: each put does one reclaim step on its shard.
  for (std::uint64_t k = 1'000; k < 1'200; ++k) {
    cache.put(k, k, kNoExpiry);
  }
  EXPECT_EQ(cache.size(), 200u) << "every expired entry is gone, every new one is held";
  const CacheStats s = cache.stats();
  EXPECT_EQ(s.expired, 200u);
  EXPECT_EQ(s.misses + s.hits, 0u);
  expect_counters_balance(s);
  EXPECT_EQ(cache.verify(), "");
}

TEST(ShardedCacheReclaim, MaintainReclaimsAllExpiredEntriesAndKeepsLiveOnes) {
  struct Case {
    const char* name;
    std::size_t shards;
    std::size_t sample;
  };
  for (const Case& c : {Case{"default", 16, 16}, Case{"one shard", 1, 16}, Case{"sample of one", 4, 1}}) {
    ManualClock clock;
    ShardedCache<std::string, int> cache(clock, {.shards = c.shards, .sample = c.sample});
    for (int k = 0; k < 10'000; ++k) {
      cache.put(query_key(static_cast<std::uint64_t>(k)), k, k % 2 == 0 ? 1s : kNoExpiry);
    }
    clock.advance(1s);
    std::size_t reclaimed = 0;
    int calls = 0;
    while (cache.size() > 5'000) {
      reclaimed += cache.maintain(64);
      ASSERT_LT(++calls, 20'000) << c.name << ": maintain() stopped making progress";
    }
    EXPECT_EQ(reclaimed, 5'000u) << c.name;
    EXPECT_EQ(cache.maintain(64), 0u) << c.name;
    const CacheStats s = cache.stats();
    EXPECT_EQ(s.expired, 5'000u) << c.name;
    EXPECT_EQ(s.growing_shards, 0u) << c.name << ": maintain() also finished every growth";
    expect_counters_balance(s);
    for (int k = 1; k < 10'000; k += 2) {
      ASSERT_EQ(cache.get(query_key(static_cast<std::uint64_t>(k))), k) << c.name;
    }
    EXPECT_EQ(cache.verify(), "") << c.name;
  }
}

TEST(ShardedCacheReclaim, OneStepExaminesAboutSampleEntriesNotTheWholeShard) {
  ManualClock clock;
  ShardedCache<std::uint64_t, std::uint64_t> cache(clock, {.shards = 1, .sample = 4});
  for (std::uint64_t k = 0; k < 4'000; ++k) {
    cache.put(k, k, 1s);
  }
  clock.advance(1s);
  // A step examines whole logical buckets until it has seen 4 entries: one or two buckets of
  // at most 6.5 entries on average, never the 4000.
  const std::size_t first = cache.maintain(0);
  EXPECT_GE(first, 4u);
  EXPECT_LE(first, 40u);
  EXPECT_EQ(cache.size(), 4'000u - first);
}

TEST(ShardedCacheMaintain, FinishesAGrowthThatNoWriteWouldFinish) {
  ManualClock clock;
  ShardedCache<std::uint64_t, std::uint64_t> cache(clock, {.shards = 1});
  std::uint64_t k = 0;
  while (cache.stats().growing_shards == 0 || cache.stats().buckets < 1'024) {
    cache.put(k, k, kNoExpiry);
    ++k;
  }
  EXPECT_EQ(cache.maintain(16), 0u) << "nothing has expired";
  EXPECT_EQ(cache.stats().growing_shards, 1u) << "16 units do not finish a growth of 512 buckets";
  cache.maintain(1'024);
  EXPECT_EQ(cache.stats().growing_shards, 0u);
  EXPECT_EQ(cache.verify(), "");
  for (std::uint64_t i = 0; i < k; ++i) {
    ASSERT_EQ(cache.get(i), i);
  }
}

// --- The max_entries bound ---------------------------------------------------------------

struct QuotaCase {
  const char* name;
  std::size_t shards;
  std::size_t max_entries;
  std::size_t expected_shards;
};

TEST(ShardedCacheQuota, ShardQuotasSumExactlyToMaxEntries) {
  for (const QuotaCase& c : {
           // name                        shards max    expected shards
           QuotaCase{"multiple of shards", 16, 1'024, 16},
           QuotaCase{"not a multiple", 16, 100, 16},
           QuotaCase{"one more than shards", 16, 17, 16},
           QuotaCase{"equal to shards", 16, 16, 16},
           QuotaCase{"fewer than shards", 16, 5, 4},
           QuotaCase{"three of four", 4, 3, 2},
           QuotaCase{"just one", 16, 1, 1},
           QuotaCase{"unsharded", 1, 7, 1},
       }) {
    ManualClock clock;
    ShardedCache<std::uint64_t, int> cache(clock, {.shards = c.shards, .max_entries = c.max_entries});
    ASSERT_EQ(cache.shard_count(), c.expected_shards) << c.name;
    std::size_t sum = 0;
    for (std::size_t i = 0; i < cache.shard_count(); ++i) {
      // The first max % N shards take one more: quotas differ by at most one.
      const std::size_t extra = i < c.max_entries % c.expected_shards ? 1 : 0;
      const std::size_t want = c.max_entries / c.expected_shards + extra;
      EXPECT_EQ(cache.shard_quota(i), want) << c.name << ", shard " << i;
      EXPECT_GE(cache.shard_quota(i), 1u) << c.name;
      sum += cache.shard_quota(i);
    }
    EXPECT_EQ(sum, c.max_entries) << c.name;
  }
}

TEST(ShardedCacheQuota, UnboundedCacheHasNoQuota) {
  ManualClock clock;
  ShardedCache<std::uint64_t, int> cache(clock, {.shards = 8});
  ASSERT_EQ(cache.shard_count(), 8u);
  for (std::size_t i = 0; i < 8; ++i) {
    EXPECT_EQ(cache.shard_quota(i), 0u);
  }
  for (std::uint64_t k = 0; k < 50'000; ++k) {
    cache.put(k, 0, kNoExpiry);
  }
  EXPECT_EQ(cache.size(), 50'000u);
  EXPECT_EQ(cache.stats().evicted, 0u);
}

struct BoundCase {
  const char* name;
  std::size_t shards;
  std::size_t max_entries;
  std::size_t sample;
};

// Names the case in ctest's test list (gtest would print the struct's bytes).
void PrintTo(const BoundCase& c, std::ostream* os) {
  *os << c.name;
}

class ShardedCacheBound : public ::testing::TestWithParam<BoundCase> {};

TEST_P(ShardedCacheBound, SizeNeverExceedsMaxEntriesAndReachesItExactly) {
  const BoundCase& c = GetParam();
  ManualClock clock;
  ShardedCache<std::uint64_t, std::string> cache(
      clock, {.shards = c.shards, .max_entries = c.max_entries, .sample = c.sample});
  std::mt19937_64 rng(c.max_entries * 31 + c.shards);
  const std::uint64_t key_range = 4 * c.max_entries + 16;
  for (int op = 0; op < 20'000; ++op) {
    const std::uint64_t key = rng() % key_range;
    const int dice = static_cast<int>(rng() % 100);
    if (dice < 70) {
      // A third never expire, the rest live 1 to 100 ms.
      const nanoseconds ttl = dice < 23 ? kNoExpiry : std::chrono::milliseconds(1 + rng() % 100);
      cache.put(key, "value-" + std::to_string(key), ttl);
      ASSERT_LE(cache.size(), c.max_entries) << "after put " << op;
    } else if (dice < 85) {
      const auto value = cache.get(key);
      if (value.has_value()) {
        ASSERT_EQ(*value, "value-" + std::to_string(key));
      }
    } else if (dice < 95) {
      cache.erase(key);
    } else {
      clock.advance(1ms);
    }
    if (op % 2'000 == 0) {
      ASSERT_EQ(cache.verify(), "") << "op " << op;
    }
  }
  const CacheStats churned = cache.stats();
  EXPECT_GT(churned.evicted + churned.expired, 0u) << "the workload should have hit the bound";
  expect_counters_balance(churned);
  // Enough distinct never-expiring keys to fill every shard: the bound is then met exactly.
  for (std::uint64_t k = 0; k < 16 * c.max_entries + 256; ++k) {
    cache.put(1'000'000 + k, "filler", kNoExpiry);
    ASSERT_LE(cache.size(), c.max_entries);
  }
  EXPECT_EQ(cache.size(), c.max_entries) << "every shard is at its quota";
  EXPECT_EQ(cache.stats().entries, c.max_entries);
  expect_counters_balance(cache.stats());
  EXPECT_EQ(cache.verify(), "");
}

INSTANTIATE_TEST_SUITE_P(Configurations, ShardedCacheBound,
                         ::testing::Values(
                             // name                 shards max    sample
                             BoundCase{"Unsharded", 1, 100, 16}, BoundCase{"DefaultShards", 16, 1'000, 16},
                             BoundCase{"NotAMultipleOfShards", 16, 1'003, 8},
                             BoundCase{"FewerEntriesThanShards", 16, 5, 16}, BoundCase{"OneEntry", 16, 1, 16},
                             BoundCase{"SampleOfOne", 4, 64, 1}, BoundCase{"SampleLargerThanShard", 8, 200, 64}),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

// --- The eviction rule -------------------------------------------------------------------

struct EvictionCase {
  const char* name;
  std::vector<nanoseconds> ttls;   // of keys 0, 1, ... put at time 0 (0 = never expires)
  nanoseconds later;               // the clock moves this far before the extra put
  std::set<std::uint64_t> may_go;  // the victim is one of these keys
  bool victim_expired;             // and counted as expired, not evicted
};

TEST(ShardedCacheEviction, NewKeyAtQuotaRemovesTheSoonestExpiringEntry) {
  const nanoseconds never = kNoExpiry;
  for (const EvictionCase& c : {
           EvictionCase{"soonest ttl goes", {50s, 40s, 10s, 70s, never, 20s, 30s, 60s}, 0s, {2}, false},
           EvictionCase{
               "never-expiring count as latest", {never, never, never, never, 5h, never, never, never}, 0s, {4}, false},
           EvictionCase{"all never-expiring: one of them goes",
                        {never, never, never, never, never, never, never, never},
                        0s,
                        {0, 1, 2, 3, 4, 5, 6, 7},
                        false},
           EvictionCase{"tied soonest: one of the tied goes", {9s, 3s, 9s, 3s, never, 9s, 9s, 9s}, 0s, {1, 3}, false},
           EvictionCase{"expired entries are reclaimed before anything is evicted",
                        {50s, 40s, 10s, 70s, never, 20s, 30s, 60s},
                        15s,
                        {2},
                        true},
       }) {
    ManualClock clock;
    // One shard, and a sample as large as the shard: the candidates are all its entries.
    ShardedCache<std::uint64_t, std::uint64_t> cache(clock, {.shards = 1, .max_entries = 8, .sample = 8});
    for (std::uint64_t k = 0; k < c.ttls.size(); ++k) {
      cache.put(k, k, c.ttls[k]);
    }
    clock.advance(c.later);
    cache.put(100, 100, never);
    EXPECT_EQ(cache.size(), 8u) << c.name;
    EXPECT_EQ(cache.get(100), 100u) << c.name;
    std::vector<std::uint64_t> gone;
    for (std::uint64_t k = 0; k < c.ttls.size(); ++k) {
      if (!cache.get(k).has_value()) {
        gone.push_back(k);
      }
    }
    ASSERT_EQ(gone.size(), 1u) << c.name;
    EXPECT_TRUE(c.may_go.contains(gone[0])) << c.name << ": key " << gone[0] << " went";
    const CacheStats s = cache.stats();
    EXPECT_EQ(s.evicted, c.victim_expired ? 0u : 1u) << c.name;
    EXPECT_EQ(s.expired, c.victim_expired ? 1u : 0u) << c.name;
    expect_counters_balance(s);
  }
}

TEST(ShardedCacheEviction, WithASmallSampleSoonExpiringEntriesStillGoFirst) {
  // 256 entries, half with a ttl and half never expiring; 64 new keys each evict one. Only a
  // sample of 16 with no expiring entry in it would take a never-expiring one.
  ManualClock clock;
  ShardedCache<std::uint64_t, std::uint64_t> cache(clock, {.shards = 1, .max_entries = 256, .sample = 16});
  for (std::uint64_t k = 0; k < 256; ++k) {
    cache.put(k, k, k % 2 == 0 ? 1h : kNoExpiry);
  }
  for (std::uint64_t k = 1'000; k < 1'064; ++k) {
    cache.put(k, k, kNoExpiry);
  }
  std::size_t expiring_gone = 0;
  std::size_t never_gone = 0;
  for (std::uint64_t k = 0; k < 256; ++k) {
    if (!cache.get(k).has_value()) {
      ++(k % 2 == 0 ? expiring_gone : never_gone);
    }
  }
  EXPECT_EQ(expiring_gone + never_gone, 64u);
  EXPECT_GE(expiring_gone, 60u);
  EXPECT_EQ(cache.stats().evicted, 64u);
}

TEST(ShardedCacheEviction, OverwritingAHeldKeyAtQuotaEvictsNothing) {
  ManualClock clock;
  ShardedCache<std::uint64_t, std::uint64_t> cache(clock, {.shards = 1, .max_entries = 4});
  for (std::uint64_t k = 0; k < 4; ++k) {
    cache.put(k, k, kNoExpiry);
  }
  for (std::uint64_t round = 0; round < 10; ++round) {
    for (std::uint64_t k = 0; k < 4; ++k) {
      cache.put(k, round, 1h);
    }
  }
  EXPECT_EQ(cache.stats().evicted, 0u);
  for (std::uint64_t k = 0; k < 4; ++k) {
    EXPECT_EQ(cache.get(k), 9u);
  }
}

// --- Options -----------------------------------------------------------------------------

TEST(ShardedCacheOptions, InvalidOptionsThrowWithTheOptionNamed) {
  struct Case {
    const char* name;
    CacheOptions options;
    const char* message_mentions;
  };
  for (const Case& c : {
           Case{"zero shards", {.shards = 0}, "shards must be a power of two"},
           Case{"three shards", {.shards = 3}, "got 3"},
           Case{"twelve shards", {.shards = 12, .max_entries = 100}, "got 12"},
           Case{"zero sample", {.sample = 0}, "sample must be >= 1"},
       }) {
    ManualClock clock;
    try {
      ShardedCache<std::uint64_t, int> cache(clock, c.options);
      ADD_FAILURE() << c.name << ": no exception";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(c.message_mentions), std::string::npos) << c.name << ": " << e.what();
    }
  }
}

TEST(ShardedCacheOptions, ValidEdgeOptionsAreAccepted) {
  ManualClock clock;
  EXPECT_NO_THROW((ShardedCache<std::uint64_t, int>(clock, {.shards = 1, .sample = 1})));
  EXPECT_NO_THROW((ShardedCache<std::uint64_t, int>(clock, {.shards = 1024, .max_entries = 1})));
  EXPECT_NO_THROW((ShardedCache<std::uint64_t, int>(clock, {.sample = std::numeric_limits<std::size_t>::max()})));
}

// --- Stats -------------------------------------------------------------------------------

TEST(ShardedCacheStats, AggregateTheShardMaps) {
  ManualClock clock;
  ShardedCache<std::uint64_t, std::uint64_t> cache(clock);
  for (std::uint64_t k = 0; k < 100'000; ++k) {
    cache.put(k, k, kNoExpiry);
  }
  const CacheStats s = cache.stats();
  EXPECT_EQ(s.shards, 16u);
  EXPECT_EQ(s.entries, 100'000u);
  EXPECT_GE(s.buckets, 100'000u / 7) << "no shard is loaded above 6.5 per bucket";
  EXPECT_DOUBLE_EQ(s.load_factor, 100'000.0 / static_cast<double>(s.buckets));
  EXPECT_GT(s.bytes, s.buckets * 8 * 2 * sizeof(std::uint64_t)) << "bytes include every bucket's slots";
  EXPECT_GT(s.max_moved_per_op, 0u) << "the shards grew";
  EXPECT_LE(s.max_moved_per_op, 16u);
  EXPECT_LE(s.growing_shards, 16u);
  cache.maintain(1u << 20);
  EXPECT_EQ(cache.stats().growing_shards, 0u);
  EXPECT_EQ(cache.stats().evacuated_buckets, 0u) << "counted only for growths in progress";
}

}  // namespace
}  // namespace hpad::cache
