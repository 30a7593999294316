// The scalar pieces of an exposition line (see exposition_line.h): UTF-8 validation, Go's
// number syntaxes (ParseFloat for values and bucket bounds, ParseInt for timestamps) and quoting
// for messages. Pure and thread-safe; each is O(n) in its text.
#include "exposition_line.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace hpad::metrics::detail {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool iequals(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char c = (a[i] >= 'A' && a[i] <= 'Z') ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (c != lower[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::size_t utf8_length(char lead) {
  const auto b = static_cast<unsigned char>(lead);
  return b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
}

// Offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629: no
// overlong forms, no surrogates, nothing past U+10FFFF), or npos.
std::size_t invalid_utf8_at(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80;  // the range of the second byte, narrowed where the lead needs it
    unsigned char hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
      len = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      len = 3;
      lo = b == 0xE0 ? 0xA0 : 0x80;
      hi = b == 0xED ? 0x9F : 0xBF;
    } else if (b >= 0xF0 && b <= 0xF4) {
      len = 4;
      lo = b == 0xF0 ? 0x90 : 0x80;
      hi = b == 0xF4 ? 0x8F : 0xBF;
    } else {
      return i;
    }
    if (s.size() - i < len) {
      return i;
    }
    for (std::size_t k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if (c < (k == 1 ? lo : 0x80) || c > (k == 1 ? hi : 0xBF)) {
        return i;
      }
    }
    i += len;
  }
  return std::string_view::npos;
}

std::optional<std::int64_t> parse_timestamp(std::string_view text) {
  const std::size_t first_digit = (!text.empty() && (text[0] == '+' || text[0] == '-')) ? 1 : 0;
  if (text.size() == first_digit) {
    return std::nullopt;
  }
  for (std::size_t i = first_digit; i < text.size(); ++i) {
    if (!is_digit(text[i])) {
      return std::nullopt;
    }
  }
  if (text[0] == '+') {
    text.remove_prefix(1);  // from_chars takes a '-' but not a '+'
  }
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

int column_at(std::size_t offset) {
  return offset >= static_cast<std::size_t>(INT_MAX) ? INT_MAX : static_cast<int>(offset) + 1;
}

std::string quote(std::string_view text) {
  constexpr std::size_t kMaxBytes = 80;
  const bool cut = text.size() > kMaxBytes;
  if (cut) {
    std::size_t n = kMaxBytes;
    while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) {
      --n;  // never split a UTF-8 character
    }
    text = text.substr(0, n);
  }
  constexpr std::string_view kHex = "0123456789abcdef";
  std::string out = "\"";
  for (const char ch : text) {
    const auto b = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\t') {
      out += "\\t";
    } else if (b < 0x20 || b == 0x7F) {
      out += "\\x";
      out += kHex[b >> 4];
      out += kHex[b & 0xF];
    } else {
      out += ch;
    }
  }
  out += '"';
  if (cut) {
    out += "...";
  }
  return out;
}

std::optional<double> parse_go_float(std::string_view text) {
  std::string_view body = text;
  bool negative = false;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  constexpr double kInf = std::numeric_limits<double>::infinity();
  if (iequals(body, "inf") || iequals(body, "infinity")) {
    return negative ? -kInf : kInf;
  }
  if (body.size() == text.size() && iequals(body, "nan")) {  // Go takes no sign before NaN
    return std::numeric_limits<double>::quiet_NaN();
  }
  // digits [ '.' digits ] [ ('e'|'E') [sign] digits ], a digit somewhere before the exponent.
  std::size_t i = 0;
  std::int64_t magnitude = 0;  // the power of ten of the first non-zero digit, plus one
  bool nonzero = false;
  std::size_t digits = 0;
  for (; i < body.size() && is_digit(body[i]); ++i, ++digits) {
    nonzero = nonzero || body[i] != '0';
    magnitude += nonzero ? 1 : 0;
  }
  if (i < body.size() && body[i] == '.') {
    for (++i; i < body.size() && is_digit(body[i]); ++i, ++digits) {
      magnitude -= (!nonzero && body[i] == '0') ? 1 : 0;
      nonzero = nonzero || body[i] != '0';
    }
  }
  if (digits == 0) {
    return std::nullopt;
  }
  if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
    ++i;
    const bool negative_exponent = i < body.size() && body[i] == '-';
    if (i < body.size() && (body[i] == '+' || body[i] == '-')) {
      ++i;
    }
    std::int64_t exponent = 0;
    const std::size_t exponent_start = i;
    for (; i < body.size() && is_digit(body[i]); ++i) {
      exponent = std::min<std::int64_t>(exponent * 10 + (body[i] - '0'), 1'000'000'000);  // saturate
    }
    if (i == exponent_start) {
      return std::nullopt;
    }
    magnitude += negative_exponent ? -exponent : exponent;
  }
  if (i != body.size()) {
    return std::nullopt;
  }
  double value = 0;
  const auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), value);
  if (ec == std::errc::result_out_of_range) {
    // from_chars says so both above the double range and below it; Go rejects only the former
    // (ErrRange) and rounds the latter to zero.
    if (nonzero && magnitude > 0) {
      return std::nullopt;
    }
    value = 0;
  } else if (ec != std::errc{} || end != body.data() + body.size()) {
    return std::nullopt;
  }
  return negative ? -value : value;
}

}  // namespace hpad::metrics::detail
