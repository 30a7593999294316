// PrometheusClient and QueryFanout against a real Prometheus 2.42 (the Debian package) that
// scrapes a test exporter whose values the test sets: vectors by `pod`, sum(), PromQL that needs
// careful encoding, GET and POST, evaluation time, NaN, a bad query, a range vector, and a stopped
// server. One Prometheus serves the whole suite: its first sample takes ~6 s to appear.
#include <gtest/gtest.h>

#include <cmath>
#include <ctime>
#include <map>

#include "hpad/cache/clock.h"
#include "hpad/metrics/prometheus_client.h"
#include "hpad/metrics/query_fanout.h"
#include "hpad/test_support/prometheus_server.h"
#include "hpad/test_support/test_exporter.h"

namespace hpad::metrics {
namespace {

using namespace std::chrono_literals;
namespace ts = hpad::test_support;

std::map<std::string, double> by_pod(const QueryOutcome& outcome) {
  std::map<std::string, double> out;
  if (const auto* error = std::get_if<QueryError>(&outcome)) {
    ADD_FAILURE() << to_string(*error);
    return out;
  }
  for (const auto& sample : std::get<QueryData>(outcome).samples) {
    const auto pod = sample.labels.find("pod");
    out[pod == sample.labels.end() ? "" : pod->second] = sample.value;
  }
  return out;
}

class PrometheusIntegration : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!ts::PrometheusServer::available())
      return;
    exporter_ = new ts::TestExporter();
    exporter_->gauge("hpad_test_inflight", {{"pod", "web-1"}}).Set(10);
    exporter_->gauge("hpad_test_inflight", {{"pod", "web-2"}}).Set(30);
    exporter_->gauge("hpad_test_broken", {{"pod", "web-1"}}).Set(std::nan(""));
    ts::PrometheusOptions options;
    options.targets = {exporter_->address()};
    server_ = new ts::PrometheusServer(options);
    first_ = server_->wait_for_sample("hpad_test_inflight", 30s);
  }

  static void TearDownTestSuite() {
    delete server_;
    delete exporter_;
    server_ = nullptr;
    exporter_ = nullptr;
  }

  void SetUp() override {
    if (!ts::PrometheusServer::available())
      GTEST_SKIP() << "no Prometheus at " << ts::PrometheusServer::kBinary;
    ASSERT_TRUE(first_.ok()) << "Prometheus never showed the exporter's samples: " << first_.error;
  }

  static PrometheusClient client(std::size_t post_above_bytes = 2048) {
    PrometheusOptions options;
    options.http.base_url = server_->base_url();
    options.post_above_bytes = post_above_bytes;
    return PrometheusClient(options);
  }

  static ts::TestExporter* exporter_;
  static ts::PrometheusServer* server_;
  static ts::QueryResult first_;
};

ts::TestExporter* PrometheusIntegration::exporter_ = nullptr;
ts::PrometheusServer* PrometheusIntegration::server_ = nullptr;
ts::QueryResult PrometheusIntegration::first_;

TEST_F(PrometheusIntegration, ReturnsOneSampleForEachPodWithItsLabels) {
  auto prometheus = client();
  const auto outcome = prometheus.query("hpad_test_inflight", std::nullopt);
  EXPECT_EQ(by_pod(outcome), (std::map<std::string, double>{{"web-1", 10}, {"web-2", 30}}));
  const auto& sample = std::get<QueryData>(outcome).samples.at(0);
  EXPECT_EQ(sample.labels.at("job"), "test");
  EXPECT_EQ(sample.labels.at("__name__"), "hpad_test_inflight");
  EXPECT_NEAR(sample.timestamp, static_cast<double>(std::time(nullptr)), 30);
}

TEST_F(PrometheusIntegration, SumGivesOneUnlabelledSample) {
  auto prometheus = client();
  EXPECT_EQ(by_pod(prometheus.query("sum(hpad_test_inflight)", std::nullopt)),
            (std::map<std::string, double>{{"", 40}}));
}

TEST_F(PrometheusIntegration, EncodesPromqlExactlyByGetAndByPost) {
  // '+', '&'-free regex alternation, quotes, braces, a comparison and a comment.
  const std::string promql = R"(sum by (pod) (hpad_test_inflight{pod=~"web-1|web-2", job!="x&y"}) + 1 > 0 # why)";
  const std::map<std::string, double> expected{{"web-1", 11}, {"web-2", 31}};
  auto by_get = client();
  EXPECT_EQ(by_pod(by_get.query(promql, std::nullopt)), expected);
  auto by_post = client(/*post_above_bytes=*/8);
  EXPECT_EQ(by_pod(by_post.query(promql, std::nullopt)), expected);
}

