// Prometheus answers become DecisionInput observations without losing a series, a label, a NaN
// or the reason a query failed.
#include <gtest/gtest.h>

#include <cmath>

#include "hpad/controller/observations.h"
#include "hpad/policies/time_format.h"

namespace hpad::controller {
namespace {

using metrics::QueryData;
using metrics::QueryError;
using metrics::QueryErrorKind;
using metrics::ResultType;

TEST(ToObservation, KeepsEverySeriesWithItsLabelsAndTimestamp) {
  const QueryData data{
      ResultType::kVector,
      {{{{"pod", "web-1"}, {"job", "x"}}, 1.5, 1700000000.123}, {{{"pod", "web-2"}}, std::nan(""), 1700000000.0}},
      {"partial data"}};
  const auto observation = to_observation(data);
  EXPECT_FALSE(observation.error.has_value());
  ASSERT_EQ(observation.samples.size(), 2U);
  EXPECT_EQ(observation.samples[0].labels, (std::map<std::string, std::string>{{"pod", "web-1"}, {"job", "x"}}));
  EXPECT_EQ(observation.samples[0].value, 1.5);
  EXPECT_EQ(policies::format_rfc3339(*observation.samples[0].timestamp), "2023-11-14T22:13:20.123Z");
  EXPECT_TRUE(std::isnan(observation.samples[1].value));
  EXPECT_FALSE(observation.samples[0].window.has_value());
}

TEST(ToObservation, AScalarIsOneUnlabelledSample) {
  const auto observation = to_observation(QueryData{ResultType::kScalar, {{{}, 42, 1700000000.5}}, {}});
  ASSERT_EQ(observation.samples.size(), 1U);
  EXPECT_TRUE(observation.samples[0].labels.empty());
  EXPECT_EQ(observation.samples[0].value, 42);
  EXPECT_EQ(observation.samples[0].timestamp->nanos, 500'000'000);
}

TEST(ToObservation, AnEmptyVectorIsNoDataNotAnError) {
  const auto observation = to_observation(QueryData{});
  EXPECT_TRUE(observation.samples.empty());
  EXPECT_FALSE(observation.error.has_value());
}

TEST(ToObservation, AnErrorBecomesItsOneLineText) {
  const auto observation = to_observation(QueryError{QueryErrorKind::kBadData, 400, "bad_data", "1:5: parse error"});
  EXPECT_TRUE(observation.samples.empty());
  EXPECT_EQ(observation.error, "Prometheus: bad_data (HTTP 400): 1:5: parse error");
}

policies::Policy policy_with_gate() {
  policies::Policy policy;
  policies::MetricSpec cpu;
  cpu.name = "cpu";
  cpu.query = "q_cpu";
  policies::MetricSpec queue;
  queue.name = "queue";
  queue.query = "q_shared";
  policy.metrics = {cpu, queue};
  policies::Rollout rollout;
  rollout.gates = {policies::RolloutGate{"errors", "q_shared", std::nullopt, 0.01}};
  policy.rollout = rollout;
  return policy;
}

TEST(QueriesOf, ListsMetricsThenGatesWithDuplicates) {
  EXPECT_EQ(queries_of(policy_with_gate()), (std::vector<std::string>{"q_cpu", "q_shared", "q_shared"}));
}

TEST(FillObservations, SetsEveryMetricAndGateByNameAndFlagsAMissingAnswer) {
  metrics::FanoutResult answers;
  answers.outcomes.emplace("q_shared", QueryData{ResultType::kScalar, {{{}, 7, 1700000000}}, {}});
  policies::DecisionInput input;
  fill_observations(policy_with_gate(), answers, input);
  ASSERT_EQ(input.metrics.size(), 2U);
  EXPECT_EQ(input.metrics.at("queue").samples.at(0).value, 7);
  EXPECT_EQ(input.gates.at("errors").samples.at(0).value, 7);
  EXPECT_EQ(input.metrics.at("cpu").error, "internal: the query was not part of this sync's fan-out");
}

}  // namespace
}  // namespace hpad::controller
