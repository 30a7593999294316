// hpad::kube Status parsing: a metav1.Status body, or anything else a proxy may answer with,
// becomes an ApiError with the reason client-go would give it; classification helpers; the
// RBAC message for 401/403; Retry-After from the header (seconds or HTTP-date) or the Status.
#include "hpad/kube/status.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace hpad::kube {
namespace {

using std::chrono::seconds;
using ::testing::HasSubstr;

const RequestInfo kPatchScale{.verb = "patch",
                              .group = "apps",
                              .resource = "deployments",
                              .subresource = "scale",
                              .name = "web",
                              .namespace_name = "default"};

struct ParseCase {
  std::string name{};
  int http_status = 0;
  std::string body{};
  std::string reason{};
  std::string message{};  // exact
  bool from_status = false;
  bool conflict = false;
  bool not_found = false;
  bool retryable = false;
};

class ParseApiError : public ::testing::TestWithParam<ParseCase> {};

TEST_P(ParseApiError, GivesTheReasonClientGoWould) {
  const ParseCase& c = GetParam();
  const ApiError error = parse_api_error(c.http_status, c.body);
  EXPECT_EQ(error.http_status, c.http_status);
  EXPECT_EQ(error.reason, c.reason);
  EXPECT_EQ(error.message, c.message);
  EXPECT_EQ(error.from_status, c.from_status);
  EXPECT_EQ(is_conflict(error), c.conflict);
  EXPECT_EQ(is_not_found(error), c.not_found);
  EXPECT_EQ(is_retryable(error), c.retryable);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParseApiError,
    ::testing::Values(
        ParseCase{.name = "StatusConflict",
                  .http_status = 409,
                  .body = R"({"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Conflict","code":409,
                     "message":"Operation cannot be fulfilled on deployments.apps \"web\": the object has been modified",
                     "details":{"name":"web","group":"apps","kind":"deployments"}})",
                  .reason = "Conflict",
                  .message = "Operation cannot be fulfilled on deployments.apps \"web\": the object has been modified",
                  .from_status = true,
                  .conflict = true},
        ParseCase{.name = "StatusNotFound",
                  .http_status = 404,
                  .body = R"({"kind":"Status","status":"Failure","reason":"NotFound","code":404,
                              "message":"deployments.apps \"web\" not found"})",
                  .reason = "NotFound",
                  .message = "deployments.apps \"web\" not found",
                  .from_status = true,
                  .not_found = true},
        ParseCase{.name = "AlreadyExistsIsNotAConflictDespite409",  // a known reason wins over the code
                  .http_status = 409,
                  .body = R"({"kind":"Status","status":"Failure","reason":"AlreadyExists","code":409,"message":"x"})",
                  .reason = "AlreadyExists",
                  .message = "x",
                  .from_status = true},
        ParseCase{.name = "UnknownReasonFallsBackToTheCode",
                  .http_status = 409,
                  .body = R"({"kind":"Status","status":"Failure","reason":"SomethingNew","code":409,"message":"y"})",
                  .reason = "SomethingNew",
                  .message = "y",
                  .from_status = true,
                  .conflict = true},
        ParseCase{.name = "StatusWithoutReasonIsNamedAfterTheCode",
                  .http_status = 404,
                  .body = R"({"kind":"Status","status":"Failure","code":404,"message":"gone"})",
                  .reason = "NotFound",
                  .message = "gone",
                  .from_status = true,
                  .not_found = true},
        ParseCase{.name = "HtmlFromAProxyBecomesAnExcerpt",
                  .http_status = 502,
                  .body = "<html>\r\n<head><title>502 Bad Gateway</title></head>\n</html>\n",
                  .reason = "InternalError",
                  .message = "an error on the server (\"<html> <head><title>502 Bad Gateway</title></head> </html>\") "
                             "has prevented the request from succeeding",
                  .retryable = true},
        ParseCase{.name = "PlainTextServiceUnavailable",
                  .http_status = 503,
                  .body = "upstream connect error",
                  .reason = "ServiceUnavailable",
                  .message = "the server is currently unable to handle the request (body: upstream connect error)",
                  .retryable = true},
        ParseCase{.name = "GatewayTimeoutWithEmptyBody",
                  .http_status = 504,
                  .body = "",
                  .reason = "Timeout",
                  .message = "the server was unable to return a response in the time allotted, but may still be "
                             "processing the request",
                  .retryable = true},
        ParseCase{.name = "TooManyRequestsWithoutStatus",
                  .http_status = 429,
                  .body = "slow down",
                  .reason = "TooManyRequests",
                  .message = "the server has received too many requests and has asked us to try again later (body: "
                             "slow down)",
                  .retryable = true},
        ParseCase{.name = "JsonThatIsNotAStatus",
                  .http_status = 400,
                  .body = R"({"error":"bad"})",
                  .reason = "BadRequest",
                  .message = "the server rejected our request for an unknown reason (body: {\"error\":\"bad\"})"},
        ParseCase{.name = "UnknownCodeWithoutBody",
                  .http_status = 418,
                  .body = "",
                  .reason = "",
                  .message = "the server responded with the status code 418 but did not return more information"},
        ParseCase{
            .name = "DeeplyNestedJsonIsTreatedAsText",
            .http_status = 400,
            .body = std::string(100, '['),
            .reason = "BadRequest",
            .message = "the server rejected our request for an unknown reason (body: " + std::string(100, '[') + ")"}),
    [](const auto& param_info) { return param_info.param.name; });

