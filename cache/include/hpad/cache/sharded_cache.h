// ShardedCache: hpad's working-state cache (Prometheus query results, per-policy state): a
// key → value map with a TTL per entry and an optional exact bound on its size. Thread-safe:
// N shards, each an IncrementalMap behind its own mutex; no call holds two shard locks.
//
// ---------------------------------------------------------------------------------------
// Shards. A key's shard is the top log2(N) bits of mix64(HashFn(key)). The shard's map
// takes the bucket from the low bits of the same HashFn(key) and the tophash from its top 8
// bits, so neither end can pick the shard: top bits would make every key of a shard share
// part of its tophash (a weaker one-byte filter, more key compares), low bits would make
// every key of a shard share its low bucket bits (only 1/N of each map's buckets used).
// mix64 of the hash is a second, different mix whose every bit depends on every hash bit,
// so the shard is not visibly correlated with either.
//
// Time. The cache never reads a clock of its own: each call reads the injected Clock once,
// before taking a lock. An entry put at time t with ttl > 0 expires at t + ttl and is
// expired from then on: it is live while now < expires_at, expired once now >= expires_at.
// ttl <= 0 means it never expires; a t + ttl beyond int64 nanoseconds saturates to never.
//
// Expired entries. get() and erase() treat an expired entry as absent, and remove it when
// they find it. Until something removes it, an expired entry still takes room: size() and
// stats().entries count it. They are removed a little at a time by the reclaim step: every
// put() does one on its shard, maintain() one on every shard. A step walks the shard's own
// persistent scan cursor over whole logical buckets until it has examined `sample`
// entries, visited 4 · `sample` buckets (a bound on empty ones, as Redis' active expiry has)
// or made one full pass, and erases the expired entries it saw (keys are collected during
// the scan and erased after it, since a scan callback must not change the map). The cursor
// is Redis-style and survives growth, so every entry is examined within a bounded number of
// steps and a stale one cannot hide from the reclaimer for ever.
//
// The bound (CacheOptions::max_entries > 0) is exact: shard i has a quota of
// max/N + (i < max % N ? 1 : 0), so the quotas sum to max_entries, and when max_entries < N
// the cache uses the largest power of two ≤ max_entries shards so that every quota is ≥ 1.
// No shard ever holds more than its quota, so the total never exceeds max_entries, not even
// as an unsynchronised sum of shard sizes. Eviction rule: a put() of a key that its shard
// does not hold, while the shard is at its quota, first does the reclaim step every put()
// does; if the shard is still at quota, it walks the next `sample` entries on the shard's
// scan cursor (whole buckets, as above, up to one full pass) and removes the one that
// expires soonest. Never-expiring entries count as expiring last; on a tie the first one
// seen goes. The victim is counted as expired if it already was, else as evicted. A put()
// that overwrites a key already held (live or expired) needs no room and evicts nothing.
//
// Invariants (checked by verify()): every shard's map satisfies its own invariants, holds
// at most its quota, and holds only keys whose shard it is. When no call is in flight,
// stats() satisfies inserts == entries + erases + expired + evicted.
//
// Requirements: K and V copyable (get() copies the value out; the reclaimer copies the keys
// it erases) and nothrow-movable (IncrementalMap moves entries during growth). HashFn must
// be callable on a const object from several threads at once. The Clock must outlive the
// cache.
// ---------------------------------------------------------------------------------------
#pragma once

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "hpad/cache/clock.h"
#include "hpad/cache/hash.h"
#include "hpad/cache/incremental_map.h"

namespace hpad::cache {

struct CacheOptions {
  std::size_t shards = 16;      // a power of two ≥ 1; fewer are used when max_entries < shards
  std::size_t max_entries = 0;  // 0 = unbounded
  std::size_t sample = 16;      // entries examined per eviction / reclaim step, ≥ 1
};

// A sum over the shards, each read under its own lock: not one atomic snapshot while other
// threads are calling in.
struct CacheStats {
  std::size_t shards = 0;
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;   // includes reads that found an expired entry
  std::uint64_t expired = 0;  // expired entries removed: by reclaim, get, erase or as victims
  std::uint64_t evicted = 0;  // live entries removed to keep a shard within its quota
  std::uint64_t inserts = 0;  // puts of a key that the shard did not hold
  std::uint64_t erases = 0;   // erase() calls that removed a live entry
  std::size_t entries = 0;    // entries held, expired-but-not-reclaimed included
  // The shards' maps, added up (MapStats of each).
  std::size_t buckets = 0;
  std::size_t overflow_buckets = 0;
  std::size_t growing_shards = 0;     // shards whose map has a growth in progress
  std::size_t evacuated_buckets = 0;  // old buckets already moved, in growing shards
  std::size_t bytes = 0;              // bucket arrays and overflow buckets (not the heap
                                      // memory that keys and values own)
  double load_factor = 0;             // entries / buckets
  std::size_t max_moved_per_op = 0;   // the most any one shard's insert or erase moved
};

template <class K, class V, class HashFn = Hash<K>>
class ShardedCache {
  static_assert(std::is_copy_constructible_v<K>, "the reclaimer copies keys of expired entries");
  static_assert(std::is_copy_constructible_v<V>, "get() returns a copy of the value");

