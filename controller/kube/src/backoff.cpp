// See backoff.h.
#include "hpad/kube/backoff.h"

#include <algorithm>

namespace hpad::kube {

std::chrono::nanoseconds BackoffSteps::jittered(std::chrono::nanoseconds d) {
  if (backoff_.jitter <= 0) {
    return d;
  }
  // wait.Jitter(d, maxFactor): d + rand.Float64() * maxFactor * d, in [d, d*(1+maxFactor)).
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const double extra = unit(random_) * backoff_.jitter * static_cast<double>(d.count());
  return d + std::chrono::nanoseconds(static_cast<std::int64_t>(extra));
}

std::chrono::nanoseconds BackoffSteps::step() {
  if (backoff_.steps < 1) {
    return jittered(backoff_.duration);
  }
  --backoff_.steps;
  const auto duration = backoff_.duration;
  if (backoff_.factor != 0) {
    backoff_.duration = std::chrono::nanoseconds(
        static_cast<std::int64_t>(static_cast<double>(backoff_.duration.count()) * backoff_.factor));
    if (backoff_.cap > std::chrono::nanoseconds(0) && backoff_.duration > backoff_.cap) {
      backoff_.duration = backoff_.cap;
      backoff_.steps = 0;
    }
  }
  return jittered(duration);
}

RetryPolicy::RetryPolicy(RetryLimits limits, std::uint64_t seed)
    : limits_(limits), conflict_(limits.conflict, seed), server_error_(limits.server_error, seed + 1) {}

RetryDecision RetryPolicy::back_off(const std::string& what) {
  // ExponentialBackoff: the condition runs Steps times, so Steps - 1 sleeps.
  ++server_errors_;
  if (server_errors_ >= limits_.server_error.steps) {
    return {RetryAction::kGiveUp, {}, "giving up after " + std::to_string(server_errors_) + " attempts: " + what};
  }
  return {RetryAction::kRetry, server_error_.step(),
          what + ", backing off (attempt " + std::to_string(server_errors_ + 1) + " of " +
              std::to_string(limits_.server_error.steps) + ")"};
}

RetryDecision RetryPolicy::next(const ApiError& error, std::optional<std::chrono::seconds> retry_after) {
  const std::string what = std::to_string(error.http_status) + " " + (error.reason.empty() ? "Unknown" : error.reason);
  if (is_conflict(error)) {
    ++conflicts_;
    if (conflicts_ >= limits_.conflict.steps) {
      return {RetryAction::kGiveUp, {}, "giving up after " + std::to_string(conflicts_) + " conflicts"};
    }
    return {RetryAction::kRereadAndRetry, conflict_.step(),
            "conflict " + std::to_string(conflicts_) + " of " + std::to_string(limits_.conflict.steps - 1) +
                " allowed, re-reading"};
  }
  if (!is_retryable(error)) {
    return {RetryAction::kGiveUp, {}, "giving up: " + what + " is not retryable"};
  }
  if (retry_after) {
    ++retry_after_waits_;
    if (retry_after_waits_ > limits_.max_retry_after_waits) {
      return {RetryAction::kGiveUp,
              {},
              "giving up after " + std::to_string(limits_.max_retry_after_waits) + " Retry-After waits: " + what};
    }
    const auto wait = std::min(*retry_after, limits_.max_retry_after);
    return {RetryAction::kRetry, wait,
            what + ", retrying after " + std::to_string(wait.count()) + " s as the server asked"};
  }
  return back_off(what);
}

RetryDecision RetryPolicy::next(const TransportFailure& failure) {
  return back_off((failure.timeout ? "timeout: " : "transport error: ") + failure.message);
}

}  // namespace hpad::kube
