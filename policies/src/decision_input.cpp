// DecisionInput text -> DecisionInput (see decision_json.h). JSON and YAML both become a
// YamlNode tree; the detail::Reader reads it field by field, reporting every problem and carrying
// on, so one pass finds all errors. The embedded policy goes through the one policy reader and
// validate_policy, its paths prefixed "policy.". Pods are read leniently (only the fields
// decide() reads; everything else in a Pod is ignored), hpad's own objects strictly.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hpad/policies/decision_json.h"
#include "hpad/policies/time_format.h"
#include "input_values.h"
#include "json_tree.h"
#include "policy_reader.h"
#include "yaml_reader.h"
#include "yaml_tree.h"

namespace hpad::policies {
namespace {

using detail::decimal_seconds;
using detail::Fields;
using detail::index_path;
using detail::join_path;
using detail::read_bool;
using detail::read_bounded;
using detail::read_count;
using detail::read_pod;
using detail::read_time;
using detail::sample_value;
using detail::written;
using detail::YamlNode;

class InputReader {
 public:
  InputReader(std::string_view file, std::vector<PolicyError>& errors) : file_(file), errors_(errors) {}

  void read(const YamlNode& root, DecisionInput& input) {
    const Fields f = r_.fields(
        root, "", {"apiVersion", "kind", "now", "controller", "policy", "scale", "pods", "metrics", "gates", "state"});
    if (f.node->kind != YamlNode::Kind::kMap) {
      return;
    }
    bool is_input = true;
    if (const auto v = r_.string(f, "apiVersion", true); v && *v != "hpad.io/v1alpha1") {
      r_.error(*f.get("apiVersion"), "apiVersion", "must be hpad.io/v1alpha1");
      is_input = false;
    }
    if (const auto kind = r_.string(f, "kind", true); kind && *kind != "DecisionInput") {
      r_.error(*f.get("kind"), "kind", "must be DecisionInput");
      is_input = false;
    }
    if (!is_input) {
      return;
    }
    if (const auto now = read_time(r_, f, "now", true)) {
      input.now = *now;
    }
    if (const YamlNode* controller = f.get("controller")) {
      read_controller(*controller, input.controller);
    }
    if (const YamlNode* policy = r_.required(f, "policy")) {
      read_embedded_policy(*policy, input.policy);
    }
    if (const YamlNode* scale = r_.required(f, "scale")) {
      read_scale(*scale, input.scale);
    }
    if (const YamlNode* pods = f.get("pods")) {
      if (const auto* items = r_.sequence(*pods, "pods")) {
        for (std::size_t i = 0; i < items->size(); ++i) {
          read_pod(r_, (*items)[i], index_path("pods", i), input.pods.emplace_back());
        }
      }
    }
    if (const YamlNode* metrics = f.get("metrics")) {
      read_observations(*metrics, "metrics", input.metrics);
    }
    if (const YamlNode* gates = f.get("gates")) {
      read_observations(*gates, "gates", input.gates);
    }
    if (const YamlNode* state = f.get("state")) {
      read_state(*state, input.state);
    }
  }

 private:
  // --- hpad's own objects ----------------------------------------------------------------------

  void read_controller(const YamlNode& node, ControllerSettings& c) {
    const Fields f = r_.fields(node, "controller",
                               {"tolerance", "cpuInitializationPeriodSeconds", "initialReadinessDelaySeconds",
                                "downscaleStabilizationWindowSeconds", "scaleUpLimitFactor", "scaleUpLimitMinimum"});
    c.tolerance = read_bounded(r_, f, "tolerance", false).value_or(c.tolerance);
    const auto seconds = [&](std::string_view key, Duration& out) {
      if (const auto value = read_count(r_, f, key, false)) {
        out = *value * kSecond;
      }
    };
    seconds("cpuInitializationPeriodSeconds", c.cpu_initialization_period);
    seconds("initialReadinessDelaySeconds", c.initial_readiness_delay);
    seconds("downscaleStabilizationWindowSeconds", c.downscale_stabilization_window);
    c.scale_up_limit_factor = read_bounded(r_, f, "scaleUpLimitFactor", true).value_or(c.scale_up_limit_factor);
    c.scale_up_limit_minimum = read_bounded(r_, f, "scaleUpLimitMinimum", true).value_or(c.scale_up_limit_minimum);
  }

  void read_embedded_policy(const YamlNode& node, Policy& policy) {
    std::vector<PolicyError> errors;
    detail::read_policy(node, file_, policy, errors);
    for (PolicyError& e : errors) {
      e.field_path = e.field_path.empty() ? "policy" : "policy." + e.field_path;
      errors_.push_back(std::move(e));
    }
  }

