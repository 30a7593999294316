// Load curves: pure functions of time. Negative or non-finite results are clamped to 0 so that
// the workload never serves negative requests.
#include "hpad/sim/load_curve.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <sstream>

namespace hpad::sim {
namespace {

double clamp_load(double value) {
  return std::isfinite(value) && value > 0 ? value : 0.0;
}

// Linear interpolation between trace points, held flat before the first and after the last.
double interpolate(const std::vector<std::pair<double, double>>& points, double t) {
  if (points.empty()) {
    return 0;
  }
  if (t <= points.front().first) {
    return points.front().second;
  }
  if (t >= points.back().first) {
    return points.back().second;
  }
  auto after = std::upper_bound(points.begin(), points.end(), t,
                                [](double time, const auto& point) { return time < point.first; });
  auto before = std::prev(after);
  const double span = after->first - before->first;
  if (span <= 0) {
    return after->second;
  }
  return before->second + (after->second - before->second) * (t - before->first) / span;
}

}  // namespace

double LoadCurve::evaluate(double t_seconds) const {
  switch (type) {
    case LoadCurveType::kConstant:
      return clamp_load(value);
    case LoadCurveType::kStep: {
      double current = value;
      for (const auto& [at, step_value] : points) {
        if (t_seconds >= at) {
          current = step_value;
        }
      }
      return clamp_load(current);
    }
    case LoadCurveType::kRamp: {
      if (t_seconds <= start_seconds) {
        return clamp_load(from);
      }
      if (duration_seconds <= 0 || t_seconds >= start_seconds + duration_seconds) {
        return clamp_load(to);
      }
      return clamp_load(from + (to - from) * (t_seconds - start_seconds) / duration_seconds);
    }
    case LoadCurveType::kSine:
      return clamp_load(base + amplitude * std::sin(2 * std::numbers::pi * t_seconds / period_seconds));
    case LoadCurveType::kTrace:
      return clamp_load(interpolate(points, t_seconds));
  }
  return 0;
}

TraceResult parse_trace_csv(const std::string& text) {
  TraceResult result;
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    if (line.find_first_not_of(" \t") == std::string::npos || line[line.find_first_not_of(" \t")] == '#') {
      continue;
    }
    const auto comma = line.find(',');
    double t = 0, v = 0;
    bool ok = comma != std::string::npos;
    if (ok) {
      try {
        std::size_t used_t = 0, used_v = 0;
        const std::string t_text = line.substr(0, comma), v_text = line.substr(comma + 1);
        t = std::stod(t_text, &used_t);
        v = std::stod(v_text, &used_v);
        ok = t_text.find_first_not_of(" \t", used_t) == std::string::npos &&
             v_text.find_first_not_of(" \t", used_v) == std::string::npos && std::isfinite(t) && std::isfinite(v);
      } catch (const std::exception&) {
        ok = false;
      }
    }
    if (!ok) {
      if (result.points.empty() && number == 1) {
        continue;  // a header line such as "t_seconds,value"
      }
      result.error =
          "line " + std::to_string(number) + ": expected \"t_seconds,value\", got \"" + line.substr(0, 60) + "\"";
      result.points.clear();
      return result;
    }
    result.points.emplace_back(t, v);
  }
  std::stable_sort(result.points.begin(), result.points.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  if (result.points.empty()) {
    result.error = "the trace has no points";
  }
  return result;
}

}  // namespace hpad::sim
