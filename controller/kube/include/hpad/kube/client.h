// KubeClient: hpad's Kubernetes API client over HTTP(S) (cpprestsdk http_client), built on the pure
// core of hpad::kube: a Connection (kubeconfig or in-cluster), TokenSource (bearer token re-read on
// rotation and once after a 401), TokenBucketRateLimiter (QPS/burst), RetryPolicy (429 Retry-After,
// 5xx/transport backoff with jitter, 409 re-read) and parse_api_error (Status bodies).
// Thread-safe: any number of hpad threads may call it at once. Calls block the calling thread
// (rate limit waits, backoff sleeps, the HTTP exchange); never call it from a cpprestsdk pool
// thread (a continuation or listener handler), which it would deadlock on a small pool.
// Invariants: nothing throws out of it; every failure is an ApiError value (http_status 0 and
// reason "Timeout" or "TransportError" when no answer came, "InvalidResponse" for an answer of the
// wrong shape); no message, log or observer call carries a token, password or private key; every
// operation makes a bounded number of attempts (RetryLimits). The observer is called from the calling threads, so it
// must be thread-safe. Not supported: Connection::tls_server_name (cpprestsdk verifies the certificate against the
// server URL's host) and watch. Credentials are sent over http:// too (the sim speaks plain HTTP).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hpad/kube/backoff.h"
#include "hpad/kube/kubeconfig.h"
#include "hpad/kube/lease_client.h"
#include "hpad/kube/scale_target.h"
#include "hpad/kube/status.h"

namespace hpad::kube {

// Called once per HTTP attempt with the Kubernetes verb ("get", "list", "patch", "update",
// "create") and the HTTP status code, 0 when no answer came (hpad_kube_requests_total).
using RequestObserver = std::function<void(std::string_view verb, int code)>;

struct ClientOptions {
  double qps = 20.0;  // client-go's TokenBucketRateLimiter; <= 0: no limit
  int burst = 30;
  std::chrono::milliseconds timeout{10'000};  // per HTTP attempt
  RetryLimits retry{};
  std::uint64_t seed = 1;  // of the backoff jitter (one RetryPolicy per call, seeded seed + n)
  RequestObserver observer{};
  std::int64_t page_limit = 500;  // list_pods' limit per page
  std::string user_agent = "hpad";
};

// What to scale: an HPA's scaleTargetRef and the namespace of the HPA.
struct ScaleTarget {
  std::string namespace_name;
  ScaleTargetRef ref;
};

// An autoscaling/v1 Scale.
struct Scale {
  std::string namespace_name{};
  std::string name{};
  std::int32_t spec_replicas = 0;
  std::int32_t status_replicas = 0;
  std::string selector{};          // status.selector, "app=web" ("" if the server set none)
  std::string resource_version{};  // metadata.resourceVersion
};

struct Pod {
  std::string name;
  std::string namespace_name;
  nlohmann::json raw;  // the whole Pod object as the server sent it
};

struct PodList {
  std::vector<Pod> pods;  // every page joined, in the server's order
  std::size_t pages = 0;  // how many requests it took
};

// The object an Event is about (an ObjectReference).
struct EventRegarding {
  std::string api_version;  // "apps/v1"
  std::string kind;         // "Deployment"
  std::string name;
  std::string uid{};
};

struct EventSpec {
  std::string namespace_name;
  EventRegarding regarding;
  std::string type = "Normal";  // or "Warning"
  std::string reason;           // "SuccessfulRescale", "FailedRescale", "FailedGetScale", ...
  std::string action;           // "Scale"
  std::string note;             // human-readable, at most 1 KiB is sent (the API's limit)
  std::string reporting_controller = "hpad";
  std::string reporting_instance{};  // pod name
};

struct CreatedEvent {
  std::string api_version;  // "events.k8s.io/v1", or "v1" after the fallback
  std::string name;
};

class KubeClient final : public LeaseClient {
 public:
  explicit KubeClient(Connection connection, ClientOptions options = {});
  ~KubeClient() override;
  KubeClient(const KubeClient&) = delete;
  KubeClient& operator=(const KubeClient&) = delete;

  // The scale resource of `ref`: built-in kinds statically, others through discovery (GET
  // /apis/<group>/<version>, remembered per apiVersion and kind once found).
  ApiResult<ScaleResource> resolve(const ScaleTargetRef& ref);

  ApiResult<Scale> get_scale(const ScaleTarget& target);
  // PATCH application/merge-patch+json {"spec":{"replicas":N}} (no resourceVersion: last write wins).
  ApiResult<Scale> patch_scale_replicas(const ScaleTarget& target, std::int32_t replicas);
  // PUT `scale` (its resourceVersion guards the write). On 409 Conflict: GET a fresh Scale, set
  // spec.replicas again and PUT once more, within RetryLimits::conflict (retry.RetryOnConflict).
  ApiResult<Scale> update_scale(const ScaleTarget& target, const Scale& scale);

  // Every pod of `namespace_name` matching `label_selector` ("" for all), page by page.
  ApiResult<PodList> list_pods(std::string_view namespace_name, std::string_view label_selector);

  // events.k8s.io/v1 first; once that API answers 404, core v1 Events from then on.
  ApiResult<CreatedEvent> create_event(const EventSpec& event);
  bool events_fell_back_to_core_v1() const;

  // LeaseClient. One attempt per call for server and transport errors: the election loop retries
  // every retry period, and a backoff inside a call would eat the renew deadline.
  ApiResult<LeaseRecord> get_lease(std::string_view namespace_name, std::string_view name) override;
  ApiResult<LeaseRecord> create_lease(std::string_view namespace_name, std::string_view name,
                                      const LeaseRecord& record) override;
  ApiResult<LeaseRecord> update_lease(std::string_view namespace_name, std::string_view name,
                                      const LeaseRecord& record) override;

  const Connection& connection() const;

  struct Impl;  // public for the implementation files; opaque to users

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace hpad::kube
