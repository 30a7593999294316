// Internal: see pod_index.h (the layout and invariants are described there).
#include "pod_index.h"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <utility>

namespace hpad::policies::detail {

PodIndex::PodIndex(std::span<const PodInfo> pods) : pods_(pods) {
  by_name_.reserve(pods.size());
  for (std::size_t pos = 0; pos < pods.size(); ++pos) {
    by_name_.emplace_back(pods[pos].name, pos);
  }
  std::sort(by_name_.begin(), by_name_.end());
  for (std::size_t i = 1; i < by_name_.size(); ++i) {
    has_repeats_ = has_repeats_ || by_name_[i].first == by_name_[i - 1].first;
  }
}

std::optional<std::size_t> PodIndex::find(std::string_view name, std::size_t hint) const {
  // With repeated names the hint could be a later pod of a name: then only the search is right.
  if (!has_repeats_ && hint < pods_.size() && pods_[hint].name == name) {
    return hint;
  }
  const auto it = std::lower_bound(by_name_.begin(), by_name_.end(), name,
                                   [](const auto& entry, std::string_view key) { return entry.first < key; });
  if (it == by_name_.end() || it->first != name) {
    return std::nullopt;
  }
  return it->second;
}

}  // namespace hpad::policies::detail
