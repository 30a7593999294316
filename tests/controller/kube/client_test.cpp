// KubeClient over real HTTP against an in-process hpad-kubesim (scale get/patch/put and conflict
// re-reads, pod paging, events, leases, token auth, 429/5xx/timeout through the sim's fault
// injection) and against a scripted listener for what the sim cannot do (events.k8s.io missing,
// 403, a custom resource found through discovery, TLS with a CA made by the openssl CLI).
#include <gtest/gtest.h>

#include <set>

#include "kube_test_util.h"

namespace hpad::kube {
namespace {

using namespace testing;
using Clock = std::chrono::steady_clock;

// --- Scale ---

TEST(KubeClientScale, GetsPatchesAndPutsTheScaleSubresource) {
  RunningSim sim;
  KubeClient client(sim.connection(), fast_options());
  const Scale initial = value_of(client.get_scale(web_target()));
  EXPECT_EQ(initial.name, "web");
  EXPECT_EQ(initial.namespace_name, "default");
  EXPECT_EQ(initial.spec_replicas, 2);
  EXPECT_EQ(initial.selector, "app=web");
  EXPECT_FALSE(initial.resource_version.empty());

  const Scale patched = value_of(client.patch_scale_replicas(web_target(), 5));
  EXPECT_EQ(patched.spec_replicas, 5);
  EXPECT_NE(patched.resource_version, initial.resource_version);  // every write bumps it
  EXPECT_EQ(value_of(client.get_scale(web_target())).spec_replicas, 5);

  Scale desired = patched;
  desired.spec_replicas = 3;
  EXPECT_EQ(value_of(client.update_scale(web_target(), desired)).spec_replicas, 3);
  // The sim's Deployment followed: the scale subresource is its spec.replicas.
  const auto deployment = sim.get("/apis/apps/v1/namespaces/default/deployments/web");
  EXPECT_EQ(deployment.body["spec"]["replicas"], 3);
}

TEST(KubeClientScale, APutWithAStaleResourceVersionIsRereadAndLands) {
  RunningSim sim;
  ObservedRequests observed;
  auto options = fast_options();
  options.observer = observed.observer();
  KubeClient client(sim.connection(), options);
  const Scale stale = value_of(client.get_scale(web_target()));
  value_of(client.patch_scale_replicas(web_target(), 4));  // someone else wrote in between
  Scale desired = stale;
  desired.spec_replicas = 6;
  const Scale landed = value_of(client.update_scale(web_target(), desired));
  EXPECT_EQ(landed.spec_replicas, 6);
  // get, patch, then PUT 409, re-read GET 200, PUT 200.
  const std::vector<std::pair<std::string, int>> expected{
      {"get", 200}, {"patch", 200}, {"update", 409}, {"get", 200}, {"update", 200}};
  EXPECT_EQ(observed.calls(), expected);
}

TEST(KubeClientScale, AConflictStormShorterThanTheBudgetIsRetriedThrough) {
  RunningSim sim;
  KubeClient client(sim.connection(), fast_options());
  Scale desired = value_of(client.get_scale(web_target()));
  auto faults = sim.cluster.faults();
  faults.conflicts = 3;  // kDefaultRetry allows 5 attempts
  sim.cluster.set_faults(faults);
  desired.spec_replicas = 7;
  EXPECT_EQ(value_of(client.update_scale(web_target(), desired)).spec_replicas, 7);
  EXPECT_EQ(sim.cluster.faults().conflicts, 0);
}

TEST(KubeClientScale, AConflictStormLongerThanTheBudgetIsAConflictError) {
  RunningSim sim;
  ObservedRequests observed;
  auto options = fast_options();
  options.observer = observed.observer();
  KubeClient client(sim.connection(), options);
  Scale desired = value_of(client.get_scale(web_target()));
  auto faults = sim.cluster.faults();
  faults.conflicts = 50;
  sim.cluster.set_faults(faults);
  desired.spec_replicas = 7;
  const ApiError error = error_of(client.update_scale(web_target(), desired));
  EXPECT_TRUE(is_conflict(error)) << error.to_string();
  EXPECT_EQ(error.http_status, 409);
  int puts = 0;
  for (const auto& [verb, code] : observed.calls()) {
    puts += verb == "update" ? 1 : 0;
  }
  EXPECT_EQ(puts, kDefaultRetry.steps);  // bounded: 5 attempts in all
  EXPECT_EQ(sim.cluster.faults().conflicts, 50 - kDefaultRetry.steps);
  // The same storm hits a merge patch, which is sent again as it is, within the same budget.
  EXPECT_TRUE(is_conflict(error_of(client.patch_scale_replicas(web_target(), 2))));
}

TEST(KubeClientScale, AMissingTargetIsNotFoundAndNotRetried) {
  RunningSim sim;
  ObservedRequests observed;
  auto options = fast_options();
  options.observer = observed.observer();
  KubeClient client(sim.connection(), options);
  const ApiError error = error_of(client.get_scale({"default", {"apps/v1", "Deployment", "nope"}}));
  EXPECT_TRUE(is_not_found(error)) << error.to_string();
  EXPECT_EQ(observed.codes(), std::vector<int>{404});
}

TEST(KubeClientScale, AKindWithoutAScaleSubresourceIsReportedFromDiscovery) {
  RunningSim sim;
  KubeClient client(sim.connection(), fast_options());
  // Leases are served by the sim's discovery, but have no leases/scale.
  const ApiError error = error_of(client.get_scale({"default", {"coordination.k8s.io/v1", "Lease", "x"}}));
  EXPECT_EQ(error.reason, "InvalidResponse");
  EXPECT_NE(error.message.find("discovery of coordination.k8s.io/v1 Lease"), std::string::npos) << error.message;
}

// --- Pods ---

TEST(KubeClientPods, PagingWithASmallLimitReturnsEveryPodExactlyOnce) {
  RunningSim sim(web_config(7));
  auto options = fast_options();
  options.page_limit = 2;
  KubeClient client(sim.connection(), options);
  const PodList list = value_of(client.list_pods("default", "app=web"));
  EXPECT_EQ(list.pages, 4U);  // 2 + 2 + 2 + 1
  std::multiset<std::string> names;
  for (const auto& pod : list.pods) {
    names.insert(pod.name);
    EXPECT_EQ(pod.namespace_name, "default");
    EXPECT_EQ(pod.raw["metadata"]["labels"]["app"], "web");  // the raw object is kept
  }
  std::multiset<std::string> expected;
  const auto in_sim = sim.get("/api/v1/namespaces/default/pods", {{"labelSelector", "app=web"}});
  for (const auto& item : in_sim.body["items"]) {
    expected.insert(item["metadata"]["name"].get<std::string>());
  }
  EXPECT_EQ(expected.size(), 7U);
  EXPECT_EQ(names, expected);
}

TEST(KubeClientPods, ASelectorThatMatchesNothingIsAnEmptyList) {
  RunningSim sim;
  KubeClient client(sim.connection(), fast_options());
  const PodList list = value_of(client.list_pods("default", "app in (other,none)"));
  EXPECT_TRUE(list.pods.empty());
  EXPECT_EQ(list.pages, 1U);
}

// --- Events ---

TEST(KubeClientEvents, CreatesAnEventsV1EventThatTheServerStores) {
  RunningSim sim;
  KubeClient client(sim.connection(), fast_options());
  EventSpec event{"default", {"apps/v1", "Deployment", "web", ""},
                  "Normal",  "SuccessfulRescale",
                  "Scale",   "New size: 5; reason: cpu resource utilization above target"};
  const CreatedEvent created = value_of(client.create_event(event));
  EXPECT_EQ(created.api_version, "events.k8s.io/v1");
  EXPECT_FALSE(client.events_fell_back_to_core_v1());
  const auto stored = sim.get("/apis/events.k8s.io/v1/namespaces/default/events/" + created.name);
  ASSERT_EQ(stored.status, 200) << stored.body.dump();
  EXPECT_EQ(stored.body["reason"], "SuccessfulRescale");
  EXPECT_EQ(stored.body["regarding"]["name"], "web");
  EXPECT_EQ(stored.body["reportingController"], "hpad");
}

TEST(KubeClientEvents, FallsBackToCoreV1WhenEventsV1IsNotServedAndRemembersIt) {
  ScriptedServer server([](const RecordedRequest& request) {
    if (request.path.rfind("/apis/events.k8s.io/", 0) == 0) {
      return ScriptedAnswer{404, "404 page not found"};
    }
    return ScriptedAnswer{201, request.body};
  });
  Connection connection;
  connection.server = server.base_url();
  KubeClient client(connection, fast_options());
  EventSpec event{"default",  {"apps/v1", "Deployment", "web", "u-1"},
                  "Warning",  "FailedGetScale",
                  "GetScale", std::string(3000, 'x')};
  EXPECT_EQ(value_of(client.create_event(event)).api_version, "v1");
  EXPECT_TRUE(client.events_fell_back_to_core_v1());
  EXPECT_EQ(value_of(client.create_event(event)).api_version, "v1");
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3U);  // events.k8s.io once, then core v1 twice
  EXPECT_EQ(requests[0].path, "/apis/events.k8s.io/v1/namespaces/default/events");
  EXPECT_EQ(requests[1].path, "/api/v1/namespaces/default/events");
  EXPECT_EQ(requests[2].path, "/api/v1/namespaces/default/events");
  const auto core = nlohmann::json::parse(requests[1].body);
  EXPECT_EQ(core["involvedObject"]["uid"], "u-1");
  EXPECT_EQ(core["type"], "Warning");
  EXPECT_EQ(core["message"].get<std::string>().size(), 1024U);  // cut to the API's limit
}

// --- Leases ---

TEST(KubeClientLeases, CreateGetUpdateAndAStaleUpdateConflicts) {
  RunningSim sim;
  KubeClient client(sim.connection(), fast_options());
  EXPECT_TRUE(is_not_found(error_of(client.get_lease("default", "hpad"))));
  const auto now = std::chrono::system_clock::now();
  LeaseRecord record{"pod-a", 15, now, now, 0, ""};
  const LeaseRecord created = value_of(client.create_lease("default", "hpad", record));
  EXPECT_EQ(created.holder_identity, "pod-a");
  EXPECT_FALSE(created.resource_version.empty());
  EXPECT_EQ(value_of(client.get_lease("default", "hpad")), created);
  // Creating it again: AlreadyExists.
  EXPECT_EQ(error_of(client.create_lease("default", "hpad", record)).http_status, 409);

  LeaseRecord renewed = created;
  renewed.renew_time = now + std::chrono::seconds(2);
  const LeaseRecord updated = value_of(client.update_lease("default", "hpad", renewed));
  EXPECT_NE(updated.resource_version, created.resource_version);

  LeaseRecord stale = created;  // still carries the first resourceVersion
  stale.holder_identity = "pod-b";
  const ApiError conflict = error_of(client.update_lease("default", "hpad", stale));
  EXPECT_TRUE(is_conflict(conflict)) << conflict.to_string();
  EXPECT_EQ(value_of(client.get_lease("default", "hpad")).holder_identity, "pod-a");
}

// --- Faults through the sim's fault injection ---

TEST(KubeClientFaults, TooManyRequestsHonoursRetryAfter) {
  RunningSim sim;
  ObservedRequests observed;
  auto options = fast_options();
  options.observer = observed.observer();
  KubeClient client(sim.connection(), options);
  auto faults = sim.cluster.faults();
  faults.too_many_requests = 1;
  faults.retry_after_seconds = 1;
  sim.cluster.set_faults(faults);
  const auto start = Clock::now();
  EXPECT_EQ(value_of(client.get_scale(web_target())).spec_replicas, 2);
  const auto waited = Clock::now() - start;
  EXPECT_GE(waited, 1s);  // the server's Retry-After, not the 20 ms backoff
  EXPECT_LT(waited, 2500ms);
  EXPECT_EQ(observed.codes(), (std::vector<int>{429, 200}));
}

TEST(KubeClientFaults, ServerErrorsAreRetriedWithBackoffThenSucceed) {
  RunningSim sim;
  ObservedRequests observed;
  auto options = fast_options();
  options.retry.server_error = Backoff{100ms, 2.0, 0.0, 4, 1s};
  options.observer = observed.observer();
  KubeClient client(sim.connection(), options);
  auto faults = sim.cluster.faults();
  faults.dropped_connections = 2;  // the sim answers them with a bare 500
  sim.cluster.set_faults(faults);
  const auto start = Clock::now();
  EXPECT_EQ(value_of(client.patch_scale_replicas(web_target(), 4)).spec_replicas, 4);
  EXPECT_GE(Clock::now() - start, 300ms);  // 100 ms, then 200 ms
  EXPECT_EQ(observed.codes(), (std::vector<int>{500, 500, 200}));
}

TEST(KubeClientFaults, ServerErrorsBeyondTheBudgetComeBackAsTheLastError) {
  RunningSim sim;
  ObservedRequests observed;
  auto options = fast_options();
  options.observer = observed.observer();
  KubeClient client(sim.connection(), options);
  auto faults = sim.cluster.faults();
  faults.scale_write_error_rate = 1.0;
  sim.cluster.set_faults(faults);
  const ApiError error = error_of(client.patch_scale_replicas(web_target(), 4));
  EXPECT_EQ(error.http_status, 500);
  EXPECT_EQ(error.reason, "InternalError");
  EXPECT_EQ(observed.codes(), (std::vector<int>{500, 500, 500, 500}));  // 4 attempts in all
}

TEST(KubeClientFaults, AnAnswerSlowerThanTheTimeoutIsATimeoutError) {
  RunningSim sim;
  ObservedRequests observed;
  auto options = fast_options();
  options.timeout = 300ms;
  options.retry.server_error.steps = 2;
  options.observer = observed.observer();
  KubeClient client(sim.connection(), options);
  auto faults = sim.cluster.faults();
  faults.scale_write_delay_ms = 1200;
  sim.cluster.set_faults(faults);
  const auto start = Clock::now();
  const ApiError error = error_of(client.patch_scale_replicas(web_target(), 4));
  EXPECT_LT(Clock::now() - start, 1100ms);  // two 300 ms attempts and a ~20 ms backoff
  EXPECT_EQ(error.http_status, 0);
  EXPECT_EQ(error.reason, "Timeout");
  EXPECT_NE(error.message.find("no answer within 300 ms"), std::string::npos) << error.message;
  EXPECT_EQ(observed.codes(), (std::vector<int>{0, 0}));
}

TEST(KubeClientFaults, NobodyListeningIsATransportError) {
  Connection connection;
  connection.server = "http://127.0.0.1:" + std::to_string(hpad::test_support::free_port());
  auto options = fast_options();
  options.retry.server_error.steps = 2;
  KubeClient client(connection, options);
  const ApiError error = error_of(client.get_scale(web_target()));
  EXPECT_EQ(error.http_status, 0);
  EXPECT_EQ(error.reason, "TransportError");
  EXPECT_NE(error.message.find(connection.server), std::string::npos) << error.message;
}

TEST(KubeClientAuth, RefusesToSendCredentialsOverPlainHttpToAnotherHost) {
  Connection connection;
  connection.server = "http://10.255.255.1:6443";
  connection.token = "tok-SECRET";
  KubeClient client(connection, fast_options());
  const auto start = std::chrono::steady_clock::now();
  const ApiError error = error_of(client.get_scale(web_target()));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);  // refused before any connection
  EXPECT_NE(error.message.find("refusing to send credentials over plain http:// to 10.255.255.1"), std::string::npos)
      << error.message;
  EXPECT_EQ(error.message.find("SECRET"), std::string::npos);
}

