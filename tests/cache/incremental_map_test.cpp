// IncrementalMap against std::unordered_map as the oracle, over millions of random
// operations with growth forced at many points, plus the guarantees the header promises:
// the per-operation work bound, iteration and scan during growth, same-size growth,
// migrate(), object lifetimes and release of the old array in slices.
#include "hpad/cache/incremental_map.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <ostream>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "hpad/cache/counting_memory.h"

namespace hpad::cache {
namespace {

// Every key collides: one chain holds the whole table.
struct CollidingHash {
  std::uint64_t operator()(std::uint64_t) const { return 0x5bd1e9955bd1e995ULL; }
};
// Bucket = low bits of the key, tophash = its top byte: a test can choose where keys go.
struct IdentityHash {
  std::uint64_t operator()(std::uint64_t key) const { return key; }
};
// 97 distinct hashes: long chains spread over a few buckets, and the tophash repeats.
struct CoarseHash {
  std::uint64_t operator()(std::uint64_t key) const { return mix64(key % 97); }
};

std::string string_key(std::uint64_t k) {
  return "policy/default/web-" + std::to_string(k);
}

template <class Key>
Key make_key(std::uint64_t k) {
  if constexpr (std::is_same_v<Key, std::string>) {
    return string_key(k);
  } else {
    return k;
  }
}

struct Workload {
  const char* name;
  int hash_kind;            // 0 good (default), 1 coarse, 2 colliding, 3 string keys
  std::size_t ops;          // operations in all three phases together
  std::uint64_t key_range;  // keys are drawn from [0, key_range)
  std::size_t verify_every;
};

// Names the case in ctest's list (gtest would print the struct's bytes).
void PrintTo(const Workload& w, std::ostream* os) {
  *os << w.name;
}

// Phase 1 grows the table, phase 2 erases most of it (overflow buckets stay behind), phase 3
// churns: growth of both kinds happens at many different points.
struct Mix {
  int insert, erase;  // percent; the rest are finds
};
constexpr Mix kPhases[3] = {{70, 10}, {15, 65}, {45, 40}};

template <class Map, class Key>
void check_iteration_matches(Map& map, const std::unordered_map<Key, std::uint64_t>& oracle) {
  std::map<Key, int> seen;
  typename Map::Iterator it(map);
  while (it.next()) {
    ++seen[it.key()];
    auto found = oracle.find(it.key());
    ASSERT_NE(found, oracle.end()) << "iteration returned a key that is not in the map";
    ASSERT_EQ(it.value(), found->second);
  }
  ASSERT_EQ(seen.size(), oracle.size());
  for (const auto& [key, count] : seen) {
    ASSERT_EQ(count, 1) << "a key was returned more than once";
  }
}

template <class Map, class Key>
void run_differential(const Workload& w) {
  std::mt19937_64 rng(0xC0FFEE ^ w.ops ^ w.key_range);
  Map map;
  std::unordered_map<Key, std::uint64_t> oracle;
  std::size_t op = 0;
  for (const Mix& mix : kPhases) {
    for (std::size_t n = 0; n < w.ops / 3; ++n, ++op) {
      const Key key = make_key<Key>(rng() % w.key_range);
      const int dice = static_cast<int>(rng() % 100);
      if (dice < mix.insert) {
        const std::uint64_t value = rng();
        const bool inserted = map.insert_or_assign(key, value);
        const bool oracle_inserted = oracle.insert_or_assign(key, value).second;
        ASSERT_EQ(inserted, oracle_inserted) << "op " << op;
      } else if (dice < mix.insert + mix.erase) {
        ASSERT_EQ(map.erase(key), oracle.erase(key) == 1) << "op " << op;
      } else {
        const std::uint64_t* got = map.find(key);
        auto want = oracle.find(key);
        ASSERT_EQ(got != nullptr, want != oracle.end()) << "op " << op;
        if (got != nullptr) {
          ASSERT_EQ(*got, want->second);
        }
      }
      ASSERT_EQ(map.size(), oracle.size());
      if (op % w.verify_every == 0) {
        ASSERT_EQ(map.verify(), "") << "op " << op;
        check_iteration_matches(map, oracle);
      }
    }
  }
  ASSERT_EQ(map.verify(), "");
  check_iteration_matches(map, oracle);
  for (const auto& [key, value] : oracle) {
    ASSERT_NE(map.find(key), nullptr);
    ASSERT_EQ(*map.find(key), value);
  }
  const MapStats stats = map.stats();
  EXPECT_GT(stats.doublings, 2u) << "the workload should have grown the table several times";
  EXPECT_LE(stats.max_moved_per_op, (Map::kMaxMovedPerOp));
}

class Differential : public ::testing::TestWithParam<Workload> {};

TEST_P(Differential, MatchesUnorderedMapThroughGrowth) {
  const Workload& w = GetParam();
  switch (w.hash_kind) {
    case 0:
      run_differential<IncrementalMap<std::uint64_t, std::uint64_t>, std::uint64_t>(w);
      break;
    case 1:
      run_differential<IncrementalMap<std::uint64_t, std::uint64_t, CoarseHash>, std::uint64_t>(w);
      break;
    case 2:
      run_differential<IncrementalMap<std::uint64_t, std::uint64_t, CollidingHash>, std::uint64_t>(w);
      break;
    default:
      run_differential<IncrementalMap<std::string, std::uint64_t>, std::string>(w);
      break;
  }
}

INSTANTIATE_TEST_SUITE_P(Workloads, Differential,
                         ::testing::Values(
                             // name                    hash ops        keys     verify every
                             Workload{"SmallKeySpace", 0, 600'000, 3'000, 20'000},
                             Workload{"LargeKeySpace", 0, 2'400'000, 400'000, 400'000},
                             Workload{"CoarseHashChains", 1, 300'000, 20'000, 30'000},
                             Workload{"EveryKeyCollides", 2, 60'000, 800, 6'000},
                             Workload{"StringKeys", 3, 600'000, 60'000, 100'000}),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

// --- The work bound --------------------------------------------------------------------

TEST(IncrementalMapWorkBound, NoInsertOrEraseMovesMoreThanSixteenEntries) {
  // A colliding hash puts the whole table in one chain: Go would move it all in one
  // evacuation; we move one bucket of it per unit.
  IncrementalMap<std::uint64_t, std::uint64_t, CollidingHash> colliding;
  for (std::uint64_t k = 0; k < 3'000; ++k) {
    colliding.insert_or_assign(k, k);
    if (k % 3 == 0) {
      colliding.erase(k / 2);  // erases evacuate too
    }
  }
  IncrementalMap<std::uint64_t, std::uint64_t> good;
  for (std::uint64_t k = 0; k < 1'000'000; ++k) {
    good.insert_or_assign(k, k);
  }
  for (const MapStats& s : {colliding.stats(), good.stats()}) {
    EXPECT_GE(s.doublings, 8u);
    EXPECT_EQ(s.max_moved_per_op, 16u) << "the bound is reached and never exceeded";
  }
}

TEST(IncrementalMapWorkBound, GrowthFinishesWithinTwiceTheOldBucketCount) {
  IncrementalMap<std::uint64_t, std::uint64_t> map;
  std::size_t growths_seen = 0;
  std::size_t ops_in_growth = 0;
  std::size_t old_buckets = 0;
  for (std::uint64_t k = 0; k < 300'000; ++k) {
    map.insert_or_assign(k, k);
    const MapStats s = map.stats();
    if (s.growing != GrowthKind::kNone) {
      if (ops_in_growth == 0) {
        ++growths_seen;
        old_buckets = s.old_buckets;
      }
      ++ops_in_growth;
      // Fails if some insert path stopped doing its evacuation units.
      ASSERT_LE(ops_in_growth, 2 * old_buckets);
    } else {
      ops_in_growth = 0;
    }
  }
  EXPECT_GE(growths_seen, 10u);
}

// --- Iteration and scan during growth ----------------------------------------------------

TEST(IncrementalMapIteration, StableKeysComeBackExactlyOnceWhileTheMapGrowsAndShrinks) {
  IncrementalMap<std::uint64_t, std::uint64_t> map;
  constexpr std::uint64_t kStable = 5'000;
  for (std::uint64_t k = 0; k < kStable; ++k) {
    map.insert_or_assign(k, k * 3);
  }
  std::mt19937_64 rng(7);
  std::set<std::uint64_t> volatile_keys;
  std::map<std::uint64_t, int> seen;
  std::uint64_t next_key = 1'000'000;
  IncrementalMap<std::uint64_t, std::uint64_t>::Iterator it(map);
  std::size_t growths_during = map.stats().doublings + map.stats().same_size_growths;
  while (it.next()) {
    ++seen[it.key()];
    ASSERT_NE(map.find(it.key()), nullptr) << "returned a key that is not in the map";
    // Between steps: insert 20 new keys (forcing growths) and erase a few volatile ones.
    for (int i = 0; i < 20 && next_key < 1'000'000 + 60'000; ++i) {
      map.insert_or_assign(next_key, std::uint64_t{0});
      volatile_keys.insert(next_key++);
    }
    for (int i = 0; i < 5 && !volatile_keys.empty(); ++i) {
      auto victim = volatile_keys.begin();
      std::advance(victim, static_cast<long>(rng() % volatile_keys.size()));
      map.erase(*victim);
      volatile_keys.erase(victim);
    }
  }
  growths_during = map.stats().doublings + map.stats().same_size_growths - growths_during;
  EXPECT_GE(growths_during, 3u) << "the iteration must span several growths to mean anything";
  for (std::uint64_t k = 0; k < kStable; ++k) {
    ASSERT_EQ(seen[k], 1) << "stable key " << k;
  }
  for (const auto& [key, count] : seen) {
    ASSERT_EQ(count, 1) << "key " << key << " returned twice";
  }
  EXPECT_EQ(map.verify(), "");
}

TEST(IncrementalMapIteration, ScanCursorVisitsStableKeysExactlyOnceAcrossGrowths) {
  IncrementalMap<std::string, int> map;
  for (int k = 0; k < 2'000; ++k) {
    map.insert_or_assign(string_key(static_cast<std::uint64_t>(k)), k);
  }
  std::map<std::string, int> seen;
  std::uint64_t cursor = 0;
  std::uint64_t extra = 0;
  do {
    cursor = map.scan(cursor, [&](const std::string& key, int&) { ++seen[key]; });
    for (int i = 0; i < 40 && extra < 30'000; ++i) {
      map.insert_or_assign("extra-" + std::to_string(extra++), -1);
    }
  } while (cursor != 0);
  EXPECT_GE(map.stats().doublings, 4u);
  for (int k = 0; k < 2'000; ++k) {
    ASSERT_EQ(seen[string_key(static_cast<std::uint64_t>(k))], 1);
  }
  for (const auto& [key, count] : seen) {
    ASSERT_EQ(count, 1) << key;
  }
}

TEST(IncrementalMapIteration, ForEachDuringAGrowthSeesEveryEntryOnce) {
  IncrementalMap<std::uint64_t, std::uint64_t> map;
  std::uint64_t k = 0;
  while (!map.growing() || map.stats().evacuated_buckets < map.stats().old_buckets / 3) {
    map.insert_or_assign(k, k);
    ++k;
    ASSERT_LT(k, 1'000'000u);
  }
  ASSERT_TRUE(map.growing()) << "the test needs a growth in progress";
  std::vector<int> seen(k, 0);
  map.for_each([&](const std::uint64_t& key, std::uint64_t& value) {
    ASSERT_EQ(key, value);
    ++seen[key];
  });
  for (std::uint64_t i = 0; i < k; ++i) {
    ASSERT_EQ(seen[i], 1) << i;
  }
}

// --- Same-size growth --------------------------------------------------------------------

TEST(IncrementalMapGrowth, OverflowLeftByDeletesTriggersSameSizeGrowthThatCompacts) {
  // The identity hash puts key k in bucket k mod 2^B. 250 keys make B = 6 (64 buckets, about
  // 4 per bucket). Then, bucket by bucket, 8 more keys overflow it and are erased again:
  // the count stays at 250, but every bucket is left with an empty overflow bucket, and
  // once there are as many overflow buckets as buckets the next insert compacts the table.
  IncrementalMap<std::uint64_t, std::uint64_t, IdentityHash> map;
  for (std::uint64_t k = 0; k < 250; ++k) {
    map.insert_or_assign(k, k);
  }
  map.migrate(1'000);  // finish the growth to 64 buckets
  ASSERT_EQ(map.stats().buckets, 64u);
  ASSERT_EQ(map.stats().overflow_buckets, 0u);
  for (std::uint64_t bucket = 0; bucket < 63; ++bucket) {
    for (std::uint64_t j = 0; j < 8; ++j) {
      map.insert_or_assign(bucket + 64 * (1'000 + j), j);
    }
    for (std::uint64_t j = 0; j < 8; ++j) {
      ASSERT_TRUE(map.erase(bucket + 64 * (1'000 + j)));
    }
  }
  EXPECT_EQ(map.stats().overflow_buckets, 63u) << "one empty overflow bucket per bucket";
  // Bucket 63 holds 3 keys: the 6th extra key needs its overflow bucket, the 64th.
  for (std::uint64_t j = 0; j < 6; ++j) {
    map.insert_or_assign(63 + 64 * (1'000 + j), j);
  }
  EXPECT_EQ(map.stats().overflow_buckets, 64u);
  EXPECT_EQ(map.stats().same_size_growths, 0u) << "the check runs before an insert, as Go's";
  map.insert_or_assign(std::uint64_t{5'000}, std::uint64_t{0});
  EXPECT_EQ(map.stats().same_size_growths, 1u);
  EXPECT_EQ(map.stats().doublings, 6u) << "load 3.9 is below 4.5: same size, not doubling";
  EXPECT_EQ(map.verify(), "");
  map.migrate(1'000);
  ASSERT_FALSE(map.growing());
  EXPECT_EQ(map.stats().buckets, 64u);
  // Only bucket 63 still needs one: it holds 3 + 6 keys. The 63 empty ones are gone.
  EXPECT_EQ(map.stats().overflow_buckets, 1u) << "the rewrite packs every chain";
  EXPECT_EQ(map.verify(), "");
  for (std::uint64_t k = 0; k < 250; ++k) {
    ASSERT_NE(map.find(k), nullptr);
  }
}

// --- Regressions found in review ---------------------------------------------------------

TEST(IncrementalMapRegression, InsertThatEndsAGrowthWithoutMovingAnythingPlacesInTheNewTable) {
  // B = 3 and old buckets 6 and 7 left empty: evacuating them moves nothing, and the insert
  // whose units end the growth must not reuse a placement in the old array it released.
  IncrementalMap<std::uint64_t, std::uint64_t, IdentityHash> map(52);
  for (std::uint64_t k = 0, n = 0; n < 53; ++k) {
    if ((k & 7) < 6) {
      map.insert_or_assign(k, k);
      ++n;
    }
  }
  ASSERT_TRUE(map.growing());
  while (map.stats().evacuated_buckets < 6) {
    map.migrate(1);
  }
  EXPECT_TRUE(map.insert_or_assign(std::uint64_t{7}, std::uint64_t{77}));  // old bucket 7 > cursor 6
  EXPECT_FALSE(map.growing());
  ASSERT_NE(map.find(std::uint64_t{7}), nullptr);
  EXPECT_EQ(*map.find(std::uint64_t{7}), 77u);
  EXPECT_EQ(map.verify(), "");
}

TEST(IncrementalMapRegression, EraseBehindTheEvacuationDestinationHidesNothing) {
  // Old bucket 7's chain (identity hash, B = 3): a primary of 8 X-bound keys (7 mod 16), then
  // overflow buckets of Y-bound keys (15 mod 16) with X-bound 135 early and 151 last. After
  // the primary and the first overflow bucket moved, erasing 135 and the last X key of the
  // primary's destination would mark kEmptyRest before dest_x_: 151, moved later, would be
  // past it, where no lookup looks.
  IncrementalMap<std::uint64_t, std::uint64_t, IdentityHash> map(52);
  for (std::uint64_t i = 0; i < 8; ++i) {
    map.insert_or_assign(7 + 16 * i, i);
  }
  map.insert_or_assign(std::uint64_t{135}, std::uint64_t{1});
  for (std::uint64_t j = 0; j < 39; ++j) {
    map.insert_or_assign(15 + 16 * j, j);
  }
  map.insert_or_assign(std::uint64_t{151}, std::uint64_t{2});
  for (std::uint64_t k = 0; k < 4; ++k) {
    map.insert_or_assign(k, k);  // the 53rd key starts the doubling
  }
  ASSERT_TRUE(map.growing());
  map.migrate(7);
  ASSERT_TRUE(map.erase(std::uint64_t{135}));
  ASSERT_TRUE(map.erase(std::uint64_t{119}));
  ASSERT_EQ(map.verify(), "");
  map.migrate(100);
  ASSERT_FALSE(map.growing());
  EXPECT_EQ(map.verify(), "");
  ASSERT_NE(map.find(std::uint64_t{151}), nullptr) << "moved after the erases, and must still be found";
  EXPECT_FALSE(map.insert_or_assign(std::uint64_t{151}, std::uint64_t{3})) << "no duplicate";
}

// Fails the Nth zeroed allocation, or the next overflow bucket, on request.
struct ThrowingMemory {
  static inline int zeroed_calls = 0;
  static inline int fail_zeroed_at = -1;
  static inline bool fail_next_overflow = false;
  static void* allocate_zeroed(std::size_t bytes) {
    if (zeroed_calls++ == fail_zeroed_at) {
      throw std::bad_alloc();
    }
    return SystemMemory::allocate_zeroed(bytes);
  }
  static void release_zeroed(void* p, std::size_t total, std::size_t from, std::size_t to) {
    SystemMemory::release_zeroed(p, total, from, to);
  }
  static void* allocate(std::size_t bytes, std::size_t align) {
    if (std::exchange(fail_next_overflow, false)) {
      throw std::bad_alloc();
    }
    return SystemMemory::allocate(bytes, align);
  }
  static void deallocate(void* p, std::size_t bytes, std::size_t align) { SystemMemory::deallocate(p, bytes, align); }
};

TEST(IncrementalMapRegression, FailedFirstAllocationLeavesAnEmptyUsableMap) {
  // String slots use the dense layout: two arrays; the second (the tophash array) fails.
  IncrementalMap<std::string, std::uint64_t, Hash<std::string>, std::equal_to<>, ThrowingMemory> map;
  ThrowingMemory::zeroed_calls = 0;
  ThrowingMemory::fail_zeroed_at = 1;
  EXPECT_THROW(map.try_emplace(std::string("a-key"), 1u), std::bad_alloc);
  ThrowingMemory::fail_zeroed_at = -1;
  EXPECT_EQ(map.verify(), "");
  EXPECT_TRUE(map.empty());
  EXPECT_TRUE(map.try_emplace(std::string("a-key"), 1u).second);
  EXPECT_EQ(map.size(), 1u);
}

TEST(IncrementalMapRegression, FailedOverflowAllocationDuringEvacuationDuplicatesNothing) {
  // Every key collides, so evacuating needs overflow buckets; make one fail part-way through
  // a unit, for every victim: the erase has happened, the table is valid, nothing doubled.
  for (std::uint64_t victim = 0; victim < 53; ++victim) {
    IncrementalMap<std::uint64_t, std::uint64_t, CollidingHash, std::equal_to<>, ThrowingMemory> map;
    std::uint64_t k = 0;
    while (!(map.growing() && map.stats().old_buckets == 8)) {
      map.insert_or_assign(k, k);
      ++k;
    }
    while (map.stats().evacuated_buckets < 5) {
      map.migrate(1);
    }
    map.migrate(2);
    const std::size_t before = map.size();
    ThrowingMemory::fail_next_overflow = true;
    try {
      map.erase(victim);
    } catch (const std::bad_alloc&) {
    }
    ThrowingMemory::fail_next_overflow = false;
    ASSERT_EQ(map.verify(), "") << "victim " << victim;
    ASSERT_EQ(map.size(), before - 1) << "victim " << victim;
    ASSERT_EQ(map.find(victim), nullptr);
    map.migrate(1'000);
    ASSERT_EQ(map.verify(), "") << "victim " << victim;
    for (std::uint64_t i = 0; i < k; ++i) {
      ASSERT_EQ(map.find(i) != nullptr, i != victim) << "victim " << victim << ", key " << i;
    }
  }
}

// --- migrate() ---------------------------------------------------------------------------

// A clock that moves one microsecond every time it is read.
class TickingClock final : public Clock {
 public:
  std::chrono::nanoseconds now() const override { return std::chrono::microseconds(++ticks_); }

 private:
  mutable std::int64_t ticks_ = 0;
};

TEST(IncrementalMapMigrate, FinishesAGrowthThatNoWriteWouldFinish) {
  IncrementalMap<std::uint64_t, std::uint64_t> map;
  std::uint64_t k = 0;
  while (!map.growing() || map.stats().old_buckets < 4096) {
    map.insert_or_assign(k, k);
    ++k;
  }
  const std::size_t old_buckets = map.stats().old_buckets;
  // The deadline is tick 1 + 3; the clock is read after each round of 64 units, at ticks
  // 2, 3 and 4: three rounds, and the growth is not done yet.
  const std::size_t before = map.stats().evacuated_buckets;
  TickingClock clock;
  EXPECT_TRUE(map.migrate_for(std::chrono::microseconds(3), clock));
  EXPECT_GT(map.stats().evacuated_buckets, before);
  EXPECT_LE(map.stats().evacuated_buckets, before + 3 * 64u);
  EXPECT_TRUE(map.migrate(old_buckets / 2));
  EXPECT_EQ(map.verify(), "");
  EXPECT_FALSE(map.migrate(old_buckets));
  EXPECT_EQ(map.stats().growing, GrowthKind::kNone);
  for (std::uint64_t i = 0; i < k; ++i) {
    ASSERT_NE(map.find(i), nullptr);
  }
}

// --- Object lifetimes --------------------------------------------------------------------

struct Tracked {
  static inline int live = 0;
  std::string payload;
  explicit Tracked(std::string p) : payload(std::move(p)) { ++live; }
  Tracked(Tracked&& o) noexcept : payload(std::move(o.payload)) { ++live; }
  Tracked(const Tracked& o) : payload(o.payload) { ++live; }
  Tracked& operator=(Tracked&&) noexcept = default;
  Tracked& operator=(const Tracked&) = default;
  ~Tracked() { --live; }
};

TEST(IncrementalMapLifetime, EveryConstructedEntryIsDestroyedExactlyOnce) {
  struct Case {
    const char* name;
    int inserts;
    int erase_every;
  };
  for (const Case& c : {Case{"mid-growth destruction", -1, 0}, Case{"after erases", 20'000, 3}, Case{"empty", 0, 0}}) {
    Tracked::live = 0;
    {
      IncrementalMap<std::string, Tracked> map;
      // inserts == -1: insert until a growth of at least 256 old buckets is half done.
      for (int i = 0; c.inserts < 0 ? !(map.growing() && map.stats().old_buckets >= 256 &&
                                        map.stats().evacuated_buckets >= map.stats().old_buckets / 2)
                                    : i < c.inserts;
           ++i) {
        map.try_emplace(string_key(static_cast<std::uint64_t>(i)), std::string(40, 'x'));
        if (c.erase_every != 0 && i % c.erase_every == 0) {
          map.erase(string_key(static_cast<std::uint64_t>(i / 2)));
        }
      }
      if (c.inserts < 0) {
        EXPECT_TRUE(map.growing()) << c.name << ": the case is destruction in the middle of a growth";
      }
      EXPECT_EQ(static_cast<std::size_t>(Tracked::live), map.size()) << c.name;
      IncrementalMap<std::string, Tracked> moved(std::move(map));
      EXPECT_EQ(static_cast<std::size_t>(Tracked::live), moved.size()) << c.name;
    }
    EXPECT_EQ(Tracked::live, 0) << c.name;
  }
}

// --- Memory ------------------------------------------------------------------------------

// Grows a map until a growth of an old array of several slices is under way, finishes it
// with inserts, and checks that the old array went back slice by slice, that stats().bytes
// accounts for every byte the table holds, and that nothing is left after destruction.
template <class Key>
void expect_released_in_slices_without_leaks() {
  using Map = IncrementalMap<Key, std::uint64_t, Hash<Key>, std::equal_to<>, CountingMemory>;
  const std::size_t base = CountingMemory::live_bytes.load();
  {
    Map map;
    std::uint64_t k = 0;
    while (!map.growing() || map.stats().old_buckets * Map::kBucketBytes < 4 * Map::kReleaseSliceBytes) {
      map.insert_or_assign(make_key<Key>(k), k);
      ++k;
    }
    const std::size_t releases_before = CountingMemory::release_calls.load();
    while (map.growing()) {
      map.insert_or_assign(make_key<Key>(k), k);
      ++k;
    }
    EXPECT_GE(CountingMemory::release_calls.load() - releases_before, 4u)
        << "one release per slice, not one at the end";
    EXPECT_EQ(map.verify(), "");
    EXPECT_EQ(CountingMemory::live_bytes.load() - base, map.stats().bytes);
    for (std::uint64_t i = 0; i < k; i += 97) {
      ASSERT_NE(map.find(make_key<Key>(i)), nullptr);
    }
  }
  EXPECT_EQ(CountingMemory::live_bytes.load(), base);
}

TEST(IncrementalMapMemory, InlineTophashLayoutReleasesTheOldArrayInSlicesAndNothingLeaks) {
  expect_released_in_slices_without_leaks<std::uint64_t>();  // 16-byte slots: tophash in the bucket
}

TEST(IncrementalMapMemory, DenseTophashLayoutReleasesBothArraysInSlicesAndNothingLeaks) {
  expect_released_in_slices_without_leaks<std::string>();  // 40-byte slots: tophash array apart
}

TEST(IncrementalMapMemory, PresizedMapDoesNotGrowUntilExceeded) {
  IncrementalMap<std::uint64_t, std::uint64_t> map(100'000);
  for (std::uint64_t k = 0; k < 100'000; ++k) {
    map.insert_or_assign(k, k);
  }
  EXPECT_EQ(map.stats().doublings, 0u);
  EXPECT_LE(map.stats().load_factor, 6.5);
}

TEST(IncrementalMapAliasing, EraseAndInsertAcceptAKeyStoredInTheMapItself) {
  // Keys longer than the small-string buffer: reading one after evacuation moved and
  // destroyed it would read freed heap, which ASan reports.
  IncrementalMap<std::string, int> map;
  int next = 0;
  int aliased_during_growth = 0;
  for (int round = 0; round < 3'000; ++round) {
    for (int i = 0; i < 3; ++i) {
      map.try_emplace("a-long-policy-key-number-" + std::to_string(next++), 0);
    }
    IncrementalMap<std::string, int>::Iterator it(map);
    ASSERT_TRUE(it.next());
    const std::string& stored = it.key();
    aliased_during_growth += map.growing() ? 1 : 0;
    const auto [value, inserted] = map.try_emplace(stored, 1);
    ASSERT_FALSE(inserted);
    ASSERT_EQ(*value, 0);
    ASSERT_TRUE(map.erase(stored)) << "round " << round;
  }
  EXPECT_GT(aliased_during_growth, 100) << "the calls must happen while entries are moving";
  EXPECT_EQ(map.size(), 6'000u);
  EXPECT_EQ(map.verify(), "");
}

TEST(IncrementalMapLookup, StringViewFindsStringKeysWithoutAllocating) {
  IncrementalMap<std::string, int> map;
  map.insert_or_assign(std::string("sum(rate(http_requests_total[1m]))"), 7);
  const std::string_view view = "sum(rate(http_requests_total[1m]))";
  ASSERT_NE(map.find(view), nullptr);
  EXPECT_EQ(*map.find(view), 7);
  EXPECT_TRUE(map.erase(view));
  EXPECT_TRUE(map.empty());
}

}  // namespace
}  // namespace hpad::cache
