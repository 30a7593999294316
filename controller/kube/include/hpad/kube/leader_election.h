// Leader election over a coordination.k8s.io/v1 Lease, as client-go's tools/leaderelection
// (LeaderElector.tryAcquireOrRenew, release with ReleaseOnCancel), as a pure state machine: the
// caller GETs the Lease, asks decide(observed, now) what to write, writes it (create, or update
// with the observed resourceVersion, so that a concurrent writer gets a 409 and loses), and
// reports the outcome. Defaults: lease 15 s, renew deadline 10 s, retry period 2 s.
//
// Expiry is judged by local time, not by the renewTime in the record: a candidate remembers the
// local time at which it last OBSERVED the record change (observedTime) and treats the lease as
// expired once leaseDurationSeconds have passed since then without a change. renewTime is written
// by the holder's clock, which may be skewed against ours; comparing it with our `now` would let
// a fast clock steal a valid lease (or a slow one wait forever). A holder that renews changes the
// record (renewTime, resourceVersion), so a live holder keeps pushing observedTime forward.
// The leader's own view: is_leader(now) is true while it holds the record and its last
// successful write is less than renewDeadline old (client-go gives up leadership when renewals
// fail for RenewDeadline; measuring from the last success is slightly stricter than client-go,
// which starts that deadline at the next renewal round). As in client-go, a candidate whose
// identity is already the holder's renews at once: identities must be unique per process.
// Not thread-safe: one elector per process, driven by one loop. Times are written as MicroTime,
// "2026-11-22T03:00:00.000000Z".
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "hpad/kube/result.h"

namespace hpad::kube {

using WallTime = std::chrono::system_clock::time_point;

struct LeaseRecord {
  std::string holder_identity{};  // "" when released
  std::int32_t lease_duration_seconds = 0;
  std::optional<WallTime> acquire_time{};
  std::optional<WallTime> renew_time{};
  std::int32_t lease_transitions = 0;
  std::string resource_version{};  // metadata.resourceVersion; "" for a record not yet created

  bool operator==(const LeaseRecord&) const = default;
};

struct LeaderElectionConfig {
  std::string identity{};  // unique per process: e.g. "<pod name>_<random>"
  std::chrono::seconds lease_duration{15};
  std::chrono::seconds renew_deadline{10};
  std::chrono::seconds retry_period{2};
};

// client-go NewLeaderElector's checks: identity set, lease > renew deadline > 1.2 × retry period
// (JitterFactor), all positive. nullopt if valid.
std::optional<Error> validate(const LeaderElectionConfig& config);

enum class LeaseAction {
  kCreate,    // no Lease exists: create `record`
  kTakeOver,  // the lease expired or was released: update to `record` (transitions + 1)
  kRenew,     // we hold it: update to `record`
  kWait,      // someone else holds a valid lease: write nothing, retry after retry_period
};

struct LeaseDecision {
  LeaseAction action = LeaseAction::kWait;
  LeaseRecord record{};  // what to write (for kWait: the record as observed)
  std::string reason{};  // for logs: "lease held by b until ~03:00:15 by our clock"
};

class LeaderElector {
 public:
  explicit LeaderElector(LeaderElectionConfig config) : config_(std::move(config)) {}

  // `observed`: the Lease as just read (nullopt: it does not exist).
  LeaseDecision decide(const std::optional<LeaseRecord>& observed, WallTime now);
  // The write of decide()'s (or release()'s) record succeeded; `written` carries the new
  // resourceVersion the server returned.
  void write_succeeded(const LeaseRecord& written, WallTime now);
  // A failed write (409, timeout, ...) changes nothing: leadership then lapses by the deadline.

  // We hold the lease and renewed it less than renew_deadline ago.
  bool is_leader(WallTime now) const;
  // On shutdown: the record that hands the lease back (holder "", lease 1 s, as client-go's
  // release()), or nullopt if we do not hold it.
  std::optional<LeaseRecord> release(WallTime now) const;

  const LeaderElectionConfig& config() const { return config_; }

 private:
  bool holds() const { return observed_ && observed_->holder_identity == config_.identity; }

  LeaderElectionConfig config_;
  std::optional<LeaseRecord> observed_;  // the last record seen or written (client-go observedRecord)
  WallTime observed_time_{};             // local time observed_ last changed (client-go observedTime)
  std::optional<WallTime> last_renew_;   // local time of our last successful write as holder
};

// MicroTime: "2026-11-22T03:00:00.000000Z" (UTC, microseconds).
std::string format_micro_time(WallTime time);
// RFC 3339 with optional fraction (up to 9 digits) and "Z" or "±hh:mm"; nullopt if malformed.
std::optional<WallTime> parse_micro_time(std::string_view text);

// A Lease object for create/update (resourceVersion included when the record has one).
nlohmann::json lease_to_json(const LeaseRecord& record, std::string_view name, std::string_view namespace_name);
// The record of a Lease object as returned by GET.
Result<LeaseRecord> lease_from_json(const nlohmann::json& lease);

}  // namespace hpad::kube
