// Shared pieces of Kubernetes objects: timestamps, uids, resourceVersions, merge patch, and the
// Status bodies that every error carries (kind Status, apiVersion v1, code = HTTP status).
#include <ctime>
#include <iomanip>
#include <sstream>

#include "state.h"

namespace hpad::sim {
namespace {

constexpr int kMaxBodyDepth = 64;

// Deepest [ / { nesting outside strings; bodies deeper than kMaxBodyDepth are refused before
// nlohmann's recursive code sees them.
int nesting_depth(std::string_view text) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

std::string format_time(TimePoint time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::string new_uid(State& state) {
  std::uniform_int_distribution<std::uint64_t> any;
  const std::uint64_t high = any(state.names_rng), low = any(state.names_rng) ^ ++state.uid_counter;
  std::ostringstream out;
  out << std::hex << std::setfill('0') << std::setw(8) << (high >> 32) << '-' << std::setw(4) << ((high >> 16) & 0xffff)
      << '-' << std::setw(4) << (high & 0xffff) << '-' << std::setw(4) << (low >> 48) << '-' << std::setw(12)
      << (low & 0xffffffffffffULL);
  return out.str();
}

std::int64_t stamp(State& state, Json& object) {
  ++state.resource_version;
  object["metadata"]["resourceVersion"] = std::to_string(state.resource_version);
  return state.resource_version;
}

void init_metadata(State& state, Json& object, const std::string& namespace_name, TimePoint now) {
  auto& metadata = object["metadata"];
  metadata["namespace"] = namespace_name;
  metadata["uid"] = new_uid(state);
  metadata["creationTimestamp"] = format_time(now);
  stamp(state, object);
}

std::string key_of(const std::string& namespace_name, const std::string& name) {
  return namespace_name + "/" + name;
}

std::map<std::string, std::string> labels_of(const Json& object) {
  std::map<std::string, std::string> labels;
  const auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) {
    return labels;
  }
  const auto found = metadata->find("labels");
  if (found == metadata->end() || !found->is_object()) {
    return labels;
  }
  for (const auto& [key, value] : found->items()) {
    if (value.is_string()) {
      labels[key] = value.get<std::string>();
    }
  }
  return labels;
}

void merge_patch(Json& target, const Json& patch) {
  if (!patch.is_object()) {
    target = patch;
    return;
  }
  if (!target.is_object()) {
    target = Json::object();
  }
  for (const auto& [key, value] : patch.items()) {
    if (value.is_null()) {
      target.erase(key);
    } else {
      merge_patch(target[key], value);
    }
  }
}

std::optional<Json> parse_body(std::string_view text) {
  if (nesting_depth(text) > kMaxBodyDepth) {
    return std::nullopt;
  }
  auto parsed = Json::parse(text, nullptr, false);
  if (parsed.is_discarded()) {
    return std::nullopt;
  }
  return parsed;
}

ApiResponse status_error(int code, const std::string& reason, const std::string& message, Json details) {
  ApiResponse response;
  response.status = code;
  response.body = {{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", Json::object()},
                   {"status", "Failure"}, {"message", message}, {"reason", reason},
                   {"code", code}};
  if (!details.is_null()) {
    response.body["details"] = std::move(details);
  }
  return response;
}

namespace {
Json details_of(const std::string& resource, const std::string& name, const std::string& group) {
  Json details = {{"name", name}, {"kind", resource}};
  if (!group.empty()) {
    details["group"] = group;
  }
  return details;
}
std::string qualified(const std::string& resource, const std::string& group) {
  return group.empty() ? resource : resource + "." + group;
}
}  // namespace

ApiResponse not_found(const std::string& resource, const std::string& name, const std::string& group) {
  return status_error(404, "NotFound", qualified(resource, group) + " \"" + name + "\" not found",
                      details_of(resource, name, group));
}

ApiResponse conflict(const std::string& resource, const std::string& name, const std::string& group,
                     const std::string& why) {
  return status_error(409, "Conflict",
                      "Operation cannot be fulfilled on " + qualified(resource, group) + " \"" + name + "\": " + why,
                      details_of(resource, name, group));
}

ApiResponse invalid(const std::string& kind, const std::string& name, const std::string& message,
                    const std::string& group) {
  Json details = {{"name", name}, {"kind", kind}, {"causes", Json::array({{{"message", message}}})}};
  if (!group.empty()) {
    details["group"] = group;
  }
  return status_error(422, "Invalid",
                      kind + (group.empty() ? "" : "." + group) + " \"" + name + "\" is invalid: " + message, details);
}

ApiResponse ok(Json body, int status) {
  ApiResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

bool version_matches(const Json& sent, const Json& stored) {
  const auto metadata = sent.find("metadata");
  if (metadata == sent.end() || !metadata->is_object()) {
    return true;
  }
  const auto version = metadata->find("resourceVersion");
  if (version == metadata->end() || version->is_null() ||
      (version->is_string() && version->get<std::string>().empty())) {
    return true;
  }
  const auto stored_metadata = stored.find("metadata");
  return stored_metadata != stored.end() && version->is_string() &&
         version->get<std::string>() == stored_metadata->value("resourceVersion", std::string());
}

void ensure_namespace(State& state, const std::string& name, TimePoint now) {
  state.namespaces.try_emplace(name, now);
}

}  // namespace hpad::sim
