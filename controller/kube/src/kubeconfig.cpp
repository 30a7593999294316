// See kubeconfig.h. Loading happens in two steps: merge the files into name → (YAML body, file
// of origin) maps, then resolve the chosen context into a Connection. yaml-cpp throws on syntax
// and conversion errors, and so does this file's own ConfigError: both are caught in the public
// functions and turned into Error values.
#include "hpad/kube/kubeconfig.h"

#include <yaml-cpp/yaml.h>

#include <set>
#include <stdexcept>
#include <utility>

#include "files.h"
#include "hpad/kube/base64.h"

namespace hpad::kube {
namespace {

namespace fs = std::filesystem;

// Thrown inside this file only; carries a finished message.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string quote(std::string_view text) {
  return "\"" + std::string(text) + "\"";
}

struct Entry {
  YAML::Node body;  // the "cluster", "user" or "context" map
  fs::path origin;  // the kubeconfig that defined it
};

// The merged view of the kubeconfig files; std::map keeps names sorted for messages.
struct Merged {
  std::map<std::string, Entry> clusters;
  std::map<std::string, Entry> users;
  std::map<std::string, Entry> contexts;
  std::optional<std::string> current_context;
  fs::path current_context_origin;
  std::vector<fs::path> files;  // the files that existed and were read
};

std::string files_text(const Merged& merged) {
  std::string text;
  for (const auto& file : merged.files) {
    text += (text.empty() ? "" : ", ") + file.string();
  }
  return text;
}

std::string names_text(const std::map<std::string, Entry>& entries) {
  if (entries.empty()) {
    return "(none)";
  }
  std::string text;
  for (const auto& [name, entry] : entries) {
    text += (text.empty() ? "" : ", ") + name;
  }
  return text;
}

// The scalar at `key` of `map`, or "" if absent or null. A non-scalar value is an error.
std::string scalar(const YAML::Node& map, const char* key, const std::string& where) {
  const YAML::Node node = map[key];
  if (!node || node.IsNull()) {
    return "";
  }
  if (!node.IsScalar()) {
    throw ConfigError(where + ": " + key + " must be a string");
  }
  return node.Scalar();
}

bool boolean(const YAML::Node& map, const char* key, const std::string& where) {
  const YAML::Node node = map[key];
  if (!node || node.IsNull()) {
    return false;
  }
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
    throw ConfigError(where + ": " + key + " must be true or false");
  }
  return value;
}

// Adds the named entries of one list (clusters, users or contexts) of one file.
void merge_list(const YAML::Node& root, const char* list_key, const char* body_key, const fs::path& file,
                std::map<std::string, Entry>& into) {
  const YAML::Node list = root[list_key];
  if (!list || list.IsNull()) {
    return;
  }
  const std::string where = file.string() + ": " + list_key;
  if (!list.IsSequence()) {
    throw ConfigError(where + " must be a list");
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node item = list[i];
    const std::string item_where = where + "[" + std::to_string(i) + "]";
    if (!item.IsMap()) {
      throw ConfigError(item_where + " must be a map with name and " + body_key);
    }
    const std::string name = scalar(item, "name", item_where);
    if (name.empty()) {
      throw ConfigError(item_where + " has no name");
    }
    YAML::Node body = item[body_key];
    if (body && !body.IsNull() && !body.IsMap()) {
      throw ConfigError(item_where + " (" + quote(name) + "): " + body_key + " must be a map");
    }
    into.try_emplace(name, Entry{body ? body : YAML::Node(YAML::NodeType::Map), file});  // first wins
  }
}

// Reads one file into `merged`; returns false if it does not exist (client-go skips those).
bool merge_file(const fs::path& file, Merged& merged) {
  std::error_code ec;
  if (!fs::exists(file, ec)) {
    return false;
  }
  auto text = detail::read_small_file(file, "kubeconfig");
  if (!ok(text)) {
    throw ConfigError(error(text).message);
  }
  if (value(text).find('\0') != std::string::npos) {
    throw ConfigError(file.string() + ": not a kubeconfig (contains a NUL byte)");
  }
  YAML::Node root;
  try {
    root = YAML::Load(value(text));
  } catch (const YAML::Exception& e) {
    throw ConfigError(file.string() + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                      ": invalid YAML: " + e.msg);
  }
  merged.files.push_back(file);
  if (!root || root.IsNull()) {
    return true;  // an empty kubeconfig is a valid, empty config
  }
  if (!root.IsMap()) {
    throw ConfigError(file.string() + ": a kubeconfig must be a YAML map");
  }
  merge_list(root, "clusters", "cluster", file, merged.clusters);
  merge_list(root, "users", "user", file, merged.users);
  merge_list(root, "contexts", "context", file, merged.contexts);
  const std::string current = scalar(root, "current-context", file.string());
  if (!current.empty() && !merged.current_context) {
    merged.current_context = current;
    merged.current_context_origin = file;
  }
  return true;
}

