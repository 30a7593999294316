// The default hash for IncrementalMap: std::hash followed by a 128-bit multiply fold.
// IncrementalMap takes the bucket from the low bits and the tophash from the top 8 bits, so
// every input bit must reach both ends; std::hash of an integer is the identity and would
// put all small keys in tophash 0. Pure, thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace hpad::cache {

// Mixes all 64 bits of x into every bit of the result (the fold used by wyhash/absl).
__extension__ using Uint128 = unsigned __int128;

inline std::uint64_t mix64(std::uint64_t x) {
  const Uint128 product = static_cast<Uint128>(x) * 0x9E3779B97F4A7C15ULL;
  return static_cast<std::uint64_t>(product) ^ static_cast<std::uint64_t>(product >> 64);
}

template <class K>
struct Hash {
  std::uint64_t operator()(const K& key) const { return mix64(std::hash<K>{}(key)); }
};

// Strings hash through string_view so that lookups by string_view need no std::string.
template <>
struct Hash<std::string> {
  using is_transparent = void;
  std::uint64_t operator()(std::string_view key) const { return mix64(std::hash<std::string_view>{}(key)); }
};

}  // namespace hpad::cache
