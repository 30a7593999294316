// The subcommands as functions of their streams (commands.h): exit codes, where output and
// errors go, stdin versus a file, and the one-line policy summary.
#include "hpad/controller/commands.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace hpad::controller {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPolicy = R"yaml(apiVersion: hpad.io/v1alpha1
kind: ScalingPolicy
metadata: {name: worker, namespace: jobs}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: worker}
  minReplicas: 0
  maxReplicas: 20
  metrics:
    - {name: queue, type: External, query: "sum(queue_depth)", target: {type: AverageValue, averageValue: "30"}}
  cooldown: {scaleDownSeconds: 120, scaleToZeroSeconds: 600}
)yaml";

constexpr const char* kInput = R"json({"apiVersion": "hpad.io/v1alpha1", "kind": "DecisionInput",
 "now": "2026-01-01T00:00:00Z",
 "policy": {"apiVersion": "hpad.io/v1alpha1", "kind": "ScalingPolicy", "metadata": {"name": "worker"},
   "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "worker"},
            "maxReplicas": 20,
            "metrics": [{"name": "queue", "type": "External", "query": "q",
                         "target": {"type": "AverageValue", "averageValue": "30"}}]}},
 "scale": {"spec": {"replicas": 2}, "status": {"replicas": 2, "selector": "app=worker"}},
 "metrics": {"queue": {"samples": [{"value": 300}]}}}
)json";

class TempFile {
 public:
  explicit TempFile(const std::string& text, const std::string& ext = ".yaml")
      : path_(fs::temp_directory_path() /
              ("hpad-commands-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++) + ext)) {
    std::ofstream(path_) << text;
  }
  ~TempFile() { fs::remove(path_); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  std::string path() const { return path_.string(); }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

struct Streams {
  std::istringstream in;
  std::ostringstream out;
  std::ostringstream err;
};

TEST(RunDecide, ReadsStdinAndPrintsTheDecision) {
  Streams s;
  s.in.str(kInput);
  EXPECT_EQ(run_decide({}, s.in, s.out, s.err), kExitOk);
  EXPECT_EQ(s.err.str(), "");
  const nlohmann::json decision = nlohmann::json::parse(s.out.str());
  EXPECT_EQ(decision["kind"], "Decision");
  EXPECT_EQ(decision["currentReplicas"], 2);
  EXPECT_EQ(decision["desiredReplicas"], 4);  // ceil(300 / 30) = 10, capped by HPA at max(2 x 2, 4)
  EXPECT_EQ(decision["scale"], true);
}

TEST(RunDecide, DashMeansStdin) {
  Streams s;
  s.in.str(kInput);
  EXPECT_EQ(run_decide({"-", false}, s.in, s.out, s.err), kExitOk);
}

TEST(RunDecide, ReadsAFileAndCompactPrintsOneLine) {
  TempFile file(kInput, ".json");
  Streams s;
  EXPECT_EQ(run_decide({file.path(), true}, s.in, s.out, s.err), kExitOk);
  const std::string out = s.out.str();
  EXPECT_EQ(out.find('\n'), out.size() - 1);
}

TEST(RunDecide, BadJsonExitsTwoWithThePosition) {
  Streams s;
  s.in.str("{\"apiVersion\": \"hpad.io/v1alpha1\",\n \"kind\": }");
  EXPECT_EQ(run_decide({}, s.in, s.out, s.err), kExitBadInput);
  EXPECT_EQ(s.out.str(), "");
  EXPECT_EQ(s.err.str().rfind("<stdin>:2:", 0), 0U) << s.err.str();
}

TEST(RunDecide, AnInvalidPolicyInsideTheInputIsNamedByItsPath) {
  std::string input = kInput;
  input.replace(input.find("\"maxReplicas\": 20"), 17, "\"maxReplicas\": 0");
  Streams s;
  s.in.str(input);
  EXPECT_EQ(run_decide({}, s.in, s.out, s.err), kExitBadInput);
  EXPECT_NE(s.err.str().find("policy.spec.maxReplicas"), std::string::npos) << s.err.str();
}

TEST(RunDecide, AMissingFileExitsTwo) {
  Streams s;
  EXPECT_EQ(run_decide({"/nonexistent/input.json", false}, s.in, s.out, s.err), kExitBadInput);
  EXPECT_EQ(s.err.str(), "/nonexistent/input.json: cannot open file\n");
}

TEST(RunValidate, SummarizesEachValidPolicy) {
  TempFile file(kPolicy);
  Streams s;
  EXPECT_EQ(run_validate({file.path()}, s.out, s.err), kExitOk);
  EXPECT_EQ(s.err.str(), "");
  EXPECT_EQ(s.out.str(), file.path() +
                             ": jobs/worker: Deployment worker, replicas 0..20, metrics queue (External, average 30); "
                             "behavior HPA default (no behavior); cooldown up 0s, down 120s, to zero 600s\n");
}

TEST(RunValidate, ReportsEveryErrorOfEveryFileAndStillSummarizesTheGoodOnes) {
  TempFile good(kPolicy);
  std::string broken_text = kPolicy;
  broken_text.replace(broken_text.find("maxReplicas: 20"), 15, "maxReplicas: -1");
  broken_text.replace(broken_text.find("scaleDownSeconds: 120"), 21, "scaleDownSeconds: -5");
  TempFile broken(broken_text);
  Streams s;
  EXPECT_EQ(run_validate({broken.path(), good.path()}, s.out, s.err), kExitInvalid);
  const std::string err = s.err.str();
  EXPECT_NE(err.find(broken.path() + ":7:16: spec.maxReplicas:"), std::string::npos) << err;
  EXPECT_NE(err.find("spec.cooldown.scaleDownSeconds"), std::string::npos) << err;
  EXPECT_NE(s.out.str().find(good.path() + ": jobs/worker"), std::string::npos);
}

TEST(RunValidate, AFileWithoutPoliciesIsAnError) {
  TempFile empty("# nothing here\n");
  Streams s;
  EXPECT_EQ(run_validate({empty.path()}, s.out, s.err), kExitInvalid);
  EXPECT_EQ(s.err.str(), empty.path() + ": no ScalingPolicy in the file\n");
}

TEST(RunValidate, AMissingFileIsAnError) {
  Streams s;
  EXPECT_EQ(run_validate({"/nonexistent/p.yaml"}, s.out, s.err), kExitInvalid);
  EXPECT_EQ(s.err.str(), "/nonexistent/p.yaml: cannot open file\n");
}

TEST(RunVersion, PrintsTheProjectVersion) {
  std::ostringstream out;
  EXPECT_EQ(run_version(out), kExitOk);
  EXPECT_EQ(out.str(), "hpad 0.1.0\n");
}

}  // namespace
}  // namespace hpad::controller
