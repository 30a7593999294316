// Internal: typed reads from a YamlNode tree into a Policy, each one reporting a PolicyError
// (file, line, column, field path) instead of throwing, and recording where each value was
// written in Policy::positions. Not thread-safe (one reader per document).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hpad/policies/policy.h"
#include "hpad/policies/policy_parser.h"
#include "hpad/policies/quantity.h"
#include "yaml_tree.h"

namespace hpad::policies::detail {

std::string join_path(std::string_view path, std::string_view key);
std::string index_path(std::string_view path, std::size_t index);

// The fields of one mapping, keys checked against the allowed names; null values count as absent.
struct Fields {
  const YamlNode* node = nullptr;  // the mapping (or whatever stood in its place)
  std::string path;
  std::map<std::string, const YamlNode*, std::less<>> by_key;
  std::set<std::string, std::less<>> broken;  // keys already reported (alias, duplicate): not "missing"
  const YamlNode* get(std::string_view key) const;
};

class Reader {
 public:
  Reader(std::string_view file, Policy& policy, std::vector<PolicyError>& errors)
      : file_(file), policy_(policy), errors_(errors) {}

  void error(const YamlNode& at, std::string path, std::string message);
  void error_at(int line, int column, std::string path, std::string message);

  // Reports a non-mapping, unknown keys, duplicate keys and non-scalar keys.
  Fields fields(const YamlNode& node, std::string path, std::initializer_list<std::string_view> allowed);
  // The same for a mapping whose keys are data (labels, pod fields hpad ignores): any key is allowed.
  Fields open_fields(const YamlNode& node, std::string path);
  // Reports "required field is missing" (at the mapping) when absent; returns the node otherwise.
  const YamlNode* required(const Fields& f, std::string_view key);
  // Items of a sequence (reports anything else); empty on error.
  const std::vector<YamlNode>* sequence(const YamlNode& node, const std::string& path);

  std::optional<std::string> string(const Fields& f, std::string_view key, bool required);
  std::optional<std::int32_t> int32(const Fields& f, std::string_view key, bool required);
  std::optional<std::int32_t> int32_value(const YamlNode& node, const std::string& path);
  std::optional<double> number(const Fields& f, std::string_view key, bool required);
  std::optional<Quantity> quantity(const Fields& f, std::string_view key, bool required);
  // A string that must be one of `names`; returns its index.
  std::optional<std::size_t> one_of(const Fields& f, std::string_view key, bool required,
                                    std::initializer_list<std::string_view> names);

 private:
  const YamlNode* scalar(const Fields& f, std::string_view key, bool required, std::string& path);
  // `allowed` == nullptr: every key is allowed.
  Fields read_fields(const YamlNode& node, std::string path, const std::initializer_list<std::string_view>* allowed);
  void note(const YamlNode& node, const std::string& path) { policy_.positions[path] = {node.line, node.column}; }

  std::string_view file_;
  Policy& policy_;
  std::vector<PolicyError>& errors_;
};

}  // namespace hpad::policies::detail
