// KubeClient's Events (events.k8s.io/v1, falling back to core v1 once that API answers 404, as
// client-go's event broadcaster does for clusters without the new API) and coordination.k8s.io/v1
// Leases (the LeaseClient of the leader election loop).
#include <chrono>

#include "client_impl.h"
#include "hpad/kube/client.h"
#include "json_guard.h"

namespace hpad::kube {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxNoteBytes = 1024;  // events.k8s.io/v1 rejects a longer note

// "<regarding name>.<hex nanoseconds>", as client-go's recorder names events.
std::string event_name(const EventSpec& event, WallTime now) {
  char suffix[24];
  std::snprintf(suffix, sizeof suffix, ".%llx",
                static_cast<unsigned long long>(
                    std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count()));
  return event.regarding.name + suffix;
}

json object_reference(const EventSpec& event) {
  json reference{{"apiVersion", event.regarding.api_version},
                 {"kind", event.regarding.kind},
                 {"name", event.regarding.name},
                 {"namespace", event.namespace_name}};
  if (!event.regarding.uid.empty()) {
    reference["uid"] = event.regarding.uid;
  }
  return reference;
}

std::string cut_note(const std::string& note) {
  if (note.size() <= kMaxNoteBytes) {
    return note;
  }
  std::size_t end = kMaxNoteBytes;
  while (end > 0 && (static_cast<unsigned char>(note[end]) & 0xC0) == 0x80) {
    --end;  // do not cut a UTF-8 sequence in half
  }
  return note.substr(0, end);
}

json events_v1_body(const EventSpec& event, const std::string& name, WallTime now) {
  return {{"apiVersion", "events.k8s.io/v1"},
          {"kind", "Event"},
          {"metadata", {{"name", name}, {"namespace", event.namespace_name}}},
          {"eventTime", format_micro_time(now)},
          {"reportingController", event.reporting_controller},
          {"reportingInstance", event.reporting_instance},
          {"action", event.action},
          {"reason", event.reason},
          {"note", cut_note(event.note)},
          {"type", event.type},
          {"regarding", object_reference(event)}};
}

json core_v1_body(const EventSpec& event, const std::string& name, WallTime now) {
  // Core v1 timestamps are whole seconds (metav1.Time).
  const std::string stamp = format_micro_time(std::chrono::floor<std::chrono::seconds>(now)).substr(0, 19) + "Z";
  return {{"apiVersion", "v1"},
          {"kind", "Event"},
          {"metadata", {{"name", name}, {"namespace", event.namespace_name}}},
          {"involvedObject", object_reference(event)},
          {"reason", event.reason},
          {"message", cut_note(event.note)},
          {"type", event.type},
          {"source", {{"component", event.reporting_controller}}},
          {"firstTimestamp", stamp},
          {"lastTimestamp", stamp},
          {"count", 1},
          {"action", event.action},
          {"reportingComponent", event.reporting_controller},
          {"reportingInstance", event.reporting_instance}};
}

std::string leases_path(std::string_view namespace_name) {
  return "/apis/coordination.k8s.io/v1/namespaces/" + std::string(namespace_name) + "/leases";
}

bool valid_segment(std::string_view segment) {
  return !segment.empty() && segment != "." && segment != ".." && segment.find('/') == std::string_view::npos;
}

ApiResult<LeaseRecord> parse_lease(const std::string& body, const RequestInfo& info) {
  const auto document = detail::parse_bounded_json(body);
  if (!document) {
    return invalid_answer("the answer is not JSON", info);
  }
  auto record = lease_from_json(*document);
  if (!ok(record)) {
    return invalid_answer(error(record).message, info);
  }
  return value(record);
}

}  // namespace

