// parse_exposition on broken texts: one row per rule, with the exact line, column and message.
// The first error stops the parse, so each text is valid up to its one mistake.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <variant>

#include "hpad/metrics/exposition.h"

namespace hpad::metrics {
namespace {

struct BrokenCase {
  std::string_view name;
  std::string_view text;
  int line;
  int column;
  std::string_view message;
};

class ParseBroken : public ::testing::TestWithParam<BrokenCase> {};

TEST_P(ParseBroken, GivesTheFirstError) {
  const auto result = parse_exposition(GetParam().text);
  ASSERT_TRUE(std::holds_alternative<ExpositionError>(result)) << GetParam().text;
  const ExpositionError& error = std::get<ExpositionError>(result);
  EXPECT_EQ(error.line, GetParam().line) << error.to_string();
  EXPECT_EQ(error.column, GetParam().column) << error.to_string();
  EXPECT_EQ(error.message, GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Names, ParseBroken,
    ::testing::Values(
        BrokenCase{"MetricNameStartsWithDigit", "1abc 1\n", 1, 1, "invalid metric name \"1abc\""},
        BrokenCase{"MetricNameWithDash", "a 1\nhttp-requests 1\n", 2, 1, "invalid metric name \"http-requests\""},
        BrokenCase{"NoMetricNameBeforeLabels", "{a=\"b\"} 1\n", 1, 1, "missing metric name"},
        BrokenCase{"LabelNameStartsWithDigit", "x{1abc=\"v\"} 1\n", 1, 3, "invalid label name \"1abc\""},
        BrokenCase{"LabelNameWithColon", "x{a:b=\"v\"} 1\n", 1, 3, "invalid label name \"a:b\""},
        BrokenCase{"ReservedLabelName", "x{__name__=\"y\"} 1\n", 1, 3, "label name \"__name__\" is reserved"},
        BrokenCase{"EmptyLabelName", "x{,} 1\n", 1, 3, "missing label name"},
        BrokenCase{"DuplicateLabelName", "x{a=\"1\",a=\"2\"} 1\n", 1, 9, "duplicate label name \"a\""}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

INSTANTIATE_TEST_SUITE_P(
    LabelSyntax, ParseBroken,
    ::testing::Values(
        BrokenCase{"NoEqualsAfterLabelName", "x{a \"b\"} 1\n", 1, 5, "expected '=' after label name \"a\""},
        BrokenCase{"UnquotedLabelValue", "x{a=b} 1\n", 1, 5, "expected '\"' to open the value of label \"a\""},
        BrokenCase{"UnknownEscapeInLabelValue", "x{a=\"\\t\"} 1\n", 1, 6,
                   "invalid escape \"\\\\t\" in the value of label \"a\""},
        BrokenCase{"UnterminatedLabelValue", "x{a=\"b} 1\n", 1, 5, "unterminated value of label \"a\""},
        BrokenCase{"BackslashEndsLabelValue", "x{a=\"b\\", 1, 7,
                   "unfinished escape \"\\\\\" at the end of the value of label \"a\""},
        BrokenCase{"NoCommaBetweenLabels", "x{a=\"b\" c=\"d\"} 1\n", 1, 9,
                   "expected ',' or '}' after the value of label \"a\""},
        BrokenCase{"LabelSetNotClosed", "x{a=\"b\",\n", 1, 2, "label set not closed with '}'"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

INSTANTIATE_TEST_SUITE_P(
    ValuesAndTimestamps, ParseBroken,
    ::testing::Values(BrokenCase{"NoValue", "x{a=\"b\"}\n", 1, 9, "missing value for \"x\""},
                      BrokenCase{"WordAsValue", "x abc\n", 1, 3, "invalid sample value \"abc\""},
                      BrokenCase{"HexFloat", "x 0x1p3\n", 1, 3, "invalid sample value \"0x1p3\""},
                      BrokenCase{"UnderscoreInValue", "x 1_000\n", 1, 3, "invalid sample value \"1_000\""},
                      BrokenCase{"ValueAboveDoubleRange", "x 1e400\n", 1, 3, "invalid sample value \"1e400\""},
                      BrokenCase{"SignedNaN", "x -NaN\n", 1, 3, "invalid sample value \"-NaN\""},
                      BrokenCase{"ExponentWithoutDigits", "x 1e\n", 1, 3, "invalid sample value \"1e\""},
                      BrokenCase{"LoneDot", "x .\n", 1, 3, "invalid sample value \".\""},
                      BrokenCase{"FractionalTimestamp", "x 1 1.5\n", 1, 5, "invalid timestamp \"1.5\""},
                      BrokenCase{"TimestampAboveInt64", "x 1 9223372036854775808\n", 1, 5,
                                 "invalid timestamp \"9223372036854775808\""},
                      BrokenCase{"TextAfterTimestamp", "x 1 2 3\n", 1, 7, "unexpected \"3\" after the timestamp"},
                      BrokenCase{"CarriageReturnInsideLine", "x 1\r\r\n", 1, 3, "invalid sample value \"1\\x0d\""}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

INSTANTIATE_TEST_SUITE_P(
    HelpAndType, ParseBroken,
    ::testing::Values(
        BrokenCase{"UnknownEscapeInHelp", "# HELP x bad \\t\n", 1, 14, "invalid escape \"\\\\t\" in the HELP text"},
        BrokenCase{"BackslashEndsHelp", "# HELP x a\\", 1, 11,
                   "unfinished escape \"\\\\\" at the end of the HELP text"},
        BrokenCase{"HelpWithoutName", "# HELP\n", 1, 7, "missing metric name after HELP"},
        BrokenCase{"HelpWithInvalidName", "# HELP 1x doc\n", 1, 8, "invalid metric name \"1x\""},
        BrokenCase{"SecondHelp", "# HELP x a\n# HELP x b\n", 2, 8, "second HELP line for \"x\""},
        BrokenCase{"UnknownType", "# TYPE x timer\n", 1, 10, "unknown metric type \"timer\""},
        BrokenCase{"UpperCaseType", "# TYPE x COUNTER\n", 1, 10, "unknown metric type \"COUNTER\""},
        BrokenCase{"TypeWithoutKind", "# TYPE x\n", 1, 9, "missing metric type for \"x\""},
        BrokenCase{"TypeWithoutName", "#\tTYPE \n", 1, 8, "missing metric name after TYPE"},
        BrokenCase{"TextAfterType", "# TYPE x gauge extra\n", 1, 16, "unexpected \"extra\" after the metric type"},
        BrokenCase{"SecondType", "# TYPE x gauge\n# TYPE x gauge\n", 2, 8, "second TYPE line for \"x\""},
        BrokenCase{"TypeAfterSamples", "x 1\n# TYPE x gauge\n", 2, 8, "TYPE line for \"x\" after its samples"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

INSTANTIATE_TEST_SUITE_P(
    Families, ParseBroken,
    ::testing::Values(BrokenCase{"SampleAfterOtherFamily", "a 1\nb 1\na 2\n", 3, 1,
                                 "lines of metric family \"a\" are not contiguous"},
                      BrokenCase{"HelpAfterOtherFamily", "a 1\nb 1\n# HELP a doc\n", 3, 8,
                                 "lines of metric family \"a\" are not contiguous"},
                      BrokenCase{"HistogramSumAfterOtherFamily",
                                 "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_count 1\nb 1\nh_sum 2\n", 5, 1,
                                 "lines of metric family \"h\" are not contiguous"},
                      BrokenCase{"BucketWithoutLe", "# TYPE h histogram\nh_bucket{a=\"b\"} 1\n", 2, 1,
                                 "\"h_bucket\" has no \"le\" label"},
                      BrokenCase{"BucketLeNotANumber", "# TYPE h histogram\nh_bucket{le=\"big\"} 1\n", 2, 13,
                                 "invalid \"le\" value \"big\""},
                      BrokenCase{"HistogramSampleWithoutSuffix", "# TYPE h histogram\nh 1\n", 2, 1,
                                 "histogram \"h\" has a sample without _bucket, _sum or _count: \"h\""},
                      BrokenCase{"SummaryWithoutQuantile", "# TYPE s summary\ns{a=\"b\"} 1\n", 2, 1,
                                 "\"s\" has no \"quantile\" label"},
                      BrokenCase{"SummaryQuantileNotANumber", "# TYPE s summary\ns{quantile=\"p99\"} 1\n", 2, 12,
                                 "invalid \"quantile\" value \"p99\""}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

INSTANTIATE_TEST_SUITE_P(
    Encoding, ParseBroken,
    ::testing::Values(BrokenCase{"InvalidByteInLabelValue", "x{a=\"\xff\"} 1\n", 1, 6, "invalid UTF-8"},
                      BrokenCase{"InvalidByteInIgnoredComment", "# comment \xff\n", 1, 11, "invalid UTF-8"},
                      BrokenCase{"OverlongNul", "x{a=\"\xc0\x80\"} 1\n", 1, 6, "invalid UTF-8"},
                      BrokenCase{"Surrogate", "# HELP x \xed\xa0\x80\n", 1, 10, "invalid UTF-8"},
                      BrokenCase{"AboveU10FFFF", "# HELP x \xf4\x90\x80\x80\n", 1, 10, "invalid UTF-8"},
                      BrokenCase{"TruncatedAtEndOfText", "x 1\n# \xe2\x82", 2, 3, "invalid UTF-8"},
                      BrokenCase{"LineCountWithCrlf", "a 1\r\nb x\r\n", 2, 3, "invalid sample value \"x\""},
                      BrokenCase{"FirstErrorWins", "x abc\ny def\n", 1, 3, "invalid sample value \"abc\""}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(ParseBrokenMessage, QuotesAtMostAboutEightyBytesOfAToken) {
  const std::string text = "1" + std::string(10'000, 'a') + " 1\n";
  const auto result = parse_exposition(text);
  ASSERT_TRUE(std::holds_alternative<ExpositionError>(result));
  const std::string& message = std::get<ExpositionError>(result).message;
  EXPECT_EQ(message, "invalid metric name \"1" + std::string(79, 'a') + "\"...");
}

}  // namespace
}  // namespace hpad::metrics
