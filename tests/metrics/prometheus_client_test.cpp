// PrometheusClient and fetch_exposition over real HTTP on loopback, against a scripted server:
// what goes on the wire (method, parameters, credentials, headers) and how every transport
// failure comes back as a typed value without a secret in it. The real-Prometheus behaviour is
// pinned in prometheus_integration_test.cpp.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "hpad/metrics/prometheus_client.h"
#include "hpad/metrics/scrape.h"
#include "hpad/test_support/net.h"
#include "hpad/test_support/scripted_server.h"
#include "hpad/test_support/subprocess.h"
#include "hpad/test_support/test_pki.h"

namespace hpad::metrics {
namespace {

using namespace std::chrono_literals;
using hpad::test_support::RecordedRequest;
using hpad::test_support::ScriptedAnswer;
using hpad::test_support::ScriptedServer;

constexpr const char* kOneSample =
    R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"pod":"web-1"},"value":[1700000000.5,"42"]}]}})";

ScriptedAnswer ok(const RecordedRequest&) {
  return {200, kOneSample};
}

PrometheusOptions options_for(const ScriptedServer& server) {
  PrometheusOptions options;
  options.http.base_url = server.base_url();
  options.http.timeout = 2s;
  return options;
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

QueryData data_of(const QueryOutcome& outcome) {
  if (const auto* error = std::get_if<QueryError>(&outcome))
    ADD_FAILURE() << to_string(*error);
  return std::get<QueryData>(outcome);
}

QueryError error_of(const QueryOutcome& outcome) {
  EXPECT_TRUE(std::holds_alternative<QueryError>(outcome)) << "expected an error";
  return std::get<QueryError>(outcome);
}

TEST(PrometheusClient, SendsTheQueryAndTimeAsGetParametersExactly) {
  ScriptedServer server(ok);
  PrometheusClient client(options_for(server));
  // Characters that must be percent-encoded: + & = # % space, quotes, braces, a regex, UTF-8.
  const std::string promql =
      R"(sum(rate(http_requests_total{code=~"5..|4.+",path!="/a&b=c#d %"}[1m])) + 1 > bool 0 # é)";
  const auto outcome = client.query(promql, 1700000000.25);
  EXPECT_EQ(data_of(outcome).samples.at(0).value, 42);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1U);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].path, "/api/v1/query");
  EXPECT_EQ(requests[0].params.at("query"), promql);
  EXPECT_EQ(requests[0].params.at("time"), "1700000000.250");
  EXPECT_EQ(requests[0].headers.at("accept"), "application/json");
  EXPECT_EQ(requests[0].headers.count("authorization"), 0U);
}

TEST(PrometheusClient, OmitsTimeWhenNoneIsGiven) {
  ScriptedServer server(ok);
  PrometheusClient client(options_for(server));
  client.query("up", std::nullopt);
  EXPECT_EQ(server.requests().at(0).params.count("time"), 0U);
}

TEST(PrometheusClient, KeepsTheBaseUrlPathPrefix) {
  ScriptedServer server(ok);
  auto options = options_for(server);
  options.http.base_url += "/prometheus/";
  PrometheusClient client(options);
  client.query("up", std::nullopt);
  EXPECT_EQ(server.requests().at(0).path, "/prometheus/api/v1/query");
}

