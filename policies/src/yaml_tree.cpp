// Internal: see yaml_tree.h. yaml-cpp throws on syntax errors; we catch that here and keep the
// documents parsed before it.
#include "yaml_tree.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <utility>

namespace hpad::policies::detail {
namespace {

// Length of the valid UTF-8 sequence starting at text[i], or 0 if it is not valid
// (overlong forms, surrogates and code points above U+10FFFF are invalid).
std::size_t utf8_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    return 1;
  }
  std::size_t n = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    lo = b0 == 0xE0 ? 0xA0 : 0x80;
    hi = b0 == 0xED ? 0x9F : 0xBF;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    lo = b0 == 0xF0 ? 0x90 : 0x80;
    hi = b0 == 0xF4 ? 0x8F : 0xBF;
  } else {
    return 0;
  }
  if (i + n > text.size()) {
    return 0;
  }
  if (byte(i + 1) < lo || byte(i + 1) > hi) {
    return 0;
  }
  for (std::size_t k = 2; k < n; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) {
      return 0;
    }
  }
  return n;
}

void check_raw_text(std::string_view text, std::vector<YamlProblem>& problems) {
  int line = 1;
  int column = 1;
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == '\0') {
      problems.push_back({line, column, "NUL byte is not allowed"});
      ++i;
      ++column;
      continue;
    }
    if (text[i] == '\n') {
      ++line;
      column = 1;
      ++i;
      continue;
    }
    const std::size_t n = utf8_length(text, i);
    if (n == 0) {
      problems.push_back({line, column, "invalid UTF-8"});
      ++i;
      ++column;
      continue;
    }
    i += n;
    column += static_cast<int>(n);
  }
}

// True if the quoted scalar opening at text[pos] is closed before the end of the text.
bool quote_is_closed(std::string_view text, std::size_t pos) {
  const char quote = text[pos];
  for (std::size_t i = pos + 1; i < text.size(); ++i) {
    if (quote == '"' && text[i] == '\\') {
      ++i;  // an escaped character, whatever it is
    } else if (text[i] == quote) {
      if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
        ++i;  // '' is an escaped quote
      } else {
        return true;
      }
    }
  }
  return false;
}

class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(std::string_view text, std::vector<YamlProblem>& problems) : text_(text), problems_(problems) {}

  YamlDocument take_document() { return {std::exchange(root_, {}), std::exchange(document_problems_, {})}; }
  // True if the last document held an unclosed quote (it then runs to the end of the text).
  bool broken() const { return broken_; }

  void OnDocumentStart(const YAML::Mark& /*mark*/) override {
    root_ = YamlNode{};
    stack_.clear();
    broken_ = false;
    document_problems_.clear();
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t /*anchor*/) override { add(make(YamlNode::Kind::kNull, mark)); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t /*anchor*/) override {
    YamlNode node = make(YamlNode::Kind::kAlias, mark);
    if (document_problems_.empty()) {  // the first alias is enough: a bomb holds thousands
      document_problems_.push_back({node.line, node.column, "YAML aliases (*name) are not allowed in a policy"});
    }
    add(std::move(node));
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t /*anchor*/,
                const std::string& value) override {
    YamlNode node = make(YamlNode::Kind::kScalar, mark);
    node.value = value;
    node.plain = tag != "!";
    if (!node.plain && mark.pos >= 0) {
      const auto pos = static_cast<std::size_t>(mark.pos);
      if (pos < text_.size() && (text_[pos] == '"' || text_[pos] == '\'') && !quote_is_closed(text_, pos)) {
        problems_.push_back({node.line, node.column, "unclosed quote at end of file"});
        broken_ = true;
      }
    }
    add(std::move(node));
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t /*anchor*/,
                       YAML::EmitterStyle::value /*style*/) override {
    stack_.push_back(add(make(YamlNode::Kind::kSequence, mark)));
  }
  void OnSequenceEnd() override { stack_.pop_back(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t /*anchor*/,
                  YAML::EmitterStyle::value /*style*/) override {
    stack_.push_back(add(make(YamlNode::Kind::kMap, mark)));
  }
  void OnMapEnd() override { stack_.pop_back(); }

 private:
  static YamlNode make(YamlNode::Kind kind, const YAML::Mark& mark) {
    YamlNode node;
    node.kind = kind;
    node.line = mark.line + 1;
    node.column = mark.column + 1;
    return node;
  }
  // Only the innermost open container grows, so the pointers on stack_ stay valid.
  YamlNode* add(YamlNode node) {
    if (stack_.empty()) {
      root_ = std::move(node);
      return &root_;
    }
    stack_.back()->children.push_back(std::move(node));
    return &stack_.back()->children.back();
  }

  std::string_view text_;
  std::vector<YamlProblem>& problems_;
  YamlNode root_;
  std::vector<YamlNode*> stack_;
  bool broken_ = false;
  std::vector<YamlProblem> document_problems_;
};

}  // namespace

YamlLoad load_yaml(std::string_view text) {
  YamlLoad load;
  check_raw_text(text, load.problems);
  if (!load.problems.empty()) {
    return load;
  }
  std::istringstream in{std::string(text)};
  YAML::Parser parser(in);
  TreeBuilder builder(text, load.problems);
  try {
    // yaml-cpp 0.7 never consumes a token that cannot start a node (a ',' at the top level): it
    // reports an empty document at the same place forever (yaml-cpp #1040, fixed upstream by
    // #1319). Two empty documents in a row at one position mean no progress: stop with an error.
    std::optional<std::pair<int, int>> last_empty;
    while (parser.HandleNextDocument(builder)) {
      YamlDocument document = builder.take_document();
      if (document.root.kind == YamlNode::Kind::kNull) {
        const std::pair<int, int> at{document.root.line, document.root.column};
        if (last_empty == at) {
          load.problems.push_back({at.first, at.second, "invalid YAML: unexpected token where a value should start"});
          break;
        }
        last_empty = at;
        continue;
      }
      last_empty.reset();
      if (!builder.broken()) {
        load.documents.push_back(std::move(document));
      }
    }
  } catch (const YAML::Exception& e) {
    load.problems.push_back({e.mark.line + 1, e.mark.column + 1, "invalid YAML: " + e.msg});
  }
  return load;
}

}  // namespace hpad::policies::detail
