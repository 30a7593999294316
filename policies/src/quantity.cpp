// Quantity: the scanner (upstream parseQuantityString), the suffix table (suffix.go), the two
// ways upstream builds the number (int64 fast path, inf.Dec path) and the accessors, on a
// magnitude held as decimal digits. See quantity.h for the contract and the invariants.
#include "hpad/policies/quantity.h"

#include <charconv>
#include <cmath>
#include <iterator>
#include <limits>
#include <optional>
#include <system_error>

namespace hpad::policies {
namespace {

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kInt64Min = std::numeric_limits<std::int64_t>::min();
constexpr std::uint64_t kTwoTo63 = std::uint64_t{1} << 63;  // |INT64_MIN|
constexpr std::int64_t kNano = -9;                          // upstream rounds every value to nano-units
constexpr std::int64_t kMaxInt64Factors = 18;               // upstream math.go: digits always safe in an int64

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// ---- Error text -----------------------------------------------------------------------------

void append_byte(std::string& out, unsigned char c) {
  constexpr char kHex[] = "0123456789abcdef";
  if (c == '"' || c == '\\' || c == '\'') {
    out += '\\';
    out += static_cast<char>(c);
  } else if (c >= 0x20 && c < 0x7f) {
    out += static_cast<char>(c);
  } else {
    out += "\\x";
    out += kHex[c >> 4];
    out += kHex[c & 0xf];
  }
}

std::string quoted(std::string_view text) {
  constexpr std::size_t kMaxShown = 64;
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < kMaxShown; ++i) {
    append_byte(out, static_cast<unsigned char>(text[i]));
  }
  out += text.size() > kMaxShown ? "\"..." : "\"";
  return out;
}

QuantityError error(QuantityError::Kind kind, std::string_view text, std::size_t offset, const std::string& what) {
  return QuantityError{kind, offset, "quantity " + quoted(text) + ": " + what + " at offset " + std::to_string(offset)};
}

// ---- Scanner: upstream parseQuantityString ----------------------------------------------------

struct Scanned {
  bool negative = false;
  std::string_view integer;   // numerator digits after the leading zeros (may be empty)
  std::string_view fraction;  // digits after the '.' (may be empty)
  bool has_digit = false;     // inf.Dec.SetString, on upstream's slow path, needs one
  std::string_view suffix;
  std::size_t suffix_offset = 0;
};

// Returns the scanned parts, or the offset of the first byte that fits no <number><suffix>.
std::variant<Scanned, std::size_t> scan(std::string_view s) {
  Scanned out;
  std::size_t pos = 0;
  if (s[0] == '-' || s[0] == '+') {
    out.negative = s[0] == '-';
    ++pos;
  }
  const std::size_t zeros_start = pos;
  while (pos < s.size() && s[pos] == '0') {
    ++pos;
  }
  const std::size_t integer_start = pos;
  while (pos < s.size() && is_digit(s[pos])) {
    ++pos;
  }
  out.integer = s.substr(integer_start, pos - integer_start);
  if (pos < s.size() && s[pos] == '.') {
    const std::size_t fraction_start = ++pos;
    while (pos < s.size() && is_digit(s[pos])) {
      ++pos;
    }
    out.fraction = s.substr(fraction_start, pos - fraction_start);
  }
  out.has_digit = integer_start > zeros_start || !out.integer.empty() || !out.fraction.empty();
  // The suffix: letters of "eEinumkKMGTP", then one optional sign, then digits to the end.
  out.suffix_offset = pos;
  while (pos < s.size() && std::string_view("eEinumkKMGTP").find(s[pos]) != std::string_view::npos) {
    ++pos;
  }
  if (pos < s.size() && (s[pos] == '-' || s[pos] == '+')) {
    ++pos;
  }
  while (pos < s.size() && is_digit(s[pos])) {
    ++pos;
  }
  if (pos < s.size()) {
    return pos;
  }
  out.suffix = s.substr(out.suffix_offset);
  return out;
}

// ---- Suffixes: upstream suffix.go ------------------------------------------------------------

struct Suffix {
  int base;               // 10 or 2
  std::int64_t exponent;  // of the base
  QuantityFormat format;
};

// Go's strconv.ParseInt(text, 10, 64) (a sign, then at least one digit), narrowed to int32 as the
// newest upstream does.
std::optional<std::int64_t> parse_int32(std::string_view text) {
  if (text.size() > 1 && text[0] == '+' && text[1] != '-') {
    text.remove_prefix(1);  // from_chars takes a '-' but no '+'
  }
  std::int32_t value = 0;
  const std::from_chars_result r = std::from_chars(text.data(), text.data() + text.size(), value);
  if (r.ec != std::errc{} || r.ptr != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

std::optional<Suffix> interpret(std::string_view s) {
  struct Entry {
    std::string_view text;
    Suffix suffix;
  };
  static constexpr Entry kTable[] = {
      {"", {10, 0, QuantityFormat::kDecimalSI}},   {"n", {10, -9, QuantityFormat::kDecimalSI}},
      {"u", {10, -6, QuantityFormat::kDecimalSI}}, {"m", {10, -3, QuantityFormat::kDecimalSI}},
      {"k", {10, 3, QuantityFormat::kDecimalSI}},  {"M", {10, 6, QuantityFormat::kDecimalSI}},
      {"G", {10, 9, QuantityFormat::kDecimalSI}},  {"T", {10, 12, QuantityFormat::kDecimalSI}},
      {"P", {10, 15, QuantityFormat::kDecimalSI}}, {"E", {10, 18, QuantityFormat::kDecimalSI}},
      {"Ki", {2, 10, QuantityFormat::kBinarySI}},  {"Mi", {2, 20, QuantityFormat::kBinarySI}},
      {"Gi", {2, 30, QuantityFormat::kBinarySI}},  {"Ti", {2, 40, QuantityFormat::kBinarySI}},
      {"Pi", {2, 50, QuantityFormat::kBinarySI}},  {"Ei", {2, 60, QuantityFormat::kBinarySI}},
  };
  for (const Entry& entry : kTable) {
    if (entry.text == s) {
      return entry.suffix;
    }
  }
  if (s.size() > 1 && (s[0] == 'e' || s[0] == 'E')) {
    if (const std::optional<std::int64_t> exponent = parse_int32(s.substr(1))) {
      return Suffix{10, *exponent, QuantityFormat::kDecimalExponent};
    }
  }
  return std::nullopt;
}

// ---- Decimal digit strings (most significant first, no sign) ---------------------------------

void multiply_small(std::string& digits, unsigned factor) {
  unsigned carry = 0;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    const unsigned product = static_cast<unsigned>(*it - '0') * factor + carry;
    *it = static_cast<char>('0' + product % 10);
    carry = product / 10;
  }
  for (; carry != 0; carry /= 10) {
    digits.insert(digits.begin(), static_cast<char>('0' + carry % 10));
  }
}

void increment(std::string& digits) {
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (*it != '9') {
      ++*it;
      return;
    }
    *it = '0';
  }
  digits.insert(digits.begin(), '1');
}

// The integer part of digits × 10^shift (digits without leading or trailing zeros, not empty),
// whether it overflowed uint64, and whether a non-zero fraction was cut off.
struct IntegerPart {
  std::uint64_t value = 0;
  bool overflow = false;
  bool fraction = false;
};

IntegerPart integer_part(const std::string& digits, std::int64_t shift) {
  IntegerPart out;
  const auto size = static_cast<std::int64_t>(digits.size());
  if (size + shift > 20) {  // at least 10^20 > 2^64
    out.overflow = true;
    return out;
  }
  const std::int64_t kept = shift >= 0 ? size : size + shift;
  out.fraction = kept < size;  // the last digit is not '0', and it was cut off
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  for (std::int64_t i = 0; i < kept + (shift > 0 ? shift : 0); ++i) {
    const unsigned digit = i < kept ? static_cast<unsigned>(digits[static_cast<std::size_t>(i)] - '0') : 0;
    if (out.value > (kMax - digit) / 10) {
      out.overflow = true;
      return out;
    }
    out.value = out.value * 10 + digit;
  }
  return out;
}

// ±magnitude as an int64, saturated.
std::int64_t saturate(bool negative, std::uint64_t magnitude, bool overflow) {
  if (negative) {
    if (overflow || magnitude >= kTwoTo63) {
      return kInt64Min;
    }
    return -static_cast<std::int64_t>(magnitude);
  }
  if (overflow || magnitude > static_cast<std::uint64_t>(kInt64Max)) {
    return kInt64Max;
  }
  return static_cast<std::int64_t>(magnitude);
}

// Go's math.Pow10: exact to 10^22, a product (or quotient) of two table entries beyond.
double go_pow10(std::int64_t n) {
  static constexpr double kSmall[32] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10,
                                        1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21,
                                        1e22, 1e23, 1e24, 1e25, 1e26, 1e27, 1e28, 1e29, 1e30, 1e31};
  static constexpr double kPositive32[10] = {1e0, 1e32, 1e64, 1e96, 1e128, 1e160, 1e192, 1e224, 1e256, 1e288};
  static constexpr double kNegative32[11] = {1e-0,   1e-32,  1e-64,  1e-96,  1e-128, 1e-160,
                                             1e-192, 1e-224, 1e-256, 1e-288, 1e-320};
  if (n >= 0 && n <= 308) {
    const auto u = static_cast<std::size_t>(n);
    return kPositive32[u / 32] * kSmall[u % 32];
  }
  if (n < 0 && n >= -323) {
    const auto u = static_cast<std::size_t>(-n);
    return kNegative32[u / 32] / kSmall[u % 32];
  }
  return n > 0 ? std::numeric_limits<double>::infinity() : 0.0;
}

}  // namespace

