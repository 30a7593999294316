// fetch_exposition: reads one /metrics endpoint (a pod, an exporter) over HTTP and parses it
// with parse_exposition, so that a metrics source can work without a Prometheus server. Every
// outcome is a value; no exception escapes. Blocks for at most about options.timeout.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "hpad/metrics/exposition.h"
#include "hpad/metrics/http_options.h"
#include "hpad/metrics/query_result.h"

namespace hpad::metrics {

struct ScrapeError {
  enum class Kind : std::uint8_t {
    kTransport,   // transport_kind says which (kConnection, kRequestTimeout, ...)
    kHttpStatus,  // not 2xx; message holds an excerpt of the body
    kParse,       // the text is not exposition format 0.0.4; line and column point at it
  };
  Kind kind;
  QueryErrorKind transport_kind = QueryErrorKind::kConnection;  // for kTransport only
  int http_status = 0;
  int line = 0;  // for kParse, counting from 1
  int column = 0;
  std::string message;  // one line, no secrets
};

using ScrapeOutcome = std::variant<std::vector<MetricFamily>, ScrapeError>;

// `options.base_url` is the whole URL of the endpoint, e.g. "http://10.0.0.5:8080/metrics".
// Sends `Accept: text/plain;version=0.0.4` so that servers which can speak OpenMetrics or
// protobuf answer in the text format.
ScrapeOutcome fetch_exposition(const HttpOptions& options);

// `scrape http://127.0.0.1:9100/metrics: HTTP 503: <excerpt>`, `...: line 3, column 7: ...`.
std::string to_string(const ScrapeError& error, const std::string& url);

}  // namespace hpad::metrics
