// IncrementalMap::verify(): walks the whole table and checks every invariant stated in
// incremental_map.h. O(n); for tests and debugging only. Included by incremental_map.h.
#pragma once

#include <string>

#include "hpad/cache/incremental_map.h"

namespace hpad::cache {

template <class K, class V, class HashFn, class Eq, class Memory>
std::string IncrementalMap<K, V, HashFn, Eq, Memory>::verify() const {
  using std::to_string;
  if (buckets_ == nullptr) {
    return size_ == 0 && !growing() ? "" : "no bucket array, yet size or growth is set";
  }
  std::size_t live = 0;
  std::size_t counted_overflow = 0;
  std::size_t counted_old_overflow = 0;

  // One chain: states, tophash, home bucket, the kEmptyRest rule.
  auto check_chain = [&](Ref head, bool in_old, std::size_t index, std::size_t& overflow_count) -> std::string {
    const std::string where = std::string(in_old ? "old" : "new") + " bucket " + to_string(index);
    const bool evacuated_head = in_old && index == evacuated_ && cursor_started_;
    bool rest = false;
    for (Ref b = head; b; b = b.next()) {
      if (b.bucket != head.bucket) {
        ++overflow_count;
      }
      for (int i = 0; i < detail::kSlotsPerBucket; ++i) {
        const std::uint8_t t = b.tophash[i];
        if (b.bucket == head.bucket && evacuated_head) {
          if (t != detail::kEvacuated) {
            return where + ": started cursor bucket has a slot not marked evacuated";
          }
          continue;
        }
        if (rest && t != detail::kEmptyRest) {
          return where + ": a slot follows kEmptyRest without being kEmptyRest";
        }
        if (t == detail::kEmptyRest) {
          rest = true;
          continue;
        }
        if (t == detail::kEmptyOne) {
          continue;
        }
        if (t == detail::kEvacuated) {
          return where + ": kEvacuated outside the cursor's primary bucket";
        }
        ++live;
        const std::uint64_t h = hash_(b.slot(i)->key);
        if (detail::tophash(h) != t) {
          return where + ": stored tophash does not match the key's hash";
        }
        if ((in_old ? (h & old_mask()) : (h & mask())) != index) {
          return where + ": entry is not in the bucket its hash selects";
        }
      }
    }
    return "";
  };

  if (growing()) {
    if (evacuated_ >= old_bucket_count()) {
      return "growing with the cursor past the end of the old array";
    }
    if (ops_in_growth_ > 2 * old_bucket_count()) {
      return "growth exceeded its bound of 2 * old buckets operations";
    }
    for (std::size_t ob = evacuated_; ob < old_bucket_count(); ++ob) {
      if (auto e = check_chain(old_head(ob), true, ob, counted_old_overflow); !e.empty()) {
        return e;
      }
    }
  }
  for (std::size_t j = 0; j < bucket_count(); ++j) {
    const Ref b = new_head(j);
    if (growing() && (j & old_mask()) > evacuated_) {
      if (b.word() != 0 || b.has_next()) {
        return "new bucket " + to_string(j) + " is in use before its old bucket was evacuated";
      }
      continue;
    }
    if (auto e = check_chain(b, false, j, counted_overflow); !e.empty()) {
      return e;
    }
  }
  if (growing() && cursor_started_) {
    auto on_chain = [](Ref head, Ref target) {
      for (Ref b = head; b; b = b.next()) {
        if (b.bucket == target.bucket && b.tophash == target.tophash) {
          return true;
        }
      }
      return false;
    };
    if (!on_chain(new_head(evacuated_), dest_x_)) {
      return "evacuation destination X is not on its new chain";
    }
    if (growth_ == GrowthKind::kDoubling && !on_chain(new_head(evacuated_ + old_bucket_count()), dest_y_)) {
      return "evacuation destination Y is not on its new chain";
    }
  }
  if (live != size_) {
    return "size() is " + to_string(size_) + " but the table holds " + to_string(live) + " entries";
  }
  if (counted_overflow != overflow_ || counted_old_overflow != old_overflow_) {
    return "overflow bucket counts do not match the chains";
  }
  if (growing() != (growth_ != GrowthKind::kNone)) {
    return "growth kind disagrees with the old array";
  }
  if (max_moved_per_op_ > kMaxMovedPerOp) {
    return "an operation moved more than kMaxMovedPerOp entries";
  }
  return "";
}

}  // namespace hpad::cache
