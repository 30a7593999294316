// LeaderElection: the loop that drives the pure LeaderElector (leader_election.h) over a
// LeaseClient, as client-go's LeaderElector.Run with ReleaseOnCancel: every retry period it GETs the
// Lease, asks the elector what to write, writes it, and tracks leadership; a leader whose last
// successful renew is older than the renew deadline stops leading (and keeps trying as a
// candidate, unlike client-go, which returns from Run). stop() hands the lease back (holder "",
// lease 1 s) if we hold it, then joins the thread.
// Thread-safe: is_leader() from any thread; start()/stop() from the owner. Callbacks run on the
// loop thread, never under a lock; on_stopped_leading also runs from stop() if we were leading.
// Durations are milliseconds so that tests run in ~1-3 s; the Lease itself carries whole seconds.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "hpad/kube/leader_election.h"
#include "hpad/kube/lease_client.h"
#include "hpad/kube/result.h"

namespace hpad::kube {

struct LeaderLoopConfig {
  std::string namespace_name = "default";
  std::string lease_name = "hpad";
  std::string identity;                     // unique per process (pod name)
  std::chrono::seconds lease_duration{15};  // leaseDurationSeconds written into the Lease
  std::chrono::milliseconds renew_deadline{10'000};
  std::chrono::milliseconds retry_period{2'000};
  std::function<void()> on_started_leading{};
  std::function<void()> on_stopped_leading{};
  // Called with one line per state change and failed round ("renew failed: ..."); never a secret.
  std::function<void(const std::string&)> log{};
};

// identity set; lease_duration > renew_deadline > 1.2 × retry_period > 0 (client-go's checks).
std::optional<Error> validate(const LeaderLoopConfig& config);

class LeaderElection {
 public:
  // `client` must outlive this object.
  LeaderElection(LeaseClient& client, LeaderLoopConfig config);
  ~LeaderElection();  // stop()
  LeaderElection(const LeaderElection&) = delete;
  LeaderElection& operator=(const LeaderElection&) = delete;

  // Validates the config and starts the loop thread; an error if invalid or already started.
  std::optional<Error> start();
  // Ends the loop, releases the lease if held (one update), calls on_stopped_leading if we were
  // leading, and joins. Idempotent. Waits for a round in flight: at most the client's request
  // timeout per call (KubeClient's lease calls make one attempt each).
  void stop();

  // We hold the lease and renewed it less than renew_deadline ago.
  bool is_leader() const;

 private:
  void run();
  // One acquire-or-renew round: true if our write succeeded.
  bool try_acquire_or_renew();
  void release();
  void update_leadership();
  void log(const std::string& line) const;

  LeaseClient& client_;
  const LeaderLoopConfig config_;
  LeaderElector elector_;  // touched by the loop thread only (and by stop() after the join)
  bool leading_ = false;   // loop thread only: the state the callbacks last announced

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;                               // guarded by mutex_
  bool holds_ = false;                                  // guarded by mutex_: last write made us holder
  std::chrono::steady_clock::time_point last_renew_{};  // guarded by mutex_
  std::thread thread_;
};

}  // namespace hpad::kube
