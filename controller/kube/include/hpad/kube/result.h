// Expected failures of hpad::kube as values: a Result<T> holds either the T a function produced
// or the Error saying why not. Messages name the file, context or resource involved and never
// contain a secret (token, password, key). Plain values: thread-safe.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace hpad::kube {

struct Error {
  std::string message;
};

template <typename T>
using Result = std::variant<T, Error>;

template <typename T>
bool ok(const Result<T>& result) {
  return std::holds_alternative<T>(result);
}

// Precondition: ok(result).
template <typename T>
const T& value(const Result<T>& result) {
  return std::get<T>(result);
}
template <typename T>
T& value(Result<T>& result) {
  return std::get<T>(result);
}

// Precondition: !ok(result).
template <typename T>
const Error& error(const Result<T>& result) {
  return std::get<Error>(result);
}

inline Error make_error(std::string message) {
  return Error{std::move(message)};
}

}  // namespace hpad::kube
