// fetch_exposition: one GET through HttpTransport, then the pure parser.
#include "hpad/metrics/scrape.h"

#include "http_transport.h"

namespace hpad::metrics {

ScrapeOutcome fetch_exposition(const HttpOptions& options) {
  detail::HttpTransport transport(options);
  auto outcome = transport.get("", {}, "text/plain;version=0.0.4;q=1,*/*;q=0.1");
  if (auto* error = std::get_if<detail::TransportError>(&outcome)) {
    ScrapeError out{};
    out.kind = ScrapeError::Kind::kTransport;
    out.transport_kind = error->kind;
    out.message = std::move(error->message);
    return out;
  }
  auto& response = std::get<detail::HttpResponse>(outcome);
  if (response.status < 200 || response.status > 299) {
    ScrapeError out{};
    out.kind = ScrapeError::Kind::kHttpStatus;
    out.http_status = response.status;
    out.message = one_line_excerpt(response.body, kExcerptBytes);
    return out;
  }
  auto families = parse_exposition(response.body);
  if (auto* error = std::get_if<ExpositionError>(&families)) {
    ScrapeError out{};
    out.kind = ScrapeError::Kind::kParse;
    out.http_status = response.status;
    out.line = error->line;
    out.column = error->column;
    out.message = error->message;
    return out;
  }
  return std::get<std::vector<MetricFamily>>(std::move(families));
}

std::string to_string(const ScrapeError& error, const std::string& url) {
  std::string out = "scrape " + url + ": ";
  switch (error.kind) {
    case ScrapeError::Kind::kTransport:
      return out + to_string(QueryError{error.transport_kind, 0, "", error.message}).substr(sizeof("Prometheus: ") - 1);
    case ScrapeError::Kind::kHttpStatus:
      return out + "HTTP " + std::to_string(error.http_status) +
             (error.message.empty() ? " (empty body)" : ": " + error.message);
    case ScrapeError::Kind::kParse:
      return out + "line " + std::to_string(error.line) + ", column " + std::to_string(error.column) + ": " +
             error.message;
  }
  return out;
}

}  // namespace hpad::metrics
