// Private to hpad::policies: int64 arithmetic and double -> integer conversions that saturate
// instead of overflowing, so the HPA math has no UB on any input (Go wraps, or gives an
// implementation-defined value, where these clamp). Pure, header-only, thread-safe.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

namespace hpad::policies::detail {

inline std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
  std::int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) {
    return b > 0 ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int64_t>::min();
  }
  return sum;
}

inline std::int64_t saturating_mul(std::int64_t a, std::int64_t b) {
  std::int64_t product = 0;
  if (__builtin_mul_overflow(a, b, &product)) {
    return (a < 0) == (b < 0) ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int64_t>::min();
  }
  return product;
}

// a / b truncated toward zero (b != 0); INT64_MIN / -1 saturates to INT64_MAX.
inline std::int64_t saturating_div(std::int64_t a, std::int64_t b) {
  if (b == -1) {
    return a == std::numeric_limits<std::int64_t>::min() ? std::numeric_limits<std::int64_t>::max() : -a;
  }
  return a / b;
}

// Truncates toward zero like Go's int32(x), but NaN -> 0 and out-of-range values clamp.
inline std::int32_t saturating_int32(double x) {
  if (std::isnan(x)) {
    return 0;
  }
  if (x >= 2147483647.0) {
    return std::numeric_limits<std::int32_t>::max();
  }
  if (x <= -2147483648.0) {
    return std::numeric_limits<std::int32_t>::min();
  }
  return static_cast<std::int32_t>(x);
}

// int32(math.Ceil(x)), saturated: upstream's "> MaxInt32 -> MaxInt32" cap, everywhere.
inline std::int32_t ceil_int32(double x) {
  return saturating_int32(std::ceil(x));
}

// Go's int64(x), but NaN -> 0 and out-of-range values clamp. 2^63 is the first double above
// the int64 range.
inline std::int64_t saturating_int64(double x) {
  if (std::isnan(x)) {
    return 0;
  }
  if (x >= 9223372036854775808.0) {
    return std::numeric_limits<std::int64_t>::max();
  }
  if (x < -9223372036854775808.0) {
    return std::numeric_limits<std::int64_t>::min();
  }
  return static_cast<std::int64_t>(x);
}

}  // namespace hpad::policies::detail
