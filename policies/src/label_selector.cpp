// Label selectors: upstream's key/value rules and their messages, its byte lexer (read/unread
// over the text, a NUL byte read like the end of the text) and its recursive-descent parser over
// the scanned tokens, then matching. See label_selector.h for the contract and the invariants.
#include "hpad/policies/label_selector.h"

#include "label_rules.h"

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <set>
#include <utility>

namespace hpad::policies {
namespace {

using Op = LabelRequirement::Op;
using detail::aggregate;
using detail::go_quote;
using detail::join;
using detail::json_strings;
using detail::label_key_errors;
using detail::label_value_errors;
using detail::parse_int64;

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
