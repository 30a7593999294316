// Internal: see yaml_reader.h. Numbers are read with std::from_chars over the whole scalar, so
// "1.5" is not an integer and "10 " is not a number; quoted scalars are strings, never numbers.
#include "yaml_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <set>
#include <system_error>
#include <variant>
#include <vector>

namespace hpad::policies::detail {

std::string join_path(std::string_view path, std::string_view key) {
  std::string out(path);
  if (!out.empty()) {
    out += '.';
  }
  out += key;
  return out;
}

std::string index_path(std::string_view path, std::size_t index) {
  return std::string(path) + "[" + std::to_string(index) + "]";
}

namespace {

// Levenshtein distance, ignoring ASCII case (fields are camelCase; "scaledownSeconds" is a typo).
std::size_t edit_distance(std::string_view a, std::string_view b) {
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) {
    row[j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The allowed name a mistyped key most likely meant: within 2 edits (1 for short names).
std::string suggestion(std::string_view key, std::initializer_list<std::string_view> allowed) {
  if (key.size() > 64) {
    return {};
  }
  std::string_view best;
  std::size_t best_distance = key.size() <= 4 ? 1 : 2;
  for (std::string_view name : allowed) {
    const std::size_t d = edit_distance(key, name);
    if (d <= best_distance && (best.empty() || d < best_distance)) {
      best = name;
      best_distance = d;
    }
  }
  return best.empty() ? std::string() : " (did you mean \"" + std::string(best) + "\"?)";
}

}  // namespace

const YamlNode* Fields::get(std::string_view key) const {
  const auto it = by_key.find(key);
  return it == by_key.end() ? nullptr : it->second;
}

void Reader::error(const YamlNode& at, std::string path, std::string message) {
  error_at(at.line, at.column, std::move(path), std::move(message));
}

void Reader::error_at(int line, int column, std::string path, std::string message) {
  errors_.push_back({std::string(file_), line, column, std::move(path), std::move(message)});
}

Fields Reader::fields(const YamlNode& node, std::string path, std::initializer_list<std::string_view> allowed) {
  return read_fields(node, std::move(path), &allowed);
}

Fields Reader::open_fields(const YamlNode& node, std::string path) {
  return read_fields(node, std::move(path), nullptr);
}

Fields Reader::read_fields(const YamlNode& node, std::string path,
                           const std::initializer_list<std::string_view>* allowed) {
  Fields f;
  f.node = &node;
  f.path = std::move(path);
  if (node.kind == YamlNode::Kind::kAlias) {
    return f;  // reported by load_yaml
  }
  if (node.kind != YamlNode::Kind::kMap) {
    error(node, f.path, "expected a mapping");
    return f;
  }
  if (allowed != nullptr) {
    note(node, f.path);  // positions are kept for the policy's own fields, not for open data
  }
  std::set<std::string, std::less<>> seen;
  for (std::size_t i = 0; i + 1 < node.children.size(); i += 2) {
    const YamlNode& key = node.children[i];
    const YamlNode& value = node.children[i + 1];
    if (key.kind != YamlNode::Kind::kScalar) {
      if (key.kind != YamlNode::Kind::kAlias) {
        error(key, f.path, "expected a string key");
      }
      continue;
    }
    const std::string child = join_path(f.path, key.value);
    if (!seen.insert(key.value).second) {
      error(key, child, "duplicate key \"" + key.value + "\"");
      f.broken.insert(key.value);
      continue;
    }
    bool known = allowed == nullptr;
    for (std::size_t k = 0; !known && k < allowed->size(); ++k) {
      known = *(allowed->begin() + k) == key.value;
    }
    if (!known) {
      error(key, child, "unknown field \"" + key.value + "\"" + suggestion(key.value, *allowed));
      continue;
    }
    if (value.kind == YamlNode::Kind::kAlias) {
      f.broken.insert(key.value);  // reported by load_yaml
      continue;
    }
    if (value.kind != YamlNode::Kind::kNull) {
      f.by_key.emplace(key.value, &value);
    }
  }
  return f;
}

const YamlNode* Reader::required(const Fields& f, std::string_view key) {
  const YamlNode* node = f.get(key);
  if (node == nullptr && f.node != nullptr && f.node->kind == YamlNode::Kind::kMap && !f.broken.contains(key)) {
    error(*f.node, join_path(f.path, key), "required field is missing");
  }
  return node;
}

const std::vector<YamlNode>* Reader::sequence(const YamlNode& node, const std::string& path) {
  if (node.kind == YamlNode::Kind::kAlias) {
    return nullptr;  // reported by load_yaml
  }
  if (node.kind != YamlNode::Kind::kSequence) {
    error(node, path, "expected a list");
    return nullptr;
  }
  note(node, path);
  for (std::size_t i = 0; i < node.children.size(); ++i) {
    if (node.children[i].kind == YamlNode::Kind::kAlias) {
      return nullptr;  // reported by load_yaml
    }
  }
  return &node.children;
}

const YamlNode* Reader::scalar(const Fields& f, std::string_view key, bool is_required, std::string& path) {
  const YamlNode* node = is_required ? required(f, key) : f.get(key);
  path = join_path(f.path, key);
  if (node == nullptr) {
    return nullptr;
  }
  note(*node, path);
  return node;
}

std::optional<std::string> Reader::string(const Fields& f, std::string_view key, bool is_required) {
  std::string path;
  const YamlNode* node = scalar(f, key, is_required, path);
  if (node == nullptr) {
    return std::nullopt;
  }
  if (node->kind != YamlNode::Kind::kScalar) {
    error(*node, path, "expected a string");
    return std::nullopt;
  }
  return node->value;
}

std::optional<std::int32_t> Reader::int32_value(const YamlNode& node, const std::string& path) {
  note(node, path);
  std::int64_t value = 0;
  const std::string& text = node.value;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (node.kind != YamlNode::Kind::kScalar || !node.plain || text.empty() || ptr != end ||
      ec == std::errc::invalid_argument) {
    error(node, path, "expected an integer");
    return std::nullopt;
  }
  if (ec == std::errc::result_out_of_range || value < std::numeric_limits<std::int32_t>::min() ||
      value > std::numeric_limits<std::int32_t>::max()) {
    error(node, path, "must fit in a 32-bit integer");
    return std::nullopt;
  }
  return static_cast<std::int32_t>(value);
}

std::optional<std::int32_t> Reader::int32(const Fields& f, std::string_view key, bool is_required) {
  std::string path;
  const YamlNode* node = scalar(f, key, is_required, path);
  return node == nullptr ? std::nullopt : int32_value(*node, path);
}

std::optional<double> Reader::number(const Fields& f, std::string_view key, bool is_required) {
  std::string path;
  const YamlNode* node = scalar(f, key, is_required, path);
  if (node == nullptr) {
    return std::nullopt;
  }
  double value = 0;
  const std::string& text = node->value;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (node->kind != YamlNode::Kind::kScalar || !node->plain || text.empty() || ptr != end || ec != std::errc{} ||
      !std::isfinite(value)) {
    error(*node, path, "expected a number");
    return std::nullopt;
  }
  return value;
}

std::optional<Quantity> Reader::quantity(const Fields& f, std::string_view key, bool is_required) {
  std::string path;
  const YamlNode* node = scalar(f, key, is_required, path);
  if (node == nullptr) {
    return std::nullopt;
  }
  if (node->kind != YamlNode::Kind::kScalar) {
    error(*node, path, "expected a quantity");
    return std::nullopt;
  }
  auto parsed = Quantity::parse(node->value);
  if (const auto* bad = std::get_if<QuantityError>(&parsed)) {
    error(*node, path, "invalid quantity: " + bad->message);
    return std::nullopt;
  }
  return std::get<Quantity>(parsed);
}

std::optional<std::size_t> Reader::one_of(const Fields& f, std::string_view key, bool is_required,
                                          std::initializer_list<std::string_view> names) {
  const auto text = string(f, key, is_required);
  if (!text) {
    return std::nullopt;
  }
  std::size_t i = 0;
  std::string list;
  for (std::string_view name : names) {
    if (name == *text) {
      return i;
    }
    list += (i == 0 ? "" : ", ");
    list += name;
    ++i;
  }
  error(*f.get(key), join_path(f.path, key), "must be one of " + list);
  return std::nullopt;
}

}  // namespace hpad::policies::detail
