// Kubernetes API errors as values: a response body parsed into an ApiError, as client-go's
// rest.Request.transformResponse does (a metav1.Status body → errors.FromObject; anything else →
// errors.NewGenericServerResponse with a reason derived from the HTTP code and the body, cut to
// 2048 bytes, as the message), plus the k8s.io/apimachinery/pkg/api/errors classification helpers
// (IsConflict, IsNotFound, ..., SuggestsClientDelay). Pure functions over values: thread-safe.
// Bounds: bodies are parsed only up to 1 MiB and 64 levels of nesting (deeper → treated as text).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hpad::kube {

// What a request was about, for messages (and for the RBAC rule a 401/403 lacks).
struct RequestInfo {
  std::string verb{};            // Kubernetes verb: get, list, watch, create, update, patch, delete
  std::string group{};           // "" for the core group
  std::string resource{};        // plural: "deployments"
  std::string subresource{};     // "scale", or ""
  std::string name{};            // "" for collections
  std::string namespace_name{};  // "" for cluster-scoped resources
};

struct StatusCause {
  std::string reason{};  // "FieldValueInvalid"
  std::string message{};
  std::string field{};  // "spec.replicas"
};

struct ApiError {
  int http_status = 0;
  // metav1.StatusReason: "Conflict", "NotFound", "Forbidden", ...; derived from the HTTP code when
  // the body was not a Status (as NewGenericServerResponse does); "" only if the code is unknown.
  std::string reason{};
  std::string message{};     // the Status message, or the (cut) body when it was not a Status
  bool from_status = false;  // the body was a metav1.Status
  // Status details.
  std::string details_group{};
  std::string details_kind{};
  std::string details_name{};
  std::vector<StatusCause> causes{};
  std::optional<std::chrono::seconds> details_retry_after{};  // details.retryAfterSeconds, if > 0
  RequestInfo request;

  // One line for logs and conditions: `<reason> (<code>): <message>`; 401 and 403 say what the
  // credentials lacked (see permission_message). Never contains request headers or tokens.
  std::string to_string() const;
};

inline constexpr std::size_t kMaxUnstructuredResponseBytes = 2048;  // client-go's constant

// Parses the body of a failed response (HTTP status >= 400, or a Status with "Failure").
ApiError parse_api_error(int http_status, std::string_view body, RequestInfo request = {});

// For 401/403: e.g. `forbidden: cannot patch deployments.apps/scale "web" in namespace "default":
// the service account needs a Role rule {apiGroups: ["apps"], resources: ["deployments/scale"],
// verbs: ["patch"]}`; a cluster-scoped request needs a ClusterRole rule. "" for other errors.
std::string permission_message(const ApiError& error);

bool is_conflict(const ApiError& error);
bool is_not_found(const ApiError& error);
bool is_forbidden(const ApiError& error);
bool is_unauthorized(const ApiError& error);
bool is_too_many_requests(const ApiError& error);
// Worth retrying unchanged after a delay: 429, 500, 502, 503, 504, reasons ServerTimeout, Timeout,
// TooManyRequests, InternalError, ServiceUnavailable. A conflict is not: it needs a re-read.
bool is_retryable(const ApiError& error);

// How long the server asked us to wait: the Retry-After header (delta-seconds, or an HTTP-date
// relative to `now`; a date in the past gives 0), else Status details.retryAfterSeconds for
// reasons that suggest a client delay (client-go SuggestsClientDelay). nullopt: no advice.
std::optional<std::chrono::seconds> retry_after(const ApiError& error, std::optional<std::string_view> header,
                                                std::chrono::system_clock::time_point now);

// An HTTP-date (RFC 9110 IMF-fixdate, e.g. "Sun, 22 Nov 2026 03:00:00 GMT"); nullopt if malformed.
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text);

}  // namespace hpad::kube
