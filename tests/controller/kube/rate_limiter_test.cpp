// hpad::kube::TokenBucketRateLimiter: client-go's token bucket (20 qps, burst 30 by default) on
// a fake clock: a full bucket lets a burst through at once, then requests are spaced 1/qps apart,
// and idle time refills the bucket up to the burst, no further.
#include "hpad/kube/rate_limiter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace hpad::kube {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;

struct Request {
  milliseconds at;        // when reserve() is called, from the epoch
  milliseconds expected;  // the delay it must get
};

struct ReserveCase {
  std::string name{};
  double qps = 0;
  int burst = 0;
  std::vector<Request> requests{};
};

class RateLimiterReserve : public ::testing::TestWithParam<ReserveCase> {};

TEST_P(RateLimiterReserve, DelaysAsTheTokenBucket) {
  const ReserveCase& c = GetParam();
  TokenBucketRateLimiter limiter(c.qps, c.burst);
  const std::chrono::steady_clock::time_point epoch{};
  for (std::size_t i = 0; i < c.requests.size(); ++i) {
    EXPECT_EQ(limiter.reserve(epoch + c.requests[i].at), nanoseconds(c.requests[i].expected)) << "request " << i;
  }
}

std::vector<Request> burst_then_rate() {
  std::vector<Request> requests;
  for (int i = 0; i < 30; ++i) {
    requests.push_back({milliseconds(0), milliseconds(0)});  // the full bucket
  }
  for (int i = 1; i <= 20; ++i) {
    requests.push_back({milliseconds(0), milliseconds(50 * i)});  // then one every 1/20 s
  }
  return requests;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RateLimiterReserve,
    ::testing::Values(ReserveCase{"Burst30ImmediateThen20PerSecond", 20, 30, burst_then_rate()},
                      ReserveCase{"IdleTimeRefills",
                                  2,
                                  1,
                                  {{milliseconds(0), milliseconds(0)},
                                   {milliseconds(0), milliseconds(500)},   // reserved the token due at 0.5 s
                                   {milliseconds(1000), milliseconds(0)},  // the debt was paid by 1 s
                                   {milliseconds(1250), milliseconds(250)}}},
                      ReserveCase{"RefillStopsAtTheBurst",
                                  10,
                                  2,
                                  {{milliseconds(0), milliseconds(0)},
                                   {milliseconds(10000), milliseconds(0)},  // 10 s idle: back to 2 tokens, not 100
                                   {milliseconds(10000), milliseconds(0)},
                                   {milliseconds(10000), milliseconds(100)}}},
                      ReserveCase{"ClockGoingBackRefillsNothing",
                                  1,
                                  1,
                                  {{milliseconds(5000), milliseconds(0)}, {milliseconds(4000), milliseconds(1000)}}},
                      ReserveCase{"NonPositiveQpsMeansUnlimited",
                                  0,
                                  1,
                                  {{milliseconds(0), milliseconds(0)},
                                   {milliseconds(0), milliseconds(0)},
                                   {milliseconds(0), milliseconds(0)}}}),
    [](const auto& param_info) { return param_info.param.name; });

TEST(RateLimiterTryAccept, TakesOnlyAvailableTokens) {
  TokenBucketRateLimiter limiter(10, 2);
  const std::chrono::steady_clock::time_point epoch{};
  EXPECT_TRUE(limiter.try_accept(epoch));
  EXPECT_TRUE(limiter.try_accept(epoch));
  EXPECT_FALSE(limiter.try_accept(epoch));                     // empty
  EXPECT_FALSE(limiter.try_accept(epoch + milliseconds(99)));  // 0.99 of a token
  EXPECT_TRUE(limiter.try_accept(epoch + milliseconds(100)));
  // A refused try_accept reserved nothing: reserve() at 200 ms finds the token refilled since 100 ms.
  EXPECT_EQ(limiter.reserve(epoch + milliseconds(200)), nanoseconds(0));
}

TEST(RateLimiterWait, SleepsForTheReservedDelay) {
  const std::chrono::steady_clock::time_point epoch{};
  std::vector<nanoseconds> sleeps;
  TokenBucketRateLimiter limiter(
      4, 1, [&] { return epoch; }, [&](nanoseconds d) { sleeps.push_back(d); });
  limiter.wait();  // the one token: no sleep
  limiter.wait();
  limiter.wait();
  EXPECT_EQ(sleeps, (std::vector<nanoseconds>{milliseconds(250), milliseconds(500)}));
}

TEST(RateLimiterDefaults, AreKubeControllerManagers) {
  TokenBucketRateLimiter limiter;
  EXPECT_EQ(limiter.qps(), 20.0);
  EXPECT_EQ(limiter.burst(), 30);
}

}  // namespace
}  // namespace hpad::kube
