// Client-side rate limiting of API requests: client-go's flowcontrol.NewTokenBucketRateLimiter
// (qps, burst), which wraps golang.org/x/time/rate.Limiter. The bucket holds up to `burst`
// tokens, starts full and refills at `qps` per second; each request takes one token, and when
// none is left it reserves a future one: reserve() returns how long to wait for it. Defaults are
// kube-controller-manager's 20 qps / 30 burst. Thread-safe (one mutex); O(1) per call.
// Differences from x/time/rate: delays are rounded to the nearest nanosecond (Go truncates), and
// qps <= 0 means "no limit" (client-go's QPS < 0), never "block forever".
#pragma once

#include <chrono>
#include <functional>
#include <mutex>

namespace hpad::kube {

class TokenBucketRateLimiter {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  using Sleeper = std::function<void(std::chrono::nanoseconds)>;
  static constexpr double kDefaultQps = 20.0;
  static constexpr int kDefaultBurst = 30;

  // burst < 1 is taken as 1. `clock` and `sleep` default to steady_clock and sleep_for.
  explicit TokenBucketRateLimiter(double qps = kDefaultQps, int burst = kDefaultBurst, Clock clock = {},
                                  Sleeper sleep = {});

  // Takes a token (possibly one not yet refilled): the delay before the request may go.
  std::chrono::nanoseconds reserve(std::chrono::steady_clock::time_point now);
  // Takes a token only if one is available at `now` (client-go TryAccept).
  bool try_accept(std::chrono::steady_clock::time_point now);
  // reserve(clock()) then sleep for the delay (client-go Accept). Blocks the calling thread.
  void wait();

  double qps() const { return qps_; }
  int burst() const { return burst_; }

 private:
  // Tokens at `now`, refilled since last_ and capped at burst_. Caller holds mutex_.
  double tokens_at(std::chrono::steady_clock::time_point now) const;

  const double qps_;
  const int burst_;
  const Clock clock_;
  const Sleeper sleep_;
  std::mutex mutex_;
  double tokens_;                               // guarded by mutex_; may be negative (reserved ahead)
  std::chrono::steady_clock::time_point last_;  // guarded by mutex_; when tokens_ was computed
  bool started_ = false;                        // guarded by mutex_; false until the first call
};

}  // namespace hpad::kube
