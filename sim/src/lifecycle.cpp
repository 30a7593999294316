// Pods follow their Deployment, as a ReplicaSet controller and kubelets would: a pod is created
// Pending, turns Running at half its startup delay and Ready at the full delay; scale-down marks
// pods (unready first, then the newest) with a deletionTimestamp, and they vanish when their grace
// period ends. Deployment status counts the pods that are not terminating.
// Work bound: reconcile is O(deployments × pods) per call.
#include <algorithm>
#include <cmath>

#include "state.h"

namespace hpad::sim {
namespace {

using std::chrono::duration;
using std::chrono::duration_cast;

TimePoint after(TimePoint start, double seconds) {
  return start + duration_cast<TimePoint::duration>(duration<double>(seconds));
}

// Kubernetes' rand.SafeEncodeString alphabet: no vowels, no look-alike digits.
constexpr std::string_view kAlphabet = "bcdfghjklmnpqrstvwxz2456789";

std::string template_hash(const Json& deployment) {
  std::uint64_t hash = 14695981039346656037ULL;  // FNV-1a
  for (char c : deployment["spec"]["template"].dump()) {
    hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  }
  std::string text;
  for (int i = 0; i < 10; ++i) {
    text += kAlphabet[hash % kAlphabet.size()];
    hash /= kAlphabet.size();
  }
  return text;
}

std::string random_suffix(State& state) {
  std::uniform_int_distribution<std::size_t> pick(0, kAlphabet.size() - 1);
  std::string text;
  for (int i = 0; i < 5; ++i) {
    text += kAlphabet[pick(state.names_rng)];
  }
  return text;
}

void create_pod(State& state, const std::string& deployment_key, DeploymentRecord& record, TimePoint now) {
  const auto& deployment = record.object;
  const std::string namespace_name = deployment["metadata"]["namespace"];
  const std::string deployment_name = deployment["metadata"]["name"];
  const std::string hash = template_hash(deployment);
  std::string name;
  do {
    name = deployment_name + "-" + hash + "-" + random_suffix(state);
  } while (state.pods.contains(key_of(namespace_name, name)));

  const auto& pod_template = deployment["spec"]["template"];
  Json labels =
      pod_template.contains("metadata") ? pod_template["metadata"].value("labels", Json::object()) : Json::object();
  labels["pod-template-hash"] = hash;
  Json pod = {
      {"apiVersion", "v1"},
      {"kind", "Pod"},
      {"metadata",
       {{"name", name},
        {"generateName", deployment_name + "-" + hash + "-"},
        {"labels", labels},
        {"ownerReferences", Json::array({{{"apiVersion", "apps/v1"},
                                          {"kind", "ReplicaSet"},
                                          {"name", deployment_name + "-" + hash},
                                          {"uid", deployment["metadata"]["uid"]},
                                          {"controller", true},
                                          {"blockOwnerDeletion", true}}})}}},
      {"spec", pod_template.value("spec", Json::object())},
      {"status",
       {{"phase", "Pending"},
        {"qosClass", "Burstable"},
        {"conditions",
         Json::array({{{"type", "PodScheduled"}, {"status", "True"}, {"lastTransitionTime", format_time(now)}}})}}}};
  pod["spec"]["nodeName"] = "kubesim-node";
  pod["spec"]["terminationGracePeriodSeconds"] =
      static_cast<std::int64_t>(std::ceil(record.behaviour.termination_grace_seconds));
  init_metadata(state, pod, namespace_name, now);

  PodRecord pod_record;
  pod_record.object = std::move(pod);
  pod_record.deployment = deployment_key;
  pod_record.created = now;
  pod_record.grace_seconds = record.behaviour.termination_grace_seconds;
  pod_record.running_at = after(now, record.behaviour.startup_delay_seconds / 2);
  pod_record.ready_at = after(now, record.behaviour.startup_delay_seconds);
  state.pods.emplace(key_of(namespace_name, name), std::move(pod_record));
}

Json container_statuses(const PodRecord& pod, bool ready, TimePoint started) {
  Json statuses = Json::array();
  for (const auto& container : pod.object["spec"].value("containers", Json::array())) {
    statuses.push_back({{"name", container.value("name", "app")},
                        {"image", container.value("image", "")},
                        {"ready", ready},
                        {"started", true},
                        {"restartCount", 0},
                        {"state", {{"running", {{"startedAt", format_time(started)}}}}}});
  }
  return statuses;
}

void set_condition(Json& pod, const std::string& type, bool value, TimePoint now) {
  auto& conditions = pod["status"]["conditions"];
  const std::string status = value ? "True" : "False";
  for (auto& condition : conditions) {
    if (condition["type"] == type) {
      if (condition["status"] != status) {
        condition["status"] = status;
        condition["lastTransitionTime"] = format_time(now);
      }
      return;
    }
  }
  conditions.push_back({{"type", type}, {"status", status}, {"lastTransitionTime", format_time(now)}});
}

void advance_pod(State& state, PodRecord& pod, TimePoint now) {
  if (pod.terminating()) {
    return;
  }
  if (!pod.running && now >= pod.running_at) {
    pod.running = true;
    auto& status = pod.object["status"];
    status["phase"] = "Running";
    status["startTime"] = format_time(pod.running_at);
    status["hostIP"] = "10.0.0.1";
    status["podIP"] =
        "10.1." + std::to_string(state.uid_counter % 250) + "." + std::to_string(state.resource_version % 250);
    status["containerStatuses"] = container_statuses(pod, false, pod.running_at);
    set_condition(pod.object, "Initialized", true, pod.running_at);
    set_condition(pod.object, "ContainersReady", false, pod.running_at);
    set_condition(pod.object, "Ready", false, pod.running_at);
    stamp(state, pod.object);
  }
  if (pod.running && !pod.ready && now >= pod.ready_at) {
    pod.ready = true;
    pod.object["status"]["containerStatuses"] = container_statuses(pod, true, pod.running_at);
    set_condition(pod.object, "ContainersReady", true, pod.ready_at);
    set_condition(pod.object, "Ready", true, pod.ready_at);
    stamp(state, pod.object);
  }
}

void terminate_pod(State& state, PodRecord& pod, double grace_seconds, TimePoint now) {
  pod.delete_at = after(now, grace_seconds);
  auto& metadata = pod.object["metadata"];
  metadata["deletionTimestamp"] = format_time(*pod.delete_at);
  metadata["deletionGracePeriodSeconds"] = static_cast<std::int64_t>(std::ceil(grace_seconds));
  if (pod.running) {
    pod.object["status"]["containerStatuses"] = container_statuses(pod, false, pod.running_at);
    set_condition(pod.object, "ContainersReady", false, now);
    set_condition(pod.object, "Ready", false, now);
  }
  stamp(state, pod.object);
}

// Unready pods go first, then the newest, as the ReplicaSet controller's ranking does.
bool delete_before(const PodRecord* a, const PodRecord* b) {
  if (a->ready != b->ready) {
    return !a->ready;
  }
  if (a->running != b->running) {
    return !a->running;
  }
  if (a->created != b->created) {
    return a->created > b->created;
  }
  return a->object["metadata"]["name"] > b->object["metadata"]["name"];
}

void scale(State& state, const std::string& key, DeploymentRecord& record, TimePoint now) {
  std::vector<PodRecord*> live;
  for (auto& [pod_key, pod] : state.pods) {
    if (pod.deployment == key && !pod.terminating()) {
      live.push_back(&pod);
    }
  }
  const auto desired = record.object["spec"].value("replicas", std::int64_t{1});
  for (auto count = static_cast<std::int64_t>(live.size()); count < desired; ++count) {
    create_pod(state, key, record, now);
  }
  if (static_cast<std::int64_t>(live.size()) > desired) {
    std::sort(live.begin(), live.end(), delete_before);
    const auto surplus = static_cast<std::size_t>(static_cast<std::int64_t>(live.size()) - desired);
    for (std::size_t i = 0; i < surplus; ++i) {
      terminate_pod(state, *live[i], record.behaviour.termination_grace_seconds, now);
    }
  }
}

void update_status(State& state, const std::string& key, DeploymentRecord& record) {
  std::int64_t replicas = 0, ready = 0;
  for (const auto& [pod_key, pod] : state.pods) {
    if (pod.deployment == key && !pod.terminating()) {
      ++replicas;
      ready += pod.ready ? 1 : 0;
    }
  }
  const auto desired = record.object["spec"].value("replicas", std::int64_t{1});
  Json status = {{"observedGeneration", record.object["metadata"].value("generation", std::int64_t{1})},
                 {"replicas", replicas},
                 {"updatedReplicas", replicas},
                 {"readyReplicas", ready},
                 {"availableReplicas", ready}};
  if (desired > ready) {
    status["unavailableReplicas"] = desired - ready;
  }
  if (record.object["status"] != status) {
    record.object["status"] = std::move(status);
    stamp(state, record.object);
  }
}

}  // namespace

DeploymentRecord make_deployment(State& state, const DeploymentConfig& config, TimePoint now) {
  Json labels = config.labels;
  Json container = {{"name", config.name}, {"image", config.image}, {"resources", Json::object()}};
  if (!config.requests.empty()) {
    container["resources"]["requests"] = config.requests;
  }
  if (!config.limits.empty()) {
    container["resources"]["limits"] = config.limits;
  }
  DeploymentRecord record;
  record.object = {
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata", {{"name", config.name}, {"generation", 1}, {"labels", labels}}},
      {"spec",
       {{"replicas", config.replicas},
        {"selector", {{"matchLabels", labels}}},
        {"template", {{"metadata", {{"labels", labels}}}, {"spec", {{"containers", Json::array({container})}}}}},
        {"strategy", {{"type", "RollingUpdate"}, {"rollingUpdate", {{"maxSurge", "25%"}, {"maxUnavailable", "25%"}}}}},
        {"revisionHistoryLimit", 10},
        {"progressDeadlineSeconds", 600}}},
      {"status", Json::object()}};
  init_metadata(state, record.object, config.namespace_name, now);
  record.behaviour =
      Behaviour{config.startup_delay_seconds, config.termination_grace_seconds, config.load,
                config.capacity_per_pod,      config.cpu_per_request,           config.base_latency_seconds};
  record.load_epoch = now;
  return record;
}

void reconcile(State& state, TimePoint now) {
  std::erase_if(state.pods,
                [&](const auto& entry) { return entry.second.delete_at && *entry.second.delete_at <= now; });
  for (auto& [pod_key, pod] : state.pods) {
    if (!pod.terminating() && !state.deployments.contains(pod.deployment)) {
      terminate_pod(state, pod, pod.grace_seconds, now);  // its deployment was deleted
    }
  }
  for (auto& [key, record] : state.deployments) {
    scale(state, key, record, now);
  }
  for (auto& [pod_key, pod] : state.pods) {
    advance_pod(state, pod, now);
  }
  for (auto& [key, record] : state.deployments) {
    update_status(state, key, record);
  }
}

std::string selector_string(const Json& deployment) {
  std::string text;
  const auto& selector = deployment["spec"]["selector"];
  const Json match_labels = selector.value("matchLabels", Json::object());  // items() must not outlive it
  for (const auto& [key, value] : match_labels.items()) {
    text += (text.empty() ? "" : ",") + key + "=" + value.get<std::string>();
  }
  for (const auto& expression : selector.value("matchExpressions", Json::array())) {
    std::string op = expression.value("operator", "");
    std::string key = expression.value("key", "");
    std::string part;
    if (op == "Exists") {
      part = key;
    } else if (op == "DoesNotExist") {
      part = "!" + key;
    } else {
      std::string values;
      for (const auto& value : expression.value("values", Json::array())) {
        values += (values.empty() ? "" : ",") + value.get<std::string>();
      }
      part = key + (op == "NotIn" ? " notin (" : " in (") + values + ")";
    }
    text += (text.empty() ? "" : ",") + part;
  }
  return text;
}

}  // namespace hpad::sim
