// See status.h. The generic reasons and messages for non-Status bodies are those of
// apimachinery's errors.NewGenericServerResponse, so that logs read like kubectl's.
#include "hpad/kube/status.h"

#include <array>
#include <cctype>
#include <charconv>
#include <limits>

#include "json_guard.h"

namespace hpad::kube {
namespace {

using nlohmann::json;

struct GenericReason {
  int code;
  const char* reason;
  const char* message;
};

// apimachinery errors.NewGenericServerResponse.
constexpr std::array<GenericReason, 13> kGenericReasons{{
    {400, "BadRequest", "the server rejected our request for an unknown reason"},
    {401, "Unauthorized", "the server has asked for the client to provide credentials"},
    {403, "Forbidden", "the server does not allow access to the requested resource"},
    {404, "NotFound", "the server could not find the requested resource"},
    {405, "MethodNotAllowed", "the server does not allow this method on the requested resource"},
    {406, "NotAcceptable", "the server was unable to respond with a content type that the client supports"},
    {409, "Conflict", "the server reported a conflict"},
    {410, "Expired", "the server no longer has the requested resource"},
    {413, "RequestEntityTooLarge", "the server has rejected the request because it is too large"},
    {415, "UnsupportedMediaType", "the server does not support the content type of the request"},
    {422, "Invalid", "the server rejected our request due to an error in our request"},
    {429, "TooManyRequests", "the server has received too many requests and has asked us to try again later"},
    {504, "Timeout",
     "the server was unable to return a response in the time allotted, but may still be processing "
     "the request"},
}};

constexpr std::array<const char*, 19> kKnownReasons{"Unauthorized",
                                                    "Forbidden",
                                                    "NotFound",
                                                    "AlreadyExists",
                                                    "Conflict",
                                                    "Gone",
                                                    "Invalid",
                                                    "ServerTimeout",
                                                    "Timeout",
                                                    "TooManyRequests",
                                                    "BadRequest",
                                                    "MethodNotAllowed",
                                                    "NotAcceptable",
                                                    "RequestEntityTooLarge",
                                                    "UnsupportedMediaType",
                                                    "InternalError",
                                                    "Expired",
                                                    "ServiceUnavailable",
                                                    "Unknown"};

bool known_reason(std::string_view reason) {
  for (const char* known : kKnownReasons) {
    if (reason == known) {
      return true;
    }
  }
  return false;
}

// apimachinery's IsX: the reason matches, or the reason is not a known one and the code does.
bool matches(const ApiError& error, std::string_view reason, int code) {
  return error.reason == reason || (!known_reason(error.reason) && error.http_status == code);
}

// The body as one printable line of at most kMaxUnstructuredResponseBytes: control characters
// become spaces, runs of spaces collapse, and a UTF-8 sequence cut at the end is dropped.
std::string excerpt(std::string_view body) {
  std::string out;
  for (const char c : body.substr(0, kMaxUnstructuredResponseBytes)) {
    const auto byte = static_cast<unsigned char>(c);
    const char printable = (byte < 0x20 || byte == 0x7F) ? ' ' : c;
    if (printable == ' ' && (out.empty() || out.back() == ' ')) {
      continue;
    }
    out.push_back(printable);
  }
  std::size_t continuation = 0;  // trailing UTF-8 continuation bytes
  while (continuation < out.size() && (static_cast<unsigned char>(out[out.size() - 1 - continuation]) & 0xC0) == 0x80) {
    ++continuation;
  }
  if (continuation < out.size()) {
    const auto lead = static_cast<unsigned char>(out[out.size() - 1 - continuation]);
    const std::size_t expected = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
    if (lead >= 0xC0 && continuation < expected) {
      out.resize(out.size() - 1 - continuation);
    }
  }
  while (!out.empty() && out.back() == ' ') {
    out.pop_back();
  }
  return out;
}

std::string string_field(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool fill_from_status(const json& document, ApiError& error) {
  if (!document.is_object() || string_field(document, "kind") != "Status") {
    return false;
  }
  error.from_status = true;
  error.reason = string_field(document, "reason");
  error.message = string_field(document, "message");
  const auto details = document.find("details");
  if (details == document.end() || !details->is_object()) {
    return true;
  }
  error.details_name = string_field(*details, "name");
  error.details_group = string_field(*details, "group");
  error.details_kind = string_field(*details, "kind");
  if (const auto retry = details->find("retryAfterSeconds"); retry != details->end() && retry->is_number_integer()) {
    if (const auto seconds = retry->get<std::int64_t>(); seconds > 0) {
      error.details_retry_after = std::chrono::seconds(seconds);
    }
  }
  if (const auto causes = details->find("causes"); causes != details->end() && causes->is_array()) {
    for (const auto& cause : *causes) {
      if (cause.is_object()) {
        error.causes.push_back(
            {string_field(cause, "reason"), string_field(cause, "message"), string_field(cause, "field")});
      }
    }
  }
  return true;
}

void fill_generic(std::string_view body, ApiError& error) {
  std::string phrase;
  for (const auto& generic : kGenericReasons) {
    if (generic.code == error.http_status) {
      error.reason = generic.reason;
      phrase = generic.message;
    }
  }
  const std::string text = excerpt(body);
  if (error.reason.empty() && error.http_status == 503) {
    error.reason = "ServiceUnavailable";
    phrase = "the server is currently unable to handle the request";
  } else if (error.reason.empty() && error.http_status >= 500) {
    error.reason = "InternalError";
    phrase = "an error on the server (\"" + (text.empty() ? std::string("unknown") : text) +
             "\") has prevented the request from succeeding";
    error.message = phrase;
    return;
  } else if (error.reason.empty()) {
    phrase = "the server responded with the status code " + std::to_string(error.http_status) +
             " but did not return more information";
  }
  error.message = text.empty() ? phrase : phrase + " (body: " + text + ")";
}

std::string resource_text(const RequestInfo& r) {
  std::string text = r.resource;
  if (!r.group.empty()) {
    text += "." + r.group;
  }
  if (!r.subresource.empty()) {
    text += "/" + r.subresource;
  }
  if (!r.name.empty()) {
    text += " \"" + r.name + "\"";
  }
  if (!r.namespace_name.empty()) {
    text += " in namespace \"" + r.namespace_name + "\"";
  }
  return text;
}

}  // namespace

ApiError parse_api_error(int http_status, std::string_view body, RequestInfo request) {
  ApiError error;
  error.http_status = http_status;
  error.request = std::move(request);
  const auto document = detail::parse_bounded_json(body);
  if (!document || !fill_from_status(*document, error)) {
    fill_generic(body, error);
  }
  if (error.reason.empty()) {
    // A Status without a reason: name it after the code, as the generic path would.
    for (const auto& generic : kGenericReasons) {
      if (generic.code == http_status) {
        error.reason = generic.reason;
      }
    }
  }
  return error;
}

std::string permission_message(const ApiError& error) {
  const RequestInfo& r = error.request;
  if (!is_forbidden(error) && !is_unauthorized(error)) {
    return "";
  }
  const bool known_request = !r.verb.empty() && !r.resource.empty();
  const std::string action = known_request ? "cannot " + r.verb + " " + resource_text(r) : "";
  if (is_unauthorized(error)) {
    return "unauthorized: the API server did not accept hpad's credentials" +
           (known_request ? " (" + action + ")" : std::string()) +
           ": the token is missing, invalid or expired, or the client certificate is not trusted";
  }
  if (!known_request) {
    return "forbidden: " + error.message;
  }
  const std::string rule_kind = r.namespace_name.empty() ? "ClusterRole" : "Role";
  const std::string resources = r.subresource.empty() ? r.resource : r.resource + "/" + r.subresource;
  return "forbidden: " + action + ": the service account needs a " + rule_kind + " rule {apiGroups: [\"" + r.group +
         "\"], resources: [\"" + resources + "\"], verbs: [\"" + r.verb + "\"]}";
}

std::string ApiError::to_string() const {
  std::string text = permission_message(*this);
  if (!text.empty()) {
    // Without request details the text already is "forbidden: <message>".
    return message.empty() || text.find(message) != std::string::npos ? text : text + " (server: " + message + ")";
  }
  text = (reason.empty() ? std::string("Unknown") : reason) + " (" + std::to_string(http_status) + "): " + message;
  if (!request.verb.empty() && !request.resource.empty()) {
    text += " [" + request.verb + " " + resource_text(request) + "]";
  }
  for (const auto& cause : causes) {
    text += "; " + (cause.field.empty() ? std::string() : cause.field + ": ") + cause.message;
  }
  return text;
}

bool is_conflict(const ApiError& error) {
  return matches(error, "Conflict", 409);
}
bool is_not_found(const ApiError& error) {
  return matches(error, "NotFound", 404);
}
bool is_forbidden(const ApiError& error) {
  return matches(error, "Forbidden", 403);
}
bool is_unauthorized(const ApiError& error) {
  return matches(error, "Unauthorized", 401);
}
bool is_too_many_requests(const ApiError& error) {
  return matches(error, "TooManyRequests", 429);
}

bool is_retryable(const ApiError& error) {
  if (is_conflict(error)) {
    return false;
  }
  for (const char* reason : {"ServerTimeout", "Timeout", "TooManyRequests", "InternalError", "ServiceUnavailable"}) {
    if (error.reason == reason) {
      return true;
    }
  }
  switch (error.http_status) {
    case 429:
    case 500:
    case 502:
    case 503:
    case 504:
      return true;
    default:
      return false;
  }
}

std::optional<std::chrono::seconds> retry_after(const ApiError& error, std::optional<std::string_view> header,
                                                std::chrono::system_clock::time_point now) {
  if (header) {
    std::string_view text = *header;
    while (!text.empty() && text.front() == ' ') {
      text.remove_prefix(1);
    }
    while (!text.empty() && text.back() == ' ') {
      text.remove_suffix(1);
    }
    std::int64_t seconds = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec == std::errc() && end == text.data() + text.size() && seconds >= 0) {
      return std::chrono::seconds(seconds);
    }
    if (const auto date = parse_http_date(text)) {
      if (*date <= now) {
        return std::chrono::seconds(0);
      }
      // Round up: waiting a fraction less than asked would come back too early.
      return std::chrono::ceil<std::chrono::seconds>(*date - now);
    }
  }
  return error.details_retry_after;
}

std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text) {
  // "Sun, 22 Nov 2026 03:00:00 GMT": fixed width, 29 characters.
  static constexpr std::array<const char*, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (text.size() != 29 || text.substr(3, 2) != ", " || text.substr(25) != " GMT") {
    return std::nullopt;
  }
  const auto number = [&text](std::size_t at, std::size_t width) -> std::optional<int> {
    int v = 0;
    const auto [end, ec] = std::from_chars(text.data() + at, text.data() + at + width, v);
    if (ec != std::errc() || end != text.data() + at + width) {
      return std::nullopt;
    }
    return v;
  };
  unsigned month = 0;
  for (unsigned i = 0; i < kMonths.size(); ++i) {
    if (text.substr(8, 3) == kMonths[i]) {
      month = i + 1;
    }
  }
  const auto day = number(5, 2);
  const auto year = number(12, 4);
  const auto hour = number(17, 2);
  const auto minute = number(20, 2);
  const auto second = number(23, 2);
  if (month == 0 || !day || !year || !hour || !minute || !second || text[7] != ' ' || text[11] != ' ' ||
      text[16] != ' ' || text[19] != ':' || text[22] != ':' || *hour > 23 || *minute > 59 || *second > 60) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year(*year), std::chrono::month(month),
                                         std::chrono::day(static_cast<unsigned>(*day))};
  if (!date.ok()) {
    return std::nullopt;
  }
  return std::chrono::sys_days(date) + std::chrono::hours(*hour) + std::chrono::minutes(*minute) +
         std::chrono::seconds(*second);
}

}  // namespace hpad::kube
