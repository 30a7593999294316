// parse_exposition on valid texts: the format's own examples (exposition_formats.md), every
// metric type, escapes, special values, timestamps, comments, CRLF, a missing final newline, and
// the text prometheus-cpp's TextSerializer writes. Errors are in exposition_errors_test.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "hpad/metrics/exposition.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "prometheus/summary.h"
#include "prometheus/text_serializer.h"

namespace hpad::metrics {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr MetricType kCounter = MetricType::kCounter;
constexpr MetricType kGauge = MetricType::kGauge;
constexpr MetricType kHistogram = MetricType::kHistogram;
constexpr MetricType kSummary = MetricType::kSummary;
constexpr MetricType kUntyped = MetricType::kUntyped;

using Labels = std::map<std::string, std::string>;

ExpositionSample sample(std::string name, Labels labels, double value, std::optional<std::int64_t> ts = {}) {
  return ExpositionSample{std::move(name), std::move(labels), value, ts};
}

std::vector<MetricFamily> parse_ok(std::string_view text) {
  auto result = parse_exposition(text);
  if (const auto* error = std::get_if<ExpositionError>(&result)) {
    ADD_FAILURE() << "unexpected error: " << error->to_string() << "\ntext:\n" << text;
    return {};
  }
  return std::get<std::vector<MetricFamily>>(std::move(result));
}

// NaN equals NaN here, and -0 differs from +0: the parser must keep what the text says.
void expect_same_value(double got, double want, const std::string& where) {
  if (std::isnan(want)) {
    EXPECT_TRUE(std::isnan(got)) << where << ": got " << got;
  } else {
    EXPECT_EQ(got, want) << where;
    EXPECT_EQ(std::signbit(got), std::signbit(want)) << where;
  }
}

void expect_families(const std::vector<MetricFamily>& got, const std::vector<MetricFamily>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t f = 0; f < want.size(); ++f) {
    EXPECT_EQ(got[f].name, want[f].name) << "family " << f;
    EXPECT_EQ(got[f].type, want[f].type) << want[f].name;
    EXPECT_EQ(got[f].help, want[f].help) << want[f].name;
    ASSERT_EQ(got[f].samples.size(), want[f].samples.size()) << want[f].name;
    for (std::size_t s = 0; s < want[f].samples.size(); ++s) {
      const ExpositionSample& g = got[f].samples[s];
      const ExpositionSample& w = want[f].samples[s];
      const std::string where = want[f].name + " sample " + std::to_string(s);
      EXPECT_EQ(g.name, w.name) << where;
      EXPECT_EQ(g.labels, w.labels) << where;
      expect_same_value(g.value, w.value, where);
      EXPECT_EQ(g.timestamp_ms, w.timestamp_ms) << where;
    }
  }
}

struct ValidCase {
  std::string_view name;
  std::string_view text;
  std::vector<MetricFamily> want;
};

class ParseValid : public ::testing::TestWithParam<ValidCase> {};

