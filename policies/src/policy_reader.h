// Internal: reading one ScalingPolicy from a YamlNode tree, whichever text it came from (YAML
// documents in policy_parser.cpp, JSON objects in policy_json.cpp, the `policy` field of a
// DecisionInput). Pure; thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "hpad/policies/policy.h"
#include "hpad/policies/policy_parser.h"
#include "yaml_tree.h"

namespace hpad::policies::detail {

// Reads the tree into `policy` (field paths relative to it: "spec.maxReplicas") and, when
// neither reading nor the caller found an error, runs validate_policy. `errors` may come in
// holding the document's own problems (they too skip validation); on return it holds every
// error, ordered by position. The policy is usable only if `errors` is empty.
void read_policy(const YamlNode& root, std::string_view file_name, Policy& policy, std::vector<PolicyError>& errors);

}  // namespace hpad::policies::detail
