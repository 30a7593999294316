// Prometheus instant-query responses -> QueryOutcome. The JSON is parsed into nlohmann's DOM
// through a callback that bounds the depth and refuses duplicate keys; the DOM is then walked
// with one small check per field, each naming the field's path in its message.
#include "hpad/metrics/query_result.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <exception>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <variant>
#include <vector>

namespace hpad::metrics {
namespace {

using Json = nlohmann::json;

// Length of the valid UTF-8 sequence starting at text[i], or 0 when it is not one (overlong
// forms, surrogates and code points above U+10FFFF are not).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) {
    return 1;
  }
  std::size_t length = 0;
  unsigned char low = 0x80;  // range of the second byte, narrower after E0, ED, F0, F4
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    low = lead == 0xE0 ? 0xA0 : 0x80;
    high = lead == 0xED ? 0x9F : 0xBF;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    low = lead == 0xF0 ? 0x90 : 0x80;
    high = lead == 0xF4 ? 0x8F : 0xBF;
  } else {
    return 0;
  }
  if (i + length > text.size() || byte(i + 1) < low || byte(i + 1) > high) {
    return 0;
  }
  for (std::size_t k = i + 2; k < i + length; ++k) {
    if (byte(k) < 0x80 || byte(k) > 0xBF) {
      return 0;
    }
  }
  return length;
}

// `text` as one printable line of at most max_bytes, for messages: valid UTF-8 is kept, an
// invalid byte becomes '?', runs of whitespace and control characters (C0, DEL, C1) become one
// space, and a cut (at a character boundary) is marked with "...".
std::string one_line(std::string_view text, std::size_t max_bytes) {
  constexpr std::string_view kCut = "...";
  std::string out;
  std::size_t cut_at = 0;  // the longest prefix that still leaves room for the marker
  bool pending_space = false;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence_length(text, i);
    const std::string_view piece = length == 0 ? std::string_view("?") : text.substr(i, length);
    const auto first = static_cast<unsigned char>(piece[0]);
    const bool blank = first <= 0x20 || first == 0x7F || (first == 0xC2 && static_cast<unsigned char>(piece[1]) < 0xA0);
    i += length == 0 ? 1 : length;
    if (blank) {
      pending_space = !out.empty();
      continue;
    }
    if (out.size() + kCut.size() <= max_bytes) {
      cut_at = out.size();
    }
    if (pending_space) {
      out += ' ';
      pending_space = false;
    }
    out += piece;
    if (out.size() > max_bytes) {
      out.resize(cut_at);
      out += kCut;
      return out;
    }
  }
  return out;
}

QueryError malformed(int http_status, const std::string& message) {
  return QueryError{QueryErrorKind::kMalformed, http_status, "", one_line(message, kMessageBytes)};
}

QueryError unsupported(int http_status, const std::string& message) {
  return QueryError{QueryErrorKind::kUnsupportedResult, http_status, "", one_line(message, kMessageBytes)};
}

// A JSON string literal, so that spaces and escapes inside stay visible: `got " 1"`.
std::string in_quotes(std::string_view text) {
  return one_line(Json(std::string(text)).dump(-1, ' ', false, Json::error_handler_t::replace), 66);
}

// A JSON value as the body spelled it (near enough), for "got ..." in messages.
std::string json_excerpt(const Json& value) {
  return one_line(value.dump(-1, ' ', false, Json::error_handler_t::replace), 66);
}

// Thrown by the parser callback to stop at once; caught in parse_json, never further.
struct Rejected {
  std::string why;
};

// The parsed body, or why it is not acceptable JSON.
std::variant<Json, std::string> parse_json(std::string_view body) {
  std::vector<std::set<std::string, std::less<>>> open_objects;  // keys seen, innermost last
  const auto callback = [&open_objects](int depth, Json::parse_event_t event, Json& parsed) -> bool {
    switch (event) {
      case Json::parse_event_t::object_start:
      case Json::parse_event_t::array_start:
        // depth counts the containers already open around this one (0 for the root).
        if (depth >= kMaxJsonDepth) {
          throw Rejected{"JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels"};
        }
        if (event == Json::parse_event_t::object_start) {
          open_objects.emplace_back();
        }
        break;
      case Json::parse_event_t::key:
        // A key only comes between its object's start and end, so open_objects is not empty.
        if (!open_objects.back().insert(parsed.get_ref<const std::string&>()).second) {
          throw Rejected{"duplicate key " + in_quotes(parsed.get_ref<const std::string&>()) + " in one JSON object"};
        }
        break;
      case Json::parse_event_t::object_end:
        open_objects.pop_back();
        break;
      default:
        break;
    }
    return true;  // never discard: the events stay balanced, and a rejection throws instead
  };
  try {
    return Json::parse(body.begin(), body.end(), callback);
  } catch (const Rejected& rejected) {
    return rejected.why;
  } catch (const Json::exception& e) {
    // what() starts with "[json.exception.parse_error.101] ", which helps nobody reading a log.
    const std::string_view what = e.what();
    const std::size_t bracket = what.find("] ");
    return "not JSON: " + std::string(bracket == std::string_view::npos ? what : what.substr(bracket + 2));
  }
}