TEST(ParseApiError, LongBodiesAreCutAtClientGosLimitWithoutSplittingUtf8) {
  // 2047 ASCII bytes then "é" (2 bytes): the cut at 2048 would split it, so it is dropped.
  const std::string body = std::string(2047, 'a') + "\xC3\xA9" + std::string(100, 'b');
  const ApiError error = parse_api_error(400, body);
  EXPECT_EQ(error.message,
            "the server rejected our request for an unknown reason (body: " + std::string(2047, 'a') + ")");
}

TEST(ParseApiError, CausesAndDetailsAreKept) {
  const ApiError error = parse_api_error(422, R"({"kind":"Status","status":"Failure","reason":"Invalid","code":422,
      "message":"Scale.autoscaling \"web\" is invalid","details":{"name":"web","group":"autoscaling","kind":"Scale",
      "causes":[{"reason":"FieldValueInvalid","message":"Invalid value: -1: must be greater than or equal to 0",
                 "field":"spec.replicas"}]}})",
                                         kPatchScale);
  ASSERT_EQ(error.causes.size(), 1u);
  EXPECT_EQ(error.causes[0].field, "spec.replicas");
  EXPECT_EQ(error.details_kind, "Scale");
  EXPECT_EQ(error.to_string(),
            "Invalid (422): Scale.autoscaling \"web\" is invalid [patch deployments.apps/scale \"web\" in namespace "
            "\"default\"]; spec.replicas: Invalid value: -1: must be greater than or equal to 0");
}

struct PermissionCase {
  std::string name{};
  int http_status = 0;
  RequestInfo request{};
  std::string expected{};  // permission_message
};

class PermissionMessage : public ::testing::TestWithParam<PermissionCase> {};

