// Quantity against the API server's resource.ParseQuantity, MilliValue, AsApproximateFloat64
// and String (canonical form), and to_milli_units against DECIDE-API's rule for samples.
// "[upstream X]" beside a case: the same input and expectation appear in apimachinery's
// pkg/api/resource X (quantity_test.go TestQuantityParse and friends, quantity_overflow_test.go
// for the newest saturating behaviour); the other expectations are derived from the code.
#include "hpad/policies/quantity.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <variant>

namespace hpad::policies {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Quantity must_parse(std::string_view text) {
  auto result = Quantity::parse(text);
  if (const auto* error = std::get_if<QuantityError>(&result)) {
    ADD_FAILURE() << "unexpected error: " << error->message;
    return Quantity{};
  }
  return std::get<Quantity>(result);
}

// --- Valid text: value in milli-units and canonical form --------------------------------------

struct ValueCase {
  const char* name;
  std::string_view text;
  std::int64_t milli;
  const char* canonical;
};

void PrintTo(const ValueCase& c, std::ostream* os) {
  *os << c.name;
}

class QuantityValue : public ::testing::TestWithParam<ValueCase> {};

TEST_P(QuantityValue, MilliValueAndCanonicalFormMatchUpstream) {
  const ValueCase& c = GetParam();
  const Quantity q = must_parse(c.text);
  EXPECT_EQ(q.milli_value(), c.milli) << c.text;
  EXPECT_EQ(q.canonical(), c.canonical) << c.text;
}

TEST_P(QuantityValue, CanonicalFormParsesBackToTheSameValue) {
  const ValueCase& c = GetParam();
  const Quantity q = must_parse(c.text);
  const Quantity again = must_parse(q.canonical());
  EXPECT_EQ(again.milli_value(), q.milli_value()) << c.text << " -> " << q.canonical();
  EXPECT_EQ(again.canonical(), q.canonical()) << c.text;
  EXPECT_EQ(again.sign(), q.sign()) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, QuantityValue,
    ::testing::Values(
        // name, text, milli_value(), canonical(), and why
        // Every suffix: the milli value is exact, or rounded up below a milli-unit.
        ValueCase{"Nano", "5n", 1, "5n"},                 // 0.000005 milli-units round up [upstream TestQuantityParse]
        ValueCase{"Micro", "4u", 1, "4u"},                // 0.004 milli-units round up
        ValueCase{"Milli", "3m", 3, "3m"},                // exact
        ValueCase{"NoSuffix", "9", 9000, "9"},            // base units
        ValueCase{"Kilo", "8k", 8000000, "8k"},           // 8 * 10^3 * 1000
        ValueCase{"Mega", "7M", 7000000000, "7M"},        // 7 * 10^6 * 1000
        ValueCase{"Giga", "6G", 6000000000000, "6G"},     // 6 * 10^12 milli-units, exact
        ValueCase{"Tera", "5T", 5000000000000000, "5T"},  // 5 * 10^15 milli-units, exact
        ValueCase{"Peta", "2P", 2000000000000000000, "2P"},    // 2e18 still fits
        ValueCase{"Exa", "1E", kMax, "1E"},                    // 1e21 milli-units saturate [upstream overflow]
        ValueCase{"Kibi", "1Ki", 1024000, "1Ki"},              // 1024 * 1000
        ValueCase{"Mebi", "7Mi", 7340032000, "7Mi"},           // 7 * 2^20 * 1000
        ValueCase{"Gibi", "6Gi", 6442450944000, "6Gi"},        // 6 * 2^30 * 1000
        ValueCase{"Tebi", "5Ti", 5497558138880000, "5Ti"},     // 5 * 2^40 * 1000, int64 fast path
        ValueCase{"Pebi", "4Pi", 4503599627370496000, "4Pi"},  // 4 * 2^50 * 1000, through the inf.Dec path
        ValueCase{"Exbi", "3Ei", kMax, "3Ei"},                 // 3 * 2^60 fits, its milli-units do not
        // The task's examples.
        ValueCase{"HalfCpu", "500m", 500, "500m"},            // exact; already canonical
        ValueCase{"OneAndAHalf", "1.5", 1500, "1500m"},       // canonical form has no fraction [upstream doc]
        ValueCase{"TwoGibi", "2Gi", 2147483648000, "2Gi"},    // 2 * 2^30 * 1000
        ValueCase{"ExponentThree", "1e3", 1000000, "1e3"},    // the format is remembered
        ValueCase{"HundredKilo", "100k", 100000000, "100k"},  // mantissa 100 keeps the k suffix
        // Exponents.
        ValueCase{"NegativeExponent", "1E-3", 1, "1e-3"},                     // [upstream]
        ValueCase{"FractionalExponent", "1.5E-3", 2, "1500e-6"},              // 1.5 milli-units round up
        ValueCase{"PlusExponent", "1.3E+6", 1300000000, "1300e3"},            // [upstream]
        ValueCase{"FractionTimesExponent", "0.5e-1", 50, "50e-3"},            // [upstream]
        ValueCase{"ExponentLeadingZeros", "1e0003", 1000000, "1e3"},          // Go's ParseInt takes "0003"
        ValueCase{"HugeExponent", "1e999", kMax, "1e999"},                    // saturates, no bignum
        ValueCase{"TinyExponent", "1e-999", 1, "1e-9"},                       // rounds up to 1n at parse time
        ValueCase{"LargestExponent", "1e2147483647", kMax, "10e2147483646"},  // int32 max
        ValueCase{"SmallestExponent", "1e-2147483648", 1, "1e-9"},            // upstream's int32 negation wraps here
        // Fractions below a milli-unit round up (away from zero); below a nano-unit at parse time.
        ValueCase{"TenThousandth", "1.0001", 1001, "1000100u"},       // 1000.1 -> 1001
        ValueCase{"TenthOfMilli", "0.1m", 1, "100u"},                 // 0.1 -> 1
        ValueCase{"TenMillionth", "1.0000001", 1001, "1000000100n"},  // 1000.0001 -> 1001
        ValueCase{"ThousandthOfNano", "3.001n", 1, "4n"},             // [upstream] 3.001n is 4n
        ValueCase{"SubNano", "0.9n", 1, "1n"},                        // [upstream]
        ValueCase{"TenthOfNano", "0.0000000001", 1, "1n"},            // [upstream]
        ValueCase{"ManyDecimals", "0.00000012345", 1, "124n"},        // [upstream]
        ValueCase{"SubNanoBinary", "0.000000000001Ki", 1, "2n"},      // [upstream] 1.024e-12, decimal now
        // The int64 milli-unit boundary (DECIDE-API: "9223372036854775807m" is valid).
        ValueCase{"MaxMilli", "9223372036854775807m", kMax, "9223372036854775807m"},              // [upstream overflow]
        ValueCase{"MaxMilliPlusOne", "9223372036854775808m", kMax, "9223372036854775808m"},       // saturates
        ValueCase{"CeilingOverflows", "9223372036854775.8071", kMax, "9223372036854775807100u"},  // ceil = 2^63
        ValueCase{"MaxInt64Units", "9223372036854775807", kMax, "9223372036854775807"},           // [upstream overflow]
        ValueCase{"TwoToThe64", "18446744073709551616", kMax, "18446744073709551616"},            // [upstream overflow]
        ValueCase{"PastExa", "1000E", kMax, "1e21"},                 // [upstream overflow] no suffix past E
        ValueCase{"Googol", "1e100", kMax, "10e99"},                 // [upstream overflow]
        ValueCase{"TwelveExa", "12E", kMax, "12E"},                  // [upstream]
        ValueCase{"EightExbi", "8Ei", kMax, "9223372036854775807"},  // [upstream] binary caps at 2^63-1
        ValueCase{"NineExbi", "9Ei", kMax, "9223372036854775807"},   // [upstream]
        ValueCase{"HugeKibi", "9223372036854775807Ki", kMax, "9223372036854775807"},  // [upstream]
        // Negative values: magnitude rounded up, saturating at INT64_MIN.
        ValueCase{"NegativeFraction", "-1.0001", -1001, "-1000100u"},     // away from zero, not ceil
        ValueCase{"NegativeTenthOfMilli", "-0.1m", -1, "-100u"},          // -0.1 -> -1, away from zero
        ValueCase{"NegativeGibi", "-9.5Gi", -10200547328000, "-9728Mi"},  // [upstream overflow]
        ValueCase{"NegativeGibiRounded", "-9.5000000001Gi", -10200547328108,
                  "-10200547328107374183n"},                                                 // [upstream overflow]
        ValueCase{"NegativeEightExbi", "-8Ei", kMin, "-9223372036854775807"},                // [upstream overflow]
        ValueCase{"MinMilli", "-9223372036854775808m", kMin, "-9223372036854775808m"},       // exact
        ValueCase{"BelowMinMilli", "-9223372036854775809m", kMin, "-9223372036854775809m"},  // saturates
        ValueCase{"NegativeHuge", "-1e30", kMin, "-1e30"},                                   // [upstream overflow]
        // Upstream's leniencies.
        ValueCase{"LeadingPlus", "+1.5", 1500, "1500m"},                    // a leading + is allowed and not kept
        ValueCase{"TrailingPoint", "1.", 1000, "1"},                        // [upstream] "written by trolls"
        ValueCase{"LeadingPoint", ".5", 500, "500m"},                       // no digit before the point
        ValueCase{"LeadingPointMilli", ".001", 1, "1m"},                    // [upstream]
        ValueCase{"PointThenSuffix", "1.G", 1000000000000, "1G"},           // [upstream]
        ValueCase{"LeadingZeros", "007", 7000, "7"},                        // leading zeros are skipped
        ValueCase{"TrailingZeros", "0.50000", 500, "500m"},                 // [upstream]
        ValueCase{"HalfMebi", "0.5Mi", 524288000, "512Ki"},                 // [upstream] value
        ValueCase{"FractionalKibi", "100.035Ki", 102435840, "102435840m"},  // [upstream] not whole: decimal
        ValueCase{"KiloFraction", "0.0005k", 500, "500m"},                  // [upstream]
        ValueCase{"Zero", "0", 0, "0"},                                     // upstream special-cases "0"
        ValueCase{"NegativeZero", "-0", 0, "0"},                            // no negative zero
        ValueCase{"ZeroKibi", "0Ki", 0, "0"},                               // [upstream]
        ValueCase{"ZeroHugeExponent", "0e400", 0, "0"},                     // zero at any exponent is zero
        ValueCase{"PointAlone", ".", 0, "0"},            // [upstream TestParseQuantityString] no digit: zero
        ValueCase{"MinusAlone", "-", 0, "0"},            // upstream returns 0 when the text ends after the sign
        ValueCase{"PlusAlone", "+", 0, "0"},             // likewise
        ValueCase{"KibiAlone", "Ki", 0, "0"},            // "" before the suffix is 0 on the int64 path
        ValueCase{"TebiAlone", "Ti", 0, "0"},            // "" before Ti still takes the int64 path
        ValueCase{"MilliAlone", "m", 0, "0"},            // likewise for every decimal suffix
        ValueCase{"NanoExponentAlone", "e-9", 0, "0"}),  // "e-10" is an error: see SubNanoAlone
    [](const auto& param_info) { return std::string(param_info.param.name); });

// --- Invalid text: upstream's error, at the byte that breaks it --------------------------------

struct ErrorCase {
  const char* name;
  std::string_view text;
  QuantityError::Kind kind;
  std::size_t offset;
};

void PrintTo(const ErrorCase& c, std::ostream* os) {
  *os << c.name;
}

class QuantityRejects : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(QuantityRejects, WithUpstreamsErrorKindAtTheOffendingByte) {
  const ErrorCase& c = GetParam();
  const auto result = Quantity::parse(c.text);
  const auto* error = std::get_if<QuantityError>(&result);
  ASSERT_NE(error, nullptr) << "parsed: " << std::get<Quantity>(result).canonical();
  EXPECT_EQ(error->kind, c.kind) << error->message;
  EXPECT_EQ(error->offset, c.offset) << error->message;
}

using Kind = QuantityError::Kind;
using namespace std::string_view_literals;

INSTANTIATE_TEST_SUITE_P(
    Cases, QuantityRejects,
    ::testing::Values(
        // name, text, kind, offset, and why
        ErrorCase{"Empty", "", Kind::kFormat, 0},                  // [upstream]
        ErrorCase{"LeadingSpace", " 1", Kind::kFormat, 0},         // [upstream] no whitespace at all
        ErrorCase{"TrailingSpace", "1 ", Kind::kFormat, 1},        // [upstream]
        ErrorCase{"SpaceBeforeSuffix", "1 k", Kind::kFormat, 1},   // the space is neither number nor suffix
        ErrorCase{"LeadingTab", "\t1", Kind::kFormat, 0},          // no whitespace of any kind
        ErrorCase{"TrailingNewline", "1\n", Kind::kFormat, 1},     // likewise
        ErrorCase{"TwoPoints", "1.5.3", Kind::kFormat, 3},         // the second point ends the number
        ErrorCase{"PointPoint", "1..", Kind::kFormat, 2},          // likewise, with no fraction digit between
        ErrorCase{"PointInSuffix", "1.1.M", Kind::kFormat, 3},     // [upstream]
        ErrorCase{"SignInNumber", "1+1.0M", Kind::kFormat, 3},     // [upstream] "+1" is read as a suffix tail
        ErrorCase{"ThreeLetterSuffix", "1Kib", Kind::kFormat, 3},  // b is no suffix letter
        ErrorCase{"UnknownLetter", "0.1am", Kind::kFormat, 3},     // [upstream]
        ErrorCase{"Word", "aoeu", Kind::kFormat, 0},               // [upstream]
        ErrorCase{"NonNumeric", "Non-Numeric", Kind::kFormat, 0},  // [upstream MustParse panics]
        ErrorCase{"Invalid", "invalid", Kind::kFormat, 2},  // [upstream QuantityValue.Set] "in" are suffix letters
        ErrorCase{"ExponentThenSuffix", "1e3k", Kind::kFormat, 3},           // nothing may follow the exponent digits
        ErrorCase{"CapitalI", "1KI", Kind::kFormat, 2},                      // I is no suffix letter (i is)
        ErrorCase{"LowercaseMi", "0.1mi", Kind::kSuffix, 3},                 // [upstream]
        ErrorCase{"LowercaseKi", "1ki", Kind::kSuffix, 1},                   // suffixes are case-sensitive
        ErrorCase{"CapitalK", "1K", Kind::kSuffix, 1},                       // K alone is no suffix (k is)
        ErrorCase{"BareIAfterPoint", ".5i", Kind::kSuffix, 2},               // [upstream]
        ErrorCase{"BareI", "1i", Kind::kSuffix, 1},                          // [upstream]
        ErrorCase{"NegativeBareI", "-3.01i", Kind::kSuffix, 5},              // [upstream]
        ErrorCase{"ExponentNoDigits", "1e", Kind::kSuffix, 1},               // a lone "e" is no suffix
        ErrorCase{"ExponentSignOnly", "1e+", Kind::kSuffix, 1},              // ParseInt("+") fails
        ErrorCase{"NegativeExponentSignOnly", "-3.01e-", Kind::kSuffix, 5},  // [upstream]
        ErrorCase{"ExponentLetters", "1eKi", Kind::kSuffix, 1},              // ParseInt("Ki") fails
        ErrorCase{"ExponentOverInt32", "1e2147483648", Kind::kSuffix, 1},    // int32 max + 1
        ErrorCase{"ExponentWrapsInt32", "1e4294967297", Kind::kSuffix, 1},   // [upstream overflow #141203]
        ErrorCase{"ExponentOverInt64", "1e99999999999999999999", Kind::kSuffix, 1},  // ParseInt fails in every release
        ErrorCase{"ExponentUnderInt32", "1e-2147483649", Kind::kSuffix, 1},          // int32 min - 1
        ErrorCase{"PebiAlone", "Pi", Kind::kNumeric, 0},                   // upstream's inf.Dec path needs a digit
        ErrorCase{"ExbiAlone", "Ei", Kind::kNumeric, 0},                   // likewise
        ErrorCase{"SubNanoAlone", "e-10", Kind::kNumeric, 0},              // "e-9" is zero, "e-10" needs rounding
        ErrorCase{"PointSubNano", "-.e-10", Kind::kNumeric, 0},            // likewise, "-." holds no digit
        ErrorCase{"NulAlone", "\0"sv, Kind::kFormat, 0},                   // NUL is an ordinary, invalid byte
        ErrorCase{"NulAfterDigit", "1\0"sv, Kind::kFormat, 1},             // a NUL does not end the text
        ErrorCase{"NulBeforeSuffix", "1\0k"sv, Kind::kFormat, 1},          // likewise
        ErrorCase{"MicroSign", "1\xc2\xb5", Kind::kFormat, 1},             // "1µ": not the "u" suffix
        ErrorCase{"FullwidthDigit", "\xef\xbc\x91", Kind::kFormat, 0},     // "１"
        ErrorCase{"UnicodeMinus", "\xe2\x88\x92\x31", Kind::kFormat, 0}),  // "−1": U+2212 is no sign
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(QuantityErrorMessage, QuotesTheTextAndNamesTheOffendingByte) {
  const auto message = [](std::string_view text) {
    const auto result = Quantity::parse(text);
    const auto* error = std::get_if<QuantityError>(&result);
    return error == nullptr ? std::string("(parsed)") : error->message;
  };
  EXPECT_EQ(message("1.5.3"), "quantity \"1.5.3\": unexpected '.' at offset 3");
  EXPECT_EQ(message("1\0"sv), "quantity \"1\\x00\": unexpected '\\x00' at offset 1") << "NUL is escaped";
  EXPECT_EQ(message("1mi"), "quantity \"1mi\": unknown suffix \"mi\" at offset 1");
  EXPECT_EQ(message("Pi"), "quantity \"Pi\": no digits before the suffix at offset 0");
  EXPECT_EQ(message(""), "quantity \"\": empty string at offset 0");
  const std::string long_text = std::string(100, '1') + "x";
  EXPECT_EQ(message(long_text), "quantity \"" + std::string(64, '1') + "\"...: unexpected 'x' at offset 100")
      << "at most 64 bytes of the text are quoted";
}

// --- AsApproximateFloat64 -------------------------------------------------------------------------

struct FloatCase {
  const char* name;
  std::string_view text;
  double expected;
};

void PrintTo(const FloatCase& c, std::ostream* os) {
  *os << c.name;
}

class QuantityApproximate : public ::testing::TestWithParam<FloatCase> {};

TEST_P(QuantityApproximate, IsAsApproximateFloat64BitForBit) {
  const FloatCase& c = GetParam();
  const double got = must_parse(c.text).approximate();
  EXPECT_FALSE(std::isnan(got)) << c.text;
  EXPECT_EQ(got, c.expected) << c.text;  // exact: the same double, or the same infinity
  EXPECT_EQ(std::signbit(got), std::signbit(c.expected)) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, QuantityApproximate,
    ::testing::Values(
        // name, text, approximate(), and why
        FloatCase{"Tenth", "0.1", 0.1},                                  // 1 * Pow10(-1)
        FloatCase{"ThreeTenths", "0.3", 0.30000000000000004},            // 3 * 0.1, not the nearest double to 0.3
        FloatCase{"NegativeThreeTenths", "-0.3", -0.30000000000000004},  // -3 * 0.1
        FloatCase{"OneAndAHalf", "1.5", 1.5},                            // 15 * 0.1
        FloatCase{"TwoKibi", "2Ki", 2048},             // [upstream TestStringQuantityAsApproximateFloat64]
        FloatCase{"FractionalKibi", "1.1Ki", 1126.4},  // [upstream] 1126400000000 * 1e-9
        FloatCase{"OneMebi", "1Mi", 1.048576e+06},     // [upstream]
        FloatCase{"TwoGibi", "2Gi", 2.147483648e+09},  // [upstream]
        FloatCase{"TwelveExa", "12E", 1.2e19},         // [upstream] 12 * Pow10(18)
        FloatCase{"MaxInt64", "9223372036854775807", 9.223372036854776e+18},           // [upstream overflow]
        FloatCase{"CappedBinary", "8Ei", 9.223372036854776e+18},                       // [upstream overflow]
        FloatCase{"NegativeGibiRounded", "-9.5000000001Gi", -1.0200547328107376e+10},  // [upstream overflow]
        FloatCase{"GoPow10Product", "1e33", 1.0000000000000001e+33},  // Go's Pow10(33) = 1e32 * 1e1, not 1e33
        FloatCase{"PastDoubleRange", "1e400", kInf},                  // [upstream] Pow10(400) is +Inf
        FloatCase{"NegativePastDoubleRange", "-12e500", -kInf},       // [upstream]
        FloatCase{"ZeroAtHugeExponent", "0e400", 0.0},                // not 0 * Inf = NaN (#139893)
        FloatCase{"NegativeZero", "-0", 0.0},                         // +0, as float64(int64(0))
        FloatCase{"TinyExponent", "1e-999", 1e-9},                    // 1n after rounding at parse time
        FloatCase{"EighteenDigits", "123456789012345678", 1.2345678901234568e+17},  // int64 path: exact integer
        FloatCase{"NineteenDigits", "1234567890123456789", 1.234567890123457e+18},  // inf.Dec path: not ...568e+18
        FloatCase{"ManyDigits", "123456789012345678901234567890", 1.234567890123457e+29}),  // nano-units * 1e-9
    [](const auto& param_info) { return std::string(param_info.param.name); });

// --- to_milli_units: samples --------------------------------------------------------------------

struct SampleCase {
  const char* name;
  double value;
  std::int64_t milli;
};

void PrintTo(const SampleCase& c, std::ostream* os) {
  *os << c.name;
}

class ToMilliUnits : public ::testing::TestWithParam<SampleCase> {};

TEST_P(ToMilliUnits, RoundsTheExactDoubleToNearestAndSaturates) {
  const SampleCase& c = GetParam();
  EXPECT_EQ(to_milli_units(c.value), c.milli) << c.value;
}

INSTANTIATE_TEST_SUITE_P(Cases, ToMilliUnits,
                         ::testing::Values(
                             // name, value, to_milli_units(), and why
                             SampleCase{"Zero", 0.0, 0},                     // zero
                             SampleCase{"NegativeZero", -0.0, 0},            // no negative zero
                             SampleCase{"ThirtyFivePercentCpu", 0.35, 350},  // the double is 0.34999999999999997...
                             SampleCase{"JustAboveHalfMilli", 0.0005, 1},    // the double is 0.000500000000000000010...
                             SampleCase{"JustBelowHalfMilli", 0.0004999, 0},    // 0.4999 milli-units
                             SampleCase{"ExactTieGoesAway", 0.0625, 63},        // 62.5 exactly: a tie, away from zero
                             SampleCase{"OtherExactTie", 0.1875, 188},          // 187.5 exactly
                             SampleCase{"Whole", 1.5, 1500},                    // exact
                             SampleCase{"Large", 123456789.125, 123456789125},  // exact: 123456789.125 is a double
                             SampleCase{"LargestExact", 9223372036854774.0, 9223372036854774000},  // fits, exactly
                             SampleCase{"JustOver", 9223372036854776.0, kMax},  // 9223372036854776000 > INT64_MAX
                             SampleCase{"Huge", 1e300, kMax},                   // saturates at INT64_MAX
                             SampleCase{"SmallestSubnormal", 5e-324, 0},        // far below half a milli-unit
                             SampleCase{"Negative", -0.35, -350},               // mirrors the positive value
                             SampleCase{"NegativeTie", -0.0625, -63},           // away from zero, mirrored
                             SampleCase{"NegativeHuge", -1e300, kMin},          // saturates at INT64_MIN
                             SampleCase{"PlusInfinity", kInf, kMax},            // saturates (callers reject it first)
                             SampleCase{"MinusInfinity", -kInf, kMin},          // saturates (callers reject it first)
                             SampleCase{"NaN", kNaN, 0}),  // total: NaN is 0 (callers reject it first)
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(QuantityJsonNumber, DecimalTextIsExactAndRoundsUpWhereTheDoubleRoundsToNearest) {
  // A policy's JSON number goes through its text, as the API server's UnmarshalJSON does.
  EXPECT_EQ(must_parse("0.0001").milli_value(), 1) << "0.1 milli-units round up";
  EXPECT_EQ(to_milli_units(0.0001), 0) << "a sample of 0.1 milli-units rounds to nearest";
  EXPECT_EQ(must_parse("0.35").milli_value(), 350);
  EXPECT_EQ(to_milli_units(0.35), 350);
  EXPECT_EQ(must_parse("1.5E+3").milli_value(), 1500000) << "JSON's exponent syntax is quantity syntax";
}

// --- Properties over generated text -------------------------------------------------------------

TEST(QuantityRoundTrip, EveryInt64MilliValueParsesExactlyAndKeepsItsCanonicalForm) {
  std::mt19937_64 rng(20260101);  // fixed seed: deterministic
  std::uniform_int_distribution<std::int64_t> any(kMin, kMax);
  for (int i = 0; i < 20000; ++i) {
    const std::int64_t milli = i < 3 ? (i == 0 ? kMin : (i == 1 ? kMax : 0)) : any(rng) >> (i % 64);
    const Quantity q = must_parse(std::to_string(milli) + "m");
    ASSERT_EQ(q.milli_value(), milli);
    const Quantity again = must_parse(q.canonical());
    ASSERT_EQ(again.milli_value(), milli) << q.canonical();
    ASSERT_EQ(again.canonical(), q.canonical());
  }
}

TEST(QuantityRoundTrip, RandomTextEitherFailsOrKeepsItsValueThroughTheCanonicalForm) {
  constexpr std::string_view kAlphabet = "0123456789000..+-eEinumkKMGTP \x00\xb5"sv;  // sv: keeps the NUL
  std::mt19937_64 rng(7);                                                             // fixed seed: deterministic
  std::uniform_int_distribution<std::size_t> pick(0, kAlphabet.size() - 1);
  std::uniform_int_distribution<int> length(0, 14);
  int parsed = 0;
  for (int i = 0; i < 200000; ++i) {
    std::string text;
    for (int n = length(rng); n > 0; --n) {
      text += kAlphabet[pick(rng)];
    }
    const auto result = Quantity::parse(text);
    if (const auto* error = std::get_if<QuantityError>(&result)) {
      ASSERT_LE(error->offset, text.size()) << error->message;
      continue;
    }
    ++parsed;
    const Quantity& q = std::get<Quantity>(result);
    ASSERT_FALSE(std::isnan(q.approximate())) << text;
    const Quantity again = must_parse(q.canonical());
    ASSERT_EQ(again.milli_value(), q.milli_value()) << text << " -> " << q.canonical();
    ASSERT_EQ(again.canonical(), q.canonical()) << text;
  }
  EXPECT_GT(parsed, 1000) << "the alphabet should produce plenty of valid quantities";
}

TEST(QuantityFormat, IsTheSuffixFamilyExceptABinaryValueBelowOne) {
  EXPECT_EQ(must_parse("1k").format(), QuantityFormat::kDecimalSI);
  EXPECT_EQ(must_parse("1").format(), QuantityFormat::kDecimalSI);
  EXPECT_EQ(must_parse("1Ki").format(), QuantityFormat::kBinarySI);
  EXPECT_EQ(must_parse("0Ki").format(), QuantityFormat::kBinarySI) << "zero keeps its format";
  EXPECT_EQ(must_parse("1e3").format(), QuantityFormat::kDecimalExponent);
  EXPECT_EQ(must_parse("0.5Ki").format(), QuantityFormat::kBinarySI) << "512 is not below 1";
  EXPECT_EQ(must_parse("0.000000000001Ki").format(), QuantityFormat::kDecimalSI) << "[upstream] 0 < 2n < 1";
  EXPECT_EQ(must_parse("-0.0001Ki").format(), QuantityFormat::kDecimalSI) << "by magnitude";
}

TEST(QuantityDefault, IsZero) {
  const Quantity q;
  EXPECT_EQ(q.milli_value(), 0);
  EXPECT_EQ(q.approximate(), 0.0);
  EXPECT_EQ(q.canonical(), "0");
  EXPECT_EQ(q.sign(), 0);
}

}  // namespace
}  // namespace hpad::policies
