// parse_label_selector against apimachinery's labels.Parse (what it accepts, the requirements it
// builds, its error texts), make_label_requirement against NewRequirement, and matching against
// Requirement.Matches. "[upstream X]" beside a case: the same input and outcome appear in
// pkg/labels/selector_test.go X; the other expectations are derived from upstream's code.
#include "hpad/policies/label_selector.h"

#include <gtest/gtest.h>

#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace hpad::policies {
namespace {

using namespace std::string_view_literals;
using Op = LabelRequirement::Op;
using Labels = std::map<std::string, std::string>;

// Upstream's rule texts, as they appear inside messages.
const std::string kNameRule =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character "
    "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
    "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const std::string kValueRule =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and "
    "end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const std::string kPrefixRule =
    "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and "
    "must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const std::string kBadKey = "unable to parse requirement: <nil>: Invalid value: ";
const std::string kNotInteger = "for 'Gt', 'Lt' operators, the value must be an integer";

LabelSelector must_parse(std::string_view text) {
  auto result = parse_label_selector(text);
  if (const auto* error = std::get_if<CalculationError>(&result)) {
    ADD_FAILURE() << "unexpected error for \"" << text << "\": " << error->message;
    return LabelSelector{};
  }
  return std::get<LabelSelector>(result);
}

// --- Valid text: the requirements built ----------------------------------------------------------

struct ValidCase {
  const char* name;
  std::string_view text;
  std::vector<LabelRequirement> expected;  // sorted by key, values sorted and unique
};

void PrintTo(const ValidCase& c, std::ostream* os) {
  *os << c.name;
}

class SelectorParsesValid : public ::testing::TestWithParam<ValidCase> {};

TEST_P(SelectorParsesValid, BuildsUpstreamsRequirements) {
  const ValidCase& c = GetParam();
  EXPECT_EQ(must_parse(c.text).requirements, c.expected) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SelectorParsesValid,
    ::testing::Values(
        // name, text, requirements, and why
        ValidCase{"Empty", "", {}},                  // Everything [upstream TestSetSelectorParser]
        ValidCase{"OnlyWhitespace", " \t\r\n", {}},  // whitespace alone is the empty selector
        ValidCase{"CarriageReturnBeforeKey", "\rx", {{"x", Op::Exists, {}}}},  // '\r' is whitespace [upstream]
        ValidCase{"TrailingSpace", "a ", {{"a", Op::Exists, {}}}},             // [upstream]
        ValidCase{"Exists", "x", {{"x", Op::Exists, {}}}},                     // a bare key
        ValidCase{"DoesNotExist", "!x", {{"x", Op::DoesNotExist, {}}}},        // [upstream TestSelectorParse]
        ValidCase{"SpaceAfterBang", "! x", {{"x", Op::DoesNotExist, {}}}},     // '!' is its own token
        ValidCase{"PrefixedKey",
                  "this-is-a-dns.domain.com/key-with-dash",
                  {{"this-is-a-dns.domain.com/key-with-dash", Op::Exists, {}}}},  // [upstream]
        ValidCase{"PrefixedKeyIn",
                  "this-is-another-dns.domain.com/key-with-dash in (so,what)",
                  {{"this-is-another-dns.domain.com/key-with-dash", Op::In, {"so", "what"}}}},  // [upstream]
        ValidCase{"NumericPrefixAndName",
                  "0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)",
                  {{"0.1.2.domain/99", Op::NotIn, {"10.10.100.1", "tick.tack.clock"}}}},              // [upstream]
        ValidCase{"TabAfterIn", "foo  in\t (abc)", {{"foo", Op::In, {"abc"}}}},                       // [upstream]
        ValidCase{"NewlineAfterNotIn", "x notin\n (abc)", {{"x", Op::NotIn, {"abc"}}}},               // [upstream]
        ValidCase{"MixedWhitespace", "x  notin\t\t\t(abc,def)", {{"x", Op::NotIn, {"abc", "def"}}}},  // [upstream]
        ValidCase{"In", "x in (abc,def)", {{"x", Op::In, {"abc", "def"}}}},                           // [upstream]
        ValidCase{"TrailingCommaIsEmptyValue", "x in (abc,)", {{"x", Op::In, {"", "abc"}}}},          // [upstream]
        ValidCase{"EmptyParensAreEmptyValue", "x in ()", {{"x", Op::In, {""}}}},                      // [upstream]
        ValidCase{"SpaceInParens", "x notin ( )", {{"x", Op::NotIn, {""}}}},                          // [upstream]
        ValidCase{"LeadingCommaIsEmptyValue", "x notin (, a)", {{"x", Op::NotIn, {"", "a"}}}},        // [upstream]
        ValidCase{"DoubleCommaIsEmptyValue", "x in (a,,b)", {{"x", Op::In, {"", "a", "b"}}}},         // ",," adds ""
        ValidCase{"OnlyComma", "x in (,)", {{"x", Op::In, {""}}}},                                    // "" once: a set
        ValidCase{"ValuesSortedAndUnique", "x in (b,a,b)", {{"x", Op::In, {"a", "b"}}}},              // sets.String
        ValidCase{"KeywordsAsValues",
                  "a in (x,y,notin, z,in)",
                  {{"a", Op::In, {"in", "notin", "x", "y", "z"}}}},  // in/notin are identifiers in a list [upstream]
        ValidCase{"KeywordAsKey", "in", {{"in", Op::Exists, {}}}},   // the first token is read as a value
        ValidCase{"KeywordsExact", "notin=in", {{"notin", Op::Equals, {"in"}}}},  // [upstream TestSelectorMatches]
        ValidCase{"RequirementsSortedByKey",
                  "x notin (abc,def),bar,z in (),w",
                  {{"bar", Op::Exists, {}},
                   {"w", Op::Exists, {}},
                   {"x", Op::NotIn, {"abc", "def"}},
                   {"z", Op::In, {""}}}},                                                        // [upstream]
        ValidCase{"ExistsThenIn", "x,y in (a)", {{"x", Op::Exists, {}}, {"y", Op::In, {"a"}}}},  // [upstream]
        ValidCase{"Equals", "x=a", {{"x", Op::Equals, {"a"}}}},                                  // [upstream]
        ValidCase{"DoubleEquals", "x==a", {{"x", Op::DoubleEquals, {"a"}}}},                     // kept apart from =
        ValidCase{"EqualsNothing", "x=", {{"x", Op::Equals, {""}}}},  // [upstream TestSelectorParse]
        ValidCase{"EqualsSpace", "x= ,z= ", {{"x", Op::Equals, {""}}, {"z", Op::Equals, {""}}}},  // [upstream]
        ValidCase{
            "NotEqualsAndEquals",
            "x=a,y!=b,z in (h,i,j)",
            {{"x", Op::Equals, {"a"}}, {"y", Op::NotEquals, {"b"}}, {"z", Op::In, {"h", "i", "j"}}}},  // [upstream]
        ValidCase{"GreaterThan", "x>1", {{"x", Op::GreaterThan, {"1"}}}},                              // [upstream]
        ValidCase{"LessThan", "x<7", {{"x", Op::LessThan, {"7"}}}},                                    // [upstream]
        ValidCase{"GreaterThanLeadingZeros", "x>007", {{"x", Op::GreaterThan, {"007"}}}},  // ParseInt takes "007"
        ValidCase{"GreaterThanMaxInt64",
                  "x>9223372036854775807",
                  {{"x", Op::GreaterThan, {"9223372036854775807"}}}},  // the largest int64
        ValidCase{"SpacesEverywhere",
                  " app = web , tier in ( frontend , backend ) , ! canary ",
                  {{"app", Op::Equals, {"web"}},
                   {"canary", Op::DoesNotExist, {}},
                   {"tier", Op::In, {"backend", "frontend"}}}},  // the task's example, spaced out
        ValidCase{"DuplicateKeysKeepOrder",
                  "z=1,a,z",
                  {{"a", Op::Exists, {}}, {"z", Op::Equals, {"1"}}, {"z", Op::Exists, {}}}},  // stable by key
        ValidCase{"LongestKey",
                  "a.b/0123456789012345678901234567890123456789012345678901234567890ab",
                  {{"a.b/0123456789012345678901234567890123456789012345678901234567890ab", Op::Exists, {}}}},  // 63
        ValidCase{"UppercaseName", "App.Kubernetes_io", {{"App.Kubernetes_io", Op::Exists, {}}}},  // name is caseful
        // A NUL byte: where a token would start it ends the text; right after a token it is skipped.
        ValidCase{"NulEndsText", "x \0=a"sv, {{"x", Op::Exists, {}}}},           // NUL where the next token starts
        ValidCase{"NulSkippedAfterKey", "x\0=a"sv, {{"x", Op::Equals, {"a"}}}},  // NUL right after "x" is skipped
        ValidCase{"NulAtStart", "\0x"sv, {}},                                    // nothing before the NUL
        ValidCase{"NulAfterOperator", "x=\0a"sv, {{"x", Op::Equals, {"a"}}}},    // the NUL after '=' is swallowed
        ValidCase{"NulAfterKey", "x\0\0a"sv, {{"x", Op::Exists, {}}}}));         // first NUL skipped, second ends

// --- Round trip: upstream's String() ---------------------------------------------------------

struct RoundTripCase {
  const char* name;
  std::string_view text;
  const char* expected;
};

void PrintTo(const RoundTripCase& c, std::ostream* os) {
  *os << c.name;
}

class SelectorToString : public ::testing::TestWithParam<RoundTripCase> {};

TEST_P(SelectorToString, MatchesUpstreamsString) {
  const RoundTripCase& c = GetParam();
  EXPECT_EQ(must_parse(c.text).to_string(), c.expected) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SelectorToString,
    ::testing::Values(
        // name, text, String(), and why: TestSelectorParse wants the text with its spaces removed
        RoundTripCase{"ThreeEquals", "x=a,y=b,z=c", "x=a,y=b,z=c"},  // [upstream TestSelectorParse]
        RoundTripCase{"Empty", "", ""},                              // [upstream]
        RoundTripCase{"NotEquals", "x!=a,y=b", "x!=a,y=b"},          // [upstream]
        RoundTripCase{"EqualsNothing", "x=", "x="},                  // [upstream]
        RoundTripCase{"EqualsSpace", "x= ", "x="},                   // [upstream]
        RoundTripCase{"TwoEmpty", "x=,z= ", "x=,z="},                // [upstream]
        RoundTripCase{"TwoEmptySpaced", "x= ,z= ", "x=,z="},         // [upstream]
        RoundTripCase{"Bang", "!x", "!x"},                           // [upstream]
        RoundTripCase{"Gt", "x>1", "x>1"},                           // [upstream]
        RoundTripCase{"GtLt", "x>1,z<5", "x>1,z<5"},                 // [upstream]
        RoundTripCase{"Sorted", "x=a,a=x", "a=x,x=a"},               // [upstream TestDeterministicParse]
        RoundTripCase{"SortedAlready", "a=x,x=a", "a=x,x=a"},        // [upstream TestDeterministicParse]
        RoundTripCase{"Sets", "y in (mno,jkl),x notin (abc),z notin ()",
                      "x notin (abc),y in (jkl,mno),z notin ()"},                // [upstream TestToString]
        RoundTripCase{"Mixed", "x=abc,y==jkl,z!=a,z", "x=abc,y==jkl,z!=a,z"}));  // [upstream TestToString]

// --- Invalid text: upstream's error message --------------------------------------------------

struct InvalidCase {
  const char* name;
  std::string text;
  std::string message;
};

void PrintTo(const InvalidCase& c, std::ostream* os) {
  *os << c.name;
}

class SelectorRejectsInvalid : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(SelectorRejectsInvalid, WithUpstreamsMessage) {
  const InvalidCase& c = GetParam();
  const auto result = parse_label_selector(c.text);
  const auto* error = std::get_if<CalculationError>(&result);
  ASSERT_NE(error, nullptr) << c.text << " parsed as " << std::get<LabelSelector>(result).to_string();
  EXPECT_EQ(error->message, c.message) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SelectorRejectsInvalid,
    ::testing::Values(
        // name, text, message, and why
        InvalidCase{"OrIsPartOfValue", "x=a||y=b",
                    "unable to parse requirement: values[0][x]: Invalid value: \"a||y\": " +
                        kValueRule},  // "a||y" is one identifier [upstream TestSelectorParse]
        InvalidCase{"ChainedEquals", "x==a==b", "found '==', expected: ',' or 'end of string'"},  // [upstream]
        InvalidCase{"BangWithValue", "!x=a", "found '=', expected: ',' or 'end of string'"},      // [upstream]
        InvalidCase{"LtNotInteger", "x<a",
                    "unable to parse requirement: values[0]: Invalid value: \"a\": " + kNotInteger},    // [upstream]
        InvalidCase{"DoubleComma", "x,,y", "found ',', expected: identifier after ','"},                // [upstream]
        InvalidCase{"LeadingComma", ",x,y", "found ',', expected: !, identifier, or 'end of string'"},  // [upstream]
        InvalidCase{"MisspelledOperator", "x nott in (y)",
                    "unable to parse requirement: found 'nott', expected: in, notin, =, ==, !=, gt, lt"},  // [upstream]
        InvalidCase{"TrailingComma", "a in (xyz),", "found '', expected: identifier after ','"},           // [upstream]
        InvalidCase{"MissingComma", "a in (xyz)b notin ()",
                    "found 'b', expected: ',' or 'end of string'"},  // [upstream]
        InvalidCase{"SpaceSeparatedValues", "a in (xyz abc)",
                    "unable to parse requirement: found 'abc', expected: ',' or ')'"},  // no comma [upstream]
        InvalidCase{"UnclosedParen", "a notin(",
                    "unable to parse requirement: found '', expected: ',', ')' or identifier"},  // [upstream]
        InvalidCase{"ParenAfterKey", "a (",
                    "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt"},     // [upstream]
        InvalidCase{"OnlyParen", "(", "found '(', expected: !, identifier, or 'end of string'"},           // [upstream]
        InvalidCase{"InWithoutParens", "x in a", "unable to parse requirement: found 'a' expected: '('"},  // no ','
        InvalidCase{"UnclosedList", "x in (a,", "unable to parse requirement: found '', expected: ',', or identifier"},
        InvalidCase{"BangAlone", "!", "unable to parse requirement: found '', expected: identifier"},  // no key
        InvalidCase{"DoubleBang", "!!x", "unable to parse requirement: found '!', expected: identifier"},
        InvalidCase{"BangIn", "!x in (a)", "found 'in', expected: ',' or 'end of string'"},  // '!' takes no operator
        InvalidCase{"TwoKeys", "a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"},
        InvalidCase{"NulBetweenKeys", std::string("a\0b"sv),
                    "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"},  // NUL skipped
        InvalidCase{"GreaterOrEqual", "x>=1",
                    "unable to parse requirement: found '=', expected: identifier"},  // no ">=" token
        InvalidCase{"TripleEquals", "x===a", "unable to parse requirement: found '=', expected: identifier"},
        InvalidCase{"GtEmpty", "x>", "unable to parse requirement: values[0]: Invalid value: \"\": " + kNotInteger},
        InvalidCase{"GtNegative", "x>-1",
                    "unable to parse requirement: values[0][x]: Invalid value: \"-1\": " +
                        kValueRule},  // an integer, but not a label value
        InvalidCase{"GtOverflow", "x>9223372036854775808",
                    "unable to parse requirement: values[0]: Invalid value: \"9223372036854775808\": " +
                        kNotInteger},  // 2^63 is past int64
        InvalidCase{"GtBothErrors", "x>a-",
                    "unable to parse requirement: [values[0]: Invalid value: \"a-\": " + kNotInteger +
                        ", values[0][x]: Invalid value: \"a-\": " + kValueRule + "]"},  // aggregated
        InvalidCase{"InBadValueIndexSorted", "x in (b,-a)",
                    "unable to parse requirement: values[0][x]: Invalid value: \"-a\": " +
                        kValueRule},  // index in the sorted set: "-a" sorts first
        InvalidCase{"ValueTooLong", "x=" + std::string(64, 'a'),
                    "unable to parse requirement: values[0][x]: Invalid value: \"" + std::string(64, 'a') +
                        "\": must be no more than 63 bytes"},  // 63 bytes at most
        InvalidCase{"EmptyName", "x/", kBadKey + "\"x/\": name part must be non-empty; name part " + kNameRule},
        InvalidCase{"EmptyPrefix", "/x", kBadKey + "\"/x\": prefix part must be non-empty"},
        InvalidCase{"UppercasePrefix", "Example.com/x", kBadKey + "\"Example.com/x\": " + kPrefixRule},
        InvalidCase{"PrefixTooLong", std::string(254, 'a') + "/x",
                    kBadKey + "\"" + std::string(254, 'a') + "/x\": prefix part must be no more than 253 bytes"},
        InvalidCase{"NameTooLong", std::string(64, 'a'),
                    kBadKey + "\"" + std::string(64, 'a') + "\": name part must be no more than 63 bytes"},
        InvalidCase{"TwoSlashes", "a/b/c",
                    kBadKey + "\"a/b/c\": a valid label key " + kNameRule +
                        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"},
        InvalidCase{"NameEndsWithDash", "x-", kBadKey + "\"x-\": name part " + kNameRule},
        InvalidCase{"QuotedInMessage", "a\"b\x01", kBadKey + "\"a\\\"b\\x01\": name part " + kNameRule},  // Go's %q
        InvalidCase{"Utf8KeptInMessage", "caf\xc3\xa9",
                    kBadKey + "\"caf\xc3\xa9\": name part " + kNameRule},  // printable runes stay as they are
        InvalidCase{"BadUtf8Escaped", "a\xff", kBadKey + "\"a\\xff\": name part " + kNameRule}));

// --- make_label_requirement: upstream's NewRequirement ---------------------------------------

struct RequirementCase {
  const char* name;
  std::string key;
  Op op;
  std::vector<std::string> values;
  std::string message;  // "": valid
};

void PrintTo(const RequirementCase& c, std::ostream* os) {
  *os << c.name;
}

class RequirementConstructor : public ::testing::TestWithParam<RequirementCase> {};

TEST_P(RequirementConstructor, ValidatesAsUpstream) {
  const RequirementCase& c = GetParam();
  const auto result = make_label_requirement(c.key, c.op, c.values);
  if (c.message.empty()) {
    ASSERT_TRUE(ok(result)) << std::get<CalculationError>(result).message;
    EXPECT_EQ(std::get<LabelRequirement>(result), (LabelRequirement{c.key, c.op, c.values}));
  } else {
    ASSERT_FALSE(ok(result));
    EXPECT_EQ(std::get<CalculationError>(result).message, c.message);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RequirementConstructor,
    ::testing::Values(
        // name, key, op, values, error ("": valid), and why
        RequirementCase{
            "InNoValues",
            "x",
            Op::In,
            {},
            "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty"},  // [upstream]
        RequirementCase{
            "NotInNoValues",
            "x",
            Op::NotIn,
            {},
            "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty"},  // [upstream]
        RequirementCase{"InOne", "x", Op::In, {"foo"}, ""},                                        // [upstream]
        RequirementCase{"NotInOne", "x", Op::NotIn, {"foo"}, ""},                                  // [upstream]
        RequirementCase{"Exists", "x", Op::Exists, {}, ""},                                        // [upstream]
        RequirementCase{"DoesNotExist", "x", Op::DoesNotExist, {}, ""},                            // [upstream]
        RequirementCase{"DigitFirstKey", "1foo", Op::In, {"bar"}, ""},                             // [upstream]
        RequirementCase{"AllDigitKey", "1234", Op::In, {"bar"}, ""},                               // [upstream]
        RequirementCase{"Gt", "y", Op::GreaterThan, {"1"}, ""},                                    // [upstream]
        RequirementCase{"Lt", "z", Op::LessThan, {"6"}, ""},                                       // [upstream]
        RequirementCase{"GtWord",
                        "foo",
                        Op::GreaterThan,
                        {"bar"},
                        "values[0]: Invalid value: \"bar\": for 'Gt', 'Lt' operators, the value must be an integer"},
        RequirementCase{"LtWord",
                        "barz",
                        Op::LessThan,
                        {"blah"},
                        "values[0]: Invalid value: \"blah\": for 'Gt', 'Lt' operators, the value must be an integer"},
        RequirementCase{"GtNoValue",
                        "x",
                        Op::GreaterThan,
                        {},
                        "values: Invalid value: []: for 'Gt', 'Lt' operators, exactly one value is required"},
        RequirementCase{"EqualsTwo",
                        "x",
                        Op::Equals,
                        {"bar", "foo"},
                        "values: Invalid value: [\"bar\",\"foo\"]: exact-match compatibility requires one single "
                        "value"},  // [upstream, newer table]
        RequirementCase{"ExistsWithValue",
                        "x",
                        Op::Exists,
                        {"foo"},
                        "values: Invalid value: [\"foo\"]: values set must be empty for exists and does not exist"},
        RequirementCase{"ValueWithSpace",
                        "x",
                        Op::Equals,
                        {"a b"},
                        "values[0][x]: Invalid value: \"a b\": a valid label must be an empty string or consist of "
                        "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
                        "character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
                        "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"},  // [upstream, newer table]
        RequirementCase{"EmptyValue", "x", Op::Equals, {""}, ""},           // the empty string is a value
        RequirementCase{"KeyAndCount",
                        "-x",
                        Op::Equals,
                        {},
                        "[key: Invalid value: \"-x\": name part must consist of alphanumeric characters, '-', '_' or "
                        "'.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  "
                        "or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]'), "
                        "values: Invalid value: []: exact-match compatibility requires one single value]"},  // both
        RequirementCase{"JsonEscapes",
                        "x",
                        Op::Equals,
                        {"<a>", "\"&\""},
                        "[values: Invalid value: [\"\\u003ca\\u003e\",\"\\\"\\u0026\\\"\"]: exact-match compatibility "
                        "requires one single value, values[0][x]: Invalid value: \"<a>\": " +
                            kValueRule + ", values[1][x]: Invalid value: \"\\\"&\\\"\": " + kValueRule + "]"}));

// Upstream's TestRequirementConstructor case "breaks DNS rule that len(key) <= 253": a 254-byte key
// without a '/' is all name, so it is the 63-byte name rule that rejects it.
TEST(RequirementConstructorKey, KeyTooLongFailsOnTheNameRule) {
  const std::string key(254, 'a');
  const auto result = make_label_requirement(key, Op::Exists, {});
  ASSERT_FALSE(ok(result));
  EXPECT_EQ(std::get<CalculationError>(result).message,
            "key: Invalid value: \"" + key + "\": name part must be no more than 63 bytes");
}

// --- Matching --------------------------------------------------------------------------------

struct MatchCase {
  const char* name;
  std::string_view selector;
  Labels labels;
  bool matches;
};

void PrintTo(const MatchCase& c, std::ostream* os) {
  *os << c.name;
}

class SelectorMatches : public ::testing::TestWithParam<MatchCase> {};

TEST_P(SelectorMatches, AsUpstreamRequirementMatches) {
  const MatchCase& c = GetParam();
  EXPECT_EQ(must_parse(c.selector).matches(c.labels), c.matches) << c.selector;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SelectorMatches,
    ::testing::Values(
        // name, selector, labels, matches, and why
        MatchCase{"EmptyMatchesAll", "", {{"x", "y"}}, true},                         // [upstream TestSelectorMatches]
        MatchCase{"EmptyMatchesNoLabels", "", {}, true},                              // Everything
        MatchCase{"Equal", "x=y", {{"x", "y"}}, true},                                // [upstream]
        MatchCase{"TwoEqual", "x=y,z=w", {{"x", "y"}, {"z", "w"}}, true},             // [upstream]
        MatchCase{"TwoNotEqual", "x!=y,z!=w", {{"x", "z"}, {"z", "a"}}, true},        // [upstream]
        MatchCase{"KeywordsExact", "notin=in", {{"notin", "in"}}, true},              // [upstream]
        MatchCase{"Exists", "x", {{"x", "z"}}, true},                                 // [upstream]
        MatchCase{"DoesNotExist", "!x", {{"y", "z"}}, true},                          // [upstream]
        MatchCase{"Gt", "x>1", {{"x", "2"}}, true},                                   // [upstream]
        MatchCase{"Lt", "x<1", {{"x", "0"}}, true},                                   // [upstream]
        MatchCase{"EqualAbsent", "x=z", {}, false},                                   // [upstream]
        MatchCase{"EqualOther", "x=y", {{"x", "z"}}, false},                          // [upstream]
        MatchCase{"OneOfTwoEqual", "x=y,z=w", {{"x", "w"}, {"z", "w"}}, false},       // [upstream]
        MatchCase{"OneOfTwoNotEqual", "x!=y,z!=w", {{"x", "z"}, {"z", "w"}}, false},  // [upstream]
        MatchCase{"ExistsAbsent", "x", {{"y", "z"}}, false},                          // [upstream]
        MatchCase{"DoesNotExistPresent", "!x", {{"x", "z"}}, false},                  // [upstream]
        MatchCase{"GtSmaller", "x>1", {{"x", "0"}}, false},                           // [upstream]
        MatchCase{"LtLarger", "x<1", {{"x", "2"}}, false},                            // [upstream]
        MatchCase{"FooBar", "foo=bar,baz=blah", {{"foo", "bar"}, {"baz", "blah"}}, true},                // [upstream]
        MatchCase{"FooBlah", "foo=blah", {{"foo", "bar"}, {"baz", "blah"}}, false},                      // [upstream]
        MatchCase{"ExtraKey", "foo=bar,foobar=bar,baz=blah", {{"foo", "bar"}, {"baz", "blah"}}, false},  // [upstream]
        // TestRequirementSelectorMatching, written as text.
        MatchCase{"InAndNotIn", "x in (foo),y notin (alpha)", {{"x", "foo"}, {"y", "baz"}}, true},  // [upstream]
        MatchCase{"InAndIn", "x in (foo),y in (alpha)", {{"x", "foo"}, {"y", "baz"}}, false},       // [upstream]
        MatchCase{"NotInAbsentMatches", "x notin (),y", {{"y", ""}}, true},        // [upstream] x is absent
        MatchCase{"DoesNotExistAndExists", "!x,y", {{"y", ""}}, true},             // [upstream]
        MatchCase{"NotInAbsentButYPresent", "x notin (),!y", {{"y", ""}}, false},  // [upstream]
        MatchCase{"InEmptyValueAbsent", "x in ()", {{"y", "baz"}}, false},         // [upstream] needs x
        MatchCase{"InEmptyValuePresent", "x in ()", {{"x", ""}}, true},            // x="" is listed
        MatchCase{"GtTwo", "z>1", {{"z", "2"}}, true},                             // [upstream]
        MatchCase{"GtNotANumber", "z>1", {{"z", "v2"}}, false},                    // [upstream]
        // Absent keys: only NotIn, != and ! match.
        MatchCase{"NotEqualsAbsent", "x!=a", {}, true},     // upstream case (4)
        MatchCase{"NotInAbsent", "x notin (a)", {}, true},  // upstream case (4)
        MatchCase{"InAbsent", "x in (a)", {}, false}, MatchCase{"GtAbsent", "x>1", {}, false},
        MatchCase{"LtAbsent", "x<1", {}, false}, MatchCase{"DoubleEqualsMatches", "x==a", {{"x", "a"}}, true},
        // Gt/Lt read the label's value with Go's ParseInt(v, 10, 64).
        MatchCase{"GtPlusSign", "x>1", {{"x", "+2"}}, true},       // a sign is allowed
        MatchCase{"LtNegative", "x<0", {{"x", "-5"}}, true},       // negative label values work
        MatchCase{"GtLeadingZeros", "x>9", {{"x", "010"}}, true},  // decimal, not octal
        MatchCase{"GtEqualIsNot", "x>5", {{"x", "5"}}, false},     // strict
        MatchCase{"LtEqualIsNot", "x<5", {{"x", "5"}}, false},     // strict
        MatchCase{"GtMaxInt64", "x>9223372036854775806", {{"x", "9223372036854775807"}}, true},
        MatchCase{"GtOverflowLabel", "x>1", {{"x", "9223372036854775808"}}, false},   // not an int64
        MatchCase{"LtMinInt64", "x<0", {{"x", "-9223372036854775808"}}, true},        // the smallest int64
        MatchCase{"LtBelowMinInt64", "x<0", {{"x", "-9223372036854775809"}}, false},  // not an int64
        MatchCase{"GtUnderscore", "x>1", {{"x", "1_0"}}, false},                      // base 10: no '_'
        MatchCase{"GtHex", "x>1", {{"x", "0x10"}}, false},                            // base 10: no prefix
        MatchCase{"GtDecimalPoint", "x>1", {{"x", "2.0"}}, false},                    // integers only
        MatchCase{"GtSpace", "x>1", {{"x", " 2"}}, false},                            // no trimming
        MatchCase{"GtEmptyLabel", "x>1", {{"x", ""}}, false},                         // "" is not a number
        MatchCase{"GtSignOnly", "x<1", {{"x", "-"}}, false},                          // a sign needs digits
        MatchCase{"TaskExample",
                  "app=web,tier in (frontend,backend),!canary",
                  {{"app", "web"}, {"tier", "backend"}, {"pod-template-hash", "abc"}},
                  true},
        MatchCase{"TaskExampleCanary",
                  "app=web,tier in (frontend,backend),!canary",
                  {{"app", "web"}, {"tier", "backend"}, {"canary", "true"}},
                  false}));

// Requirements built by hand can break what the parser guarantees; Matches then says no, as upstream.
TEST(RequirementMatches, MalformedGtLtNeverMatch) {
  const Labels labels{{"x", "5"}};
  EXPECT_FALSE((LabelRequirement{"x", Op::GreaterThan, {"1", "2"}}.matches(labels)));  // two values
  EXPECT_FALSE((LabelRequirement{"x", Op::GreaterThan, {}}.matches(labels)));          // no value
  EXPECT_FALSE((LabelRequirement{"x", Op::LessThan, {"ten"}}.matches(labels)));        // not an integer
  EXPECT_TRUE((LabelRequirement{"x", Op::LessThan, {"10"}}.matches(labels)));          // the well-formed control
}

TEST(RequirementMatches, EmptyInSetNeverMatchesAndEmptyNotInAlwaysDoes) {
  const Labels labels{{"x", "a"}};
  EXPECT_FALSE((LabelRequirement{"x", Op::In, {}}.matches(labels)));    // nothing is listed
  EXPECT_TRUE((LabelRequirement{"x", Op::NotIn, {}}.matches(labels)));  // nothing is excluded
}

}  // namespace
}  // namespace hpad::policies
