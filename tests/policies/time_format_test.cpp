// parse_rfc3339 / format_rfc3339 against Go's time.RFC3339 (parsing) and RFC3339Nano in UTC
// (writing): valid and invalid texts, years 0001 and 9999 (DECIDE-API: Kubernetes' zero time
// appears in real objects), offsets, fractions, and a round trip over the whole year range.
// Expected instants were computed independently (Python's calendar.timegm).
#include "hpad/policies/time_format.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace hpad::policies {
namespace {

constexpr std::int64_t k2026 = 1'767'225'600;        // 2026-01-01T00:00:00Z
constexpr std::int64_t kYear1 = -62'135'596'800;     // 0001-01-01T00:00:00Z, Go's zero time
constexpr std::int64_t kYear9999 = 253'402'300'799;  // 9999-12-31T23:59:59Z

struct ValidCase {
  std::string_view name;
  std::string_view text;
  Time want;
};

class ParseValid : public ::testing::TestWithParam<ValidCase> {};

TEST_P(ParseValid, GivesTheInstant) {
  const auto got = parse_rfc3339(GetParam().text);
  ASSERT_TRUE(got.has_value()) << GetParam().text;
  EXPECT_EQ(got->seconds, GetParam().want.seconds);
  EXPECT_EQ(got->nanos, GetParam().want.nanos);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc3339, ParseValid,
    ::testing::Values(ValidCase{"Epoch", "1970-01-01T00:00:00Z", {0, 0}},
                      ValidCase{"NewYear2026", "2026-01-01T00:00:00Z", {k2026, 0}},
                      ValidCase{"GoZeroTimeYear1", "0001-01-01T00:00:00Z", {kYear1, 0}},
                      ValidCase{"LastSecondOfYear9999", "9999-12-31T23:59:59Z", {kYear9999, 0}},
                      ValidCase{"LastNanosecondOfYear9999", "9999-12-31T23:59:59.999999999Z", {kYear9999, 999'999'999}},
                      ValidCase{"LeapDay2000", "2000-02-29T12:00:00Z", {951'825'600, 0}},
                      ValidCase{"LeapDay2024EndOfDay", "2024-02-29T23:59:59Z", {1'709'251'199, 0}},
                      ValidCase{"Year1600MarchFirst", "1600-03-01T00:00:00Z", {-11'670'912'000, 0}},
                      ValidCase{"OneSecondBeforeEpoch", "1969-12-31T23:59:59Z", {-1, 0}},
                      ValidCase{"PositiveOffsetIsSubtracted", "2026-01-01T01:00:00+01:00", {k2026, 0}},
                      ValidCase{"NegativeOffsetIsAdded", "2025-12-31T19:00:00-05:00", {k2026, 0}},
                      ValidCase{"OffsetWithMinutes", "2026-01-01T05:30:00+05:30", {k2026, 0}},
                      ValidCase{"ZeroOffset", "2026-01-01T00:00:00+00:00", {k2026, 0}},
                      ValidCase{"OffsetCrossesIntoYear1", "0001-01-01T01:00:00+01:00", {kYear1, 0}},
                      ValidCase{"OneFractionDigitIsTenths", "2026-01-01T00:00:00.5Z", {k2026, 500'000'000}},
                      ValidCase{"NineFractionDigitsAreNanos", "2026-01-01T00:00:00.123456789Z", {k2026, 123'456'789}},
                      ValidCase{"OneNanosecond", "2026-01-01T00:00:00.000000001Z", {k2026, 1}},
                      ValidCase{"FractionWithOffset", "2026-01-01T00:00:00.25-00:30", {k2026 + 1800, 250'000'000}},
                      ValidCase{"LowercaseTAndZAsGo", "2026-01-01t00:00:00z", {k2026, 0}}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

struct InvalidCase {
  std::string_view name;
  std::string_view text;
};

class ParseInvalid : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(ParseInvalid, IsRejected) {
  EXPECT_FALSE(parse_rfc3339(GetParam().text).has_value()) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    Rfc3339, ParseInvalid,
    ::testing::Values(
        InvalidCase{"Empty", ""}, InvalidCase{"DateOnly", "2026-01-01"}, InvalidCase{"NoZone", "2026-01-01T00:00:00"},
        InvalidCase{"SpaceForT", "2026-01-01 00:00:00Z"}, InvalidCase{"February30", "2026-02-30T00:00:00Z"},
        InvalidCase{"February29InCommonYear", "2025-02-29T00:00:00Z"},
        InvalidCase{"February29In1900NotLeap", "1900-02-29T00:00:00Z"}, InvalidCase{"April31", "2026-04-31T00:00:00Z"},
        InvalidCase{"Day0", "2026-01-00T00:00:00Z"}, InvalidCase{"Month13", "2026-13-01T00:00:00Z"},
        InvalidCase{"Month0", "2026-00-10T00:00:00Z"}, InvalidCase{"Hour24", "2026-01-01T24:00:00Z"},
        InvalidCase{"Minute60", "2026-01-01T23:60:00Z"}, InvalidCase{"LeapSecond60", "2026-12-31T23:59:60Z"},
        InvalidCase{"Year0", "0000-01-01T00:00:00Z"}, InvalidCase{"FiveDigitYear", "10000-01-01T00:00:00Z"},
        InvalidCase{"NegativeYear", "-2026-01-01T00:00:00Z"}, InvalidCase{"OneDigitMonth", "2026-1-01T00:00:00Z"},
        InvalidCase{"EmptyFraction", "2026-01-01T00:00:00.Z"},
        InvalidCase{"TenFractionDigits", "2026-01-01T00:00:00.1234567890Z"},
        InvalidCase{"CommaFraction", "2026-01-01T00:00:00,5Z"},
        InvalidCase{"OffsetHour24", "2026-01-01T00:00:00+24:00"},
        InvalidCase{"OffsetMinute60", "2026-01-01T00:00:00+01:60"},
        InvalidCase{"OffsetWithoutColon", "2026-01-01T00:00:00+0100"},
        InvalidCase{"OffsetHoursOnly", "2026-01-01T00:00:00+01"}, InvalidCase{"TrailingSpace", "2026-01-01T00:00:00Z "},
        InvalidCase{"LeadingSpace", " 2026-01-01T00:00:00Z"}, InvalidCase{"DoubleZ", "2026-01-01T00:00:00ZZ"},
        InvalidCase{"LetterInYear", "2O26-01-01T00:00:00Z"}, InvalidCase{"SignInDigits", "2026-+1-01T00:00:00Z"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

struct FormatCase {
  std::string_view name;
  Time time;
  std::string_view want;
};

class Format : public ::testing::TestWithParam<FormatCase> {};

TEST_P(Format, WritesUtcWithTrimmedFraction) {
  EXPECT_EQ(format_rfc3339(GetParam().time), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc3339Nano, Format,
    ::testing::Values(FormatCase{"Epoch", {0, 0}, "1970-01-01T00:00:00Z"},
                      FormatCase{"NoFractionWhenNanosZero", {k2026, 0}, "2026-01-01T00:00:00Z"},
                      FormatCase{"TrailingZerosTrimmed", {k2026, 50'000'000}, "2026-01-01T00:00:00.05Z"},
                      FormatCase{"OneNanosecondKeepsNineDigits", {k2026, 1}, "2026-01-01T00:00:00.000000001Z"},
                      FormatCase{"AllNineDigits", {k2026, 123'456'789}, "2026-01-01T00:00:00.123456789Z"},
                      FormatCase{"BeforeEpochFloorsTheDay", {-1, 500'000'000}, "1969-12-31T23:59:59.5Z"},
                      FormatCase{"Year1", {kYear1, 0}, "0001-01-01T00:00:00Z"},
                      FormatCase{"Year9999", {kYear9999, 0}, "9999-12-31T23:59:59Z"},
                      FormatCase{"LeapDay", {951'825'600, 0}, "2000-02-29T12:00:00Z"},
                      FormatCase{"YearBeyond9999GrowsDigits", {kYear9999 + 1, 0}, "10000-01-01T00:00:00Z"},
                      FormatCase{"YearBeforeYear1IsYear0", {kYear1 - 1, 0}, "0000-12-31T23:59:59Z"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

// Every format_rfc3339 output in years 1..9999 parses back to the same instant: a stride that
// is coprime with a day's length walks through all times of day and every month of the range.
TEST(Rfc3339RoundTrip, FormatThenParseIsIdentityFromYear1To9999) {
  const std::int64_t stride = 86'400 * 97 + 3'599;  // ~97 days and an odd number of seconds
  int checked = 0;
  for (std::int64_t s = kYear1; s <= kYear9999; s += stride) {
    const Time t{s, static_cast<std::int32_t>((s % 1000 + 1000) % 1000 * 1'000'000)};
    const auto back = parse_rfc3339(format_rfc3339(t));
    ASSERT_TRUE(back.has_value()) << format_rfc3339(t);
    ASSERT_EQ(back->seconds, t.seconds) << format_rfc3339(t);
    ASSERT_EQ(back->nanos, t.nanos) << format_rfc3339(t);
    ++checked;
  }
  EXPECT_GT(checked, 37'000);  // 9999 years / 97 days
  const auto last = parse_rfc3339(format_rfc3339({kYear9999, 999'999'999}));
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(*last, (Time{kYear9999, 999'999'999}));
}

}  // namespace
}  // namespace hpad::policies
