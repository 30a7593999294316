// hpad::kube::TokenBucketRateLimiter from many threads at once: every reservation gets its own
// slot, so the delays handed out are exactly the burst's zeros and then one per 1/qps, with no
// slot given twice and none skipped. Runs under ThreadSanitizer in CI (label "concurrent").
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <thread>
#include <vector>

#include "hpad/kube/rate_limiter.h"

namespace hpad::kube {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;

TEST(RateLimiterConcurrent, EveryReservationGetsItsOwnSlot) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 50;
  constexpr int kBurst = 30;
  TokenBucketRateLimiter limiter(20, kBurst);
  const std::chrono::steady_clock::time_point epoch{};
  std::mutex mutex;
  std::vector<nanoseconds> delays;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      std::vector<nanoseconds> mine;
      for (int i = 0; i < kPerThread; ++i) {
        mine.push_back(limiter.reserve(epoch));
      }
      std::lock_guard lock(mutex);
      delays.insert(delays.end(), mine.begin(), mine.end());
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  std::sort(delays.begin(), delays.end());
  ASSERT_EQ(delays.size(), static_cast<std::size_t>(kThreads * kPerThread));
  for (std::size_t i = 0; i < delays.size(); ++i) {
    const auto expected =
        i < kBurst ? nanoseconds(0) : nanoseconds(milliseconds(50)) * static_cast<long>(i + 1 - kBurst);
    ASSERT_EQ(delays[i], expected) << "reservation " << i;
  }
}

TEST(RateLimiterConcurrent, WaitFromManyThreadsSleepsTheSameTotal) {
  // With a fake clock frozen at the epoch, 40 waits on a 10-token bucket at 1000 qps sleep
  // 1 ms, 2 ms, ..., 30 ms in some order between the threads.
  const std::chrono::steady_clock::time_point epoch{};
  std::mutex mutex;
  nanoseconds total{0};
  TokenBucketRateLimiter limiter(
      1000, 10, [&] { return epoch; },
      [&](nanoseconds d) {
        std::lock_guard lock(mutex);
        total += d;
      });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        limiter.wait();
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(total, nanoseconds(milliseconds(30 * 31 / 2)));
}

}  // namespace
}  // namespace hpad::kube
