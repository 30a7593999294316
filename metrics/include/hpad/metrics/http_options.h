// How hpad reaches an HTTP endpoint that speaks Prometheus (the query API, or a pod's /metrics):
// the address, the time it may take, and the credentials. Shared by PrometheusClient and
// fetch_exposition. Credentials are referenced, not copied into messages: nothing that describes
// these options (errors, logs) ever contains a token or a password.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hpad::metrics {

struct BasicAuth {
  std::string username;
  // The password, from a file (re-read when it changes, like the bearer token) or inline; exactly
  // one of the two is set.
  std::filesystem::path password_file;
  std::string password;
};

struct HttpOptions {
  // http:// or https://, host, port and an optional path prefix (Thanos, a proxy); no user info
  // (use basic_auth) and no query string.
  std::string base_url = "http://127.0.0.1:9090";
  // Bound on each request: connect, send and every read of the answer. Also the bound on the whole
  // exchange, checked between the chunks of the body, so a server that drips bytes cannot hold a
  // sync for longer than this plus one chunk's read.
  std::chrono::milliseconds timeout{5000};
  // A bearer token read from this file on first use and again whenever the file's modification
  // time, size or inode changes (service-account tokens rotate). Whitespace around it is trimmed.
  std::filesystem::path bearer_token_file;
  std::optional<BasicAuth> basic_auth;
  // Sent with every request, e.g. {"X-Scope-OrgID", "tenant-a"} for Cortex, Mimir, Thanos.
  std::vector<std::pair<std::string, std::string>> headers;
  // PEM file of the CAs that may sign the server's certificate (added to the system's). https only.
  std::filesystem::path ca_file;
  // Accept any certificate and host name. Explicit, off by default, and said in every error.
  bool insecure_skip_verify = false;
  // Answers longer than this are refused (kResponseTooLarge): a query that returns every series of a
  // large Prometheus must not take the daemon's memory with it.
  std::size_t max_response_bytes = std::size_t{64} << 20;
};

// Empty when the options can be used; otherwise every problem, one per line, without secrets.
std::string check(const HttpOptions& options);

}  // namespace hpad::metrics
