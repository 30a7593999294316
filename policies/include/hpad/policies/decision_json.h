// The JSON (and YAML) boundary of decide() (../shared/DECIDE-API.md): reading a DecisionInput
// from text, and writing Decision, PolicyState, DecisionInput and Policy as JSON with the
// contract's field names, in the contract's order. Pure and thread-safe (no shared state).
// Invariants: every error of an input is reported at once, each with file, line, column and
// field path; the writers never emit NaN or ±Inf (a non-finite double is written as null, a
// non-finite sample value as Prometheus' string "NaN" / "+Inf" / "-Inf"); a DecisionInput
// written by to_json reads back to the same values.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string_view>
#include <vector>

#include "hpad/policies/decision.h"
#include "hpad/policies/policy.h"
#include "hpad/policies/policy_parser.h"

namespace hpad::policies {

struct DecisionInputParse {
  std::optional<DecisionInput> input;  // set iff errors is empty
  std::vector<PolicyError> errors;     // ordered by position
};

// JSON when the first byte that is not whitespace is '{' or '[', YAML (one document)
// otherwise. Field paths: "policy.spec.metrics[0].target.averageUtilization",
// "metrics.cpu.samples[2].value", "pods[3].status.startTime", "state.recommendations[0].timestamp".
// Unknown fields are errors in hpad's own objects; inside a Pod every field decide() does not
// read is ignored (kubectl output is accepted as it is).
DecisionInputParse parse_decision_input(std::string_view text, std::string_view file_name);

// Field order as DECIDE-API shows it; absent optionals are null.
nlohmann::ordered_json to_json(const Decision& decision);
nlohmann::ordered_json to_json(const PolicyState& state);
// Pods as minimal core/v1 Pod objects holding only the fields decide() reads; the policy as
// to_json(Policy).
nlohmann::ordered_json to_json(const DecisionInput& input);
// A ScalingPolicy object; quantities as their canonical strings ("1.5" -> "1500m"), defaults
// written out (behavior, when present, in full), positions left out.
nlohmann::ordered_json to_json(const Policy& policy);

}  // namespace hpad::policies
