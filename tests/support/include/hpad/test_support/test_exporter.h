// A Prometheus exporter for tests: serves GET /metrics on 127.0.0.1 with the text exposition of a
// prometheus-cpp Registry the test fills, or with a canned status and body to test error paths.
// Thread-safe: the test sets values while the listener's threads serve scrapes.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/labels.h>
#include <prometheus/registry.h>

#include "hpad/test_support/cpprest_pool.h"

namespace hpad::test_support {

// What TestExporter answers instead of its registry.
struct CannedResponse {
  std::uint16_t status = 200;
  std::string body;
  std::string content_type = "text/plain; version=0.0.4; charset=utf-8";
};

class TestExporter {
 public:
  // Listens on 127.0.0.1:free_port() (a few ports are tried if another process takes the free
  // one first). Throws std::runtime_error if it cannot listen.
  TestExporter();
  // Closes the listener, waiting for requests in flight, then drains cpprestsdk's pool of the
  // continuations the close queued (so LeakSanitizer finds none pending at exit).
  ~TestExporter();
  TestExporter(const TestExporter&) = delete;
  TestExporter& operator=(const TestExporter&) = delete;

  std::uint16_t port() const { return port_; }
  // "127.0.0.1:PORT", as a Prometheus static_configs target.
  std::string address() const;
  // "http://127.0.0.1:PORT/metrics".
  std::string metrics_url() const;

  // The registry /metrics serves; add any metric type to it directly.
  prometheus::Registry& registry() { return *registry_; }
  // The gauge / counter `name` with `labels`, created on first use (same name and labels: the same
  // object). Throws std::invalid_argument (prometheus-cpp's) for an invalid metric or label name, or
  // a name already registered as another metric type.
  prometheus::Gauge& gauge(const std::string& name, const prometheus::Labels& labels = {});
  prometheus::Counter& counter(const std::string& name, const prometheus::Labels& labels = {});

  // From now on GET /metrics answers `response` instead of the registry (e.g. a 500, or a body
  // that is not valid exposition text); answer_with_registry() switches back.
  void answer_with(CannedResponse response);
  void answer_with_registry();

  // GET /metrics requests answered so far, canned or not (other paths get 404 and do not count).
  std::size_t scrapes_served() const { return scrapes_served_.load(); }

 private:
  class Listener;  // the cpprestsdk listener, kept out of this header

  // The canned response if one is set, else the registry rendered now.
  CannedResponse current_response() const;

  std::uint16_t port_ = 0;
  std::unique_ptr<prometheus::Registry> registry_;  // never null
  mutable std::mutex canned_mutex_;
  std::optional<CannedResponse> canned_;  // guarded by canned_mutex_; empty: serve the registry
  std::atomic<std::size_t> scrapes_served_{0};
  std::unique_ptr<Listener> listener_;  // last: closed first, before what its handler reads
};

}  // namespace hpad::test_support