TEST(PrometheusClient, SendsALongQueryAsAPostForm) {
  ScriptedServer server(ok);
  auto options = options_for(server);
  options.post_above_bytes = 100;
  PrometheusClient client(options);
  std::string promql = "sum(x)";
  while (promql.size() < 200)
    promql += " + sum(x{a=\"b c\"})";
  data_of(client.query(promql, 12.5));
  const auto request = server.requests().at(0);
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.headers.at("content-type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(request.params.at("query"), promql);
  EXPECT_EQ(request.params.at("time"), "12.500");
}

TEST(PrometheusClient, SendsABearerTokenFromAFileAndRereadsItWhenItRotates) {
  hpad::test_support::TempDir dir;
  const auto token_file = dir.path() / "token";
  write_file(token_file, "first-token\n");
  ScriptedServer server(ok);
  auto options = options_for(server);
  options.http.bearer_token_file = token_file;
  PrometheusClient client(options);
  data_of(client.query("up", std::nullopt));
  // A rotated token is a new file (kubelet writes a new one and renames it over the old).
  write_file(dir.path() / "token.new", "second-token-longer");
  std::filesystem::rename(dir.path() / "token.new", token_file);
  data_of(client.query("up", std::nullopt));
  const auto requests = server.requests();
  EXPECT_EQ(requests.at(0).headers.at("authorization"), "Bearer first-token");
  EXPECT_EQ(requests.at(1).headers.at("authorization"), "Bearer second-token-longer");
}

TEST(PrometheusClient, AMissingTokenFileIsAClientConfigErrorThatNamesTheFile) {
  ScriptedServer server(ok);
  auto options = options_for(server);
  options.http.bearer_token_file = "/nonexistent/hpad/token";
  PrometheusClient client(options);
  const auto error = error_of(client.query("up", std::nullopt));
  EXPECT_EQ(error.kind, QueryErrorKind::kClientConfig);
  EXPECT_NE(error.message.find("/nonexistent/hpad/token"), std::string::npos) << error.message;
  EXPECT_TRUE(server.requests().empty());
}

TEST(PrometheusClient, SendsBasicAuthAndExtraHeaders) {
  hpad::test_support::TempDir dir;
  write_file(dir.path() / "password", "s3cret:with:colons\n");
  ScriptedServer server(ok);
  auto options = options_for(server);
  options.http.basic_auth = BasicAuth{"hpad", dir.path() / "password", ""};
  options.http.headers = {{"X-Scope-OrgID", "tenant-a"}, {"X-Extra", "1"}};
  PrometheusClient client(options);
  data_of(client.query("up", std::nullopt));
  const auto request = server.requests().at(0);
  // base64("hpad:s3cret:with:colons")
  EXPECT_EQ(request.headers.at("authorization"), "Basic aHBhZDpzM2NyZXQ6d2l0aDpjb2xvbnM=");
  EXPECT_EQ(request.headers.at("x-scope-orgid"), "tenant-a");
  EXPECT_EQ(request.headers.at("x-extra"), "1");
}

TEST(PrometheusClient, ParsesPrometheusErrorsFromTheWire) {
  ScriptedServer server([](const RecordedRequest&) {
    return ScriptedAnswer{400, R"({"status":"error","errorType":"bad_data","error":"1:5: parse error"})"};
  });
  PrometheusClient client(options_for(server));
  const auto error = error_of(client.query("up{", std::nullopt));
  EXPECT_EQ(error.kind, QueryErrorKind::kBadData);
  EXPECT_EQ(error.http_status, 400);
  EXPECT_EQ(error.message, "1:5: parse error");
}

TEST(PrometheusClient, AProxyErrorPageIsAnHttpStatusErrorWithAnExcerpt) {
  ScriptedServer server([](const RecordedRequest&) {
    return ScriptedAnswer{502, "<html><body>Bad Gateway</body></html>", "text/html"};
  });
  PrometheusClient client(options_for(server));
  const auto error = error_of(client.query("up", std::nullopt));
  EXPECT_EQ(error.kind, QueryErrorKind::kHttpStatus);
  EXPECT_EQ(to_string(error), "Prometheus: HTTP 502: <html><body>Bad Gateway</body></html>");
}

TEST(PrometheusClient, AnAnswerSlowerThanTheTimeoutIsARequestTimeout) {
  ScriptedServer server([](const RecordedRequest&) {
    return ScriptedAnswer{200, kOneSample, "application/json", 1500ms};
  });
  auto options = options_for(server);
  options.http.timeout = 200ms;
  PrometheusClient client(options);
  const auto start = std::chrono::steady_clock::now();
  const auto error = error_of(client.query("up", std::nullopt));
  EXPECT_EQ(error.kind, QueryErrorKind::kRequestTimeout) << to_string(error);
  EXPECT_EQ(error.http_status, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1400ms);
}

TEST(PrometheusClient, AnAnswerLargerThanTheCapIsRefused) {
  const std::string huge =
      std::string(R"({"status":"success","data":{"resultType":"vector","result":[)") + std::string(300000, ' ') + "]}}";
  ScriptedServer server([&](const RecordedRequest&) { return ScriptedAnswer{200, huge}; });
  auto options = options_for(server);
  options.http.max_response_bytes = 100000;
  PrometheusClient client(options);
  const auto error = error_of(client.query("up", std::nullopt));
  EXPECT_EQ(error.kind, QueryErrorKind::kResponseTooLarge);
  EXPECT_NE(error.message.find("100000 bytes"), std::string::npos) << error.message;
  options.http.max_response_bytes = 1000000;
  PrometheusClient roomy(options);
  EXPECT_TRUE(data_of(roomy.query("up", std::nullopt)).no_data());
}

TEST(PrometheusClient, NobodyListeningIsAConnectionError) {
  PrometheusOptions options;
  options.http.base_url = "http://127.0.0.1:" + std::to_string(hpad::test_support::free_port());
  PrometheusClient client(options);
  const auto error = error_of(client.query("up", std::nullopt));
  EXPECT_EQ(error.kind, QueryErrorKind::kConnection);
  EXPECT_NE(to_string(error).find(options.http.base_url), std::string::npos) << to_string(error);
}

TEST(PrometheusClient, ConcurrentQueriesFromManyThreadsAllGetTheirAnswer) {
  ScriptedServer server([](const RecordedRequest& request) {
    return ScriptedAnswer{200, R"({"status":"success","data":{"resultType":"scalar","result":[1,")" +
                                   request.params.at("query") + R"("]}})"};
  });
  PrometheusClient client(options_for(server));
  std::vector<std::jthread> threads;
  std::vector<double> values(16, -1);
  for (std::size_t i = 0; i < values.size(); ++i) {
    threads.emplace_back([&, i] {
      const auto outcome = client.query(std::to_string(i), std::nullopt);
      if (const auto* data = std::get_if<QueryData>(&outcome))
        values[i] = data->samples.at(0).value;
    });
  }
  threads.clear();
  for (std::size_t i = 0; i < values.size(); ++i)
    EXPECT_EQ(values[i], static_cast<double>(i));
}

