// Family assembly for the text exposition format: exposition_line.cpp parses each line on its
// own; here each line finds its family. Only the current family (the one the last HELP, TYPE or
// sample line named) can take more lines; meeting any earlier family again is an error, which is
// what makes "a family's lines are contiguous" checkable with one hash lookup per new name.
//
// Invariants of Assembler:
//   - families_[i] and states_[i] describe the same family, index_ maps each family's name to i;
//   - current_ is empty iff no family has been opened yet; otherwise it is the last one opened.
#include "hpad/metrics/exposition.h"

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "exposition_line.h"

namespace hpad::metrics {
namespace {

using detail::HelpLine;
using detail::IgnoredLine;
using detail::LineError;
using detail::quote;
using detail::SampleLine;
using detail::TypeLine;

// How a sample's name relates to its family's name.
enum class Suffix : std::uint8_t { kNone, kBucket, kSum, kCount };

// The suffix `name` has as a sample of `family`, or nothing if the name does not belong to it.
std::optional<Suffix> member_suffix(const MetricFamily& family, std::string_view name) {
  if (!name.starts_with(family.name)) {
    return std::nullopt;
  }
  const std::string_view rest = name.substr(family.name.size());
  if (rest.empty()) {
    return Suffix::kNone;
  }
  const bool histogram = family.type == MetricType::kHistogram;
  if (histogram || family.type == MetricType::kSummary) {
    if (rest == "_sum") {
      return Suffix::kSum;
    }
    if (rest == "_count") {
      return Suffix::kCount;
    }
    if (histogram && rest == "_bucket") {
      return Suffix::kBucket;
    }
  }
  return std::nullopt;
}

struct NameHash {
  using is_transparent = void;  // look up a string_view without building a std::string
  std::size_t operator()(std::string_view name) const noexcept { return std::hash<std::string_view>{}(name); }
};

class Assembler {
 public:
  std::optional<LineError> add(detail::Line line) {
    return std::visit([this](auto&& parsed) { return on(std::forward<decltype(parsed)>(parsed)); }, std::move(line));
  }

  std::vector<MetricFamily> take() { return std::move(families_); }

 private:
  struct State {
    bool has_help = false;
    bool has_type = false;
  };

  std::optional<LineError> on(IgnoredLine&&) { return std::nullopt; }
  std::optional<LineError> on(LineError&& error) { return std::move(error); }

  std::optional<LineError> on(HelpLine&& help) {
    const auto family = family_for_comment(help.name);
    if (!family) {
      return not_contiguous(help.name, help.name_column);
    }
    if (states_[*family].has_help) {
      return LineError{help.name_column, "second HELP line for " + quote(help.name)};
    }
    states_[*family].has_help = true;
    families_[*family].help = std::move(help.help);
    return std::nullopt;
  }

  std::optional<LineError> on(TypeLine&& type) {
    const auto family = family_for_comment(type.name);
    if (!family) {
      return not_contiguous(type.name, type.name_column);
    }
    if (states_[*family].has_type) {
      return LineError{type.name_column, "second TYPE line for " + quote(type.name)};
    }
    if (!families_[*family].samples.empty()) {
      return LineError{type.name_column, "TYPE line for " + quote(type.name) + " after its samples"};
    }
    states_[*family].has_type = true;
    families_[*family].type = type.type;
    return std::nullopt;
  }

  std::optional<LineError> on(SampleLine&& sample) {
    std::optional<Suffix> suffix;
    if (current_) {
      suffix = member_suffix(families_[*current_], sample.name);
    }
    if (!suffix) {
      if (const std::optional<std::string_view> earlier = earlier_family_of(sample.name)) {
        return not_contiguous(*earlier, sample.name_column);
      }
      open(sample.name);
      suffix = Suffix::kNone;
    }
    MetricFamily& family = families_[*current_];
    if (auto error = check_role(family, *suffix, sample)) {
      return error;
    }
    family.samples.push_back(
        ExpositionSample{std::string(sample.name), std::move(sample.labels), sample.value, sample.timestamp_ms});
    return std::nullopt;
  }

