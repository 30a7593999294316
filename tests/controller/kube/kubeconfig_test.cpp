// hpad::kube kubeconfig and in-cluster loading, table-driven over real files in a TempDir: which
// context, cluster and user are chosen, how files and base64 data are read, how several files
// merge, and that every error names the file and context and never a secret.
#include "hpad/kube/kubeconfig.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hpad/kube/base64.h"
#include "hpad/test_support/subprocess.h"

namespace hpad::kube {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// "Y2EtcGVt" is base64("ca-pem"), "Y2VydC1wZW0=" base64("cert-pem"), "a2V5LXBlbQ==" base64("key-pem").
const std::string kBasic = R"(apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: dev-cluster
  cluster:
    server: https://dev.example:6443/
    certificate-authority-data: Y2EtcGVt
- name: prod-cluster
  cluster:
    server: prod.example:443
    certificate-authority: certs/prod-ca.crt
contexts:
- name: dev
  context: {cluster: dev-cluster, user: dev-user}
- name: staging
  context: {cluster: dev-cluster, user: cert-user, namespace: staging}
- name: prod
  context: {cluster: prod-cluster, user: file-token-user, namespace: web}
users:
- name: dev-user
  user: {token: s3cr3t-token}
- name: cert-user
  user:
    client-certificate-data: Y2VydC1wZW0=
    client-key-data: a2V5LXBlbQ==
- name: file-token-user
  user: {tokenFile: tokens/prod}
)";

struct LoadCase {
  std::string name{};
  std::map<std::string, std::string> files{};  // relative path → content
  std::vector<std::string> kubeconfigs{};      // relative paths, in KUBECONFIG order
  std::optional<std::string> context{};
  // On success:
  std::string server{};
  std::string context_used{};
  std::string namespace_name{};
  std::string ca_pem{};
  std::string token{};
  std::string client_key{};
  bool insecure = false;
  // On failure: substrings the message must contain ("{dir}" is replaced by the temp dir).
  std::vector<std::string> error_parts{};
};

class KubeconfigLoad : public ::testing::TestWithParam<LoadCase> {};

TEST_P(KubeconfigLoad, ChoosesContextAndReadsCredentials) {
  const LoadCase& c = GetParam();
  test_support::TempDir dir("hpad-kubeconfig");
  for (const auto& [path, text] : c.files) {
    write_file(dir.path() / path, text);
  }
  std::vector<std::filesystem::path> paths;
  for (const auto& path : c.kubeconfigs) {
    paths.push_back(dir.path() / path);
  }
  const Result<Connection> result = load_kubeconfig(paths, c.context);
  if (!c.error_parts.empty()) {
    ASSERT_FALSE(ok(result)) << describe(value(result));
    for (std::string part : c.error_parts) {
      if (const auto at = part.find("{dir}"); at != std::string::npos) {
        part.replace(at, 5, dir.path().string());
      }
      EXPECT_THAT(error(result).message, HasSubstr(part));
    }
    // No secret of any case ever appears in a message.
    EXPECT_THAT(error(result).message, Not(HasSubstr("s3cr3t")));
    EXPECT_THAT(error(result).message, Not(HasSubstr("key-pem")));
    return;
  }
  ASSERT_TRUE(ok(result)) << error(result).message;
  const Connection& got = value(result);
  EXPECT_EQ(got.server, c.server);
  EXPECT_EQ(got.context, c.context_used);
  EXPECT_EQ(got.namespace_name, c.namespace_name);
  EXPECT_EQ(got.ca_pem, c.ca_pem);
  EXPECT_EQ(got.token, c.token);
  EXPECT_EQ(got.client_key_pem, c.client_key);
  EXPECT_EQ(got.insecure_skip_tls_verify, c.insecure);
}