TEST_P(ParseValid, GivesTheFamilies) {
  expect_families(parse_ok(GetParam().text), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Exposition, ParseValid,
    ::testing::Values(
        ValidCase{"CounterWithHelpAndType",
                  "# HELP http_requests_total The total number of HTTP requests.\n"
                  "# TYPE http_requests_total counter\n"
                  "http_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000\n"
                  "http_requests_total{method=\"post\",code=\"400\"}    3 1395066363000\n",
                  {{"http_requests_total",
                    kCounter,
                    "The total number of HTTP requests.",
                    {sample("http_requests_total", {{"method", "post"}, {"code", "200"}}, 1027, 1395066363000),
                     sample("http_requests_total", {{"method", "post"}, {"code", "400"}}, 3, 1395066363000)}}}},
        // The spec's own example: a Windows path and a quoted file name with a line break.
        ValidCase{
            "GaugeWithEscapedLabelValues",
            "# TYPE msdos_file_access_time_seconds gauge\n"
            "msdos_file_access_time_seconds{path=\"C:\\\\DIR\\\\FILE.TXT\",error=\"Cannot find "
            "file:\\n\\\"FILE.TXT\\\"\"} 1.458255915e9\n",
            {{"msdos_file_access_time_seconds",
              kGauge,
              "",
              {sample("msdos_file_access_time_seconds",
                      {{"path", "C:\\DIR\\FILE.TXT"}, {"error", "Cannot find file:\n\"FILE.TXT\""}}, 1.458255915e9)}}}},
        ValidCase{"HelpEscapesBackslashNewlineAndQuote",
                  "# HELP x a\\\\b\\nc \\\"q\\\" \n# TYPE x gauge\nx 1\n",
                  {{"x", kGauge, "a\\b\nc \"q\" ", {sample("x", {}, 1)}}}},
        ValidCase{"HistogramGroupedIntoOneFamily",
                  "# HELP http_request_duration_seconds A histogram of the request duration.\n"
                  "# TYPE http_request_duration_seconds histogram\n"
                  "http_request_duration_seconds_bucket{le=\"0.05\"} 24054\n"
                  "http_request_duration_seconds_bucket{le=\"0.1\"} 33444\n"
                  "http_request_duration_seconds_bucket{le=\"+Inf\"} 144320\n"
                  "http_request_duration_seconds_sum 53423\n"
                  "http_request_duration_seconds_count 144320\n",
                  {{"http_request_duration_seconds",
                    kHistogram,
                    "A histogram of the request duration.",
                    {sample("http_request_duration_seconds_bucket", {{"le", "0.05"}}, 24054),
                     sample("http_request_duration_seconds_bucket", {{"le", "0.1"}}, 33444),
                     sample("http_request_duration_seconds_bucket", {{"le", "+Inf"}}, 144320),
                     sample("http_request_duration_seconds_sum", {}, 53423),
                     sample("http_request_duration_seconds_count", {}, 144320)}}}},
        ValidCase{"SummaryGroupedIntoOneFamily",
                  "# TYPE rpc_duration_seconds summary\n"
                  "rpc_duration_seconds{quantile=\"0.01\"} 3102\n"
                  "rpc_duration_seconds{quantile=\"0.99\"} 76656\n"
                  "rpc_duration_seconds_sum 1.7560473e+07\n"
                  "rpc_duration_seconds_count 2693\n",
                  {{"rpc_duration_seconds",
                    kSummary,
                    "",
                    {sample("rpc_duration_seconds", {{"quantile", "0.01"}}, 3102),
                     sample("rpc_duration_seconds", {{"quantile", "0.99"}}, 76656),
                     sample("rpc_duration_seconds_sum", {}, 1.7560473e+07),
                     sample("rpc_duration_seconds_count", {}, 2693)}}}},
        // Without a TYPE a name is its own family, suffix or not.
        ValidCase{"UntypedSamplesAreTheirOwnFamilies",
                  "metric_without_timestamp_and_labels 12.47\nx_sum 1\nx_count 2\n",
                  {{"metric_without_timestamp_and_labels",
                    kUntyped,
                    "",
                    {sample("metric_without_timestamp_and_labels", {}, 12.47)}},
                   {"x_sum", kUntyped, "", {sample("x_sum", {}, 1)}},
                   {"x_count", kUntyped, "", {sample("x_count", {}, 2)}}}},
        ValidCase{"GaugeDoesNotTakeSuffixedSamples",
                  "# TYPE x gauge\nx 1\nx_sum 2\n",
                  {{"x", kGauge, "", {sample("x", {}, 1)}}, {"x_sum", kUntyped, "", {sample("x_sum", {}, 2)}}}},
        ValidCase{"SpecialValuesAsGoParsesThem",
                  "a NaN\nb +Inf\nc -Inf\nd nan\ne inf\nf -infinity\ng 1e-400\nh -0\ni .5\nj 1.\nk 1E3\n",
                  {{"a", kUntyped, "", {sample("a", {}, kNaN)}},
                   {"b", kUntyped, "", {sample("b", {}, kInf)}},
                   {"c", kUntyped, "", {sample("c", {}, -kInf)}},
                   {"d", kUntyped, "", {sample("d", {}, kNaN)}},
                   {"e", kUntyped, "", {sample("e", {}, kInf)}},
                   {"f", kUntyped, "", {sample("f", {}, -kInf)}},
                   {"g", kUntyped, "", {sample("g", {}, 0.0)}},  // below the double range: 0, as in Go
                   {"h", kUntyped, "", {sample("h", {}, -0.0)}},
                   {"i", kUntyped, "", {sample("i", {}, 0.5)}},
                   {"j", kUntyped, "", {sample("j", {}, 1.0)}},
                   {"k", kUntyped, "", {sample("k", {}, 1000.0)}}}},
        ValidCase{"Timestamps",
                  "a 1 1395066363000\nb 2 -1\nc 3 +5\nd 4 9223372036854775807\n",
                  {{"a", kUntyped, "", {sample("a", {}, 1, 1395066363000)}},
                   {"b", kUntyped, "", {sample("b", {}, 2, -1)}},
                   {"c", kUntyped, "", {sample("c", {}, 3, 5)}},
                   {"d", kUntyped, "", {sample("d", {}, 4, INT64_MAX)}}}},
        ValidCase{"CommentsAndBlankLinesAreIgnored",
                  "# a comment\n\n   \n#\n# HELPER is no HELP\n\t# indented comment\nx 1\n# TYPEWRITER is no TYPE\n",
                  {{"x", kUntyped, "", {sample("x", {}, 1)}}}},
        ValidCase{"CrlfLineEndings",
                  "# HELP x doc\r\n# TYPE x gauge\r\nx{a=\"b\"} 1 7\r\n",
                  {{"x", kGauge, "doc", {sample("x", {{"a", "b"}}, 1, 7)}}}},
        ValidCase{"NoFinalNewline", "x 1", {{"x", kUntyped, "", {sample("x", {}, 1)}}}}, ValidCase{"EmptyText", "", {}},
        ValidCase{"BlanksAndTabsBetweenTokens",
                  "  x { a = \"b\" , } \t 1 \t 2 \t\ny{}3\n",
                  {{"x", kUntyped, "", {sample("x", {{"a", "b"}}, 1, 2)}}, {"y", kUntyped, "", {sample("y", {}, 3)}}}},
        ValidCase{"TypeBeforeHelpAndFamilyWithoutSamples",
                  "# TYPE x counter\n# HELP x doc\n# HELP y only help\n",
                  {{"x", kCounter, "doc", {}}, {"y", kUntyped, "only help", {}}}},
        ValidCase{"Utf8AndHashInLabelValue",
                  "x{a=\"日本 #\"} 1\n",
                  {{"x", kUntyped, "", {sample("x", {{"a", "日本 #"}}, 1)}}}},
        ValidCase{"ColonsInMetricNames",
                  "job:request_rate:5m{job=\"api\"} 0.25\n",
                  {{"job:request_rate:5m", kUntyped, "", {sample("job:request_rate:5m", {{"job", "api"}}, 0.25)}}}}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

// What a real exporter built on prometheus-cpp serves, escaped label values and NaN included.
// prometheus-cpp 1.0.1 writes HELP text verbatim, unescaped: a help string with a backslash or a
// line break would make its output invalid (expfmt rejects it too), so this one has neither.
TEST(PrometheusCppOutput, ParsesEveryFamilyOfTheTextSerializer) {
  prometheus::Registry registry;
  auto& requests =
      prometheus::BuildCounter().Name("requests_total").Help("Requests by path, \"quoted\"").Register(registry);
  requests.Add({{"path", "C:\\dir \"quoted\"\nnext"}}).Increment(3);
  auto& temperature = prometheus::BuildGauge().Name("temperature_celsius").Help("Temp").Register(registry);
  temperature.Add({{"room", "a"}}).Set(-1.5);
  temperature.Add({{"room", "b"}}).Set(kNaN);
  temperature.Add({{"room", "c"}}).Set(kInf);
  auto& latency = prometheus::BuildHistogram().Name("latency_seconds").Help("Latency").Register(registry);
  auto& histogram = latency.Add({}, prometheus::Histogram::BucketBoundaries{0.1, 1});
  histogram.Observe(0.05);
  histogram.Observe(0.5);
  auto& sizes = prometheus::BuildSummary().Name("size_bytes").Help("Sizes").Register(registry);
  sizes.Add({}, prometheus::Summary::Quantiles{{0.5, 0.05}}).Observe(10);
  const std::string text = prometheus::TextSerializer().Serialize(registry.Collect());

  const std::vector<MetricFamily> got = parse_ok(text);
  ASSERT_EQ(got.size(), 4U) << text;
  EXPECT_EQ(got[0].name, "requests_total");
  EXPECT_EQ(got[0].type, kCounter);
  EXPECT_EQ(got[0].help, "Requests by path, \"quoted\"");
  ASSERT_EQ(got[0].samples.size(), 1U);
  EXPECT_EQ(got[0].samples[0].labels, (Labels{{"path", "C:\\dir \"quoted\"\nnext"}}));
  EXPECT_EQ(got[0].samples[0].value, 3);

  EXPECT_EQ(got[1].type, kGauge);
  std::map<std::string, double> rooms;  // prometheus-cpp writes a family's metrics in no fixed order
  for (const ExpositionSample& s : got[1].samples) {
    rooms[s.labels.at("room")] = s.value;
  }
  ASSERT_EQ(rooms.size(), 3U) << text;
  EXPECT_EQ(rooms["a"], -1.5);
  EXPECT_TRUE(std::isnan(rooms["b"])) << text;  // prometheus-cpp writes "Nan"
  EXPECT_EQ(rooms["c"], kInf);

  EXPECT_EQ(got[2].name, "latency_seconds");
  EXPECT_EQ(got[2].type, kHistogram);
  std::vector<std::pair<std::string, double>> buckets;
  for (const ExpositionSample& s : got[2].samples) {
    if (s.name == "latency_seconds_bucket") {
      buckets.emplace_back(s.labels.at("le"), s.value);
    } else if (s.name == "latency_seconds_count") {
      EXPECT_EQ(s.value, 2);
    } else {
      EXPECT_EQ(s.name, "latency_seconds_sum");
      EXPECT_DOUBLE_EQ(s.value, 0.55);
    }
  }
  EXPECT_EQ(got[2].samples.size(), 5U) << text;  // 3 buckets, _sum, _count
  EXPECT_EQ(buckets, (std::vector<std::pair<std::string, double>>{{"0.1", 1}, {"1", 2}, {"+Inf", 2}})) << text;

  EXPECT_EQ(got[3].name, "size_bytes");
  EXPECT_EQ(got[3].type, kSummary);
  ASSERT_EQ(got[3].samples.size(), 3U) << text;  // one quantile, _sum, _count
}

TEST(ExpositionError, ToStringGivesLineColumnAndMessage) {
  EXPECT_EQ((ExpositionError{12, 7, "invalid label name \"1abc\""}.to_string()),
            "line 12, column 7: invalid label name \"1abc\"");
  std::string text;
  for (int i = 0; i < 11; ++i) {
    text += "# comment\n";
  }
  text += "abcde{1abc=\"v\"} 1\n";
  const auto result = parse_exposition(text);
  ASSERT_TRUE(std::holds_alternative<ExpositionError>(result));
  EXPECT_EQ(std::get<ExpositionError>(result).to_string(), "line 12, column 7: invalid label name \"1abc\"");
}

// A huge family: O(n), and each sample joins the current family without a lookup.
TEST(ParseLarge, HundredThousandSamplesInOneHistogram) {
  std::ostringstream text;
  text << "# TYPE h histogram\n";
  for (int i = 0; i < 100'000; ++i) {
    text << "h_bucket{pod=\"p" << i << "\",le=\"+Inf\"} " << i << "\n";
  }
  const std::vector<MetricFamily> got = parse_ok(text.str());
  ASSERT_EQ(got.size(), 1U);
  ASSERT_EQ(got[0].samples.size(), 100'000U);
  EXPECT_EQ(got[0].samples.back().labels.at("pod"), "p99999");
  EXPECT_EQ(got[0].samples.back().value, 99'999);
}

}  // namespace
}  // namespace hpad::metrics
