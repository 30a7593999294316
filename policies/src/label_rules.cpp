// Internal: see label_rules.h. Upstream: k8s.io/apimachinery/pkg/util/validation (content), and
// Go's strconv.Quote for the quoting in messages.
#include "label_rules.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hpad::policies::detail {

// ---- Go's quoting, for the values shown in messages ----------------------------------------

namespace {

void append_hex(std::string& out, const char* prefix, std::uint32_t value, int digits) {
  constexpr char kHex[] = "0123456789abcdef";
  out += prefix;
  for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) {
    out += kHex[(value >> static_cast<unsigned>(shift)) & 0xfU];
  }
}

// One UTF-8 sequence at text[i] as Go's utf8.DecodeRuneInString reads it: nullopt (width 1) when
// invalid, overlong, a surrogate or past U+10FFFF.
std::optional<std::pair<std::uint32_t, std::size_t>> decode_utf8(std::string_view text, std::size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  // Width, payload bits of the lead byte, and the smallest code point that needs this width.
  struct Form {
    std::size_t width;
    unsigned mask;
    std::uint32_t min;
  };
  Form form{};
  if (lead >= 0xc2 && lead <= 0xdf) {
    form = {2, 0x1fU, 0x80};
  } else if (lead >= 0xe0 && lead <= 0xef) {
    form = {3, 0x0fU, 0x800};
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    form = {4, 0x07U, 0x10000};
  } else {
    return std::nullopt;
  }
  const std::size_t width = form.width;
  std::uint32_t rune = lead & form.mask;
  const std::uint32_t min = form.min;
  if (i + width > text.size()) {
    return std::nullopt;
  }
  for (std::size_t k = 1; k < width; ++k) {
    const auto c = static_cast<unsigned char>(text[i + k]);
    if ((c & 0xc0U) != 0x80U) {
      return std::nullopt;
    }
    rune = (rune << 6U) | (c & 0x3fU);
  }
  if (rune < min || rune > 0x10ffff || (rune >= 0xd800 && rune <= 0xdfff)) {
    return std::nullopt;
  }
  return std::pair{rune, width};
}

// An approximation of Go's unicode.IsPrint for non-ASCII code points (see the header).
bool is_printable_non_ascii(std::uint32_t r) {
  return !(r <= 0xa0 || r == 0xad || (r >= 0x2000 && r <= 0x200f) || (r >= 0x2028 && r <= 0x202f) ||
           (r >= 0x205f && r <= 0x206f) || r == 0x3000 || r == 0xfeff || (r >= 0xfff9 && r <= 0xfffb));
}

}  // namespace

// fmt's %q of a string.
std::string go_quote(std::string_view text) {
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\a':
          out += "\\a";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\v':
          out += "\\v";
          break;
        default:
          if (c < 0x20 || c == 0x7f) {
            append_hex(out, "\\x", c, 2);
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    const auto decoded = decode_utf8(text, i);
    if (!decoded) {
      append_hex(out, "\\x", c, 2);
      ++i;
      continue;
    }
    const auto [rune, width] = *decoded;
    if (is_printable_non_ascii(rune)) {
      out.append(text.substr(i, width));
    } else if (rune < 0x10000) {
      append_hex(out, "\\u", rune, 4);
    } else {
      append_hex(out, "\\U", rune, 8);
    }
    i += width;
  }
  out += '"';
  return out;
}

// encoding/json's rendering of a []string (upstream prints value lists that way in messages).
std::string json_strings(const std::vector<std::string>& values) {
  std::string out = "[";
  for (std::size_t v = 0; v < values.size(); ++v) {
    out += v == 0 ? "\"" : ",\"";
    const std::string_view text = values[v];
    for (std::size_t i = 0; i < text.size();) {
      const auto c = static_cast<unsigned char>(text[i]);
      if (c >= 0x80) {
        const auto decoded = decode_utf8(text, i);
        if (!decoded) {
          out += "\\ufffd";
          ++i;
        } else if (decoded->first == 0x2028 || decoded->first == 0x2029) {
          append_hex(out, "\\u", decoded->first, 4);
          i += decoded->second;
        } else {
          out.append(text.substr(i, decoded->second));
          i += decoded->second;
        }
        continue;
      }
      if (c == '"' || c == '\\') {
        out += '\\';
        out += static_cast<char>(c);
      } else if (c == '\n') {
        out += "\\n";
      } else if (c == '\r') {
        out += "\\r";
      } else if (c == '\t') {
        out += "\\t";
      } else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
        append_hex(out, "\\u", c, 4);
      } else {
        out += static_cast<char>(c);
      }
      ++i;
    }
    out += '"';
  }
  out += ']';
  return out;
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) {
      out += separator;
    }
    out += parts[i];
  }
  return out;
}

// ---- Key and value rules: content.IsLabelKey, IsLabelValue, IsDNS1123Subdomain ---------------

