// Resolving an HPA's scaleTargetRef {apiVersion, kind, name} to the URL path of its scale
// subresource, as the HPA controller does through a RESTMapper and the scale client
// (k8s.io/client-go/scale: ScalesGetter, with discovery's APIResourceList): the built-in
// scalable kinds (apps/v1 Deployment, StatefulSet, ReplicaSet; v1 ReplicationController) are
// known statically; anything else (custom resources) is looked up in the discovery document of
// its group version (GET /apis/<group>/<version>): the resource whose kind matches, that has a
// "<plural>/scale" entry. Pure functions: thread-safe. Documents are bounded (1 MiB, depth 64).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "hpad/kube/result.h"

namespace hpad::kube {

struct ScaleTargetRef {
  std::string api_version;  // "apps/v1", or "v1" for the core group
  std::string kind;         // "Deployment"
  std::string name;
};

struct GroupVersion {
  std::string group;  // "" for the core group
  std::string version;
};

// "apps/v1" → {apps, v1}; "v1" → {"", v1}. Errors on "", "a/b/c", "/v1", "apps/".
Result<GroupVersion> parse_api_version(std::string_view api_version);

// The discovery path of a group version: "/api/v1" or "/apis/apps/v1".
std::string discovery_path(const GroupVersion& gv);

struct ScaleResource {
  GroupVersion group_version;
  std::string resource;  // plural: "deployments"
  bool namespaced = true;
};

// The scale resource of a built-in kind, or nullopt if the kind is not one of them.
std::optional<ScaleResource> builtin_scale_resource(const ScaleTargetRef& ref);

// Finds `ref`'s kind in an APIResourceList JSON document (the body of discovery_path()).
// Errors: unparsable document, document for another group version, kind not served, no scale
// subresource.
Result<ScaleResource> scale_resource_from_discovery(const ScaleTargetRef& ref, std::string_view api_resource_list);

// "/apis/<group>/<version>/namespaces/<ns>/<plural>/<name>/scale" ("/api/v1/..." for the core
// group; no "namespaces/<ns>/" for a cluster-scoped resource). Names must be valid path segments
// (non-empty, no '/', not "." or "..").
Result<std::string> scale_path(const ScaleResource& resource, std::string_view namespace_name, std::string_view name);

}  // namespace hpad::kube
