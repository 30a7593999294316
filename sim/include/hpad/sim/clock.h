// The one source of time of the simulator. Pod lifecycle, workload curves and timestamps all read
// it, so that tests move a ManualClock and get the same answer every run. Both clocks are
// thread-safe: the server's ticker thread and its request threads read them concurrently.
#pragma once

#include <chrono>
#include <mutex>

namespace hpad::sim {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
};

// Time stands still until the test moves it. Starts at a fixed, whole-second instant so that
// timestamps in expectations are stable.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start = TimePoint{std::chrono::seconds{1'800'000'000}}) : now_(start) {}
  TimePoint now() const override {
    std::lock_guard lock(mutex_);
    return now_;
  }
  void advance(std::chrono::nanoseconds by) {
    std::lock_guard lock(mutex_);
    now_ += std::chrono::duration_cast<TimePoint::duration>(by);
  }

 private:
  mutable std::mutex mutex_;
  TimePoint now_;  // guarded by mutex_
};

}  // namespace hpad::sim
