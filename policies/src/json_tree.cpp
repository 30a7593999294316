// Internal: see json_tree.h. nlohmann 3.11 reports no positions to SAX callbacks, so the tree is
// built first and positioned afterwards: the text, already validated by the parser, is scanned
// once for where each key and value starts, and since a pre-order walk of the tree (a map's
// children being key, value, key, value, ...) visits nodes in the order their text appears, the
// i-th start found belongs to the i-th node visited.
#include "json_tree.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace hpad::policies::detail {
namespace {

using Json = nlohmann::json;

class TreeBuilder : public nlohmann::json_sax<Json> {
 public:
  YamlNode take_root() { return std::move(root_); }
  bool too_deep() const { return too_deep_; }

  bool null() override { return add(YamlNode::Kind::kNull, "null", true) != nullptr; }
  bool boolean(bool value) override { return add(YamlNode::Kind::kScalar, value ? "true" : "false", true) != nullptr; }
  // JSON integers have a single spelling (no '+', no leading zero), so their text is the value's;
  // only "-0" comes back as "0", the same number.
  bool number_integer(number_integer_t value) override {
    return add(YamlNode::Kind::kScalar, std::to_string(value), true) != nullptr;
  }
  bool number_unsigned(number_unsigned_t value) override {
    return add(YamlNode::Kind::kScalar, std::to_string(value), true) != nullptr;
  }
  bool number_float(number_float_t /*value*/, const string_t& text) override {
    return add(YamlNode::Kind::kScalar, text, true) != nullptr;
  }
  bool string(string_t& value) override { return add(YamlNode::Kind::kScalar, std::move(value), false) != nullptr; }
  bool binary(binary_t& /*value*/) override { return false; }  // never produced by JSON text
  bool key(string_t& value) override { return add(YamlNode::Kind::kScalar, std::move(value), false) != nullptr; }
  bool start_object(std::size_t /*size*/) override { return open(YamlNode::Kind::kMap); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t /*size*/) override { return open(YamlNode::Kind::kSequence); }
  bool end_array() override { return close(); }
  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& e) override {
    error_offset_ = position;
    // "[json.exception.parse_error.101] parse error at line 1, column 4: syntax error ...": keep
    // the description; the position is computed by the caller from the byte offset.
    std::string message = e.what();
    const std::size_t column = message.find(", column ");
    const std::size_t colon = column == std::string::npos ? std::string::npos : message.find(": ", column);
    message_ = colon == std::string::npos ? message : message.substr(colon + 2);
    return false;
  }

  std::size_t error_offset() const { return error_offset_; }
  const std::string& message() const { return message_; }

 private:
  // Only the innermost open container grows, so the pointers on stack_ stay valid.
  YamlNode* add(YamlNode::Kind kind, std::string value, bool plain) {
    YamlNode node;
    node.kind = kind;
    node.value = std::move(value);
    node.plain = plain;
    if (stack_.empty()) {
      root_ = std::move(node);
      return &root_;
    }
    stack_.back()->children.push_back(std::move(node));
    return &stack_.back()->children.back();
  }
  bool open(YamlNode::Kind kind) {
    if (static_cast<int>(stack_.size()) >= kMaxJsonDepth) {
      too_deep_ = true;
      return false;
    }
    stack_.push_back(add(kind, "", true));
    return true;
  }
  bool close() {
    stack_.pop_back();
    return true;
  }

  YamlNode root_;
  std::vector<YamlNode*> stack_;
  bool too_deep_ = false;
  std::size_t error_offset_ = 0;
  std::string message_;
};

struct Position {
  int line = 1;
  int column = 1;
};

// Line and column of text[offset] (offset may be text.size(): just past the end).
Position position_of(std::string_view text, std::size_t offset) {
  Position p;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else {
      ++p.column;
    }
  }
  return p;
}

bool is_delimiter(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == ':' || c == '[' || c == ']' || c == '{' ||
         c == '}';
}

// Where each key and value starts, in text order. `text` must be valid JSON (as checked by the
// parser), so a token is a string ("..."; a backslash always escapes the next byte), '{', '[',
// or a bare literal (number, true, false, null) running to the next delimiter. When max_depth is
// given, stops at the first '{' or '[' that opens a level deeper than it and returns only that.
std::vector<std::size_t> token_starts(std::string_view text, int max_depth = -1) {
  std::vector<std::size_t> starts;
  int depth = 0;
  std::size_t i = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;  // the parser skips a UTF-8 BOM
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"') {
      starts.push_back(i);
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\') {
          ++i;  // the escaped byte
        }
      }
      ++i;  // the closing quote
    } else if (c == '{' || c == '[') {
      ++depth;
      if (max_depth >= 0 && depth > max_depth) {
        return {i};
      }
      starts.push_back(i++);
    } else if (c == '}' || c == ']') {
      --depth;
      ++i;
    } else if (is_delimiter(c)) {
      ++i;
    } else {
      starts.push_back(i);
      while (i < text.size() && !is_delimiter(text[i])) {
        ++i;
      }
    }
  }
  return max_depth >= 0 ? std::vector<std::size_t>{} : starts;
}

// Assigns positions in pre-order; `next` walks `starts` and the text in step.
void assign_positions(YamlNode& node, const std::vector<std::size_t>& starts, std::size_t& next, std::string_view text,
                      std::size_t& scanned, Position& at) {
  if (next < starts.size()) {
    // Advance the running position from `scanned` to this start; total work O(n).
    for (; scanned < starts[next]; ++scanned) {
      if (text[scanned] == '\n') {
        ++at.line;
        at.column = 1;
      } else {
        ++at.column;
      }
    }
    node.line = at.line;
    node.column = at.column;
    ++next;
  }
  for (YamlNode& child : node.children) {
    assign_positions(child, starts, next, text, scanned, at);
  }
}

}  // namespace

JsonLoad load_json(std::string_view text) {
  TreeBuilder builder;
  const bool ok = Json::sax_parse(text.begin(), text.end(), &builder);
  JsonLoad load;
  if (builder.too_deep()) {
    const std::vector<std::size_t> at = token_starts(text, kMaxJsonDepth);
    const Position p = position_of(text, at.empty() ? 0 : at.front());
    load.problem =
        YamlProblem{p.line, p.column, "invalid JSON: nested deeper than " + std::to_string(kMaxJsonDepth) + " levels"};
    return load;
  }
  if (!ok) {
    // nlohmann's position counts bytes read, 1-based: the offending byte is text[position - 1].
    const std::size_t offset = builder.error_offset() == 0 ? 0 : builder.error_offset() - 1;
    const Position p = position_of(text, offset);
    load.problem = YamlProblem{p.line, p.column, "invalid JSON: " + builder.message()};
    return load;
  }
  YamlNode root = builder.take_root();
  const std::vector<std::size_t> starts = token_starts(text);
  std::size_t next = 0;
  std::size_t scanned = 0;
  Position at;
  assign_positions(root, starts, next, text, scanned, at);
  load.root = std::move(root);
  return load;
}

bool looks_like_json(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") {
    text.remove_prefix(3);
  }
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && (text[first] == '{' || text[first] == '[');
}

}  // namespace hpad::policies::detail