  // A histogram sample has a suffix, and a bucket an `le`; a summary's plain sample has a
  // `quantile`. Both bounds must be numbers, as expfmt requires.
  static std::optional<LineError> check_role(const MetricFamily& family, Suffix suffix, const SampleLine& sample) {
    std::string_view label;
    int column = 0;
    if (family.type == MetricType::kHistogram) {
      if (suffix == Suffix::kNone) {
        return LineError{sample.name_column, "histogram " + quote(family.name) + " has a sample without " +
                                                 "_bucket, _sum or _count: " + quote(sample.name)};
      }
      if (suffix != Suffix::kBucket) {
        return std::nullopt;
      }
      label = "le";
      column = sample.le_column;
    } else if (family.type == MetricType::kSummary && suffix == Suffix::kNone) {
      label = "quantile";
      column = sample.quantile_column;
    } else {
      return std::nullopt;
    }
    const auto found = sample.labels.find(std::string(label));
    if (found == sample.labels.end()) {
      return LineError{sample.name_column, quote(sample.name) + " has no " + quote(label) + " label"};
    }
    if (!detail::parse_go_float(found->second)) {
      return LineError{column, "invalid " + quote(label) + " value " + quote(found->second)};
    }
    return std::nullopt;
  }

  // HELP and TYPE name a family exactly: the current one, or a new one (nothing if the name
  // belongs to an earlier family).
  std::optional<std::size_t> family_for_comment(std::string_view name) {
    if (current_ && families_[*current_].name == name) {
      return current_;
    }
    if (index_.find(name) != index_.end()) {
      return std::nullopt;
    }
    open(name);
    return current_;
  }

  // The earlier family a sample named `name` belongs to: its own name, or a histogram's or
  // summary's name plus a suffix that family's type allows.
  std::optional<std::string_view> earlier_family_of(std::string_view name) const {
    if (index_.find(name) != index_.end()) {
      return name;
    }
    for (const std::string_view suffix : {"_bucket", "_sum", "_count"}) {
      if (!name.ends_with(suffix)) {
        continue;
      }
      const std::string_view base = name.substr(0, name.size() - suffix.size());
      if (const auto found = index_.find(base); found != index_.end()) {
        if (member_suffix(families_[found->second], name)) {
          return base;
        }
      }
    }
    return std::nullopt;
  }

  static LineError not_contiguous(std::string_view family, int column) {
    return LineError{column, "lines of metric family " + quote(family) + " are not contiguous"};
  }

  void open(std::string_view name) {
    families_.push_back(MetricFamily{std::string(name), MetricType::kUntyped, {}, {}});
    states_.emplace_back();
    index_.emplace(std::string(name), families_.size() - 1);
    current_ = families_.size() - 1;
  }

  std::vector<MetricFamily> families_;
  std::vector<State> states_;
  std::unordered_map<std::string, std::size_t, NameHash, std::equal_to<>> index_;
  std::optional<std::size_t> current_;
};

}  // namespace

std::string ExpositionError::to_string() const {
  return "line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + message;
}

std::variant<std::vector<MetricFamily>, ExpositionError> parse_exposition(std::string_view text) {
  int line_number = 0;
  try {
    Assembler assembler;
    std::size_t start = 0;
    while (start < text.size()) {
      const std::size_t newline = text.find('\n', start);
      const std::size_t end = newline == std::string_view::npos ? text.size() : newline;
      std::string_view line = text.substr(start, end - start);
      if (line.ends_with('\r')) {
        line.remove_suffix(1);
      }
      line_number = line_number == INT_MAX ? INT_MAX : line_number + 1;
      if (std::optional<LineError> error = assembler.add(detail::parse_line(line))) {
        return ExpositionError{line_number, error->column, std::move(error->message)};
      }
      start = end + 1;
    }
    return assembler.take();
  } catch (const std::exception&) {
    // Only allocation can throw here (bad_alloc, length_error); the message fits the small-string
    // buffer, so building the error allocates nothing.
    return ExpositionError{std::max(line_number, 1), 1, "out of memory"};
  }
}

}  // namespace hpad::metrics
