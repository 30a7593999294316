// Internal: YAML text -> a plain tree of nodes with their positions, built from yaml-cpp's
// event parser so that nothing is lost or expanded: duplicate mapping keys stay visible (the
// policy reader rejects them), aliases are never expanded (no alias bomb) but reported as the
// document's problems, and every node keeps its 1-based line and column (in bytes). Raw-text
// problems (invalid UTF-8, NUL bytes, an unclosed quote at end of file, YAML syntax errors)
// come back as problems. Pure and thread-safe. Work: O(n) in the text's size; yaml-cpp bounds
// the nesting depth (2000), so the recursive tree stays shallow.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hpad::policies::detail {

struct YamlNode {
  enum class Kind : unsigned char { kNull, kScalar, kSequence, kMap, kAlias };
  Kind kind = Kind::kNull;
  int line = 0;
  int column = 0;
  bool plain = true;  // a scalar written without quotes or block indicator
  std::string value;  // scalars
  // Sequences: the items. Maps: key, value, key, value, ... in file order, duplicates kept.
  std::vector<YamlNode> children;
};

struct YamlProblem {
  int line = 0;
  int column = 0;
  std::string message;
};

struct YamlDocument {
  YamlNode root;
  std::vector<YamlProblem> problems;  // aliases: the document must not become a policy
};

struct YamlLoad {
  std::vector<YamlDocument> documents;  // non-empty documents, in file order
  std::vector<YamlProblem> problems;
};

// Problems in the raw text stop before yaml-cpp runs: no documents are returned then.
YamlLoad load_yaml(std::string_view text);

}  // namespace hpad::policies::detail
