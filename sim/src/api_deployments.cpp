// apps/v1 Deployments and their autoscaling/v1 Scale subresource: get, list, create, merge
// patch (strategic merge patch is treated as merge patch), update with optimistic concurrency
// (a stale metadata.resourceVersion → 409 Conflict; none → accepted), delete. Scale writes are
// where the configured faults strike (delay, forced 409s, error rate).
#include <algorithm>

#include "state.h"

namespace hpad::sim {
namespace {

const std::string kGroup = "apps";
const std::string kResource = "deployments";

bool dns_label(const std::string& name) {
  if (name.empty() || name.size() > 63 || !std::isalnum(static_cast<unsigned char>(name.front())) ||
      !std::isalnum(static_cast<unsigned char>(name.back()))) {
    return false;
  }
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

bool string_map(const Json& value) {
  return value.is_object() && std::all_of(value.begin(), value.end(), [](const Json& v) { return v.is_string(); });
}

bool whole_number_at_least_zero(const Json& value) {
  return value.is_number_integer() && value.get<std::int64_t>() >= 0;
}

// What the API server's validation would reject, reduced to what the sim relies on. Returns
// the first problem, empty if none.
std::string validate(const Json& deployment) {
  if (!deployment.is_object() || !deployment.contains("metadata") || !deployment["metadata"].is_object()) {
    return "metadata: Required value";
  }
  if (!dns_label(deployment["metadata"].value("name", ""))) {
    return "metadata.name: Invalid value: must be a lower case DNS-1123 label";
  }
  if (deployment["metadata"].contains("labels") && !string_map(deployment["metadata"]["labels"])) {
    return "metadata.labels: Invalid value: must map strings to strings";
  }
  const auto spec = deployment.find("spec");
  if (spec == deployment.end() || !spec->is_object()) {
    return "spec: Required value";
  }
  if (spec->contains("replicas") && !whole_number_at_least_zero((*spec)["replicas"])) {
    return "spec.replicas: Invalid value: must be greater than or equal to 0";
  }
  const auto selector = spec->find("selector");
  if (selector == spec->end() || !selector->is_object() || !selector->contains("matchLabels") ||
      !string_map((*selector)["matchLabels"]) || (*selector)["matchLabels"].empty()) {
    return "spec.selector: Required value: matchLabels must be a non-empty map of strings";
  }
  if (selector->contains("matchExpressions") && !(*selector)["matchExpressions"].is_array()) {
    return "spec.selector.matchExpressions: Invalid value: must be a list";
  }
  const auto pod_template = spec->find("template");
  if (pod_template == spec->end() || !pod_template->is_object() || !pod_template->contains("metadata") ||
      !(*pod_template)["metadata"].is_object() || !string_map((*pod_template)["metadata"].value("labels", Json()))) {
    return "spec.template.metadata.labels: Required value";
  }
  const auto labels = (*pod_template)["metadata"]["labels"];
  for (const auto& [key, value] : (*selector)["matchLabels"].items()) {
    if (!labels.contains(key) || labels[key] != value) {
      return "spec.template.metadata.labels: Invalid value: `selector` does not match template `labels`";
    }
  }
  const auto pod_spec = pod_template->find("spec");
  if (pod_spec == pod_template->end() || !pod_spec->is_object() || !pod_spec->contains("containers") ||
      !(*pod_spec)["containers"].is_array() || (*pod_spec)["containers"].empty()) {
    return "spec.template.spec.containers: Required value";
  }
  for (const auto& container : (*pod_spec)["containers"]) {
    if (!container.is_object() || !container.contains("name") || !container["name"].is_string()) {
      return "spec.template.spec.containers[].name: Required value";
    }
  }
  return "";
}

Json scale_of(const Json& deployment, const std::string& selector) {
  const auto& metadata = deployment["metadata"];
  return {{"kind", "Scale"},
          {"apiVersion", "autoscaling/v1"},
          {"metadata",
           {{"name", metadata["name"]},
            {"namespace", metadata["namespace"]},
            {"uid", metadata["uid"]},
            {"resourceVersion", metadata["resourceVersion"]},
            {"creationTimestamp", metadata["creationTimestamp"]}}},
          {"spec", {{"replicas", deployment["spec"].value("replicas", std::int64_t{1})}}},
          {"status", {{"replicas", deployment["status"].value("replicas", std::int64_t{0})}, {"selector", selector}}}};
}

bool is_merge_patch(const ApiRequest& request) {
  const auto found = request.headers.find("content-type");
  const std::string type = found == request.headers.end() ? "" : found->second.substr(0, found->second.find(';'));
  return type == "application/merge-patch+json" || type == "application/strategic-merge-patch+json";
}

ApiResponse unsupported_patch() {
  return status_error(415, "UnsupportedMediaType",
                      "the body of the request was in an unknown format - accepted media types include: "
                      "application/merge-patch+json, application/strategic-merge-patch+json");
}

// Stores `updated` as the new version of `record`: identity and status come from the stored
// object; generation grows when the spec changed.
ApiResponse store(State& state, DeploymentRecord& record, Json updated, int status = 200) {
  const auto& old = record.object;
  updated["apiVersion"] = "apps/v1";
  updated["kind"] = "Deployment";
  for (const char* field : {"name", "namespace", "uid", "creationTimestamp", "generation"}) {
    updated["metadata"][field] = old["metadata"][field];
  }
  if (!updated["spec"].contains("replicas")) {
    updated["spec"]["replicas"] = 1;
  }
  if (updated["spec"]["selector"] != old["spec"]["selector"]) {
    return invalid("Deployment", old["metadata"]["name"], "spec.selector: Invalid value: field is immutable", kGroup);
  }
  updated["status"] = old["status"];
  if (updated["spec"] != old["spec"]) {
    updated["metadata"]["generation"] = old["metadata"].value("generation", std::int64_t{1}) + 1;
  }
  stamp(state, updated);
  record.object = std::move(updated);
  return ok(record.object, status);
}

std::optional<ApiResponse> scale_write_fault(State& state, const std::string& name) {
  if (state.faults.conflicts > 0) {
    --state.faults.conflicts;
    return conflict(kResource, name, kGroup,
                    "the object has been modified; please apply your changes to the latest version and try again");
  }
  if (state.faults.scale_write_error_rate > 0 &&
      std::uniform_real_distribution<double>(0, 1)(state.faults_rng) < state.faults.scale_write_error_rate) {
    return status_error(500, "InternalError", "Internal error occurred: injected scale write failure (simulated)");
  }
  return std::nullopt;
}

ApiResponse handle_scale(State& state, const ApiRequest& request, DeploymentRecord& record, const std::string& name) {
  const Json current = scale_of(record.object, selector_string(record.object));
  if (request.method == "GET") {
    return ok(current);
  }
  if (request.method != "PATCH" && request.method != "PUT") {
    return status_error(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
  }
  if (request.method == "PATCH" && !is_merge_patch(request)) {
    return unsupported_patch();
  }
  auto body = parse_body(request.body);
  if (!body || !body->is_object()) {
    return status_error(400, "BadRequest", "the request body is not a JSON object");
  }
  const auto delay = std::chrono::milliseconds(state.faults.scale_write_delay_ms);
  auto answer = [&](ApiResponse response) {
    response.delay = delay;
    return response;
  };
  if (auto fault = scale_write_fault(state, name)) {
    return answer(*fault);
  }
  if (!version_matches(*body, current)) {
    return answer(
        conflict(kResource, name, kGroup,
                 "the object has been modified; please apply your changes to the latest version and try again"));
  }
  Json scale = current;
  if (request.method == "PATCH") {
    merge_patch(scale, *body);
  } else {
    scale = *body;
    if (body->contains("metadata") && (*body)["metadata"].is_object() && (*body)["metadata"].contains("name") &&
        (*body)["metadata"]["name"] != name) {
      return answer(status_error(400, "BadRequest",
                                 "the name of the object (" + (*body)["metadata"]["name"].dump() +
                                     ") does not match the name on the URL (" + name + ")"));
    }
  }
  if (!scale.contains("spec") || !scale["spec"].is_object() || !scale["spec"].contains("replicas") ||
      !whole_number_at_least_zero(scale["spec"]["replicas"])) {
    return answer(
        invalid("Scale", name, "spec.replicas: Invalid value: must be greater than or equal to 0", "autoscaling"));
  }
  Json updated = record.object;
  updated["spec"]["replicas"] = scale["spec"]["replicas"];
  auto stored = store(state, record, std::move(updated));
  if (stored.status != 200) {
    return answer(stored);
  }
  return answer(ok(scale_of(record.object, selector_string(record.object))));
}

ApiResponse create(State& state, const ApiRequest& request, const std::string& namespace_name, TimePoint now) {
  auto body = parse_body(request.body);
  if (!body || !body->is_object()) {
    return status_error(400, "BadRequest", "the request body is not a JSON object");
  }
  auto& metadata = (*body)["metadata"];
  if (metadata.is_object() && metadata.contains("namespace") && metadata["namespace"] != namespace_name) {
    return status_error(400, "BadRequest",
                        "the namespace of the provided object does not match the namespace sent on the request");
  }
  if (const std::string error = validate(*body); !error.empty()) {
    return invalid("Deployment", metadata.is_object() ? metadata.value("name", "") : "", error, kGroup);
  }
  const std::string name = metadata["name"];
  if (state.deployments.contains(key_of(namespace_name, name))) {
    return status_error(409, "AlreadyExists", "deployments.apps \"" + name + "\" already exists",
                        {{"name", name}, {"group", kGroup}, {"kind", kResource}});
  }
  (*body)["apiVersion"] = "apps/v1";
  (*body)["kind"] = "Deployment";
  metadata["generation"] = 1;
  if (!(*body)["spec"].contains("replicas")) {
    (*body)["spec"]["replicas"] = 1;
  }
  (*body)["status"] = Json::object();
  metadata.erase("resourceVersion");
  ensure_namespace(state, namespace_name, now);
  init_metadata(state, *body, namespace_name, now);
  DeploymentRecord record;
  record.object = std::move(*body);
  record.load_epoch = now;
  auto& stored = state.deployments[key_of(namespace_name, name)] = std::move(record);
  return ok(stored.object, 201);
}

ApiResponse handle_one(State& state, const ApiRequest& request, const std::string& namespace_name,
                       const std::string& name) {
  const auto found = state.deployments.find(key_of(namespace_name, name));
  if (found == state.deployments.end()) {
    return not_found(kResource, name, kGroup);
  }
  auto& record = found->second;
  if (request.method == "GET") {
    return ok(record.object);
  }
  if (request.method == "DELETE") {
    Json details = {{"name", name}, {"group", kGroup}, {"kind", kResource}, {"uid", record.object["metadata"]["uid"]}};
    state.deployments.erase(found);
    ++state.resource_version;
    return ok({{"kind", "Status"},
               {"apiVersion", "v1"},
               {"metadata", Json::object()},
               {"status", "Success"},
               {"details", details}});
  }
  if (request.method != "PATCH" && request.method != "PUT") {
    return status_error(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
  }
  if (request.method == "PATCH" && !is_merge_patch(request)) {
    return unsupported_patch();
  }
  auto body = parse_body(request.body);
  if (!body || !body->is_object()) {
    return status_error(400, "BadRequest", "the request body is not a JSON object");
  }
  if (!version_matches(*body, record.object)) {
    return conflict(kResource, name, kGroup,
                    "the object has been modified; please apply your changes to the latest version and try again");
  }
  Json updated = record.object;
  if (request.method == "PATCH") {
    merge_patch(updated, *body);
  } else {
    updated = *body;
  }
  if (updated.is_object() && updated.contains("metadata") && updated["metadata"].is_object()) {
    updated["metadata"]["name"] = name;  // a PUT may omit it; a different one is ignored like uid
  }
  if (const std::string error = validate(updated); !error.empty()) {
    return invalid("Deployment", name, error, kGroup);
  }
  return store(state, record, std::move(updated));
}

}  // namespace

ApiResponse handle_deployments(State& state, const ApiRequest& request, const std::vector<std::string>& parts,
                               TimePoint now) {
  // parts: apis apps v1 [deployments | namespaces ns deployments [name [scale]]]
  if (parts.size() == 4 && parts[3] == kResource && request.method == "GET") {
    std::vector<const Json*> items;
    for (const auto& [key, record] : state.deployments) {
      items.push_back(&record.object);
    }
    return list_response(state, "DeploymentList", "apps/v1", items, request);
  }
  if (parts.size() < 6 || parts[3] != "namespaces" || parts[5] != kResource || parts.size() > 8) {
    return status_error(404, "NotFound", "the server could not find the requested resource", Json::object());
  }
  const auto& namespace_name = parts[4];
  if (parts.size() == 6) {
    if (request.method == "POST") {
      return create(state, request, namespace_name, now);
    }
    if (request.method != "GET") {
      return status_error(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
    }
    std::vector<const Json*> items;
    for (const auto& [key, record] : state.deployments) {
      if (record.object["metadata"]["namespace"] == namespace_name) {
        items.push_back(&record.object);
      }
    }
    return list_response(state, "DeploymentList", "apps/v1", items, request);
  }
  if (parts.size() == 7) {
    return handle_one(state, request, namespace_name, parts[6]);
  }
  if (parts[7] != "scale") {
    return status_error(404, "NotFound", "the server could not find the requested resource", Json::object());
  }
  const auto found = state.deployments.find(key_of(namespace_name, parts[6]));
  if (found == state.deployments.end()) {
    return not_found(kResource, parts[6], kGroup);
  }
  return handle_scale(state, request, found->second, parts[6]);
}

}  // namespace hpad::sim
