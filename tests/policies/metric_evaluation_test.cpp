// detail::to_milli's fast path against the exact conversion it shortcuts (to_milli_units):
// the same integer for every value, near-ties and magnitudes around the 2^42 cut included.
// The values are pseudo-random with a fixed seed, so a failure reproduces.
#include "metric_evaluation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>

namespace hpad::policies::detail {
namespace {

TEST(ToMilli, RejectsWhatMakesAMetricInvalid) {
  EXPECT_EQ(to_milli(std::numeric_limits<double>::quiet_NaN()), std::nullopt);
  EXPECT_EQ(to_milli(std::numeric_limits<double>::infinity()), std::nullopt);
  EXPECT_EQ(to_milli(-std::numeric_limits<double>::infinity()), std::nullopt);
  EXPECT_EQ(to_milli(-0.001), std::nullopt);
  EXPECT_EQ(to_milli(-0.0), std::optional<std::int64_t>(0));
}

TEST(ToMilli, AgreesWithTheExactConversionEverywhere) {
  std::mt19937_64 random(20261122);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uniform_int_distribution<int> exponent(-12, 18);
  for (int i = 0; i < 2'000'000; ++i) {
    const double value = unit(random) * std::pow(10.0, exponent(random));
    ASSERT_EQ(to_milli(value), to_milli_units(value)) << std::hexfloat << value;
  }
}

TEST(ToMilli, AgreesOnTiesAndNearTies) {
  // k + 0.5 milli-units and the doubles next to them, where the fast path must defer.
  for (std::int64_t k = 0; k < 200'000; k += 7) {
    const double tie = (static_cast<double>(k) + 0.5) / 1000.0;
    for (const double v : {tie, std::nextafter(tie, 0.0), std::nextafter(tie, 1e30)}) {
      ASSERT_EQ(to_milli(v), to_milli_units(v)) << std::hexfloat << v;
    }
  }
}

TEST(ToMilli, AgreesAroundTheFastPathsUpperBound) {
  const double cut = std::ldexp(1.0, 42) / 1000.0;  // scaled == 2^42
  double v = cut * (1.0 - 5e-5);                    // 100,000 steps of 1e-9 cross the cut
  for (int i = 0; i < 100'000; ++i, v = std::nextafter(v, 1e30) * (1.0 + 1e-9)) {
    ASSERT_EQ(to_milli(v), to_milli_units(v)) << std::hexfloat << v;
  }
}

}  // namespace
}  // namespace hpad::policies::detail