 public:
  using key_type = K;
  using mapped_type = V;

  // Throws std::invalid_argument if options.shards is not a power of two ≥ 1 or
  // options.sample is 0.
  explicit ShardedCache(const Clock& clock, CacheOptions options = {})
      : clock_(&clock),
        sample_(options.sample),
        reclaim_bucket_limit_(saturating_product(options.sample, kBucketsPerSample)),
        shard_count_(validated_shard_count(options)),
        shard_bits_(static_cast<unsigned>(std::countr_zero(shard_count_))),
        shards_(std::make_unique<Shard[]>(shard_count_)) {
    for (std::size_t i = 0; i < shard_count_; ++i) {
      if (options.max_entries == 0) {
        shards_[i].quota = kUnbounded;
      } else {
        const std::size_t base = options.max_entries / shard_count_;
        const std::size_t remainder = options.max_entries % shard_count_;
        shards_[i].quota = base + (i < remainder ? std::size_t{1} : std::size_t{0});
      }
    }
  }

  ShardedCache(const ShardedCache&) = delete;
  ShardedCache& operator=(const ShardedCache&) = delete;

  // Stores key → value, expiring ttl from now (ttl <= 0: never). Overwrites a held key in
  // place; a new key at a full shard evicts one entry first (see the header).
  void put(const K& key, V value, std::chrono::nanoseconds ttl) {
    const std::int64_t now = clock_->now().count();
    const std::int64_t expires_at = expiry_for(now, ttl);
    Shard& shard = shard_for(key);
    std::lock_guard lock(shard.mutex);
    reclaim_step(shard, now);
    if (shard.map.size() >= shard.quota && shard.map.find(key) == nullptr) {
      evict_one(shard, now);
    }
    auto [entry, inserted] = shard.map.try_emplace(key, std::move(value), expires_at);
    if (inserted) {
      ++shard.inserts;
    } else {
      // try_emplace leaves `value` alone when the key is held.
      entry->value = std::move(value);
      entry->expires_at = expires_at;
    }
  }

  // A copy of the value if the key is held and live. An expired entry is removed and
  // counted as expired, and the read as a miss.
  std::optional<V> get(const K& key) {
    const std::int64_t now = clock_->now().count();
    Shard& shard = shard_for(key);
    std::lock_guard lock(shard.mutex);
    Entry* entry = shard.map.find(key);
    if (entry == nullptr) {
      ++shard.misses;
      return std::nullopt;
    }
    if (is_expired(entry->expires_at, now)) {
      shard.map.erase(key);
      ++shard.expired;
      ++shard.misses;
      return std::nullopt;
    }
    std::optional<V> value(std::in_place, entry->value);  // copy before counting: may throw
    ++shard.hits;
    return value;
  }

  // Removes the key. Returns whether a live entry was removed; an expired one is removed as
  // well, but counted as expired and reported as false, as get() would have seen nothing.
  bool erase(const K& key) {
    const std::int64_t now = clock_->now().count();
    Shard& shard = shard_for(key);
    std::lock_guard lock(shard.mutex);
    const Entry* entry = shard.map.find(key);
    if (entry == nullptr) {
      return false;
    }
    const bool live = !is_expired(entry->expires_at, now);
    shard.map.erase(key);
    ++(live ? shard.erases : shard.expired);
    return live;
  }

  // Entries held, expired-but-not-reclaimed ones included. Shards are counted one after
  // another, so under concurrent writes this is not one snapshot (but never above the bound).
  std::size_t size() const {
    std::size_t total = 0;
    for (std::size_t i = 0; i < shard_count_; ++i) {
      std::lock_guard lock(shards_[i].mutex);
      total += shards_[i].map.size();
    }
    return total;
  }

