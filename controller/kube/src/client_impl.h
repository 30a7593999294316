// Internal: KubeClient's shared machinery — authentication, rate limiting and the retry loop around
// one API request (execute), used by the operation files (client.cpp, client_events_leases.cpp). Thread-safe:
// the transport, token source and rate limiter are; the discovery cache has its own mutex; the
// event fallback flag and the seed counter are atomics.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "hpad/kube/client.h"
#include "hpad/kube/rate_limiter.h"
#include "hpad/kube/token_source.h"
#include "http.h"

namespace hpad::kube {

struct KubeClient::Impl {
  Impl(Connection connection_in, ClientOptions options_in);

  // Sends `request` until it succeeds (status < 400), fails for good, or comes back 409 Conflict
  // (returned as is: the operation decides whether to re-read). `policy` is the operation's, so
  // that its attempts share one budget.
  ApiResult<detail::HttpReply> execute(const detail::HttpRequest& request, const RequestInfo& info,
                                       RetryPolicy& policy);
  // A fresh RetryPolicy with the client's limits and its own seed.
  RetryPolicy new_policy(std::optional<RetryLimits> limits = std::nullopt);

  // The Authorization header value ("" for none), or an error naming the token file.
  std::variant<std::string, std::string> authorization();
  void sleep(std::chrono::nanoseconds delay) const;

  Connection connection;
  ClientOptions options;
  detail::HttpTransport transport;
  std::unique_ptr<TokenSource> token_source;  // set iff connection.token_file is set
  TokenBucketRateLimiter limiter;
  std::atomic<std::uint64_t> calls{0};
  std::atomic<bool> core_v1_events{false};  // events.k8s.io/v1 answered 404 once
  std::mutex discovery_mutex;
  std::map<std::string, ScaleResource> discovered;  // guarded by discovery_mutex; "apiVersion/kind"
};

// ApiError for a failure without an HTTP answer.
ApiError transport_error(const TransportFailure& failure, const RequestInfo& info);
// ApiError for an answer that is not what the operation expects (bad JSON, wrong shape).
ApiError invalid_answer(const std::string& what, const RequestInfo& info);

}  // namespace hpad::kube
