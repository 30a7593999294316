// IncrementalMap: hpad's own hash table. It grows incrementally, so no insert or erase
// ever waits for a full rehash: each one moves at most kMaxMovedPerOp entries.
// Not thread-safe (ShardedCache adds the locking). Keys and values must be nothrow-movable.
//
// ---------------------------------------------------------------------------------------
// The design, in the manner of Go's runtime/map.go (before Go 1.24) and Redis' dict.c.
//
// Buckets. The table has 2^B buckets. A bucket holds 8 slots (key and value side by side)
// and 8 tophash bytes, one per slot. A key's 64-bit hash picks the bucket with its low B
// bits; its top 8 bits are the tophash, a one-byte filter compared for all 8 slots at once
// (SWAR) before any key is. A full bucket chains an overflow bucket, allocated on its own.
// Where the primary buckets' tophash bytes live depends on the slot size (kDenseTophash):
//   slots of up to 16 bytes: in the bucket, before its slots, as in Go. The bucket is
//     2.25 cache lines, so a hit mostly reads one or two lines;
//   larger slots: in a dense array of their own (8 bytes per bucket), as a Swiss table
//     keeps its control bytes apart. A bucket of 24-character strings is 5+ lines: a miss
//     or an insert then reads 8 bytes from an array 1/40 of the table's size instead of a
//     line of the bucket that the slot it wants is nowhere near.
// docs/cache.md has the measurements behind the split. Overflow buckets always carry their
// tophash beside their slots.
//
// Tophash values below kMinTopHash are slot states, and a real tophash below it is bumped
// up by kMinTopHash:
//   kEmptyRest (0)  this slot is empty and so is every later slot of the chain. Zero on
//                   purpose: freshly mapped, zeroed pages are already a valid empty table,
//                   so a new array is never initialised and costs nothing until touched.
//   kEmptyOne  (1)  this slot is empty; later slots may not be.
//   kEvacuated (2)  (primary bucket of the old table only) its entries have moved to the
//                   new table; the overflow chain behind it may still hold entries.
// Lookups stop at the first bucket holding a kEmptyRest byte.
//
// Growth. Two kinds, as in Go:
//   doubling   when an insert of a new key would take the load above 6.5 entries per
//              bucket (for B = 0: above 8);
//   same-size  when there are as many overflow buckets as buckets (Go's
//              tooManyOverflowBuckets, counted exactly here): a table that saw many deletes
//              has long, sparse chains, and rewriting them into the same number of buckets
//              compacts it. If the load is above 4.5 it doubles instead (see the bound).
// Growth allocates the new array and keeps the old one; the old one is then evacuated,
// bucket after bucket in index order, by every insert of a new key and every erase
// (kEvacuationUnitsPerOp units of work each) and by migrate(). Overwrites move nothing. One unit is one bucket of the
// chain at the evacuation cursor: the primary bucket first, then its overflow buckets one at a time, so even a chain of
// a million colliding keys is moved 8 entries per unit. Evacuation of old bucket i sends each entry to new bucket i (X)
// or, when doubling, i + 2^oldB (Y) by the hash bit that the extra B bit adds.
//
// Where a key lives during growth. With old bucket ob = hash & oldmask and the cursor c:
//   ob <  c   the key is in the new table (its old bucket is gone);
//   ob == c   the old chain's unevacuated rest, or the new table: lookups try both;
//   ob >  c   the key is in the old table, and inserts put new keys there too.
// This differs from Go, where an insert first evacuates the bucket it touches. Keeping
// not-yet-evacuated keys in the old table means the new array is written in two
// sequential fronts (X and Y) that follow the cursor, so its pages are touched (and become
// resident) only as fast as the old array's pages behind the cursor are unmapped: resident
// memory during a growth stays close to the steady state after it, instead of old + new.
// It is also why the old array can be released in slices as the cursor passes them.
//
// The bound. A growth starts only when none is in progress, and finishes within
// 2 · 2^oldB inserts and erases: each does 2 units; the units to do are 2^oldB primary
// buckets plus the old overflow buckets, at most 2^oldB when the growth starts, plus at
// most one added per insert during the growth (k ops must do 2^oldB + 2^oldB + k units, at
// 2 per op: k ≤ 2 · 2^oldB). Why at most 2^oldB at the start: between growths the trigger
// fires as soon as there are that many. During a growth overflow buckets are added to the
// new table unchecked, but each one exists because the bucket before it received 8
// entries during this growth, so a growth that ends with n entries leaves at most n / 8 of
// them: below 2^B at any load ≤ 6.5, so the next growth, too, starts below its trigger.
// Hence a doubling that starts at load 6.5 ends at load ≤ (6.5 + 2) / 2 = 4.25, and a
// same-size growth that starts at load ≤ 4.5 ends at ≤ 6.5: no growth is ever needed
// before the current one is done. verify() checks the bound.
//
// Work per operation. An insert or erase moves at most kMaxMovedPerOp = 16 entries
// (2 units of 8 slots), releases at most two slices' worth (kReleaseSliceBytes) of each old
// array (one as the cursor crosses a slice, the tail when the growth ends) and frees at
// most two overflow buckets. The new array is allocated lazily-zeroed (mmap),
// never touched in one go. Lookups move nothing. Lookups, inserts and erases walk one
// chain: O(1) with a good hash, O(chain) when keys collide. Stats record the most entries
// any insert or erase moved.
//
// Iteration. scan(cursor, fn) is Redis' reverse-binary cursor scan: each step visits one
// logical bucket (during a doubling, an old bucket's unevacuated rest together with its
// two new buckets), and the cursor advances by incrementing its bit-reversed value. Since
// this table only grows, a key present for the whole scan is visited exactly once, even
// when growths start and finish between steps. Iterator builds on it and allows the map
// to change between its steps. for_each() is a whole scan with no changes allowed.
//
// Invariants (checked by verify()):
//   - growing() iff old_buckets_ != nullptr; 0 ≤ evacuated_ < 2^oldB while growing;
//   - old buckets below the cursor are evacuated and may be unmapped: never read them;
//   - the new buckets of an old bucket above the cursor are all-zero (empty, no overflow);
//   - kEvacuated appears only in the cursor's primary bucket, and only once started;
//   - once a slot is kEmptyRest, every later slot of its chain is kEmptyRest;
//   - every entry sits in the chain its hash selects, with its tophash.
// ---------------------------------------------------------------------------------------
#pragma once

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <new>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "hpad/cache/clock.h"
#include "hpad/cache/hash.h"
#include "hpad/cache/memory.h"