  // Background upkeep, for the daemon to call between syncs: on every shard, moves up to
  // `units` buckets of a growth in progress (so that a read-mostly shard does not stay
  // half-migrated) and does one reclaim step. Returns the expired entries it removed.
  std::size_t maintain(std::size_t units) {
    const std::int64_t now = clock_->now().count();
    std::size_t reclaimed = 0;
    for (std::size_t i = 0; i < shard_count_; ++i) {
      Shard& shard = shards_[i];
      std::lock_guard lock(shard.mutex);
      shard.map.migrate(units);
      reclaimed += reclaim_step(shard, now);
    }
    return reclaimed;
  }

  CacheStats stats() const {
    CacheStats total;
    total.shards = shard_count_;
    for (std::size_t i = 0; i < shard_count_; ++i) {
      const Shard& shard = shards_[i];
      std::lock_guard lock(shard.mutex);
      total.hits += shard.hits;
      total.misses += shard.misses;
      total.expired += shard.expired;
      total.evicted += shard.evicted;
      total.inserts += shard.inserts;
      total.erases += shard.erases;
      const MapStats map = shard.map.stats();
      total.entries += map.size;
      total.buckets += map.buckets;
      total.overflow_buckets += map.overflow_buckets;
      total.growing_shards += map.growing != GrowthKind::kNone ? std::size_t{1} : std::size_t{0};
      total.evacuated_buckets += map.evacuated_buckets;
      total.bytes += map.bytes;
      total.max_moved_per_op = std::max(total.max_moved_per_op, map.max_moved_per_op);
    }
    total.load_factor =
        total.buckets == 0 ? 0.0 : static_cast<double>(total.entries) / static_cast<double>(total.buckets);
    return total;
  }

  // Checks the invariants in the header comment; returns "" or what is wrong. O(n), locks
  // each shard in turn: for tests and debugging.
  std::string verify() const {
    for (std::size_t i = 0; i < shard_count_; ++i) {
      const Shard& shard = shards_[i];
      std::lock_guard lock(shard.mutex);
      const std::string where = "shard " + std::to_string(i) + ": ";
      if (std::string map_error = shard.map.verify(); !map_error.empty()) {
        return where + map_error;
      }
      if (shard.map.size() > shard.quota) {
        return where + "holds " + std::to_string(shard.map.size()) + " entries, above its quota of " +
               std::to_string(shard.quota);
      }
      std::size_t misplaced = 0;
      shard.map.for_each(
          [&](const K& key, const Entry&) { misplaced += shard_index(key) != i ? std::size_t{1} : std::size_t{0}; });
      if (misplaced != 0) {
        return where + std::to_string(misplaced) + " keys belong to another shard";
      }
    }
    return "";
  }

  // The shards in use: CacheOptions::shards, or fewer when max_entries is smaller.
  std::size_t shard_count() const { return shard_count_; }

  // Shard i's share of max_entries; 0 when the cache is unbounded.
  std::size_t shard_quota(std::size_t i) const { return shards_[i].quota == kUnbounded ? 0 : shards_[i].quota; }

 private:
  static constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
  static constexpr std::size_t kUnbounded = std::numeric_limits<std::size_t>::max();
  // A reclaim step visits at most this many buckets per sampled entry, so that a table left
  // sparse by mass expiry does not make one put() walk thousands of empty buckets.
  static constexpr std::size_t kBucketsPerSample = 4;

  struct Entry {
    Entry(V&& v, std::int64_t expiry) : value(std::move(v)), expires_at(expiry) {}
    V value;
    std::int64_t expires_at;  // clock nanoseconds; kNever for no expiry
  };
  using Map = IncrementalMap<K, Entry, HashFn>;

  // Cache-line aligned so that two threads working on neighbouring shards do not contend
  // for one line (the mutex and counters are written on every call).
  struct alignas(64) Shard {
    mutable std::mutex mutex;
    Map map;
    std::uint64_t cursor = 0;  // the reclaimer's and evictor's persistent scan cursor
    std::size_t quota = kUnbounded;
    std::vector<K> doomed;  // scratch for the reclaim step, kept to reuse its capacity
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;
    std::uint64_t expired = 0;
    std::uint64_t evicted = 0;
    std::uint64_t inserts = 0;
    std::uint64_t erases = 0;
  };