TEST_P(PermissionMessage, NamesTheMissingRule) {
  const PermissionCase& c = GetParam();
  const ApiError error =
      parse_api_error(c.http_status,
                      R"({"kind":"Status","status":"Failure","message":"denied by the server","code":)" +
                          std::to_string(c.http_status) + "}",
                      c.request);
  EXPECT_EQ(permission_message(error), c.expected);
  if (!c.expected.empty()) {
    EXPECT_EQ(error.to_string(), c.expected + " (server: denied by the server)");
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, PermissionMessage,
    ::testing::Values(
        PermissionCase{"NamespacedSubresourceNeedsARole", 403, kPatchScale,
                       "forbidden: cannot patch deployments.apps/scale \"web\" in namespace \"default\": the service "
                       "account needs a Role rule {apiGroups: [\"apps\"], resources: [\"deployments/scale\"], verbs: "
                       "[\"patch\"]}"},
        PermissionCase{"CoreGroupListHasAnEmptyApiGroup", 403,
                       RequestInfo{.verb = "list", .resource = "pods", .namespace_name = "web"},
                       "forbidden: cannot list pods in namespace \"web\": the service account needs a Role rule "
                       "{apiGroups: [\"\"], resources: [\"pods\"], verbs: [\"list\"]}"},
        PermissionCase{
            "ClusterScopedNeedsAClusterRole", 403,
            RequestInfo{.verb = "get", .group = "apiextensions.k8s.io", .resource = "customresourcedefinitions"},
            "forbidden: cannot get customresourcedefinitions.apiextensions.k8s.io: the service account "
            "needs a ClusterRole rule {apiGroups: [\"apiextensions.k8s.io\"], resources: "
            "[\"customresourcedefinitions\"], verbs: [\"get\"]}"},
        PermissionCase{"UnauthorizedIsAboutCredentialsNotRbac", 401, kPatchScale,
                       "unauthorized: the API server did not accept hpad's credentials (cannot patch "
                       "deployments.apps/scale \"web\" in namespace \"default\"): the token is missing, invalid or "
                       "expired, or the client certificate is not trusted"},
        PermissionCase{"OtherErrorsHaveNone", 404, kPatchScale, ""}),
    [](const auto& param_info) { return param_info.param.name; });

TEST(PermissionMessage, WithoutRequestDetailsKeepsTheServersWords) {
  const ApiError error = parse_api_error(403, R"({"kind":"Status","status":"Failure","reason":"Forbidden",
      "message":"pods is forbidden: User \"x\" cannot list resource \"pods\"","code":403})");
  EXPECT_EQ(error.to_string(), "forbidden: pods is forbidden: User \"x\" cannot list resource \"pods\"");
}

struct RetryAfterCase {
  std::string name{};
  std::string body{};
  std::optional<std::string> header{};
  std::optional<seconds> expected{};
};

class RetryAfter : public ::testing::TestWithParam<RetryAfterCase> {};

TEST_P(RetryAfter, ReadsTheHeaderThenTheStatus) {
  const RetryAfterCase& c = GetParam();
  // 2026-11-22T03:00:00Z
  const auto now = std::chrono::sys_days(std::chrono::year(2026) / 11 / 22) + std::chrono::hours(3);
  const ApiError error = parse_api_error(429, c.body);
  std::optional<std::string_view> header;
  if (c.header) {
    header = *c.header;
  }
  EXPECT_EQ(retry_after(error, header, now), c.expected);
}

const std::string kStatusRetry5 =
    R"({"kind":"Status","status":"Failure","reason":"TooManyRequests","code":429,"details":{"retryAfterSeconds":5}})";

INSTANTIATE_TEST_SUITE_P(
    Cases, RetryAfter,
    ::testing::Values(RetryAfterCase{"DeltaSeconds", "", "7", seconds(7)},
                      RetryAfterCase{"DeltaSecondsWithSpaces", "", " 3 ", seconds(3)},
                      RetryAfterCase{"HttpDateInTheFuture", "", "Sun, 22 Nov 2026 03:00:42 GMT", seconds(42)},
                      RetryAfterCase{"HttpDateInThePastMeansNow", "", "Sun, 22 Nov 2026 02:59:00 GMT", seconds(0)},
                      RetryAfterCase{"HeaderWinsOverStatus", kStatusRetry5, "1", seconds(1)},
                      RetryAfterCase{"StatusDetailsWithoutHeader", kStatusRetry5, std::nullopt, seconds(5)},
                      RetryAfterCase{"MalformedHeaderFallsBackToStatus", kStatusRetry5, "soon", seconds(5)},
                      RetryAfterCase{"NegativeIsMalformed", "", "-1", std::nullopt},
                      RetryAfterCase{"NoAdvice", "", std::nullopt, std::nullopt}),
    [](const auto& param_info) { return param_info.param.name; });

TEST(ParseHttpDate, RejectsWhatIsNotAnImfFixdate) {
  EXPECT_TRUE(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").has_value());
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT")->time_since_epoch(), seconds(784111777));
  EXPECT_FALSE(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT").has_value());  // RFC 850: obsolete
  EXPECT_FALSE(parse_http_date("Sun, 31 Feb 1994 08:49:37 GMT").has_value());
  EXPECT_FALSE(parse_http_date("Sun, 06 Nov 1994 25:49:37 GMT").has_value());
  EXPECT_FALSE(parse_http_date("Sun, 06 Xyz 1994 08:49:37 GMT").has_value());
}

}  // namespace
}  // namespace hpad::kube