namespace hpad::cache {

enum class GrowthKind : std::uint8_t { kNone, kDoubling, kSameSize };

inline const char* to_string(GrowthKind kind) {
  switch (kind) {
    case GrowthKind::kNone:
      return "none";
    case GrowthKind::kDoubling:
      return "doubling";
    case GrowthKind::kSameSize:
      return "same-size";
  }
  return "unknown";
}

struct MapStats {
  std::size_t size = 0;
  unsigned log2_buckets = 0;         // B
  std::size_t buckets = 0;           // 2^B (the new table's, while growing)
  std::size_t overflow_buckets = 0;  // in both tables
  double load_factor = 0;            // entries per bucket (growth doubles above 6.5)
  GrowthKind growing = GrowthKind::kNone;
  std::size_t old_buckets = 0;        // 2^oldB while growing, else 0
  std::size_t evacuated_buckets = 0;  // old buckets fully moved, while growing
  std::uint64_t doublings = 0;        // growths so far, by kind
  std::uint64_t same_size_growths = 0;
  std::size_t max_moved_per_op = 0;  // most entries one insert or erase has moved
  std::size_t bytes = 0;             // bucket arrays (mapped) + overflow buckets
};

namespace detail {

inline constexpr std::uint8_t kEmptyRest = 0;
inline constexpr std::uint8_t kEmptyOne = 1;
inline constexpr std::uint8_t kEvacuated = 2;
inline constexpr std::uint8_t kMinTopHash = 3;
inline constexpr int kSlotsPerBucket = 8;

inline std::uint8_t tophash(std::uint64_t hash) {
  const auto top = static_cast<std::uint8_t>(hash >> 56);
  return top < kMinTopHash ? static_cast<std::uint8_t>(top + kMinTopHash) : top;
}

inline std::uint64_t load_tophash(const std::uint8_t* bytes) {
  std::uint64_t word;
  std::memcpy(&word, bytes, sizeof word);
  return word;
}

inline constexpr std::uint64_t kLowBits = 0x0101010101010101ULL;
inline constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;

// 0x80 in every byte of `word` that is zero, and nothing elsewhere (exact, no borrow).
inline std::uint64_t zero_bytes(std::uint64_t word) {
  constexpr std::uint64_t k7f = 0x7F7F7F7F7F7F7F7FULL;
  return ~(((word & k7f) + k7f) | word | k7f);
}
inline std::uint64_t bytes_equal_to(std::uint64_t word, std::uint8_t value) {
  return zero_bytes(word ^ (kLowBits * value));
}
// Slots whose state is kEmptyRest or kEmptyOne (the byte is 0 or 1).
inline std::uint64_t free_bytes(std::uint64_t word) {
  return zero_bytes(word & ~kLowBits);
}
// Slots that hold an entry.
inline std::uint64_t full_bytes(std::uint64_t word) {
  // A byte is >= kMinTopHash (3) unless it is 0, 1 or 2, i.e. unless (byte & ~3) == 0 and
  // byte != 3.
  const std::uint64_t small = zero_bytes(word & ~(kLowBits * 3));
  return ~(small & ~bytes_equal_to(word, 3)) & kHighBits;
}
static_assert(std::endian::native == std::endian::little, "slot_of reads the SWAR masks little-endian");
inline int slot_of(std::uint64_t mask) {
  return std::countr_zero(mask) >> 3;
}

inline std::uint64_t reverse_bits(std::uint64_t v) {
  v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
  v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
  v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
  return __builtin_bswap64(v);
}

// Redis' scan increment: add one to the bits under `mask`, counting from the top bit down.
inline std::uint64_t next_scan_cursor(std::uint64_t cursor, std::uint64_t mask) {
  cursor |= ~mask;
  cursor = reverse_bits(cursor);
  ++cursor;
  return reverse_bits(cursor);
}

}  // namespace detail

template <class K, class V, class HashFn = Hash<K>, class Eq = std::equal_to<>, class Memory = SystemMemory>
class IncrementalMap {
  static_assert(std::is_nothrow_move_constructible_v<K> && std::is_nothrow_move_constructible_v<V>,
                "evacuation moves entries and must not fail half-way");

