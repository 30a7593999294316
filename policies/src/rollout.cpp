// Internal: see rollout.h. The state machine, per sync:
//   no rollout, recommendation M > current N   -> start {from N, to M, step 1}: the first step needs no gate;
//   rollout, M < N                             -> cancelled (a fall): M goes through unchanged;
//   rollout, M == N (held by a window or cooldown) -> hold: nothing moves, the rollout stays;
//   rollout, M > N                             -> `to` follows M (extends or shrinks); once the step's
//       interval has passed (or every sync while paused) the gates decide: all pass -> next step;
//       a failure -> Pause (hold the current count, retry each sync) or Rollback (to `from`, retry
//       after an interval);
//       no data -> onNoData (Hold: wait, Pass, Fail).
// A rollout whose step reaches 100% (or whose step count reaches `to`) is complete and leaves no state.
#include "rollout.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace hpad::policies::detail {
namespace {

enum class Verdict { kPass, kFail, kHold };

std::string format_value(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", v);
  return buffer;
}

// from + ceil((to - from) x percent / 100), in int64 (both counts are int32).
std::int32_t step_replicas(const RolloutState& s, const Rollout& rollout, std::int32_t step) {
  if (step <= 0) {
    return s.from;
  }
  const std::int64_t percent = rollout.steps[static_cast<std::size_t>(step - 1)];
  const std::int64_t added = std::int64_t{s.to} - s.from;
  const std::int64_t scaled = added * percent;
  const std::int64_t ceil_div = scaled / 100 + (scaled % 100 > 0 ? 1 : 0);
  return static_cast<std::int32_t>(std::clamp<std::int64_t>(s.from + ceil_div, 0, INT32_MAX));
}

GateOutcome evaluate_gate(const RolloutGate& gate, const std::map<std::string, Observation>& gates) {
  GateOutcome out;
  out.name = gate.name;
  const auto it = gates.find(gate.name);
  if (it == gates.end() || it->second.error || it->second.samples.empty()) {
    out.result = "NoData";
    out.message = it == gates.end()  ? "no observation of this gate in the input"
                  : it->second.error ? "query failed: " + *it->second.error
                                     : "the query returned no series";
    return out;
  }
  out.result = "Pass";
  for (const Sample& sample : it->second.samples) {
    const double v = sample.value;
    const bool below = gate.min && !(v >= *gate.min);  // NaN fails both bounds
    const bool above = gate.max && !(v <= *gate.max);
    if (below || above) {
      out.result = "Fail";
      if (std::isfinite(v)) {
        out.value = v;
      }
      out.message =
          format_value(v) + (above ? " > max " + format_value(*gate.max) : " < min " + format_value(*gate.min));
      return out;
    }
    // The sample closest to a bound stands for the gate (the largest when there is a max).
    if (!out.value || (gate.max ? v > *out.value : v < *out.value)) {
      out.value = v;
    }
  }
  out.message = "within bounds";
  return out;
}

Verdict evaluate_gates(const Rollout& rollout, const std::map<std::string, Observation>& gates,
                       std::vector<GateOutcome>& outcomes, std::string& why) {
  Verdict verdict = Verdict::kPass;
  for (const RolloutGate& gate : rollout.gates) {
    GateOutcome outcome = evaluate_gate(gate, gates);
    Verdict v = Verdict::kPass;
    if (outcome.result == "Fail") {
      v = Verdict::kFail;
    } else if (outcome.result == "NoData") {
      v = rollout.on_no_data == NoDataAction::kPass   ? Verdict::kPass
          : rollout.on_no_data == NoDataAction::kFail ? Verdict::kFail
                                                      : Verdict::kHold;
    }
    if (v == Verdict::kFail && verdict != Verdict::kFail) {
      verdict = Verdict::kFail;
      why = "gate " + gate.name + " failed (" + outcome.message + ")";
    } else if (v == Verdict::kHold && verdict == Verdict::kPass) {
      verdict = Verdict::kHold;
      why = "waiting for data from gate " + gate.name + " (" + outcome.message + ")";
    }
    outcomes.push_back(std::move(outcome));
  }
  return verdict;
}

}  // namespace

