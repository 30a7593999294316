// HPA normalization against the scenarios of upstream's horizontal_test.go
// (TestNormalizeDesiredReplicas[WithBehavior], TestConvertDesiredReplicasWithRules,
// TestCalculateScaleUp/DownLimit..., TestScalingWithRules, TestStoreScaleEvents) with our own
// numbers, worked out beside each expectation, plus DECIDE-API's window-of-0 and seeding rules.
// Times are offsets before one fixed `now`; the controller's downscale window is 300 s unless a
// case says otherwise.
#include "hpad/policies/normalize.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "hpad/policies/policy.h"
#include "hpad/policies/time.h"

namespace hpad::policies {
namespace {

constexpr std::int32_t kMaxInt32 = std::numeric_limits<std::int32_t>::max();
constexpr Time kNow{1'800'000'000, 250'000'000};

constexpr Time ago(Duration d) {
  return kNow + (-d);
}

Recommendation rec(std::int32_t replicas, std::int32_t seconds_ago) {
  return {replicas, ago(seconds_ago * kSecond)};
}

ScaleEvent event(std::int32_t change, std::int32_t seconds_ago, bool outdated = false) {
  return {change, ago(seconds_ago * kSecond), outdated};
}

HPAScalingPolicy pods(std::int32_t value, std::int32_t period) {
  return {ScalingPolicyType::kPods, value, period};
}

HPAScalingPolicy percent(std::int32_t value, std::int32_t period) {
  return {ScalingPolicyType::kPercent, value, period};
}

HPAScalingRules rules(std::optional<std::int32_t> window, SelectPolicy select, std::vector<HPAScalingPolicy> policies) {
  return {window, select, std::move(policies), std::nullopt};
}

NormalizationInput input(std::int32_t current, std::int32_t desired, std::int32_t min_replicas = 1,
                         std::int32_t max_replicas = 100) {
  NormalizationInput in;
  in.current_replicas = current;
  in.desired_replicas = desired;
  in.min_replicas = min_replicas;
  in.max_replicas = max_replicas;
  in.now = kNow;
  return in;
}

NormalizationInput with_behavior(NormalizationInput in, Behavior b = {}) {
  in.behavior = std::move(b);
  return in;
}

NormalizationState history(std::vector<Recommendation> recs) {
  NormalizationState state;
  state.recommendations = std::move(recs);
  return state;
}

struct Case {
  std::string name;
  NormalizationInput input;
  NormalizationState state;
  std::int32_t stabilized;
  std::int32_t final_replicas;
  std::string able_to_scale_reason;
  std::string limited_reason;
};

std::ostream& operator<<(std::ostream& os, const Case& c) {
  return os << c.name;
}

std::string case_name(const testing::TestParamInfo<Case>& param_info) {
  return param_info.param.name;
}

class NormalizeTable : public testing::TestWithParam<Case> {};

TEST_P(NormalizeTable, Normalizes) {
  const Case& c = GetParam();
  const NormalizationResult r = normalize(c.input, c.state);
  EXPECT_EQ(r.stabilized, c.stabilized);
  EXPECT_EQ(r.final_replicas, c.final_replicas);
  EXPECT_EQ(r.able_to_scale_reason, c.able_to_scale_reason);
  EXPECT_EQ(r.limited_reason, c.limited_reason);
  EXPECT_EQ(r.limited, c.final_replicas != c.stabilized);
  EXPECT_FALSE(r.able_to_scale_message.empty());
  EXPECT_FALSE(r.limited_message.empty());
}

NormalizationInput factor(NormalizationInput in, double f) {
  in.scale_up_limit_factor = f;
  return in;
}

NormalizationInput window(NormalizationInput in, Duration w) {
  in.downscale_stabilization_window = w;
  return in;
}

// --- No behavior (§6) ---------------------------------------------------------------------------

INSTANTIATE_TEST_SUITE_P(
    NoBehavior, NormalizeTable,
    testing::Values(
        // 6 was recommended 4 min ago, inside the 5 min window: the scale-down to 3 waits.
        Case{"ScaleDownHeldByFiveMinuteMax", input(5, 3, 1, 10), history({rec(6, 240), rec(4, 60)}), 6, 6,
             kScaleDownStabilized, kDesiredWithinRange},
        // 8 is 6 min old, outside the window; the highest recent one is 4.
        Case{"OldRecommendationIgnored", input(5, 3, 1, 10), history({rec(8, 360), rec(4, 60)}), 4, 4,
             kScaleDownStabilized, kDesiredWithinRange},
        // Exactly now - 300 s is not older than the cutoff: it takes part.
        Case{"EntryAtCutoffTakesPart", input(5, 3, 1, 10), history({rec(7, 300)}), 7, 7, kScaleDownStabilized,
             kDesiredWithinRange},
        // Never seen: seeded with {5, now}, which holds the scale-down to 2 at 5.
        Case{"SeedJustAfterStartHoldsScaleDown", input(5, 2, 1, 10), NormalizationState{}, 5, 5, kScaleDownStabilized,
             kDesiredWithinRange},
        // An empty list means seen, nothing recorded: no seed, the scale-down goes through.
        Case{"EmptyHistoryIsNotSeeded", input(5, 2, 1, 10), history({}), 2, 2, kReadyForNewScale, kDesiredWithinRange},
        // A window of 0 holds nothing back, not even the seed {5, now}.
        Case{"WindowZeroIgnoresSeed", window(input(5, 2, 1, 10), 0), NormalizationState{}, 2, 2, kReadyForNewScale,
             kDesiredWithinRange},
        // A scale-up is never stabilized: max(20, 4) = 20; the cap max(2 x 3, 4) = 6 binds.
        Case{"CapTwiceCurrent", input(3, 20), history({rec(4, 60)}), 20, 6, kReadyForNewScale, kScaleUpLimit},
        // max(2 x 1, 4) = 4.
        Case{"CapMinimumFour", input(1, 10), history({}), 10, 4, kReadyForNewScale, kScaleUpLimit},
        // Upstream's tests use factor 8: max(8 x 3, 4) = 24.
        Case{"CapFactorEight", factor(input(3, 30), 8.0), history({}), 30, 24, kReadyForNewScale, kScaleUpLimit},
        // cap 6 > max 5: the max binds, reason TooManyReplicas.
        Case{"MaxBindsBeforeCap", input(3, 20, 1, 5), history({}), 20, 5, kReadyForNewScale, kTooManyReplicas},
        // 1 < min 2.
        Case{"TooFewReplicas", input(3, 1, 2, 10), history({}), 1, 2, kReadyForNewScale, kTooFewReplicas},
        // A scale-up is not held back by a lower recent recommendation; cap max(6, 4) = 6 allows 5.
        Case{"ScaleUpNotHeldByWindow", input(3, 5, 1, 10), history({rec(2, 60)}), 5, 5, kReadyForNewScale,
             kDesiredWithinRange},
        // factor x current = 3e300 saturates at MaxInt32 (Go's int32() is implementation-defined there).
        Case{"CapSaturates", factor(input(3, kMaxInt32, 1, kMaxInt32), 1e300), history({}), kMaxInt32, kMaxInt32,
             kReadyForNewScale, kDesiredWithinRange},
        // Without behavior min/max apply even with no movement: 12 = current > max 10.
        Case{"MaxAppliesWithoutMovement", input(12, 12, 1, 10), history({}), 12, 10, kReadyForNewScale,
             kTooManyReplicas}),
    case_name);

// --- Behavior (§7) ------------------------------------------------------------------------------

Behavior up_rules(HPAScalingRules up) {
  Behavior b;
  b.scale_up = std::move(up);
  return b;
}

Behavior down_rules(HPAScalingRules down) {
  Behavior b;
  b.scale_down = std::move(down);
  return b;
}

Behavior windows(std::int32_t up, std::int32_t down) {
  Behavior b;
  b.scale_up.stabilization_window_seconds = up;
  b.scale_down.stabilization_window_seconds = down;
  return b;
}

const std::vector<HPAScalingPolicy> kDefaultUp = {pods(4, 15), percent(100, 15)};

INSTANTIATE_TEST_SUITE_P(
    Behavior, NormalizeTable,
    testing::Values(
        // Defaults: 1 + 4 pods = 5 beats ceil(1 x 2) = 2 (Max).
        Case{"DefaultsPodsBeatPercentAtSmallCount", with_behavior(input(1, 10)), history({}), 10, 5, kReadyForNewScale,
             kScaleUpLimit},
        // 10 x 2 = 20 beats 10 + 4 = 14.
        Case{"DefaultsPercentBeatsPods", with_behavior(input(10, 50)), history({}), 50, 20, kReadyForNewScale,
             kScaleUpLimit},
        // Min picks the smaller proposal: min(14, 20).
        Case{"SelectPolicyMinUp", with_behavior(input(10, 50), up_rules(rules(0, SelectPolicy::kMin, kDefaultUp))),
             history({}), 50, 14, kReadyForNewScale, kScaleUpLimit},
        // Disabled: the limit is current.
        Case{"SelectPolicyDisabledUp",
             with_behavior(input(10, 50), up_rules(rules(0, SelectPolicy::kDisabled, kDefaultUp))), history({}), 50, 10,
             kReadyForNewScale, kScaleUpLimit},
        // 7 x (1 - 0.3) = 4.9 truncates to 4 (rounding would give 5).
        Case{"ScaleDownPercentTruncates",
             with_behavior(input(7, 1), down_rules(rules(0, SelectPolicy::kMax, {percent(30, 60)}))), history({}), 1, 4,
             kReadyForNewScale, kScaleDownLimit},
        // Down, Max = largest change = the LOWEST proposal: min(10 - 1, 10 x 0.5) = 5.
        Case{"ScaleDownMaxPicksLowest",
             with_behavior(input(10, 1), down_rules(rules(0, SelectPolicy::kMax, {pods(1, 60), percent(50, 60)}))),
             history({}), 1, 5, kReadyForNewScale, kScaleDownLimit},
        // Down, Min = smallest change = the HIGHEST proposal: max(9, 5) = 9.
        Case{"ScaleDownMinPicksHighest",
             with_behavior(input(10, 1), down_rules(rules(0, SelectPolicy::kMin, {pods(1, 60), percent(50, 60)}))),
             history({}), 1, 9, kReadyForNewScale, kScaleDownLimit},
        // Disabled: no scale-down at all.
        Case{"ScaleDownDisabled",
             with_behavior(input(10, 1), down_rules(rules(0, SelectPolicy::kDisabled, {percent(100, 15)}))),
             history({}), 1, 10, kReadyForNewScale, kScaleDownLimit},
        // Up events in the 60 s period are subtracted: start = 8 - 3 = 5 (the 90 s one is out), 5 + 4 = 9.
        Case{"PeriodStartSubtractsRecentUpEvents",
             with_behavior(input(8, 20), up_rules(rules(0, SelectPolicy::kMax, {pods(4, 60)}))),
             NormalizationState{std::vector<Recommendation>{}, {event(3, 30), event(2, 90)}, {}}, 20, 9,
             kReadyForNewScale, kScaleUpLimit},
        // Down events are added back: start = 4 + 2 = 6, ceil(6 x 2) = 12.
        Case{"PeriodStartAddsRecentDownEvents",
             with_behavior(input(4, 20), up_rules(rules(0, SelectPolicy::kMax, {percent(100, 60)}))),
             NormalizationState{std::vector<Recommendation>{}, {}, {event(2, 10)}}, 20, 12, kReadyForNewScale,
             kScaleUpLimit},
        // start = 10 - 5 = 5, 5 + 2 = 7 < current: the limit is raised to current, no move.
        Case{"LimitBelowCurrentClampedToCurrent",
             with_behavior(input(10, 15), up_rules(rules(0, SelectPolicy::kMax, {pods(2, 60)}))),
             NormalizationState{std::vector<Recommendation>{}, {event(5, 10)}, {}}, 15, 10, kReadyForNewScale,
             kScaleUpLimit},
        // An event exactly one period old is not newer than now - period: start = 10, 10 + 2 = 12.
        Case{"EventAtPeriodStartDoesNotCount",
             with_behavior(input(10, 15), up_rules(rules(0, SelectPolicy::kMax, {pods(2, 60)}))),
             NormalizationState{std::vector<Recommendation>{}, {event(5, 60)}, {}}, 15, 12, kReadyForNewScale,
             kScaleUpLimit},
        // Up window 60 s: lowest of 10 and 7 (4 is 90 s old) = 7; between current 5 and downRec 10.
        Case{"UpWindowTakesLowestRecent", with_behavior(input(5, 10), windows(60, 300)),
             history({rec(7, 30), rec(4, 90)}), 7, 7, kScaleUpStabilized, kDesiredWithinRange},
        // Down window 120 s: highest of 3 and 8 (9 is 200 s old) = 8; the 100% policy allows it.
        Case{"DownWindowTakesHighestRecent", with_behavior(input(10, 3), windows(0, 120)),
             history({rec(8, 60), rec(9, 200)}), 8, 8, kScaleDownStabilized, kDesiredWithinRange},
        // Both 60 s: upRec = min(6, 3, 8) = 3, downRec = max(6, 3, 8) = 8; current 5 lies between: stays.
        Case{"BothWindowsClampBetween", with_behavior(input(5, 6), windows(60, 60)), history({rec(3, 30), rec(8, 30)}),
             5, 5, kScaleUpStabilized, kDesiredWithinRange},
        // Both windows 0: the seed {5, now} takes no part; the 100% policy allows 2.
        Case{"WindowZeroIgnoresSeed", with_behavior(input(5, 2), windows(0, 0)), NormalizationState{}, 2, 2,
             kReadyForNewScale, kDesiredWithinRange},
        // Default down window (the flag, 300 s): the seed {5, now} holds the scale-down.
        Case{"SeedHoldsScaleDownWithDefaultWindow", with_behavior(input(5, 2)), NormalizationState{}, 5, 5,
             kScaleDownStabilized, kDesiredWithinRange},
        // An unset down window takes the flag truncated to seconds: 90.9 s -> 90 s; the 9 exactly 90 s old
        // is out (not newer than now - 90 s), the 7 at 89 s is in.
        Case{"UnsetDownWindowTakesFlagTruncated", window(with_behavior(input(10, 3)), 90 * kSecond + 900'000'000),
             history({rec(9, 90), rec(7, 89)}), 7, 7, kScaleDownStabilized, kDesiredWithinRange},
        // No movement: current 12 above max 10 stays (min/max only in the direction of movement).
        Case{"MaxNotAppliedWithoutMovement", with_behavior(input(12, 12, 1, 10)), history({}), 12, 12,
             kReadyForNewScale, kDesiredWithinRange},
        // Scaling up from below min: 1 -> 2 is allowed although min is 3 (min applies only downward).
        Case{"MinNotAppliedWhenScalingUp", with_behavior(input(1, 2, 3, 10)), history({}), 2, 2, kReadyForNewScale,
             kDesiredWithinRange},
        // Limit 20 >= max 15: the max binds.
        Case{"TooManyReplicasWhenMaxBinds", with_behavior(input(10, 50, 1, 15)), history({}), 50, 15, kReadyForNewScale,
             kTooManyReplicas},
        // Down limit 10 x 0 = 0 <= min 3: the min binds.
        Case{"TooFewReplicasWhenMinBinds", with_behavior(input(10, 1, 3, 100), windows(0, 0)), history({}), 1, 3,
             kReadyForNewScale, kTooFewReplicas},
        // Two MaxInt32 down events: the sum, the period start and ceil(start x 2) all saturate at MaxInt32;
        // the max (100) binds before that limit and 50 is within it.
        Case{"PeriodStartSaturates",
             with_behavior(input(10, 50), up_rules(rules(0, SelectPolicy::kMax, {percent(100, 60)}))),
             NormalizationState{std::vector<Recommendation>{}, {}, {event(kMaxInt32, 10), event(kMaxInt32, 20)}}, 50,
             50, kReadyForNewScale, kDesiredWithinRange},
        // 10 + MaxInt32 saturates at MaxInt32 (Go would wrap): the limit does not bind, the desired count passes.
        Case{"PodsLimitSaturates",
             with_behavior(input(10, kMaxInt32, 1, kMaxInt32),
                           up_rules(rules(0, SelectPolicy::kMax, {pods(kMaxInt32, 15)}))),
             history({}), kMaxInt32, kMaxInt32, kReadyForNewScale, kDesiredWithinRange}),
    case_name);

// --- The recommendation history -----------------------------------------------------------------

TEST(NormalizeHistory, SeedsNeverSeenWithCurrentThenStores) {
  const NormalizationResult r = normalize(input(5, 2, 1, 10), NormalizationState{});
  ASSERT_TRUE(r.state.recommendations.has_value());
  ASSERT_EQ(r.state.recommendations->size(), 2U);  // the seed {5, now}, then {2, now} appended
  EXPECT_EQ((*r.state.recommendations)[0].replicas, 5);
  EXPECT_EQ((*r.state.recommendations)[1].replicas, 2);
  EXPECT_EQ((*r.state.recommendations)[1].timestamp, kNow);
}

TEST(NormalizeHistory, NoBehaviorReplacesLastTooOldEntry) {
  // 400 s and 350 s are older than now - 300 s; the LAST of them (index 2) takes {3, now}.
  const NormalizationResult r = normalize(input(5, 3, 1, 10), history({rec(4, 400), rec(5, 10), rec(6, 350)}));
  const std::vector<Recommendation>& recs = *r.state.recommendations;
  ASSERT_EQ(recs.size(), 3U);
  EXPECT_EQ(recs[0].replicas, 4);
  EXPECT_EQ(recs[1].replicas, 5);
  EXPECT_EQ(recs[2].replicas, 3);
  EXPECT_EQ(recs[2].timestamp, kNow);
  EXPECT_EQ(r.stabilized, 5);  // only the 10 s old 5 is in the window
}

TEST(NormalizeHistory, NoBehaviorAppendsWhenNothingIsStale) {
  const NormalizationResult r = normalize(input(5, 3, 1, 10), history({rec(4, 300), rec(5, 10)}));
  ASSERT_EQ(r.state.recommendations->size(), 3U);  // 300 s old is not older than the cutoff
  EXPECT_EQ(r.state.recommendations->back().replicas, 3);
}

TEST(NormalizeHistory, BehaviorReplacesOnlyEntriesOlderThanBothWindows) {
  // Up 60 s, down 120 s: 200 s and 150 s are older than both, 100 s is not (inside the down window);
  // the last stale one (index 2) takes {9, now}.
  const NormalizationResult r =
      normalize(with_behavior(input(5, 9), windows(60, 120)), history({rec(4, 200), rec(5, 100), rec(6, 150)}));
  const std::vector<Recommendation>& recs = *r.state.recommendations;
  ASSERT_EQ(recs.size(), 3U);
  EXPECT_EQ(recs[0].replicas, 4);
  EXPECT_EQ(recs[1].replicas, 5);
  EXPECT_EQ(recs[2].replicas, 9);
  EXPECT_EQ(recs[2].timestamp, kNow);
}

TEST(NormalizeHistory, LeavesScaleEventsAlone) {
  NormalizationState state = history({});
  state.scale_up_events = {event(2, 1000)};
  const NormalizationResult r = normalize(with_behavior(input(5, 9)), state);
  ASSERT_EQ(r.state.scale_up_events.size(), 1U);
  EXPECT_FALSE(r.state.scale_up_events[0].outdated);  // only record_scale marks events
}

// --- Scale events (storeScaleEvent) -------------------------------------------------------------

TEST(RecordScale, NothingWithoutBehavior) {
  const NormalizationState s = record_scale(input(5, 9), history({}), 9);
  EXPECT_TRUE(s.scale_up_events.empty());
  EXPECT_TRUE(s.scale_down_events.empty());
}

TEST(RecordScale, NothingWithoutMovement) {
  const NormalizationState s = record_scale(with_behavior(input(5, 5)), history({}), 5);
  EXPECT_TRUE(s.scale_up_events.empty());
  EXPECT_TRUE(s.scale_down_events.empty());
}

TEST(RecordScale, ScaleUpMarksOutdatedAndReusesLastSlot) {
  // Longest up period 60 s: the 100 s and 70 s events are outdated; the last one (index 2) is reused.
  NormalizationState state = history({});
  state.scale_up_events = {event(2, 100), event(1, 10), event(3, 70)};
  const NormalizationState s = record_scale(
      with_behavior(input(5, 9), up_rules(rules(0, SelectPolicy::kMax, {pods(4, 15), percent(100, 60)}))), state, 9);
  ASSERT_EQ(s.scale_up_events.size(), 3U);
  EXPECT_TRUE(s.scale_up_events[0].outdated);
  EXPECT_FALSE(s.scale_up_events[1].outdated);
  EXPECT_EQ(s.scale_up_events[2].replica_change, 4);  // 9 - 5
  EXPECT_EQ(s.scale_up_events[2].timestamp, kNow);
  EXPECT_FALSE(s.scale_up_events[2].outdated);
  EXPECT_TRUE(s.scale_down_events.empty());
}

TEST(RecordScale, ScaleDownAppendsWhenNothingOutdated) {
  // Default down period 15 s: the 15 s old event is not before now - 15 s, so it stays in use.
  NormalizationState state = history({});
  state.scale_down_events = {event(1, 15)};
  const NormalizationState s = record_scale(with_behavior(input(10, 3)), state, 3);
  ASSERT_EQ(s.scale_down_events.size(), 2U);
  EXPECT_FALSE(s.scale_down_events[0].outdated);
  EXPECT_EQ(s.scale_down_events[1].replica_change, 7);  // 10 - 3, absolute
  EXPECT_TRUE(s.scale_up_events.empty());
}

TEST(RecordScale, EarlierOutdatedFlagStaysReusable) {
  // Marked outdated by an earlier call (flag set) though recent by timestamp: still reused.
  NormalizationState state = history({});
  state.scale_down_events = {event(2, 5, true), event(1, 3)};
  const NormalizationState s = record_scale(with_behavior(input(10, 8)), state, 8);
  ASSERT_EQ(s.scale_down_events.size(), 2U);
  EXPECT_EQ(s.scale_down_events[0].replica_change, 2);
  EXPECT_EQ(s.scale_down_events[0].timestamp, kNow);
  EXPECT_EQ(s.scale_down_events[1].replica_change, 1);
}

// A sequence of syncs: the rate limit follows the recorded events.
TEST(RecordScale, ConsecutiveScaleUpsRespectThePeriod) {
  const Behavior b = up_rules(rules(0, SelectPolicy::kMax, {pods(4, 60)}));
  NormalizationInput in = with_behavior(input(2, 20), b);
  NormalizationResult r = normalize(in, history({}));
  EXPECT_EQ(r.final_replicas, 6);  // 2 + 4
  NormalizationState state = record_scale(in, r.state, r.final_replicas);

  in.current_replicas = 6;
  in.now = kNow + 30 * kSecond;
  r = normalize(in, state);
  EXPECT_EQ(r.final_replicas, 6);  // start = 6 - 4 = 2, 2 + 4 = 6: no more in this period
  EXPECT_EQ(r.limited_reason, kScaleUpLimit);

  in.now = kNow + 61 * kSecond;
  r = normalize(in, state);
  EXPECT_EQ(r.final_replicas, 10);  // the event left the period: 6 + 4
}

}  // namespace
}  // namespace hpad::policies