  struct Slot {
    K key;
    V value;
  };

  struct OverflowBucket;

  // A bucket's slots and its overflow link. Its 8 tophash bytes live beside it in an
  // OverflowBucket (also the primary bucket, unless kDenseTophash), or in the table's dense
  // tophash array.
  struct Bucket {
    OverflowBucket* overflow;
    alignas(Slot) unsigned char storage[detail::kSlotsPerBucket * sizeof(Slot)];

    Slot* slot(int i) { return std::launder(reinterpret_cast<Slot*>(storage) + i); }
  };
  static_assert(alignof(Bucket) <= 16, "bucket arrays come from calloc/mmap (16-byte aligned)");
  static_assert(std::is_trivially_default_constructible_v<Bucket>, "zeroed memory is a bucket");

  struct OverflowBucket {
    std::uint8_t tophash[detail::kSlotsPerBucket];
    Bucket bucket;
  };
  static_assert(std::is_trivially_default_constructible_v<OverflowBucket>, "zeroed memory is a bucket");

  static constexpr bool kDenseTophash = sizeof(Slot) > 16;
  // Bytes of the primary array per bucket.
  static constexpr std::size_t kPrimaryBytes = kDenseTophash ? sizeof(Bucket) : sizeof(OverflowBucket);

  // One bucket of a chain, wherever its parts live. Null at the end of a chain.
  struct Ref {
    std::uint8_t* tophash = nullptr;
    Bucket* bucket = nullptr;

    explicit operator bool() const { return bucket != nullptr; }
    bool has_next() const { return bucket->overflow != nullptr; }
    Ref next() const {
      OverflowBucket* o = bucket->overflow;
      return o == nullptr ? Ref{} : Ref{o->tophash, &o->bucket};
    }
    std::uint64_t word() const { return detail::load_tophash(tophash); }
    Slot* slot(int i) const { return bucket->slot(i); }
  };

 public:
  using key_type = K;
  using mapped_type = V;

  static constexpr int kEvacuationUnitsPerOp = 2;
  static constexpr std::size_t kMaxMovedPerOp =
      static_cast<std::size_t>(kEvacuationUnitsPerOp) * detail::kSlotsPerBucket;
  // Releasing a slice costs about 0.5 us per page on the machines we measured (page-table
  // teardown); 512 KiB keeps each release near 150 us, below the 200 us worst-insert goal,
  // while keeping releases rare enough (one per ~3,600 buckets of 144 bytes) to stay out of p99.9.
  static constexpr std::size_t kReleaseSliceBytes = std::size_t{1} << 19;
  // Bytes one bucket costs in the arrays: its slots, its link and its 8 tophash bytes.
  static constexpr std::size_t kBucketBytes = kPrimaryBytes + (kDenseTophash ? detail::kSlotsPerBucket : 0);

  IncrementalMap() = default;
  // Sizes the table for `expected_entries` up front (no growth until it is exceeded).
  explicit IncrementalMap(std::size_t expected_entries) {
    std::uint8_t b = 0;
    while (over_load(expected_entries, std::size_t{1} << b)) {
      ++b;
    }
    allocate_table(b);
  }
  IncrementalMap(const IncrementalMap&) = delete;
  IncrementalMap& operator=(const IncrementalMap&) = delete;
  IncrementalMap(IncrementalMap&& other) noexcept { swap(other); }
  IncrementalMap& operator=(IncrementalMap&& other) noexcept {
    if (this != &other) {
      IncrementalMap moved(std::move(other));
      swap(moved);
    }
    return *this;
  }
  ~IncrementalMap() { destroy_all(); }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  bool growing() const { return old_buckets_ != nullptr; }

  template <class Q>
  V* find(const Q& key) {
    Slot* s = find_slot(key, hash_(key));
    return s == nullptr ? nullptr : &s->value;
  }
  template <class Q>
  const V* find(const Q& key) const {
    return const_cast<IncrementalMap*>(this)->find(key);
  }
  template <class Q>
  bool contains(const Q& key) const {
    return find(key) != nullptr;
  }

  // Inserts key → V(args...) unless the key is present. Returns the value and whether it
  // was inserted. `key` may refer to a key stored in this map: nothing moves before it has
  // been compared, and only a new key (which cannot be one of ours) moves entries. `args`
  // must not refer into this map: evacuation may move that entry before V is built.
  template <class KK, class... Args>
  std::pair<V*, bool> try_emplace(KK&& key, Args&&... args) {
    const std::uint64_t hash = hash_(key);
    if (buckets_ == nullptr) {
      allocate_table(0);
    }
    Placement at = locate(key, hash);
    if (at.found != nullptr) {
      return {&at.found->value, false};
    }
    std::size_t moved = 0;
    bool tables_changed = false;
    if (growing()) {
      moved = evacuate(kEvacuationUnitsPerOp);
      tables_changed = true;
    } else if (const auto kind = growth_needed(size_ + 1); kind != GrowthKind::kNone) {
      start_growth(kind);
      moved = evacuate(kEvacuationUnitsPerOp);
      tables_changed = true;
    }
    note_op(moved);
    if (tables_changed) {
      // Even when nothing moved: the growth may have ended, releasing the old bucket that
      // the placement pointed into.
      at = locate(key, hash);
    }
    Slot* s = place(at, hash, std::forward<KK>(key), std::forward<Args>(args)...);
    return {&s->value, true};
  }