// ---- Quantity -------------------------------------------------------------------------------

void Quantity::set_unscaled(std::string_view digits, std::int64_t extra_zeros, std::int64_t exponent) {
  const std::size_t first = digits.find_first_not_of('0');
  if (first == std::string_view::npos) {
    negative_ = false;  // zero; the format stays, as upstream's does
    digits_.clear();
    zeros_ = exponent_ = 0;
    return;
  }
  const std::size_t last = digits.find_last_not_of('0');
  zeros_ = static_cast<std::int64_t>(digits.size() - 1 - last) + extra_zeros;
  digits_ = digits.substr(first, last + 1 - first);
  exponent_ = exponent;
}

void Quantity::set_rounded_to_nano(std::string_view digits, std::int64_t e10) {
  const std::int64_t shift = e10 - kNano;  // digits × 10^shift nano-units
  if (shift >= 0 || digits.find_first_not_of('0') == std::string_view::npos) {
    set_unscaled(digits, shift >= 0 ? shift : 0, kNano);
    return;
  }
  // Cut the digits below a nano-unit; a non-zero cut rounds the magnitude up (inf.RoundUp).
  const std::int64_t cut = -shift;
  std::string kept;
  bool rounded = true;
  if (cut < static_cast<std::int64_t>(digits.size())) {
    const std::size_t keep = digits.size() - static_cast<std::size_t>(cut);
    rounded = digits.find_first_not_of('0', keep) != std::string_view::npos;
    kept = std::string(digits.substr(0, keep));
  }
  if (rounded) {
    increment(kept);
  }
  set_unscaled(kept, 0, kNano);
}

