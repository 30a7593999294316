// Internal: a bound on JSON before nlohmann::json sees it. nlohmann recurses per nesting level
// (TOOLCHAIN.md: ~100,000 levels overflow the stack), so bodies from the network are scanned
// first, in O(n), for their size and depth.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

namespace hpad::kube::detail {

inline constexpr std::size_t kMaxJsonBytes = 1024 * 1024;
inline constexpr int kMaxJsonDepth = 64;

// True if `text` nests arrays/objects at most `max_depth` deep (strings are skipped).
inline bool json_depth_within(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) {
        return false;
      }
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return true;
}

// The parsed document, or nullopt if it is too big, too deep or not JSON. Never throws.
inline std::optional<nlohmann::json> parse_bounded_json(std::string_view text) {
  if (text.size() > kMaxJsonBytes || !json_depth_within(text, kMaxJsonDepth)) {
    return std::nullopt;
  }
  nlohmann::json document = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) {
    return std::nullopt;
  }
  return document;
}

}  // namespace hpad::kube::detail