  // Inserts or overwrites. Returns true if the key was new.
  template <class KK, class VV>
  bool insert_or_assign(KK&& key, VV&& value) {
    auto [slot_value, inserted] = try_emplace(std::forward<KK>(key), std::forward<VV>(value));
    if (!inserted) {
      *slot_value = std::forward<VV>(value);  // not moved from: try_emplace did not insert
    }
    return inserted;
  }

  // Erases the key if present. `key` may refer to the stored key itself: evacuation, which
  // moves entries, runs only after the erase. Evacuation may allocate an overflow bucket: a
  // std::bad_alloc from it leaves the key erased and the table valid (the unit is redone).
  template <class Q>
  bool erase(const Q& key) {
    if (size_ == 0) {
      return false;
    }
    const bool erased = erase_now(key, hash_(key));
    note_op(growing() ? evacuate(kEvacuationUnitsPerOp) : 0);
    return erased;
  }

  // Evacuates up to `max_units` buckets of a growth in progress (the daemon calls it
  // between syncs so that a read-mostly table does not stay half-migrated). Returns
  // whether a growth is still in progress.
  bool migrate(std::size_t max_units) {
    while (growing() && max_units > 0) {
      const std::size_t step = std::min<std::size_t>(max_units, 64);
      evacuate(static_cast<int>(step));
      max_units -= step;
    }
    return growing();
  }

  // Migrates for about `budget` of `clock`'s time, checking it every 64 units (as Redis'
  // dictRehashMilliseconds checks every 100 buckets). Returns whether still growing.
  bool migrate_for(std::chrono::nanoseconds budget, const Clock& clock) {
    const auto deadline = clock.now() + budget;
    while (growing()) {
      evacuate(64);
      if (clock.now() >= deadline) {
        break;
      }
    }
    return growing();
  }

  // One scan step: calls fn(const K&, V&) for every entry of one logical bucket and returns
  // the next cursor; start from 0, stop when 0 comes back. fn must not change the map.
  template <class F>
  std::uint64_t scan(std::uint64_t cursor, F&& fn) {
    return scan_slots(cursor, [&](Slot* s) { fn(std::as_const(s->key), s->value); });
  }
  template <class F>
  std::uint64_t scan(std::uint64_t cursor, F&& fn) const {
    return const_cast<IncrementalMap*>(this)->scan_slots(
        cursor, [&](Slot* s) { fn(std::as_const(s->key), std::as_const(s->value)); });
  }

  // Calls fn(const K&, V&) once for every entry. fn must not change the map.
  template <class F>
  void for_each(F&& fn) {
    std::uint64_t cursor = 0;
    do {
      cursor = scan(cursor, fn);
    } while (cursor != 0);
  }
  template <class F>
  void for_each(F&& fn) const {
    std::uint64_t cursor = 0;
    do {
      cursor = scan(cursor, fn);
    } while (cursor != 0);
  }

  // Walks the map while it may change between steps: every key present for the whole walk
  // is returned exactly once; keys inserted or erased meanwhile may or may not be. Holds a
  // copy of the keys of one logical bucket at a time.
  class Iterator {
   public:
    explicit Iterator(IncrementalMap& map) : map_(&map) {}
    // Moves to the next entry; false when there is none.
    bool next() {
      for (;;) {
        while (pos_ < keys_.size()) {
          const std::size_t i = pos_++;
          current_ = map_->version_ == version_ ? slots_[i] : map_->find_slot(keys_[i], map_->hash_(keys_[i]));
          if (current_ != nullptr) {
            return true;
          }
        }
        if (done_) {
          return false;
        }
        keys_.clear();
        slots_.clear();
        pos_ = 0;
        cursor_ = map_->scan_slots(cursor_, [&](Slot* s) {
          keys_.push_back(s->key);
          slots_.push_back(s);
        });
        version_ = map_->version_;
        done_ = cursor_ == 0;
      }
    }
    const K& key() const { return current_->key; }
    V& value() const { return current_->value; }

   private:
    IncrementalMap* map_;
    std::uint64_t cursor_ = 0;
    bool done_ = false;
    std::vector<K> keys_;
    std::vector<Slot*> slots_;
    std::size_t pos_ = 0;
    std::uint64_t version_ = 0;
    Slot* current_ = nullptr;
  };

  MapStats stats() const {
    MapStats s;
    s.size = size_;
    s.log2_buckets = B_;
    s.buckets = buckets_ == nullptr ? 0 : bucket_count();
    s.overflow_buckets = overflow_ + old_overflow_;
    s.load_factor = s.buckets == 0 ? 0.0 : static_cast<double>(size_) / static_cast<double>(s.buckets);
    s.growing = growth_;
    s.old_buckets = growing() ? old_bucket_count() : 0;
    s.evacuated_buckets = growing() ? evacuated_ : 0;
    s.doublings = doublings_;
    s.same_size_growths = same_size_growths_;
    s.max_moved_per_op = max_moved_per_op_;
    s.bytes = s.buckets * kBucketBytes + s.overflow_buckets * sizeof(OverflowBucket);
    if (growing()) {
      s.bytes += old_bucket_count() * kBucketBytes - released_ - released_tophash_;
    }
    return s;
  }

