// The bearer token for each request, re-read from its file as the kubelet rotates projected
// service account tokens. Mirrors client-go transport.NewCachedFileTokenSource plus the 401 reset
// of bearerAuthRoundTripper (ResetTokenOlderThan):
//  - a token read at time t is served until t + period - leeway (60 s - 10 s: re-read after 50 s);
//  - a 401 drops the cached token if it was read before the failed request started (so the next
//    call re-reads the file); a token read at or after that start may already be the rotated one
//    and is kept;
//  - if a re-read fails, the last good token is kept (client-go logs "Unable to rotate token");
//    with no cached token, the initial (kubeconfig or in-cluster) token is the fallback; with
//    neither, the read error is returned.
// Thread-safe (one mutex). Error messages name the file, never the token.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "hpad/kube/result.h"

namespace hpad::kube {

using SteadyClock = std::function<std::chrono::steady_clock::time_point()>;

class TokenSource {
 public:
  static constexpr std::chrono::seconds kPeriod{60};
  static constexpr std::chrono::seconds kLeeway{10};

  // `initial_token` is served if the file cannot be read and no token was cached.
  TokenSource(std::filesystem::path token_file, std::string initial_token, SteadyClock clock);

  // The token to send now: cached, or freshly read from the file.
  Result<std::string> token();

  // The server answered 401 to a request that started at `request_start`.
  void report_unauthorized(std::chrono::steady_clock::time_point request_start);

  const std::filesystem::path& path() const { return path_; }

 private:
  const std::filesystem::path path_;
  const std::string initial_token_;
  const SteadyClock clock_;
  std::mutex mutex_;
  std::optional<std::string> cached_;              // guarded by mutex_
  std::chrono::steady_clock::time_point read_at_;  // guarded by mutex_; valid iff cached_
};

}  // namespace hpad::kube
