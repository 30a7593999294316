// Offered load (requests per second) of a simulated deployment as a function of the seconds since
// the simulation started. A LoadCurve is a plain value: evaluate() is pure and thread-safe.
// Invariant: evaluate() never returns a negative or non-finite value (curves are clamped at 0).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace hpad::sim {

enum class LoadCurveType { kConstant, kStep, kRamp, kSine, kTrace };

struct LoadCurve {
  LoadCurveType type = LoadCurveType::kConstant;
  double value = 0;  // constant: the load; step: the load before the first step
  // step: (at seconds, load from then on), sorted by time.
  // trace: (t seconds, load) points, sorted by time, interpolated linearly and held flat outside.
  std::vector<std::pair<double, double>> points;
  double from = 0, to = 0, start_seconds = 0, duration_seconds = 0;  // ramp
  double base = 0, amplitude = 0, period_seconds = 1;                // sine

  double evaluate(double t_seconds) const;
};

// Reads a CSV trace: one "t_seconds,value" per line; blank lines, '#' comments and a first
// header line that is not numeric are skipped. Returns the points sorted by time, or an error
// message naming the line.
struct TraceResult {
  std::vector<std::pair<double, double>> points;
  std::string error;  // empty on success
};
TraceResult parse_trace_csv(const std::string& text);

}  // namespace hpad::sim