  // Checks every invariant in the header comment; returns "" or what is wrong. O(n): for
  // tests and debugging.
  std::string verify() const;

 private:
  struct Placement {
    Slot* found = nullptr;
    Ref free;  // the first free slot on the key's chain, if any
    int free_index = -1;
    Ref tail;  // last bucket of the chain, when there is no free slot
    bool in_old = false;
  };
  struct Found {
    Ref ref;
    int index = -1;
  };

  std::size_t bucket_count() const { return std::size_t{1} << B_; }
  std::size_t mask() const { return bucket_count() - 1; }
  std::size_t old_bucket_count() const { return std::size_t{1} << old_B_; }
  std::size_t old_mask() const { return old_bucket_count() - 1; }
  static Ref head_of(std::uint8_t* tophash, unsigned char* primary, std::size_t j) {
    if constexpr (kDenseTophash) {
      return Ref{tophash + j * detail::kSlotsPerBucket, reinterpret_cast<Bucket*>(primary) + j};
    } else {
      auto* b = reinterpret_cast<OverflowBucket*>(primary) + j;
      return Ref{b->tophash, &b->bucket};
    }
  }
  Ref new_head(std::size_t j) const { return head_of(tophash_, buckets_, j); }
  Ref old_head(std::size_t ob) const { return head_of(old_tophash_, old_buckets_, ob); }

  static bool over_load(std::size_t count, std::size_t buckets) {
    // Go's overLoadFactor: count > 8 && count > 6.5 · buckets (13 · (buckets / 2)).
    return count > detail::kSlotsPerBucket && count > 13 * (buckets / 2);
  }

  GrowthKind growth_needed(std::size_t count) const {
    if (over_load(count, bucket_count())) {
      return GrowthKind::kDoubling;
    }
    if (overflow_ >= bucket_count()) {
      // A same-size growth may take 2 · buckets ops; started above load 4.5 it could end
      // above 6.5, so double instead (the bound in the header).
      return count * 2 > 9 * bucket_count() ? GrowthKind::kDoubling : GrowthKind::kSameSize;
    }
    return GrowthKind::kNone;
  }

  // The first table: assigned only once both of its arrays exist.
  void allocate_table(std::uint8_t log2_buckets) {
    std::uint8_t* tophash = nullptr;
    unsigned char* primary = nullptr;
    allocate_arrays(log2_buckets, tophash, primary);
    tophash_ = tophash;
    buckets_ = primary;
    B_ = log2_buckets;
  }

  static void allocate_arrays(std::uint8_t log2_buckets, std::uint8_t*& tophash, unsigned char*& primary) {
    const std::size_t n = std::size_t{1} << log2_buckets;
    primary = static_cast<unsigned char*>(Memory::allocate_zeroed(n * kPrimaryBytes));
    tophash = nullptr;
    if constexpr (kDenseTophash) {
      try {
        tophash = static_cast<std::uint8_t*>(Memory::allocate_zeroed(n * detail::kSlotsPerBucket));
      } catch (...) {
        Memory::release_zeroed(primary, n * kPrimaryBytes, 0, n * kPrimaryBytes);
        throw;
      }
    }
  }

  // Returns [from, to) of a dense tophash array (there is none unless kDenseTophash).
  static void release_tophash(std::uint8_t* tophash, std::size_t total, std::size_t from, std::size_t to) {
    if constexpr (kDenseTophash) {
      Memory::release_zeroed(tophash, total, from, to);
    }
  }

  Ref new_overflow(Ref tail, bool in_old) {
    auto* o = static_cast<OverflowBucket*>(Memory::allocate(sizeof(OverflowBucket), alignof(OverflowBucket)));
    std::memset(o->tophash, detail::kEmptyRest, sizeof o->tophash);
    o->bucket.overflow = nullptr;
    tail.bucket->overflow = o;
    ++(in_old ? old_overflow_ : overflow_);
    return Ref{o->tophash, &o->bucket};
  }

  static void free_overflow(OverflowBucket* o) {
    Memory::deallocate(o, sizeof(OverflowBucket), alignof(OverflowBucket));
  }

  void note_op(std::size_t moved) {
    max_moved_per_op_ = std::max(max_moved_per_op_, moved);
    if (growing()) {
      ++ops_in_growth_;
    }
  }

  template <class Q>
  Found find_in_chain(Ref ref, std::uint8_t top, const Q& key) const {
    for (; ref; ref = ref.next()) {
      const std::uint64_t word = ref.word();
      for (std::uint64_t m = detail::bytes_equal_to(word, top); m != 0; m &= m - 1) {
        const int i = detail::slot_of(m);
        if (eq_(ref.slot(i)->key, key)) {
          return {ref, i};
        }
      }
      if (detail::zero_bytes(word) != 0) {
        break;  // kEmptyRest: nothing further on this chain
      }
    }
    return {};
  }

  template <class Q>
  Slot* find_slot(const Q& key, std::uint64_t hash) const {
    if (size_ == 0) {
      return nullptr;
    }
    const std::uint8_t top = detail::tophash(hash);
    if (growing()) [[unlikely]] {
      const std::size_t ob = hash & old_mask();
      if (ob >= evacuated_) {
        if (Found f = find_in_chain(old_head(ob), top, key); f.ref) {
          return f.ref.slot(f.index);
        }
        if (ob > evacuated_) {
          return nullptr;  // its new buckets are still empty
        }
      }
    }
    const Found f = find_in_chain(new_head(hash & mask()), top, key);
    return f.ref ? f.ref.slot(f.index) : nullptr;
  }

