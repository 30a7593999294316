// Pod lifecycle on a ManualClock, through Cluster::handle (no threads, no sleeps): pods follow
// spec.replicas by any write, go Pending → Running → Ready after the startup delay, terminate
// with a deletionTimestamp and vanish after the grace period; Deployment status follows.
#include <gtest/gtest.h>

#include <set>

#include "sim_test_util.h"

namespace hpad::sim {
namespace {

using namespace hpad::sim::testing;

struct LifecycleTest : ::testing::Test {
  ManualClock clock;
  Cluster cluster{web_config(1), clock};

  nlohmann::json get(const std::string& path, std::map<std::string, std::string> query = {}) {
    auto response = cluster.handle(request("GET", path, "", std::move(query)));
    EXPECT_EQ(response.status, 200) << path << ": " << response.body.dump();
    return response.body;
  }
  std::vector<nlohmann::json> pods() { return get(kPods)["items"].get<std::vector<nlohmann::json>>(); }
  std::map<std::string, std::string> phases() {
    std::map<std::string, std::string> by_name;
    for (const auto& pod : pods()) {
      bool ready = false;
      for (const auto& condition : pod["status"].value("conditions", nlohmann::json::array())) {
        ready = ready || (condition["type"] == "Ready" && condition["status"] == "True");
      }
      std::string phase = pod["status"]["phase"];
      by_name[pod["metadata"]["name"]] = pod["metadata"].contains("deletionTimestamp") ? "Terminating"
                                         : ready                                       ? "Ready"
                                                                                       : phase;
    }
    return by_name;
  }
  std::multiset<std::string> phase_counts() {
    std::multiset<std::string> counts;
    for (const auto& [name, phase] : phases()) {
      counts.insert(phase);
    }
    return counts;
  }
  void scale_to(int replicas) {
    auto response =
        cluster.handle(merge_patch(kWeb + "/scale", R"({"spec":{"replicas":)" + std::to_string(replicas) + "}}"));
    ASSERT_EQ(response.status, 200) << response.body.dump();
  }
};

TEST_F(LifecycleTest, PodsAreNamedAfterTheirDeploymentAndCarryTheTemplate) {
  auto all = pods();
  ASSERT_EQ(all.size(), 1u);
  const auto& pod = all[0];
  const std::string name = pod["metadata"]["name"];
  const std::string hash = pod["metadata"]["labels"]["pod-template-hash"];
  EXPECT_EQ(name.substr(0, 4 + hash.size() + 1), "web-" + hash + "-");
  EXPECT_EQ(name.size(), 4 + hash.size() + 1 + 5);  // <deploy>-<hash>-<5 chars>
  EXPECT_EQ(pod["metadata"]["labels"]["app"], "web");
  EXPECT_EQ(pod["spec"]["containers"][0]["resources"]["requests"]["cpu"], "250m");
  EXPECT_EQ(pod["kind"], "Pod");
  EXPECT_EQ(pod["apiVersion"], "v1");
  EXPECT_FALSE(pod["metadata"]["uid"].get<std::string>().empty());
}

TEST_F(LifecycleTest, ScaleUpGoesPendingRunningReadyInOrder) {
  clock.advance(300ms);  // the first pod is Ready
  scale_to(3);
  EXPECT_EQ(phase_counts(), (std::multiset<std::string>{"Pending", "Pending", "Ready"}));
  EXPECT_EQ(get(kWeb)["status"]["replicas"], 3);
  EXPECT_EQ(get(kWeb)["status"]["readyReplicas"], 1);

  clock.advance(150ms);  // past half the 200 ms startup delay: Running, not Ready
  EXPECT_EQ(phase_counts(), (std::multiset<std::string>{"Running", "Running", "Ready"}));
  for (const auto& pod : pods()) {
    EXPECT_TRUE(pod["status"].contains("startTime")) << pod.dump();
  }
  EXPECT_EQ(get(kWeb)["status"]["readyReplicas"], 1);

  clock.advance(100ms);  // past the startup delay
  EXPECT_EQ(phase_counts(), (std::multiset<std::string>{"Ready", "Ready", "Ready"}));
  for (const auto& pod : pods()) {
    bool has_transition_time = false;
    for (const auto& condition : pod["status"]["conditions"]) {
      has_transition_time =
          has_transition_time || (condition["type"] == "Ready" && condition.contains("lastTransitionTime"));
    }
    EXPECT_TRUE(has_transition_time) << pod.dump();
  }
  const auto status = get(kWeb)["status"];
  EXPECT_EQ(status["replicas"], 3);
  EXPECT_EQ(status["readyReplicas"], 3);
  EXPECT_EQ(status["availableReplicas"], 3);
  EXPECT_EQ(status["updatedReplicas"], 3);
}

TEST_F(LifecycleTest, ScaleDownTerminatesTheSurplusThenTheyVanish) {
  scale_to(3);
  clock.advance(300ms);
  const auto before = phases();
  ASSERT_EQ(before.size(), 3u);
  scale_to(1);
  auto during = phases();
  EXPECT_EQ(phase_counts(), (std::multiset<std::string>{"Ready", "Terminating", "Terminating"}));
  EXPECT_EQ(get(kWeb)["status"]["replicas"], 1);  // terminating pods no longer count
  for (const auto& pod : pods()) {
    if (pod["metadata"].contains("deletionTimestamp")) {
      EXPECT_EQ(pod["metadata"]["deletionGracePeriodSeconds"], 1);  // 0.1 s rounded up
    }
  }
  clock.advance(150ms);  // past the 100 ms grace period
  auto after = phases();
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after.begin()->second, "Ready");
  EXPECT_EQ(during.at(after.begin()->first), "Ready");  // the survivor is the pod that was kept
}

TEST_F(LifecycleTest, ScaleDownPrefersUnreadyPods) {
  clock.advance(300ms);  // pod 1 Ready
  const std::string ready_pod = pods()[0]["metadata"]["name"];
  scale_to(2);  // pod 2 Pending
  scale_to(1);
  for (const auto& [name, phase] : phases()) {
    EXPECT_EQ(phase, name == ready_pod ? "Ready" : "Terminating") << name;
  }
}

TEST_F(LifecycleTest, ReplicasFollowAnyWriteToTheDeployment) {
  auto patched = cluster.handle(merge_patch(kWeb, R"({"spec":{"replicas":4}})"));
  ASSERT_EQ(patched.status, 200) << patched.body.dump();
  EXPECT_EQ(pods().size(), 4u);
  auto deployment = get(kWeb);
  deployment["spec"]["replicas"] = 2;
  auto put = cluster.handle(request("PUT", kWeb, deployment.dump()));
  ASSERT_EQ(put.status, 200) << put.body.dump();
  EXPECT_EQ(phase_counts().count("Terminating"), 2u);
  EXPECT_EQ(get(kWeb)["metadata"]["generation"], 3);  // two spec changes after creation
}

TEST_F(LifecycleTest, DeletingADeploymentTerminatesItsPods) {
  auto deleted = cluster.handle(request("DELETE", kWeb));
  ASSERT_EQ(deleted.status, 200) << deleted.body.dump();
  EXPECT_EQ(phase_counts(), (std::multiset<std::string>{"Terminating"}));
  clock.advance(150ms);  // past the pods' 100 ms grace period
  EXPECT_TRUE(pods().empty());
}

TEST_F(LifecycleTest, EveryChangeBumpsTheClusterResourceVersion) {
  auto version_of = [](const nlohmann::json& object) {
    return std::stoll(object["metadata"]["resourceVersion"].get<std::string>());
  };
  const auto list_before = std::stoll(get(kPods)["metadata"]["resourceVersion"].get<std::string>());
  const auto pod_before = version_of(pods()[0]);
  clock.advance(150ms);  // Running: a write by the "kubelet"
  const auto pod_running = version_of(pods()[0]);
  EXPECT_GT(pod_running, pod_before);
  EXPECT_GT(std::stoll(get(kPods)["metadata"]["resourceVersion"].get<std::string>()), list_before);
  scale_to(2);
  EXPECT_GT(version_of(get(kWeb)), pod_running);
}

}  // namespace
}  // namespace hpad::sim
