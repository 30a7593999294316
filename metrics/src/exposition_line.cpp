// The syntax of one exposition line (see exposition_line.h). A cursor walks the line once; every
// token is first cut at its delimiters and then checked, so that an error can quote the whole
// token ("invalid label name \"1abc\"") rather than the byte where it went wrong.
#include "exposition_line.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace hpad::metrics::detail {
namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool valid_label_name(std::string_view s) {
  if (s.empty() || !is_name_start(s[0])) {
    return false;
  }
  for (const char c : s) {
    if (!is_name_start(c) && !is_digit(c)) {
      return false;
    }
  }
  return true;
}

bool valid_metric_name(std::string_view s) {
  if (s.empty() || !(is_name_start(s[0]) || s[0] == ':')) {
    return false;
  }
  for (const char c : s) {
    if (!is_name_start(c) && !is_digit(c) && c != ':') {
      return false;
    }
  }
  return true;
}

std::optional<MetricType> type_named(std::string_view kind) {
  if (kind == "counter") {
    return MetricType::kCounter;
  }
  if (kind == "gauge") {
    return MetricType::kGauge;
  }
  if (kind == "histogram") {
    return MetricType::kHistogram;
  }
  if (kind == "summary") {
    return MetricType::kSummary;
  }
  if (kind == "untyped") {
    return MetricType::kUntyped;
  }
  return std::nullopt;
}

// strconv.ParseInt(text, 10, 64): an optional sign, then decimal digits only.
class Cursor {
 public:
  explicit Cursor(std::string_view line) : line_(line) {}

  bool at_end() const { return pos_ >= line_.size(); }
  char peek() const { return line_[pos_]; }  // only when !at_end()
  void advance() { ++pos_; }
  int column() const { return column_at(pos_); }
  std::string_view rest() const { return line_.substr(pos_); }
  // The whole UTF-8 character at the cursor, for a message (the line is valid UTF-8).
  std::string_view character() const { return line_.substr(pos_, utf8_length(peek())); }

  void skip_blanks() {
    while (!at_end() && is_blank(peek())) {
      ++pos_;
    }
  }

  // The bytes up to the first blank, one of `stops`, or the end of the line.
  std::string_view token(std::string_view stops) {
    const std::size_t start = pos_;
    while (!at_end() && !is_blank(peek()) && stops.find(peek()) == std::string_view::npos) {
      ++pos_;
    }
    return line_.substr(start, pos_ - start);
  }

 private:
  std::string_view line_;
  std::size_t pos_ = 0;
};

// After a backslash in HELP text or a label value: what `\\`, `\"` and `\n` stand for. The
// format gives HELP only the first and the last; expfmt also accepts `\"` there, and so do we.
std::optional<char> unescape(char c) {
  if (c == '\\' || c == '"') {
    return c;
  }
  if (c == 'n') {
    return '\n';
  }
  return std::nullopt;
}

// Reads the escape sequence at the cursor (a backslash) into `out`: in the value of `label`, or
// in HELP text when there is no label.
std::optional<LineError> read_escape(Cursor& c, std::optional<std::string_view> label, std::string& out) {
  const auto where = [&] { return label ? "the value of label " + quote(*label) : std::string("the HELP text"); };
  const int escape_column = c.column();
  c.advance();
  if (c.at_end()) {
    return LineError{escape_column, "unfinished escape \"\\\\\" at the end of " + where()};
  }
  const std::optional<char> unescaped = unescape(c.peek());
  if (!unescaped) {
    return LineError{escape_column, "invalid escape " + quote("\\" + std::string(c.character())) + " in " + where()};
  }
  out += *unescaped;
  c.advance();
  return std::nullopt;
}

// After `# HELP name` and its blanks: the rest of the line is the docstring.
Line parse_help(Cursor& c, std::string_view name, int name_column) {
  std::string help;
  help.reserve(c.rest().size());
  while (!c.at_end()) {
    if (c.peek() != '\\') {
      help += c.peek();
      c.advance();
    } else if (auto error = read_escape(c, std::nullopt, help)) {
      return std::move(*error);
    }
  }
  return HelpLine{name, name_column, std::move(help)};
}

Line parse_comment(Cursor& c) {
  c.skip_blanks();
  const std::string_view keyword = c.token("");
  if (keyword != "HELP" && keyword != "TYPE") {
    return IgnoredLine{};
  }
  c.skip_blanks();
  const int name_column = c.column();
  const std::string_view name = c.token("");
  if (name.empty()) {
    return LineError{name_column, "missing metric name after " + std::string(keyword)};
  }
  if (!valid_metric_name(name)) {
    return LineError{name_column, "invalid metric name " + quote(name)};
  }
  c.skip_blanks();
  if (keyword == "HELP") {
    return parse_help(c, name, name_column);
  }
  const int type_column = c.column();
  const std::string_view kind = c.token("");
  if (kind.empty()) {
    return LineError{type_column, "missing metric type for " + quote(name)};
  }
  const std::optional<MetricType> type = type_named(kind);
  if (!type) {
    return LineError{type_column, "unknown metric type " + quote(kind)};
  }
  c.skip_blanks();
  if (!c.at_end()) {
    return LineError{c.column(), "unexpected " + quote(c.rest()) + " after the metric type"};
  }
  return TypeLine{name, name_column, *type};
}

