// hpad::kube backoff: wait.Backoff.Step() semantics (growth by Factor, cap ending the growth,
// jitter in [d, d*(1+Jitter)), deterministic for a seed), and RetryPolicy's decision for each kind
// of failure (conflict → re-read, 429 → Retry-After, 5xx/transport → backoff, other 4xx → give up).
#include "hpad/kube/backoff.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace hpad::kube {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;
using ::testing::HasSubstr;

struct StepCase {
  std::string name{};
  Backoff backoff{};
  std::vector<milliseconds> expected{};  // without jitter
};

class BackoffStep : public ::testing::TestWithParam<StepCase> {};

TEST_P(BackoffStep, GrowsAsClientGo) {
  const StepCase& c = GetParam();
  BackoffSteps steps(c.backoff, 42);
  for (std::size_t i = 0; i < c.expected.size(); ++i) {
    EXPECT_EQ(steps.step(), nanoseconds(c.expected[i])) << "step " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BackoffStep,
    ::testing::Values(
        // retry.DefaultBackoff without jitter: ×5 for 4 steps, then the last duration again.
        StepCase{"FactorForStepsThenConstant",
                 Backoff{milliseconds(10), 5.0, 0.0, 4, {}},
                 {milliseconds(10), milliseconds(50), milliseconds(250), milliseconds(1250), milliseconds(6250),
                  milliseconds(6250)}},  // after Steps, Step() keeps returning Duration (already ×5 once more)
        StepCase{"CapStopsTheGrowth",
                 Backoff{milliseconds(100), 2.0, 0.0, 10, milliseconds(500)},
                 {milliseconds(100), milliseconds(200), milliseconds(400), milliseconds(500), milliseconds(500)}},
        StepCase{"FactorZeroIsConstant",
                 Backoff{milliseconds(30), 0.0, 0.0, 3, {}},
                 {milliseconds(30), milliseconds(30), milliseconds(30), milliseconds(30)}},
        StepCase{"NoStepsReturnsTheDuration",
                 Backoff{milliseconds(7), 3.0, 0.0, 0, {}},
                 {milliseconds(7), milliseconds(7)}}),
    [](const auto& param_info) { return param_info.param.name; });

TEST(BackoffStep, JitterStaysWithinItsFactorAndFollowsTheSeed) {
  const Backoff backoff{milliseconds(100), 2.0, 0.5, 5, {}};
  BackoffSteps a(backoff, 7);
  BackoffSteps b(backoff, 7);
  BackoffSteps other(backoff, 8);
  nanoseconds base = milliseconds(100);
  bool differs = false;
  for (int i = 0; i < 5; ++i) {
    const auto d = a.step();
    EXPECT_GE(d, base) << "step " << i;
    EXPECT_LT(d, base + base / 2) << "step " << i;  // jitter 0.5: [d, 1.5 d)
    EXPECT_EQ(b.step(), d) << "same seed, same delays";
    differs = differs || other.step() != d;
    base *= 2;
  }
  EXPECT_TRUE(differs) << "another seed gives other delays";
}

// One failed attempt fed to the policy, and what it must answer.
struct Attempt {
  int http_status = 0;  // 0: a transport failure
  std::optional<seconds> retry_after{};
  RetryAction action = RetryAction::kGiveUp;
  milliseconds delay{0};  // jitter is off in these cases
  std::string reason_part{};
};

struct PolicyCase {
  std::string name{};
  std::vector<Attempt> attempts{};
};

class RetryPolicyDecides : public ::testing::TestWithParam<PolicyCase> {};

TEST_P(RetryPolicyDecides, AsTheFailureKindAsks) {
  RetryLimits limits;
  limits.conflict = Backoff{milliseconds(10), 1.0, 0.0, 3, {}};               // 3 attempts in all
  limits.server_error = Backoff{milliseconds(500), 2.0, 0.0, 4, seconds(1)};  // 4 attempts in all
  limits.max_retry_after_waits = 2;
  limits.max_retry_after = seconds(30);
  RetryPolicy policy(limits, 1);
  const auto& attempts = GetParam().attempts;
  for (std::size_t i = 0; i < attempts.size(); ++i) {
    const Attempt& a = attempts[i];
    const RetryDecision decision = a.http_status == 0 ? policy.next(TransportFailure{"connection refused", false})
                                                      : policy.next(parse_api_error(a.http_status, ""), a.retry_after);
    EXPECT_EQ(decision.action, a.action) << "attempt " << i << ": " << decision.reason;
    EXPECT_EQ(decision.delay, nanoseconds(a.delay)) << "attempt " << i;
    EXPECT_THAT(decision.reason, HasSubstr(a.reason_part)) << "attempt " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RetryPolicyDecides,
    ::testing::Values(
        PolicyCase{"ConflictRereadsUntilTheBudget",
                   {{409, {}, RetryAction::kRereadAndRetry, milliseconds(10), "conflict 1 of 2"},
                    {409, {}, RetryAction::kRereadAndRetry, milliseconds(10), "conflict 2 of 2"},
                    {409, {}, RetryAction::kGiveUp, milliseconds(0), "after 3 conflicts"}}},
        PolicyCase{"TooManyRequestsWaitsRetryAfterBounded",
                   {{429, seconds(5), RetryAction::kRetry, seconds(5), "as the server asked"},
                    {429, seconds(3600), RetryAction::kRetry, seconds(30), "after 30 s"},  // cut to the max
                    {429, seconds(1), RetryAction::kGiveUp, milliseconds(0), "after 2 Retry-After waits"}}},
        PolicyCase{"TooManyRequestsWithoutRetryAfterBacksOff",
                   {{429, {}, RetryAction::kRetry, milliseconds(500), "backing off"}}},
        PolicyCase{"ServerErrorsBackOffCappedThenGiveUp",
                   {{500, {}, RetryAction::kRetry, milliseconds(500), "attempt 2 of 4"},
                    {503, {}, RetryAction::kRetry, milliseconds(1000), "attempt 3 of 4"},
                    {504, {}, RetryAction::kRetry, milliseconds(1000), "attempt 4 of 4"},  // capped at 1 s
                    {502, {}, RetryAction::kGiveUp, milliseconds(0), "giving up after 4 attempts"}}},
        PolicyCase{"TransportErrorsShareTheServerErrorBudget",
                   {{0, {}, RetryAction::kRetry, milliseconds(500), "transport error: connection refused"},
                    {500, {}, RetryAction::kRetry, milliseconds(1000), "attempt 3 of 4"}}},
        PolicyCase{"ClientErrorsGiveUpAtOnce",
                   {{404, {}, RetryAction::kGiveUp, milliseconds(0), "404 NotFound is not retryable"}}},
        PolicyCase{"ForbiddenGivesUpAtOnce",
                   {{403, {}, RetryAction::kGiveUp, milliseconds(0), "403 Forbidden is not retryable"}}},
        PolicyCase{"InvalidGivesUpEvenWithRetryAfter",
                   {{422, seconds(1), RetryAction::kGiveUp, milliseconds(0), "422 Invalid is not retryable"}}}),
    [](const auto& param_info) { return param_info.param.name; });

TEST(RetryPolicyDecides, TimeoutsAreNamedAsSuch) {
  RetryPolicy policy;
  const RetryDecision decision = policy.next(TransportFailure{"no response in 10 s", true});
  EXPECT_EQ(decision.action, RetryAction::kRetry);
  EXPECT_THAT(decision.reason, HasSubstr("timeout: no response in 10 s"));
  // kServerErrorBackoff: 500 ms plus up to 10 % jitter.
  EXPECT_GE(decision.delay, milliseconds(500));
  EXPECT_LT(decision.delay, milliseconds(550));
}

}  // namespace
}  // namespace hpad::kube
