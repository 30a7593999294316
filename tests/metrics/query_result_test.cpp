// parse_query_response against the response shapes of Prometheus 2.42 (TOOLCHAIN.md), every
// errorType, non-Prometheus bodies, and hostile input; to_string against exact messages.
#include "hpad/metrics/query_result.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace hpad::metrics {
namespace {

using ::testing::HasSubstr;

constexpr double kTs = 1'795'295'717.052;
constexpr double kInf = std::numeric_limits<double>::infinity();
const double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string success(std::string_view type, std::string_view result, std::string_view extra = "") {
  return R"({"status":"success","data":{"resultType":")" + std::string(type) + R"(","result":)" + std::string(result) +
         "}" + std::string(extra) + "}";
}
std::string vector_of(std::string_view series) {
  return success("vector", "[" + std::string(series) + "]");
}
std::string one_series(std::string_view value_pair) {
  return vector_of(R"({"metric":{"pod":"web-1"},"value":)" + std::string(value_pair) + "}");
}
std::string error_body(std::string_view type, std::string_view message) {
  return R"({"status":"error","errorType":")" + std::string(type) + R"(","error":")" + std::string(message) + "\"}";
}
std::string repeat(std::string_view piece, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) {
    out += piece;
  }
  return out;
}

// Same double, NaN equal to NaN and -0 told apart from +0.
bool same(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || (a == b && std::signbit(a) == std::signbit(b));
}

struct DataCase {
  std::string_view name;
  int status;
  std::string body;
  ResultType type;
  std::vector<Sample> want;
  std::vector<std::string> warnings;
};

class ParsesData : public ::testing::TestWithParam<DataCase> {};

