// Expected failures as values: a Result<T> holds either the T a pure function computed or the
// CalculationError explaining why it could not (messages follow upstream's wording, so they can
// be shown in conditions verbatim). Plain values: thread-safe.
#pragma once

#include <string>
#include <variant>

namespace hpad::policies {

struct CalculationError {
  std::string message;
};

template <typename T>
using Result = std::variant<T, CalculationError>;

template <typename T>
bool ok(const Result<T>& result) {
  return std::holds_alternative<T>(result);
}

}  // namespace hpad::policies
