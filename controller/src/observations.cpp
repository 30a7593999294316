// to_observation, queries_of, fill_observations: the controller's side of the metrics/policies
// boundary (metrics must not know policies, and policies do no I/O).
#include "hpad/controller/observations.h"

#include <cmath>

namespace hpad::controller {
namespace {

policies::Time from_unix_seconds(double seconds) {
  // Prometheus writes timestamps with millisecond precision; round to it so 1700000000.123 does
  // not become ...122999999 ns.
  const auto millis = static_cast<std::int64_t>(std::llround(seconds * 1000.0));
  const std::int64_t whole = millis >= 0 ? millis / 1000 : -((-millis + 999) / 1000);
  return policies::Time{whole, static_cast<std::int32_t>((millis - whole * 1000) * 1'000'000)};
}

policies::Observation lookup(const metrics::FanoutResult& answers, const std::string& promql) {
  const auto found = answers.outcomes.find(promql);
  if (found == answers.outcomes.end()) {
    return policies::Observation{{}, "internal: the query was not part of this sync's fan-out"};
  }
  return to_observation(found->second);
}

}  // namespace

policies::Observation to_observation(const metrics::QueryOutcome& outcome) {
  policies::Observation out;
  if (const auto* error = std::get_if<metrics::QueryError>(&outcome)) {
    out.error = metrics::to_string(*error);
    return out;
  }
  const auto& data = std::get<metrics::QueryData>(outcome);
  out.samples.reserve(data.samples.size());
  for (const auto& sample : data.samples) {
    policies::Sample converted;
    converted.labels = sample.labels;
    converted.value = sample.value;
    converted.timestamp = from_unix_seconds(sample.timestamp);
    out.samples.push_back(std::move(converted));
  }
  return out;
}

std::vector<std::string> queries_of(const policies::Policy& policy) {
  std::vector<std::string> out;
  for (const auto& metric : policy.metrics)
    out.push_back(metric.query);
  if (policy.rollout) {
    for (const auto& gate : policy.rollout->gates)
      out.push_back(gate.query);
  }
  return out;
}

void fill_observations(const policies::Policy& policy, const metrics::FanoutResult& answers,
                       policies::DecisionInput& input) {
  for (const auto& metric : policy.metrics)
    input.metrics[metric.name] = lookup(answers, metric.query);
  if (policy.rollout) {
    for (const auto& gate : policy.rollout->gates)
      input.gates[gate.name] = lookup(answers, gate.query);
  }
}

}  // namespace hpad::controller
