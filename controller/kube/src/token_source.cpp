// See token_source.h.
#include "hpad/kube/token_source.h"

#include <utility>

#include "files.h"

namespace hpad::kube {

TokenSource::TokenSource(std::filesystem::path token_file, std::string initial_token, SteadyClock clock)
    : path_(std::move(token_file)), initial_token_(std::move(initial_token)), clock_(std::move(clock)) {}

Result<std::string> TokenSource::token() {
  const auto now = clock_();
  std::lock_guard lock(mutex_);
  if (cached_ && now < read_at_ + kPeriod - kLeeway) {
    return *cached_;
  }
  auto bytes = detail::read_small_file(path_, "token file", 64 * 1024);
  std::optional<Error> failure;
  if (!ok(bytes)) {
    failure = error(bytes);
  } else if (std::string trimmed = detail::trim_space(value(bytes)); trimmed.empty()) {
    failure = make_error("read empty token from file \"" + path_.string() + "\"");
  } else {
    cached_ = std::move(trimmed);
    read_at_ = now;
    return *cached_;
  }
  if (cached_) {
    return *cached_;  // keep serving the last good token (client-go: "Unable to rotate token")
  }
  if (!initial_token_.empty()) {
    return initial_token_;
  }
  return *failure;
}

void TokenSource::report_unauthorized(std::chrono::steady_clock::time_point request_start) {
  std::lock_guard lock(mutex_);
  // client-go's ResetTokenOlderThan: a token read after the request started may already be the
  // rotated one, so only a token read strictly before the request started is dropped.
  if (cached_ && read_at_ < request_start) {
    cached_.reset();
  }
}

}  // namespace hpad::kube
