// Label selector parsing after k8s.io/apimachinery/pkg/labels/selector.go, reduced to what a
// query string carries: `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`.
#include "hpad/sim/label_selector.h"

#include <algorithm>
#include <cctype>

namespace hpad::sim {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

bool valid_token(std::string_view token) {
  return !token.empty() && std::all_of(token.begin(), token.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '/';
  });
}

// Splits at commas that are not inside parentheses.
std::vector<std::string_view> split_requirements(std::string_view text) {
  std::vector<std::string_view> parts;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '(') {
      ++depth;
    } else if (text[i] == ')') {
      --depth;
    } else if (text[i] == ',' && depth == 0) {
      parts.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.push_back(text.substr(start));
  return parts;
}

std::variant<LabelRequirement, std::string> parse_set_requirement(std::string_view key, std::string_view rest,
                                                                  LabelRequirement::Op op) {
  rest = trim(rest);
  if (rest.size() < 2 || rest.front() != '(' || rest.back() != ')') {
    return std::string("expected a parenthesized value set after \"") + std::string(key) + "\"";
  }
  LabelRequirement requirement{std::string(key), op, {}};
  rest = rest.substr(1, rest.size() - 2);
  std::size_t start = 0;
  while (start <= rest.size()) {
    auto comma = rest.find(',', start);
    auto value = trim(rest.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (!value.empty() && !valid_token(value)) {
      return "invalid label value \"" + std::string(value) + "\"";
    }
    requirement.values.emplace_back(value);
    if (comma == std::string_view::npos) {
      break;
    }
    start = comma + 1;
  }
  return requirement;
}

std::variant<LabelRequirement, std::string> parse_requirement(std::string_view text) {
  text = trim(text);
  if (text.empty()) {
    return std::string("empty requirement");
  }
  if (text.front() == '!') {
    auto key = trim(text.substr(1));
    if (!valid_token(key)) {
      return "invalid label key \"" + std::string(key) + "\"";
    }
    return LabelRequirement{std::string(key), LabelRequirement::Op::kDoesNotExist, {}};
  }
  auto operator_at = text.find_first_of("=!");
  if (operator_at != std::string_view::npos) {
    auto key = trim(text.substr(0, operator_at));
    auto op = LabelRequirement::Op::kEquals;
    std::size_t value_at = operator_at + 1;
    if (text[operator_at] == '!') {
      if (operator_at + 1 >= text.size() || text[operator_at + 1] != '=') {
        return "invalid operator in \"" + std::string(text) + "\"";
      }
      op = LabelRequirement::Op::kNotEquals;
      value_at = operator_at + 2;
    } else if (operator_at + 1 < text.size() && text[operator_at + 1] == '=') {
      value_at = operator_at + 2;
    }
    auto value = trim(text.substr(value_at));
    if (!valid_token(key)) {
      return "invalid label key \"" + std::string(key) + "\"";
    }
    if (!value.empty() && !valid_token(value)) {
      return "invalid label value \"" + std::string(value) + "\"";
    }
    return LabelRequirement{std::string(key), op, {std::string(value)}};
  }
  auto blank = text.find_first_of(" \t");
  if (blank == std::string_view::npos) {
    if (!valid_token(text)) {
      return "invalid label key \"" + std::string(text) + "\"";
    }
    return LabelRequirement{std::string(text), LabelRequirement::Op::kExists, {}};
  }
  auto key = text.substr(0, blank);
  auto rest = trim(text.substr(blank));
  if (!valid_token(key)) {
    return "invalid label key \"" + std::string(key) + "\"";
  }
  if (rest.starts_with("notin") && (rest.size() == 5 || !std::isalnum(static_cast<unsigned char>(rest[5])))) {
    return parse_set_requirement(key, rest.substr(5), LabelRequirement::Op::kNotIn);
  }
  if (rest.starts_with("in") && (rest.size() == 2 || !std::isalnum(static_cast<unsigned char>(rest[2])))) {
    return parse_set_requirement(key, rest.substr(2), LabelRequirement::Op::kIn);
  }
  return "unknown operator in \"" + std::string(text) + "\"";
}

}  // namespace

std::variant<LabelSelector, std::string> LabelSelector::parse(std::string_view text) {
  LabelSelector selector;
  if (trim(text).empty()) {
    return selector;
  }
  for (auto part : split_requirements(text)) {
    auto parsed = parse_requirement(part);
    if (auto* error = std::get_if<std::string>(&parsed)) {
      return "unable to parse requirement: " + *error;
    }
    selector.requirements_.push_back(std::get<LabelRequirement>(std::move(parsed)));
  }
  return selector;
}

bool LabelSelector::matches(const std::map<std::string, std::string>& labels) const {
  return std::all_of(requirements_.begin(), requirements_.end(), [&](const LabelRequirement& requirement) {
    auto found = labels.find(requirement.key);
    const bool has = found != labels.end();
    auto in_values = [&] {
      return has &&
             std::find(requirement.values.begin(), requirement.values.end(), found->second) != requirement.values.end();
    };
    switch (requirement.op) {
      case LabelRequirement::Op::kEquals:
      case LabelRequirement::Op::kIn:
        return in_values();
      case LabelRequirement::Op::kNotEquals:
      case LabelRequirement::Op::kNotIn:
        return !in_values();  // as Kubernetes: a missing key satisfies != and notin
      case LabelRequirement::Op::kExists:
        return has;
      case LabelRequirement::Op::kDoesNotExist:
        return !has;
    }
    return false;
  });
}

}  // namespace hpad::sim
