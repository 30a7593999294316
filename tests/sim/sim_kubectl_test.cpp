// The proof that hpad-kubesim speaks Kubernetes: the real hpad-kubesim binary, driven by the real
// /usr/bin/kubectl (its own HOME and cache dir, --server http://127.0.0.1:PORT): get, scale,
// jsonpath, --raw on the scale subresource, pods by label, server-side Tables, the refusal of an
// unauthenticated client, and the exit code of a bad config.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "hpad/test_support/net.h"
#include "hpad/test_support/subprocess.h"

namespace {

using namespace std::chrono_literals;
using hpad::test_support::RunResult;

constexpr const char* kKubectl = "/usr/bin/kubectl";

class KubectlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kKubectl)) {
      GTEST_SKIP() << kKubectl << " is not installed; the kubectl compatibility test needs the real client";
    }
  }

  void start(const std::vector<std::string>& extra_args = {}) {
    std::ofstream(dir_.path() / "sim.yaml") << R"(namespace: default
deployments:
  - name: web
    replicas: 2
    labels: {app: web}
    requests: {cpu: 250m, memory: 128Mi}
    startupDelaySeconds: 0.2
    terminationGraceSeconds: 0.2
    load: {type: constant, value: 100}
)";
    port_ = hpad::test_support::free_port();
    std::vector<std::string> argv = {HPAD_KUBESIM_BINARY,
                                     "--config",
                                     (dir_.path() / "sim.yaml").string(),
                                     "--port",
                                     std::to_string(port_),
                                     "--metrics-port",
                                     std::to_string(hpad::test_support::free_port())};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    sim_ = std::make_unique<hpad::test_support::Subprocess>(argv);
    ASSERT_TRUE(hpad::test_support::wait_for_port(port_, 20s)) << sim_->stderr_text();
    std::filesystem::create_directories(dir_.path() / "home");
  }

  RunResult kubectl(std::vector<std::string> args) {
    std::vector<std::string> argv = {kKubectl,
                                     "--server",
                                     "http://127.0.0.1:" + std::to_string(port_),
                                     "--cache-dir",
                                     (dir_.path() / "cache").string(),
                                     "--request-timeout",
                                     "20s"};
    argv.insert(argv.end(), args.begin(), args.end());
    hpad::test_support::SpawnOptions options;
    options.env["HOME"] = (dir_.path() / "home").string();
    options.env["KUBECONFIG"] = (dir_.path() / "home" / "no-kubeconfig").string();
    return hpad::test_support::run(argv, options, 60s);
  }

  void TearDown() override {
    if (sim_) {
      EXPECT_EQ(sim_->stop(10s), 0) << "hpad-kubesim did not shut down cleanly on SIGTERM:\n" << sim_->stderr_text();
    }
  }

  hpad::test_support::TempDir dir_{"kubesim-kubectl"};
  std::uint16_t port_ = 0;
  std::unique_ptr<hpad::test_support::Subprocess> sim_;
};

TEST_F(KubectlTest, GetScaleJsonpathRawAndPods) {
  start();
  auto deployments = kubectl({"get", "deployments"});
  ASSERT_EQ(deployments.exit_code, 0) << deployments.err;
  EXPECT_NE(deployments.out.find("web"), std::string::npos) << deployments.out;
  EXPECT_NE(deployments.out.find("UP-TO-DATE"), std::string::npos) << deployments.out;  // server-side Table

  auto scaled = kubectl({"scale", "deployment/web", "--replicas=5"});
  ASSERT_EQ(scaled.exit_code, 0) << scaled.err;
  EXPECT_NE(scaled.out.find("scaled"), std::string::npos) << scaled.out;

  auto replicas = kubectl({"get", "deployment", "web", "-o", "jsonpath={.spec.replicas}"});
  ASSERT_EQ(replicas.exit_code, 0) << replicas.err;
  EXPECT_EQ(replicas.out, "5");

  auto raw = kubectl({"get", "--raw", "/apis/apps/v1/namespaces/default/deployments/web/scale"});
  ASSERT_EQ(raw.exit_code, 0) << raw.err;
  auto scale = nlohmann::json::parse(raw.out, nullptr, false);
  ASSERT_FALSE(scale.is_discarded()) << raw.out;
  EXPECT_EQ(scale["kind"], "Scale");
  EXPECT_EQ(scale["spec"]["replicas"], 5);
  EXPECT_EQ(scale["status"]["selector"], "app=web");

  auto pods = kubectl({"get", "pods", "-l", "app=web"});
  ASSERT_EQ(pods.exit_code, 0) << pods.err;
  int lines = 0;
  for (std::size_t at = pods.out.find("web-"); at != std::string::npos; at = pods.out.find("\nweb-", at + 1)) {
    ++lines;
  }
  EXPECT_EQ(lines, 5) << pods.out;
  EXPECT_NE(pods.out.find("STATUS"), std::string::npos) << pods.out;

  auto selected = kubectl({"get", "pods", "-l", "app in (web,api)", "-o", "name"});
  ASSERT_EQ(selected.exit_code, 0) << selected.err;
  EXPECT_EQ(std::count(selected.out.begin(), selected.out.end(), '\n'), 5) << selected.out;

  auto missing = kubectl({"get", "deployment", "nope"});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("not found"), std::string::npos) << missing.err;
}

// kubectl (client-go's clientcmd) applies a kubeconfig's or --token's credentials only to TLS
// connections, so against http://127.0.0.1 it never sends the token: all it can show here is the
// refusal. Requests that do carry the token are covered by TokenApiTest in sim_api_test.cpp.
TEST_F(KubectlTest, WithATokenConfiguredKubectlWithoutOneIsRefused) {
  start({"--token", "kubesim-test-token"});
  auto refused = kubectl({"get", "deployments"});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("provide credentials"), std::string::npos) << refused.err;  // kubectl's words for 401
  EXPECT_EQ(sim_->stdout_text().find("kubesim-test-token"), std::string::npos);          // never logged
  EXPECT_EQ(sim_->stderr_text().find("kubesim-test-token"), std::string::npos);
}

TEST_F(KubectlTest, BadConfigExitsWith2AndNamesTheField) {
  std::ofstream(dir_.path() / "bad.yaml") << "deployments: [{name: web, replicas: -3}]\n";
  auto result = hpad::test_support::run(
      {HPAD_KUBESIM_BINARY, "--config", (dir_.path() / "bad.yaml").string(), "--port", "1"}, {}, 30s);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("deployments[0].replicas"), std::string::npos) << result.err;
}

}  // namespace
