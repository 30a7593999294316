// Internal to hpad::policies: step 6 of decide() — hpad's staged rollout of added capacity. A
// rise from N to M goes through N + ceil((M - N) x step% / 100), one step per
// stepIntervalSeconds while every gate passes. Pure; thread-safe.
// Invariants: the returned count lies between the current count and the recommendation, except
// on a rollback (back to the rollout's start); a finished or cancelled rollout leaves no state.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hpad/policies/decision.h"

namespace hpad::policies::detail {

struct RolloutStep {
  std::int32_t replicas = 0;
  std::optional<RolloutState> state;
  std::optional<RolloutView> view;
  std::vector<const char*> limits;  // RolloutStep | RolloutPaused | RolloutRolledBack
  std::string note;                 // for the Decision's message; may be empty
};

// `recommended` is the count after HPA normalization and hpad's cooldowns.
RolloutStep advance_rollout(const Rollout& rollout, const std::optional<RolloutState>& state, std::int32_t current,
                            std::int32_t recommended, const std::map<std::string, Observation>& gates, Time now);

}  // namespace hpad::policies::detail
