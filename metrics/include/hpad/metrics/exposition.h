// The Prometheus text exposition format 0.0.4 (what a pod's /metrics serves), parsed into metric
// families, so that a source can read pods directly for users without a Prometheus server. Pure:
// no I/O, no globals, so it is thread-safe; fetching the text is someone else's job.
//
// Upstream: prometheus/docs content/docs/instrumenting/exposition_formats.md ("Text format
// details") and prometheus/common expfmt/text_parse.go, whose leniencies we keep: tokens are
// separated by blanks or tabs, a line may start with them, `x{}1` needs no blank before the value,
// a label set may end with ',', "#HELP" counts as "# HELP", and HELP also accepts `\"`.
//
// Where we are stricter than expfmt, on purpose:
//   - a family's lines (HELP, TYPE, samples) must form one group, as the format requires; expfmt
//     silently merges a family that comes back later;
//   - a histogram sample must be x_bucket (with an `le`), x_sum or x_count, and a summary sample
//     x (with a `quantile`), x_sum or x_count; expfmt drops a bucket without `le` without a word;
//   - "# HELP" or "# TYPE" without a metric name, and "# TYPE x" without a type, are errors;
//   - the type must be lower case, as the Prometheus server's own parser requires;
//   - invalid UTF-8 anywhere is an error (expfmt checks label values only).
// A family announced by HELP or TYPE but without samples is kept (expfmt drops it).
//
// Work bounds: parse_exposition reads the text once: O(n) in its length, times log(k) for a
// sample's k labels (they go into a std::map); the error message quotes at most ~80 bytes.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace hpad::metrics {

enum class MetricType : std::uint8_t { kCounter, kGauge, kHistogram, kSummary, kUntyped };

struct ExpositionSample {
  std::string name;                           // as written: a histogram's "x_bucket", "x_sum", "x_count"
  std::map<std::string, std::string> labels;  // unescaped values; `le` and `quantile` included
  double value;                               // NaN, +Inf and -Inf as written
  std::optional<std::int64_t> timestamp_ms;
};

// Invariant: every sample's name is `name` or, for a histogram or summary, `name` plus the
// suffix its type allows; samples are in text order.
struct MetricFamily {
  std::string name;
  MetricType type;   // kUntyped when no TYPE line came before the samples
  std::string help;  // unescaped; empty without a HELP line
  std::vector<ExpositionSample> samples;
};

// The first thing wrong with the text. Both positions count from 1; the column counts bytes.
struct ExpositionError {
  int line;
  int column;
  std::string message;  // e.g. `invalid label name "1abc"`

  // "line 12, column 7: invalid label name \"1abc\""
  std::string to_string() const;
};

// Families in the order the text introduces them. Accepts "\r\n" line endings and a last line
// without its "\n"; empty text gives no families. Never throws (out of memory is an error too).
std::variant<std::vector<MetricFamily>, ExpositionError> parse_exposition(std::string_view text);

}  // namespace hpad::metrics
