// Internal: see input_values.h. Numbers are parsed from their text (std::from_chars, or digit by
// digit where exactness matters), never through a locale-dependent or lenient parser.
#include "input_values.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <system_error>
#include <utility>

#include "hpad/policies/time_format.h"

namespace hpad::policies::detail {

std::optional<Time> decimal_seconds(std::string_view text) {
  const bool negative = !text.empty() && text.front() == '-';
  const std::string_view body = negative ? text.substr(1) : text;
  const std::size_t dot = body.find('.');
  const std::string_view whole = body.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? std::string_view() : body.substr(dot + 1);
  const auto all_digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!whole.empty() && whole.size() <= 18 && all_digits(whole) && all_digits(fraction) &&
      (dot == std::string_view::npos || !fraction.empty())) {
    std::int64_t seconds = 0;
    for (char c : whole) {
      seconds = seconds * 10 + (c - '0');
    }
    std::int64_t nanos = 0;
    for (std::size_t i = 0; i < 9; ++i) {
      nanos = nanos * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
    }
    if (fraction.size() > 9 && fraction[9] >= '5' && ++nanos == kSecond) {
      nanos = 0;
      ++seconds;
    }
    if (negative && nanos != 0) {
      return Time{-seconds - 1, static_cast<std::int32_t>(kSecond - nanos)};
    }
    return Time{negative ? -seconds : seconds, static_cast<std::int32_t>(nanos)};
  }
  double value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  const bool letters_ok = std::none_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z' && c != 'e') || (c >= 'A' && c <= 'Z' && c != 'E');
  });
  if (text.empty() || ptr != text.data() + text.size() || ec != std::errc{} || !letters_ok ||
      !(std::fabs(value) < 9.2e18)) {
    return std::nullopt;
  }
  const double floor = std::floor(value);
  const auto nanos = static_cast<std::int64_t>(std::llround((value - floor) * 1e9));
  return Time{static_cast<std::int64_t>(floor), 0} + nanos;
}

std::optional<double> sample_value(const YamlNode& node) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const std::string& text = node.value;
  if (text == "NaN" || (node.plain && (text == ".nan" || text == ".NaN" || text == ".NAN"))) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  for (const char* inf : {"Inf", "+Inf", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"}) {
    if (text == inf && (node.plain || text.find('.') == std::string::npos)) {
      return kInf;
    }
  }
  for (const char* inf : {"-Inf", "-.inf", "-.Inf", "-.INF"}) {
    if (text == inf && (node.plain || text.find('.') == std::string::npos)) {
      return -kInf;
    }
  }
  // from_chars would also take "inf", "nan" and "infinity": only digits, '.', signs and exponents.
  const bool numeric = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E';
  });
  const std::string_view digits = !text.empty() && text.front() == '+' ? std::string_view(text).substr(1) : text;
  double value = 0;
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (!numeric || digits.empty() || ptr != digits.data() + digits.size() || ec != std::errc{}) {
    return std::nullopt;
  }
  return value;
}

std::optional<Time> read_time(Reader& r, const Fields& f, std::string_view key, bool required) {
  const YamlNode* node = required ? r.required(f, key) : f.get(key);
  if (node == nullptr) {
    return std::nullopt;
  }
  const auto parsed = node->kind == YamlNode::Kind::kScalar ? parse_rfc3339(node->value) : std::nullopt;
  if (!parsed) {
    r.error(*node, join_path(f.path, key), "expected an RFC 3339 time (\"2026-01-01T00:00:00Z\")");
  }
  return parsed;
}

std::optional<bool> read_bool(Reader& r, const Fields& f, std::string_view key) {
  const YamlNode* node = f.get(key);
  if (node == nullptr) {
    return std::nullopt;
  }
  const std::string& v = node->value;
  if (node->kind == YamlNode::Kind::kScalar && node->plain) {
    if (v == "true" || v == "True" || v == "TRUE") {
      return true;
    }
    if (v == "false" || v == "False" || v == "FALSE") {
      return false;
    }
  }
  r.error(*node, join_path(f.path, key), "expected true or false");
  return std::nullopt;
}

std::optional<std::int32_t> read_count(Reader& r, const Fields& f, std::string_view key, bool required) {
  const auto value = r.int32(f, key, required);
  if (value && *value < 0) {
    r.error(*f.get(key), join_path(f.path, key), "must not be negative");
    return std::nullopt;
  }
  return value;
}

std::optional<double> read_bounded(Reader& r, const Fields& f, std::string_view key, bool strict) {
  const auto value = r.number(f, key, false);
  if (value && (strict ? *value <= 0 : *value < 0)) {
    r.error(*f.get(key), join_path(f.path, key), strict ? "must be greater than 0" : "must not be negative");
    return std::nullopt;
  }
  return value;
}

bool written(const Fields& f, std::string_view key) {
  for (std::size_t i = 0; f.node->kind == YamlNode::Kind::kMap && i + 1 < f.node->children.size(); i += 2) {
    if (f.node->children[i].kind == YamlNode::Kind::kScalar && f.node->children[i].value == key) {
      return true;
    }
  }
  return false;
}

}  // namespace hpad::policies::detail
