// The offline subcommands (see commands.h). File reading lives here, not in policies/, which
// does no I/O; everything else is the library's.
#include "hpad/controller/commands.h"

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <utility>

#include "hpad/policies/decision.h"
#include "hpad/policies/decision_json.h"
#include "hpad/policies/policy_parser.h"
#include "hpad/policies/time_format.h"

namespace hpad::controller {
namespace {

using policies::MetricSourceType;
using policies::MetricTargetType;

bool read_all(std::istream& in, std::string& text) {
  std::ostringstream buffer;
  buffer << in.rdbuf();  // (istreambuf_iterator trips g++ 12's -Wnull-dereference at -O2)
  text = std::move(buffer).str();
  return !in.bad();
}

bool read_file(const std::string& path, std::string& text, std::ostream& err) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    err << path << ": cannot open file\n";
    return false;
  }
  if (!read_all(file, text)) {
    err << path << ": read error\n";
    return false;
  }
  return true;
}

std::string target_text(const policies::MetricTarget& target) {
  switch (target.type) {
    case MetricTargetType::kUtilization:
      return std::to_string(target.average_utilization.value_or(0)) + "% utilization";
    case MetricTargetType::kAverageValue:
      return "average " + (target.average_value ? target.average_value->canonical() : std::string("?"));
    case MetricTargetType::kValue:
      return "value " + (target.value ? target.value->canonical() : std::string("?"));
  }
  return "?";
}

}  // namespace

std::string summarize(const policies::Policy& policy) {
  std::ostringstream out;
  out << policy.metadata.namespace_name << "/" << policy.metadata.name << ": " << policy.scale_target_ref.kind << " "
      << policy.scale_target_ref.name << ", replicas " << policy.min_replicas << ".." << policy.max_replicas
      << ", metrics ";
  for (std::size_t i = 0; i < policy.metrics.size(); ++i) {
    const policies::MetricSpec& m = policy.metrics[i];
    out << (i > 0 ? ", " : "") << m.name << " (" << policies::metric_type_name(m.type);
    if (!m.resource.empty()) {
      out << " " << m.resource;
    }
    if (!m.container.empty()) {
      out << " in " << m.container;
    }
    out << ", " << target_text(m.target) << ")";
  }
  out << "; behavior " << (policy.behavior ? "set" : "HPA default (no behavior)");
  const policies::Cooldown& c = policy.cooldown;
  if (c.scale_up_seconds != 0 || c.scale_down_seconds != 0 || c.scale_to_zero_seconds != 0) {
    out << "; cooldown up " << c.scale_up_seconds << "s, down " << c.scale_down_seconds << "s, to zero "
        << c.scale_to_zero_seconds << "s";
  }
  if (policy.fallback) {
    out << "; fallback " << policy.fallback->replicas << " after " << policy.fallback->failure_threshold
        << " failed syncs ("
        << (policy.fallback->mode == policies::FallbackMode::kAtLeastCurrent ? "AtLeastCurrent" : "Static") << ")";
  }
  if (policy.rollout) {
    out << "; rollout " << policy.rollout->steps.size() << " steps every " << policy.rollout->step_interval_seconds
        << "s, " << policy.rollout->gates.size() << (policy.rollout->gates.size() == 1 ? " gate" : " gates");
  }
  return out.str();
}

std::string explain(const policies::Decision& d) {
  std::ostringstream out;
  out << d.policy << " at " << policies::format_rfc3339(d.time) << ": " << d.current_replicas << " -> "
      << d.desired_replicas << (d.scale ? " (scale)" : " (no change)") << "\n";
  out << "  " << d.message << "\n";
  for (const policies::MetricOutcome& m : d.metrics) {
    out << "  metric " << m.name << " (" << policies::metric_type_name(m.type) << "): ";
    if (m.valid) {
      out << "value " << *m.value;
      if (m.average_utilization) {
        out << " (" << *m.average_utilization << "% of request)";
      }
      out << " -> " << *m.replicas << " replicas" << (m.active ? "" : ", not active");
    } else {
      out << "INVALID (" << m.reason << "): " << m.error.value_or("");
    }
    out << "\n";
  }
  const auto stage = [&](const char* name, const std::optional<std::int32_t>& v) {
    out << " " << name << " " << (v ? std::to_string(*v) : std::string("-"));
  };
  out << "  stages:";
  stage("metrics", d.recommendation.metrics);
  stage("stabilized", d.recommendation.stabilized);
  stage("limited", d.recommendation.limited);
  stage("final", d.recommendation.final_replicas);
  out << "\n  limits: ";
  for (std::size_t i = 0; i < d.limits.size(); ++i) {
    out << (i > 0 ? ", " : "") << d.limits[i];
  }
  out << (d.limits.empty() ? "none\n" : "\n");
  for (const policies::Condition& c : d.conditions) {
    out << "  condition " << c.type << "=" << c.status << " " << c.reason << ": " << c.message << "\n";
  }
  if (d.rollout) {
    const policies::RolloutView& r = *d.rollout;
    out << "  rollout " << r.from << " -> " << r.to << ": step " << r.step << "/" << r.steps << " (" << r.step_replicas
        << " replicas)" << (r.paused ? ", paused" : "");
    if (r.next_step_at) {
      out << ", next step at " << policies::format_rfc3339(*r.next_step_at);
    }
    out << "\n";
    for (const policies::GateOutcome& g : r.gates) {
      out << "    gate " << g.name << ": " << g.result << " (" << g.message << ")\n";
    }
  }
  return out.str();
}

int run_decide(const DecideOptions& options, std::istream& in, std::ostream& out, std::ostream& err) {
  std::string text;
  const bool from_stdin = options.file.empty() || options.file == "-";
  const std::string name = from_stdin ? "<stdin>" : options.file;
  if (from_stdin ? !read_all(in, text) : !read_file(options.file, text, err)) {
    if (from_stdin) {
      err << "<stdin>: read error\n";
    }
    return kExitBadInput;
  }
  const policies::DecisionInputParse parsed = policies::parse_decision_input(text, name);
  if (!parsed.input) {
    for (const policies::PolicyError& error : parsed.errors) {
      err << error.to_string() << "\n";
    }
    return kExitBadInput;
  }
  const policies::Decision decision = policies::decide(*parsed.input);
  if (options.explain) {
    out << explain(decision);
  } else {
    out << policies::to_json(decision).dump(options.compact ? -1 : 2) << "\n";
  }
  return kExitOk;
}

int run_validate(const std::vector<std::string>& files, std::ostream& out, std::ostream& err) {
  int code = kExitOk;
  for (const std::string& file : files) {
    std::string text;
    if (!read_file(file, text, err)) {
      code = kExitInvalid;
      continue;
    }
    const policies::ParseResult result = policies::parse_policies(text, file);
    for (const policies::PolicyError& error : result.errors) {
      err << error.to_string() << "\n";
    }
    if (!result.ok()) {
      code = kExitInvalid;
      continue;  // a file with an error is rejected whole, as the daemon rejects it
    }
    if (result.policies.empty()) {
      err << file << ": no ScalingPolicy in the file\n";
      code = kExitInvalid;
    }
    for (const policies::Policy& policy : result.policies) {
      out << file << ": " << summarize(policy) << "\n";
    }
  }
  return code;
}

int run_version(std::ostream& out) {
  out << "hpad " << HPAD_VERSION << "\n";
  return kExitOk;
}

}  // namespace hpad::controller