struct BadOptionsCase {
  const char* name;
  std::function<void(HttpOptions&)> change;
  const char* message;
};

class HttpOptionsCheck : public ::testing::TestWithParam<BadOptionsCase> {};

TEST_P(HttpOptionsCheck, RefusesUnusableOptionsWithAClearMessage) {
  HttpOptions options;
  EXPECT_EQ(check(options), "");
  GetParam().change(options);
  EXPECT_EQ(check(options), GetParam().message);
  // The client reports the same text on every query, without sending anything.
  PrometheusClient client(PrometheusOptions{options});
  const auto outcome = client.query("up", std::nullopt);
  ASSERT_TRUE(std::holds_alternative<QueryError>(outcome));
  EXPECT_EQ(std::get<QueryError>(outcome).kind, QueryErrorKind::kClientConfig);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, HttpOptionsCheck,
    ::testing::Values(BadOptionsCase{"FtpScheme", [](HttpOptions& o) { o.base_url = "ftp://127.0.0.1:9090"; },
                                     "base URL must start with http:// or https://"},
                      BadOptionsCase{"UserInfo", [](HttpOptions& o) { o.base_url = "http://admin:pw@127.0.0.1:9090"; },
                                     "base URL must not carry user info: use basic auth instead"},
                      BadOptionsCase{"QueryString", [](HttpOptions& o) { o.base_url = "http://127.0.0.1:9090/?x=1"; },
                                     "base URL must not have a query string or a fragment"},
                      BadOptionsCase{"ZeroTimeout", [](HttpOptions& o) { o.timeout = 0ms; },
                                     "timeout must be positive"},
                      BadOptionsCase{"TokenAndBasic",
                                     [](HttpOptions& o) {
                                       o.bearer_token_file = "/t";
                                       o.basic_auth = BasicAuth{"u", "", "p"};
                                     },
                                     "set a bearer token file or basic auth, not both"},
                      BadOptionsCase{"BasicWithoutPassword",
                                     [](HttpOptions& o) {
                                       o.basic_auth = BasicAuth{"u", "", ""};
                                     },
                                     "basic auth needs exactly one of a password or a password file"},
                      BadOptionsCase{"MissingCa",
                                     [](HttpOptions& o) {
                                       o.base_url = "https://127.0.0.1:9090";
                                       o.ca_file = "/nonexistent/ca.pem";
                                     },
                                     "cannot read CA file /nonexistent/ca.pem: No such file or directory"},
                      BadOptionsCase{"CaOnPlainHttp", [](HttpOptions& o) { o.ca_file = "/etc/hostname"; },
                                     "a CA file is set but the base URL is plain http://"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(PrometheusClient, NoMessageEverCarriesTheCredentials) {
  hpad::test_support::TempDir dir;
  write_file(dir.path() / "token", "tok-SECRET-1234");
  std::vector<std::string> messages;
  auto collect = [&](PrometheusClient& client) {
    const auto outcome = client.query("up", std::nullopt);
    if (const auto* error = std::get_if<QueryError>(&outcome))
      messages.push_back(to_string(*error));
  };
  {
    ScriptedServer server([](const RecordedRequest& request) {
      // A server that echoes the request's Authorization header back in its error.
      return ScriptedAnswer{401, "denied for " + request.headers.at("authorization"), "text/plain"};
    });
    auto options = options_for(server);
    options.http.bearer_token_file = dir.path() / "token";
    PrometheusClient client(options);
    collect(client);
  }
  PrometheusOptions refused;
  refused.http.base_url = "http://127.0.0.1:" + std::to_string(hpad::test_support::free_port());
  refused.http.basic_auth = BasicAuth{"user", "", "pw-SECRET-5678"};
  PrometheusClient refused_client(refused);
  collect(refused_client);
  ASSERT_EQ(messages.size(), 2U);
  // The server's own echo is the server's business; what hpad adds never holds the secret.
  EXPECT_EQ(messages[0], "Prometheus: HTTP 401: denied for Bearer tok-SECRET-1234");
  EXPECT_EQ(messages[1].find("SECRET"), std::string::npos) << messages[1];
}

// --- TLS: a CA and a server certificate made by the openssl CLI for this test. ---

class PrometheusClientTls : public ::testing::Test {
 protected:
  void SetUp() override { hpad::test_support::make_test_pki(dir_.path()); }

  std::filesystem::path file(const char* name) const { return dir_.path() / name; }

  hpad::test_support::TempDir dir_;
};

TEST_F(PrometheusClientTls, VerifiesTheServerAgainstTheConfiguredCa) {
  ScriptedServer server(ok, ScriptedServer::Tls{file("server.pem").string(), file("server.key").string()});
  ASSERT_EQ(server.base_url().rfind("https://", 0), 0U);
  auto options = options_for(server);

  options.http.ca_file = file("ca.pem");
  PrometheusClient trusted(options);
  EXPECT_EQ(data_of(trusted.query("up", std::nullopt)).samples.size(), 1U);

  options.http.ca_file.clear();
  PrometheusClient untrusted(options);
  const auto error = error_of(untrusted.query("up", std::nullopt));
  EXPECT_EQ(error.kind, QueryErrorKind::kConnection);
  // cpprestsdk reports every handshake failure with this one text (the OpenSSL reason is lost).
  EXPECT_NE(to_string(error).find("SSL handshake"), std::string::npos) << to_string(error);

  options.http.insecure_skip_verify = true;
  PrometheusClient insecure(options);
  EXPECT_EQ(data_of(insecure.query("up", std::nullopt)).samples.size(), 1U);
}

// --- fetch_exposition ---

TEST(FetchExposition, ParsesWhatTheEndpointServes) {
  ScriptedServer server([](const RecordedRequest&) {
    return ScriptedAnswer{200, "# TYPE queue_depth gauge\nqueue_depth{pod=\"web-1\"} 7\n", "text/plain; version=0.0.4"};
  });
  HttpOptions options;
  options.base_url = server.base_url() + "/metrics";
  const auto outcome = fetch_exposition(options);
  ASSERT_TRUE(std::holds_alternative<std::vector<MetricFamily>>(outcome))
      << to_string(std::get<ScrapeError>(outcome), options.base_url);
  const auto& families = std::get<std::vector<MetricFamily>>(outcome);
  ASSERT_EQ(families.size(), 1U);
  EXPECT_EQ(families[0].name, "queue_depth");
  const auto request = server.requests().at(0);
  EXPECT_EQ(request.path, "/metrics");
  EXPECT_EQ(request.headers.at("accept").rfind("text/plain;version=0.0.4", 0), 0U);
}

struct ScrapeFailureCase {
  const char* name;
  ScriptedAnswer answer;
  std::string expected;  // to_string of the error, with URL replaced by "URL"
};

class FetchExpositionFailure : public ::testing::TestWithParam<ScrapeFailureCase> {};

TEST_P(FetchExpositionFailure, ComesBackAsATypedError) {
  const auto answer = GetParam().answer;
  ScriptedServer server([&](const RecordedRequest&) { return answer; });
  HttpOptions options;
  options.base_url = server.base_url() + "/metrics";
  options.timeout = 300ms;
  const auto outcome = fetch_exposition(options);
  ASSERT_TRUE(std::holds_alternative<ScrapeError>(outcome));
  std::string message = to_string(std::get<ScrapeError>(outcome), "URL");
  for (auto at = message.find(options.base_url); at != std::string::npos; at = message.find(options.base_url)) {
    message.replace(at, options.base_url.size(), "URL");
  }
  EXPECT_EQ(message, GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(Cases, FetchExpositionFailure,
                         ::testing::Values(ScrapeFailureCase{"ServiceUnavailable",
                                                             {503, "not ready\n", "text/plain"},
                                                             "scrape URL: HTTP 503: not ready"},
                                           ScrapeFailureCase{"NotExposition",
                                                             {200, "up 1\n{\"json\": true}\n", "text/plain"},
                                                             "scrape URL: line 2, column 1: missing metric name"},
                                           ScrapeFailureCase{
                                               "TooSlow",
                                               {200, "up 1\n", "text/plain", 1500ms},
                                               "scrape URL: no answer in time: no answer within 300 ms (URL)"}),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(FetchExposition, NobodyListeningIsATransportError) {
  HttpOptions options;
  options.base_url = "http://127.0.0.1:" + std::to_string(hpad::test_support::free_port()) + "/metrics";
  const auto outcome = fetch_exposition(options);
  ASSERT_TRUE(std::holds_alternative<ScrapeError>(outcome));
  const auto& error = std::get<ScrapeError>(outcome);
  EXPECT_EQ(error.kind, ScrapeError::Kind::kTransport);
  EXPECT_EQ(error.transport_kind, QueryErrorKind::kConnection);
}

}  // namespace
}  // namespace hpad::metrics
