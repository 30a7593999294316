// PrometheusClient: instant queries against Prometheus' HTTP API (/api/v1/query), or anything
// that speaks it (Thanos, Cortex, Mimir, VictoriaMetrics). Every outcome is a value: the numbers
// (QueryData) or a typed QueryError — Prometheus' own errors, HTTP errors, and transport failures
// (refused, timeout, TLS, too large). No exception escapes.
// Thread-safe: one client serves any number of threads; each query blocks its caller for at most
// about HttpOptions::timeout. Long queries go as a POST form, as Prometheus' own clients do.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "hpad/metrics/http_options.h"
#include "hpad/metrics/query_result.h"

namespace hpad::metrics {

namespace detail {
class HttpTransport;
}

// What the fan-out (and tests) ask of a query source.
class QuerySource {
 public:
  virtual ~QuerySource() = default;
  // `at`: evaluation time in Unix seconds; none means "now" as Prometheus sees it.
  virtual QueryOutcome query(std::string_view promql, std::optional<double> at) = 0;
};

struct PrometheusOptions {
  HttpOptions http;
  // A query whose URL-encoded text is longer than this goes as a POST form: URLs over ~8 KiB are
  // refused by many proxies, and POST is what Prometheus' own clients use.
  std::size_t post_above_bytes = 2048;
};

class PrometheusClient final : public QuerySource {
 public:
  explicit PrometheusClient(PrometheusOptions options);
  ~PrometheusClient() override;
  PrometheusClient(const PrometheusClient&) = delete;
  PrometheusClient& operator=(const PrometheusClient&) = delete;

  QueryOutcome query(std::string_view promql, std::optional<double> at) override;

  const PrometheusOptions& options() const { return options_; }

 private:
  PrometheusOptions options_;
  std::unique_ptr<detail::HttpTransport> transport_;
};

// Prometheus' `time` parameter: Unix seconds with millisecond precision, e.g. "1732244400.123".
std::string format_eval_time(double unix_seconds);

}  // namespace hpad::metrics
