// See rate_limiter.h. The arithmetic is x/time/rate's advance() and reserveN().
#include "hpad/kube/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <thread>
#include <utility>

namespace hpad::kube {

TokenBucketRateLimiter::TokenBucketRateLimiter(double qps, int burst, Clock clock, Sleeper sleep)
    : qps_(qps),
      burst_(std::max(burst, 1)),
      clock_(clock ? std::move(clock) : Clock([] { return std::chrono::steady_clock::now(); })),
      sleep_(sleep ? std::move(sleep) : Sleeper([](std::chrono::nanoseconds d) { std::this_thread::sleep_for(d); })),
      tokens_(static_cast<double>(burst_)) {}

double TokenBucketRateLimiter::tokens_at(std::chrono::steady_clock::time_point now) const {
  if (!started_ || now <= last_) {
    return tokens_;  // a clock that goes back refills nothing (x/time/rate: last = now)
  }
  const double elapsed = std::chrono::duration<double>(now - last_).count();
  return std::min(static_cast<double>(burst_), tokens_ + elapsed * qps_);
}

std::chrono::nanoseconds TokenBucketRateLimiter::reserve(std::chrono::steady_clock::time_point now) {
  if (qps_ <= 0) {
    return std::chrono::nanoseconds(0);
  }
  std::lock_guard lock(mutex_);
  const double tokens = tokens_at(now) - 1.0;
  tokens_ = tokens;
  last_ = now;
  started_ = true;
  if (tokens >= 0) {
    return std::chrono::nanoseconds(0);
  }
  return std::chrono::nanoseconds(std::llround(-tokens / qps_ * 1e9));
}

bool TokenBucketRateLimiter::try_accept(std::chrono::steady_clock::time_point now) {
  if (qps_ <= 0) {
    return true;
  }
  std::lock_guard lock(mutex_);
  const double tokens = tokens_at(now);
  if (tokens < 1.0) {
    return false;
  }
  tokens_ = tokens - 1.0;
  last_ = now;
  started_ = true;
  return true;
}

void TokenBucketRateLimiter::wait() {
  const auto delay = reserve(clock_());
  if (delay > std::chrono::nanoseconds(0)) {
    sleep_(delay);
  }
}

}  // namespace hpad::kube
