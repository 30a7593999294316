// Wall-clock instants and durations for the pure HPA math: a Time is seconds since the Unix
// epoch plus nanoseconds, so that every instant Kubernetes can write (years 0001..9999, where
// 0001-01-01T00:00:00Z is Go's zero time.Time) fits; a nanosecond std::chrono::system_clock
// time point cannot reach year 0001. Values only, no clock: callers pass `now` in.
// Thread-safe (plain values).
//
// Invariants: 0 <= Time::nanos < 1'000'000'000, so the lexicographic comparison of
// (seconds, nanos) is the chronological order. Time + Duration saturates at the earliest and
// latest representable instants instead of overflowing (no UB, documented below).
#pragma once

#include <compare>
#include <cstdint>

namespace hpad::policies {

// A signed span of time in nanoseconds (as Go's time.Duration: about ±292 years).
using Duration = std::int64_t;

inline constexpr Duration kNanosecond = 1;
inline constexpr Duration kSecond = 1'000'000'000;
inline constexpr Duration kMinute = 60 * kSecond;

struct Time {
  std::int64_t seconds = 0;  // since 1970-01-01T00:00:00Z; negative before it
  std::int32_t nanos = 0;    // in [0, 1e9)

  friend constexpr bool operator==(const Time&, const Time&) = default;
  // Written out rather than defaulted: clang-tidy 14 misreads a defaulted <=> (modernize-use-nullptr).
  friend constexpr std::strong_ordering operator<=>(const Time& a, const Time& b) {
    const std::strong_ordering by_seconds = a.seconds <=> b.seconds;
    return std::is_neq(by_seconds) ? by_seconds : a.nanos <=> b.nanos;
  }
};

inline constexpr Time kMinTime{INT64_MIN, 0};
inline constexpr Time kMaxTime{INT64_MAX, 999'999'999};

// t + d, normalized. Saturating: a result before kMinTime is kMinTime, after kMaxTime is
// kMaxTime (only reachable from times about 2.9e11 years away from 1970, never from a real
// object; Go's Time.Add wraps there instead).
constexpr Time operator+(Time t, Duration d) {
  std::int64_t add_seconds = d / kSecond;
  std::int64_t add_nanos = d % kSecond;  // in (-1e9, 1e9)
  std::int64_t nanos = t.nanos + add_nanos;
  if (nanos >= kSecond) {
    nanos -= kSecond;
    ++add_seconds;  // |d / kSecond| < 9.3e9, so this cannot overflow
  } else if (nanos < 0) {
    nanos += kSecond;
    --add_seconds;
  }
  if (add_seconds > 0 && t.seconds > INT64_MAX - add_seconds) {
    return kMaxTime;
  }
  if (add_seconds < 0 && t.seconds < INT64_MIN - add_seconds) {
    return kMinTime;
  }
  return Time{t.seconds + add_seconds, static_cast<std::int32_t>(nanos)};
}

// later - earlier as a Duration, saturated at ±(2^63 - 1) ns (about ±292 years; the span
// between years 0001 and 9999 does not fit).
constexpr Duration between(Time later, Time earlier) {
  constexpr std::int64_t kLimitSeconds = INT64_MAX / kSecond - 1;
  const std::int64_t lhs = later.seconds;
  const std::int64_t rhs = earlier.seconds;
  if (rhs < 0 && lhs > INT64_MAX + rhs) {
    return INT64_MAX;
  }
  if (rhs > 0 && lhs < INT64_MIN + rhs) {
    return INT64_MIN;
  }
  const std::int64_t diff_seconds = lhs - rhs;
  if (diff_seconds > kLimitSeconds) {
    return INT64_MAX;
  }
  if (diff_seconds < -kLimitSeconds) {
    return INT64_MIN;
  }
  return diff_seconds * kSecond + (later.nanos - earlier.nanos);
}

}  // namespace hpad::policies
