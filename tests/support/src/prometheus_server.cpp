// PrometheusServer: Subprocess + TempDir for the process, a cpprestsdk http_client for /-/ready
// and /api/v1/query, nlohmann::json for the query response. Every cpprestsdk and JSON exception is
// caught here and becomes an error string; only the constructor throws (as its header says).
#include <utility>  // before cpprest: boost/asio's awaitable.hpp uses std::exchange without it (C++20)

#include "hpad/test_support/prometheus_server.h"

#include <unistd.h>

#include <cstdlib>
#include <deque>
#include <exception>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <cpprest/http_client.h>
#include <cpprest/uri_builder.h>
#include <nlohmann/json.hpp>

#include "hpad/test_support/net.h"
#include "hpad/test_support/test_exporter.h"

namespace hpad::test_support {
namespace {

namespace http = web::http;
using Json = nlohmann::json;
using namespace std::chrono_literals;

constexpr int kStartAttempts = 3;  // only a port lost to another process is retried
constexpr std::size_t kLogTailLines = 20;
constexpr auto kRequestTimeout = 2s;  // per HTTP request; loopback answers in milliseconds
constexpr auto kPollPause = 100ms;

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string last_lines(const std::string& text, std::size_t count) {
  std::deque<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
    if (lines.size() > count) {
      lines.pop_front();
    }
  }
  std::string tail;
  for (const auto& line : lines) {
    tail += line + "\n";
  }
  return tail;
}

std::string config_text(const PrometheusOptions& options) {
  std::string targets;
  for (const auto& target : options.targets) {
    targets += (targets.empty() ? "\"" : ", \"") + target + "\"";
  }
  return "global:\n"
         "  scrape_interval: 1s\n"
         "  evaluation_interval: 1s\n"
         "scrape_configs:\n"
         "  - job_name: test\n"
         "    static_configs:\n"
         "      - targets: [" +
         targets + "]\n" + options.extra_scrape_configs;
}

http::client::http_client make_client(const std::string& base_url) {
  http::client::http_client_config config;
  config.set_timeout(std::chrono::duration_cast<std::chrono::microseconds>(kRequestTimeout));
  return http::client::http_client(base_url, config);
}

// A "value" pair of the query API: [<unix time>, "<number>"].
Sample parse_sample(const Json& metric, const Json& value) {
  Sample sample;
  for (const auto& [name, label_value] : metric.items()) {
    sample.labels[name] = label_value.get<std::string>();
  }
  sample.value_text = value.at(1).get<std::string>();
  sample.value = std::strtod(sample.value_text.c_str(), nullptr);  // strtod reads "NaN", "+Inf"
  return sample;
}

// The samples of a successful response body, or throws (std::runtime_error or a json exception).
std::vector<Sample> parse_query_data(const Json& data) {
  const auto& type = data.at("resultType").get_ref<const std::string&>();
  const auto& result = data.at("result");
  std::vector<Sample> samples;
  if (type == "vector") {
    for (const auto& series : result) {
      samples.push_back(parse_sample(series.at("metric"), series.at("value")));
    }
  } else if (type == "scalar") {
    samples.push_back(parse_sample(Json::object(), result));
  } else {
    throw std::runtime_error("unsupported resultType \"" + type + "\"");
  }
  return samples;
}

QueryResult parse_query_response(http::status_code status, std::string body) {
  QueryResult outcome;
  outcome.body = std::move(body);
  try {
    Json doc = Json::parse(outcome.body);
    if (status != http::status_codes::OK || doc.value("status", "") != "success") {
      outcome.error = "HTTP " + std::to_string(status) + ": " + doc.value("errorType", "?") + ": " +
                      doc.value("error", "(no error text)");
      return outcome;
    }
    outcome.samples = parse_query_data(doc.at("data"));
  } catch (const std::exception& error) {
    outcome.samples.clear();
    outcome.error = "HTTP " + std::to_string(status) + ", unexpected body: " + error.what();
  }
  return outcome;
}

std::string describe(const QueryResult& outcome) {
  if (!outcome.ok()) {
    return outcome.error;
  }
  return std::to_string(outcome.samples.size()) + " sample(s), body " + outcome.body;
}

}  // namespace

bool PrometheusServer::available() {
  return ::access(kBinary, X_OK) == 0;
}

