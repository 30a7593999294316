// Fault injection: a 409 storm on scale writes, 429 with Retry-After, scale write errors and
// delays, dropped connections — from the config and at runtime through POST /sim/faults.
#include <gtest/gtest.h>

#include <cpprest/http_client.h>

#include "sim_test_util.h"

namespace hpad::sim {
namespace {

using namespace hpad::sim::testing;

const std::string kScaleTo3 = R"({"spec":{"replicas":3}})";

SimConfig with_faults(const std::string& faults) {
  auto parsed = parse_config("deployments: [{name: web, labels: {app: web}}]\nfaults: " + faults);
  EXPECT_TRUE(std::holds_alternative<SimConfig>(parsed)) << std::get<ConfigError>(parsed).to_string();
  return std::get<SimConfig>(parsed);
}

TEST(Faults, ConflictStormAnswers409ThenLetsWritesThrough) {
  ManualClock clock;
  Cluster cluster(with_faults("{conflicts: 3}"), clock);
  for (int i = 0; i < 3; ++i) {
    auto response = cluster.handle(merge_patch(kWeb + "/scale", kScaleTo3));
    EXPECT_EQ(response.status, 409) << i;
    EXPECT_EQ(response.body["reason"], "Conflict");
    EXPECT_EQ(response.body["kind"], "Status");
  }
  EXPECT_EQ(cluster.handle(request("GET", kWeb)).body["spec"]["replicas"], 1);  // nothing was written
  EXPECT_EQ(cluster.handle(merge_patch(kWeb + "/scale", kScaleTo3)).status, 200);
  EXPECT_EQ(cluster.faults().conflicts, 0);
}

TEST(Faults, TooManyRequestsCarriesRetryAfter) {
  ManualClock clock;
  Cluster cluster(with_faults("{tooManyRequests: 2, retryAfterSeconds: 4}"), clock);
  EXPECT_EQ(cluster.handle(request("GET", "/version")).status, 200);  // discovery is never throttled
  for (int i = 0; i < 2; ++i) {
    auto response = cluster.handle(request("GET", kWeb));
    EXPECT_EQ(response.status, 429);
    EXPECT_EQ(response.body["reason"], "TooManyRequests");
    EXPECT_EQ(response.body["details"]["retryAfterSeconds"], 4);
    EXPECT_EQ(response.headers.at("Retry-After"), "4");
  }
  EXPECT_EQ(cluster.handle(request("GET", kWeb)).status, 200);
}

TEST(Faults, ScaleWriteErrorRateAndDelay) {
  ManualClock clock;
  Cluster always(with_faults("{scaleWriteErrorRate: 1, scaleWriteDelayMs: 250}"), clock);
  auto failed = always.handle(merge_patch(kWeb + "/scale", kScaleTo3));
  EXPECT_EQ(failed.status, 500);
  EXPECT_EQ(failed.body["reason"], "InternalError");
  EXPECT_EQ(failed.delay, std::chrono::milliseconds(250));
  EXPECT_EQ(always.handle(request("GET", kWeb + "/scale")).delay,
            std::chrono::milliseconds(0));  // reads are not delayed

  Cluster sometimes(with_faults("{scaleWriteErrorRate: 0.5}"), clock);
  int failures = 0;
  for (int i = 0; i < 200; ++i) {
    failures += sometimes.handle(merge_patch(kWeb + "/scale", kScaleTo3)).status == 500 ? 1 : 0;
  }
  EXPECT_GT(failures, 60);  // ~100 expected; seeded, so the same every run
  EXPECT_LT(failures, 140);
}

TEST(Faults, DroppedConnectionsAreMarked) {
  ManualClock clock;
  Cluster cluster(with_faults("{droppedConnections: 1}"), clock);
  auto dropped = cluster.handle(request("GET", kWeb));
  EXPECT_TRUE(dropped.drop_connection);
  EXPECT_EQ(dropped.status, 500);
  EXPECT_FALSE(cluster.handle(request("GET", kWeb)).drop_connection);
}

TEST(Faults, RuntimeEndpointOverHttp) {
  RunningSim sim;
  web::http::client::http_client client(sim.server.api_url());
  auto set = client
                 .request(web::http::methods::POST, "/sim/faults", R"({"tooManyRequests":1,"retryAfterSeconds":2})",
                          "application/json")
                 .get();
  ASSERT_EQ(set.status_code(), 200);
  auto current = nlohmann::json::parse(set.extract_utf8string(true).get());
  EXPECT_EQ(current["tooManyRequests"], 1);
  EXPECT_EQ(current["conflicts"], 0);

  auto throttled = client.request(web::http::methods::GET, kWeb).get();
  EXPECT_EQ(throttled.status_code(), 429);
  EXPECT_EQ(throttled.headers()["Retry-After"], "2");
  EXPECT_EQ(client.request(web::http::methods::GET, kWeb).get().status_code(), 200);

  auto rejected =
      client.request(web::http::methods::POST, "/sim/faults", R"({"conflicts":"many"})", "application/json").get();
  EXPECT_EQ(rejected.status_code(), 422);

  client.request(web::http::methods::POST, "/sim/faults", R"({"scaleWriteDelayMs":200})", "application/json").get();
  const auto start = std::chrono::steady_clock::now();
  auto slow =
      client.request(web::http::methods::PATCH, kWeb + "/scale", kScaleTo3, "application/merge-patch+json").get();
  EXPECT_EQ(slow.status_code(), 200);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 200ms);
}

}  // namespace
}  // namespace hpad::sim
