// ScalingPolicy JSON -> Policy (see policy_parser.h): the JSON is turned into the same node tree
// YAML gives (json_tree.h), then each policy object goes through the one policy reader and the
// one set of validation rules, so a policy means the same whichever syntax it was written in.
#include <string>
#include <utility>

#include "hpad/policies/policy_parser.h"
#include "json_tree.h"
#include "policy_reader.h"

namespace hpad::policies {

ParseResult parse_policies_json(std::string_view text, std::string_view file_name) {
  ParseResult result;
  detail::JsonLoad load = detail::load_json(text);
  if (!load.root) {
    result.errors.push_back(
        {std::string(file_name), load.problem->line, load.problem->column, "", std::move(load.problem->message)});
    return result;
  }
  const detail::YamlNode& root = *load.root;
  if (root.kind != detail::YamlNode::Kind::kMap && root.kind != detail::YamlNode::Kind::kSequence) {
    result.errors.push_back(
        {std::string(file_name), root.line, root.column, "", "expected a ScalingPolicy object or an array of them"});
    return result;
  }
  const auto read_one = [&](const detail::YamlNode& node) {
    Policy policy;
    std::vector<PolicyError> errors;
    detail::read_policy(node, file_name, policy, errors);
    if (errors.empty()) {
      result.policies.push_back(std::move(policy));
    }
    result.errors.insert(result.errors.end(), errors.begin(), errors.end());
  };
  if (root.kind == detail::YamlNode::Kind::kMap) {
    read_one(root);
  } else {
    for (const detail::YamlNode& item : root.children) {
      read_one(item);
    }
  }
  return result;
}

ParseResult parse_policies(std::string_view text, std::string_view file_name) {
  return detail::looks_like_json(text) ? parse_policies_json(text, file_name) : parse_policies_yaml(text, file_name);
}

}  // namespace hpad::policies