namespace {

constexpr std::size_t kNameMaxLength = 63;
constexpr std::size_t kSubdomainMaxLength = 253;
constexpr const char* kNameMessage =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
constexpr const char* kNameRegex = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
constexpr const char* kValueMessage =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and "
    "end with an alphanumeric character";
constexpr const char* kValueRegex = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
constexpr const char* kSubdomainMessage =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and "
    "end with an alphanumeric character";
constexpr const char* kSubdomainRegex = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";

// Upstream's RegexError, double space before "or" included.
std::string regex_error(std::string message, const char* regex, std::initializer_list<const char*> examples) {
  message += " (e.g. ";
  bool first = true;
  for (const char* example : examples) {
    if (!first) {
      message += " or ";
    }
    first = false;
    message += "'";
    message += example;
    message += "', ";
  }
  message += "regex used for validation is '";
  message += regex;
  message += "')";
  return message;
}

std::string max_length_error(std::size_t length) {
  return "must be no more than " + std::to_string(length) + " bytes";
}

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// ^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$ (Go's $ is the end of the text only).
bool is_label_name(std::string_view text) {
  if (text.empty() || !is_alnum(text.front()) || !is_alnum(text.back())) {
    return false;
  }
  return std::all_of(text.begin(), text.end(), [](char c) { return is_alnum(c) || c == '-' || c == '_' || c == '.'; });
}

// ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$: dot-separated labels, each
// non-empty, starting and ending with [a-z0-9], with only [-a-z0-9] inside.
bool is_dns1123_subdomain(std::string_view text) {
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = text.find('.', start);
    const std::string_view label =
        text.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || !is_lower_alnum(label.front()) || !is_lower_alnum(label.back()) ||
        !std::all_of(label.begin(), label.end(), [](char c) { return is_lower_alnum(c) || c == '-'; })) {
      return false;
    }
    if (dot == std::string_view::npos) {
      return true;
    }
    start = dot + 1;
  }
}

}  // namespace

std::vector<std::string> label_key_errors(std::string_view key) {
  std::vector<std::string> errors;
  const std::size_t slash = key.find('/');
  std::string_view name = key;
  if (slash != std::string_view::npos) {
    if (key.find('/', slash + 1) != std::string_view::npos) {
      return {"a valid label key " + regex_error(kNameMessage, kNameRegex, {"MyName", "my.name", "123-abc"}) +
              " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"};
    }
    const std::string_view prefix = key.substr(0, slash);
    name = key.substr(slash + 1);
    if (prefix.empty()) {
      errors.emplace_back("prefix part must be non-empty");
    } else {
      if (prefix.size() > kSubdomainMaxLength) {
        errors.push_back("prefix part " + max_length_error(kSubdomainMaxLength));
      }
      if (!is_dns1123_subdomain(prefix)) {
        errors.push_back("prefix part " + regex_error(kSubdomainMessage, kSubdomainRegex, {"example.com"}));
      }
    }
  }
  if (name.empty()) {
    errors.emplace_back("name part must be non-empty");
  } else if (name.size() > kNameMaxLength) {
    errors.push_back("name part " + max_length_error(kNameMaxLength));
  }
  if (!is_label_name(name)) {
    errors.push_back("name part " + regex_error(kNameMessage, kNameRegex, {"MyName", "my.name", "123-abc"}));
  }
  return errors;
}

std::vector<std::string> label_value_errors(std::string_view value) {
  std::vector<std::string> errors;
  if (value.size() > kNameMaxLength) {
    errors.push_back(max_length_error(kNameMaxLength));
  }
  if (!value.empty() && !is_label_name(value)) {
    errors.push_back(regex_error(kValueMessage, kValueRegex, {"MyValue", "my_value", "12345"}));
  }
  return errors;
}

// Go's strconv.ParseInt(text, 10, 64): an optional sign, then one or more decimal digits, in range.
std::optional<std::int64_t> parse_int64(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text.empty()) {
    return std::nullopt;
  }
  // Accumulate the magnitude in uint64 against |INT64_MIN| = 2^63, the larger bound.
  constexpr std::uint64_t kLimit = std::uint64_t{1} << 63U;
  std::uint64_t magnitude = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (magnitude > (kLimit - digit) / 10) {
      return std::nullopt;
    }
    magnitude = magnitude * 10 + digit;
  }
  if (!negative && magnitude == kLimit) {
    return std::nullopt;
  }
  // Two's complement: 0 - 2^63 wraps to INT64_MIN, which is the value wanted.
  return negative ? static_cast<std::int64_t>(std::uint64_t{0} - magnitude) : static_cast<std::int64_t>(magnitude);
}

// field.ErrorList.ToAggregate().Error(): duplicates dropped, one message bare, several in "[a, b]".
std::string aggregate(const std::vector<std::string>& messages) {
  std::vector<std::string> unique;
  std::set<std::string> seen;
  for (const std::string& message : messages) {
    if (seen.insert(message).second) {
      unique.push_back(message);
    }
  }
  return unique.size() == 1 ? unique.front() : "[" + join(unique, ", ") + "]";
}

}  // namespace hpad::policies::detail
