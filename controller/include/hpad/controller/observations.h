// Prometheus answers → the decision engine's inputs: each of a policy's metric and gate queries,
// as one sync's fan-out answered it, becomes the DecisionInput `metrics` / `gates` entry of that
// name (DECIDE-API.md). The mapping keeps every series and its labels (the engine matches `pod`),
// turns a typed error into the one-line text the Decision will quote, and loses nothing else but
// Prometheus' warnings (the engine has no field for them; the caller may log them).
#pragma once

#include <string>
#include <vector>

#include "hpad/metrics/query_fanout.h"
#include "hpad/metrics/query_result.h"
#include "hpad/policies/decision.h"
#include "hpad/policies/policy.h"

namespace hpad::controller {

// A vector's samples with their labels and Prometheus' timestamps (kept to the millisecond, as
// Prometheus writes them); a scalar as one sample without labels; an empty vector as an
// observation with neither samples nor error (no data); an error as its to_string() text.
policies::Observation to_observation(const metrics::QueryOutcome& outcome);

// Every query the policy asks in one sync: its metrics' and then its rollout gates' PromQL, in
// the policy's order, duplicates kept (the fan-out removes them).
std::vector<std::string> queries_of(const policies::Policy& policy);

// Sets input.metrics[name] and input.gates[name] for each of the policy's metrics and gates from
// `answers`. A query missing from `answers` (a fan-out that was not given it) is an error entry
// that says so, never a silent no-data.
void fill_observations(const policies::Policy& policy, const metrics::FanoutResult& answers,
                       policies::DecisionInput& input);

}  // namespace hpad::controller
