// Internal: reading a core/v1 Pod (see input_values.h). Only the fields decide() reads are looked
// at; everything else in a Pod, at any depth, is skipped unread, so the output of
// `kubectl get pods -o json` is accepted as it is.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "input_values.h"

namespace hpad::policies::detail {
namespace {

// Go's zero time.Time: what Kubernetes gives an unset lastTransitionTime.
constexpr Time kGoZeroTime{-62'135'596'800, 0};

// containers, or initContainers (only those with restartPolicy Always are kept).
void read_containers(Reader& r, const Fields& spec, std::string_view key, std::vector<ContainerRequests>& out) {
  const YamlNode* node = spec.get(key);
  const std::string path = join_path(spec.path, key);
  const auto* items = node == nullptr ? nullptr : r.sequence(*node, path);
  for (std::size_t i = 0; items != nullptr && i < items->size(); ++i) {
    const Fields c = r.open_fields((*items)[i], index_path(path, i));
    if (key == "initContainers" && r.string(c, "restartPolicy", false).value_or("") != "Always") {
      continue;
    }
    ContainerRequests& container = out.emplace_back();
    container.name = r.string(c, "name", true).value_or("");
    const YamlNode* resources = c.get("resources");
    const Fields res = resources == nullptr ? Fields{} : r.open_fields(*resources, join_path(c.path, "resources"));
    const YamlNode* requests = res.get("requests");
    if (requests == nullptr) {
      continue;
    }
    const Fields req = r.open_fields(*requests, join_path(res.path, "requests"));
    for (const auto& [resource, unused] : req.by_key) {
      if (const auto quantity = r.quantity(req, resource, false)) {
        container.requests_milli[resource] = quantity->milli_value();
      }
    }
  }
}

void read_pod_status(Reader& r, const YamlNode& node, const std::string& path, PodInfo& pod) {
  const Fields s = r.open_fields(node, path);
  if (const auto phase = r.string(s, "phase", false)) {
    static constexpr std::pair<std::string_view, PodPhase> kPhases[] = {{"Pending", PodPhase::kPending},
                                                                        {"Running", PodPhase::kRunning},
                                                                        {"Succeeded", PodPhase::kSucceeded},
                                                                        {"Failed", PodPhase::kFailed}};
    for (const auto& [name, value] : kPhases) {
      pod.phase = name == *phase ? value : pod.phase;
    }
  }
  pod.start_time = read_time(r, s, "startTime", false);
  const YamlNode* conditions = s.get("conditions");
  const std::string conditions_path = join_path(path, "conditions");
  const auto* items = conditions == nullptr ? nullptr : r.sequence(*conditions, conditions_path);
  for (std::size_t i = 0; items != nullptr && i < items->size() && !pod.ready; ++i) {
    const Fields c = r.open_fields((*items)[i], index_path(conditions_path, i));
    if (r.string(c, "type", false).value_or("") != "Ready") {
      continue;
    }
    if (const auto status = r.one_of(c, "status", true, {"True", "False", "Unknown"})) {
      pod.ready = static_cast<ConditionStatus>(*status);
    }
    pod.ready_last_transition = read_time(r, c, "lastTransitionTime", false).value_or(kGoZeroTime);
  }
}

}  // namespace

void read_pod(Reader& r, const YamlNode& node, const std::string& path, PodInfo& pod) {
  const Fields f = r.open_fields(node, path);
  if (const YamlNode* metadata = r.required(f, "metadata")) {
    const Fields m = r.open_fields(*metadata, join_path(path, "metadata"));
    pod.name = r.string(m, "name", true).value_or("");
    pod.deleting = m.get("deletionTimestamp") != nullptr;
  }
  if (const YamlNode* spec = f.get("spec")) {
    const Fields s = r.open_fields(*spec, join_path(path, "spec"));
    read_containers(r, s, "containers", pod.containers);
    read_containers(r, s, "initContainers", pod.restartable_init_containers);
  }
  pod.phase = PodPhase::kUnknown;
  if (const YamlNode* status = f.get("status")) {
    read_pod_status(r, *status, join_path(path, "status"), pod);
  }
}

}  // namespace hpad::policies::detail