// Prometheus writes sample values with strconv.FormatFloat: a decimal or exponent form, or
// "NaN", "+Inf", "-Inf". from_chars alone would also take "inf", "nan(x)" and "infinity".
std::optional<double> parse_value(std::string_view text) {
  if (text == "NaN") {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (text == "+Inf" || text == "Inf") {
    return std::numeric_limits<double>::infinity();
  }
  if (text == "-Inf") {
    return -std::numeric_limits<double>::infinity();
  }
  std::string_view digits = text;
  std::string_view after_sign = text;
  if (!text.empty() && text.front() == '+') {  // Go's ParseFloat accepts it; from_chars does not
    digits.remove_prefix(1);
    after_sign.remove_prefix(1);
  } else if (!text.empty() && text.front() == '-') {
    after_sign.remove_prefix(1);
  }
  if (after_sign.empty() ||
      !(std::isdigit(static_cast<unsigned char>(after_sign.front())) || after_sign.front() == '.')) {
    return std::nullopt;
  }
  double value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size()) {
    return std::nullopt;
  }
  return value;
}

// [timestamp, "value"] at `path` into `sample`; an error message when it is not one.
std::optional<std::string> read_pair(const Json& pair, const std::string& path, Sample& sample) {
  if (!pair.is_array() || pair.size() != 2) {
    return "expected \"" + path + "\" to be a [timestamp, \"value\"] pair";
  }
  const Json& timestamp = pair[0];
  if (!timestamp.is_number() || !std::isfinite(timestamp.get<double>())) {
    return "expected the timestamp in \"" + path + "\" to be a finite number, got " + json_excerpt(timestamp);
  }
  if (!pair[1].is_string()) {
    return "expected the value in \"" + path + "\" to be a number in a string, got " + json_excerpt(pair[1]);
  }
  const std::string& text = pair[1].get_ref<const std::string&>();
  const std::optional<double> value = parse_value(text);
  if (!value) {
    return "expected the value in \"" + path + "\" to be a number, got " + in_quotes(text);
  }
  sample.timestamp = timestamp.get<double>();
  sample.value = *value;
  return std::nullopt;
}

// One element of a vector result: {"metric":{name:value,...},"value":[ts,"v"]}.
std::optional<std::string> read_series(const Json& series, const std::string& path, Sample& sample) {
  if (!series.is_object()) {
    return "expected \"" + path + "\" to be an object";
  }
  const auto metric = series.find("metric");
  if (metric == series.end() || !metric->is_object()) {
    return "expected \"" + path + ".metric\" to be an object";
  }
  for (const auto& [name, value] : metric->items()) {
    if (!value.is_string()) {
      return "expected label " + in_quotes(name) + " in \"" + path + ".metric\" to be a string";
    }
    sample.labels.emplace(name, value.get<std::string>());
  }
  const auto value = series.find("value");
  if (value == series.end()) {
    return series.contains("histogram") ? "\"" + path + "\" is a native histogram; hpad needs a float value"
                                        : "expected \"" + path + ".value\"";
  }
  return read_pair(*value, path + ".value", sample);
}

QueryOutcome read_success(int http_status, const Json& root) {
  const auto data = root.find("data");
  if (data == root.end() || !data->is_object()) {
    return malformed(http_status, "expected \"data\" to be an object");
  }
  const auto type = data->find("resultType");
  if (type == data->end() || !type->is_string()) {
    return malformed(http_status, "expected \"data.resultType\" to be a string");
  }
  const auto result = data->find("result");
  if (result == data->end()) {
    return malformed(http_status, "expected \"data.result\"");
  }
  QueryData out;
  const std::string& type_name = type->get_ref<const std::string&>();
  if (type_name == "vector") {
    if (!result->is_array()) {
      return malformed(http_status, "expected \"data.result\" to be an array");
    }
    out.samples.reserve(result->size());
    for (std::size_t i = 0; i < result->size(); ++i) {
      Sample sample{};
      if (auto error = read_series((*result)[i], "data.result[" + std::to_string(i) + "]", sample)) {
        return malformed(http_status, *error);
      }
      out.samples.push_back(std::move(sample));
    }
  } else if (type_name == "scalar") {
    out.type = ResultType::kScalar;
    Sample sample{};
    if (auto error = read_pair(*result, "data.result", sample)) {
      return malformed(http_status, *error);
    }
    out.samples.push_back(std::move(sample));
  } else if (type_name == "matrix") {
    return unsupported(http_status, "range vector result: an instant query must return an instant vector or a scalar");
  } else if (type_name == "string") {
    return unsupported(http_status, "string result: an instant query must return an instant vector or a scalar");
  } else {
    return malformed(http_status, "unknown \"data.resultType\" " + in_quotes(type_name));
  }
  if (const auto warnings = root.find("warnings"); warnings != root.end()) {
    if (!warnings->is_array()) {
      return malformed(http_status, "expected \"warnings\" to be an array of strings");
    }
    for (const Json& warning : *warnings) {
      if (!warning.is_string()) {
        return malformed(http_status, "expected \"warnings\" to be an array of strings");
      }
      out.warnings.push_back(warning.get<std::string>());
    }
  }
  return out;
}