TEST(KubeClientRateLimit, RequestsBeyondTheBurstWaitForTokens) {
  RunningSim sim;
  auto options = fast_options();
  options.qps = 10;
  options.burst = 1;
  KubeClient client(sim.connection(), options);
  const auto start = Clock::now();
  for (int i = 0; i < 4; ++i) {
    value_of(client.get_scale(web_target()));
  }
  EXPECT_GE(Clock::now() - start, 290ms);  // the 2nd, 3rd and 4th wait 100 ms each
}

// --- Authentication ---

TEST(KubeClientAuth, WithoutTheTokenItIsUnauthorizedAndTheMessageSaysWhat) {
  RunningSim sim(web_config(), "s3cret-token-value");
  KubeClient client(sim.connection(), fast_options());
  const ApiError error = error_of(client.get_scale(web_target()));
  EXPECT_TRUE(is_unauthorized(error));
  EXPECT_NE(error.message.find("unauthorized"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("cannot get deployments.apps/scale \"web\" in namespace \"default\""), std::string::npos)
      << error.message;
}

TEST(KubeClientAuth, ATokenFileIsSentAndARotatedOneIsPickedUpAfterA401) {
  RunningSim sim(web_config(), "new-s3cret-token");
  hpad::test_support::TempDir dir;
  const auto token_file = dir.path() / "token";
  write_file(token_file, "old-s3cret-token\n");
  ObservedRequests observed;
  auto options = fast_options();
  options.observer = observed.observer();
  auto connection = sim.connection();
  connection.token_file = token_file;
  KubeClient client(connection, options);
  // The old token: a 401, the file re-read once (still old), a 401 again.
  const ApiError error = error_of(client.get_scale(web_target()));
  EXPECT_TRUE(is_unauthorized(error));
  EXPECT_EQ(error.to_string().find("s3cret"), std::string::npos) << "a token leaked: " << error.to_string();
  // The kubelet rotates the token: a new file renamed over the old one.
  write_file(dir.path() / "token.new", "new-s3cret-token");
  std::filesystem::rename(dir.path() / "token.new", token_file);
  // The cached old token gets a 401, which drops it; the re-read new one succeeds.
  EXPECT_EQ(value_of(client.get_scale(web_target())).spec_replicas, 2);
  EXPECT_EQ(observed.codes(), (std::vector<int>{401, 401, 401, 200}));
  EXPECT_EQ(value_of(client.get_scale(web_target())).spec_replicas, 2);  // now cached
  EXPECT_EQ(observed.codes().size(), 5U);
}

TEST(KubeClientAuth, ForbiddenNamesTheMissingRbacRule) {
  ScriptedServer server([](const RecordedRequest&) {
    return ScriptedAnswer{403, R"({"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Forbidden",)"
                               R"("code":403,"message":"deployments.apps \"web\" is forbidden: User cannot patch"})"};
  });
  Connection connection;
  connection.server = server.base_url();
  connection.token = "tok-SECRET-1234";
  KubeClient client(connection, fast_options());
  const ApiError error = error_of(client.patch_scale_replicas(web_target(), 3));
  EXPECT_TRUE(is_forbidden(error));
  EXPECT_EQ(error.message,
            "forbidden: cannot patch deployments.apps/scale \"web\" in namespace \"default\": the service account "
            "needs a Role rule {apiGroups: [\"apps\"], resources: [\"deployments/scale\"], verbs: [\"patch\"]}");
  EXPECT_EQ(server.requests().size(), 1U);  // not retried
  EXPECT_EQ(server.requests().at(0).headers.at("authorization"), "Bearer tok-SECRET-1234");
  EXPECT_EQ(error.to_string().find("SECRET"), std::string::npos);
}

