// hpad::kube scale targets: a scaleTargetRef becomes the path of its scale subresource, for the
// built-in kinds without discovery and for custom resources through their APIResourceList; a kind
// that is not served, or that has no scale subresource, is an error that says so.
#include "hpad/kube/scale_target.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace hpad::kube {
namespace {

using ::testing::HasSubstr;

// Shaped like `kubectl get --raw /apis/example.com/v1` for a CRD with subresources.scale.
const std::string kExampleDiscovery = R"({"kind":"APIResourceList","apiVersion":"v1","groupVersion":"example.com/v1",
  "resources":[
    {"name":"workers","singularName":"worker","namespaced":true,"kind":"Worker","verbs":["get","list","patch","update"]},
    {"name":"workers/scale","singularName":"","namespaced":true,"group":"autoscaling","version":"v1","kind":"Scale",
     "verbs":["get","patch","update"]},
    {"name":"workers/status","singularName":"","namespaced":true,"kind":"Worker","verbs":["get","patch","update"]},
    {"name":"pools","singularName":"pool","namespaced":false,"kind":"Pool","verbs":["get"]},
    {"name":"pools/scale","singularName":"","namespaced":false,"group":"autoscaling","version":"v1","kind":"Scale",
     "verbs":["get","update"]},
    {"name":"gadgets","singularName":"gadget","namespaced":true,"kind":"Gadget","verbs":["get"]}
  ]})";

struct PathCase {
  std::string name{};
  ScaleTargetRef ref{};
  std::string discovery{};      // "" = built-in, resolved without discovery
  std::string expected_path{};  // "" = an error is expected
  std::string error_part{};
};

class ScaleTargetPath : public ::testing::TestWithParam<PathCase> {};

TEST_P(ScaleTargetPath, ResolvesToTheScaleSubresource) {
  const PathCase& c = GetParam();
  Result<ScaleResource> resource = make_error("unset");
  if (c.discovery.empty()) {
    const auto builtin = builtin_scale_resource(c.ref);
    ASSERT_TRUE(builtin.has_value()) << c.ref.kind << " should be built in";
    resource = *builtin;
  } else {
    EXPECT_FALSE(builtin_scale_resource(c.ref).has_value()) << c.ref.kind << " should need discovery";
    resource = scale_resource_from_discovery(c.ref, c.discovery);
  }
  Result<std::string> path = ok(resource) ? scale_path(value(resource), "default", c.ref.name) : error(resource);
  if (c.expected_path.empty()) {
    ASSERT_FALSE(ok(path)) << value(path);
    EXPECT_THAT(error(path).message, HasSubstr(c.error_part));
    return;
  }
  ASSERT_TRUE(ok(path)) << error(path).message;
  EXPECT_EQ(value(path), c.expected_path);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ScaleTargetPath,
    ::testing::Values(PathCase{"Deployment",
                               {"apps/v1", "Deployment", "web"},
                               "",
                               "/apis/apps/v1/namespaces/default/deployments/web/scale"},
                      PathCase{"StatefulSet",
                               {"apps/v1", "StatefulSet", "db"},
                               "",
                               "/apis/apps/v1/namespaces/default/statefulsets/db/scale"},
                      PathCase{"ReplicaSet",
                               {"apps/v1", "ReplicaSet", "rs"},
                               "",
                               "/apis/apps/v1/namespaces/default/replicasets/rs/scale"},
                      PathCase{"CoreReplicationControllerUsesApiNotApis",
                               {"v1", "ReplicationController", "rc"},
                               "",
                               "/api/v1/namespaces/default/replicationcontrollers/rc/scale"},
                      PathCase{"CustomResourceFromDiscovery",
                               {"example.com/v1", "Worker", "w1"},
                               kExampleDiscovery,
                               "/apis/example.com/v1/namespaces/default/workers/w1/scale"},
                      PathCase{"ClusterScopedCustomResourceHasNoNamespace",
                               {"example.com/v1", "Pool", "p"},
                               kExampleDiscovery,
                               "/apis/example.com/v1/pools/p/scale"},
                      PathCase{"KindWithoutScaleSubresource",
                               {"example.com/v1", "Gadget", "g"},
                               kExampleDiscovery,
                               "",
                               "example.com/v1 Gadget (gadgets) has no scale subresource"},
                      PathCase{"KindNotServedListsTheKinds",
                               {"example.com/v1", "Widget", "w"},
                               kExampleDiscovery,
                               "",
                               "kind \"Widget\" is not served by example.com/v1 (it serves: Worker, Pool, Gadget)"},
                      PathCase{"ScaleKindOfASubresourceIsNotATarget",  // "Scale" appears only on subresources
                               {"example.com/v1", "Scale", "s"},
                               kExampleDiscovery,
                               "",
                               "kind \"Scale\" is not served"},
                      PathCase{"DiscoveryOfAnotherGroupVersion",
                               {"example.com/v2", "Worker", "w"},
                               kExampleDiscovery,
                               "",
                               "discovery of example.com/v2: the document is for groupVersion \"example.com/v1\""},
                      PathCase{"DiscoveryThatIsNotJson",
                               {"example.com/v1", "Worker", "w"},
                               "<html>502</html>",
                               "",
                               "not a JSON APIResourceList"},
                      PathCase{"NameThatWouldEscapeThePath",
                               {"apps/v1", "Deployment", "../secrets"},
                               "",
                               "",
                               "invalid scale target name \"../secrets\""}),
    [](const auto& param_info) { return param_info.param.name; });

struct ApiVersionCase {
  std::string text{};
  std::optional<GroupVersion> expected{};
};

TEST(ParseApiVersion, SplitsGroupAndVersion) {
  const std::vector<ApiVersionCase> cases{
      {"apps/v1", GroupVersion{"apps", "v1"}},
      {"v1", GroupVersion{"", "v1"}},  // the core group
      {"autoscaling.k8s.io/v1beta2", GroupVersion{"autoscaling.k8s.io", "v1beta2"}},
      {"", std::nullopt},
      {"/v1", std::nullopt},
      {"apps/", std::nullopt},
      {"a/b/c", std::nullopt},
  };
  for (const auto& c : cases) {
    const auto got = parse_api_version(c.text);
    ASSERT_EQ(ok(got), c.expected.has_value()) << "\"" << c.text << "\"";
    if (c.expected) {
      EXPECT_EQ(value(got).group, c.expected->group);
      EXPECT_EQ(value(got).version, c.expected->version);
      EXPECT_EQ(discovery_path(value(got)), c.expected->group.empty()
                                                ? "/api/" + c.expected->version
                                                : "/apis/" + c.expected->group + "/" + c.expected->version);
    }
  }
}

TEST(ScalePath, RejectsAnEmptyNamespaceForNamespacedResources) {
  const ScaleResource deployments{{"apps", "v1"}, "deployments", true};
  const auto path = scale_path(deployments, "", "web");
  ASSERT_FALSE(ok(path));
  EXPECT_EQ(error(path).message, "invalid namespace \"\"");
}

}  // namespace
}  // namespace hpad::kube