// After the value's opening quote; stops after the closing one.
std::optional<LineError> read_label_value(Cursor& c, std::string_view name, int open_column, std::string& out) {
  while (!c.at_end()) {
    const char ch = c.peek();
    if (ch == '"') {
      c.advance();
      return std::nullopt;
    }
    if (ch != '\\') {
      out += ch;
      c.advance();
    } else if (auto error = read_escape(c, name, out)) {
      return error;
    }
  }
  return LineError{open_column, "unterminated value of label " + quote(name)};
}

// After the '{'; stops after the '}'.
std::optional<LineError> parse_labels(Cursor& c, SampleLine& s) {
  const int open_column = c.column() - 1;
  for (;;) {
    c.skip_blanks();
    if (c.at_end()) {
      return LineError{open_column, "label set not closed with '}'"};
    }
    if (c.peek() == '}') {
      c.advance();
      return std::nullopt;
    }
    const int name_column = c.column();
    const std::string_view name = c.token("=,{}\"");
    if (name.empty()) {
      return LineError{name_column, "missing label name"};
    }
    if (!valid_label_name(name)) {
      return LineError{name_column, "invalid label name " + quote(name)};
    }
    if (name == "__name__") {
      return LineError{name_column, "label name \"__name__\" is reserved"};
    }
    c.skip_blanks();
    if (c.at_end() || c.peek() != '=') {
      return LineError{c.column(), "expected '=' after label name " + quote(name)};
    }
    c.advance();
    c.skip_blanks();
    if (c.at_end() || c.peek() != '"') {
      return LineError{c.column(), "expected '\"' to open the value of label " + quote(name)};
    }
    const int value_column = c.column();
    c.advance();
    std::string value;
    if (auto error = read_label_value(c, name, value_column, value)) {
      return error;
    }
    if (!s.labels.emplace(std::string(name), std::move(value)).second) {
      return LineError{name_column, "duplicate label name " + quote(name)};
    }
    if (name == "le") {
      s.le_column = value_column;
    } else if (name == "quantile") {
      s.quantile_column = value_column;
    }
    c.skip_blanks();
    if (!c.at_end() && c.peek() == ',') {
      c.advance();  // a ',' before the '}' is allowed, as in expfmt
    } else if (!c.at_end() && c.peek() != '}') {
      return LineError{c.column(), "expected ',' or '}' after the value of label " + quote(name)};
    }
  }
}

Line parse_sample(Cursor& c) {
  SampleLine s;
  s.name_column = c.column();
  s.name = c.token("{");
  if (s.name.empty()) {
    return LineError{s.name_column, "missing metric name"};
  }
  if (!valid_metric_name(s.name)) {
    return LineError{s.name_column, "invalid metric name " + quote(s.name)};
  }
  c.skip_blanks();
  if (!c.at_end() && c.peek() == '{') {
    c.advance();
    if (auto error = parse_labels(c, s)) {
      return std::move(*error);
    }
    c.skip_blanks();
  }
  const int value_column = c.column();
  const std::string_view value = c.token("");
  if (value.empty()) {
    return LineError{value_column, "missing value for " + quote(s.name)};
  }
  const std::optional<double> parsed = parse_go_float(value);
  if (!parsed) {
    return LineError{value_column, "invalid sample value " + quote(value)};
  }
  s.value = *parsed;
  c.skip_blanks();
  if (c.at_end()) {
    return s;
  }
  const int timestamp_column = c.column();
  const std::string_view timestamp = c.token("");
  s.timestamp_ms = parse_timestamp(timestamp);
  if (!s.timestamp_ms) {
    return LineError{timestamp_column, "invalid timestamp " + quote(timestamp)};
  }
  c.skip_blanks();
  if (!c.at_end()) {
    return LineError{c.column(), "unexpected " + quote(c.rest()) + " after the timestamp"};
  }
  return s;
}

}  // namespace

Line parse_line(std::string_view line) {
  if (const std::size_t bad = invalid_utf8_at(line); bad != std::string_view::npos) {
    return LineError{column_at(bad), "invalid UTF-8"};
  }
  Cursor c(line);
  c.skip_blanks();
  if (c.at_end()) {
    return IgnoredLine{};
  }
  if (c.peek() == '#') {
    c.advance();
    return parse_comment(c);
  }
  return parse_sample(c);
}

}  // namespace hpad::metrics::detail
