// Internal: one HTTP exchange with the API server over cpprestsdk's http_client, no retries. TLS as
// the Connection says (CA PEM, client certificate and key PEM, insecure switch), all checked once at
// construction so that a bad PEM is a clear error instead of a failed handshake. Thread-safe (the
// http_client is; nothing else is mutable). Invariants: no exception escapes; no message carries a
// header value (the Authorization header is the caller's and is never echoed).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "hpad/kube/backoff.h"
#include "hpad/kube/kubeconfig.h"

namespace hpad::kube::detail {

struct HttpRequest {
  std::string method;                                        // "GET", "POST", "PUT", "PATCH"
  std::string path;                                          // "/apis/apps/v1/namespaces/default/deployments/web/scale"
  std::vector<std::pair<std::string, std::string>> query{};  // encoded by the transport
  std::string body{};
  std::string content_type{};  // with a body
};

struct HttpReply {
  int status = 0;
  std::string body;
  std::optional<std::string> retry_after;  // the Retry-After header, if any
};

using HttpOutcome = std::variant<HttpReply, TransportFailure>;

class HttpTransport {
 public:
  static constexpr std::size_t kMaxBodyBytes = 64 * 1024 * 1024;

  HttpTransport(const Connection& connection, std::chrono::milliseconds timeout, const std::string& user_agent);
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  // Empty if the connection is usable; else why not (every send() then fails with it).
  const std::string& config_error() const { return config_error_; }

  // `authorization`: the Authorization header's value, or "" for none.
  HttpOutcome send(const HttpRequest& request, const std::string& authorization);

 private:
  struct Client;
  std::string server_;
  std::chrono::milliseconds timeout_;
  std::string user_agent_;
  std::string config_error_;
  std::unique_ptr<Client> client_;
};

}  // namespace hpad::kube::detail
