// KubeClient's scale and pod operations (events and leases: client_events_leases.cpp). Each
// operation builds its request, runs it through Impl::execute with one RetryPolicy, and parses the
// answer into a value; a body that is not the expected object is an InvalidResponse ApiError.
#include "hpad/kube/client.h"

#include <limits>

#include "client_impl.h"
#include "json_guard.h"

namespace hpad::kube {
namespace {

using nlohmann::json;

RequestInfo scale_info(const std::string& verb, const ScaleResource& resource, const ScaleTarget& target) {
  return RequestInfo{verb,
                     resource.group_version.group,
                     resource.resource,
                     "scale",
                     target.ref.name,
                     resource.namespaced ? target.namespace_name : std::string()};
}

std::string string_at(const json& object, const char* key) {
  const auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

std::optional<std::int32_t> int32_at(const json& object, const char* key) {
  const auto found = object.find(key);
  if (found == object.end() || found->is_null()) {
    return 0;  // omitted: the zero value, as Go's JSON decoding
  }
  if (!found->is_number_integer()) {
    return std::nullopt;
  }
  const auto v = found->get<std::int64_t>();
  if (v < 0 || v > std::numeric_limits<std::int32_t>::max()) {
    return std::nullopt;
  }
  return static_cast<std::int32_t>(v);
}

ApiResult<Scale> parse_scale(const std::string& body, const RequestInfo& info) {
  const auto document = detail::parse_bounded_json(body);
  if (!document || !document->is_object() || document->value("kind", std::string()) != "Scale") {
    return invalid_answer("the answer is not a Scale object", info);
  }
  const json empty = json::object();
  const json& metadata =
      document->contains("metadata") && (*document)["metadata"].is_object() ? (*document)["metadata"] : empty;
  const json& spec = document->contains("spec") && (*document)["spec"].is_object() ? (*document)["spec"] : empty;
  const json& status =
      document->contains("status") && (*document)["status"].is_object() ? (*document)["status"] : empty;
  Scale scale;
  scale.name = string_at(metadata, "name");
  scale.namespace_name = string_at(metadata, "namespace");
  scale.resource_version = string_at(metadata, "resourceVersion");
  scale.selector = string_at(status, "selector");
  const auto spec_replicas = int32_at(spec, "replicas");
  const auto status_replicas = int32_at(status, "replicas");
  if (!spec_replicas || !status_replicas) {
    return invalid_answer("the Scale's replicas are not non-negative 32-bit integers", info);
  }
  scale.spec_replicas = *spec_replicas;
  scale.status_replicas = *status_replicas;
  return scale;
}

json scale_to_json(const Scale& scale, const ScaleTarget& target) {
  json metadata{{"name", target.ref.name}, {"namespace", target.namespace_name}};
  if (!scale.resource_version.empty()) {
    metadata["resourceVersion"] = scale.resource_version;
  }
  return {{"apiVersion", "autoscaling/v1"},
          {"kind", "Scale"},
          {"metadata", metadata},
          {"spec", {{"replicas", scale.spec_replicas}}}};
}

bool valid_segment(std::string_view segment) {
  return !segment.empty() && segment != "." && segment != ".." && segment.find('/') == std::string_view::npos;
}

}  // namespace

KubeClient::KubeClient(Connection connection, ClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(connection), std::move(options))) {}

KubeClient::~KubeClient() = default;

const Connection& KubeClient::connection() const {
  return impl_->connection;
}

bool KubeClient::events_fell_back_to_core_v1() const {
  return impl_->core_v1_events.load();
}

ApiResult<ScaleResource> KubeClient::resolve(const ScaleTargetRef& ref) {
  if (auto builtin = builtin_scale_resource(ref)) {
    return *builtin;
  }
  const std::string key = ref.api_version + "/" + ref.kind;
  {
    std::lock_guard lock(impl_->discovery_mutex);
    if (const auto found = impl_->discovered.find(key); found != impl_->discovered.end()) {
      return found->second;
    }
  }
  const auto gv = parse_api_version(ref.api_version);
  RequestInfo info{"get", "", "", "", "", ""};
  if (!ok(gv)) {
    return invalid_answer(error(gv).message, info);
  }
  info.group = value(gv).group;
  auto policy = impl_->new_policy();
  auto reply = impl_->execute({"GET", discovery_path(value(gv))}, info, policy);
  if (const auto* failure = std::get_if<ApiError>(&reply)) {
    return *failure;
  }
  auto resource = scale_resource_from_discovery(ref, std::get<detail::HttpReply>(reply).body);
  if (!ok(resource)) {
    return invalid_answer("discovery of " + ref.api_version + " " + ref.kind + ": " + error(resource).message, info);
  }
  std::lock_guard lock(impl_->discovery_mutex);
  impl_->discovered[key] = value(resource);
  return value(resource);
}

ApiResult<Scale> KubeClient::get_scale(const ScaleTarget& target) {
  const auto resource = resolve(target.ref);
  if (const auto* failure = std::get_if<ApiError>(&resource)) {
    return *failure;
  }
  const auto& scale_resource = std::get<ScaleResource>(resource);
  const auto info = scale_info("get", scale_resource, target);
  const auto path = scale_path(scale_resource, target.namespace_name, target.ref.name);
  if (!ok(path)) {
    return invalid_answer(error(path).message, info);
  }
  auto policy = impl_->new_policy();
  auto reply = impl_->execute({"GET", value(path)}, info, policy);
  if (const auto* failure = std::get_if<ApiError>(&reply)) {
    return *failure;
  }
  return parse_scale(std::get<detail::HttpReply>(reply).body, info);
}

ApiResult<Scale> KubeClient::patch_scale_replicas(const ScaleTarget& target, std::int32_t replicas) {
  const auto resource = resolve(target.ref);
  if (const auto* failure = std::get_if<ApiError>(&resource)) {
    return *failure;
  }
  const auto& scale_resource = std::get<ScaleResource>(resource);
  const auto info = scale_info("patch", scale_resource, target);
  const auto path = scale_path(scale_resource, target.namespace_name, target.ref.name);
  if (!ok(path)) {
    return invalid_answer(error(path).message, info);
  }
  const detail::HttpRequest request{
      "PATCH", value(path), {}, json{{"spec", {{"replicas", replicas}}}}.dump(), "application/merge-patch+json"};
  auto policy = impl_->new_policy();
  for (;;) {
    auto reply = impl_->execute(request, info, policy);
    if (const auto* failure = std::get_if<ApiError>(&reply)) {
      // A merge patch without a resourceVersion cannot be stale: a 409 is sent again as it is.
      const auto decision = is_conflict(*failure) ? policy.next(*failure, std::nullopt) : RetryDecision{};
      if (decision.action == RetryAction::kGiveUp) {
        return *failure;
      }
      impl_->sleep(decision.delay);
      continue;
    }
    return parse_scale(std::get<detail::HttpReply>(reply).body, info);
  }
}

ApiResult<Scale> KubeClient::update_scale(const ScaleTarget& target, const Scale& scale) {
  const auto resource = resolve(target.ref);
  if (const auto* failure = std::get_if<ApiError>(&resource)) {
    return *failure;
  }
  const auto& scale_resource = std::get<ScaleResource>(resource);
  const auto info = scale_info("update", scale_resource, target);
  const auto path = scale_path(scale_resource, target.namespace_name, target.ref.name);
  if (!ok(path)) {
    return invalid_answer(error(path).message, info);
  }
  auto policy = impl_->new_policy();
  Scale desired = scale;
  for (;;) {
    auto reply = impl_->execute({"PUT", value(path), {}, scale_to_json(desired, target).dump(), "application/json"},
                                info, policy);
    if (std::holds_alternative<detail::HttpReply>(reply)) {
      return parse_scale(std::get<detail::HttpReply>(reply).body, info);
    }
    const auto& failure = std::get<ApiError>(reply);
    const auto decision = is_conflict(failure) ? policy.next(failure, std::nullopt) : RetryDecision{};
    if (decision.action != RetryAction::kRereadAndRetry) {
      return failure;
    }
    impl_->sleep(decision.delay);
    // retry.RetryOnConflict: read the current object and apply the same change to it.
    auto fresh = get_scale(target);
    if (const auto* read_failure = std::get_if<ApiError>(&fresh)) {
      return *read_failure;
    }
    desired.resource_version = std::get<Scale>(fresh).resource_version;
  }
}

ApiResult<PodList> KubeClient::list_pods(std::string_view namespace_name, std::string_view label_selector) {
  const RequestInfo info{"list", "", "pods", "", "", std::string(namespace_name)};
  if (!valid_segment(namespace_name)) {
    return invalid_answer("namespace \"" + std::string(namespace_name) + "\" is not a valid path segment", info);
  }
  constexpr std::size_t kMaxPages = 100'000;  // a server that never ends its continue chain
  PodList list;
  std::string continue_token;
  auto policy = impl_->new_policy();
  do {
    detail::HttpRequest request{"GET", "/api/v1/namespaces/" + std::string(namespace_name) + "/pods"};
    if (!label_selector.empty()) {
      request.query.emplace_back("labelSelector", std::string(label_selector));
    }
    if (impl_->options.page_limit > 0) {
      request.query.emplace_back("limit", std::to_string(impl_->options.page_limit));
    }
    if (!continue_token.empty()) {
      request.query.emplace_back("continue", continue_token);
    }
    auto reply = impl_->execute(request, info, policy);
    if (const auto* failure = std::get_if<ApiError>(&reply)) {
      return *failure;
    }
    ++list.pages;
    const auto document = detail::parse_bounded_json(std::get<detail::HttpReply>(reply).body);
    if (!document || !document->is_object() || !document->contains("items") || !(*document)["items"].is_array()) {
      return invalid_answer("the answer is not a PodList", info);
    }
    for (const auto& item : (*document)["items"]) {
      const json empty = json::object();
      const json& metadata = item.is_object() && item.contains("metadata") ? item["metadata"] : empty;
      list.pods.push_back(Pod{string_at(metadata, "name"), string_at(metadata, "namespace"), item});
    }
    continue_token.clear();
    if (const auto metadata = document->find("metadata"); metadata != document->end() && metadata->is_object()) {
      continue_token = string_at(*metadata, "continue");
    }
    if (list.pages >= kMaxPages && !continue_token.empty()) {
      return invalid_answer("the pod list did not end after " + std::to_string(kMaxPages) + " pages", info);
    }
  } while (!continue_token.empty());
  return list;
}

}  // namespace hpad::kube
