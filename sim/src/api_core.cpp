// Core v1 (pods: get, list, delete; namespaces: get, list; events), coordination.k8s.io/v1
// Leases (get, list, create, update with optimistic concurrency, delete) and the event stores of
// both event APIs (create, get, list). Pods are the lifecycle's: the API only reads them, and a
// DELETE starts their graceful termination (the deployment then replaces them).
#include "state.h"

namespace hpad::sim {
namespace {

ApiResponse no_such_path() {
  return status_error(404, "NotFound", "the server could not find the requested resource", Json::object());
}

ApiResponse method_not_allowed() {
  return status_error(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
}

std::optional<Json> object_body(const ApiRequest& request) {
  auto body = parse_body(request.body);
  if (!body || !body->is_object()) {
    return std::nullopt;
  }
  if (!body->contains("metadata") || !(*body)["metadata"].is_object()) {
    (*body)["metadata"] = Json::object();
  }
  return body;
}

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 253) {
    return false;
  }
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) {
      return false;
    }
  }
  return true;
}

// Shared by leases and events: POST into `store`; the name comes from metadata.name or is
// generated from metadata.generateName.
ApiResponse create_object(State& state, std::map<std::string, Json>& store, const ApiRequest& request,
                          const std::string& kind, const std::string& api_version, const std::string& resource,
                          const std::string& group, const std::string& namespace_name, TimePoint now) {
  auto body = object_body(request);
  if (!body) {
    return status_error(400, "BadRequest", "the request body is not a JSON object");
  }
  auto& metadata = (*body)["metadata"];
  if (metadata.contains("namespace") && metadata["namespace"] != namespace_name) {
    return status_error(400, "BadRequest",
                        "the namespace of the provided object does not match the namespace sent on the request");
  }
  std::string name = metadata.value("name", "");
  if (name.empty() && metadata.contains("generateName") && metadata["generateName"].is_string()) {
    name = metadata["generateName"].get<std::string>() + new_uid(state).substr(0, 5);
  }
  if (!valid_name(name)) {
    return invalid(kind, name,
                   "metadata.name: Invalid value: \"" + name + "\": must be a lower case DNS-1123 subdomain", group);
  }
  if (store.contains(key_of(namespace_name, name))) {
    return status_error(409, "AlreadyExists",
                        (group.empty() ? resource : resource + "." + group) + " \"" + name + "\" already exists",
                        {{"name", name}, {"group", group}, {"kind", resource}});
  }
  (*body)["apiVersion"] = api_version;
  (*body)["kind"] = kind;
  metadata["name"] = name;
  metadata.erase("resourceVersion");
  ensure_namespace(state, namespace_name, now);
  init_metadata(state, *body, namespace_name, now);
  auto& stored = store[key_of(namespace_name, name)] = std::move(*body);
  return ok(stored, 201);
}

std::vector<const Json*> items_in(const std::map<std::string, Json>& store, const std::string& namespace_name) {
  std::vector<const Json*> items;
  for (const auto& [key, object] : store) {
    if (namespace_name.empty() || object["metadata"]["namespace"] == namespace_name) {
      items.push_back(&object);
    }
  }
  return items;
}

ApiResponse handle_pods(State& state, const ApiRequest& request, const std::string& namespace_name,
                        const std::string& name, TimePoint now) {
  if (name.empty()) {
    if (request.method != "GET") {
      return method_not_allowed();
    }
    std::vector<const Json*> items;
    for (const auto& [key, pod] : state.pods) {
      if (namespace_name.empty() || pod.object["metadata"]["namespace"] == namespace_name) {
        items.push_back(&pod.object);
      }
    }
    return list_response(state, "PodList", "v1", items, request);
  }
  const auto found = state.pods.find(key_of(namespace_name, name));
  if (found == state.pods.end()) {
    return not_found("pods", name);
  }
  auto& pod = found->second;
  if (request.method == "GET") {
    return ok(pod.object);
  }
  if (request.method != "DELETE") {
    return method_not_allowed();
  }
  if (!pod.terminating()) {
    const auto grace = pod.object["spec"].value("terminationGracePeriodSeconds", std::int64_t{0});
    pod.delete_at = now + std::chrono::seconds(grace);
    pod.object["metadata"]["deletionTimestamp"] = format_time(*pod.delete_at);
    pod.object["metadata"]["deletionGracePeriodSeconds"] = grace;
    stamp(state, pod.object);
  }
  return ok(pod.object);
}

