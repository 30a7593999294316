// Kubernetes resource quantities ("500m", "1.5", "2Gi", "1e3"), parsed exactly as the API
// server's resource.ParseQuantity parses them, with the two accessors the HPA reads:
// MilliValue (milli_value) and AsApproximateFloat64 (approximate). Pure: no I/O, no
// globals; a Quantity is an immutable value, so everything here is thread-safe.
//
// Upstream: k8s.io/apimachinery/pkg/api/resource — quantity.go (parseQuantityString,
// ParseQuantity, AsApproximateFloat64, CanonicalizeBytes), suffix.go (interpret),
// amount.go/math.go (AsScaledInt64, negativeScaleInt64, maxInt64Factors = 18) and
// gopkg.in/inf.v0 (Dec.SetString, Round). We hold the same number the same way, without a
// bignum: the magnitude as a string of decimal digits and two int64 exponents.
//
// Invariants (every Quantity):
//   - digits_ is empty (the quantity is zero, negative_ is false) or has neither a leading
//     nor a trailing '0';
//   - the value is ±digits_ × 10^(zeros_ + exponent_), already rounded as upstream rounds at
//     parse time: away from zero to a whole number of nano-units, and a binary-suffixed value
//     capped at ±(2^63 − 1);
//   - digits_ × 10^zeros_ and exponent_ are upstream's own (unscaled, exponent) pair for the
//     same text (int64Amount, or inf.Dec with its scale negated), so approximate() rounds
//     exactly as upstream does; zeros_ >= 0 is kept as a count, never written out.
// Work bounds: parse is O(n) in the text's length (a binary suffix with a fraction or more
// than 13 digits: six O(n) passes); every accessor is O(n) and allocates O(n), whatever the
// exponent ("1e2147483647" allocates nothing more than "1").
//
// Where we differ from upstream, on purpose:
//   - an exponent outside int32 ("1e4294967297") is rejected, as the newest upstream does
//     (#141203); older releases reduced it mod 2^32 and parsed that text as 1e1;
//   - upstream does its scale arithmetic in wrapping int32: "1e-2147483648" (negating
//     MinInt32) and exponents within len(fraction) of the int32 bounds come out as garbage
//     there. We keep the mathematical value (here: 1n);
//   - milli_value() saturates instead of overflowing, as the newest upstream does (the
//     int64 overflow burndown, #141166; older releases returned a wrapped, undefined value).
// Upstream's String() also returns the input text verbatim when it was already canonical but
// for a '+', leading zeros or the exponent's case ("+1Ki", "01k", "5E3"); canonical() always
// computes the form, as String() does for a quantity that did not come from such text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace hpad::policies {

// The suffix family a quantity was written with; canonical() writes it back in the same one.
enum class QuantityFormat : std::uint8_t {
  kDecimalSI,        // n u m "" k M G T P E
  kBinarySI,         // Ki Mi Gi Ti Pi Ei
  kDecimalExponent,  // e<int32> or E<int32>
};

struct QuantityError {
  enum class Kind : std::uint8_t {
    kFormat,   // upstream ErrFormatWrong: empty, or not <signedNumber><suffix>
    kNumeric,  // upstream ErrNumeric: the number has no digit and upstream needs one ("Pi", "e-10")
    kSuffix,   // upstream ErrSuffix: unknown suffix, or an exponent outside int32
  };
  Kind kind;
  std::size_t offset;   // byte offset in the text where the problem starts
  std::string message;  // e.g. `quantity "1.5.3": unexpected '.' at offset 3`
};

class Quantity {
 public:
  Quantity() = default;  // zero

  // <quantity> ::= [+-] <number> [<suffix>]; <number> ::= <digits> | <digits>. | .<digits> |
  // <digits>.<digits>; <suffix> ::= n u m k M G T P E | Ki Mi Gi Ti Pi Ei | e<int32> | E<int32>.
  // No whitespace, no other byte (a NUL included). Upstream's leniencies are kept: "1." and
  // ".5" parse, and so does a number with no digit at all ("-", ".", "Ki" and "m" are zero)
  // unless upstream has to round it on its inf.Dec path ("Pi", "Ei", "e-10": kNumeric).
  static std::variant<Quantity, QuantityError> parse(std::string_view text);

  // The value in milli-units, rounded away from zero when it is not a whole number of them
  // (ceil(q × 1000) for q >= 0, as MilliValue documents; a negative value rounds down, as
  // upstream's negativeScaleInt64 does), saturated at INT64_MAX / INT64_MIN.
  // "1.0001" -> 1001, "0.1m" -> 1, "9223372036854775807m" -> INT64_MAX, "1E" -> INT64_MAX.
  std::int64_t milli_value() const;

  // AsApproximateFloat64, bit for bit: the unscaled integer rounded to nearest-even, times
  // Go's math.Pow10(exponent) ("0.3" -> 3 × 0.1 = 0.30000000000000004). ±Inf past the
  // double range; zero is 0 at any exponent (older upstream computed 0 × Inf = NaN, #139893).
  double approximate() const;

  // Upstream's canonical form (CanonicalizeBytes): "1.5" -> "1500m", "1.5Gi" -> "1536Mi",
  // "1000E" -> "1e21", "0.9n" -> "1n".
  std::string canonical() const;

  int sign() const { return digits_.empty() ? 0 : (negative_ ? -1 : 1); }
  QuantityFormat format() const { return format_; }

 private:
  // Sets the magnitude to digits × 10^(extra_zeros) with this exponent (see the invariants).
  void set_unscaled(std::string_view digits, std::int64_t extra_zeros, std::int64_t exponent);
  // Sets the magnitude to digits × 10^e10 rounded away from zero to nano-units: inf.Dec.Round.
  void set_rounded_to_nano(std::string_view digits, std::int64_t e10);

  bool negative_ = false;
  std::string digits_;
  std::int64_t zeros_ = 0;
  std::int64_t exponent_ = 0;
  QuantityFormat format_ = QuantityFormat::kDecimalSI;
};

// A sample value (a double from Prometheus) in integer milli-units, as DECIDE-API wants before
// any HPA arithmetic: the exact value of the double × 1000 rounded to nearest, a tie (62.5)
// away from zero, saturated at INT64_MAX / INT64_MIN. Total: NaN -> 0, +Inf -> INT64_MAX,
// -Inf -> INT64_MIN, -0.0 -> 0, negative values mirror positive ones (callers reject NaN,
// ±Inf and negatives before they get here). 0.35 -> 350, 0.0005 -> 1 (the double is just
// above 0.0005), 0.0625 -> 63.
// A quantity that arrives as a JSON number in a policy is not a sample: pass its decimal text
// to Quantity::parse, which is exact and rounds up as the API server does (upstream's
// UnmarshalJSON parses the number's text): "0.0001" parses to 1 milli-unit, while
// to_milli_units(0.0001) is 0.
std::int64_t to_milli_units(double value);

}  // namespace hpad::policies
