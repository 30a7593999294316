// Internal to hpad::policies: the label key and value rules of apimachinery (content.IsLabelKey,
// IsLabelValue, IsDNS1123Subdomain) with upstream's exact messages, Go's %q quoting for the
// values shown in them, and the small helpers the selector parser shares with them. Pure;
// thread-safe. Split from label_selector.cpp, which keeps the lexer, the parser and matching.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hpad::policies::detail {

// Go's strconv.Quote, as fmt's %q prints a key or a value in upstream's messages.
std::string go_quote(std::string_view text);
// A JSON array of strings, as upstream prints a value list (["a","b"]).
std::string json_strings(const std::vector<std::string>& values);
std::string join(const std::vector<std::string>& parts, std::string_view separator);
// Why a key is not a valid label key / a value not a valid label value (empty: valid).
std::vector<std::string> label_key_errors(std::string_view key);
std::vector<std::string> label_value_errors(std::string_view value);
// Go's strconv.ParseInt(text, 10, 64).
std::optional<std::int64_t> parse_int64(std::string_view text);
// utilerrors.NewAggregate(...).Error(): one message, or "[a, b]" with duplicates dropped.
std::string aggregate(const std::vector<std::string>& messages);

}  // namespace hpad::policies::detail