  void read_scale(const YamlNode& node, ScaleObservation& scale) {
    // An autoscaling/v1 Scale as the API returns it is accepted whole: its apiVersion, kind and
    // metadata are ignored, and spec.replicas may be absent (omitempty: the API leaves out 0).
    const Fields f = r_.fields(node, "scale", {"apiVersion", "kind", "metadata", "spec", "status"});
    if (const YamlNode* spec = r_.required(f, "spec")) {
      const Fields s = r_.fields(*spec, "scale.spec", {"replicas"});
      scale.spec_replicas = read_count(r_, s, "replicas", false).value_or(0);
    }
    if (const YamlNode* status = f.get("status")) {
      const Fields s = r_.fields(*status, "scale.status", {"replicas", "selector"});
      scale.status_replicas = read_count(r_, s, "replicas", false).value_or(0);
      scale.selector = r_.string(s, "selector", false).value_or("");
    }
  }

  void read_observations(const YamlNode& node, const std::string& path, std::map<std::string, Observation>& out) {
    const Fields by_name = r_.open_fields(node, path);
    for (const auto& [name, entry] : by_name.by_key) {
      const std::string entry_path = join_path(path, name);
      const Fields f = r_.fields(*entry, entry_path, {"samples", "error"});
      Observation& observation = out[name];
      observation.error = r_.string(f, "error", false);
      if (const YamlNode* samples = f.get("samples")) {
        const std::string samples_path = join_path(entry_path, "samples");
        if (const auto* items = r_.sequence(*samples, samples_path)) {
          for (std::size_t i = 0; i < items->size(); ++i) {
            read_sample((*items)[i], index_path(samples_path, i), observation.samples.emplace_back());
          }
        }
      }
    }
  }

  void read_sample(const YamlNode& node, const std::string& path, Sample& sample) {
    const Fields f = r_.fields(node, path, {"labels", "value", "timestamp", "windowSeconds"});
    if (const YamlNode* labels = f.get("labels")) {
      const Fields l = r_.open_fields(*labels, join_path(path, "labels"));
      for (const auto& [label, unused] : l.by_key) {
        if (auto value = r_.string(l, label, false)) {
          sample.labels[label] = std::move(*value);
        }
      }
    }
    if (const YamlNode* value = f.get("value")) {
      const auto parsed = value->kind == YamlNode::Kind::kScalar ? sample_value(*value) : std::nullopt;
      if (!parsed) {
        r_.error(*value, join_path(path, "value"), "expected a number, \"NaN\", \"+Inf\" or \"-Inf\"");
      }
      sample.value = parsed.value_or(0);
    } else if (written(f, "value")) {
      sample.value = std::numeric_limits<double>::quiet_NaN();  // null: Prometheus had no number
    } else {
      r_.required(f, "value");
    }
    if (const YamlNode* timestamp = f.get("timestamp")) {
      std::optional<Time> parsed;
      if (timestamp->kind == YamlNode::Kind::kScalar) {
        parsed = parse_rfc3339(timestamp->value);
        if (!parsed && timestamp->plain) {
          parsed = decimal_seconds(timestamp->value);
        }
      }
      if (!parsed) {
        r_.error(*timestamp, join_path(path, "timestamp"), "expected an RFC 3339 time or a number of Unix seconds");
      }
      sample.timestamp = parsed;
    }
    if (const YamlNode* window = f.get("windowSeconds")) {
      // At most ~292 years of nanoseconds fit a Duration.
      const auto parsed =
          window->kind == YamlNode::Kind::kScalar && window->plain ? decimal_seconds(window->value) : std::nullopt;
      if (!parsed || parsed->seconds < 0 || parsed->seconds >= std::numeric_limits<Duration>::max() / kSecond) {
        r_.error(*window, join_path(path, "windowSeconds"),
                 parsed && parsed->seconds < 0 ? "must not be negative" : "expected a number of seconds");
      } else {
        sample.window = parsed->seconds * kSecond + parsed->nanos;
      }
    }
  }

  // Reads `key` (a list of mappings with these fields) with `item` for each.
  template <typename ReadItem>
  void list(const Fields& f, std::string_view key, std::initializer_list<std::string_view> allowed, ReadItem item) {
    if (const YamlNode* node = f.get(key)) {
      const std::string path = join_path(f.path, key);
      if (const auto* items = r_.sequence(*node, path)) {
        for (std::size_t i = 0; i < items->size(); ++i) {
          item(r_.fields((*items)[i], index_path(path, i), allowed));
        }
      }
    }
  }