// --- Discovery of a custom resource ---

TEST(KubeClientDiscovery, FindsTheScaleSubresourceOfACustomResourceOnce) {
  ScriptedServer server([](const RecordedRequest& request) {
    if (request.path == "/apis/example.com/v1") {
      return ScriptedAnswer{200, R"({"kind":"APIResourceList","apiVersion":"v1","groupVersion":"example.com/v1",)"
                                 R"("resources":[{"name":"workers","singularName":"worker","namespaced":true,)"
                                 R"("kind":"Worker","verbs":["get"]},{"name":"workers/scale","singularName":"",)"
                                 R"("namespaced":true,"group":"autoscaling","version":"v1","kind":"Scale",)"
                                 R"("verbs":["get","patch","update"]}]})"};
    }
    return ScriptedAnswer{200, R"({"kind":"Scale","apiVersion":"autoscaling/v1","metadata":{"name":"w",)"
                               R"("namespace":"jobs","resourceVersion":"9"},"spec":{"replicas":4},)"
                               R"("status":{"replicas":4,"selector":"app=w"}})"};
  });
  Connection connection;
  connection.server = server.base_url();
  KubeClient client(connection, fast_options());
  const ScaleTarget target{"jobs", {"example.com/v1", "Worker", "w"}};
  EXPECT_EQ(value_of(client.get_scale(target)).spec_replicas, 4);
  EXPECT_EQ(value_of(client.get_scale(target)).selector, "app=w");
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3U);  // discovery once, then two GETs
  EXPECT_EQ(requests[0].path, "/apis/example.com/v1");
  EXPECT_EQ(requests[1].path, "/apis/example.com/v1/namespaces/jobs/workers/w/scale");
}