  // Finds the key, or where a new key with this hash goes.
  template <class Q>
  Placement locate(const Q& key, std::uint64_t hash) {
    const std::uint8_t top = detail::tophash(hash);
    Placement at;
    Ref ref = new_head(hash & mask());
    if (growing()) {
      const std::size_t ob = hash & old_mask();
      if (ob > evacuated_) {
        ref = old_head(ob);
        at.in_old = true;
      } else if (ob == evacuated_) {
        if (Found f = find_in_chain(old_head(ob), top, key); f.ref) {
          at.found = f.ref.slot(f.index);
          return at;
        }
      }
    }
    for (;; ref = ref.next()) {
      const std::uint64_t word = ref.word();
      for (std::uint64_t m = detail::bytes_equal_to(word, top); m != 0; m &= m - 1) {
        const int i = detail::slot_of(m);
        if (eq_(ref.slot(i)->key, key)) {
          at.found = ref.slot(i);
          return at;
        }
      }
      if (!at.free) {
        if (const std::uint64_t free = detail::free_bytes(word); free != 0) {
          at.free = ref;
          at.free_index = detail::slot_of(free);
        }
      }
      // The tophash word decides most chains; only a bucket with no kEmptyRest needs its
      // overflow link, which lives with the slots.
      if (detail::zero_bytes(word) != 0 || !ref.has_next()) {
        at.tail = ref;
        return at;
      }
    }
  }

  template <class KK, class... Args>
  Slot* place(const Placement& at, std::uint64_t hash, KK&& key, Args&&... args) {
    Ref ref = at.free;
    int i = at.free_index;
    if (!ref) {
      ref = new_overflow(at.tail, at.in_old);
      i = 0;
    }
    Slot* s = ::new (static_cast<void*>(ref.slot(i))) Slot{K(std::forward<KK>(key)), V(std::forward<Args>(args)...)};
    ref.tophash[i] = detail::tophash(hash);
    ++size_;
    ++version_;
    return s;
  }

  template <class Q>
  bool erase_now(const Q& key, std::uint64_t hash) {
    const std::uint8_t top = detail::tophash(hash);
    Ref head;
    Found found;
    if (growing()) {
      const std::size_t ob = hash & old_mask();
      if (ob >= evacuated_) {
        head = old_head(ob);
        found = find_in_chain(head, top, key);
        if (!found.ref && ob > evacuated_) {
          return false;
        }
      }
    }
    if (!found.ref) {
      head = new_head(hash & mask());
      found = find_in_chain(head, top, key);
      if (!found.ref) {
        return false;
      }
    }
    found.ref.slot(found.index)->~Slot();
    found.ref.tophash[found.index] = detail::kEmptyOne;
    --size_;
    ++version_;
    // The cursor bucket's entries are still being appended to its new chains at dest_x_ /
    // dest_y_, which only move forward: a kEmptyRest behind them would hide what comes
    // after. kEmptyOne is always safe; the chain gets its kEmptyRest marks from later erases.
    const bool destination_chain =
        growing() && cursor_started_ && head.bucket != old_head(evacuated_).bucket && (hash & old_mask()) == evacuated_;
    if (!destination_chain) {
      mark_empty_rest(head, found.ref, found.index);
    }
    return true;
  }

  // Go's emptyRest upkeep after erasing slot `index` of `ref` on the chain at `head`.
  void mark_empty_rest(Ref head, Ref ref, int index) {
    if (index == detail::kSlotsPerBucket - 1) {
      if (ref.has_next() && ref.next().tophash[0] != detail::kEmptyRest) {
        return;
      }
    } else if (ref.tophash[index + 1] != detail::kEmptyRest) {
      return;
    }
    for (;;) {
      ref.tophash[index] = detail::kEmptyRest;
      if (index == 0) {
        if (ref.bucket == head.bucket) {
          return;
        }
        Ref prev = head;
        while (prev.bucket->overflow == nullptr || &prev.bucket->overflow->bucket != ref.bucket) {
          prev = prev.next();
        }
        ref = prev;
        index = detail::kSlotsPerBucket - 1;
      } else {
        --index;
      }
      if (ref.tophash[index] != detail::kEmptyOne) {
        return;
      }
    }
  }

  void start_growth(GrowthKind kind) {
    const std::uint8_t new_B = kind == GrowthKind::kDoubling ? static_cast<std::uint8_t>(B_ + 1) : B_;
    std::uint8_t* fresh_tophash = nullptr;
    unsigned char* fresh = nullptr;
    allocate_arrays(new_B, fresh_tophash, fresh);
    old_tophash_ = tophash_;
    old_buckets_ = buckets_;
    old_B_ = B_;
    old_overflow_ = overflow_;
    tophash_ = fresh_tophash;
    buckets_ = fresh;
    B_ = new_B;
    overflow_ = 0;
    evacuated_ = 0;
    released_ = 0;
    released_tophash_ = 0;
    cursor_started_ = false;
    ops_in_growth_ = 0;
    growth_ = kind;
    ++(kind == GrowthKind::kDoubling ? doublings_ : same_size_growths_);
    ++version_;
  }