const std::string kMinimalOther = R"(current-context: other
clusters:
- name: dev-cluster
  cluster: {server: https://shadowed.example}
- name: other-cluster
  cluster: {server: https://other.example, insecure-skip-tls-verify: true}
contexts:
- name: other
  context: {cluster: other-cluster}
- name: dev
  context: {cluster: other-cluster}
)";

INSTANTIATE_TEST_SUITE_P(
    Cases, KubeconfigLoad,
    ::testing::Values(
        LoadCase{.name = "CurrentContextWithInlineTokenAndCaData",
                 .files = {{"config", kBasic}},
                 .kubeconfigs = {"config"},
                 .server = "https://dev.example:6443",  // trailing '/' dropped
                 .context_used = "dev",
                 .namespace_name = "default",  // the context sets none
                 .ca_pem = "ca-pem",
                 .token = "s3cr3t-token"},
        LoadCase{.name = "ContextOverrideWithClientCertificateData",
                 .files = {{"config", kBasic}},
                 .kubeconfigs = {"config"},
                 .context = "staging",
                 .server = "https://dev.example:6443",
                 .context_used = "staging",
                 .namespace_name = "staging",
                 .ca_pem = "ca-pem",
                 .client_key = "key-pem"},
        LoadCase{.name = "RelativeFilesResolveAgainstTheKubeconfigDirectory",
                 .files = {{"kube/config", kBasic},
                           {"kube/certs/prod-ca.crt", "prod-ca"},
                           {"kube/tokens/prod", "  s3cr3t-from-file\n"}},
                 .kubeconfigs = {"kube/config"},
                 .context = "prod",
                 .server = "https://prod.example:443",  // scheme defaulted to https
                 .context_used = "prod",
                 .namespace_name = "web",
                 .ca_pem = "prod-ca",
                 .token = "s3cr3t-from-file"},  // whitespace trimmed
        LoadCase{.name = "FirstFileDefiningANameWinsAndFirstCurrentContextWins",
                 .files = {{"a", kBasic}, {"b", kMinimalOther}},
                 .kubeconfigs = {"missing-is-skipped", "a", "b"},
                 .server = "https://dev.example:6443",  // a's dev-cluster and current-context win
                 .context_used = "dev",
                 .namespace_name = "default",
                 .ca_pem = "ca-pem",
                 .token = "s3cr3t-token"},
        LoadCase{.name = "LaterFileContributesNamesTheFirstLacks",
                 .files = {{"a", kBasic}, {"b", kMinimalOther}},
                 .kubeconfigs = {"a", "b"},
                 .context = "other",
                 .server = "https://other.example",
                 .context_used = "other",
                 .namespace_name = "default",
                 .insecure = true},
        LoadCase{.name = "UnknownContextListsTheKnownOnes",
                 .files = {{"config", kBasic}},
                 .kubeconfigs = {"config"},
                 .context = "qa",
                 .error_parts = {"context \"qa\" not found in {dir}/config; contexts are: dev, prod, staging"}},
        LoadCase{.name = "NoCurrentContextAndNoOverride",
                 .files = {{"config", "clusters: []\ncontexts:\n- name: a\n  context: {cluster: x}\n"}},
                 .kubeconfigs = {"config"},
                 .error_parts = {"current-context is not set", "contexts are: a"}},
        LoadCase{.name = "MissingFile", .kubeconfigs = {"nope"}, .error_parts = {"kubeconfig not found: {dir}/nope"}},
        LoadCase{.name = "BadYamlGivesLineAndColumn",
                 .files = {{"config", "current-context: a\n current: b\n"}},
                 .kubeconfigs = {"config"},
                 .error_parts = {"{dir}/config:2:9: invalid YAML: illegal map value"}},
        LoadCase{.name = "BadBase64NamesFieldAndOffsetNotContent",
                 .files = {{"config", R"(current-context: c
clusters: [{name: k, cluster: {server: https://k}}]
contexts: [{name: c, context: {cluster: k, user: u}}]
users: [{name: u, user: {client-certificate-data: Y2VydC1wZW0=, client-key-data: "key-pem!!"}}]
)"}},
                 .kubeconfigs = {"config"},
                 .error_parts = {"user \"u\" in {dir}/config: client-key-data: invalid base64 at offset 3"}},
        LoadCase{.name = "ExecPluginIsUnsupportedByName",
                 .files = {{"config", R"(current-context: c
clusters: [{name: k, cluster: {server: https://k}}]
contexts: [{name: c, context: {cluster: k, user: u}}]
users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: aws-iam-authenticator}}}]
)"}},
                 .kubeconfigs = {"config"},
                 .error_parts = {"user \"u\"", "exec credential plugin \"aws-iam-authenticator\"", "does not support"}},
        LoadCase{.name = "AuthProviderIsUnsupportedByName",
                 .files = {{"config", R"(current-context: c
clusters: [{name: k, cluster: {server: https://k}}]
contexts: [{name: c, context: {cluster: k, user: u}}]
users: [{name: u, user: {auth-provider: {name: gcp}}}]
)"}},
                 .kubeconfigs = {"config"},
                 .error_parts = {"auth-provider plugin \"gcp\""}},
        LoadCase{.name = "ContextNamesMissingCluster",
                 .files = {{"config", "current-context: c\ncontexts: [{name: c, context: {cluster: gone}}]\n"}},
                 .kubeconfigs = {"config"},
                 .error_parts = {"cluster \"gone\" (named by context \"c\") not found", "clusters are: (none)"}},
        LoadCase{.name = "MissingCaFileNamesClusterAndFile",
                 .files = {{"config", kBasic}, {"tokens/prod", "s3cr3t"}},
                 .kubeconfigs = {"config"},
                 .context = "prod",
                 .error_parts = {"cluster \"prod-cluster\" in {dir}/config",
                                 "certificate-authority \"{dir}/certs/prod-ca.crt\": No such file or directory"}},
        LoadCase{.name = "CaFileAndCaDataBothGiven",
                 .files = {{"config", R"(current-context: c
clusters: [{name: k, cluster: {server: https://k, certificate-authority: ca, certificate-authority-data: Y2EtcGVt}}]
contexts: [{name: c, context: {cluster: k}}]
)"}},
                 .kubeconfigs = {"config"},
                 .error_parts = {"certificate-authority-data and certificate-authority are both specified"}},
        LoadCase{.name = "InsecureWithCaIsRefused",
                 .files = {{"config", R"(current-context: c
clusters: [{name: k, cluster: {server: https://k, insecure-skip-tls-verify: true, certificate-authority-data: Y2EtcGVt}}]
contexts: [{name: c, context: {cluster: k}}]
)"}},
                 .kubeconfigs = {"config"},
                 .error_parts = {"insecure flag is not allowed"}},
        LoadCase{.name = "TokenAndBasicAuthTogetherAreRefused",
                 .files = {{"config", R"(current-context: c
clusters: [{name: k, cluster: {server: https://k}}]
contexts: [{name: c, context: {cluster: k, user: u}}]
users: [{name: u, user: {token: s3cr3t, username: admin, password: s3cr3t-pw}}]
)"}},
                 .kubeconfigs = {"config"},
                 .error_parts = {"more than one authentication method"}},
        LoadCase{.name = "ClientCertificateWithoutKey",
                 .files = {{"config", R"(current-context: c
clusters: [{name: k, cluster: {server: https://k}}]
contexts: [{name: c, context: {cluster: k, user: u}}]
users: [{name: u, user: {client-certificate-data: Y2VydC1wZW0=}}]
)"}},
                 .kubeconfigs = {"config"},
                 .error_parts = {"client-key-data or client-key must be specified"}},
        LoadCase{.name = "ClusterWithoutServer",
                 .files = {{"config",
                            "current-context: c\nclusters: [{name: k, cluster: {}}]\n"
                            "contexts: [{name: c, context: {cluster: k}}]\n"}},
                 .kubeconfigs = {"config"},
                 .error_parts = {"cluster \"k\" in {dir}/config has no server"}},
        LoadCase{.name = "WrongShapeIsAnErrorNotACrash",
                 .files = {{"config", "clusters: {name: k}\n"}},
                 .kubeconfigs = {"config"},
                 .error_parts = {"{dir}/config: clusters must be a list"}}),
    [](const auto& param_info) { return param_info.param.name; });

TEST(KubeconfigLoad, ContextNamingAnUnknownUserListsTheUsers) {
  test_support::TempDir dir("hpad-kubeconfig");
  write_file(dir.path() / "config", R"(current-context: c
clusters: [{name: k, cluster: {server: https://k}}]
contexts: [{name: c, context: {cluster: k, user: ghost}}]
users: [{name: alice, user: {token: s3cr3t}}]
)");
  const auto result = load_kubeconfig(dir.path() / "config");
  ASSERT_FALSE(ok(result));
  EXPECT_THAT(error(result).message, HasSubstr("user \"ghost\" (named by context \"c\") not found"));
  EXPECT_THAT(error(result).message, HasSubstr("users are: alice"));
}

TEST(KubeconfigLoad, AliasBombIsNeitherExpandedNorAccepted) {
  // A "billion laughs" file: 9 levels of 9 aliases. yaml-cpp shares aliased nodes instead of
  // copying them, and the loader reads only the entries it needs, so this fails fast.
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level <= 9; ++level) {
    const std::string prev = "*a" + std::to_string(level - 1);
    text += "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [" + prev;
    for (int i = 1; i < 9; ++i) {
      text += ", " + prev;
    }
    text += "]\n";
  }
  text += "clusters: *a9\n";
  test_support::TempDir dir("hpad-kubeconfig");
  write_file(dir.path() / "config", text);
  const auto started = std::chrono::steady_clock::now();
  const auto result = load_kubeconfig(dir.path() / "config");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  ASSERT_FALSE(ok(result));
  EXPECT_THAT(error(result).message, HasSubstr("clusters[0] must be a map with name and cluster"));
}

TEST(KubeconfigDescribe, RedactsEverySecret) {
  Connection c;
  c.server = "https://k:6443";
  c.context = "dev";
  c.source = "kubeconfig /x/config";
  c.token = "s3cr3t-token";
  c.token_file = "/x/token";
  c.client_cert_pem = "cert-pem";
  c.client_key_pem = "key-pem";
  c.username = "admin";
  c.password = "s3cr3t-pw";
  c.ca_file = "/x/ca.crt";
  c.ca_pem = "ca-pem";
  const std::string text = describe(c);
  EXPECT_EQ(text,
            "server https://k:6443 (context \"dev\" from kubeconfig /x/config), namespace \"default\", CA from "
            "/x/ca.crt, auth: client certificate (key redacted) + bearer token from /x/token (redacted) + basic "
            "auth as \"admin\" (password redacted)");
  EXPECT_THAT(text, Not(HasSubstr("s3cr3t")));
  EXPECT_THAT(text, Not(HasSubstr("key-pem")));
}

TEST(KubeconfigList, SplitsOnColonDroppingEmptiesAndRepeats) {
  const auto paths = split_kubeconfig_list("/a/config::/b/config:/a/config:");
  EXPECT_EQ(paths, (std::vector<std::filesystem::path>{"/a/config", "/b/config"}));
  EXPECT_EQ(default_kubeconfig_paths({{"HOME", "/home/u"}}),
            std::vector<std::filesystem::path>{"/home/u/.kube/config"});
  EXPECT_EQ(default_kubeconfig_paths({{"HOME", "/home/u"}, {"KUBECONFIG", "/k1:/k2"}}),
            (std::vector<std::filesystem::path>{"/k1", "/k2"}));
}

struct InClusterCase {
  std::string name{};
  Environment env{};
  std::map<std::string, std::string> files{};  // relative to the service account directory
  std::string server{};                        // "" = an error is expected
  std::string namespace_name{};
  bool has_ca = false;
  std::size_t warnings = 0;
  std::string error_part{};
};

class InCluster : public ::testing::TestWithParam<InClusterCase> {};

TEST_P(InCluster, BuildsTheServiceAccountConnection) {
  const InClusterCase& c = GetParam();
  test_support::TempDir root("hpad-incluster");
  const auto sa = root.path() / "var/run/secrets/kubernetes.io/serviceaccount";
  for (const auto& [path, text] : c.files) {
    write_file(sa / path, text);
  }
  const auto result = in_cluster(c.env, root.path());
  if (c.server.empty()) {
    ASSERT_FALSE(ok(result));
    EXPECT_THAT(error(result).message, HasSubstr(c.error_part));
    return;
  }
  ASSERT_TRUE(ok(result)) << error(result).message;
  const Connection& got = value(result);
  EXPECT_EQ(got.server, c.server);
  EXPECT_EQ(got.namespace_name, c.namespace_name);
  EXPECT_EQ(got.token, "s3cr3t-sa");
  EXPECT_EQ(got.token_file, sa / "token");
  EXPECT_EQ(!got.ca_pem.empty(), c.has_ca);
  EXPECT_EQ(got.warnings.size(), c.warnings);
  EXPECT_THAT(describe(got), Not(HasSubstr("s3cr3t")));
}

const std::string kPem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

INSTANTIATE_TEST_SUITE_P(
    Cases, InCluster,
    ::testing::Values(
        InClusterCase{.name = "Ipv4HostWithNamespaceFile",
                      .env = {{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}},
                      .files = {{"token", "s3cr3t-sa\n"}, {"ca.crt", kPem}, {"namespace", "hpad-system\n"}},
                      .server = "https://10.96.0.1:443",
                      .namespace_name = "hpad-system",
                      .has_ca = true},
        InClusterCase{.name = "Ipv6HostGoesInBrackets",
                      .env = {{"KUBERNETES_SERVICE_HOST", "fd00::1"}, {"KUBERNETES_SERVICE_PORT", "6443"}},
                      .files = {{"token", "s3cr3t-sa"}, {"ca.crt", kPem}},
                      .server = "https://[fd00::1]:6443",
                      .namespace_name = "default",  // no namespace file, no POD_NAMESPACE
                      .has_ca = true},
        InClusterCase{.name = "PodNamespaceEnvWinsOverFile",
                      .env = {{"KUBERNETES_SERVICE_HOST", "k"},
                              {"KUBERNETES_SERVICE_PORT", "443"},
                              {"POD_NAMESPACE", "from-env"}},
                      .files = {{"token", "s3cr3t-sa"}, {"ca.crt", kPem}, {"namespace", "from-file"}},
                      .server = "https://k:443",
                      .namespace_name = "from-env",
                      .has_ca = true},
        InClusterCase{.name = "MissingCaIsOnlyAWarning",
                      .env = {{"KUBERNETES_SERVICE_HOST", "k"}, {"KUBERNETES_SERVICE_PORT", "443"}},
                      .files = {{"token", "s3cr3t-sa"}},
                      .server = "https://k:443",
                      .namespace_name = "default",
                      .warnings = 1},
        InClusterCase{.name = "NotInAPod",
                      .env = {{"KUBERNETES_SERVICE_HOST", "k"}},
                      .error_part = "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined"},
        InClusterCase{.name = "MissingTokenNamesTheFile",
                      .env = {{"KUBERNETES_SERVICE_HOST", "k"}, {"KUBERNETES_SERVICE_PORT", "443"}},
                      .files = {{"ca.crt", kPem}},
                      .error_part = "serviceaccount/token\": No such file or directory"}),
    [](const auto& param_info) { return param_info.param.name; });

struct Base64Case {
  std::string name{};
  std::string input{};
  std::optional<std::string> decoded{};  // nullopt: invalid
  std::string error_part{};
};

class Base64 : public ::testing::TestWithParam<Base64Case> {};

TEST_P(Base64, DecodesStandardPaddedBase64) {
  const auto& c = GetParam();
  const auto result = base64_decode(c.input);
  if (c.decoded) {
    ASSERT_TRUE(ok(result)) << error(result).message;
    EXPECT_EQ(value(result), *c.decoded);
  } else {
    ASSERT_FALSE(ok(result));
    EXPECT_EQ(error(result).message, c.error_part);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, Base64,
    ::testing::Values(Base64Case{"Empty", "", ""}, Base64Case{"NoPadding", "YWJj", "abc"},
                      Base64Case{"OnePad", "YWI=", "ab"}, Base64Case{"TwoPads", "YQ==", "a"},
                      Base64Case{"NewlinesSkipped", "YW\r\nJj\n", "abc"},
                      Base64Case{"MissingPadding", "YQ", std::nullopt, "invalid base64 at offset 2"},
                      Base64Case{"BadCharacter", "YW*j", std::nullopt, "invalid base64 at offset 2"},
                      Base64Case{"DataAfterPadding", "YQ==YWJj", std::nullopt, "invalid base64 at offset 4"},
                      Base64Case{"TooMuchPadding", "YQ===", std::nullopt, "invalid base64 at offset 4"}),
    [](const auto& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace hpad::kube
