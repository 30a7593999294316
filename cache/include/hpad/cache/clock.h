// The monotonic clock the cache reads time from, injected so that the cache never reads a
// clock itself and tests can move time by hand. Implementations must be thread-safe.
#pragma once

#include <atomic>
#include <chrono>

namespace hpad::cache {

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic time since an arbitrary, fixed origin.
  virtual std::chrono::nanoseconds now() const = 0;
};

// A clock that moves only when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::chrono::nanoseconds start = std::chrono::nanoseconds{0}) : now_(start.count()) {}
  std::chrono::nanoseconds now() const override {
    return std::chrono::nanoseconds{now_.load(std::memory_order_acquire)};
  }
  void advance(std::chrono::nanoseconds by) { now_.fetch_add(by.count(), std::memory_order_acq_rel); }

 private:
  std::atomic<std::int64_t> now_;
};

}  // namespace hpad::cache
