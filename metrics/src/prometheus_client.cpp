// PrometheusClient: chooses GET or POST, adds the evaluation time, and hands the answer to the
// pure parser (query_result.cpp). The parser owns every rule about what an answer means.
#include "hpad/metrics/prometheus_client.h"

#include <cctype>
#include <cmath>
#include <cstdio>

#include "http_transport.h"

namespace hpad::metrics {

std::string format_eval_time(double unix_seconds) {
  char text[64];
  std::snprintf(text, sizeof text, "%.3f", unix_seconds);
  return text;
}

PrometheusClient::PrometheusClient(PrometheusOptions options)
    : options_(std::move(options)), transport_(std::make_unique<detail::HttpTransport>(options_.http)) {}

PrometheusClient::~PrometheusClient() = default;

QueryOutcome PrometheusClient::query(std::string_view promql, std::optional<double> at) {
  detail::Params params{{"query", std::string(promql)}};
  if (at) {
    if (!std::isfinite(*at)) {
      return QueryError{QueryErrorKind::kClientConfig, 0, "", "the evaluation time is not a finite number"};
    }
    params.emplace_back("time", format_eval_time(*at));
  }
  // Encoded length: at most three bytes per byte; close enough to pick the method.
  std::size_t encoded = 0;
  for (const char c : promql)
    encoded += std::isalnum(static_cast<unsigned char>(c)) ? 1 : 3;
  const detail::HttpOutcome outcome = encoded > options_.post_above_bytes
                                          ? transport_->post_form("api/v1/query", params, "application/json")
                                          : transport_->get("api/v1/query", params, "application/json");
  if (const auto* error = std::get_if<detail::TransportError>(&outcome)) {
    return QueryError{error->kind, 0, "", error->message};
  }
  const auto& response = std::get<detail::HttpResponse>(outcome);
  return parse_query_response(response.status, response.body);
}

}  // namespace hpad::metrics
