// decide_bench: decide() throughput, 3 metrics over 50 pods, one thread (issue #3): scale-up, hold, scale-down.
// Baselines in the same run: copying the input (the floor of any by-value API), the cpu replica calculator
// alone (the HPA math's share of a decision), and `hpad decide`'s parse JSON + decide() + dump JSON.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "hpad/policies/decision.h"
#include "hpad/policies/decision_json.h"
#include "hpad/policies/policy_parser.h"
#include "hpad/policies/replica_calculator.h"

namespace {

using namespace hpad::policies;  // NOLINT(google-build-using-namespace): a benchmark of this one library

constexpr std::int32_t kPods = 50;
constexpr std::int64_t kRequestMilli = 500;   // app 400m + sidecar 100m per pod
const Time kNow{1'767'312'000, 250'000'000};  // 2026-01-02T00:00:00.25Z

// Keeps the results observable: the loops store into it once, after timing.
volatile std::int64_t g_sink = 0;

Time ago(std::int64_t seconds) {
  return kNow + (-seconds * kSecond);
}

Quantity q(const char* text) {
  return std::get<Quantity>(Quantity::parse(text));
}

MetricSpec metric(const char* name, MetricSourceType type, const char* query) {
  MetricSpec m;
  m.name = name;
  m.type = type;
  m.query = query;
  return m;
}

Policy web_policy() {
  Policy p;
  p.metadata = {"web", "shop"};
  p.scale_target_ref = {"apps/v1", "Deployment", "web"};
  p.min_replicas = 2;
  p.max_replicas = 200;

  MetricSpec cpu = metric("cpu", MetricSourceType::kResource,
                          "sum by (pod) (rate(container_cpu_usage_seconds_total{namespace=\"shop\"}[1m]))");
  cpu.resource = "cpu";
  cpu.target.type = MetricTargetType::kUtilization;
  cpu.target.average_utilization = 60;
  MetricSpec http = metric("http-requests", MetricSourceType::kPods,
                           "sum by (pod) (rate(http_requests_total{namespace=\"shop\"}[1m]))");
  http.target.type = MetricTargetType::kAverageValue;
  http.target.average_value = q("100");
  MetricSpec queue = metric("queue-depth", MetricSourceType::kExternal, "sum(queue_depth{queue=\"orders\"})");
  queue.target.type = MetricTargetType::kValue;
  queue.target.value = q("3k");
  p.metrics = {cpu, http, queue};

  Behavior b;
  b.scale_up = HPAScalingRules{60,
                               SelectPolicy::kMax,
                               {{ScalingPolicyType::kPods, 4, 15}, {ScalingPolicyType::kPercent, 100, 15}},
                               std::nullopt};
  b.scale_down = HPAScalingRules{std::nullopt,
                                 SelectPolicy::kMax,
                                 {{ScalingPolicyType::kPercent, 10, 60}},
                                 std::get<Quantity>(Quantity::parse("0.05"))};
  p.behavior = b;
  p.cooldown = {30, 120, 0};

  Rollout r;
  r.steps = {25, 50, 100};
  r.step_interval_seconds = 60;
  r.gates = {RolloutGate{"errors", "sum(rate(http_errors_total[1m])) / sum(rate(http_requests_total[1m]))",
                         std::nullopt, 0.01}};
  p.rollout = r;
  return p;
}

std::string pod_name(std::int32_t i) {
  return "web-7d9f8c6b5-p" + std::to_string(100 + i);
}

std::vector<PodInfo> web_pods() {
  std::vector<PodInfo> pods;
  for (std::int32_t i = 0; i < kPods; ++i) {
    PodInfo pod;
    pod.name = pod_name(i);
    pod.phase = PodPhase::kRunning;
    pod.start_time = ago(7200 + 60 * i);
    pod.ready = ConditionStatus::kTrue;
    pod.ready_last_transition = ago(7200 + 60 * i - 25);
    pod.containers = {{"app", {{"cpu", 400}, {"memory", 512LL * 1024 * 1024 * 1000}}},
                      {"istio-proxy", {{"cpu", kRequestMilli - 400}, {"memory", 128LL * 1024 * 1024 * 1000}}}};
    pods.push_back(std::move(pod));
  }
  return pods;
}

// Deterministic spread around a mean, in [-20, 20] units of `step`.
double spread(std::int32_t i, double step) {
  return static_cast<double>((i * 37) % 41 - 20) * step;
}

struct CaseSpec {
  const char* name;
  std::int64_t cpu_milli;             // mean usage per pod (request 500m)
  double http_per_pod;                // requests per second per pod (target 100)
  double queue_depth;                 // target 3000
  std::vector<std::int32_t> history;  // 20 recommendations, oldest first, 15 s apart (285 s .. 0 s ago)
  bool mid_rollout;                   // a rollout 42 -> 74 stepped to 50 90 s ago; its gate is due
};

DecisionInput make_input(const CaseSpec& c) {
  DecisionInput in;
  in.now = kNow;
  in.policy = web_policy();
  in.scale = {kPods, kPods, "app=web,pod-template-hash=7d9f8c6b5"};
  in.pods = web_pods();

  Observation& cpu = in.metrics["cpu"];
  Observation& http = in.metrics["http-requests"];
  for (std::int32_t i = 0; i < kPods; ++i) {
    const std::map<std::string, std::string> labels{{"namespace", "shop"}, {"pod", pod_name(i)}};
    cpu.samples.push_back(
        Sample{labels, (static_cast<double>(c.cpu_milli) + spread(i, 1.0)) / 1000.0, std::nullopt, std::nullopt});
    http.samples.push_back(Sample{labels, c.http_per_pod + spread(i, 0.25), std::nullopt, std::nullopt});
  }
  in.metrics["queue-depth"] =
      Observation{{Sample{{{"queue", "orders"}}, c.queue_depth, std::nullopt, std::nullopt}}, std::nullopt};
  in.gates["errors"] = Observation{{Sample{{}, 0.002, std::nullopt, std::nullopt}}, std::nullopt};

  PolicyState& s = in.state;
  std::vector<Recommendation> history;
  for (std::size_t k = 0; k < c.history.size(); ++k) {
    history.push_back({c.history[k], ago(static_cast<std::int64_t>(15 * (c.history.size() - 1 - k)))});
  }
  s.normalization.recommendations = std::move(history);
  s.normalization.scale_up_events = {{6, ago(1500), true}, {4, ago(900), true}};
  s.normalization.scale_down_events = {{3, ago(2400), true}, {2, ago(1800), true}};
  s.last_scale_time = ago(600);
  if (c.mid_rollout) {
    s.normalization.scale_up_events.push_back({8, ago(90), false});
    s.last_scale_time = ago(90);
    s.rollout = RolloutState{42, 74, 1, ago(90), false};
  }
  s.conditions = {
      {"AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size", ago(600)},
      {"ScalingActive", "True", "ValidMetricFound",
       "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of "
       "request)",
       ago(86'000)},
      {"ScalingLimited", "False", "DesiredWithinRange", "the desired count is within the acceptable range",
       ago(86'000)}};
  return in;
}

std::vector<CaseSpec> case_specs() {
  return {
      // cpu 90% of 60% -> 75; http 65; queue 67; the last minute's minimum (72) holds the scale-up back.
      {"scale_up",
       450,
       130,
       4000,
       {48, 49, 50, 50, 50, 51, 50, 50, 52, 55, 58, 60, 63, 66, 68, 70, 72, 72, 74, 74},
       true},
      // everything within tolerance of its target: stay at 50.
      {"hold", 300, 100, 3000, {49, 50, 51, 50, 50, 50, 49, 50, 51, 50, 50, 50, 50, 49, 50, 50, 51, 50, 50, 50}, false},
      // cpu 30% -> 25; the 5-minute window's maximum (45) and the 10%/60 s policy give 45.
      {"scale_down",
       150,
       50,
       1200,
       {45, 44, 43, 42, 41, 40, 38, 37, 36, 35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 26},
       false},
  };
}

// One case, with everything each benchmark needs prepared outside the timed loops.
struct Fixture {
  std::string name;
  DecisionInput input;
  std::string json_text;   // to_json(input).dump(): what `hpad decide` reads
  PodSamples cpu_samples;  // the cpu observation as the calculator takes it
  CalculatorSettings settings;
};

Fixture make_fixture(const CaseSpec& c) {
  Fixture f;
  f.name = c.name;
  f.input = make_input(c);
  f.json_text = to_json(f.input).dump();
  for (const Sample& sample : f.input.metrics.at("cpu").samples) {
    f.cpu_samples[sample.labels.at("pod")] = PodSample{to_milli_units(sample.value), kNow, 60 * kSecond};
  }
  const ControllerSettings& ctl = f.input.controller;
  const HPAScalingRules& down = f.input.policy.behavior->scale_down;
  const HPAScalingRules& up = f.input.policy.behavior->scale_up;
  f.settings = CalculatorSettings{{down.tolerance ? down.tolerance->approximate() : ctl.tolerance,
                                   up.tolerance ? up.tolerance->approximate() : ctl.tolerance},
                                  ctl.cpu_initialization_period,
                                  ctl.initial_readiness_delay};
  return f;
}

const std::optional<std::string> kNoContainer;

Result<ResourceUtilizationReplicas> cpu_replicas(const Fixture& f) {
  return resource_utilization_replicas(f.input.scale.spec_replicas, 60, kCpu, kNoContainer, f.input.pods, f.cpu_samples,
                                       f.settings, f.input.now);
}

std::string run_json(const Fixture& f) {
  DecisionInputParse parsed = parse_decision_input(f.json_text, "bench.json");
  if (!parsed.input) {
    return {};
  }
  return to_json(decide(*parsed.input)).dump();
}

// Checks, before anything is timed, that each case is valid, does what its name says, that the
// JSON text is the same input, and that the calculator baseline computes decide()'s cpu proposal.
bool check(const Fixture& f) {
  bool ok = true;
  for (const PolicyError& e : validate_policy(f.input.policy, "bench")) {
    std::fprintf(stderr, "%s: invalid policy: %s: %s\n", f.name.c_str(), e.field_path.c_str(), e.message.c_str());
    ok = false;
  }
  const Decision d = decide(f.input);
  std::string limits;
  for (const std::string& l : d.limits) {
    limits += (limits.empty() ? "" : ",") + l;
  }
  std::fprintf(stderr, "%-10s %d -> %d  metrics=%d stabilized=%d limited=%d limits=[%s]\n           %s\n",
               f.name.c_str(), d.current_replicas, d.desired_replicas, d.recommendation.metrics.value_or(-1),
               d.recommendation.stabilized.value_or(-1), d.recommendation.limited.value_or(-1), limits.c_str(),
               d.message.c_str());
  const int expected_sign = f.name == "scale_up" ? 1 : f.name == "hold" ? 0 : -1;
  const int sign = (d.desired_replicas > d.current_replicas) - (d.desired_replicas < d.current_replicas);
  if (sign != expected_sign) {
    std::fprintf(stderr, "%s: the case does not %s\n", f.name.c_str(), f.name.c_str());
    ok = false;
  }
  const DecisionInputParse parsed = parse_decision_input(f.json_text, "bench.json");
  for (const PolicyError& e : parsed.errors) {
    std::fprintf(stderr, "%s: JSON input: %s: %s\n", f.name.c_str(), e.field_path.c_str(), e.message.c_str());
    ok = false;
  }
  if (parsed.input && to_json(decide(*parsed.input)).dump() != to_json(d).dump()) {
    std::fprintf(stderr, "%s: the JSON text decides differently\n", f.name.c_str());
    ok = false;
  }
  const auto cpu = cpu_replicas(f);
  const auto* r = std::get_if<ResourceUtilizationReplicas>(&cpu);
  if (r == nullptr || d.metrics.empty() || d.metrics[0].replicas != r->replicas) {
    std::fprintf(stderr, "%s: the calculator baseline does not give decide()'s cpu proposal\n", f.name.c_str());
    ok = false;
  }
  return ok;
}

// --- the benchmarks: one item = one decision (or one baseline operation) -------------------------

void bm_copy_input(benchmark::State& state, const Fixture* f) {
  for (auto _ : state) {
    DecisionInput copy = f->input;
    benchmark::DoNotOptimize(copy);
  }
  state.SetItemsProcessed(state.iterations());
}

void bm_cpu_calculator(benchmark::State& state, const Fixture* f) {
  std::int64_t sum = 0;
  for (auto _ : state) {
    auto result = cpu_replicas(*f);
    sum += std::get<ResourceUtilizationReplicas>(result).replicas;
    benchmark::DoNotOptimize(result);
  }
  g_sink = sum;
  state.SetItemsProcessed(state.iterations());
}

void bm_decide(benchmark::State& state, const Fixture* f) {
  std::int64_t sum = 0;
  for (auto _ : state) {
    Decision d = decide(f->input);
    sum += d.desired_replicas;
    benchmark::DoNotOptimize(d);
  }
  g_sink = sum;
  state.SetItemsProcessed(state.iterations());
}

void bm_json_decide(benchmark::State& state, const Fixture* f) {
  std::int64_t bytes = 0;
  for (auto _ : state) {
    std::string out = run_json(*f);
    bytes += static_cast<std::int64_t>(out.size());
    benchmark::DoNotOptimize(out);
  }
  g_sink = bytes;
  state.SetItemsProcessed(state.iterations());
}

// --- the summary: decisions/s and ratios from the medians of this run ---------------------------

constexpr const char* kKinds[] = {"copy_input", "cpu_calculator", "decide", "json_decide"};

double to_ns(double value, benchmark::TimeUnit unit) {
  switch (unit) {
    case benchmark::kNanosecond:
      return value;
    case benchmark::kMicrosecond:
      return value * 1e3;
    case benchmark::kMillisecond:
      return value * 1e6;
    case benchmark::kSecond:
      return value * 1e9;
  }
  return value;
}

// Prints as the console reporter does and keeps, per benchmark, the median CPU time per item
// (or the last run's, without repetitions) and the coefficient of variation.
class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  struct Figures {
    double ns = 0;
    double cv = -1;  // unknown
  };

  // Colours only on a terminal (a reporter of our own does not read --benchmark_color).
  SummaryReporter() : ConsoleReporter(isatty(STDOUT_FILENO) != 0 ? OO_ColorTabular : OO_Tabular) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      Figures& f = figures_[run.run_name.function_name];
      if (run.run_type == Run::RT_Iteration && !has_median_[run.run_name.function_name]) {
        f.ns = to_ns(run.GetAdjustedCPUTime(), run.time_unit);
      } else if (run.run_type == Run::RT_Aggregate && run.aggregate_name == "median") {
        f.ns = to_ns(run.GetAdjustedCPUTime(), run.time_unit);
        has_median_[run.run_name.function_name] = true;
      } else if (run.run_type == Run::RT_Aggregate && run.aggregate_name == "cv") {
        f.cv = run.cpu_accumulated_time;  // a fraction: percentage aggregates are not per iteration
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }

  void print_summary(const std::vector<Fixture>& fixtures) const {
    std::printf("\ndecide(): 3 metrics, %d pods, one thread; CPU time per item, median over the repetitions\n", kPods);
    std::printf("%-11s %10s %13s %6s | %10s %11s | %10s %11s | %10s %11s\n", "case", "decide_us", "decisions/s", "cv",
                "copy_us", "decide/copy", "cpucalc_us", "calc share", "json_us", "json/decide");
    double slowest = 0;
    for (const Fixture& fx : fixtures) {
      const auto get = [&](const char* kind) {
        const auto it = figures_.find(std::string(kind) + "/" + fx.name);
        return it == figures_.end() ? Figures{} : it->second;
      };
      const Figures copy = get(kKinds[0]);
      const Figures calc = get(kKinds[1]);
      const Figures dec = get(kKinds[2]);
      const Figures json = get(kKinds[3]);
      if (dec.ns <= 0) {
        continue;
      }
      slowest = std::max(slowest, dec.ns);
      const auto ratio = [&](double a, double b) { return (a > 0 && b > 0) ? a / b : 0.0; };
      std::printf("%-11s %10.2f %13.0f %5.1f%% | %10.2f %10.1fx | %10.2f %10.1f%% | %10.2f %10.1fx\n", fx.name.c_str(),
                  dec.ns / 1e3, 1e9 / dec.ns, dec.cv < 0 ? 0.0 : dec.cv * 100, copy.ns / 1e3, ratio(dec.ns, copy.ns),
                  calc.ns / 1e3, 100 * ratio(calc.ns, dec.ns), json.ns / 1e3, ratio(json.ns, dec.ns));
    }
    if (slowest > 0) {
      const double rate = 1e9 / slowest;
      std::printf("goal (issue #3): >= 200,000 decisions/s on one core: %s (slowest case %.0f/s)\n",
                  rate >= 200'000 ? "met" : "MISSED", rate);
    }
  }

 private:
  std::map<std::string, Figures> figures_;
  std::map<std::string, bool> has_median_;
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<Fixture> fixtures;
  bool ok = true;
  for (const CaseSpec& c : case_specs()) {
    fixtures.push_back(make_fixture(c));
  }
  for (const Fixture& f : fixtures) {
    ok = check(f) && ok;
  }
  if (!ok) {
    return 1;
  }
  for (const Fixture& f : fixtures) {
    const Fixture* fp = &f;
    benchmark::RegisterBenchmark(("copy_input/" + f.name).c_str(), bm_copy_input, fp)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("cpu_calculator/" + f.name).c_str(), bm_cpu_calculator, fp)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("decide/" + f.name).c_str(), bm_decide, fp)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("json_decide/" + f.name).c_str(), bm_json_decide, fp)->Unit(benchmark::kMicrosecond);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
    return 1;
  }
  SummaryReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_summary(fixtures);
  benchmark::Shutdown();
  return g_sink == -1 ? 2 : 0;  // never -1: reads the sink so that no store into it is dead
}