  // A fresh page read before it is written costs two faults (the shared zero page, then a
  // copy); writing first costs one. OR-ing zero into the group is a write that changes
  // nothing, even if an insert already put entries there. Plain asm, not an atomic: a
  // locked instruction would wait for every store in flight (misses to DRAM, on inserts).
  static void touch_for_write(std::uint8_t* tophash_group) {
#if defined(__x86_64__)
    asm volatile("orq $0, %0" : "+m"(*reinterpret_cast<std::uint64_t*>(tophash_group)));
#else
    __atomic_fetch_or(reinterpret_cast<std::uint64_t*>(tophash_group), std::uint64_t{0}, __ATOMIC_RELAXED);
#endif
  }

  // Does up to `units` units of evacuation (see the header); returns the entries moved.
  std::size_t evacuate(int units) {
    std::size_t moved = 0;
    while (growing() && units-- > 0) {
      const Ref old = old_head(evacuated_);
      if (!cursor_started_) {
        dest_x_ = new_head(evacuated_);
        touch_for_write(dest_x_.tophash);
        if (growth_ == GrowthKind::kDoubling) {
          dest_y_ = new_head(evacuated_ + old_bucket_count());
          touch_for_write(dest_y_.tophash);
        }
        moved += move_entries(old);
        std::memset(old.tophash, detail::kEvacuated, detail::kSlotsPerBucket);
        cursor_started_ = true;
      } else {
        OverflowBucket* next = old.bucket->overflow;
        moved += move_entries(Ref{next->tophash, &next->bucket});
        old.bucket->overflow = next->bucket.overflow;
        free_overflow(next);
        --old_overflow_;
      }
      if (!old.has_next()) {
        advance_cursor();
      }
    }
    if (moved != 0) {
      ++version_;
    }
    return moved;
  }

  std::size_t move_entries(Ref from) {
    std::size_t moved = 0;
    for (std::uint64_t m = detail::full_bytes(from.word()); m != 0; m &= m - 1) {
      const int i = detail::slot_of(m);
      Slot* s = from.slot(i);
      const bool to_y = growth_ == GrowthKind::kDoubling && (hash_(s->key) & old_bucket_count()) != 0;
      Ref& dest = to_y ? dest_y_ : dest_x_;
      // Any free slot of the destination chain will do (a kEmptyRest slot has only empty
      // slots after it), so the walk only moves forward, past full buckets.
      std::uint64_t free = detail::free_bytes(dest.word());
      while (free == 0) {
        dest = dest.has_next() ? dest.next() : new_overflow(dest, false);
        free = detail::free_bytes(dest.word());
      }
      const int j = detail::slot_of(free);
      relocate(s, dest.slot(j));
      dest.tophash[j] = from.tophash[i];
      // If a later new_overflow throws, this unit is redone from the start: the moved slot
      // must not be moved (or found) twice.
      from.tophash[i] = detail::kEmptyOne;
      ++moved;
    }
    return moved;
  }

  static void relocate(Slot* from, Slot* to) {
    if constexpr (std::is_trivially_copyable_v<Slot>) {
      std::memcpy(static_cast<void*>(to), static_cast<const void*>(from), sizeof(Slot));
    } else {
      ::new (static_cast<void*>(to)) Slot{std::move(from->key), std::move(from->value)};
      from->~Slot();
    }
  }

  void advance_cursor() {
    ++evacuated_;
    cursor_started_ = false;
    const std::size_t total = old_bucket_count() * kPrimaryBytes;
    const std::size_t total_tophash = old_bucket_count() * detail::kSlotsPerBucket;
    if (evacuated_ == old_bucket_count()) {
      Memory::release_zeroed(old_buckets_, total, released_, total);
      release_tophash(old_tophash_, total_tophash, released_tophash_, total_tophash);
      old_buckets_ = nullptr;
      old_tophash_ = nullptr;
      released_ = released_tophash_ = 0;
      growth_ = GrowthKind::kNone;
      dest_x_ = dest_y_ = Ref{};
      return;
    }
    const std::size_t done = evacuated_ * kPrimaryBytes;
    if (done - released_ >= kReleaseSliceBytes) {
      Memory::release_zeroed(old_buckets_, total, released_, done);
      released_ = done;
    }
    const std::size_t done_tophash = evacuated_ * detail::kSlotsPerBucket;
    if (kDenseTophash && done_tophash - released_tophash_ >= kReleaseSliceBytes) {
      release_tophash(old_tophash_, total_tophash, released_tophash_, done_tophash);
      released_tophash_ = done_tophash;
    }
  }

  template <class F>
  static void visit_chain(Ref ref, F& visit) {
    for (; ref; ref = ref.next()) {
      for (std::uint64_t m = detail::full_bytes(ref.word()); m != 0; m &= m - 1) {
        visit(ref.slot(detail::slot_of(m)));
      }
    }
  }

