// Internal: JSON text -> the same YamlNode tree that load_yaml builds, so that the Reader and
// the policy reading code run unchanged on JSON. nlohmann/json's SAX parser does the parsing
// (strict RFC 8259, UTF-8 checked); numbers keep their source text ("0.1" stays "0.1": a number
// may be a Kubernetes quantity); numbers, true, false and null are plain scalars (null has
// Kind::kNull), strings are not plain; duplicate object keys are kept, in order, for the Reader
// to report. Every node gets the 1-based line and byte column where its text starts.
// Pure and thread-safe. Work: O(n) in the text's size; nesting deeper than kMaxJsonDepth is
// rejected, so the recursive tree (and its destructor) stays shallow.
#pragma once

#include <optional>
#include <string_view>

#include "yaml_tree.h"

namespace hpad::policies::detail {

inline constexpr int kMaxJsonDepth = 512;

struct JsonLoad {
  std::optional<YamlNode> root;  // absent iff there is a problem
  std::optional<YamlProblem> problem;
};

// A syntax error (or too deep a nesting) gives one problem with the position of the offending
// byte, message "invalid JSON: ..." (nlohmann's description).
JsonLoad load_json(std::string_view text);

// True when the first byte that is not whitespace (after a UTF-8 BOM, if any) is '{' or '[':
// how a file that may hold either JSON or YAML is told apart.
bool looks_like_json(std::string_view text);

}  // namespace hpad::policies::detail