// --- TLS: a CA and a server certificate made by the openssl CLI for this test. ---

class KubeClientTls : public ::testing::Test {
 protected:
  void SetUp() override { hpad::test_support::make_test_pki(dir_.path()); }
  std::filesystem::path file(const char* name) const { return dir_.path() / name; }

  hpad::test_support::TempDir dir_;
};

ScriptedAnswer scale_answer(const RecordedRequest&) {
  return {200, R"({"kind":"Scale","apiVersion":"autoscaling/v1","metadata":{"name":"web","namespace":"default",)"
               R"("resourceVersion":"3"},"spec":{"replicas":2},"status":{"replicas":2,"selector":"app=web"}})"};
}

TEST_F(KubeClientTls, VerifiesTheServerAgainstTheConnectionsCa) {
  ScriptedServer server(scale_answer, ScriptedServer::Tls{file("server.pem").string(), file("server.key").string()});
  ASSERT_EQ(server.base_url().rfind("https://", 0), 0U);
  Connection connection;
  connection.server = server.base_url();

  connection.ca_pem = read_file(file("ca.pem"));
  KubeClient trusted(connection, fast_options());
  EXPECT_EQ(value_of(trusted.get_scale(web_target())).spec_replicas, 2);

  connection.ca_pem.clear();
  KubeClient untrusted(connection, fast_options());
  const ApiError error = error_of(untrusted.get_scale(web_target()));
  EXPECT_EQ(error.http_status, 0);
  EXPECT_NE(error.message.find("TLS"), std::string::npos) << error.message;
  EXPECT_EQ(server.requests().size(), 1U);  // a failed handshake is not retried

  connection.insecure_skip_tls_verify = true;
  KubeClient insecure(connection, fast_options());
  EXPECT_EQ(value_of(insecure.get_scale(web_target())).spec_replicas, 2);
}

TEST_F(KubeClientTls, AnUnusableCaOrClientKeyIsAConfigurationErrorNamingTheField) {
  Connection connection;
  connection.server = "https://127.0.0.1:1";
  connection.ca_pem = "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n";
  connection.ca_file = "/etc/kube/ca.crt";
  KubeClient bad_ca(connection, fast_options());
  EXPECT_NE(error_of(bad_ca.get_scale(web_target())).message.find("the CA certificate from /etc/kube/ca.crt"),
            std::string::npos);

  connection.ca_pem = read_file(file("ca.pem"));
  connection.client_cert_pem = read_file(file("server.pem"));
  connection.client_key_pem = read_file(file("ca.key"));  // not the certificate's key
  KubeClient bad_key(connection, fast_options());
  const ApiError error = error_of(bad_key.get_scale(web_target()));
  EXPECT_NE(error.message.find("the client certificate or key"), std::string::npos) << error.message;
  EXPECT_EQ(error.message.find("PRIVATE KEY-----\n"), std::string::npos);
}

}  // namespace
}  // namespace hpad::kube
