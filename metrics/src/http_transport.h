// The one place where hpad::metrics does HTTP (cpprestsdk): a GET or a form POST against
// HttpOptions::base_url with the configured credentials, TLS and bounds, returning the status and
// the whole body, or a typed transport error. Internal to hpad::metrics.
// Thread-safe: one HttpTransport serves concurrent requests (cpprest's client pools connections;
// the credential cache has its own mutex). Calls block the calling thread; call them from hpad's
// own threads, never from a cpprest continuation (that would starve cpprest's pool).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "hpad/metrics/http_options.h"
#include "hpad/metrics/query_result.h"

namespace hpad::metrics::detail {

struct HttpResponse {
  int status = 0;
  std::string content_type;
  std::string body;
};

struct TransportError {
  QueryErrorKind kind;  // kConnection, kRequestTimeout, kResponseTooLarge or kClientConfig
  std::string message;  // one line, no secrets
};

using HttpOutcome = std::variant<HttpResponse, TransportError>;
using Params = std::vector<std::pair<std::string, std::string>>;

class HttpTransport {
 public:
  explicit HttpTransport(HttpOptions options);
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  // `path` is appended to the base URL's path ("api/v1/query"); params are URL-encoded.
  HttpOutcome get(const std::string& path, const Params& params, const std::string& accept);
  // The params as an application/x-www-form-urlencoded body.
  HttpOutcome post_form(const std::string& path, const Params& params, const std::string& accept);

  const HttpOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hpad::metrics::detail
