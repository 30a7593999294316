// See kubeconfig.h: the in-cluster connection (client-go rest.InClusterConfig), describe(), and
// the process environment. describe() is where secrets are redacted: it prints whether a secret
// is present, never its value.
#include <unistd.h>

#include <string>

#include "files.h"
#include "hpad/kube/kubeconfig.h"

extern char** environ;  // POSIX; not declared by <unistd.h> without _GNU_SOURCE on every libc

namespace hpad::kube {
namespace {

constexpr const char* kServiceAccountDir = "var/run/secrets/kubernetes.io/serviceaccount";

std::string env_or_empty(const Environment& env, std::string_view key) {
  const auto it = env.find(key);
  return it == env.end() ? std::string() : it->second;
}

// net.JoinHostPort: an IPv6 literal host goes in brackets.
std::string join_host_port(const std::string& host, const std::string& port) {
  if (host.find(':') != std::string::npos && host.front() != '[') {
    return "[" + host + "]:" + port;
  }
  return host + ":" + port;
}

}  // namespace

Result<Connection> in_cluster(const Environment& env, const std::filesystem::path& root) {
  const std::string host = env_or_empty(env, "KUBERNETES_SERVICE_HOST");
  const std::string port = env_or_empty(env, "KUBERNETES_SERVICE_PORT");
  if (host.empty() || port.empty()) {
    return make_error(
        "unable to load in-cluster configuration: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be "
        "defined (is hpad running in a pod?)");
  }
  const std::filesystem::path dir = root / kServiceAccountDir;
  Connection out;
  out.server = "https://" + join_host_port(host, port);
  out.source = "in-cluster service account";
  out.token_file = dir / "token";
  auto token = detail::read_small_file(out.token_file, "service account token");
  if (!ok(token)) {
    return make_error("unable to load in-cluster configuration: " + error(token).message);
  }
  out.token = detail::trim_space(value(token));
  if (out.token.empty()) {
    return make_error("unable to load in-cluster configuration: service account token \"" + out.token_file.string() +
                      "\" is empty");
  }
  // client-go only logs a CA it cannot load and goes on with the system roots.
  const std::filesystem::path ca_file = dir / "ca.crt";
  auto ca = detail::read_small_file(ca_file, "service account CA");
  if (!ok(ca)) {
    out.warnings.push_back("expected to load root CA config, but got: " + error(ca).message);
  } else if (value(ca).find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    out.warnings.push_back("expected to load root CA config, but \"" + ca_file.string() +
                           "\" holds no PEM certificate");
  } else {
    out.ca_pem = value(ca);
    out.ca_file = ca_file;
  }
  if (const std::string ns = env_or_empty(env, "POD_NAMESPACE"); !ns.empty()) {
    out.namespace_name = ns;
  } else if (auto ns_file = detail::read_small_file(dir / "namespace", "namespace"); ok(ns_file)) {
    if (std::string trimmed = detail::trim_space(value(ns_file)); !trimmed.empty()) {
      out.namespace_name = trimmed;
    }
  }
  return out;
}

std::string describe(const Connection& c) {
  std::string text = "server " + c.server;
  text += " (";
  if (!c.context.empty()) {
    text += "context \"" + c.context + "\" from ";
  }
  text += c.source + "), namespace \"" + c.namespace_name + "\"";
  if (c.insecure_skip_tls_verify) {
    text += ", TLS verification OFF";
  } else if (!c.ca_file.empty()) {
    text += ", CA from " + c.ca_file.string();
  } else if (!c.ca_pem.empty()) {
    text += ", CA inline";
  } else {
    text += ", system CAs";
  }
  if (!c.tls_server_name.empty()) {
    text += ", TLS server name " + c.tls_server_name;
  }
  std::string auth;
  const auto add = [&auth](const std::string& what) { auth += (auth.empty() ? "" : " + ") + what; };
  if (!c.client_cert_pem.empty()) {
    add("client certificate (key redacted)");
  }
  if (!c.token_file.empty()) {
    add("bearer token from " + c.token_file.string() + " (redacted)");
  } else if (!c.token.empty()) {
    add("bearer token (redacted)");
  }
  if (!c.username.empty() || !c.password.empty()) {
    add("basic auth as \"" + c.username + "\" (password redacted)");
  }
  text += ", auth: " + (auth.empty() ? std::string("none") : auth);
  return text;
}

Environment process_environment() {
  Environment env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const std::size_t eq = text.find('=');
    if (eq != std::string_view::npos) {
      env.emplace(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
    }
  }
  return env;
}

}  // namespace hpad::kube