fs::path resolve(const std::string& reference, const fs::path& origin) {
  fs::path path(reference);
  if (path.is_relative()) {
    path = origin.parent_path() / path;
  }
  return path.lexically_normal();
}

// The bytes of a "<key>" file reference or "<key>-data" base64 field of `body`; "" if neither.
std::string file_or_data(const YAML::Node& body, const std::string& key, const Entry& entry, const std::string& where,
                         fs::path* file_out = nullptr) {
  const std::string file = scalar(body, key.c_str(), where);
  const std::string data = scalar(body, (key + "-data").c_str(), where);
  if (!file.empty() && !data.empty()) {
    throw ConfigError(where + ": " + key + "-data and " + key + " are both specified; give only one");
  }
  if (!data.empty()) {
    auto decoded = base64_decode(data);
    if (!ok(decoded)) {
      throw ConfigError(where + ": " + key + "-data: " + error(decoded).message);
    }
    return value(decoded);
  }
  if (file.empty()) {
    return "";
  }
  const fs::path path = resolve(file, entry.origin);
  if (file_out != nullptr) {
    *file_out = path;
  }
  auto bytes = detail::read_small_file(path, key);
  if (!ok(bytes)) {
    throw ConfigError(where + ": " + error(bytes).message);
  }
  return value(bytes);
}

std::string normalize_server(std::string server) {
  if (server.find("://") == std::string::npos) {
    server = "https://" + server;
  }
  while (!server.empty() && server.back() == '/') {
    server.pop_back();
  }
  return server;
}

void apply_cluster(const Entry& cluster, const std::string& name, Connection& out) {
  const std::string where = "cluster " + quote(name) + " in " + cluster.origin.string();
  const YAML::Node& body = cluster.body;
  if (body["proxy-url"] && !scalar(body, "proxy-url", where).empty()) {
    throw ConfigError(where + ": proxy-url is not supported by hpad");
  }
  out.server = scalar(body, "server", where);
  if (out.server.empty()) {
    throw ConfigError(where + " has no server");
  }
  out.server = normalize_server(out.server);
  out.tls_server_name = scalar(body, "tls-server-name", where);
  out.insecure_skip_tls_verify = boolean(body, "insecure-skip-tls-verify", where);
  out.ca_pem = file_or_data(body, "certificate-authority", cluster, where, &out.ca_file);
  if (out.insecure_skip_tls_verify && !out.ca_pem.empty()) {
    throw ConfigError(where + ": specifying a root certificates file with the insecure flag is not allowed");
  }
}

void apply_user(const Entry& user, const std::string& name, Connection& out) {
  const std::string where = "user " + quote(name) + " in " + user.origin.string();
  const YAML::Node& body = user.body;
  if (const YAML::Node exec = body["exec"]; exec && !exec.IsNull()) {
    const std::string command = exec.IsMap() ? scalar(exec, "command", where) : "";
    throw ConfigError(where + " uses the exec credential plugin " + quote(command) +
                      ", which hpad does not support; use a token, tokenFile or client certificate");
  }
  if (const YAML::Node provider = body["auth-provider"]; provider && !provider.IsNull()) {
    const std::string provider_name = provider.IsMap() ? scalar(provider, "name", where) : "";
    throw ConfigError(where + " uses the auth-provider plugin " + quote(provider_name) +
                      ", which hpad does not support; use a token, tokenFile or client certificate");
  }
  if (body["as"] || body["as-groups"] || body["as-uid"]) {
    throw ConfigError(where + ": impersonation (as, as-groups, as-uid) is not supported by hpad");
  }
  out.client_cert_pem = file_or_data(body, "client-certificate", user, where);
  out.client_key_pem = file_or_data(body, "client-key", user, where);
  if (!out.client_cert_pem.empty() && out.client_key_pem.empty()) {
    throw ConfigError(where + ": client-key-data or client-key must be specified to use the client certificate");
  }
  if (out.client_cert_pem.empty() && !out.client_key_pem.empty()) {
    throw ConfigError(where + ": client-certificate-data or client-certificate must be specified with the client key");
  }
  out.token = detail::trim_space(scalar(body, "token", where));
  const std::string token_file = scalar(body, "tokenFile", where);
  if (!token_file.empty()) {
    out.token_file = resolve(token_file, user.origin);
    if (out.token.empty()) {
      auto bytes = detail::read_small_file(out.token_file, "tokenFile");
      if (!ok(bytes)) {
        throw ConfigError(where + ": " + error(bytes).message);
      }
      out.token = detail::trim_space(value(bytes));
      if (out.token.empty()) {
        throw ConfigError(where + ": tokenFile " + quote(out.token_file.string()) + " is empty");
      }
    }
  }
  out.username = scalar(body, "username", where);
  out.password = scalar(body, "password", where);
  if (!out.token.empty() && (!out.username.empty() || !out.password.empty())) {
    throw ConfigError(where + ": more than one authentication method found (token and basicAuth); only one is allowed");
  }
}

