// Kubernetes label selector strings ("app=web,tier in (frontend,backend),!canary"), parsed as
// apimachinery's labels.Parse parses the HPA's scale.status.selector, and matched against a pod's
// labels as Requirement.Matches does. Pure: no I/O, no globals; every type here is a plain value,
// so everything is thread-safe.
//
// Upstream: k8s.io/apimachinery/pkg/labels/selector.go (the Lexer, the Parser, NewRequirement,
// Requirement.Matches, String) and the label key/value rules (validation.IsQualifiedName,
// IsValidLabelValue, now content.IsLabelKey / IsLabelValue). Error texts are upstream's, including
// its "<nil>" field path and its aggregated "[a, b]" form, with the newest wording ("bytes",
// "a valid label key").
//
// Invariants of a LabelSelector that parse_label_selector returns:
//   - every requirement passed make_label_requirement (valid key, valid values, value count fits
//     the operator; Gt/Lt hold exactly one value that parses as an int64);
//   - requirements are sorted by key (bytewise), equal keys kept in written order; the values of
//     each requirement are sorted and unique (upstream keeps them in a sets.String);
//   - no requirements at all: the selector matches every label set (labels.Parse("") is
//     Everything). The HPA rejects an empty selector string itself; that is the caller's check.
// Work bounds: parsing is O(n log n) in the text's length and allocates O(n); matches() is
// O(requirements × (log labels + values)).
//
// Where we differ from upstream, on purpose:
//   - Go's sort.Sort is not stable past 12 requirements, so upstream may order requirements with
//     equal keys differently there; we always keep their written order (matching is unaffected);
//   - a key or value is quoted in messages as Go's %q quotes it, except that which non-ASCII code
//     points count as printable (kept) is approximated: C1 controls, the Unicode spaces and the
//     common format characters are escaped, every other valid code point is kept.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "hpad/policies/result.h"

namespace hpad::policies {

struct LabelRequirement {
  // Upstream's selection.Operator values, in the names the brief fixed ("=", "==", "!=", "in",
  // "notin", "exists", "!", "gt", "lt").
  enum class Op : std::uint8_t {
    Equals,
    DoubleEquals,
    NotEquals,
    In,
    NotIn,
    Exists,
    DoesNotExist,
    GreaterThan,
    LessThan,
  };

  std::string key;
  Op op = Op::Exists;
  std::vector<std::string> values;

  // Requirement.Matches: In/=/== need the key present with a listed value; NotIn/!= match when
  // the key is absent or its value is not listed; Gt/Lt need the key present, its value and the
  // single requirement value both int64 (Go's ParseInt, base 10), and the strict inequality.
  // Anything else (a Gt with two values, a non-integer) does not match.
  bool matches(const std::map<std::string, std::string>& labels) const;

  bool operator==(const LabelRequirement&) const = default;
};

struct LabelSelector {
  std::vector<LabelRequirement> requirements;  // ANDed

  // True iff every requirement matches; an empty selector matches everything.
  bool matches(const std::map<std::string, std::string>& labels) const;

  // Upstream's Selector.String(): requirements joined by ',', "x in (a,b)", "!x", "x>1", values of
  // a set requirement sorted. "" for the empty selector.
  std::string to_string() const;

  bool operator==(const LabelSelector&) const = default;
};

// labels.Parse. <selector> ::= <requirement> ["," <selector>]; <requirement> ::= ["!"] KEY
// [ ("in" | "notin") "(" VALUE {"," VALUE} ")" | ("=" | "==" | "!=" | ">" | "<") VALUE ].
// Whitespace (' ', '\t', '\r', '\n') separates tokens; a NUL byte ends the text where a token
// would start and is skipped where it ends one, as upstream's lexer does. An empty VALUE is
// allowed ("x=", "x in (,a)", "x in ()" is the one value ""). Errors read as upstream's, e.g.
// "found '==', expected: ',' or 'end of string'" or "unable to parse requirement: <nil>: Invalid
// value: \"x/\": name part must be non-empty; ...".
Result<LabelSelector> parse_label_selector(std::string_view text);

// NewRequirement: the key must be a qualified name (optional DNS-1123 subdomain prefix of at most
// 253 bytes and '/', then a name of at most 63 bytes of [A-Za-z0-9][-A-Za-z0-9_.]*[A-Za-z0-9]);
// each value a label value (at most 63 bytes, empty or the name pattern); In/NotIn need at least
// one value, =/==/!= exactly one, Exists/DoesNotExist none, Gt/Lt exactly one int64. Values are
// kept as given (the parser sorts and deduplicates them first). All problems are reported at once.
Result<LabelRequirement> make_label_requirement(std::string key, LabelRequirement::Op op,
                                                std::vector<std::string> values);

}  // namespace hpad::policies
