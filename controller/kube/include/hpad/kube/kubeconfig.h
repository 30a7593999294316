// Where and how hpad connects to the Kubernetes API: a kubeconfig (client-go's
// clientcmd.ClientConfigLoadingRules.Load + DirectClientConfig.ClientConfig) or the pod's service
// account (rest.InClusterConfig). Pure apart from reading the config, certificate and token
// files; thread-safe (no shared state). Invariant: no error message and no describe() output
// contains a token, password or private key.
//
// Mirrored client-go behaviour (k8s.io/client-go/tools/clientcmd, rest):
//  - KUBECONFIG lists files separated by ':'; empty entries and repeated paths are skipped, files
//    that do not exist are skipped, and at least one must exist. Merging: the first file that
//    defines a cluster, user or context name wins, and the first file that sets current-context
//    wins (loader.go, "first file to set a particular map key wins").
//  - Relative file references (certificate-authority, client-certificate, client-key, tokenFile)
//    are resolved against the directory of the kubeconfig that defined them (ResolvePaths).
//  - *-data fields are standard base64. A field given both as file and as data is an error, as
//    in validation.go; so is a root CA together with insecure-skip-tls-verify, a client
//    certificate without a key, and a token together with username/password.
//  - token wins over tokenFile; tokenFile alone is read at load time (client_config.go). The token
//    is whitespace-trimmed (as CachedFileTokenSource does; a raw file keeps its trailing newline
//    in client-go's static path, which would break the Authorization header).
//  - exec and auth-provider credential plugins are not supported: an error names the plugin.
//  - A server without a scheme gets "https://" (rest.DefaultServerURL).
//  - In-cluster: https://<KUBERNETES_SERVICE_HOST>:<KUBERNETES_SERVICE_PORT> (IPv6 hosts in
//    brackets, net.JoinHostPort), token and ca.crt from the service account directory (a missing
//    ca.crt is a warning, as client-go only logs it), namespace from POD_NAMESPACE, then the
//    namespace file, then "default" (clientcmd's inClusterClientConfig.Namespace).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hpad/kube/result.h"

namespace hpad::kube {

struct Connection {
  std::string server{};  // "https://10.0.0.1:443", without a trailing '/'
  std::string tls_server_name{};
  std::string ca_pem{};             // root certificates (empty: the system's)
  std::filesystem::path ca_file{};  // where ca_pem came from, if a file (for messages only)
  std::string client_cert_pem{};
  std::string client_key_pem{};        // secret
  std::string token{};                 // secret; whitespace-trimmed
  std::filesystem::path token_file{};  // re-read by TokenSource when set
  std::string username{};
  std::string password{};  // secret
  bool insecure_skip_tls_verify = false;
  std::string namespace_name = "default";
  std::string context{};                // the context used; "" in-cluster
  std::string source{};                 // "kubeconfig /home/u/.kube/config" or "in-cluster service account"
  std::vector<std::string> warnings{};  // not fatal, to be logged (never contain secrets)
};

// One line saying what `connection` is, secrets redacted, e.g.
// `server https://k:6443 (context "dev" from kubeconfig /x/config), namespace "default",
//  CA from /x/ca.crt, auth: bearer token from /x/token (redacted)`.
std::string describe(const Connection& connection);

using Environment = std::map<std::string, std::string, std::less<>>;

// Loads one kubeconfig. `context` overrides current-context (kubectl's --context).
Result<Connection> load_kubeconfig(const std::filesystem::path& path,
                                   const std::optional<std::string>& context = std::nullopt);

// Loads and merges several kubeconfigs (the KUBECONFIG list), with the rules above.
Result<Connection> load_kubeconfig(const std::vector<std::filesystem::path>& paths,
                                   const std::optional<std::string>& context = std::nullopt);

// KUBECONFIG's value split on ':', empty entries and repeats dropped, order kept.
std::vector<std::filesystem::path> split_kubeconfig_list(std::string_view value);

// The kubeconfig files client-go would read: KUBECONFIG if set and not empty, else
// $HOME/.kube/config.
std::vector<std::filesystem::path> default_kubeconfig_paths(const Environment& env);

// The in-cluster connection; `root` prefixes /var/run/secrets/... (tests pass a temp dir).
Result<Connection> in_cluster(const Environment& env, const std::filesystem::path& root = "/");

// The process environment as an Environment (for main(); tests build their own).
Environment process_environment();

}  // namespace hpad::kube
