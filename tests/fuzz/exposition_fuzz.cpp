// libFuzzer target: arbitrary bytes as a Prometheus text exposition (what a pod's /metrics could
// serve), through parse_exposition. Beyond "no crash, no UB, no leak, no exception": on success
// every family has a valid metric name and each of its samples is named after it (the family's
// name, plus a suffix its type allows); on error the position is at least line 1, column 1, it
// names a line the text has, and the message is not empty.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "hpad/metrics/exposition.h"

namespace {

[[noreturn]] void fail(const std::string& what, std::string_view input) {
  std::cerr << "exposition_fuzz: " << what << "\ninput:\n" << input << "\n";
  std::abort();
}

bool valid_metric_name(std::string_view name) {
  const auto start = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'; };
  return !name.empty() && start(name[0]) &&
         std::all_of(name.begin(), name.end(), [&](char c) { return start(c) || (c >= '0' && c <= '9'); });
}

bool allowed_suffix(hpad::metrics::MetricType type, std::string_view suffix) {
  using hpad::metrics::MetricType;
  if (suffix.empty()) {
    return type != MetricType::kHistogram;
  }
  if (type == MetricType::kHistogram) {
    return suffix == "_bucket" || suffix == "_sum" || suffix == "_count";
  }
  return type == MetricType::kSummary && (suffix == "_sum" || suffix == "_count");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::variant<std::vector<hpad::metrics::MetricFamily>, hpad::metrics::ExpositionError> result;
  try {
    result = hpad::metrics::parse_exposition(text);
  } catch (const std::exception& e) {
    fail(std::string("exception escaped: ") + e.what(), text);
  }
  if (const auto* error = std::get_if<hpad::metrics::ExpositionError>(&result)) {
    const auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
    if (error->line < 1 || error->column < 1 || error->message.empty() ||
        static_cast<std::size_t>(error->line) > lines) {
      fail("bad error: " + error->to_string(), text);
    }
    return 0;
  }
  for (const hpad::metrics::MetricFamily& family : std::get<std::vector<hpad::metrics::MetricFamily>>(result)) {
    if (!valid_metric_name(family.name)) {
      fail("invalid family name \"" + family.name + "\"", text);
    }
    for (const hpad::metrics::ExpositionSample& sample : family.samples) {
      const std::string_view name = sample.name;
      if (!name.starts_with(family.name) || !allowed_suffix(family.type, name.substr(family.name.size()))) {
        fail("sample \"" + sample.name + "\" in family \"" + family.name + "\"", text);
      }
    }
  }
  return 0;
}
