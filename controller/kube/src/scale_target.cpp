// See scale_target.h.
#include "hpad/kube/scale_target.h"

#include <array>
#include <vector>

#include "json_guard.h"

namespace hpad::kube {
namespace {

using nlohmann::json;

struct Builtin {
  const char* api_version;
  const char* kind;
  const char* group;
  const char* version;
  const char* resource;
};

constexpr std::array<Builtin, 4> kBuiltins{{
    {"apps/v1", "Deployment", "apps", "v1", "deployments"},
    {"apps/v1", "StatefulSet", "apps", "v1", "statefulsets"},
    {"apps/v1", "ReplicaSet", "apps", "v1", "replicasets"},
    {"v1", "ReplicationController", "", "v1", "replicationcontrollers"},
}};

std::string gv_text(const GroupVersion& gv) {
  return gv.group.empty() ? gv.version : gv.group + "/" + gv.version;
}

std::string string_field(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool valid_segment(std::string_view segment) {
  return !segment.empty() && segment != "." && segment != ".." && segment.find('/') == std::string_view::npos &&
         segment.find('%') == std::string_view::npos && segment.find('?') == std::string_view::npos &&
         segment.find('#') == std::string_view::npos;
}

}  // namespace

Result<GroupVersion> parse_api_version(std::string_view api_version) {
  const std::size_t slash = api_version.find('/');
  GroupVersion gv;
  if (slash == std::string_view::npos) {
    gv.version = std::string(api_version);
  } else {
    gv.group = std::string(api_version.substr(0, slash));
    gv.version = std::string(api_version.substr(slash + 1));
    if (gv.group.empty() || gv.version.find('/') != std::string::npos) {
      return make_error("invalid apiVersion \"" + std::string(api_version) + "\": expected <group>/<version> or v1");
    }
  }
  if (gv.version.empty()) {
    return make_error("invalid apiVersion \"" + std::string(api_version) + "\": no version");
  }
  return gv;
}

std::string discovery_path(const GroupVersion& gv) {
  return gv.group.empty() ? "/api/" + gv.version : "/apis/" + gv.group + "/" + gv.version;
}

std::optional<ScaleResource> builtin_scale_resource(const ScaleTargetRef& ref) {
  for (const auto& builtin : kBuiltins) {
    if (ref.api_version == builtin.api_version && ref.kind == builtin.kind) {
      return ScaleResource{{builtin.group, builtin.version}, builtin.resource, true};
    }
  }
  return std::nullopt;
}

Result<ScaleResource> scale_resource_from_discovery(const ScaleTargetRef& ref, std::string_view api_resource_list) {
  auto gv = parse_api_version(ref.api_version);
  if (!ok(gv)) {
    return error(gv);
  }
  const std::string where = "discovery of " + gv_text(value(gv));
  const auto document = detail::parse_bounded_json(api_resource_list);
  if (!document || !document->is_object()) {
    return make_error(where + ": not a JSON APIResourceList");
  }
  if (const std::string served = string_field(*document, "groupVersion"); served != gv_text(value(gv))) {
    return make_error(where + ": the document is for groupVersion \"" + served + "\"");
  }
  const auto resources = document->find("resources");
  if (resources == document->end() || !resources->is_array()) {
    return make_error(where + ": APIResourceList has no resources");
  }
  const json* found = nullptr;
  std::vector<std::string> kinds;  // the top-level kinds served, for the message
  std::vector<std::string> names;  // every resource name, subresources included
  for (const auto& resource : *resources) {
    if (!resource.is_object()) {
      continue;
    }
    const std::string name = string_field(resource, "name");
    names.push_back(name);
    if (name.find('/') != std::string::npos) {
      continue;  // a subresource ("deployments/scale" has kind Scale)
    }
    kinds.push_back(string_field(resource, "kind"));
    if (kinds.back() == ref.kind && found == nullptr) {
      found = &resource;
    }
  }
  if (found == nullptr) {
    std::string served;
    for (const auto& kind : kinds) {
      served += (served.empty() ? "" : ", ") + kind;
    }
    return make_error("kind \"" + ref.kind + "\" is not served by " + gv_text(value(gv)) +
                      " (it serves: " + (served.empty() ? std::string("nothing") : served) + ")");
  }
  ScaleResource out{value(gv), string_field(*found, "name"), true};
  if (const auto namespaced = found->find("namespaced"); namespaced != found->end() && namespaced->is_boolean()) {
    out.namespaced = namespaced->get<bool>();
  }
  const std::string scale_name = out.resource + "/scale";
  bool has_scale = false;
  for (const auto& name : names) {
    has_scale = has_scale || name == scale_name;
  }
  if (!has_scale) {
    return make_error(gv_text(value(gv)) + " " + ref.kind + " (" + out.resource +
                      ") has no scale subresource, so it cannot be autoscaled; its CRD needs "
                      "subresources.scale");
  }
  return out;
}

Result<std::string> scale_path(const ScaleResource& resource, std::string_view namespace_name, std::string_view name) {
  if (!valid_segment(name)) {
    return make_error("invalid scale target name \"" + std::string(name) + "\"");
  }
  if (resource.namespaced && !valid_segment(namespace_name)) {
    return make_error("invalid namespace \"" + std::string(namespace_name) + "\"");
  }
  std::string path = discovery_path(resource.group_version);
  if (resource.namespaced) {
    path += "/namespaces/" + std::string(namespace_name);
  }
  return path + "/" + resource.resource + "/" + std::string(name) + "/scale";
}

}  // namespace hpad::kube