TEST_P(ParsesData, GivesTheSamples) {
  const DataCase& c = GetParam();
  const QueryOutcome got = parse_query_response(c.status, c.body);
  const auto* data = std::get_if<QueryData>(&got);
  ASSERT_NE(data, nullptr) << to_string(std::get<QueryError>(got));
  EXPECT_EQ(data->type, c.type);
  EXPECT_EQ(data->no_data(), c.type == ResultType::kVector && c.want.empty());
  EXPECT_EQ(data->warnings, c.warnings);
  ASSERT_EQ(data->samples.size(), c.want.size());
  for (std::size_t i = 0; i < c.want.size(); ++i) {
    EXPECT_EQ(data->samples[i].labels, c.want[i].labels) << "sample " << i;
    EXPECT_TRUE(same(data->samples[i].value, c.want[i].value)) << "sample " << i << ": " << data->samples[i].value;
    EXPECT_TRUE(same(data->samples[i].timestamp, c.want[i].timestamp)) << "sample " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(
    QueryResult, ParsesData,
    ::testing::Values(
        DataCase{"VectorSeveralSeriesKeepsOrderAndLabels",
                 200,
                 vector_of(R"({"metric":{"__name__":"up","job":"api","pod":"web-1"},"value":[1795295717.052,"42"]},)"
                           R"({"metric":{"__name__":"up","job":"api","pod":"web-2"},"value":[1795295717.052,"0.5"]})"),
                 ResultType::kVector,
                 {{{{"__name__", "up"}, {"job", "api"}, {"pod", "web-1"}}, 42, kTs},
                  {{{"__name__", "up"}, {"job", "api"}, {"pod", "web-2"}}, 0.5, kTs}},
                 {}},
        DataCase{"SumHasEmptyMetric",
                 200,
                 vector_of(R"({"metric":{},"value":[1795295717.052,"7"]})"),
                 ResultType::kVector,
                 {{{}, 7, kTs}},
                 {}},
        DataCase{"EmptyResultIsNoData", 200, vector_of(""), ResultType::kVector, {}, {}},
        DataCase{"ScalarIsOneSampleWithoutLabels",
                 200,
                 success("scalar", R"([1795295717.052,"3.5"])"),
                 ResultType::kScalar,
                 {{{}, 3.5, kTs}},
                 {}},
        DataCase{"ValueNaN",
                 200,
                 one_series(R"([1795295717.052,"NaN"])"),
                 ResultType::kVector,
                 {{{{"pod", "web-1"}}, kNaN, kTs}},
                 {}},
        DataCase{"ValuePlusInf",
                 200,
                 one_series(R"([1795295717.052,"+Inf"])"),
                 ResultType::kVector,
                 {{{{"pod", "web-1"}}, kInf, kTs}},
                 {}},
        DataCase{"ValueMinusInf",
                 200,
                 one_series(R"([1795295717.052,"-Inf"])"),
                 ResultType::kVector,
                 {{{{"pod", "web-1"}}, -kInf, kTs}},
                 {}},
        DataCase{"ValueBareInf",
                 200,
                 one_series(R"([1795295717.052,"Inf"])"),
                 ResultType::kVector,
                 {{{{"pod", "web-1"}}, kInf, kTs}},
                 {}},
        DataCase{"ValueExponent",
                 200,
                 one_series(R"([1795295717.052,"1e3"])"),
                 ResultType::kVector,
                 {{{{"pod", "web-1"}}, 1000, kTs}},
                 {}},
        DataCase{"ValueNegativeExponent",
                 200,
                 one_series(R"([1795295717.052,"-2.5e-3"])"),
                 ResultType::kVector,
                 {{{{"pod", "web-1"}}, -0.0025, kTs}},
                 {}},
        DataCase{"ValueMinusZeroKeepsItsSign",
                 200,
                 one_series(R"([1795295717.052,"-0"])"),
                 ResultType::kVector,
                 {{{{"pod", "web-1"}}, -0.0, kTs}},
                 {}},
        DataCase{"ValueWithPlusSignAsGoParsesIt",
                 200,
                 one_series(R"([1795295717.052,"+1.5"])"),
                 ResultType::kVector,
                 {{{{"pod", "web-1"}}, 1.5, kTs}},
                 {}},
        DataCase{"IntegerTimestamp",
                 200,
                 one_series(R"([1795295717,"1"])"),
                 ResultType::kVector,
                 {{{{"pod", "web-1"}}, 1, 1'795'295'717.0}},
                 {}},
        DataCase{"Utf8LabelValueAndEscape",
                 200,
                 vector_of(R"({"metric":{"city":"Zürich \u00e9"},"value":[1,"2"]})"),
                 ResultType::kVector,
                 {{{{"city", "Zürich é"}}, 2, 1}},
                 {}},
        DataCase{"WarningsKept",
                 200,
                 success("vector", "[]", R"(,"warnings":["partial data: store a unreachable","second"])"),
                 ResultType::kVector,
                 {},
                 {"partial data: store a unreachable", "second"}},
        DataCase{"UnknownFieldsIgnored",
                 200,
                 success("scalar", R"([1,"2"])", R"(,"infos":["x"],"stats":{"timings":{"evalTotalTime":0.1}})"),
                 ResultType::kScalar,
                 {{{}, 2, 1}},
                 {}}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

struct ErrorCase {
  std::string_view name;
  int status;
  std::string body;
  QueryErrorKind kind;
  std::string_view error_type;
  std::string_view message_part;  // the reason, found in QueryError::message
};

class ParsesError : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ParsesError, GivesTheTypedError) {
  const ErrorCase& c = GetParam();
  const QueryOutcome got = parse_query_response(c.status, c.body);
  const auto* error = std::get_if<QueryError>(&got);
  ASSERT_NE(error, nullptr) << "parsed as data: " << c.body;
  EXPECT_EQ(error->kind, c.kind) << to_string(*error);
  EXPECT_EQ(error->http_status, c.status);
  EXPECT_EQ(error->error_type, c.error_type);
  EXPECT_THAT(error->message, HasSubstr(std::string(c.message_part)));
}

constexpr auto kMalformed = QueryErrorKind::kMalformed;
constexpr auto kUnsupportedResult = QueryErrorKind::kUnsupportedResult;

INSTANTIATE_TEST_SUITE_P(
    QueryResult, ParsesError,
    ::testing::Values(
        ErrorCase{"MatrixRejected", 200, success("matrix", R"([{"metric":{},"values":[[1,"1"],[2,"2"]]}])"),
                  kUnsupportedResult, "",
                  "range vector result: an instant query must return an instant vector or a scalar"},
        ErrorCase{"StringRejected", 200, success("string", R"([1,"hello"])"), kUnsupportedResult, "", "string result"},
        ErrorCase{"UnknownResultType", 200, success("histogram", "[]"), kMalformed, "", "\"histogram\""},
        // Every errorType of Prometheus 2.42 (web/api/v1/api.go), with the status it sends.
        ErrorCase{"BadData400", 400, error_body("bad_data", "1:5: parse error: unexpected <EOF>"),
                  QueryErrorKind::kBadData, "bad_data", "1:5: parse error: unexpected <EOF>"},
        ErrorCase{"Execution422", 422, error_body("execution", "many-to-many matching not allowed"),
                  QueryErrorKind::kExecution, "execution", "many-to-many"},
        ErrorCase{"Timeout503", 503, error_body("timeout", "query timed out in expression evaluation"),
                  QueryErrorKind::kTimeout, "timeout", "timed out"},
        ErrorCase{"Canceled499", 499, error_body("canceled", "context canceled"), QueryErrorKind::kCanceled, "canceled",
                  "context canceled"},
        ErrorCase{"Unavailable503", 503, error_body("unavailable", "TSDB not ready"), QueryErrorKind::kUnavailable,
                  "unavailable", "TSDB not ready"},
        ErrorCase{"Internal500", 500, error_body("internal", "boom"), QueryErrorKind::kInternal, "internal", "boom"},
        ErrorCase{"NotFound404", 404, error_body("not_found", "no such rule"), QueryErrorKind::kNotFound, "not_found",
                  "no such rule"},
        ErrorCase{"ErrorTypeDecidesEvenWith200", 200, error_body("bad_data", "x"), QueryErrorKind::kBadData, "bad_data",
                  "x"},
        ErrorCase{"UnknownErrorTypeKeptButMalformed", 406, error_body("not_acceptable", "no"), kMalformed,
                  "not_acceptable", "unknown errorType \"not_acceptable\": no"},
        ErrorCase{"ErrorWithoutErrorType", 400, R"({"status":"error","error":"x"})", kMalformed, "",
                  "without \"errorType\""},
        ErrorCase{"Html502IsHttpStatusWithExcerpt", 502,
                  "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n  <body>bad</body>\n</html>\n",
                  QueryErrorKind::kHttpStatus, "",
                  "<html> <head><title>502 Bad Gateway</title></head> <body>bad</body> </html>"},
        ErrorCase{"JsonWithoutStatus503IsHttpStatus", 503, R"({"message":"no healthy upstream"})",
                  QueryErrorKind::kHttpStatus, "", R"({"message":"no healthy upstream"})"},
        ErrorCase{"EmptyBody504IsHttpStatus", 504, "", QueryErrorKind::kHttpStatus, "", ""},
        ErrorCase{"SuccessWithNon2xxIsMalformed", 503, success("vector", "[]"), kMalformed, "",
                  "status \"success\" with HTTP 503"},
        ErrorCase{"NonJson200", 200, "<html>hello</html>", kMalformed, "", "not JSON"},
        ErrorCase{"EmptyBody200", 200, "", kMalformed, "", "not JSON"},
        ErrorCase{"TruncatedJson", 200, R"({"status":"success","data":{"resultType":"vector","result":[)", kMalformed,
                  "", "unexpected end of input"},
        ErrorCase{"TrailingGarbage", 200, success("vector", "[]") + "}", kMalformed, "", "not JSON"},
        ErrorCase{"BodyNotAnObject", 200, "[1,2]", kMalformed, "", "expected the body to be a JSON object"},
        ErrorCase{"StatusNeitherSuccessNorError", 200, R"({"status":"pending"})", kMalformed, "",
                  R"(expected "status" to be "success" or "error")"},
        ErrorCase{"DataMissing", 200, R"({"status":"success"})", kMalformed, "", R"(expected "data" to be an object)"},
        ErrorCase{"ResultMissing", 200, R"({"status":"success","data":{"resultType":"vector"}})", kMalformed, "",
                  R"(expected "data.result")"},
        ErrorCase{"ResultNotAnArray", 200, success("vector", "{}"), kMalformed, "",
                  R"(expected "data.result" to be an array)"},
        ErrorCase{"SeriesNotAnObject", 200, vector_of("1"), kMalformed, "",
                  R"(expected "data.result[0]" to be an object)"},
        ErrorCase{"MetricMissing", 200, vector_of(R"({"value":[1,"1"]})"), kMalformed, "",
                  R"(expected "data.result[0].metric" to be an object)"},
        ErrorCase{"LabelValueNotAString", 200, vector_of(R"({"metric":{"code":200},"value":[1,"1"]})"), kMalformed, "",
                  R"(label "code")"},
        ErrorCase{"ValueMissing", 200, vector_of(R"({"metric":{}})"), kMalformed, "",
                  R"(expected "data.result[0].value")"},
        ErrorCase{"NativeHistogramSample", 200, vector_of(R"({"metric":{},"histogram":[1,{"count":"1"}]})"), kMalformed,
                  "", "native histogram"},
        ErrorCase{"ValueNotAPair", 200, one_series("[1]"), kMalformed, "",
                  R"(expected "data.result[0].value" to be a [timestamp, "value"] pair)"},
        ErrorCase{"ValueThreeElements", 200, one_series(R"([1,"1","2"])"), kMalformed, "", "pair"},
        ErrorCase{"ValueANumberNotAString", 200, one_series("[1,42]"), kMalformed, "",
                  "to be a number in a string, got 42"},
        ErrorCase{"TimestampAString", 200, one_series(R"(["1795295717.052","1"])"), kMalformed, "",
                  "timestamp in \"data.result[0].value\" to be a finite number, got \"1795295717.052\""},
        ErrorCase{"TimestampOverflowsToInf", 200, one_series(R"([1e999,"1"])"), kMalformed, "", "number overflow"},
        ErrorCase{"ValueWords", 200, one_series(R"([1,"abc"])"), kMalformed, "", "to be a number, got \"abc\""},
        ErrorCase{"ValueLowercaseInf", 200, one_series(R"([1,"inf"])"), kMalformed, "", "got \"inf\""},
        ErrorCase{"ValueNanWithPayload", 200, one_series("[1,\"nan(1)\"]"), kMalformed, "", "got \"nan(1)\""},
        ErrorCase{"ValueMinusNaN", 200, one_series(R"([1,"-NaN"])"), kMalformed, "", "got \"-NaN\""},
        ErrorCase{"ValueHex", 200, one_series(R"([1,"0x10"])"), kMalformed, "", "got \"0x10\""},
        ErrorCase{"ValueLeadingSpace", 200, one_series(R"([1," 1"])"), kMalformed, "", "got \" 1\""},
        ErrorCase{"ValueTwoSigns", 200, one_series(R"([1,"+-1"])"), kMalformed, "", "got \"+-1\""},
        ErrorCase{"ValueEmpty", 200, one_series(R"([1,""])"), kMalformed, "", "got \"\""},
        ErrorCase{"ValueOutOfDoubleRange", 200, one_series(R"([1,"1e400"])"), kMalformed, "", "got \"1e400\""},
        ErrorCase{"ScalarNotAPair", 200, success("scalar", R"("42")"), kMalformed, "",
                  R"(expected "data.result" to be a [timestamp, "value"] pair)"},
        ErrorCase{"DuplicateLabel", 200, vector_of(R"({"metric":{"pod":"a","pod":"b"},"value":[1,"1"]})"), kMalformed,
                  "", "duplicate key \"pod\""},
        ErrorCase{"DuplicateTopLevelStatus", 200, R"({"status":"error","status":"success","data":{}})", kMalformed, "",
                  "duplicate key \"status\""},
        ErrorCase{"InvalidUtf8InLabelValue", 200, vector_of("{\"metric\":{\"pod\":\"a\xff\"},\"value\":[1,\"1\"]}"),
                  kMalformed, "", "ill-formed UTF-8"},
        ErrorCase{"LoneSurrogateEscape", 200, vector_of(R"({"metric":{"pod":"\ud800"},"value":[1,"1"]})"), kMalformed,
                  "", "surrogate"},
        ErrorCase{"WarningsNotStrings", 200, success("vector", "[]", R"(,"warnings":[1])"), kMalformed, "",
                  R"(expected "warnings" to be an array of strings)"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

// The parser stops at depth kMaxJsonDepth instead of recursing or building a deep tree.
TEST(QueryResultDepth, HundredThousandOpenBracketsRejected) {
  const QueryOutcome got = parse_query_response(200, std::string(100'000, '['));
  const auto* error = std::get_if<QueryError>(&got);
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->kind, kMalformed);
  EXPECT_EQ(error->message, "JSON nested deeper than 32 levels");
}

TEST(QueryResultDepth, BalancedDeepObjectsRejected) {
  const std::string body = repeat(R"({"a":)", 100'000) + "1" + std::string(100'000, '}');
  const QueryOutcome got = parse_query_response(200, body);
  ASSERT_TRUE(std::holds_alternative<QueryError>(got));
  EXPECT_EQ(std::get<QueryError>(got).message, "JSON nested deeper than 32 levels");
}

TEST(QueryResultDepth, LimitIsExactly32Levels) {
  // 32 nested arrays parse (then fail on shape); the 33rd is refused.
  const auto at = [](int depth) {
    return std::get<QueryError>(parse_query_response(200, std::string(static_cast<std::size_t>(depth), '[') +
                                                              std::string(static_cast<std::size_t>(depth), ']')))
        .message;
  };
  EXPECT_EQ(at(32), "expected the body to be a JSON object");
  EXPECT_EQ(at(33), "JSON nested deeper than 32 levels");
}

TEST(QueryResultDepth, DeepBodyOfA502IsJustAnExcerpt) {
  const QueryOutcome got = parse_query_response(502, std::string(100'000, '['));
  const auto& error = std::get<QueryError>(got);
  EXPECT_EQ(error.kind, QueryErrorKind::kHttpStatus);
  EXPECT_EQ(error.message, std::string(509, '[') + "...");  // 512 bytes with the cut marker
}

struct ExcerptCase {
  std::string_view name;
  std::string body;
  std::string want;
};

class Excerpt : public ::testing::TestWithParam<ExcerptCase> {};

TEST_P(Excerpt, IsOneBoundedUtf8Line) {
  const QueryError error = std::get<QueryError>(parse_query_response(502, GetParam().body));
  EXPECT_EQ(error.message, GetParam().want);
  EXPECT_LE(error.message.size(), kExcerptBytes);
}

INSTANTIATE_TEST_SUITE_P(
    QueryResult, Excerpt,
    ::testing::Values(ExcerptCase{"ShortBodyVerbatim", "Bad Gateway", "Bad Gateway"},
                      ExcerptCase{"Exactly512BytesNotCut", std::string(512, 'x'), std::string(512, 'x')},
                      ExcerptCase{"513BytesCutWithMarker", std::string(513, 'x'), std::string(509, 'x') + "..."},
                      // 2-byte characters: 254 of them (508 bytes) and the marker fit; half a character never appears.
                      ExcerptCase{"CutAtCharacterBoundary", repeat("é", 400), repeat("é", 254) + "..."},
                      ExcerptCase{"InvalidBytesBecomeQuestionMarks",
                                  "a\xff"
                                  "b\xc3",
                                  "a?b?"},
                      ExcerptCase{"OverlongAndSurrogateEncodingsInvalid", "\xc0\xaf|\xed\xa0\x80", "??|???"},
                      ExcerptCase{"ControlCharactersAndSpacesCollapse", "  a\r\n\t\x01 b  \n", "a b"},
                      ExcerptCase{"C1NextLineIsALineBreak",
                                  "a\xc2\x85"
                                  "b",
                                  "a b"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

struct MessageCase {
  std::string_view name;
  int status;
  std::string body;
  std::string_view want;
};

class ToString : public ::testing::TestWithParam<MessageCase> {};

TEST_P(ToString, IsTheExactLine) {
  const QueryOutcome got = parse_query_response(GetParam().status, GetParam().body);
  ASSERT_TRUE(std::holds_alternative<QueryError>(got));
  EXPECT_EQ(to_string(std::get<QueryError>(got)), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    QueryResult, ToString,
    ::testing::Values(
        MessageCase{"BadData", 400, error_body("bad_data", "1:5: parse error: unexpected end of input"),
                    "Prometheus: bad_data (HTTP 400): 1:5: parse error: unexpected end of input"},
        MessageCase{"MultiLineErrorBecomesOneLine", 422, error_body("execution", R"(line one\nline two)"),
                    "Prometheus: execution (HTTP 422): line one line two"},
        MessageCase{"Html502", 502, "<html>\n<body>Bad Gateway</body>\n</html>\n",
                    "Prometheus: HTTP 502: <html> <body>Bad Gateway</body> </html>"},
        MessageCase{"Empty502", 502, "", "Prometheus: HTTP 502 (empty body)"},
        MessageCase{"ResultNotArray", 200, success("vector", "{}"),
                    R"(Prometheus: malformed response: expected "data.result" to be an array)"},
        MessageCase{"Matrix", 200, success("matrix", "[]"),
                    "Prometheus: unsupported result: range vector result: an instant query must return an instant "
                    "vector or a scalar"},
        MessageCase{"Truncated", 200, R"({"status":"succ)",
                    "Prometheus: malformed response: not JSON: parse error at line 1, column 16: syntax error while "
                    "parsing value - invalid string: missing closing quote; last read: '\"succ'"},
        MessageCase{"UnknownErrorType", 406, error_body("not_acceptable", "no"),
                    R"(Prometheus: malformed response: unknown errorType "not_acceptable": no)"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(QueryResultToString, HandBuiltErrorWithLineBreaksStaysOneLine) {
  const QueryError error{QueryErrorKind::kTimeout, 503, "time\nout", "a\nb"};
  EXPECT_EQ(to_string(error), "Prometheus: time out (HTTP 503): a b");
  EXPECT_EQ(to_string(QueryError{QueryErrorKind::kInternal, 500, "", ""}), "Prometheus: error (HTTP 500)");
}

}  // namespace
}  // namespace hpad::metrics
