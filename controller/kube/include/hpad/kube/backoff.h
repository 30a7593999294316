// Retrying failed API requests. Backoff is client-go's wait.Backoff and its Step(): each step
// returns the current Duration (plus up to Jitter*Duration of random extra) and multiplies the
// Duration by Factor, capping it at Cap (reaching the cap ends the growth: Steps = 0), for at most
// Steps steps; after that every step returns the last Duration (jittered). As in client-go, the
// jitter is added after the cap, so a delay may exceed Cap by up to Jitter*Cap.
// RetryPolicy decides, per failed attempt, between re-reading (409 Conflict, as
// retry.RetryOnConflict with retry.DefaultRetry), waiting for Retry-After (429, bounded),
// backing off (5xx, transport errors and timeouts: wait.ExponentialBackoff), and giving up
// (other 4xx, or a budget spent). A budget of N steps allows N attempts in all, as
// ExponentialBackoff runs its condition Steps times. Not thread-safe: one per request; the
// random generator is seeded, so a given seed gives the same delays.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>

#include "hpad/kube/status.h"

namespace hpad::kube {

struct Backoff {
  std::chrono::nanoseconds duration{0};  // the next delay, before jitter
  double factor = 1.0;                   // 0 or 1: constant
  double jitter = 0.0;                   // <= 0: none
  int steps = 0;                         // steps left that grow the duration
  std::chrono::nanoseconds cap{0};       // 0: none
};

// retry.DefaultRetry: for conflicts (5 attempts, ~10 ms apart).
inline constexpr Backoff kDefaultRetry{std::chrono::milliseconds(10), 1.0, 0.1, 5, {}};
// retry.DefaultBackoff: 10 ms, 50 ms, 250 ms, 1.25 s.
inline constexpr Backoff kDefaultBackoff{std::chrono::milliseconds(10), 5.0, 0.1, 4, {}};
// hpad's backoff for server and transport errors: 0.5 s doubling to at most 16 s, 6 attempts.
inline constexpr Backoff kServerErrorBackoff{std::chrono::milliseconds(500), 2.0, 0.1, 6, std::chrono::seconds(16)};

// A Backoff being stepped through, with its own seeded random generator.
class BackoffSteps {
 public:
  BackoffSteps(Backoff backoff, std::uint64_t seed) : backoff_(backoff), random_(seed) {}
  // client-go Backoff.Step().
  std::chrono::nanoseconds step();
  // Steps left before the duration stops growing (client-go's Backoff.Steps).
  int steps_left() const { return backoff_.steps; }

 private:
  std::chrono::nanoseconds jittered(std::chrono::nanoseconds d);

  Backoff backoff_;
  std::mt19937_64 random_;
};

struct TransportFailure {
  std::string message;  // "connection refused", "TLS handshake failed: ..."
  bool timeout = false;
};

enum class RetryAction {
  kRereadAndRetry,  // conflict: GET the object again, re-apply the change, send again after `delay`
  kRetry,           // send the same request again after `delay`
  kGiveUp,
};

struct RetryDecision {
  RetryAction action = RetryAction::kGiveUp;
  std::chrono::nanoseconds delay{0};
  std::string reason;  // "conflict 2 of 5, re-reading", "giving up: 404 NotFound is not retryable"
};

struct RetryLimits {
  Backoff conflict = kDefaultRetry;
  Backoff server_error = kServerErrorBackoff;
  int max_retry_after_waits = 10;            // client-go rest.Request's maxRetries for Retry-After
  std::chrono::seconds max_retry_after{60};  // a longer Retry-After is cut to this
};

class RetryPolicy {
 public:
  explicit RetryPolicy(RetryLimits limits = {}, std::uint64_t seed = 1);

  // After an API error; `retry_after` as computed by retry_after() in status.h.
  RetryDecision next(const ApiError& error, std::optional<std::chrono::seconds> retry_after);
  // After a failure with no response (connection, TLS, timeout).
  RetryDecision next(const TransportFailure& failure);

 private:
  RetryDecision back_off(const std::string& what);

  RetryLimits limits_;
  BackoffSteps conflict_;
  BackoffSteps server_error_;
  int conflicts_ = 0;          // conflicts seen so far
  int retry_after_waits_ = 0;  // Retry-After waits granted so far
  int server_errors_ = 0;      // backoffs granted so far
};

}  // namespace hpad::kube