std::variant<Quantity, QuantityError> Quantity::parse(std::string_view text) {
  using Kind = QuantityError::Kind;
  if (text.empty()) {
    return error(Kind::kFormat, text, 0, "empty string");
  }
  const std::variant<Scanned, std::size_t> scanned = scan(text);
  if (const std::size_t* bad = std::get_if<std::size_t>(&scanned)) {
    std::string what = "unexpected '";
    append_byte(what, static_cast<unsigned char>(text[*bad]));
    return error(Kind::kFormat, text, *bad, what + "'");
  }
  const Scanned& s = std::get<Scanned>(scanned);
  const std::optional<Suffix> suffix = interpret(s.suffix);
  if (!suffix) {
    return error(Kind::kSuffix, text, s.suffix_offset, "unknown suffix " + quoted(s.suffix));
  }

  Quantity q;
  q.format_ = suffix->format;
  std::string digits = std::string(s.integer) + std::string(s.fraction);
  // Upstream takes an int64 fast path when len(num) + len(denom) is small enough, num being "0"
  // when empty; otherwise an inf.Dec path that parses the number again and rounds to nano.
  const auto integer_length = static_cast<std::int64_t>(s.integer.empty() ? 1 : s.integer.size());
  const auto fraction_length = static_cast<std::int64_t>(s.fraction.size());
  std::int64_t e10 = suffix->exponent - fraction_length;
  bool fast = integer_length + fraction_length <= kMaxInt64Factors && e10 >= kNano;  // {num+denom, e10}
  if (suffix->base == 2) {
    for (std::int64_t i = 0; i < suffix->exponent; i += 10) {
      multiply_small(digits, 1024);
    }
    e10 = -fraction_length;
    // Upstream's precision 15 - len(num) - 3e/10 - 1 >= 0: then num × 2^e always fits an int64.
    fast = fraction_length == 0 && integer_length + suffix->exponent * 3 / 10 <= 14;  // {num << e, 0}
  }
  if (fast) {
    q.set_unscaled(digits, 0, e10);
  } else if (!s.has_digit) {
    return error(Kind::kNumeric, text, 0, "no digits before the suffix");
  } else {
    q.set_rounded_to_nano(digits, e10);
    if (suffix->base == 2 && !q.digits_.empty()) {
      const IntegerPart whole = integer_part(q.digits_, q.zeros_ + q.exponent_);
      if (whole.overflow || whole.value > static_cast<std::uint64_t>(kInt64Max) ||
          (whole.value == static_cast<std::uint64_t>(kInt64Max) && whole.fraction)) {
        q.set_unscaled("9223372036854775807", 0, 0);  // upstream caps BinarySI at maxAllowed
      } else if (whole.value == 0) {
        q.format_ = QuantityFormat::kDecimalSI;  // 0 < |q| < 1 is written in decimal
      }
    }
  }
  q.negative_ = s.negative && !q.digits_.empty();
  return q;
}

