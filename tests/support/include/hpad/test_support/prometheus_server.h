// A real Prometheus server (the Debian package's /usr/bin/prometheus) for tests: started on a free
// 127.0.0.1 port with its own config and storage in a temporary directory, scraping the targets the
// test names, always stopped and its directory removed when the object goes. Not thread-safe.
//
// Measured here (Prometheus 2.42.0, 2 cores, scrape_interval 1s):
// - start → /-/ready answers 200: ~0.1 s.
// - start → first scraped sample visible to /api/v1/query: 5.3–6.5 s (6 runs). Most of it is,
//   as far as we can tell, the scrape manager applying new target sets on a fixed 5 s tick (no
//   2.42 flag shortens it); the first scrape then lands within the next interval. Poll for the
//   sample with wait_for_sample, never for /-/ready alone.
// - a changed exporter value is visible to queries after ≤ ~1 s (one scrape interval).
// - SIGTERM → exit code 0 in ~10 ms.
// Labels (default honor_labels: false): every series gets `job` (the job name) and `instance`
// (the target, "127.0.0.1:PORT"). A scraped label that clashes with a target label is renamed
// `exported_<name>`: an exporter's own `job`/`instance` become `exported_job`/`exported_instance`,
// and a `pod` survives unchanged unless the target sets `pod` too (static_configs `labels:`), in
// which case the target's value wins and the scraped one becomes `exported_pod`. With
// `honor_labels: true` the scraped values win and the target's are dropped.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

#include "hpad/test_support/subprocess.h"

namespace hpad::test_support {

struct PrometheusOptions {
  // Scrape targets of the job "test", e.g. TestExporter::address().
  std::vector<std::string> targets;
  // YAML appended verbatim under `scrape_configs:` after the "test" job: list items indented by
  // two spaces ("  - job_name: other\n    static_configs: ...").
  std::string extra_scrape_configs;
  std::chrono::milliseconds ready_timeout = std::chrono::seconds(20);
};

// One series of an instant-query result; a scalar result is one Sample with no labels.
struct Sample {
  std::map<std::string, std::string> labels;  // with "__name__" when the query keeps it
  std::string value_text;                     // as Prometheus wrote it: "42", "NaN", "+Inf"
  double value = 0;                           // value_text parsed (NaN and ±Inf included)
};

// The outcome of a query: samples, or an error saying why not. Errors are values, never thrown.
struct QueryResult {
  std::vector<Sample> samples;  // empty whenever error is set
  std::string error;            // empty on success
  std::string body;             // the last response body, raw (for failure messages)
  bool ok() const { return error.empty(); }
};

class PrometheusServer {
 public:
  static constexpr const char* kBinary = "/usr/bin/prometheus";

  // False if kBinary is missing or not executable: tests then GTEST_SKIP.
  static bool available();

  // Writes prometheus.yml (scrape_interval and evaluation_interval 1s), starts Prometheus with
  // --web.enable-lifecycle, and returns once /-/ready answers 200. Throws std::runtime_error if it
  // cannot start, exits early (e.g. a bad config) or is not ready within options.ready_timeout; the
  // message carries the tail of its log. A port taken between free_port() and Prometheus binding
  // it is retried on another port.
  explicit PrometheusServer(const PrometheusOptions& options);
  // Stops Prometheus and removes the temporary directory.
  ~PrometheusServer();
  PrometheusServer(const PrometheusServer&) = delete;
  PrometheusServer& operator=(const PrometheusServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::string base_url() const;  // "http://127.0.0.1:PORT"
  pid_t pid() const;
  bool running();
  const std::filesystem::path& config_path() const { return config_path_; }
  std::string log_text() const;  // Prometheus's stderr so far

  // One instant query (GET /api/v1/query?query=...). A vector or scalar result gives its samples
  // (possibly none); an HTTP error, a transport error or an unexpected body gives an error.
  QueryResult query(const std::string& promql);

  // Polls query(promql) every 100 ms until `accept` returns true for its samples (by default: at
  // least one sample). On timeout the result's error names the query and the last outcome.
  QueryResult wait_for_sample(const std::string& promql, std::chrono::milliseconds timeout);
  QueryResult wait_for_sample(const std::string& promql, std::chrono::milliseconds timeout,
                              const std::function<bool(const std::vector<Sample>&)>& accept);

  // SIGTERM, then waits (SIGKILL after 5 s). Returns the exit code (0 for a clean shutdown);
  // idempotent.
  int stop();

 private:
  // One attempt at starting on a fresh port: empty on success, else why not (with the log tail).
  std::string start_once(const PrometheusOptions& options);

  TempDir dir_;  // declared first: outlives the process that writes into it
  std::filesystem::path config_path_;
  std::filesystem::path log_path_;
  std::uint16_t port_ = 0;
  std::optional<Subprocess> process_;  // set once started
};

}  // namespace hpad::test_support
