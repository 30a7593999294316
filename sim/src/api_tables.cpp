// Server-side printing for `kubectl get`: when a GET asks for `as=Table` (kubectl's Accept
// header) and answers a Pod, Deployment or a list of them, the answer becomes a meta.k8s.io/v1
// Table with the columns a real API server prints (pods: NAME READY STATUS RESTARTS AGE;
// deployments: NAME READY UP-TO-DATE AVAILABLE AGE). Anything else is answered as is, which
// kubectl prints as NAME and AGE.
#include <ctime>

#include "state.h"

namespace hpad::sim {
namespace {

std::string age(const Json& metadata, TimePoint now) {
  std::tm created{};
  const std::string text = metadata.value("creationTimestamp", "");
  if (strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &created) == nullptr) {
    return "<unknown>";
  }
  const auto seconds = std::max<std::int64_t>(0, std::chrono::system_clock::to_time_t(now) - timegm(&created));
  if (seconds < 120) {
    return std::to_string(seconds) + "s";
  }
  if (seconds < 600) {
    return std::to_string(seconds / 60) + "m" + std::to_string(seconds % 60) + "s";
  }
  if (seconds < 3 * 3600) {
    return std::to_string(seconds / 60) + "m";
  }
  return std::to_string(seconds / 3600) + "h";
}

Json column(const std::string& name, const std::string& type, const std::string& format = "") {
  return {{"name", name}, {"type", type}, {"format", format}, {"description", ""}, {"priority", 0}};
}

Json pod_cells(const Json& pod, TimePoint now) {
  const auto& statuses = pod["status"].value("containerStatuses", Json::array());
  int ready = 0;
  for (const auto& status : statuses) {
    ready += status.value("ready", false) ? 1 : 0;
  }
  const auto containers = pod["spec"].value("containers", Json::array()).size();
  const std::string status =
      pod["metadata"].contains("deletionTimestamp") ? "Terminating" : pod["status"].value("phase", "");
  return {pod["metadata"]["name"], std::to_string(ready) + "/" + std::to_string(containers), status, 0,
          age(pod["metadata"], now)};
}

Json deployment_cells(const Json& deployment, TimePoint now) {
  const auto& status = deployment["status"];
  return {deployment["metadata"]["name"],
          std::to_string(status.value("readyReplicas", std::int64_t{0})) + "/" +
              std::to_string(deployment["spec"].value("replicas", std::int64_t{1})),
          status.value("updatedReplicas", std::int64_t{0}), status.value("availableReplicas", std::int64_t{0}),
          age(deployment["metadata"], now)};
}

}  // namespace

bool wants_table(const ApiRequest& request) {
  const auto accept = request.headers.find("accept");
  return request.method == "GET" && accept != request.headers.end() &&
         accept->second.find("as=Table") != std::string::npos;
}

ApiResponse as_table(ApiResponse response, TimePoint now) {
  if (response.status != 200 || !response.body.is_object()) {
    return response;
  }
  const std::string kind = response.body.value("kind", "");
  const bool pods = kind == "Pod" || kind == "PodList";
  if (!pods && kind != "Deployment" && kind != "DeploymentList") {
    return response;
  }
  const bool list = kind.ends_with("List");
  Json table = {{"kind", "Table"}, {"apiVersion", "meta.k8s.io/v1"}, {"metadata", Json::object()}};
  if (list) {
    table["metadata"] = response.body["metadata"];
  } else {
    table["metadata"]["resourceVersion"] = response.body["metadata"]["resourceVersion"];
  }
  table["columnDefinitions"] =
      pods ? Json::array({column("Name", "string", "name"), column("Ready", "string"), column("Status", "string"),
                          column("Restarts", "integer"), column("Age", "string")})
           : Json::array({column("Name", "string", "name"), column("Ready", "string"), column("Up-to-date", "integer"),
                          column("Available", "integer"), column("Age", "string")});
  Json rows = Json::array();
  const Json items = list ? response.body["items"] : Json::array({response.body});
  for (const auto& item : items) {
    Json partial = {
        {"kind", "PartialObjectMetadata"}, {"apiVersion", "meta.k8s.io/v1"}, {"metadata", item["metadata"]}};
    rows.push_back({{"cells", pods ? pod_cells(item, now) : deployment_cells(item, now)}, {"object", partial}});
  }
  table["rows"] = std::move(rows);
  response.body = std::move(table);
  return response;
}

}  // namespace hpad::sim