std::int64_t Quantity::milli_value() const {
  if (digits_.empty()) {
    return 0;
  }
  IntegerPart milli = integer_part(digits_, zeros_ + exponent_ + 3);
  if (milli.fraction && !milli.overflow) {
    milli.overflow = milli.value == std::numeric_limits<std::uint64_t>::max();
    ++milli.value;  // away from zero
  }
  return saturate(negative_, milli.value, milli.overflow);
}

double Quantity::approximate() const {
  if (digits_.empty()) {
    return 0.0;
  }
  // The unscaled integer, rounded to nearest-even as big.Float.Float64 does.
  double base = std::numeric_limits<double>::infinity();
  if (static_cast<std::int64_t>(digits_.size()) + zeros_ <= 400) {  // 10^400 is past DBL_MAX
    const std::string text = zeros_ == 0 ? digits_ : digits_ + "e" + std::to_string(zeros_);
    double parsed = 0;
    const std::from_chars_result r = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (r.ec == std::errc{}) {
      base = parsed;
    }
  }
  if (negative_) {
    base = -base;
  }
  return exponent_ == 0 ? base : base * go_pow10(exponent_);
}

std::string Quantity::canonical() const {
  if (digits_.empty()) {
    return "0";
  }
  const std::string sign = negative_ ? "-" : "";
  QuantityFormat format = format_;
  if (format == QuantityFormat::kBinarySI) {
    const IntegerPart whole = integer_part(digits_, zeros_ + exponent_);
    // Between -1024 and 1024, or not a whole number: written in decimal, not rounded.
    if (whole.overflow || whole.value < 1024 || whole.fraction) {
      format = QuantityFormat::kDecimalSI;
    } else {
      static constexpr const char* kBinary[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
      std::uint64_t value = whole.value;
      std::size_t power = 0;
      while (value % 1024 == 0 && power + 1 < std::size(kBinary)) {
        value /= 1024;
        ++power;
      }
      return sign + std::to_string(value) + kBinary[power];
    }
  }
  // Mantissa without trailing zeros, exponent lowered to a multiple of 3.
  std::string mantissa = digits_;
  std::int64_t exponent = zeros_ + exponent_;
  const std::int64_t excess = ((exponent % 3) + 3) % 3;
  mantissa.append(static_cast<std::size_t>(excess), '0');
  exponent -= excess;
  if (format == QuantityFormat::kDecimalSI && exponent >= -9 && exponent <= 18) {
    static constexpr const char* kDecimal[] = {"n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
    return sign + mantissa + kDecimal[static_cast<std::size_t>((exponent + 9) / 3)];
  }
  // DecimalExponent, and DecimalSI past "E" (newest upstream; older ones dropped the exponent).
  // Appended step by step: g++ 12 at -O3 misreads `"e" + std::to_string(...)` as an
  // overlapping memcpy (-Wrestrict false positive, GCC bug 105329).
  std::string text = sign + mantissa;
  if (exponent != 0) {
    text += 'e';
    text += std::to_string(exponent);
  }
  return text;
}

// ---- Samples --------------------------------------------------------------------------------

std::int64_t to_milli_units(double value) {
  if (std::isnan(value)) {
    return 0;
  }
  const bool negative = std::signbit(value);
  const double magnitude = std::fabs(value);
  if (std::isinf(magnitude)) {
    return negative ? kInt64Min : kInt64Max;
  }
  if (magnitude == 0) {
    return 0;
  }
  // magnitude = mantissa × 2^shift exactly, with a 53-bit mantissa; × 1000 stays below 2^63.
  int exponent = 0;
  const double fraction = std::frexp(magnitude, &exponent);
  const auto scaled = static_cast<std::uint64_t>(std::ldexp(fraction, 53)) * 1000;
  const int shift = exponent - 53;
  if (shift >= 0) {
    if (shift >= 63 || scaled > (std::numeric_limits<std::uint64_t>::max() >> shift)) {
      return saturate(negative, 0, true);
    }
    return saturate(negative, scaled << shift, false);
  }
  const int down = -shift;
  if (down >= 64) {
    return 0;  // scaled < 2^63 <= half of 2^down: below half a milli-unit
  }
  std::uint64_t milli = scaled >> down;
  const std::uint64_t rest = scaled & ((std::uint64_t{1} << down) - 1);
  if (rest >= (std::uint64_t{1} << (down - 1))) {
    ++milli;  // nearest, a tie away from zero
  }
  return saturate(negative, milli, false);
}

}  // namespace hpad::policies
