// Label selectors: upstream's key/value rules and their messages, its byte lexer (read/unread
// over the text, a NUL byte read like the end of the text) and its recursive-descent parser over
// the scanned tokens, then matching. See label_selector.h for the contract and the invariants.
#include "hpad/policies/label_selector.h"

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <set>
#include <utility>

namespace hpad::policies {
namespace {

using Op = LabelRequirement::Op;

// ---- Go's quoting, for the values shown in messages ----------------------------------------

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

// ---- Lexer: upstream's Lexer --------------------------------------------------------------

enum class Token : std::uint8_t {
  kEnd,
  kCloseParen,
  kComma,
  kNot,
  kDoubleEquals,
  kEquals,
  kGreater,
  kIdentifier,
  kIn,
  kLess,
  kNotEquals,
  kNotIn,
  kOpenParen,
};

struct Item {
  Token token;
  std::string_view literal;  // a slice of the text; "" for kEnd
};

bool is_whitespace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool is_special(char c) {
  return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
}

Token single_special_token(char c) {
  switch (c) {
    case '=':
      return Token::kEquals;
    case '!':
      return Token::kNot;
    case '(':
      return Token::kOpenParen;
    case ')':
      return Token::kCloseParen;
    case ',':
      return Token::kComma;
    case '>':
      return Token::kGreater;
    default:
      return Token::kLess;  // '<', the last special byte
  }
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  Item next() {
    char c = read();
    while (is_whitespace(c)) {
      c = read();
    }
    if (c == '\0') {
      return {Token::kEnd, {}};
    }
    unread();
    return is_special(c) ? special() : identifier_or_keyword();
  }

 private:
  // '\0' at the end of the text and for a NUL byte, which (unlike the end) is consumed.
  char read() { return pos_ < text_.size() ? text_[pos_++] : '\0'; }
  // Only ever called after a read() that returned a byte other than '\0', so pos_ > 0.
  void unread() { --pos_; }

  Item identifier_or_keyword() {
    const std::size_t start = pos_;
    std::size_t length = 0;
    for (char c = read(); c != '\0'; c = read()) {
      if (is_special(c) || is_whitespace(c)) {
        unread();
        break;
      }
      ++length;
    }
    const std::string_view literal = text_.substr(start, length);
    if (literal == "in") {
      return {Token::kIn, literal};
    }
    if (literal == "notin") {
      return {Token::kNotIn, literal};
    }
    return {Token::kIdentifier, literal};
  }

  // Upstream grows a buffer of special bytes while it still spells a token. Every special byte is
  // a token by itself and "==" and "!=" are the only longer ones, so that is the longest match
  // of at most two bytes; a '\0' read while growing is consumed, like the NUL after an identifier.
  Item special() {
    const std::size_t start = pos_;
    const char first = read();
    const char second = read();
    if (second == '\0') {
      return {single_special_token(first), text_.substr(start, 1)};
    }
    if (second != '=' || (first != '=' && first != '!')) {
      unread();
      return {single_special_token(first), text_.substr(start, 1)};
    }
    if (read() != '\0') {
      unread();
    }
    return {first == '=' ? Token::kDoubleEquals : Token::kNotEquals, text_.substr(start, 2)};
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

// ---- Parser: upstream's Parser ------------------------------------------------------------

// Where a token is read: "in" and "notin" are operators only right after a key.
enum class Context : std::uint8_t { kKeyAndOperator, kValues };

std::string found(std::string_view literal, std::string_view expected) {
  return "found '" + std::string(literal) + "', expected: " + std::string(expected);
}

CalculationError fail(std::string message) {
  return CalculationError{std::move(message)};
}

class Parser {
 public:
  explicit Parser(std::string_view text) {
    Lexer lexer(text);
    do {
      items_.push_back(lexer.next());
    } while (items_.back().token != Token::kEnd);
  }

  Result<LabelSelector> parse() {
    LabelSelector selector;
    while (true) {
      const Item item = lookahead(Context::kValues);
      if (item.token == Token::kEnd) {
        break;
      }
      if (item.token != Token::kIdentifier && item.token != Token::kNot) {
        return fail(found(item.literal, "!, identifier, or 'end of string'"));
      }
      auto requirement = parse_requirement();
      if (auto* error = std::get_if<CalculationError>(&requirement)) {
        return fail("unable to parse requirement: " + error->message);
      }
      selector.requirements.push_back(std::move(std::get<LabelRequirement>(requirement)));
      const Item after = consume(Context::kValues);
      if (after.token == Token::kEnd) {
        break;
      }
      if (after.token != Token::kComma) {
        return fail(found(after.literal, "',' or 'end of string'"));
      }
      const Item next = lookahead(Context::kValues);
      if (next.token != Token::kIdentifier && next.token != Token::kNot) {
        return fail(found(next.literal, "identifier after ','"));
      }
    }
    std::stable_sort(selector.requirements.begin(), selector.requirements.end(),
                     [](const LabelRequirement& a, const LabelRequirement& b) { return a.key < b.key; });
    return selector;
  }

 private:
  Item at(std::size_t position, Context context) const {
    // The parser never reads past kEnd; clamping keeps that a belief rather than a crash.
    Item item = items_[std::min(position, items_.size() - 1)];
    if (context == Context::kValues && (item.token == Token::kIn || item.token == Token::kNotIn)) {
      item.token = Token::kIdentifier;
    }
    return item;
  }
  Item lookahead(Context context) const { return at(position_, context); }
  Item consume(Context context) { return at(position_++, context); }

  Result<LabelRequirement> parse_requirement() {
    Item item = consume(Context::kValues);
    const bool negated = item.token == Token::kNot;
    if (negated) {
      item = consume(Context::kValues);
    }
    if (item.token != Token::kIdentifier) {
      return fail(found(item.literal, "identifier"));
    }
    const std::string_view key = item.literal;
    if (const auto errors = label_key_errors(key); !errors.empty()) {
      return fail("<nil>: Invalid value: " + go_quote(key) + ": " + join(errors, "; "));
    }
    // A '!' makes the requirement DoesNotExist whatever follows ("!x=a" then fails on the '=').
    if (negated) {
      return make_label_requirement(std::string(key), Op::DoesNotExist, {});
    }
    const Token next = lookahead(Context::kValues).token;
    if (next == Token::kEnd || next == Token::kComma) {
      return make_label_requirement(std::string(key), Op::Exists, {});
    }
    const Item op_item = consume(Context::kKeyAndOperator);
    Op op = Op::Equals;
    switch (op_item.token) {
      case Token::kIn:
        op = Op::In;
        break;
      case Token::kNotIn:
        op = Op::NotIn;
        break;
      case Token::kEquals:
        op = Op::Equals;
        break;
      case Token::kDoubleEquals:
        op = Op::DoubleEquals;
        break;
      case Token::kNotEquals:
        op = Op::NotEquals;
        break;
      case Token::kGreater:
        op = Op::GreaterThan;
        break;
      case Token::kLess:
        op = Op::LessThan;
        break;
      default:
        return fail(found(op_item.literal, "in, notin, =, ==, !=, gt, lt"));
    }
    auto values = (op == Op::In || op == Op::NotIn) ? parse_value_set() : parse_exact_value();
    if (auto* error = std::get_if<CalculationError>(&values)) {
      return std::move(*error);
    }
    // Upstream collects values in a sets.String and passes its sorted List().
    auto& list = std::get<std::vector<std::string>>(values);
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
    return make_label_requirement(std::string(key), op, std::move(list));
  }

  // "(" values ")"; "()" is the one value "".
  Result<std::vector<std::string>> parse_value_set() {
    const Item open = consume(Context::kValues);
    if (open.token != Token::kOpenParen) {
      return fail("found '" + std::string(open.literal) + "' expected: '('");  // upstream has no comma here
    }
    const Item first = lookahead(Context::kValues);
    if (first.token == Token::kCloseParen) {
      consume(Context::kValues);
      return std::vector<std::string>{""};
    }
    if (first.token != Token::kIdentifier && first.token != Token::kComma) {
      return fail(found(first.literal, "',', ')' or identifier"));
    }
    return parse_identifier_list();
  }

  // Comma-separated, possibly empty identifiers up to and including the ')': an empty one before
  // a leading comma, between two commas or after a trailing comma is the value "".
  Result<std::vector<std::string>> parse_identifier_list() {
    std::vector<std::string> values;
    while (true) {
      const Item item = consume(Context::kValues);
      if (item.token == Token::kIdentifier) {
        values.emplace_back(item.literal);
        const Item next = lookahead(Context::kValues);
        if (next.token == Token::kCloseParen) {
          consume(Context::kValues);
          return values;
        }
        if (next.token != Token::kComma) {
          return fail(found(next.literal, "',' or ')'"));
        }
        continue;
      }
      if (item.token != Token::kComma) {
        return fail(found(item.literal, "',', or identifier"));
      }
      if (values.empty()) {
        values.emplace_back();
      }
      const Token next = lookahead(Context::kValues).token;
      if (next == Token::kCloseParen) {
        consume(Context::kValues);
        values.emplace_back();
        return values;
      }
      if (next == Token::kComma) {
        consume(Context::kValues);
        values.emplace_back();
      }
    }
  }

  // One value; nothing before ',' or the end is the value "".
  Result<std::vector<std::string>> parse_exact_value() {
    const Token next = lookahead(Context::kValues).token;
    if (next == Token::kEnd || next == Token::kComma) {
      return std::vector<std::string>{""};
    }
    const Item item = consume(Context::kValues);
    if (item.token != Token::kIdentifier) {
      return fail(found(item.literal, "identifier"));
    }
    return std::vector<std::string>{std::string(item.literal)};
  }

  std::vector<Item> items_;  // never empty: the last one is kEnd
  std::size_t position_ = 0;
};

const char* op_text(Op op) {
  switch (op) {
    case Op::Equals:
      return "=";
    case Op::DoubleEquals:
      return "==";
    case Op::NotEquals:
      return "!=";
    case Op::In:
      return " in ";
    case Op::NotIn:
      return " notin ";
    case Op::GreaterThan:
      return ">";
    case Op::LessThan:
      return "<";
    case Op::Exists:
    case Op::DoesNotExist:
      break;
  }
  return "";
}

}  // namespace

Result<LabelRequirement> make_label_requirement(std::string key, Op op, std::vector<std::string> values) {
  std::vector<std::string> errors;
  if (const auto key_errors = label_key_errors(key); !key_errors.empty()) {
    errors.push_back("key: Invalid value: " + go_quote(key) + ": " + join(key_errors, "; "));
  }
  const auto invalid_values = [&](const char* detail) {
    errors.push_back("values: Invalid value: " + json_strings(values) + ": " + detail);
  };
  switch (op) {
    case Op::In:
    case Op::NotIn:
      if (values.empty()) {
        invalid_values("for 'in', 'notin' operators, values set can't be empty");
      }
      break;
    case Op::Equals:
    case Op::DoubleEquals:
    case Op::NotEquals:
      if (values.size() != 1) {
        invalid_values("exact-match compatibility requires one single value");
      }
      break;
    case Op::Exists:
    case Op::DoesNotExist:
      if (!values.empty()) {
        invalid_values("values set must be empty for exists and does not exist");
      }
      break;
    case Op::GreaterThan:
    case Op::LessThan:
      if (values.size() != 1) {
        invalid_values("for 'Gt', 'Lt' operators, exactly one value is required");
      }
      for (std::size_t i = 0; i < values.size(); ++i) {
        if (!parse_int64(values[i])) {
          errors.push_back("values[" + std::to_string(i) + "]: Invalid value: " + go_quote(values[i]) +
                           ": for 'Gt', 'Lt' operators, the value must be an integer");
        }
      }
      break;
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (const auto value_errors = label_value_errors(values[i]); !value_errors.empty()) {
      errors.push_back("values[" + std::to_string(i) + "][" + key + "]: Invalid value: " + go_quote(values[i]) + ": " +
                       join(value_errors, "; "));
    }
  }
  if (!errors.empty()) {
    return CalculationError{aggregate(errors)};
  }
  return LabelRequirement{std::move(key), op, std::move(values)};
}

Result<LabelSelector> parse_label_selector(std::string_view text) {
  return Parser(text).parse();
}

bool LabelRequirement::matches(const std::map<std::string, std::string>& labels) const {
  const auto found_label = labels.find(key);
  const bool has = found_label != labels.end();
  const auto listed = [&] {
    return has && std::find(values.begin(), values.end(), found_label->second) != values.end();
  };
  switch (op) {
    case Op::In:
    case Op::Equals:
    case Op::DoubleEquals:
      return listed();
    case Op::NotIn:
    case Op::NotEquals:
      return !listed();
    case Op::Exists:
      return has;
    case Op::DoesNotExist:
      return !has;
    case Op::GreaterThan:
    case Op::LessThan: {
      if (!has || values.size() != 1) {
        return false;
      }
      const auto label_value = parse_int64(found_label->second);
      const auto bound = parse_int64(values.front());
      if (!label_value || !bound) {
        return false;
      }
      return op == Op::GreaterThan ? *label_value > *bound : *label_value < *bound;
    }
  }
  return false;
}

bool LabelSelector::matches(const std::map<std::string, std::string>& labels) const {
  return std::all_of(requirements.begin(), requirements.end(),
                     [&](const LabelRequirement& requirement) { return requirement.matches(labels); });
}

std::string LabelSelector::to_string() const {
  std::string out;
  for (std::size_t r = 0; r < requirements.size(); ++r) {
    const LabelRequirement& requirement = requirements[r];
    if (r > 0) {
      out += ',';
    }
    if (requirement.op == Op::DoesNotExist) {
      out += '!';
    }
    out += requirement.key;
    if (requirement.op == Op::Exists || requirement.op == Op::DoesNotExist) {
      continue;
    }
    out += op_text(requirement.op);
    const bool set = requirement.op == Op::In || requirement.op == Op::NotIn;
    std::vector<std::string> values = requirement.values;
    std::sort(values.begin(), values.end());
    // Appended piece by piece: g++ 12 -O3 warns (-Wrestrict, falsely) on "(" + std::string&&.
    if (set) {
      out += '(';
    }
    out += join(values, ",");
    if (set) {
      out += ')';
    }
  }
  return out;
}

}  // namespace hpad::policies