ApiResult<CreatedEvent> KubeClient::create_event(const EventSpec& event) {
  RequestInfo info{"create", "events.k8s.io", "events", "", "", event.namespace_name};
  if (!valid_segment(event.namespace_name)) {
    return invalid_answer("namespace \"" + event.namespace_name + "\" is not a valid path segment", info);
  }
  const auto now = std::chrono::system_clock::now();
  const std::string name = event_name(event, now);
  auto policy = impl_->new_policy();
  if (!impl_->core_v1_events.load()) {
    auto reply = impl_->execute({"POST",
                                 "/apis/events.k8s.io/v1/namespaces/" + event.namespace_name + "/events",
                                 {},
                                 events_v1_body(event, name, now).dump(),
                                 "application/json"},
                                info, policy);
    if (std::holds_alternative<detail::HttpReply>(reply)) {
      return CreatedEvent{"events.k8s.io/v1", name};
    }
    if (!is_not_found(std::get<ApiError>(reply))) {
      return std::get<ApiError>(reply);
    }
    impl_->core_v1_events.store(true);  // this server does not serve events.k8s.io/v1
  }
  info.group = "";
  auto reply = impl_->execute({"POST",
                               "/api/v1/namespaces/" + event.namespace_name + "/events",
                               {},
                               core_v1_body(event, name, now).dump(),
                               "application/json"},
                              info, policy);
  if (const auto* failure = std::get_if<ApiError>(&reply)) {
    return *failure;
  }
  return CreatedEvent{"v1", name};
}

namespace {

// Lease calls make one attempt for server and transport errors (see client.h).
RetryLimits single_attempt(RetryLimits limits) {
  limits.server_error.steps = 1;
  limits.max_retry_after_waits = 0;
  return limits;
}

}  // namespace

ApiResult<LeaseRecord> KubeClient::get_lease(std::string_view namespace_name, std::string_view name) {
  const RequestInfo info{"get", "coordination.k8s.io", "leases", "", std::string(name), std::string(namespace_name)};
  if (!valid_segment(namespace_name) || !valid_segment(name)) {
    return invalid_answer("lease namespace and name must be valid path segments", info);
  }
  auto policy = impl_->new_policy(single_attempt(impl_->options.retry));
  auto reply = impl_->execute({"GET", leases_path(namespace_name) + "/" + std::string(name)}, info, policy);
  if (const auto* failure = std::get_if<ApiError>(&reply)) {
    return *failure;
  }
  return parse_lease(std::get<detail::HttpReply>(reply).body, info);
}

ApiResult<LeaseRecord> KubeClient::create_lease(std::string_view namespace_name, std::string_view name,
                                                const LeaseRecord& record) {
  const RequestInfo info{"create", "coordination.k8s.io", "leases", "", std::string(name), std::string(namespace_name)};
  if (!valid_segment(namespace_name) || !valid_segment(name)) {
    return invalid_answer("lease namespace and name must be valid path segments", info);
  }
  LeaseRecord fresh = record;
  fresh.resource_version.clear();  // a create must not carry one
  auto policy = impl_->new_policy(single_attempt(impl_->options.retry));
  auto reply = impl_->execute(
      {"POST", leases_path(namespace_name), {}, lease_to_json(fresh, name, namespace_name).dump(), "application/json"},
      info, policy);
  if (const auto* failure = std::get_if<ApiError>(&reply)) {
    return *failure;
  }
  return parse_lease(std::get<detail::HttpReply>(reply).body, info);
}

ApiResult<LeaseRecord> KubeClient::update_lease(std::string_view namespace_name, std::string_view name,
                                                const LeaseRecord& record) {
  const RequestInfo info{"update", "coordination.k8s.io", "leases", "", std::string(name), std::string(namespace_name)};
  if (!valid_segment(namespace_name) || !valid_segment(name)) {
    return invalid_answer("lease namespace and name must be valid path segments", info);
  }
  auto policy = impl_->new_policy(single_attempt(impl_->options.retry));
  auto reply = impl_->execute({"PUT",
                               leases_path(namespace_name) + "/" + std::string(name),
                               {},
                               lease_to_json(record, name, namespace_name).dump(),
                               "application/json"},
                              info, policy);
  if (const auto* failure = std::get_if<ApiError>(&reply)) {
    return *failure;
  }
  return parse_lease(std::get<detail::HttpReply>(reply).body, info);
}

}  // namespace hpad::kube