  static std::size_t validated_shard_count(const CacheOptions& options) {
    if (!std::has_single_bit(options.shards)) {
      throw std::invalid_argument("CacheOptions::shards must be a power of two >= 1, got " +
                                  std::to_string(options.shards));
    }
    if (options.sample == 0) {
      throw std::invalid_argument("CacheOptions::sample must be >= 1 (entries examined per step), got 0");
    }
    if (options.max_entries > 0 && options.max_entries < options.shards) {
      // Every shard needs a quota of at least one entry, or a put to it could never succeed.
      return std::bit_floor(options.max_entries);
    }
    return options.shards;
  }

  static std::size_t saturating_product(std::size_t a, std::size_t b) {
    return b != 0 && a > kUnbounded / b ? kUnbounded : a * b;
  }

  static std::int64_t expiry_for(std::int64_t now, std::chrono::nanoseconds ttl) {
    const std::int64_t ttl_ns = ttl.count();
    if (ttl_ns <= 0) {
      return kNever;
    }
    if (now > 0 && ttl_ns > kNever - now) {
      return kNever;  // saturate instead of overflowing: 292 years is never enough
    }
    return now + ttl_ns;
  }

  static bool is_expired(std::int64_t expires_at, std::int64_t now) {
    return expires_at != kNever && now >= expires_at;
  }

  std::size_t shard_index(const K& key) const {
    if (shard_bits_ == 0) {
      return 0;  // a shift by 64 would be undefined
    }
    return static_cast<std::size_t>(mix64(hash_(key)) >> (64U - shard_bits_));
  }
  Shard& shard_for(const K& key) { return shards_[shard_index(key)]; }

  // Moves the shard's cursor over whole logical buckets, calling fn(key, entry) for each
  // entry, until `sample_` entries were seen, `max_buckets` buckets visited or one full pass
  // made. fn must not change the map. The caller holds the shard lock.
  template <class F>
  void walk(Shard& shard, std::size_t max_buckets, F&& fn) {
    const MapStats table = shard.map.stats();
    // The scan visits one logical bucket per step: while growing, one old bucket together
    // with the new buckets it splits into, so a pass has as many steps as old buckets.
    const std::size_t pass = table.growing != GrowthKind::kNone ? table.old_buckets : table.buckets;
    const std::size_t limit = std::min(pass, max_buckets);
    std::size_t seen = 0;
    for (std::size_t visited = 0; visited < limit && seen < sample_; ++visited) {
      shard.cursor = shard.map.scan(shard.cursor, [&](const K& key, Entry& entry) {
        ++seen;
        fn(key, std::as_const(entry));
      });
    }
  }

  // The reclaim step (see the header). Returns the entries it removed.
  std::size_t reclaim_step(Shard& shard, std::int64_t now) {
    shard.doomed.clear();
    walk(shard, reclaim_bucket_limit_, [&](const K& key, const Entry& entry) {
      if (is_expired(entry.expires_at, now)) {
        shard.doomed.push_back(key);
      }
    });
    std::size_t reclaimed = 0;
    for (const K& key : shard.doomed) {
      reclaimed += shard.map.erase(key) ? std::size_t{1} : std::size_t{0};  // what went, not what was meant to
    }
    shard.expired += reclaimed;
    shard.doomed.clear();
    return reclaimed;
  }

  // Removes the soonest-expiring of the next `sample_` entries on the cursor (see the
  // header). The shard holds at least one entry, and a walk may make a full pass, so there
  // is always a victim.
  void evict_one(Shard& shard, std::int64_t now) {
    const K* victim = nullptr;
    std::int64_t victim_expires_at = kNever;
    walk(shard, kUnbounded, [&](const K& key, const Entry& entry) {
      // Strictly sooner: ties go to the first seen, and a never-expiring entry (kNever) is
      // taken only when nothing seen so far expires.
      if (victim == nullptr || entry.expires_at < victim_expires_at) {
        victim = &key;
        victim_expires_at = entry.expires_at;
      }
    });
    if (victim == nullptr) {
      return;  // unreachable: the shard is at its quota, which is at least 1
    }
    // erase() compares keys before it moves anything, so the key inside the map will do.
    if (shard.map.erase(*victim)) {
      ++(is_expired(victim_expires_at, now) ? shard.expired : shard.evicted);
    }
  }

  const Clock* clock_;
  [[no_unique_address]] HashFn hash_;
  std::size_t sample_;
  std::size_t reclaim_bucket_limit_;
  std::size_t shard_count_;
  unsigned shard_bits_;
  std::unique_ptr<Shard[]> shards_;
};

}  // namespace hpad::cache
