// One line of the text exposition format, on its own: the tokens and their syntax (names, label
// sets, escapes, values, timestamps, UTF-8). Whether the line fits its neighbours (which family a
// sample joins, TYPE before samples, contiguous families) is exposition.cpp's business.
// Pure and thread-safe; O(n) in the line's length, times log(k) for a sample's k labels.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "hpad/metrics/exposition.h"

namespace hpad::metrics::detail {

// Columns count bytes from 1, as ExpositionError's do.
struct LineError {
  int column;
  std::string message;
};

struct IgnoredLine {};  // blank, or a comment other than HELP and TYPE

struct HelpLine {
  std::string_view name;
  int name_column;
  std::string help;  // unescaped
};

struct TypeLine {
  std::string_view name;
  int name_column;
  MetricType type;
};

struct SampleLine {
  std::string_view name;
  int name_column;
  std::map<std::string, std::string> labels;  // no duplicate names (a duplicate is a LineError)
  int le_column = 0;                          // column of the `le` value's opening quote; 0 without `le`
  int quantile_column = 0;                    // the same for `quantile`
  double value = 0;
  std::optional<std::int64_t> timestamp_ms;
};

using Line = std::variant<IgnoredLine, HelpLine, TypeLine, SampleLine, LineError>;

// `line` is one line without its "\n" and without the "\r" of a "\r\n". The views in the result
// point into `line`.
Line parse_line(std::string_view line);

// Go's strconv.ParseFloat(text, 64) as expfmt uses it: decimal with an optional sign, fraction
// and exponent, "NaN", "Inf", "+Inf", "-Infinity" in any case; no hex, no '_', and a value past
// the double range is rejected (a value too small for a double is ±0, as in Go).
std::optional<double> parse_go_float(std::string_view text);

// strconv.ParseInt(text, 10, 64): an optional sign, then decimal digits, within int64.
std::optional<std::int64_t> parse_timestamp(std::string_view text);

// The offset of the first byte that does not start a well-formed UTF-8 sequence, or npos.
std::size_t invalid_utf8_at(std::string_view text);

// The length of the UTF-8 sequence that `lead` starts (1 for a byte that is no lead byte).
std::size_t utf8_length(char lead);

// `text` between double quotes, with '"', '\\' and control bytes escaped, cut after ~80 bytes.
std::string quote(std::string_view text);

// A 1-based column for a 0-based byte offset, saturated (a column past INT_MAX is INT_MAX).
int column_at(std::size_t offset);

}  // namespace hpad::metrics::detail