  template <class F>
  std::uint64_t scan_slots(std::uint64_t cursor, F&& visit) {
    if (buckets_ == nullptr) {
      return 0;
    }
    if (!growing()) {
      visit_chain(new_head(cursor & mask()), visit);
      return detail::next_scan_cursor(cursor, mask());
    }
    // Redis' dictScan while rehashing: the smaller table's bucket, then every bucket of the
    // larger one that it expands into, and advance by the smaller mask.
    const std::size_t ob = cursor & old_mask();
    if (ob >= evacuated_) {
      visit_chain(old_head(ob), visit);
    }
    if (ob <= evacuated_) {
      for (std::size_t j = ob; j < bucket_count(); j += old_bucket_count()) {
        visit_chain(new_head(j), visit);
      }
    }
    return detail::next_scan_cursor(cursor, old_mask());
  }

  void destroy_chain(Ref head) {
    for (Ref ref = head; ref;) {
      if constexpr (!std::is_trivially_destructible_v<Slot>) {
        for (std::uint64_t m = detail::full_bytes(ref.word()); m != 0; m &= m - 1) {
          ref.slot(detail::slot_of(m))->~Slot();
        }
      }
      OverflowBucket* next = ref.bucket->overflow;
      if (ref.bucket != head.bucket) {
        free_overflow(reinterpret_cast<OverflowBucket*>(ref.tophash));
      }
      ref = next == nullptr ? Ref{} : Ref{next->tophash, &next->bucket};
    }
  }

  void destroy_all() {
    if (buckets_ == nullptr) {
      return;
    }
    if (growing()) {
      for (std::size_t ob = evacuated_; ob < old_bucket_count(); ++ob) {
        destroy_chain(old_head(ob));
      }
      const std::size_t total = old_bucket_count() * kPrimaryBytes;
      const std::size_t total_tophash = old_bucket_count() * detail::kSlotsPerBucket;
      Memory::release_zeroed(old_buckets_, total, released_, total);
      release_tophash(old_tophash_, total_tophash, released_tophash_, total_tophash);
      // New buckets of old buckets above the cursor were never touched: skip their pages.
      for (std::size_t j = 0; j < bucket_count(); ++j) {
        if ((j & old_mask()) <= evacuated_) {
          destroy_chain(new_head(j));
        }
      }
    } else {
      for (std::size_t j = 0; j < bucket_count(); ++j) {
        destroy_chain(new_head(j));
      }
    }
    Memory::release_zeroed(buckets_, bucket_count() * kPrimaryBytes, 0, bucket_count() * kPrimaryBytes);
    const std::size_t total_tophash = bucket_count() * detail::kSlotsPerBucket;
    release_tophash(tophash_, total_tophash, 0, total_tophash);
    buckets_ = nullptr;
    tophash_ = nullptr;
  }

  void swap(IncrementalMap& o) noexcept {
    using std::swap;
    swap(tophash_, o.tophash_);
    swap(buckets_, o.buckets_);
    swap(old_tophash_, o.old_tophash_);
    swap(old_buckets_, o.old_buckets_);
    swap(dest_x_, o.dest_x_);
    swap(dest_y_, o.dest_y_);
    swap(size_, o.size_);
    swap(overflow_, o.overflow_);
    swap(old_overflow_, o.old_overflow_);
    swap(evacuated_, o.evacuated_);
    swap(released_, o.released_);
    swap(released_tophash_, o.released_tophash_);
    swap(ops_in_growth_, o.ops_in_growth_);
    swap(version_, o.version_);
    swap(doublings_, o.doublings_);
    swap(same_size_growths_, o.same_size_growths_);
    swap(max_moved_per_op_, o.max_moved_per_op_);
    swap(B_, o.B_);
    swap(old_B_, o.old_B_);
    swap(growth_, o.growth_);
    swap(cursor_started_, o.cursor_started_);
    swap(hash_, o.hash_);
    swap(eq_, o.eq_);
  }

  std::uint8_t* tophash_ = nullptr;       // the dense tophash array (kDenseTophash only)
  unsigned char* buckets_ = nullptr;      // 2^B_ primary buckets; null until the first insert
  std::uint8_t* old_tophash_ = nullptr;   // as tophash_, for old_buckets_
  unsigned char* old_buckets_ = nullptr;  // non-null iff growing; [0, evacuated_) may be unmapped
  Ref dest_x_;                            // where the cursor bucket's entries go: a bucket on
  Ref dest_y_;                            // new chain X (and Y when doubling); while started
  std::size_t size_ = 0;
  std::size_t overflow_ = 0;          // overflow buckets chained off buckets_
  std::size_t old_overflow_ = 0;      // overflow buckets chained off old_buckets_
  std::size_t evacuated_ = 0;         // the cursor: old buckets below it are fully moved
  std::size_t released_ = 0;          // bytes of the old bucket array already returned
  std::size_t released_tophash_ = 0;  // bytes of the old tophash array already returned
  std::size_t ops_in_growth_ = 0;     // inserts and erases since the growth started
  std::uint64_t version_ = 0;         // changes whenever an entry is added, removed or moved
  std::uint64_t doublings_ = 0;
  std::uint64_t same_size_growths_ = 0;
  std::size_t max_moved_per_op_ = 0;
  std::uint8_t B_ = 0;
  std::uint8_t old_B_ = 0;
  GrowthKind growth_ = GrowthKind::kNone;
  bool cursor_started_ = false;  // the cursor's primary bucket is moved; its chain remains
  [[no_unique_address]] HashFn hash_;
  [[no_unique_address]] Eq eq_;
};

}  // namespace hpad::cache

#include "hpad/cache/incremental_map_verify.h"