  void read_state(const YamlNode& node, PolicyState& state) {
    const Fields f = r_.fields(node, "state",
                               {"recommendations", "scaleUpEvents", "scaleDownEvents", "lastScaleTime",
                                "consecutiveFailures", "belowActivationSince", "rollout", "conditions"});
    NormalizationState& n = state.normalization;
    if (f.get("recommendations") != nullptr) {
      n.recommendations.emplace();  // present, even empty: "seen"
    }
    list(f, "recommendations", {"replicas", "timestamp"}, [&](const Fields& item) {
      n.recommendations->push_back(
          {r_.int32(item, "replicas", true).value_or(0), read_time(r_, item, "timestamp", true).value_or(Time{})});
    });
    const auto events = [&](std::string_view key, std::vector<ScaleEvent>& out) {
      list(f, key, {"replicaChange", "timestamp", "outdated"}, [&](const Fields& item) {
        out.push_back({r_.int32(item, "replicaChange", true).value_or(0),
                       read_time(r_, item, "timestamp", true).value_or(Time{}),
                       read_bool(r_, item, "outdated").value_or(false)});
      });
    };
    events("scaleUpEvents", n.scale_up_events);
    events("scaleDownEvents", n.scale_down_events);
    state.last_scale_time = read_time(r_, f, "lastScaleTime", false);
    state.consecutive_failures = read_count(r_, f, "consecutiveFailures", false).value_or(0);
    state.below_activation_since = read_time(r_, f, "belowActivationSince", false);
    if (const YamlNode* rollout = f.get("rollout")) {
      const Fields r = r_.fields(*rollout, "state.rollout", {"from", "to", "step", "stepStartedAt", "paused"});
      RolloutState& out = state.rollout.emplace();
      out.from = read_count(r_, r, "from", true).value_or(0);
      out.to = read_count(r_, r, "to", true).value_or(0);
      out.step = read_count(r_, r, "step", true).value_or(0);
      out.step_started_at = read_time(r_, r, "stepStartedAt", true).value_or(Time{});
      out.paused = read_bool(r_, r, "paused").value_or(false);
    }
    list(f, "conditions", {"type", "status", "reason", "message", "lastTransitionTime"}, [&](const Fields& item) {
      state.conditions.push_back(
          {r_.string(item, "type", true).value_or(""), r_.string(item, "status", true).value_or(""),
           r_.string(item, "reason", false).value_or(""), r_.string(item, "message", false).value_or(""),
           read_time(r_, item, "lastTransitionTime", false)});
    });
  }

  std::string_view file_;
  std::vector<PolicyError>& errors_;
  Policy scratch_;  // the Reader notes positions in a Policy; those of a DecisionInput are not kept
  detail::Reader r_{file_, scratch_, errors_};
};

bool by_position(const PolicyError& a, const PolicyError& b) {
  return a.line != b.line ? a.line < b.line : a.column < b.column;
}

}  // namespace

DecisionInputParse parse_decision_input(std::string_view text, std::string_view file_name) {
  DecisionInputParse out;
  const auto problem = [&](const detail::YamlProblem& p) {
    out.errors.push_back({std::string(file_name), p.line, p.column, "", p.message});
  };
  std::optional<YamlNode> root;
  if (detail::looks_like_json(text)) {
    detail::JsonLoad load = detail::load_json(text);
    if (load.problem) {
      problem(*load.problem);
    }
    root = std::move(load.root);
  } else {
    detail::YamlLoad load = detail::load_yaml(text);
    for (const detail::YamlProblem& p : load.problems) {
      problem(p);
    }
    if (load.problems.empty() && load.documents.empty()) {
      problem({1, 1, "expected a DecisionInput document, found none"});
    }
    for (std::size_t i = 0; i < load.documents.size(); ++i) {
      const YamlNode& doc = load.documents[i].root;
      if (i == 1) {
        problem({doc.line, doc.column,
                 "expected one DecisionInput document, found " + std::to_string(load.documents.size())});
      }
      for (const detail::YamlProblem& p : load.documents[i].problems) {
        problem(p);
      }
    }
    if (load.problems.empty() && !load.documents.empty()) {  // a second document is reported above
      root = std::move(load.documents[0].root);
    }
  }
  if (root) {
    DecisionInput input;
    InputReader(file_name, out.errors).read(*root, input);
    if (out.errors.empty()) {
      out.input = std::move(input);
    }
  }
  std::stable_sort(out.errors.begin(), out.errors.end(), by_position);
  return out;
}

}  // namespace hpad::policies
