// Parsing and validating ScalingPolicy YAML (../shared/DECIDE-API.md). Pure: the caller reads
// the file and passes its text and name (used only in messages). Thread-safe (no shared state).
// Every error in the text is reported at once, each with file, line, column and field path.
// Raw-text checks run before yaml-cpp sees the text (invalid UTF-8, NUL bytes); YAML aliases,
// duplicate mapping keys and an unclosed quote at end of file are rejected too.
// Work bounds: O(n) in the text's size; aliases are never expanded.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hpad/policies/policy.h"

namespace hpad::policies {

struct PolicyError {
  std::string file;
  int line = 0;            // 1-based; 0 = unknown
  int column = 0;          // 1-based, in bytes; 0 = unknown
  std::string field_path;  // "spec.behavior.scaleUp.policies[1].periodSeconds"; may be empty
  std::string message;
  // "web.yaml:14:9: spec.behavior.scaleUp.policies[1].periodSeconds: must be between 1 and 1800"
  // (the path part is left out when empty).
  std::string to_string() const;
};

struct ParseResult {
  std::vector<Policy> policies;     // the documents that had no error, in file order
  std::vector<PolicyError> errors;  // by document, then by position
  bool ok() const { return errors.empty(); }
};

// A file holds one or more `---` separated ScalingPolicy documents; empty documents are skipped.
ParseResult parse_policies_yaml(std::string_view text, std::string_view file_name);

// The same for JSON (policy_json.cpp): the file holds one ScalingPolicy object or an array of
// them; each is read and validated exactly as a YAML document is (field paths have no array
// index, as YAML documents have none). Syntax errors: one error at the offending byte.
ParseResult parse_policies_json(std::string_view text, std::string_view file_name);

// JSON when the first byte that is not whitespace is '{' or '[', YAML otherwise.
ParseResult parse_policies(std::string_view text, std::string_view file_name);

// The validation rules alone, for a Policy built some other way; errors are ordered by position.
std::vector<PolicyError> validate_policy(const Policy& policy, std::string_view file_name);

}  // namespace hpad::policies
