// Routing of the simulated API: /version, discovery (/api, /apis, /api/v1, /apis/<group>[/v1]),
// the runtime fault endpoint /sim/faults, and the resource paths, which go to api_*.cpp. Also the
// shared list logic (labelSelector, fieldSelector on metadata.name/namespace, limit/continue
// paging with an opaque token) and the faults that hit any resource request (429, drops).
#include <algorithm>
#include <sstream>

#include "hpad/sim/label_selector.h"
#include "state.h"

namespace hpad::sim {
namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::istringstream in(path);
  std::string part;
  while (std::getline(in, part, '/')) {
    if (!part.empty()) {
      parts.push_back(part);
    }
  }
  return parts;
}

Json resource(const std::string& name, const std::string& singular, const std::string& kind, bool namespaced,
              std::vector<std::string> verbs, std::vector<std::string> short_names = {}) {
  Json entry = {
      {"name", name}, {"singularName", singular}, {"namespaced", namespaced}, {"kind", kind}, {"verbs", verbs}};
  if (!short_names.empty()) {
    entry["shortNames"] = short_names;
  }
  return entry;
}

Json resource_list(const std::string& group_version, Json resources) {
  return {{"kind", "APIResourceList"}, {"apiVersion", "v1"}, {"groupVersion", group_version}, {"resources", resources}};
}

Json api_group(const std::string& name) {
  Json version = {{"groupVersion", name + "/v1"}, {"version", "v1"}};
  return {{"name", name}, {"versions", Json::array({version})}, {"preferredVersion", version}};
}

const std::vector<std::string> kGroups = {"apps", "coordination.k8s.io", "events.k8s.io"};

Json group_resources(const std::string& group) {
  if (group == "apps") {
    auto deployments = resource("deployments", "deployment", "Deployment", true,
                                {"create", "delete", "get", "list", "patch", "update"}, {"deploy"});
    deployments["categories"] = {"all"};
    auto scale = resource("deployments/scale", "", "Scale", true, {"get", "patch", "update"});
    scale["group"] = "autoscaling";
    scale["version"] = "v1";
    return Json::array({deployments, scale});
  }
  if (group == "coordination.k8s.io") {
    return Json::array({resource("leases", "lease", "Lease", true, {"create", "delete", "get", "list", "update"})});
  }
  return Json::array({resource("events", "event", "Event", true, {"create", "get", "list"}, {"ev"})});
}

std::string hex(const std::string& text) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    out += kDigits[byte >> 4];
    out += kDigits[byte & 15];
  }
  return out;
}

std::optional<std::string> unhex(const std::string& text) {
  if (text.size() % 2 != 0) {
    return std::nullopt;
  }
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 2) {
    auto digit = [](char c) -> int {
      return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    };
    const int high = digit(text[i]), low = digit(text[i + 1]);
    if (high < 0 || low < 0) {
      return std::nullopt;
    }
    out += static_cast<char>(high * 16 + low);
  }
  return out;
}

// fieldSelector: only metadata.name and metadata.namespace with = or ==, which is what clients
// of hpad's kind send.
std::variant<std::vector<std::pair<std::string, std::string>>, std::string> parse_field_selector(
    const std::string& text) {
  std::vector<std::pair<std::string, std::string>> fields;
  std::istringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) {
    auto eq = part.find('=');
    if (eq == std::string::npos) {
      return "unsupported field selector \"" + part + "\"";
    }
    auto field = part.substr(0, eq);
    auto value = part.substr(part.compare(eq, 2, "==") == 0 ? eq + 2 : eq + 1);
    if (field != "metadata.name" && field != "metadata.namespace") {
      return "field label not supported: " + field;
    }
    fields.emplace_back(field.substr(9), value);
  }
  return fields;
}

ApiResponse bad_request(const std::string& message) {
  return status_error(400, "BadRequest", message);
}

}  // namespace

