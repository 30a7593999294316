// decide()'s own stages, end to end: HPA's reconcile branches as hpad reports them, fallback,
// cooldowns, activation and scale to zero, and the staged rollout. Most cases run several syncs,
// each one's Decision state feeding the next input, as the daemon does. (HPA's own scenarios are
// in decide_hpa_test.cpp.) The metric is External/AverageValue with target 10 unless a case says
// otherwise: its proposal is simply ceil(value / 10) once outside the 10% tolerance.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "hpad/policies/decision.h"

namespace hpad::policies {
namespace {

constexpr std::int64_t kEpoch = 1'767'225'600;  // 2026-01-01T00:00:00Z
Time at(std::int64_t s) {
  return Time{kEpoch + s, 0};
}

Quantity q(const char* text) {
  return std::get<Quantity>(Quantity::parse(text));
}

MetricSpec queue_metric(const char* activation = "0") {
  MetricSpec m;
  m.name = "queue";
  m.type = MetricSourceType::kExternal;
  m.query = "sum(queue_depth)";
  m.target.type = MetricTargetType::kAverageValue;
  m.target.average_value = q("10");
  m.activation_value = q(activation);
  return m;
}

// Generous rate policies and no windows, so that HPA's normalization lets every move through and
// only the stage under test shapes the number.
Behavior open_behavior() {
  Behavior b;
  b.scale_up = HPAScalingRules{0, SelectPolicy::kMax, {{ScalingPolicyType::kPods, 1000, 1}}, {}};
  b.scale_down = HPAScalingRules{0, SelectPolicy::kMax, {{ScalingPolicyType::kPercent, 100, 1}}, {}};
  return b;
}

Policy base_policy() {
  Policy p;
  p.metadata.name = "web";
  p.scale_target_ref = {"apps/v1", "Deployment", "web"};
  p.min_replicas = 1;
  p.max_replicas = 50;
  p.metrics = {queue_metric()};
  p.behavior = open_behavior();
  return p;
}

Observation value(double v) {
  return Observation{{Sample{{}, v, std::nullopt, std::nullopt}}, std::nullopt};
}
Observation failing() {
  return Observation{{}, std::string("Prometheus: connection refused")};
}

DecisionInput input(const Policy& policy, std::int32_t current, Time now) {
  DecisionInput in;
  in.now = now;
  in.policy = policy;
  in.scale = {current, current, "app=web"};
  return in;
}

// One sync after another: the previous Decision's state and count become the next input's.
struct Sync {
  std::int64_t at_seconds;
  std::optional<Observation> metric;  // nullopt: the metric entry is missing
  std::map<std::string, Observation> gates = {};
};

std::vector<Decision> run(const Policy& policy, std::int32_t start, const std::vector<Sync>& syncs,
                          PolicyState state = {}) {
  std::vector<Decision> out;
  std::int32_t current = start;
  for (const Sync& s : syncs) {
    DecisionInput in = input(policy, current, at(s.at_seconds));
    if (s.metric) {
      in.metrics["queue"] = *s.metric;
    }
    in.gates = s.gates;
    in.state = std::move(state);
    Decision d = decide(in);
    EXPECT_EQ(d.scale, d.desired_replicas != d.current_replicas);
    EXPECT_FALSE(d.message.empty());
    current = d.desired_replicas;
    state = d.state;
    out.push_back(std::move(d));
  }
  return out;
}

const Condition* find(const Decision& d, const std::string& type) {
  const auto it =
      std::find_if(d.conditions.begin(), d.conditions.end(), [&](const Condition& c) { return c.type == type; });
  if (it != d.conditions.end()) {
    return &*it;
  }
  const auto st = std::find_if(d.state.conditions.begin(), d.state.conditions.end(),
                               [&](const Condition& c) { return c.type == type; });
  return st == d.state.conditions.end() ? nullptr : &*st;
}

std::vector<std::string> limits(std::initializer_list<const char*> names) {
  return {names.begin(), names.end()};
}

// --- reconcile branches ---------------------------------------------------------------------------

TEST(DecideBranches, ComputesTheMetricProposalAndScales) {
  const auto d = run(base_policy(), 3, {{0, value(52)}});  // 52 / 10 -> 6
  EXPECT_EQ(d[0].desired_replicas, 6);
  EXPECT_EQ(d[0].recommendation.metrics, 6);
  EXPECT_EQ(d[0].recommendation.final_replicas, 6);
  ASSERT_EQ(d[0].metrics.size(), 1U);
  EXPECT_TRUE(d[0].metrics[0].valid);
  EXPECT_DOUBLE_EQ(*d[0].metrics[0].value, 17.334);  // per-pod: ceil(52000m / 3 status replicas)
  EXPECT_EQ(find(d[0], "AbleToScale")->reason, "SucceededRescale");
  EXPECT_EQ(find(d[0], "ScalingActive")->reason, "ValidMetricFound");
  EXPECT_TRUE(d[0].limits.empty());
  EXPECT_EQ(d[0].message, "queue above target; scale 3 -> 6");
  EXPECT_EQ(d[0].state.last_scale_time, at(0));
}

TEST(DecideBranches, ZeroReplicasWithNonZeroMinIsScalingDisabled) {
  const auto d = run(base_policy(), 0, {{0, value(500)}});
  EXPECT_EQ(d[0].desired_replicas, 0);
  EXPECT_FALSE(d[0].scale);
  EXPECT_EQ(find(d[0], "ScalingActive")->reason, "ScalingDisabled");
  EXPECT_EQ(find(d[0], "ScalingActive")->status, "False");
  EXPECT_FALSE(d[0].recommendation.metrics.has_value());
}

TEST(DecideBranches, AboveMaxIsClampedWithoutMetrics) {
  Policy p = base_policy();
  p.max_replicas = 5;
  const auto d = run(p, 8, {{0, std::nullopt}});  // no metric needed on this path
  EXPECT_EQ(d[0].desired_replicas, 5);
  EXPECT_EQ(d[0].limits, limits({kTooManyReplicas}));
  EXPECT_EQ(find(d[0], "AbleToScale")->reason, "SucceededRescale");
  EXPECT_EQ(find(d[0], "ScalingActive"), nullptr);  // HPA computes no metric here
}

TEST(DecideBranches, BelowMinIsRaisedWithoutMetrics) {
  Policy p = base_policy();
  p.min_replicas = 4;
  const auto d = run(p, 2, {{0, std::nullopt}});
  EXPECT_EQ(d[0].desired_replicas, 4);
  EXPECT_EQ(d[0].limits, limits({kTooFewReplicas}));
}

TEST(DecideBranches, EmptySelectorIsInvalidSelector) {
  DecisionInput in = input(base_policy(), 3, at(0));
  in.scale.selector = "";
  in.metrics["queue"] = value(90);
  const Decision d = decide(in);
  EXPECT_EQ(d.desired_replicas, 3);
  EXPECT_FALSE(d.scale);
  EXPECT_EQ(find(d, "ScalingActive")->reason, "InvalidSelector");
  EXPECT_EQ(find(d, "ScalingActive")->message, "the HPA target's scale is missing a selector");
}

TEST(DecideBranches, UnparsableSelectorIsInvalidSelector) {
  DecisionInput in = input(base_policy(), 3, at(0));
  in.scale.selector = "app in (a";
  in.metrics["queue"] = value(90);
  const Decision d = decide(in);
  EXPECT_EQ(d.desired_replicas, 3);
  EXPECT_EQ(find(d, "ScalingActive")->reason, "InvalidSelector");
  EXPECT_EQ(find(d, "ScalingActive")
                ->message.rfind("couldn't convert selector into a corresponding internal selector object: ", 0),
            0U);
}

TEST(DecideBranches, FirstSightSeedsTheRecommendationHistoryOnEveryPath) {
  // recordInitialRecommendation runs before HPA's branches: even the ScalingDisabled path seeds.
  const auto d = run(base_policy(), 0, {{0, value(1)}});
  ASSERT_TRUE(d[0].state.normalization.recommendations.has_value());
  ASSERT_EQ(d[0].state.normalization.recommendations->size(), 1U);
  EXPECT_EQ((*d[0].state.normalization.recommendations)[0].replicas, 0);
}

TEST(DecideBranches, ConditionTransitionTimeMovesOnlyWhenTheStatusChanges) {
  const auto d = run(base_policy(), 3, {{0, value(52)}, {15, value(60)}, {30, failing()}});
  const Condition* first = find(d[0], "ScalingActive");
  const Condition* second = find(d[1], "ScalingActive");
  const Condition* third = find(d[2], "ScalingActive");
  EXPECT_EQ(first->last_transition_time, at(0));
  EXPECT_EQ(second->last_transition_time, at(0));  // still True
  EXPECT_EQ(third->status, "False");
  EXPECT_EQ(third->last_transition_time, at(30));
}

// --- combination and invalid metrics ----------------------------------------------------------------

TEST(DecideMetrics, NonFiniteOrNegativeSamplesMakeTheMetricInvalid) {
  for (const double bad : {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                           -std::numeric_limits<double>::infinity(), -3.0}) {
    const auto d = run(base_policy(), 3, {{0, value(bad)}});
    EXPECT_FALSE(d[0].metrics[0].valid) << bad;
    EXPECT_EQ(d[0].metrics[0].reason, "FailedGetExternalMetric");
    EXPECT_EQ(d[0].desired_replicas, 3);
    EXPECT_FALSE(d[0].metrics[0].value.has_value());
  }
}

TEST(DecideMetrics, NoSamplesIsInvalid) {
  const auto d = run(base_policy(), 3, {{0, Observation{}}});
  EXPECT_FALSE(d[0].metrics[0].valid);
  EXPECT_EQ(*d[0].metrics[0].error, "failed to get external metric value: the query returned no series");
  EXPECT_EQ(find(d[0], "ScalingActive")->message,
            "the HPA was unable to compute the replica count: failed to get external metric value: the query "
            "returned no series");
}

TEST(DecideMetrics, AnInvalidMetricBlocksScaleDownButNotScaleUp) {
  Policy p = base_policy();
  MetricSpec lag = queue_metric();
  lag.name = "lag";
  p.metrics.push_back(lag);
  DecisionInput up = input(p, 4, at(0));
  up.metrics["queue"] = value(90);  // -> 9
  up.metrics["lag"] = failing();
  const Decision d_up = decide(up);
  EXPECT_EQ(d_up.desired_replicas, 9);
  EXPECT_EQ(find(d_up, "ScalingActive")->reason, "ValidMetricFound");

  DecisionInput down = up;
  down.metrics["queue"] = value(10);  // -> 1, a scale-down
  const Decision d_down = decide(down);
  EXPECT_EQ(d_down.desired_replicas, 4);
  EXPECT_FALSE(d_down.scale);
  EXPECT_EQ(find(d_down, "ScalingActive")->reason, "FailedGetExternalMetric");
  EXPECT_NE(d_down.message.find("invalid metrics (1 invalid out of 2)"), std::string::npos);
}

TEST(DecideMetrics, TheLargestValidProposalWins) {
  Policy p = base_policy();
  MetricSpec lag = queue_metric();
  lag.name = "lag";
  p.metrics.push_back(lag);
  DecisionInput in = input(p, 2, at(0));
  in.metrics["queue"] = value(50);  // -> 5
  in.metrics["lag"] = value(70);    // -> 7
  const Decision d = decide(in);
  EXPECT_EQ(d.recommendation.metrics, 7);
  EXPECT_EQ(d.message, "lag above target; scale 2 -> 7");
}

// --- fallback ----------------------------------------------------------------------------------------

TEST(DecideFallback, TakesOverAtTheThresholdthFailedSync) {
  Policy p = base_policy();
  p.fallback = Fallback{3, 6, FallbackMode::kAtLeastCurrent};
  const auto d = run(p, 2, {{0, failing()}, {15, std::nullopt}, {30, Observation{}}, {45, value(20)}});
  EXPECT_EQ(d[0].desired_replicas, 2);
  EXPECT_EQ(d[0].state.consecutive_failures, 1);
  EXPECT_EQ(d[1].desired_replicas, 2);
  EXPECT_EQ(d[1].state.consecutive_failures, 2);
  EXPECT_EQ(d[2].desired_replicas, 6);  // the third failed sync in a row
  EXPECT_EQ(d[2].limits, limits({kFallback}));
  EXPECT_EQ(find(d[2], "ScalingActive")->status, "False");  // the truth about the metrics stays visible
  EXPECT_EQ(d[3].state.consecutive_failures, 0);            // a valid metric resets the count
  EXPECT_EQ(d[3].desired_replicas, 2);                      // and the metric rules again (20 / 10)
}

TEST(DecideFallback, AtLeastCurrentNeverScalesDown) {
  Policy p = base_policy();
  p.fallback = Fallback{1, 4, FallbackMode::kAtLeastCurrent};
  const auto d = run(p, 9, {{0, failing()}});
  EXPECT_EQ(d[0].desired_replicas, 9);
  EXPECT_FALSE(d[0].scale);
}

TEST(DecideFallback, StaticGoesToTheFallbackCountEitherWay) {
  Policy p = base_policy();
  p.fallback = Fallback{1, 4, FallbackMode::kStatic};
  const auto d = run(p, 9, {{0, failing()}});
  EXPECT_EQ(d[0].desired_replicas, 4);
}

TEST(DecideFallback, ThenHpaRateLimitsStillApply) {
  Policy p = base_policy();
  p.behavior->scale_up.policies = {{ScalingPolicyType::kPods, 2, 60}};
  p.fallback = Fallback{1, 10, FallbackMode::kStatic};
  const auto d = run(p, 3, {{0, failing()}});
  EXPECT_EQ(d[0].desired_replicas, 5);
  EXPECT_EQ(d[0].limits, limits({kFallback, kScaleUpLimit}));
}

TEST(DecideFallback, APartialFailureIsNotCounted) {
  Policy p = base_policy();
  MetricSpec lag = queue_metric();
  lag.name = "lag";
  p.metrics.push_back(lag);
  p.fallback = Fallback{1, 10, FallbackMode::kStatic};
  DecisionInput in = input(p, 3, at(0));
  in.metrics["queue"] = value(10);  // wants 1: blocked by the failing lag, but this is no fallback case
  in.metrics["lag"] = failing();
  const Decision d = decide(in);
  EXPECT_EQ(d.desired_replicas, 3);
  EXPECT_EQ(d.state.consecutive_failures, 0);
}

// --- cooldowns ---------------------------------------------------------------------------------------

struct CooldownCase {
  const char* name;
  std::int32_t current;
  double metric;
  std::int64_t since_last_scale;  // seconds; < 0: never scaled
  std::int32_t expected;
  std::vector<std::string> expected_limits;
};

class DecideCooldown : public testing::TestWithParam<CooldownCase> {};

TEST_P(DecideCooldown, HoldsAMoveUntilItsCooldownHasPassed) {
  const CooldownCase& c = GetParam();
  Policy p = base_policy();
  p.cooldown = Cooldown{60, 300, 0};
  PolicyState state;
  if (c.since_last_scale >= 0) {
    state.last_scale_time = at(1000 - c.since_last_scale);
  }
  const auto d = run(p, c.current, {{1000, value(c.metric)}}, state);
  EXPECT_EQ(d[0].desired_replicas, c.expected);
  EXPECT_EQ(d[0].limits, c.expected_limits);
  EXPECT_EQ(d[0].recommendation.limited, c.metric / 10 > c.current ? 9 : 2);
}

INSTANTIATE_TEST_SUITE_P(Table, DecideCooldown,
                         testing::Values(CooldownCase{"UpHeldWithinScaleUpCooldown", 4, 90, 59, 4, {kScaleUpCooldown}},
                                         CooldownCase{"UpAllowedAtExactlyTheCooldown", 4, 90, 60, 9, {}},
                                         CooldownCase{"UpAllowedWhenNeverScaled", 4, 90, -1, 9, {}},
                                         CooldownCase{
                                             "DownHeldWithinScaleDownCooldown", 4, 20, 299, 4, {kScaleDownCooldown}},
                                         CooldownCase{"DownAllowedAfterScaleDownCooldown", 4, 20, 300, 2, {}},
                                         CooldownCase{"UpNotHeldByTheLongerDownCooldown", 4, 90, 100, 9, {}}),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

// --- activation and scale to zero ---------------------------------------------------------------------

Policy zero_policy(const char* activation, std::int32_t scale_to_zero_seconds) {
  Policy p = base_policy();
  p.min_replicas = 0;
  p.metrics = {queue_metric(activation)};
  p.cooldown.scale_to_zero_seconds = scale_to_zero_seconds;
  return p;
}

TEST(DecideActivation, FromZeroStaysAtZeroWhileNoMetricIsActive) {
  const auto d = run(zero_policy("5", 0), 0, {{0, value(3)}});  // HPA alone: ceil(3 / 10) = 1
  EXPECT_EQ(d[0].recommendation.limited, 1);
  EXPECT_EQ(d[0].desired_replicas, 0);
  EXPECT_EQ(d[0].limits, limits({kBelowActivation}));
  EXPECT_FALSE(d[0].metrics[0].active);
}

TEST(DecideActivation, FromZeroScalesOnceAMetricIsAboveItsActivationValue) {
  const auto d = run(zero_policy("5", 0), 0, {{0, value(5.001)}});
  EXPECT_TRUE(d[0].metrics[0].active);
  EXPECT_EQ(d[0].desired_replicas, 1);
}

TEST(DecideActivation, ToZeroWaitsScaleToZeroSecondsBelowActivation) {
  const auto d = run(zero_policy("0", 300), 2, {{0, value(0)}, {299, value(0)}, {300, value(0)}});
  EXPECT_EQ(d[0].desired_replicas, 1);  // HPA says 0; hpad keeps one until the delay has passed
  EXPECT_EQ(d[0].limits, limits({kScaleToZeroCooldown}));
  EXPECT_EQ(d[0].state.below_activation_since, at(0));
  EXPECT_EQ(d[1].desired_replicas, 1);
  EXPECT_EQ(d[2].desired_replicas, 0);
  EXPECT_TRUE(d[2].limits.empty());
}

TEST(DecideActivation, AnActiveMetricRestartsTheScaleToZeroDelay) {
  const auto d = run(zero_policy("0", 300), 2, {{0, value(0)}, {200, value(4)}, {250, value(0)}, {500, value(0)}});
  EXPECT_FALSE(d[1].state.below_activation_since.has_value());
  EXPECT_EQ(d[2].state.below_activation_since, at(250));
  EXPECT_EQ(d[3].desired_replicas, 1);  // only 250 s below since 250
}

TEST(DecideActivation, ZeroDelayScalesToZeroAtOnce) {
  const auto d = run(zero_policy("0", 0), 3, {{0, value(0)}});
  EXPECT_EQ(d[0].desired_replicas, 0);
}

// --- rollout -----------------------------------------------------------------------------------------

Policy rollout_policy(GateFailureAction on_failure = GateFailureAction::kPause,
                      NoDataAction on_no_data = NoDataAction::kHold) {
  Policy p = base_policy();
  Rollout r;
  r.steps = {25, 50, 100};
  r.step_interval_seconds = 60;
  r.gates = {RolloutGate{"errors", "rate(errors[1m])", std::nullopt, 0.01}};
  r.on_gate_failure = on_failure;
  r.on_no_data = on_no_data;
  p.rollout = r;
  return p;
}

std::map<std::string, Observation> gate(double v) {
  return {{"errors", value(v)}};
}

TEST(DecideRollout, FirstStepNeedsNoGate) {
  const auto d = run(rollout_policy(), 2, {{0, value(100)}});  // 2 -> 10: first step 2 + ceil(8 x 25%) = 4
  EXPECT_EQ(d[0].desired_replicas, 4);
  EXPECT_EQ(d[0].limits, limits({kRolloutStep}));
  ASSERT_TRUE(d[0].state.rollout.has_value());
  EXPECT_EQ(d[0].state.rollout->from, 2);
  EXPECT_EQ(d[0].state.rollout->to, 10);
  EXPECT_EQ(d[0].state.rollout->step, 1);
  ASSERT_TRUE(d[0].rollout.has_value());
  EXPECT_EQ(d[0].rollout->steps, 3);
  EXPECT_EQ(d[0].rollout->next_step_at, at(60));
  EXPECT_TRUE(d[0].rollout->gates.empty());
}

TEST(DecideRollout, StepsOncePerIntervalWhileGatesPass) {
  const auto d = run(
      rollout_policy(), 2,
      {{0, value(100)}, {59, value(100), gate(0.001)}, {60, value(100), gate(0.001)}, {120, value(100), gate(0.01)}});
  EXPECT_EQ(d[1].desired_replicas, 4);  // interval not over
  EXPECT_FALSE(d[1].scale);
  EXPECT_EQ(d[2].desired_replicas, 6);  // 2 + ceil(8 x 50%)
  ASSERT_EQ(d[2].rollout->gates.size(), 1U);
  EXPECT_EQ(d[2].rollout->gates[0].result, "Pass");
  EXPECT_EQ(d[3].desired_replicas, 10);  // the max bound is inclusive; 100% completes the rollout
  EXPECT_FALSE(d[3].state.rollout.has_value());
  EXPECT_TRUE(d[3].limits.empty());
}

TEST(DecideRollout, AFailingGatePausesThenResumesWhenItPasses) {
  const auto d =
      run(rollout_policy(), 2,
          {{0, value(100)}, {60, value(100), gate(0.05)}, {75, value(100), gate(0.05)}, {90, value(100), gate(0.0)}});
  EXPECT_EQ(d[1].desired_replicas, 4);
  EXPECT_EQ(d[1].limits, limits({kRolloutPaused}));
  EXPECT_TRUE(d[1].state.rollout->paused);
  EXPECT_EQ(d[1].rollout->gates[0].result, "Fail");
  EXPECT_EQ(d[1].rollout->gates[0].value, 0.05);
  EXPECT_NE(d[1].message.find("gate errors failed (0.05 > max 0.01)"), std::string::npos);
  EXPECT_EQ(d[2].desired_replicas, 4);  // a paused rollout re-checks on every sync
  EXPECT_EQ(d[3].desired_replicas, 6);
  EXPECT_FALSE(d[3].state.rollout->paused);
}

TEST(DecideRollout, APausedRolloutHoldsTheCountEvenWhenTheRecommendationGrows) {
  const auto d = run(rollout_policy(), 2, {{0, value(100)}, {60, value(180), gate(0.05)}});
  EXPECT_EQ(d[1].state.rollout->to, 18);
  EXPECT_EQ(d[1].desired_replicas, 4);
  EXPECT_EQ(d[1].limits, limits({kRolloutPaused}));
}

TEST(DecideRollout, RollbackReturnsToTheStartAndRetriesAfterAnInterval) {
  const auto d =
      run(rollout_policy(GateFailureAction::kRollback), 2,
          {{0, value(100)}, {60, value(100), gate(0.5)}, {90, value(100), gate(0)}, {120, value(100), gate(0)}});
  EXPECT_EQ(d[1].desired_replicas, 2);
  EXPECT_EQ(d[1].limits, limits({kRolloutRolledBack}));
  EXPECT_EQ(d[1].state.rollout->step, 0);
  EXPECT_EQ(d[2].desired_replicas, 2);  // the retry waits a full interval
  EXPECT_EQ(d[3].desired_replicas, 4);  // then gates pass: step 1 again
}

struct NoDataCase {
  const char* name;
  NoDataAction action;
  std::int32_t expected;
  bool paused;
};

class DecideRolloutNoData : public testing::TestWithParam<NoDataCase> {};

TEST_P(DecideRolloutNoData, FollowsOnNoData) {
  const NoDataCase& c = GetParam();
  const auto d = run(rollout_policy(GateFailureAction::kPause, c.action), 2,
                     {{0, value(100)}, {60, value(100), {{"errors", Observation{}}}}});
  EXPECT_EQ(d[1].desired_replicas, c.expected);
  EXPECT_EQ(d[1].state.rollout->paused, c.paused);
  EXPECT_EQ(d[1].rollout->gates[0].result, "NoData");
}

INSTANTIATE_TEST_SUITE_P(Table, DecideRolloutNoData,
                         testing::Values(NoDataCase{"HoldWaits", NoDataAction::kHold, 4, false},
                                         NoDataCase{"PassAdvances", NoDataAction::kPass, 6, false},
                                         NoDataCase{"FailPauses", NoDataAction::kFail, 4, true}),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(DecideRollout, ARisingRecommendationExtendsTheRollout) {
  const auto d = run(rollout_policy(), 2, {{0, value(100)}, {60, value(180), gate(0)}});
  EXPECT_EQ(d[1].state.rollout->to, 18);
  EXPECT_EQ(d[1].desired_replicas, 10);  // 2 + ceil(16 x 50%)
}

TEST(DecideRollout, AFallCancelsTheRollout) {
  const auto d = run(rollout_policy(), 2, {{0, value(100)}, {30, value(30)}});
  EXPECT_EQ(d[1].desired_replicas, 3);  // below the 4 we have: straight through
  EXPECT_FALSE(d[1].state.rollout.has_value());
  EXPECT_FALSE(d[1].rollout.has_value());
  EXPECT_NE(d[1].message.find("cancelled"), std::string::npos);
}

TEST(DecideRollout, AHeldRecommendationKeepsTheRolloutWaiting) {
  Policy p = rollout_policy();
  p.cooldown.scale_up_seconds = 90;  // longer than the step interval
  const auto d = run(p, 2, {{0, value(100)}, {60, value(100), gate(0)}, {90, value(100), gate(0)}});
  EXPECT_EQ(d[1].desired_replicas, 4);
  EXPECT_EQ(d[1].limits, limits({kScaleUpCooldown}));
  EXPECT_TRUE(d[1].state.rollout.has_value());  // not cancelled by the hold
  EXPECT_EQ(d[2].desired_replicas, 6);
}

TEST(DecideRollout, AStateThatDoesNotFitThePolicyIsRepaired) {
  PolicyState state;
  state.rollout = RolloutState{-5, 3, 99, at(0), false};
  const auto d = run(rollout_policy(), 2, {{60, value(100), gate(0)}}, state);
  EXPECT_GE(d[0].desired_replicas, 2);
  EXPECT_LE(d[0].desired_replicas, 10);
}

}  // namespace
}  // namespace hpad::policies
