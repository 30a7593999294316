// The Prometheus test fixture against the real server: TestExporter serves what its registry holds
// (or a canned answer), PrometheusServer scrapes it, answers queries, reports errors as values and
// leaves no process or port behind. Each test starting Prometheus costs ~6 s (first scrape).
#include <gtest/gtest.h>

#include <utility>  // before cpprest: boost/asio's awaitable.hpp uses std::exchange without it (C++20)

#include <signal.h>
#include <cerrno>
#include <set>
#include <string>
#include <vector>

#include <cpprest/http_client.h>

#include "hpad/test_support/net.h"
#include "hpad/test_support/prometheus_server.h"
#include "hpad/test_support/test_exporter.h"

namespace hpad::test_support {
namespace {

using namespace std::chrono_literals;
namespace http = web::http;

// First sample ~6 s after start here (see prometheus_server.h); the margin is for loaded CI hosts.
constexpr auto kFirstSampleTimeout = 15s;

struct Fetched {
  http::status_code status;
  std::string content_type;
  std::string body;
};

Fetched fetch(const std::string& url) {
  http::client::http_client client(url);
  auto response = client.request(http::methods::GET).get();
  return Fetched{response.status_code(), response.headers().content_type(), response.extract_string(true).get()};
}

#define SKIP_WITHOUT_PROMETHEUS()                                                                              \
  if (!PrometheusServer::available()) {                                                                        \
    GTEST_SKIP() << PrometheusServer::kBinary << " is not installed (apt-get install --no-install-recommends " \
                 << "prometheus)";                                                                             \
  }

// (Designated initializers would do, but g++ 12 -Wextra warns about every member they leave out.)
PrometheusOptions scraping(std::vector<std::string> targets, std::string extra_scrape_configs = "") {
  PrometheusOptions options;
  options.targets = std::move(targets);
  options.extra_scrape_configs = std::move(extra_scrape_configs);
  return options;
}

std::set<std::string> label_values(const QueryResult& result, const std::string& label) {
  std::set<std::string> values;
  for (const auto& sample : result.samples) {
    auto found = sample.labels.find(label);
    values.insert(found == sample.labels.end() ? "(absent)" : found->second);
  }
  return values;
}

TEST(TestExporter, ServesWhatItsRegistryHoldsAsExpositionText) {
  TestExporter exporter;
  exporter.gauge("queue_depth", {{"pod", "web-1"}}).Set(42);
  exporter.counter("requests_total").Increment(3);

  Fetched got = fetch(exporter.metrics_url());

  EXPECT_EQ(got.status, http::status_codes::OK);
  EXPECT_EQ(got.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(got.body.find("# TYPE queue_depth gauge\nqueue_depth{pod=\"web-1\"} 42\n"), std::string::npos) << got.body;
  EXPECT_NE(got.body.find("requests_total 3\n"), std::string::npos) << got.body;
  EXPECT_EQ(exporter.scrapes_served(), 1u);
}

TEST(TestExporter, TheSameNameAndLabelsGiveTheSameGauge) {
  TestExporter exporter;
  exporter.gauge("queue_depth", {{"pod", "web-1"}}).Set(1);
  exporter.gauge("queue_depth", {{"pod", "web-1"}}).Increment(2);
  EXPECT_EQ(&exporter.gauge("queue_depth", {{"pod", "web-1"}}), &exporter.gauge("queue_depth", {{"pod", "web-1"}}));
  EXPECT_NE(fetch(exporter.metrics_url()).body.find("queue_depth{pod=\"web-1\"} 3\n"), std::string::npos);
}

TEST(TestExporter, AnswersACannedResponseUntilToldToServeTheRegistryAgain) {
  struct Case {
    const char* behaviour;
    CannedResponse canned;
  };
  const Case cases[] = {
      {"a server error", {500, "boom\n", "text/plain"}},
      {"an unavailable exporter", {503, "", "text/plain"}},
      {"a body that is not exposition text", {200, "queue_depth{pod=\"web-1\" 42\n", "text/plain; version=0.0.4"}},
      {"a different content type", {200, "{}", "application/json"}},
  };
  TestExporter exporter;
  exporter.gauge("queue_depth").Set(5);
  for (const auto& c : cases) {
    SCOPED_TRACE(c.behaviour);
    exporter.answer_with(c.canned);
    Fetched got = fetch(exporter.metrics_url());
    EXPECT_EQ(got.status, c.canned.status);
    EXPECT_EQ(got.body, c.canned.body);
    EXPECT_EQ(got.content_type, c.canned.content_type);
  }
  exporter.answer_with_registry();
  EXPECT_NE(fetch(exporter.metrics_url()).body.find("queue_depth 5\n"), std::string::npos);
  EXPECT_EQ(exporter.scrapes_served(), std::size(cases) + 1);
}

TEST(TestExporter, OtherPathsAre404AndNotCountedAsScrapes) {
  TestExporter exporter;
  EXPECT_EQ(fetch("http://" + exporter.address() + "/").status, http::status_codes::NotFound);
  EXPECT_EQ(fetch("http://" + exporter.address() + "/metrics/extra").status, http::status_codes::NotFound);
  EXPECT_EQ(exporter.scrapes_served(), 0u);
}

TEST(TestExporter, StopsListeningWhenDestroyed) {
  std::uint16_t port = 0;
  {
    TestExporter exporter;
    port = exporter.port();
    EXPECT_TRUE(wait_for_port(port, 1s));
  }
  EXPECT_FALSE(wait_for_port(port, 100ms));
}

TEST(PrometheusServer, ScrapesTheExporterAndSeesItsValuesChange) {
  SKIP_WITHOUT_PROMETHEUS();
  TestExporter exporter;
  exporter.gauge("queue_depth", {{"pod", "web-1"}}).Set(42);
  exporter.gauge("queue_depth", {{"pod", "web-2"}}).Set(42);
  PrometheusServer prometheus(scraping({exporter.address()}));

  QueryResult series = prometheus.wait_for_sample("queue_depth", kFirstSampleTimeout);
  ASSERT_TRUE(series.ok()) << series.error << "\nlog:\n" << prometheus.log_text();
  ASSERT_EQ(series.samples.size(), 2u) << series.body;
  EXPECT_EQ(label_values(series, "pod"), (std::set<std::string>{"web-1", "web-2"}));
  EXPECT_EQ(label_values(series, "job"), (std::set<std::string>{"test"}));  // added by Prometheus
  EXPECT_EQ(label_values(series, "instance"), (std::set<std::string>{exporter.address()}));
  for (const auto& sample : series.samples) {
    EXPECT_EQ(sample.value_text, "42");
    EXPECT_EQ(sample.value, 42.0);
  }

  QueryResult sum = prometheus.query("sum(queue_depth)");
  ASSERT_TRUE(sum.ok()) << sum.error;
  ASSERT_EQ(sum.samples.size(), 1u) << sum.body;
  EXPECT_TRUE(sum.samples[0].labels.empty());  // an aggregate has no labels
  EXPECT_EQ(sum.samples[0].value, 84.0);

  exporter.gauge("queue_depth", {{"pod", "web-1"}}).Set(7);
  exporter.gauge("queue_depth", {{"pod", "web-2"}}).Set(7);
  QueryResult changed = prometheus.wait_for_sample("sum(queue_depth)", 10s, [](const std::vector<Sample>& samples) {
    return samples.size() == 1 && samples[0].value == 14.0;  // both pods at 7
  });
  EXPECT_TRUE(changed.ok()) << changed.error;
  EXPECT_GE(exporter.scrapes_served(), 2u);
}

TEST(PrometheusServer, StopEndsTheProcessAndFreesItsPort) {
  SKIP_WITHOUT_PROMETHEUS();
  TestExporter exporter;
  PrometheusServer prometheus(scraping({exporter.address()}));
  const pid_t pid = prometheus.pid();
  ASSERT_TRUE(wait_for_port(prometheus.port(), 1s));

  EXPECT_EQ(prometheus.stop(), 0);  // Prometheus exits cleanly on SIGTERM
  EXPECT_EQ(prometheus.stop(), 0);  // idempotent
  EXPECT_FALSE(prometheus.running());
  EXPECT_FALSE(wait_for_port(prometheus.port(), 100ms));
  EXPECT_EQ(::kill(pid, 0), -1);  // reaped: no such process any more
  EXPECT_EQ(errno, ESRCH);
}

TEST(PrometheusServer, QueryErrorsAreValuesWithTheReason) {
  SKIP_WITHOUT_PROMETHEUS();
  PrometheusServer prometheus(scraping({}));

  QueryResult bad = prometheus.query("sum(");
  EXPECT_FALSE(bad.ok());
  EXPECT_TRUE(bad.samples.empty());
  EXPECT_NE(bad.error.find("HTTP 400: bad_data: "), std::string::npos) << bad.error;

  QueryResult none = prometheus.query("no_such_metric");
  EXPECT_TRUE(none.ok()) << none.error;  // no match is a success with no samples
  EXPECT_TRUE(none.samples.empty());

  QueryResult scalar = prometheus.query("scalar(vector(3))");
  ASSERT_TRUE(scalar.ok()) << scalar.error;
  ASSERT_EQ(scalar.samples.size(), 1u);
  EXPECT_EQ(scalar.samples[0].value, 3.0);

  QueryResult timed_out = prometheus.wait_for_sample("no_such_metric", 300ms);
  EXPECT_FALSE(timed_out.ok());
  EXPECT_NE(timed_out.error.find("'no_such_metric' within 300 ms"), std::string::npos) << timed_out.error;

  prometheus.stop();
  QueryResult down = prometheus.query("up");
  EXPECT_FALSE(down.ok());
  EXPECT_NE(down.error.find("failed: "), std::string::npos) << down.error;
}

TEST(PrometheusServer, ABadConfigFailsTheStartWithTheLogInTheError) {
  SKIP_WITHOUT_PROMETHEUS();
  PrometheusOptions options;
  options.extra_scrape_configs = "  - job_name: test\n";  // a second job named "test" is rejected
  try {
    PrometheusServer prometheus(options);
    FAIL() << "started with a duplicate job name";
  } catch (const std::runtime_error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("before it was ready"), std::string::npos) << message;
    EXPECT_NE(message.find("found multiple scrape configs with job name"), std::string::npos) << message;
  }
}

TEST(PrometheusServer, ATargetLabelWinsOverAScrapedOneWhichBecomesExported) {
  SKIP_WITHOUT_PROMETHEUS();
  TestExporter exporter;
  exporter.gauge("queue_depth", {{"pod", "web-1"}, {"instance", "from-exporter"}}).Set(1);
  const std::string clash_job =
      "  - job_name: clash\n"
      "    static_configs:\n"
      "      - targets: [\"" +
      exporter.address() +
      "\"]\n"
      "        labels: {pod: from-target}\n";
  PrometheusServer prometheus(scraping({}, clash_job));

  QueryResult series = prometheus.wait_for_sample("queue_depth", kFirstSampleTimeout);
  ASSERT_TRUE(series.ok()) << series.error << "\nlog:\n" << prometheus.log_text();
  ASSERT_EQ(series.samples.size(), 1u) << series.body;
  const auto& labels = series.samples[0].labels;
  EXPECT_EQ(labels.at("pod"), "from-target");
  EXPECT_EQ(labels.at("exported_pod"), "web-1");
  EXPECT_EQ(labels.at("instance"), exporter.address());
  EXPECT_EQ(labels.at("exported_instance"), "from-exporter");
  EXPECT_EQ(labels.at("job"), "clash");
}

}  // namespace
}  // namespace hpad::test_support