ApiResponse discovery(const ApiRequest& request) {
  const auto parts = split_path(request.path);
  ApiResponse none;
  none.status = 0;
  if (request.method != "GET") {
    return none;
  }
  if (parts.size() == 1 && parts[0] == "version") {
    return ok({{"major", "1"},
               {"minor", "32"},
               {"gitVersion", "v1.32.0"},
               {"gitCommit", "0000000000000000000000000000000000000000"},
               {"gitTreeState", "clean"},
               {"buildDate", "2024-12-11T00:00:00Z"},
               {"goVersion", "go1.23.3"},
               {"compiler", "gc"},
               {"platform", "linux/amd64"}});
  }
  if (parts.size() == 1 && parts[0] == "api") {
    return ok(
        {{"kind", "APIVersions"},
         {"apiVersion", "v1"},
         {"versions", {"v1"}},
         {"serverAddressByClientCIDRs", Json::array({{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", "127.0.0.1"}}})}});
  }
  if (parts.size() == 2 && parts[0] == "api" && parts[1] == "v1") {
    return ok(resource_list(
        "v1", Json::array({resource("namespaces", "namespace", "Namespace", false, {"get", "list"}, {"ns"}),
                           resource("pods", "pod", "Pod", true, {"delete", "get", "list"}, {"po"}),
                           resource("events", "event", "Event", true, {"create", "get", "list"}, {"ev"})})));
  }
  if (parts.size() == 1 && parts[0] == "apis") {
    Json groups = Json::array();
    for (const auto& group : kGroups) {
      groups.push_back(api_group(group));
    }
    return ok({{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}});
  }
  if (parts.size() >= 2 && parts.size() <= 3 && parts[0] == "apis" &&
      std::find(kGroups.begin(), kGroups.end(), parts[1]) != kGroups.end()) {
    if (parts.size() == 2) {
      auto group = api_group(parts[1]);
      group["kind"] = "APIGroup";
      group["apiVersion"] = "v1";
      return ok(group);
    }
    if (parts[2] == "v1") {
      return ok(resource_list(parts[1] + "/v1", group_resources(parts[1])));
    }
  }
  return none;
}

ApiResponse list_response(const State& state, const std::string& kind, const std::string& api_version,
                          const std::vector<const Json*>& items, const ApiRequest& request) {
  auto query = [&](const std::string& name) {
    auto found = request.query.find(name);
    return found == request.query.end() ? std::string() : found->second;
  };
  auto selector = LabelSelector::parse(query("labelSelector"));
  if (auto* error = std::get_if<std::string>(&selector)) {
    return bad_request("unable to parse labelSelector: " + *error);
  }
  auto fields = parse_field_selector(query("fieldSelector"));
  if (auto* error = std::get_if<std::string>(&fields)) {
    return bad_request(*error);
  }
  std::int64_t limit = 0;
  if (!query("limit").empty()) {
    try {
      limit = std::stoll(query("limit"));
    } catch (const std::exception&) {
      return bad_request("limit must be an integer");
    }
  }
  std::string list_version = std::to_string(state.resource_version);
  std::string start_after;
  if (!query("continue").empty()) {
    auto decoded = unhex(query("continue"));
    auto token = decoded ? parse_body(*decoded) : std::nullopt;
    if (!token || !token->is_object() || !token->contains("start") || !(*token)["start"].is_string() ||
        !token->contains("rv") || !(*token)["rv"].is_string()) {
      return bad_request("continue key is not valid");
    }
    start_after = (*token)["start"];
    list_version = (*token)["rv"];
  }
  std::vector<const Json*> selected;
  for (const auto* item : items) {
    const auto& metadata = (*item)["metadata"];
    const auto key = key_of(metadata.value("namespace", ""), metadata.value("name", ""));
    bool keep = key > start_after && std::get<LabelSelector>(selector).matches(labels_of(*item));
    for (const auto& [field, value] : std::get<0>(fields)) {
      keep = keep && metadata.value(field, "") == value;
    }
    if (keep) {
      selected.push_back(item);
    }
  }
  Json list = {{"kind", kind}, {"apiVersion", api_version}, {"metadata", {{"resourceVersion", list_version}}}};
  Json& out = list["items"] = Json::array();
  const std::size_t page = limit > 0 ? std::min(selected.size(), static_cast<std::size_t>(limit)) : selected.size();
  for (std::size_t i = 0; i < page; ++i) {
    out.push_back(*selected[i]);
  }
  if (page < selected.size()) {
    const auto& last = (*selected[page - 1])["metadata"];
    Json token = {{"rv", list_version}, {"start", key_of(last.value("namespace", ""), last.value("name", ""))}};
    list["metadata"]["continue"] = hex(token.dump());
    list["metadata"]["remainingItemCount"] = selected.size() - page;
  }
  return ok(list);
}

ApiResponse route(State& state, const ApiRequest& request, TimePoint now) {
  if (auto answer = discovery(request); answer.status != 0) {
    return answer;
  }
  const auto parts = split_path(request.path);
  if (parts.size() == 2 && parts[0] == "sim" && parts[1] == "faults") {
    if (request.method == "POST") {
      auto applied = apply_fault_json(state.faults, request.body);
      if (auto* error = std::get_if<ConfigError>(&applied)) {
        return status_error(422, "Invalid", "invalid faults: " + error->to_string());
      }
      state.faults = std::get<FaultConfig>(applied);
    } else if (request.method != "GET") {
      return status_error(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
    }
    const auto& f = state.faults;
    return ok({{"scaleWriteErrorRate", f.scale_write_error_rate},
               {"scaleWriteDelayMs", f.scale_write_delay_ms},
               {"conflicts", f.conflicts},
               {"tooManyRequests", f.too_many_requests},
               {"retryAfterSeconds", f.retry_after_seconds},
               {"droppedConnections", f.dropped_connections}});
  }
  const bool is_resource = parts.size() >= 3 && (parts[0] == "api" || parts[0] == "apis");
  if (is_resource && state.faults.dropped_connections > 0) {
    --state.faults.dropped_connections;
    ApiResponse dropped = status_error(500, "InternalError", "connection dropped (simulated)");
    dropped.drop_connection = true;
    return dropped;
  }
  if (is_resource && state.faults.too_many_requests > 0) {
    --state.faults.too_many_requests;
    auto throttled =
        status_error(429, "TooManyRequests",
                     "the server has received too many requests and has asked us to try again later (simulated)",
                     {{"retryAfterSeconds", state.faults.retry_after_seconds}});
    throttled.headers["Retry-After"] = std::to_string(state.faults.retry_after_seconds);
    return throttled;
  }
  if (request.query.contains("watch") && request.query.at("watch") != "false" && request.query.at("watch") != "0") {
    return status_error(405, "MethodNotAllowed", "watch is not supported by hpad-kubesim");
  }
  if (parts.size() >= 3 && parts[0] == "apis" && parts[1] == "apps" && parts[2] == "v1") {
    return handle_deployments(state, request, parts, now);
  }
  if (parts.size() >= 2 && parts[0] == "api" && parts[1] == "v1") {
    return handle_core(state, request, parts, now);
  }
  if (parts.size() >= 3 && parts[0] == "apis" && parts[1] == "coordination.k8s.io" && parts[2] == "v1") {
    return handle_leases(state, request, parts, now);
  }
  if (parts.size() >= 3 && parts[0] == "apis" && parts[1] == "events.k8s.io" && parts[2] == "v1") {
    if (parts.size() == 4 && parts[3] == "events") {
      return handle_events(state, state.events_v1, request, "events.k8s.io/v1", "", "", now);
    }
    if ((parts.size() == 6 || parts.size() == 7) && parts[3] == "namespaces" && parts[5] == "events") {
      return handle_events(state, state.events_v1, request, "events.k8s.io/v1", parts[4],
                           parts.size() == 7 ? parts[6] : "", now);
    }
  }
  return status_error(404, "NotFound", "the server could not find the requested resource", Json::object());
}

}  // namespace hpad::sim
