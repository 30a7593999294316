// Internal to hpad::policies: pod name -> position in the pod list, built once per decide() and
// shared by every per-pod metric, so that matching a metric's samples to pods costs (normally)
// one name comparison per sample instead of a walk down a tree of strings.
// Thread-safety: immutable after construction; concurrent find() is safe.
//
// Layout: the (name, position) pairs sorted by name, ties by position, searched with
// std::lower_bound — one allocation, no hashing, nothing of our own to get wrong (the hash table
// that is ours by design lives in hpad::cache, which this library does not use).
// Invariants: the names are views into the pod list, which must outlive the index and not
// change; for a repeated name the first pod's position sorts first and is the one found;
// has_repeats_ iff some name appears twice.
// Work bounds: construction O(pods log pods), one allocation; find() O(1) when the hint is
// right, O(log pods) otherwise, no allocation.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "hpad/policies/replica_calculator.h"

namespace hpad::policies::detail {

class PodIndex {
 public:
  explicit PodIndex(std::span<const PodInfo> pods);

  std::size_t pod_count() const { return pods_.size(); }

  // The position of the first pod named `name`. `hint` is the position tried first, with one
  // comparison: metric series and pod lists usually come in the same (name) order, so the pod
  // after the previous match is very often the one (a wrong or out-of-range hint costs nothing
  // but that comparison).
  std::optional<std::size_t> find(std::string_view name, std::size_t hint = 0) const;

 private:
  std::span<const PodInfo> pods_;
  std::vector<std::pair<std::string_view, std::size_t>> by_name_;
  bool has_repeats_ = false;  // some pod repeats an earlier pod's name (never, from the API server)
};

}  // namespace hpad::policies::detail
