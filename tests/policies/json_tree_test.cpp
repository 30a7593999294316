// load_json (internal): JSON text -> the YamlNode tree the policy reader consumes. Pins down the
// node order and kinds the Reader relies on, the exact source text of numbers (a number may be a
// Kubernetes quantity), the line:column of every key and value (escapes and multi-line input
// included), and the position of syntax errors.
#include "json_tree.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace hpad::policies::detail {
namespace {

// Pre-order: "<kind> <value>@line:col", kind s = quoted string, p = plain scalar, n = null,
// { = mapping, [ = sequence.
void flatten(const YamlNode& node, std::vector<std::string>& out) {
  std::string kind;
  switch (node.kind) {
    case YamlNode::Kind::kNull:
      kind = "n";
      break;
    case YamlNode::Kind::kScalar:
      kind = node.plain ? "p" : "s";
      break;
    case YamlNode::Kind::kSequence:
      kind = "[";
      break;
    case YamlNode::Kind::kMap:
      kind = "{";
      break;
    case YamlNode::Kind::kAlias:
      kind = "*";
      break;
  }
  out.push_back(kind + " " + node.value + "@" + std::to_string(node.line) + ":" + std::to_string(node.column));
  for (const YamlNode& child : node.children) {
    flatten(child, out);
  }
}

std::vector<std::string> nodes(std::string_view text) {
  const JsonLoad load = load_json(text);
  EXPECT_FALSE(load.problem.has_value()) << (load.problem ? load.problem->message : "");
  std::vector<std::string> out;
  if (load.root) {
    flatten(*load.root, out);
  }
  return out;
}

struct TreeCase {
  std::string_view name;
  std::string_view text;
  std::vector<std::string> want;
};

class JsonTree : public ::testing::TestWithParam<TreeCase> {};

TEST_P(JsonTree, NodesKindsTextAndPositions) {
  EXPECT_EQ(nodes(GetParam().text), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    LoadJson, JsonTree,
    ::testing::Values(
        TreeCase{"ScalarKindsAndPlainness",
                 R"([1, "1", true, false, null, "null"])",
                 {"[ @1:1", "p 1@1:2", "s 1@1:5", "p true@1:10", "p false@1:16", "n null@1:23", "s null@1:29"}},
        TreeCase{"NumbersKeepTheirSourceText",
                 "[0.1, 1e3, -2.50, 1E-7, 0.30000000000000004, -7, 18446744073709551616]",
                 {"[ @1:1", "p 0.1@1:2", "p 1e3@1:7", "p -2.50@1:12", "p 1E-7@1:19", "p 0.30000000000000004@1:25",
                  "p -7@1:46", "p 18446744073709551616@1:50"}},
        TreeCase{"MapChildrenAreKeyValuePairsInFileOrder",
                 R"({"b": 1, "a": {"c": []}})",
                 {"{ @1:1", "s b@1:2", "p 1@1:7", "s a@1:10", "{ @1:15", "s c@1:16", "[ @1:21"}},
        TreeCase{
            "DuplicateKeysAreKept", R"({"a": 1, "a": 2})", {"{ @1:1", "s a@1:2", "p 1@1:7", "s a@1:10", "p 2@1:15"}},
        TreeCase{
            "MultiLinePositions",
            "{\n  \"spec\": {\n    \"minReplicas\": 2,\n    \"metrics\": [\n      {\"name\": \"cpu\"}\n    ]\n  }\n}\n",
            {"{ @1:1", "s spec@2:3", "{ @2:11", "s minReplicas@3:5", "p 2@3:20", "s metrics@4:5", "[ @4:16", "{ @5:7",
             "s name@5:8", "s cpu@5:16"}},
        // Escaped quotes and backslashes must not end a string early, \u escapes decode, and
        // brackets, colons and commas inside strings are not structure.
        TreeCase{"EscapesDoNotConfuseThePositions",
                 R"({"a\"b": "x\\", "c": "\u00e9\"", "d": "{[,:]}", "e": 1})",
                 {"{ @1:1", "s a\"b@1:2", "s x\\@1:10", "s c@1:17", "s \xC3\xA9\"@1:22", "s d@1:34", "s {[,:]}@1:39",
                  "s e@1:49", "p 1@1:54"}},
        TreeCase{"UnicodeBytesCountAsColumns",
                 "{\"\xC3\xA9\": \"\xE2\x82\xAC\", \"k\": 5}",
                 {"{ @1:1", "s \xC3\xA9@1:2", "s \xE2\x82\xAC@1:8", "s k@1:15", "p 5@1:20"}},
        TreeCase{"CrLfLineEnds", "{\r\n\"a\":\r\n 1}", {"{ @1:1", "s a@2:1", "p 1@3:2"}},
        TreeCase{"ByteOrderMarkIsSkipped", "\xEF\xBB\xBF{\"a\": 1}", {"{ @1:4", "s a@1:5", "p 1@1:10"}},
        TreeCase{"ScalarDocument", "  \"x\"  ", {"s x@1:3"}}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

struct ErrorCase {
  std::string_view name;
  std::string_view text;
  int line;
  int column;
  std::string_view message_start;
};

class JsonSyntaxError : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(JsonSyntaxError, ReportsTheOffendingByte) {
  const JsonLoad load = load_json(GetParam().text);
  EXPECT_FALSE(load.root.has_value());
  ASSERT_TRUE(load.problem.has_value());
  EXPECT_EQ(load.problem->line, GetParam().line);
  EXPECT_EQ(load.problem->column, GetParam().column);
  EXPECT_EQ(load.problem->message.substr(0, GetParam().message_start.size()), GetParam().message_start)
      << load.problem->message;
}

INSTANTIATE_TEST_SUITE_P(
    LoadJson, JsonSyntaxError,
    ::testing::Values(
        ErrorCase{"TrailingComma", "[1,]", 1, 4,
                  "invalid JSON: syntax error while parsing value - unexpected ']'; expected '[', '{', or a literal"},
        ErrorCase{"MissingColonOnSecondLine", "{\n  \"a\" 1}", 2, 7,
                  "invalid JSON: syntax error while parsing object separator - unexpected number literal"},
        ErrorCase{"BadLiteral", "{\"a\":\n  tru}", 2, 6,
                  "invalid JSON: syntax error while parsing value - invalid literal"},
        ErrorCase{"UnclosedArrayAtEnd", "[1, 2", 1, 6,
                  "invalid JSON: syntax error while parsing array - unexpected end of input"},
        ErrorCase{"UnclosedString", "{\"a\": \"abc", 1, 11,
                  "invalid JSON: syntax error while parsing value - invalid string"},
        ErrorCase{"Empty", "", 1, 1, "invalid JSON: syntax error while parsing value - unexpected end of input"},
        ErrorCase{"TrailingGarbage", "{}\n x", 2, 2,
                  "invalid JSON: syntax error while parsing value - invalid literal"},
        ErrorCase{"InvalidUtf8InString", "[\"a\xFF\"]", 1, 4,
                  "invalid JSON: syntax error while parsing value - invalid string: ill-formed UTF-8 byte"},
        ErrorCase{"CommentsAreNotJson", "{} // x", 1, 4, "invalid JSON: syntax error while parsing value"},
        ErrorCase{"SingleQuotes", "{'a': 1}", 1, 2, "invalid JSON: syntax error while parsing object key"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

// A deep nesting would make the recursive tree's destructor overflow the stack: it is refused at
// the first bracket past the limit.
TEST(LoadJsonDepth, NestingPastTheLimitIsAProblemAtTheFirstTooDeepBracket) {
  const std::string text = "\n" + std::string(100'000, '[') + std::string(100'000, ']');
  const JsonLoad load = load_json(text);
  EXPECT_FALSE(load.root.has_value());
  ASSERT_TRUE(load.problem.has_value());
  EXPECT_EQ(load.problem->line, 2);
  EXPECT_EQ(load.problem->column, kMaxJsonDepth + 1);
  EXPECT_EQ(load.problem->message, "invalid JSON: nested deeper than 512 levels");
}

TEST(LoadJsonDepth, NestingAtTheLimitIsAccepted) {
  const auto depth = static_cast<std::size_t>(kMaxJsonDepth);
  const JsonLoad load = load_json(std::string(depth, '[') + std::string(depth, ']'));
  EXPECT_FALSE(load.problem.has_value());
  EXPECT_TRUE(load.root.has_value());
}

TEST(LooksLikeJson, FirstNonBlankByteDecides) {
  EXPECT_TRUE(looks_like_json("{}"));
  EXPECT_TRUE(looks_like_json(" \n\t[1]"));
  EXPECT_TRUE(looks_like_json("\xEF\xBB\xBF {"));
  EXPECT_FALSE(looks_like_json("apiVersion: v1\n"));
  EXPECT_FALSE(looks_like_json("# {\n"));
  EXPECT_FALSE(looks_like_json(""));
}

}  // namespace
}  // namespace hpad::policies::detail
