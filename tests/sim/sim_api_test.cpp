// The simulated API over real HTTP (cpprestsdk's http_client against the in-process Server):
// shapes of every endpoint, Status bodies for 401/404/409/422, resourceVersions, scale
// subresource concurrency, paging, label selectors, leases and events.
#include <gtest/gtest.h>

#include <cpprest/http_client.h>

#include <set>

#include "sim_test_util.h"

namespace hpad::sim {
namespace {

using namespace hpad::sim::testing;
using web::http::methods;

struct Reply {
  int status;
  nlohmann::json body;
  std::string content_type;
  std::map<std::string, std::string> headers;
};

class ApiTest : public ::testing::Test {
 protected:
  explicit ApiTest(std::optional<std::string> token = std::nullopt) : sim_(web_config(2), std::move(token)) {}

  Reply call(const web::http::method& method, const std::string& path_and_query, const std::string& body = "",
             const std::string& content_type = "application/json", const std::string& authorization = "") {
    web::http::client::http_client client(sim_.server.api_url());
    web::http::http_request request(method);
    request.set_request_uri(path_and_query);
    if (!body.empty()) {
      request.set_body(body, content_type);
    }
    if (!authorization.empty()) {
      request.headers().add("Authorization", authorization);
    }
    auto response = client.request(request).get();
    Reply reply{response.status_code(), nullptr, response.headers().content_type(), {}};
    for (const auto& [name, value] : response.headers()) {
      reply.headers[name] = value;
    }
    const auto text = response.extract_utf8string(true).get();
    reply.body = nlohmann::json::parse(text, nullptr, false);
    EXPECT_FALSE(reply.body.is_discarded()) << path_and_query << " answered non-JSON: " << text;
    return reply;
  }
  Reply get(const std::string& path) { return call(methods::GET, path); }

  static void expect_status(const Reply& reply, int code, const std::string& reason) {
    EXPECT_EQ(reply.status, code) << reply.body.dump();
    EXPECT_EQ(reply.body["kind"], "Status");
    EXPECT_EQ(reply.body["apiVersion"], "v1");
    EXPECT_EQ(reply.body["status"], "Failure");
    EXPECT_EQ(reply.body["reason"], reason);
    EXPECT_EQ(reply.body["code"], code);
    EXPECT_TRUE(reply.body["message"].is_string() && !reply.body["message"].get<std::string>().empty());
  }