ApiResponse handle_namespaces(const State& state, const ApiRequest& request, const std::string& name) {
  if (request.method != "GET") {
    return method_not_allowed();
  }
  std::vector<Json> objects;
  for (const auto& [namespace_name, created] : state.namespaces) {
    objects.push_back({{"apiVersion", "v1"},
                       {"kind", "Namespace"},
                       {"metadata",
                        {{"name", namespace_name},
                         {"uid", "namespace-" + namespace_name},
                         {"resourceVersion", "1"},
                         {"creationTimestamp", format_time(created)},
                         {"labels", {{"kubernetes.io/metadata.name", namespace_name}}}}},
                       {"spec", {{"finalizers", {"kubernetes"}}}},
                       {"status", {{"phase", "Active"}}}});
  }
  if (!name.empty()) {
    for (const auto& object : objects) {
      if (object["metadata"]["name"] == name) {
        return ok(object);
      }
    }
    return not_found("namespaces", name);
  }
  std::vector<const Json*> items;
  for (const auto& object : objects) {
    items.push_back(&object);
  }
  return list_response(state, "NamespaceList", "v1", items, request);
}

}  // namespace

ApiResponse handle_events(State& state, std::map<std::string, Json>& store, const ApiRequest& request,
                          const std::string& api_version, const std::string& namespace_name, const std::string& name,
                          TimePoint now) {
  const std::string group = api_version == "v1" ? "" : "events.k8s.io";
  if (!name.empty()) {
    if (request.method != "GET") {
      return method_not_allowed();
    }
    const auto found = store.find(key_of(namespace_name, name));
    return found == store.end() ? not_found("events", name, group) : ok(found->second);
  }
  if (request.method == "POST" && !namespace_name.empty()) {
    return create_object(state, store, request, "Event", api_version, "events", group, namespace_name, now);
  }
  if (request.method != "GET") {
    return method_not_allowed();
  }
  return list_response(state, "EventList", api_version, items_in(store, namespace_name), request);
}

ApiResponse handle_core(State& state, const ApiRequest& request, const std::vector<std::string>& parts, TimePoint now) {
  // parts: api v1 [pods | events | namespaces [ns [pods|events [name]]]]
  if (parts.size() == 3 && parts[2] == "pods") {
    return handle_pods(state, request, "", "", now);
  }
  if (parts.size() == 3 && parts[2] == "events") {
    return handle_events(state, state.core_events, request, "v1", "", "", now);
  }
  if (parts.size() < 3 || parts[2] != "namespaces" || parts.size() > 6) {
    return no_such_path();
  }
  if (parts.size() <= 4) {
    return handle_namespaces(state, request, parts.size() == 4 ? parts[3] : "");
  }
  const std::string name = parts.size() == 6 ? parts[5] : "";
  if (parts[4] == "pods") {
    return handle_pods(state, request, parts[3], name, now);
  }
  if (parts[4] == "events") {
    return handle_events(state, state.core_events, request, "v1", parts[3], name, now);
  }
  return no_such_path();
}

ApiResponse handle_leases(State& state, const ApiRequest& request, const std::vector<std::string>& parts,
                          TimePoint now) {
  // parts: apis coordination.k8s.io v1 [leases | namespaces ns leases [name]]
  const std::string group = "coordination.k8s.io";
  if (parts.size() == 4 && parts[3] == "leases" && request.method == "GET") {
    return list_response(state, "LeaseList", group + "/v1", items_in(state.leases, ""), request);
  }
  if (parts.size() < 6 || parts.size() > 7 || parts[3] != "namespaces" || parts[5] != "leases") {
    return no_such_path();
  }
  const auto& namespace_name = parts[4];
  if (parts.size() == 6) {
    if (request.method == "POST") {
      return create_object(state, state.leases, request, "Lease", group + "/v1", "leases", group, namespace_name, now);
    }
    if (request.method != "GET") {
      return method_not_allowed();
    }
    return list_response(state, "LeaseList", group + "/v1", items_in(state.leases, namespace_name), request);
  }
  const auto& name = parts[6];
  const auto found = state.leases.find(key_of(namespace_name, name));
  if (found == state.leases.end()) {
    return not_found("leases", name, group);
  }
  if (request.method == "GET") {
    return ok(found->second);
  }
  if (request.method == "DELETE") {
    state.leases.erase(found);
    ++state.resource_version;
    return ok({{"kind", "Status"},
               {"apiVersion", "v1"},
               {"metadata", Json::object()},
               {"status", "Success"},
               {"details", {{"name", name}, {"group", group}, {"kind", "leases"}}}});
  }
  if (request.method != "PUT") {
    return method_not_allowed();
  }
  auto body = object_body(request);
  if (!body) {
    return status_error(400, "BadRequest", "the request body is not a JSON object");
  }
  if (!version_matches(*body, found->second)) {
    return conflict("leases", name, group,
                    "the object has been modified; please apply your changes to the latest version and try again");
  }
  auto& metadata = (*body)["metadata"];
  if (metadata.contains("name") && metadata["name"] != name) {
    return status_error(400, "BadRequest", "the name of the object does not match the name on the URL");
  }
  for (const char* field : {"name", "namespace", "uid", "creationTimestamp"}) {
    metadata[field] = found->second["metadata"][field];
  }
  (*body)["apiVersion"] = group + "/v1";
  (*body)["kind"] = "Lease";
  stamp(state, *body);
  found->second = std::move(*body);
  return ok(found->second);
}

}  // namespace hpad::sim