PrometheusServer::PrometheusServer(const PrometheusOptions& options)
    : dir_("hpad-prometheus"), config_path_(dir_.path() / "prometheus.yml"), log_path_(dir_.path() / "prometheus.log") {
  init_cpprest_threadpool();
  {
    std::ofstream config(config_path_);
    config << config_text(options);
    if (!config.flush()) {
      throw std::runtime_error("PrometheusServer: cannot write " + config_path_.string());
    }
  }
  std::string error;
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    error = start_once(options);
    if (error.empty()) {
      return;
    }
    if (error.find("address already in use") == std::string::npos) {
      break;
    }
  }
  throw std::runtime_error("PrometheusServer: " + error);
}

PrometheusServer::~PrometheusServer() {
  stop();
}

std::string PrometheusServer::start_once(const PrometheusOptions& options) {
  process_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir_.path() / "data", ignored);  // a failed attempt may have left a lock
  port_ = free_port();
  SpawnOptions spawn;
  spawn.stdout_path = dir_.path() / "prometheus.out";
  spawn.stderr_path = log_path_;
  spawn.working_dir = dir_.path();
  process_.emplace(
      std::vector<std::string>{kBinary, "--config.file=" + config_path_.string(),
                               "--storage.tsdb.path=" + (dir_.path() / "data").string(),
                               "--web.listen-address=127.0.0.1:" + std::to_string(port_), "--web.enable-lifecycle"},
      spawn);

  auto client = make_client(base_url());
  const auto deadline = std::chrono::steady_clock::now() + options.ready_timeout;
  std::string last_attempt = "no answer yet";
  for (;;) {
    if (auto code = process_->wait_for(0ms)) {
      return "prometheus exited with code " + std::to_string(*code) + " before it was ready; log tail:\n" +
             last_lines(log_text(), kLogTailLines);
    }
    try {
      auto response = client.request(http::methods::GET, "/-/ready").get();
      if (response.status_code() == http::status_codes::OK) {
        return {};
      }
      last_attempt = "HTTP " + std::to_string(response.status_code());
    } catch (const std::exception& error) {
      last_attempt = error.what();
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      break;
    }
    std::this_thread::sleep_for(50ms);
  }
  std::string log_tail = last_lines(log_text(), kLogTailLines);
  process_->stop();
  return "prometheus not ready on " + base_url() + " within " + std::to_string(options.ready_timeout.count()) +
         " ms (last attempt: " + last_attempt + "); log tail:\n" + log_tail;
}

std::string PrometheusServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

pid_t PrometheusServer::pid() const {
  return process_ ? process_->pid() : -1;
}

bool PrometheusServer::running() {
  return process_ && process_->running();
}

std::string PrometheusServer::log_text() const {
  return read_text(log_path_);
}

QueryResult PrometheusServer::query(const std::string& promql) {
  try {
    auto client = make_client(base_url());
    web::uri_builder path("/api/v1/query");
    path.append_query("query", promql);  // percent-encodes the expression
    auto response = client.request(http::methods::GET, path.to_string()).get();
    return parse_query_response(response.status_code(), response.extract_string(true).get());
  } catch (const std::exception& error) {
    QueryResult outcome;
    outcome.error = "GET /api/v1/query?query=" + promql + " on " + base_url() + " failed: " + error.what();
    return outcome;
  }
}

QueryResult PrometheusServer::wait_for_sample(const std::string& promql, std::chrono::milliseconds timeout) {
  return wait_for_sample(promql, timeout, [](const std::vector<Sample>& samples) { return !samples.empty(); });
}

QueryResult PrometheusServer::wait_for_sample(const std::string& promql, std::chrono::milliseconds timeout,
                                              const std::function<bool(const std::vector<Sample>&)>& accept) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    QueryResult outcome = query(promql);
    if (outcome.ok() && accept(outcome.samples)) {
      return outcome;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      QueryResult timed_out;
      timed_out.body = outcome.body;
      timed_out.error = "no accepted result for '" + promql + "' within " + std::to_string(timeout.count()) +
                        " ms; last outcome: " + describe(outcome);
      return timed_out;
    }
    std::this_thread::sleep_for(kPollPause);
  }
}

int PrometheusServer::stop() {
  return process_ ? process_->stop() : -1;
}

}  // namespace hpad::test_support