Connection resolve_context(const Merged& merged, const std::optional<std::string>& override_context) {
  std::string context_name;
  if (override_context && !override_context->empty()) {
    context_name = *override_context;
  } else if (merged.current_context) {
    context_name = *merged.current_context;
  } else {
    throw ConfigError(
        "no context chosen in " + files_text(merged) +
        ": current-context is not set and no context was given; contexts are: " + names_text(merged.contexts));
  }
  const auto context = merged.contexts.find(context_name);
  if (context == merged.contexts.end()) {
    throw ConfigError("context " + quote(context_name) + " not found in " + files_text(merged) +
                      "; contexts are: " + names_text(merged.contexts));
  }
  const std::string where = "context " + quote(context_name) + " in " + context->second.origin.string();
  const YAML::Node& body = context->second.body;

  Connection out;
  out.context = context_name;
  out.source = "kubeconfig " + files_text(merged);
  if (const std::string ns = scalar(body, "namespace", where); !ns.empty()) {
    out.namespace_name = ns;
  }
  const std::string cluster_name = scalar(body, "cluster", where);
  if (cluster_name.empty()) {
    throw ConfigError(where + " names no cluster");
  }
  const auto cluster = merged.clusters.find(cluster_name);
  if (cluster == merged.clusters.end()) {
    throw ConfigError("cluster " + quote(cluster_name) + " (named by context " + quote(context_name) +
                      ") not found in " + files_text(merged) + "; clusters are: " + names_text(merged.clusters));
  }
  apply_cluster(cluster->second, cluster_name, out);
  // A context without a user is valid: the connection then authenticates by nothing (or by a
  // client certificate the cluster entry cannot carry), as in client-go.
  if (const std::string user_name = scalar(body, "user", where); !user_name.empty()) {
    const auto user = merged.users.find(user_name);
    if (user == merged.users.end()) {
      throw ConfigError("user " + quote(user_name) + " (named by context " + quote(context_name) + ") not found in " +
                        files_text(merged) + "; users are: " + names_text(merged.users));
    }
    apply_user(user->second, user_name, out);
  }
  return out;
}

}  // namespace

Result<Connection> load_kubeconfig(const std::filesystem::path& path, const std::optional<std::string>& context) {
  return load_kubeconfig(std::vector<std::filesystem::path>{path}, context);
}

Result<Connection> load_kubeconfig(const std::vector<std::filesystem::path>& paths,
                                   const std::optional<std::string>& context) {
  try {
    Merged merged;
    std::set<fs::path> seen;
    std::string missing;
    for (const auto& path : paths) {
      if (path.empty() || !seen.insert(path).second) {
        continue;
      }
      if (!merge_file(path, merged)) {
        missing += (missing.empty() ? "" : ", ") + path.string();
      }
    }
    if (merged.files.empty()) {
      return make_error("kubeconfig not found: " + (missing.empty() ? std::string("no file given") : missing) +
                        " (No such file or directory)");
    }
    return resolve_context(merged, context);
  } catch (const ConfigError& e) {
    return make_error(e.what());
  } catch (const YAML::Exception& e) {
    // A shape yaml-cpp refused to convert that the checks above did not foresee.
    return make_error("kubeconfig: " + e.msg);
  }
}

std::vector<std::filesystem::path> split_kubeconfig_list(std::string_view value) {
  std::vector<std::filesystem::path> paths;
  std::set<std::string, std::less<>> seen;
  while (true) {
    const std::size_t colon = value.find(':');
    const std::string_view item = value.substr(0, colon);
    if (!item.empty() && seen.insert(std::string(item)).second) {
      paths.emplace_back(std::string(item));
    }
    if (colon == std::string_view::npos) {
      break;
    }
    value.remove_prefix(colon + 1);
  }
  return paths;
}

std::vector<std::filesystem::path> default_kubeconfig_paths(const Environment& env) {
  if (const auto it = env.find("KUBECONFIG"); it != env.end() && !it->second.empty()) {
    return split_kubeconfig_list(it->second);
  }
  if (const auto it = env.find("HOME"); it != env.end() && !it->second.empty()) {
    return {std::filesystem::path(it->second) / ".kube" / "config"};
  }
  return {};
}

}  // namespace hpad::kube