RolloutStep advance_rollout(const Rollout& rollout, const std::optional<RolloutState>& state, std::int32_t current,
                            std::int32_t recommended, const std::map<std::string, Observation>& gates, Time now) {
  RolloutStep out;
  out.replicas = recommended;
  const auto steps = static_cast<std::int32_t>(rollout.steps.size());
  const Duration interval = static_cast<Duration>(rollout.step_interval_seconds) * kSecond;
  std::optional<RolloutState> s = state;
  if (s) {  // a state from outside (a file, an older policy) may not fit this rollout
    s->step = std::clamp(s->step, 0, steps);
    s->from = std::max(s->from, 0);
    s->to = std::max(s->to, s->from);
  }
  if (s && (recommended < current || recommended <= s->from)) {
    out.note = "rollout from " + std::to_string(s->from) + " to " + std::to_string(s->to) +
               " cancelled: the recommendation fell to " + std::to_string(recommended);
    s.reset();
  }
  std::vector<GateOutcome> outcomes;
  bool rolled_back = false;
  bool paused_now = false;
  if (!s) {
    if (recommended <= current || steps == 0) {
      return out;
    }
    s = RolloutState{current, recommended, 1, now, false};
  } else if (recommended == current) {
    // Held by a stabilization window or a cooldown: nothing moves, the rollout waits.
    out.replicas = current;
    out.view = RolloutView{s->from, s->to, s->step, steps, current, s->paused, std::nullopt, {}};
    out.state = s;
    return out;
  } else {
    s->to = recommended;
    if (s->step < steps && (s->paused || !(now < s->step_started_at + interval))) {
      std::string why;
      switch (evaluate_gates(rollout, gates, outcomes, why)) {
        case Verdict::kPass:
          ++s->step;
          s->step_started_at = now;
          s->paused = false;
          break;
        case Verdict::kFail:
          if (rollout.on_gate_failure == GateFailureAction::kRollback) {
            s->step = 0;
            s->step_started_at = now;
            s->paused = false;
            rolled_back = true;
            out.note = "rollout rolled back to " + std::to_string(s->from) + ": " + why;
          } else {
            s->paused = true;
            paused_now = true;
            out.note = "rollout paused at step " + std::to_string(s->step) + "/" + std::to_string(steps) + ": " + why;
          }
          break;
        case Verdict::kHold:
          out.note = "rollout holds at step " + std::to_string(s->step) + "/" + std::to_string(steps) + ": " + why;
          break;
      }
    }
  }
  std::int32_t n = step_replicas(*s, rollout, s->step);
  if (s->step >= steps || n >= s->to) {
    out.replicas = s->to;
    out.view = RolloutView{s->from, s->to, steps, steps, s->to, false, std::nullopt, std::move(outcomes)};
    if (out.note.empty()) {
      out.note = "rollout from " + std::to_string(s->from) + " to " + std::to_string(s->to) + " complete";
    }
    return out;  // complete: no state kept
  }
  if (s->paused) {
    n = current;  // a paused rollout holds the count, even when the recommendation (and `to`) grew
  } else if (!rolled_back) {
    n = std::max(n, current);  // a shrinking target never takes back capacity already added
  }
  out.replicas = n;
  if (rolled_back) {
    out.limits.push_back(kRolloutRolledBack);
  } else if (paused_now || s->paused) {
    out.limits.push_back(kRolloutPaused);
  } else if (n < recommended) {
    out.limits.push_back(kRolloutStep);
  }
  if (out.note.empty() && n < recommended) {
    out.note = "rollout step " + std::to_string(s->step) + "/" + std::to_string(steps) + ": " + std::to_string(n) +
               " of " + std::to_string(s->to) + " replicas";
  }
  std::optional<Time> next;
  if (!s->paused) {
    next = s->step_started_at + interval;
  }
  out.view = RolloutView{s->from, s->to, s->step, steps, n, s->paused, next, std::move(outcomes)};
  out.state = s;
  return out;
}

}  // namespace hpad::policies::detail