  RunningSim sim_;
};

TEST_F(ApiTest, VersionAndDiscoveryHaveTheShapesKubectlReads) {
  auto version = get("/version");
  EXPECT_EQ(version.status, 200);
  EXPECT_EQ(version.body["major"], "1");
  EXPECT_EQ(version.body["minor"], "32");
  EXPECT_EQ(version.body["gitVersion"], "v1.32.0");
  EXPECT_EQ(version.content_type, "application/json");

  EXPECT_EQ(get("/api").body["kind"], "APIVersions");
  EXPECT_EQ(get("/api").body["versions"], nlohmann::json::array({"v1"}));

  auto groups = get("/apis").body;
  EXPECT_EQ(groups["kind"], "APIGroupList");
  std::set<std::string> names;
  for (const auto& group : groups["groups"]) {
    names.insert(group["name"]);
    EXPECT_EQ(group["preferredVersion"]["groupVersion"], group["name"].get<std::string>() + "/v1");
  }
  EXPECT_EQ(names, (std::set<std::string>{"apps", "coordination.k8s.io", "events.k8s.io"}));

  auto core = get("/api/v1").body;
  EXPECT_EQ(core["kind"], "APIResourceList");
  EXPECT_EQ(core["groupVersion"], "v1");
  std::set<std::string> core_resources;
  for (const auto& resource : core["resources"]) {
    core_resources.insert(resource["name"]);
  }
  EXPECT_EQ(core_resources, (std::set<std::string>{"pods", "events", "namespaces"}));

  auto apps = get("/apis/apps/v1").body;
  EXPECT_EQ(apps["groupVersion"], "apps/v1");
  ASSERT_EQ(apps["resources"].size(), 2u);
  EXPECT_EQ(apps["resources"][0]["name"], "deployments");
  EXPECT_EQ(apps["resources"][0]["shortNames"], nlohmann::json::array({"deploy"}));
  EXPECT_EQ(apps["resources"][0]["singularName"], "deployment");
  EXPECT_EQ(apps["resources"][1]["name"], "deployments/scale");
  EXPECT_EQ(apps["resources"][1]["group"], "autoscaling");
  EXPECT_EQ(apps["resources"][1]["version"], "v1");
  EXPECT_EQ(apps["resources"][1]["kind"], "Scale");

  EXPECT_EQ(get("/apis/coordination.k8s.io/v1").body["resources"][0]["name"], "leases");
  EXPECT_EQ(get("/apis/events.k8s.io/v1").body["resources"][0]["name"], "events");
  EXPECT_EQ(get("/apis/apps").body["kind"], "APIGroup");
}

TEST_F(ApiTest, DeploymentGetListAndScale) {
  auto deployment = get(kWeb);
  ASSERT_EQ(deployment.status, 200);
  EXPECT_EQ(deployment.body["kind"], "Deployment");
  EXPECT_EQ(deployment.body["apiVersion"], "apps/v1");
  EXPECT_EQ(deployment.body["spec"]["replicas"], 2);
  EXPECT_EQ(deployment.body["metadata"]["generation"], 1);
  EXPECT_TRUE(deployment.body["metadata"]["creationTimestamp"].is_string());

  auto list = get("/apis/apps/v1/namespaces/default/deployments?labelSelector=app%3Dweb");
  EXPECT_EQ(list.body["kind"], "DeploymentList");
  ASSERT_EQ(list.body["items"].size(), 1u);
  EXPECT_EQ(get("/apis/apps/v1/namespaces/default/deployments?labelSelector=app%3Ddb").body["items"].size(), 0u);
  EXPECT_EQ(get("/apis/apps/v1/deployments").body["items"].size(), 1u);

  auto scale = get(kWeb + "/scale");
  EXPECT_EQ(scale.body["kind"], "Scale");
  EXPECT_EQ(scale.body["apiVersion"], "autoscaling/v1");
  EXPECT_EQ(scale.body["spec"]["replicas"], 2);
  EXPECT_EQ(scale.body["status"]["replicas"], 2);
  EXPECT_EQ(scale.body["status"]["selector"], "app=web");
  EXPECT_EQ(scale.body["metadata"]["resourceVersion"], deployment.body["metadata"]["resourceVersion"]);
}

TEST_F(ApiTest, ScalePatchAndPutWithOptimisticConcurrency) {
  auto patched = call(methods::PATCH, kWeb + "/scale", R"({"spec":{"replicas":3}})", "application/merge-patch+json");
  ASSERT_EQ(patched.status, 200) << patched.body.dump();
  EXPECT_EQ(patched.body["spec"]["replicas"], 3);
  EXPECT_EQ(get(kWeb).body["spec"]["replicas"], 3);
  EXPECT_EQ(get(kWeb).body["metadata"]["generation"], 2);

  auto fresh = get(kWeb + "/scale").body;
  auto stale = fresh;
  fresh["spec"]["replicas"] = 4;
  auto put = call(methods::PUT, kWeb + "/scale", fresh.dump());
  ASSERT_EQ(put.status, 200) << put.body.dump();
  EXPECT_GT(std::stoll(put.body["metadata"]["resourceVersion"].get<std::string>()),
            std::stoll(stale["metadata"]["resourceVersion"].get<std::string>()));

  stale["spec"]["replicas"] = 5;  // written against the version before the PUT
  auto conflict = call(methods::PUT, kWeb + "/scale", stale.dump());
  expect_status(conflict, 409, "Conflict");
  EXPECT_EQ(get(kWeb).body["spec"]["replicas"], 4);  // the stale write changed nothing

  nlohmann::json unversioned = {{"spec", {{"replicas", 1}}}};  // no resourceVersion: accepted
  EXPECT_EQ(call(methods::PUT, kWeb + "/scale", unversioned.dump()).status, 200);
  EXPECT_EQ(get(kWeb).body["spec"]["replicas"], 1);

  auto strategic =
      call(methods::PATCH, kWeb + "/scale", R"({"spec":{"replicas":2}})", "application/strategic-merge-patch+json");
  EXPECT_EQ(strategic.status, 200);
  EXPECT_EQ(get(kWeb).body["spec"]["replicas"], 2);
}

TEST_F(ApiTest, InvalidWritesAnswer422Status) {
  expect_status(call(methods::PATCH, kWeb + "/scale", R"({"spec":{"replicas":-1}})", "application/merge-patch+json"),
                422, "Invalid");
  expect_status(call(methods::PATCH, kWeb, R"({"spec":{"replicas":"two"}})", "application/merge-patch+json"), 422,
                "Invalid");
  expect_status(call(methods::POST, "/apis/apps/v1/namespaces/default/deployments",
                     R"({"metadata":{"name":"api"},"spec":{"selector":{"matchLabels":{"app":"api"}}}})"),
                422, "Invalid");
  auto json_patch = call(methods::PATCH, kWeb, R"([{"op":"replace"}])", "application/json-patch+json");
  EXPECT_EQ(json_patch.status, 415);
}

TEST_F(ApiTest, NotFoundAndConflictAndAlreadyExistsStatusBodies) {
  auto missing = get("/apis/apps/v1/namespaces/default/deployments/nope");
  expect_status(missing, 404, "NotFound");
  EXPECT_EQ(missing.body["details"]["name"], "nope");
  EXPECT_EQ(missing.body["details"]["group"], "apps");
  EXPECT_EQ(missing.body["details"]["kind"], "deployments");
  EXPECT_EQ(missing.body["message"], "deployments.apps \"nope\" not found");
  expect_status(get("/api/v1/namespaces/default/pods/nope"), 404, "NotFound");
  expect_status(get("/apis/unknown/v1/things"), 404, "NotFound");

  auto deployment = get(kWeb).body;
  const auto created = call(methods::POST, "/apis/apps/v1/namespaces/default/deployments", deployment.dump());
  expect_status(created, 409, "AlreadyExists");
}

TEST_F(ApiTest, CreateDeploymentStartsItsPods) {
  const nlohmann::json api = {{"apiVersion", "apps/v1"},
                              {"kind", "Deployment"},
                              {"metadata", {{"name", "api"}}},
                              {"spec",
                               {{"replicas", 2},
                                {"selector", {{"matchLabels", {{"app", "api"}}}}},
                                {"template",
                                 {{"metadata", {{"labels", {{"app", "api"}}}}},
                                  {"spec", {{"containers", {{{"name", "api"}, {"image", "x"}}}}}}}}}}};
  auto created = call(methods::POST, "/apis/apps/v1/namespaces/default/deployments", api.dump());
  ASSERT_EQ(created.status, 201) << created.body.dump();
  EXPECT_EQ(created.body["metadata"]["generation"], 1);
  EXPECT_FALSE(created.body["metadata"]["uid"].get<std::string>().empty());
  EXPECT_EQ(get(kPods + "?labelSelector=app%3Dapi").body["items"].size(), 2u);
  EXPECT_EQ(get(kPods + "?labelSelector=app+in+%28api%2Cweb%29").body["items"].size(), 4u);
  EXPECT_EQ(get(kPods + "?labelSelector=app%20notin%20%28api%29").body["items"].size(), 2u);
  EXPECT_EQ(get(kPods + "?labelSelector=app").body["items"].size(), 4u);
  expect_status(get(kPods + "?labelSelector=app+in+web"), 400, "BadRequest");
}

TEST_F(ApiTest, EveryWriteIncrementsTheOneResourceVersion) {
  auto version = [](const Reply& reply) {
    return std::stoll(reply.body["metadata"]["resourceVersion"].get<std::string>());
  };
  const auto before = version(get(kPods));
  auto lease = call(methods::POST, "/apis/coordination.k8s.io/v1/namespaces/default/leases",
                    R"({"metadata":{"name":"hpad"},"spec":{"holderIdentity":"a"}})");
  EXPECT_GT(version(lease), before);
  auto scaled = call(methods::PATCH, kWeb + "/scale", R"({"spec":{"replicas":3}})", "application/merge-patch+json");
  EXPECT_GT(version(scaled), version(lease));
  EXPECT_GE(version(get(kPods)), version(scaled) + 1);  // the new pod is a write after the scale
}

TEST_F(ApiTest, PagingReturnsEveryPodExactlyOnce) {
  call(methods::PATCH, kWeb + "/scale", R"({"spec":{"replicas":7}})", "application/merge-patch+json");
  std::multiset<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    auto page = get(kPods + "?limit=3" + (token.empty() ? "" : "&continue=" + token));
    ASSERT_EQ(page.status, 200) << page.body.dump();
    EXPECT_EQ(page.body["kind"], "PodList");
    EXPECT_LE(page.body["items"].size(), 3u);
    for (const auto& pod : page.body["items"]) {
      seen.insert(pod["metadata"]["name"].get<std::string>());
    }
    token = page.body["metadata"].value("continue", "");
    if (!token.empty()) {
      EXPECT_EQ(page.body["metadata"]["remainingItemCount"], 7 - static_cast<int>(seen.size()));
    }
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 3);  // 3 + 3 + 1
  EXPECT_EQ(seen.size(), 7u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 7u);  // no pod twice
  expect_status(get(kPods + "?limit=3&continue=zz"), 400, "BadRequest");
}

TEST_F(ApiTest, PodsGetAndListShapes) {
  auto list = get("/api/v1/pods").body;
  EXPECT_EQ(list["kind"], "PodList");
  EXPECT_EQ(list["apiVersion"], "v1");
  ASSERT_EQ(list["items"].size(), 2u);
  const std::string name = list["items"][0]["metadata"]["name"];
  auto pod = get(kPods + "/" + name);
  EXPECT_EQ(pod.status, 200);
  EXPECT_EQ(pod.body["metadata"]["name"], name);
  EXPECT_EQ(pod.body["status"]["phase"], "Pending");
  EXPECT_EQ(get("/api/v1/namespaces").body["kind"], "NamespaceList");
  EXPECT_EQ(get("/api/v1/namespaces/default").body["status"]["phase"], "Active");
}

TEST_F(ApiTest, KubectlTableRequestsGetServerSidePrinting) {
  web::http::client::http_client client(sim_.server.api_url());
  web::http::http_request request(methods::GET);
  request.set_request_uri(kPods);
  request.headers().add("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
  auto response = client.request(request).get();
  ASSERT_EQ(response.status_code(), 200);
  auto table = nlohmann::json::parse(response.extract_utf8string(true).get());
  EXPECT_EQ(table["kind"], "Table");
  EXPECT_EQ(table["apiVersion"], "meta.k8s.io/v1");
  std::vector<std::string> columns;
  for (const auto& column : table["columnDefinitions"]) {
    columns.push_back(column["name"]);
  }
  EXPECT_EQ(columns, (std::vector<std::string>{"Name", "Ready", "Status", "Restarts", "Age"}));
  ASSERT_EQ(table["rows"].size(), 2u);
  EXPECT_EQ(table["rows"][0]["cells"][1], "0/1");
  EXPECT_EQ(table["rows"][0]["cells"][2], "Pending");
  EXPECT_EQ(table["rows"][0]["object"]["kind"], "PartialObjectMetadata");
  EXPECT_EQ(get(kPods).body["kind"], "PodList");  // without the Accept header: the plain list
}

TEST_F(ApiTest, LeasesCreateUpdateAndConflict) {
  const std::string leases = "/apis/coordination.k8s.io/v1/namespaces/default/leases";
  auto created = call(methods::POST, leases,
                      R"({"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"hpad-leader"},)"
                      R"("spec":{"holderIdentity":"a","leaseDurationSeconds":15}})");
  ASSERT_EQ(created.status, 201) << created.body.dump();
  EXPECT_EQ(created.body["kind"], "Lease");
  expect_status(call(methods::POST, leases, R"({"metadata":{"name":"hpad-leader"}})"), 409, "AlreadyExists");