QueryOutcome read_error(int http_status, const Json& root) {
  const auto type = root.find("errorType");
  const auto text = root.find("error");
  if (type == root.end() || !type->is_string() || text == root.end() || !text->is_string()) {
    return malformed(http_status, "status \"error\" without \"errorType\" and \"error\" strings");
  }
  static constexpr std::pair<std::string_view, QueryErrorKind> kKinds[] = {
      {"bad_data", QueryErrorKind::kBadData},        {"execution", QueryErrorKind::kExecution},
      {"timeout", QueryErrorKind::kTimeout},         {"canceled", QueryErrorKind::kCanceled},
      {"unavailable", QueryErrorKind::kUnavailable}, {"internal", QueryErrorKind::kInternal},
      {"not_found", QueryErrorKind::kNotFound},
  };
  const std::string& type_name = type->get_ref<const std::string&>();
  const std::string message = one_line(text->get_ref<const std::string&>(), kMessageBytes);
  for (const auto& [name, kind] : kKinds) {
    if (type_name == name) {
      return QueryError{kind, http_status, type_name, message};
    }
  }
  // A newer Prometheus may add types; keep what it said, but we cannot classify it.
  QueryError error = malformed(http_status, "unknown errorType " + in_quotes(type_name) + ": " + message);
  error.error_type = one_line(type_name, 64);
  return error;
}

QueryOutcome parse(int http_status, std::string_view body) {
  const bool ok_status = http_status >= 200 && http_status <= 299;
  const auto http_error = [&] {
    return QueryError{QueryErrorKind::kHttpStatus, http_status, "", one_line(body, kExcerptBytes)};
  };
  std::variant<Json, std::string> parsed = parse_json(body);
  if (const std::string* why = std::get_if<std::string>(&parsed)) {
    return ok_status ? QueryOutcome(malformed(http_status, *why)) : QueryOutcome(http_error());
  }
  const Json& root = std::get<Json>(parsed);
  const auto status = root.is_object() ? root.find("status") : root.end();
  const bool has_status = root.is_object() && status != root.end() && status->is_string();
  if (has_status && *status == "error") {
    return read_error(http_status, root);
  }
  if (!ok_status) {
    if (has_status && *status == "success") {
      return malformed(http_status, "status \"success\" with HTTP " + std::to_string(http_status));
    }
    return http_error();
  }
  if (!root.is_object()) {
    return malformed(http_status, "expected the body to be a JSON object");
  }
  if (!has_status || *status != "success") {
    return malformed(http_status, "expected \"status\" to be \"success\" or \"error\"");
  }
  return read_success(http_status, root);
}

}  // namespace

std::string one_line_excerpt(std::string_view text, std::size_t max_bytes) {
  return one_line(text, max_bytes);
}

std::string to_string(const QueryError& error) {
  const std::string http = "HTTP " + std::to_string(error.http_status);
  const std::string message = one_line(error.message, kMessageBytes);
  std::string out = "Prometheus: ";
  switch (error.kind) {
    case QueryErrorKind::kHttpStatus:
      out += http;
      out += message.empty() ? " (empty body)" : ": " + message;
      return out;
    case QueryErrorKind::kMalformed:
      out += "malformed response: ";
      out += message.empty() ? std::string("(no detail)") : message;
      return out;
    case QueryErrorKind::kUnsupportedResult:
      return out + "unsupported result: " + (message.empty() ? std::string("(no detail)") : message);
    case QueryErrorKind::kConnection:
      return out + "connection failed: " + (message.empty() ? std::string("(no detail)") : message);
    case QueryErrorKind::kRequestTimeout:
      return out + "no answer in time: " + (message.empty() ? std::string("(no detail)") : message);
    case QueryErrorKind::kResponseTooLarge:
      return out + "response too large: " + (message.empty() ? std::string("(no detail)") : message);
    case QueryErrorKind::kClientConfig:
      return out + "cannot make the request: " + (message.empty() ? std::string("(no detail)") : message);
    default: {
      const std::string type = one_line(error.error_type, 64);
      out += (type.empty() ? std::string("error") : type) + " (" + http + ")";
      if (!message.empty()) {
        out += ": " + message;
      }
      return out;
    }
  }
}

QueryOutcome parse_query_response(int http_status, std::string_view body) {
  try {
    return parse(http_status, body);
  } catch (const std::exception& e) {
    // Only std::bad_alloc (or a length_error) can get here: everything else is checked first.
    return QueryError{QueryErrorKind::kMalformed, http_status, "", std::string("cannot parse: ") + e.what()};
  }
}

}  // namespace hpad::metrics
