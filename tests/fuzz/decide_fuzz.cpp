// libFuzzer target: arbitrary text as a DecisionInput, through decide() and the JSON writer, as
// `hpad decide` runs it. Checks the Decision's invariants (decision.h): never a negative count,
// scale == (desired != current), no NaN or infinity anywhere, and the written JSON parses.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

#include "hpad/policies/decision.h"
#include "hpad/policies/decision_json.h"

namespace {

[[noreturn]] void fail(const std::string& what, std::string_view input) {
  std::cerr << "decide_fuzz: " << what << "\ninput:\n" << input << "\n";
  std::abort();
}

bool finite(const std::optional<double>& v) {
  return !v || std::isfinite(*v);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const hpad::policies::DecisionInputParse parsed = hpad::policies::parse_decision_input(text, "fuzz.json");
  if (!parsed.input) {
    if (parsed.errors.empty()) {
      fail("rejected without an error", text);
    }
    return 0;
  }
  const hpad::policies::Decision d = hpad::policies::decide(*parsed.input);
  if (d.desired_replicas < 0 || d.current_replicas < 0) {
    fail("negative replica count", text);
  }
  if (d.scale != (d.desired_replicas != d.current_replicas)) {
    fail("scale disagrees with the counts", text);
  }
  if (d.recommendation.final_replicas != d.desired_replicas) {
    fail("recommendation.final differs from desiredReplicas", text);
  }
  for (const hpad::policies::MetricOutcome& m : d.metrics) {
    if (!finite(m.value) || (m.replicas && *m.replicas < 0) || m.valid != m.replicas.has_value()) {
      fail("metric " + m.name + " breaks an invariant", text);
    }
  }
  if (d.rollout) {
    for (const hpad::policies::GateOutcome& g : d.rollout->gates) {
      if (!finite(g.value)) {
        fail("gate " + g.name + " has a non-finite value", text);
      }
    }
  }
  const std::string json = hpad::policies::to_json(d).dump();
  if (!nlohmann::json::accept(json)) {
    fail("the Decision's JSON does not parse:\n" + json, text);
  }
  return 0;
}