  auto lease = get(leases + "/hpad-leader").body;
  EXPECT_EQ(lease["spec"]["holderIdentity"], "a");
  auto stale = lease;
  lease["spec"]["holderIdentity"] = "b";
  auto updated = call(methods::PUT, leases + "/hpad-leader", lease.dump());
  ASSERT_EQ(updated.status, 200) << updated.body.dump();
  EXPECT_EQ(updated.body["spec"]["holderIdentity"], "b");
  EXPECT_NE(updated.body["metadata"]["resourceVersion"], stale["metadata"]["resourceVersion"]);

  stale["spec"]["holderIdentity"] = "c";
  expect_status(call(methods::PUT, leases + "/hpad-leader", stale.dump()), 409, "Conflict");
  EXPECT_EQ(get(leases + "/hpad-leader").body["spec"]["holderIdentity"], "b");
  expect_status(get(leases + "/other"), 404, "NotFound");
  EXPECT_EQ(get(leases).body["kind"], "LeaseList");
}

TEST_F(ApiTest, EventsCreateAndListInBothApis) {
  auto core = call(methods::POST, "/api/v1/namespaces/default/events",
                   R"({"metadata":{"generateName":"web-"},"reason":"Scaled","message":"2 -> 3",)"
                   R"("involvedObject":{"kind":"Deployment","name":"web","namespace":"default"}})");
  ASSERT_EQ(core.status, 201) << core.body.dump();
  EXPECT_EQ(core.body["kind"], "Event");
  EXPECT_EQ(core.body["apiVersion"], "v1");
  EXPECT_TRUE(core.body["metadata"]["name"].get<std::string>().starts_with("web-"));
  auto listed = get("/api/v1/namespaces/default/events").body;
  EXPECT_EQ(listed["kind"], "EventList");
  ASSERT_EQ(listed["items"].size(), 1u);
  EXPECT_EQ(listed["items"][0]["reason"], "Scaled");

  auto modern = call(methods::POST, "/apis/events.k8s.io/v1/namespaces/default/events",
                     R"({"metadata":{"name":"web.1"},"reason":"Scaled","note":"2 -> 3","action":"Scale",)"
                     R"("regarding":{"kind":"Deployment","name":"web"}})");
  ASSERT_EQ(modern.status, 201) << modern.body.dump();
  EXPECT_EQ(modern.body["apiVersion"], "events.k8s.io/v1");
  EXPECT_EQ(get("/apis/events.k8s.io/v1/namespaces/default/events").body["items"].size(), 1u);
  EXPECT_EQ(get("/apis/events.k8s.io/v1/namespaces/default/events/web.1").body["note"], "2 -> 3");
  expect_status(call(methods::POST, "/api/v1/namespaces/default/events", R"({"metadata":{}})"), 422, "Invalid");
}

class TokenApiTest : public ApiTest {
 protected:
  TokenApiTest() : ApiTest(std::string("s3cret")) {}
};

TEST_F(TokenApiTest, RequestsWithoutTheBearerTokenAre401) {
  expect_status(get(kWeb), 401, "Unauthorized");
  expect_status(call(methods::GET, kWeb, "", "", "Bearer wrong"), 401, "Unauthorized");
  auto unauthorized = get("/version");
  EXPECT_EQ(unauthorized.body.dump().find("s3cret"), std::string::npos);  // never echo the secret
  EXPECT_EQ(call(methods::GET, kWeb, "", "", "Bearer s3cret").status, 200);
}

}  // namespace
}  // namespace hpad::sim