TEST_F(PrometheusIntegration, ScalarsComeBackAsOneSample) {
  auto prometheus = client();
  const auto outcome = prometheus.query("scalar(sum(hpad_test_inflight)) * 2", std::nullopt);
  ASSERT_TRUE(std::holds_alternative<QueryData>(outcome));
  EXPECT_EQ(std::get<QueryData>(outcome).type, ResultType::kScalar);
  EXPECT_EQ(by_pod(outcome), (std::map<std::string, double>{{"", 80}}));
}

TEST_F(PrometheusIntegration, AnEvaluationTimeBeforeAnyDataIsNoData) {
  auto prometheus = client();
  const auto outcome = prometheus.query("hpad_test_inflight", static_cast<double>(std::time(nullptr) - 3600));
  ASSERT_TRUE(std::holds_alternative<QueryData>(outcome));
  EXPECT_TRUE(std::get<QueryData>(outcome).no_data());
}

TEST_F(PrometheusIntegration, KeepsNaNAsAValue) {
  auto prometheus = client();
  const auto values = by_pod(prometheus.query("hpad_test_broken", std::nullopt));
  ASSERT_EQ(values.size(), 1U);
  EXPECT_TRUE(std::isnan(values.at("web-1")));
}

struct ErrorCase {
  const char* name;
  const char* promql;
  QueryErrorKind kind;
  int http_status;
};

class PrometheusIntegrationErrors : public PrometheusIntegration, public ::testing::WithParamInterface<ErrorCase> {};

TEST_P(PrometheusIntegrationErrors, AreTypedValues) {
  auto prometheus = client();
  const auto outcome = prometheus.query(GetParam().promql, std::nullopt);
  ASSERT_TRUE(std::holds_alternative<QueryError>(outcome));
  const auto& error = std::get<QueryError>(outcome);
  EXPECT_EQ(error.kind, GetParam().kind) << to_string(error);
  EXPECT_EQ(error.http_status, GetParam().http_status) << to_string(error);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, PrometheusIntegrationErrors,
    ::testing::Values(ErrorCase{"SyntaxError", "sum(hpad_test_inflight", QueryErrorKind::kBadData, 400},
                      ErrorCase{"RangeVector", "hpad_test_inflight[1m]", QueryErrorKind::kUnsupportedResult, 200},
                      ErrorCase{"StringResult", "\"text\"", QueryErrorKind::kUnsupportedResult, 200},
                      ErrorCase{"ManyToMany", "hpad_test_inflight + on() group_left hpad_test_inflight",
                                QueryErrorKind::kExecution, 422}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST_F(PrometheusIntegration, FanOutAsksEachDistinctQueryOnce) {
  auto prometheus = client();
  cache::ManualClock clock;
  QueryFanout fanout(prometheus, clock, FanoutOptions{.max_concurrency = 3});
  // Two policies' metrics and a gate, with one query shared.
  const std::vector<std::string> queries{"hpad_test_inflight", "sum(hpad_test_inflight)", "hpad_test_inflight",
                                         "max(hpad_test_inflight)", "sum(hpad_test_inflight"};
  const auto result = fanout.run(queries);
  EXPECT_EQ(result.stats.distinct, 4U);
  EXPECT_EQ(result.stats.sent, 4U);
  EXPECT_EQ(result.stats.failed, 1U);
  EXPECT_EQ(by_pod(result.at("max(hpad_test_inflight)")), (std::map<std::string, double>{{"", 30}}));
  EXPECT_EQ(by_pod(result.at("hpad_test_inflight")).size(), 2U);
  const auto again = fanout.run(queries);
  EXPECT_EQ(again.stats.from_cache, 3U);  // the error is asked again
  EXPECT_EQ(again.stats.sent, 1U);
}

TEST(PrometheusStopped, AStoppedServerIsAConnectionErrorNotACrash) {
  if (!ts::PrometheusServer::available())
    GTEST_SKIP() << "no Prometheus at " << ts::PrometheusServer::kBinary;
  ts::PrometheusServer server(ts::PrometheusOptions{});
  PrometheusOptions options;
  options.http.base_url = server.base_url();
  PrometheusClient prometheus(options);
  const auto before = prometheus.query("vector(1)", std::nullopt);
  ASSERT_TRUE(std::holds_alternative<QueryData>(before)) << to_string(std::get<QueryError>(before));
  EXPECT_EQ(server.stop(), 0);
  const auto after = prometheus.query("vector(1)", std::nullopt);
  ASSERT_TRUE(std::holds_alternative<QueryError>(after));
  EXPECT_EQ(std::get<QueryError>(after).kind, QueryErrorKind::kConnection) << to_string(std::get<QueryError>(after));
}

}  // namespace
}  // namespace hpad::metrics
