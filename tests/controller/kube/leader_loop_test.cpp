// LeaderElection loops against an in-process hpad-kubesim: between two candidates exactly one
// leads; the lease is handed over when the leader stops (release) and when it stops renewing
// (expiry, through a LeaseClient the test can cut off). Short durations (lease 1 s, renew deadline
// 700 ms, retry 100 ms) keep each case within ~1-3 s. Runs threads: labelled "concurrent".
#include <gtest/gtest.h>

#include <atomic>

#include "hpad/kube/leader_loop.h"
#include "kube_test_util.h"

namespace hpad::kube {
namespace {

using namespace testing;
using Clock = std::chrono::steady_clock;

// A KubeClient whose lease calls can be cut off, as if its API server became unreachable.
class CuttableLeaseClient final : public LeaseClient {
 public:
  explicit CuttableLeaseClient(KubeClient& client) : client_(client) {}
  void cut() { cut_ = true; }

  ApiResult<LeaseRecord> get_lease(std::string_view ns, std::string_view name) override {
    return cut_ ? unreachable() : client_.get_lease(ns, name);
  }
  ApiResult<LeaseRecord> create_lease(std::string_view ns, std::string_view name, const LeaseRecord& r) override {
    return cut_ ? unreachable() : client_.create_lease(ns, name, r);
  }
  ApiResult<LeaseRecord> update_lease(std::string_view ns, std::string_view name, const LeaseRecord& r) override {
    return cut_ ? unreachable() : client_.update_lease(ns, name, r);
  }

 private:
  static ApiError unreachable() {
    ApiError error;
    error.reason = "TransportError";
    error.message = "connection refused (cut by the test)";
    return error;
  }
  KubeClient& client_;
  std::atomic<bool> cut_{false};
};

struct Candidate {
  Candidate(RunningSim& sim, const std::string& identity) : client(sim.connection(), fast_options()), lease(client) {
    config.identity = identity;
    config.lease_name = "hpad-leader";
    config.lease_duration = 1s;
    config.renew_deadline = 700ms;
    config.retry_period = 100ms;
    config.on_started_leading = [this] { ++started; };
    config.on_stopped_leading = [this] { ++stopped; };
    election = std::make_unique<LeaderElection>(lease, config);
  }

  KubeClient client;
  CuttableLeaseClient lease;
  LeaderLoopConfig config;
  std::atomic<int> started{0};
  std::atomic<int> stopped{0};
  std::unique_ptr<LeaderElection> election;  // last: stopped before what its callbacks touch
};

// Polls `condition` every 5 ms until it holds or `timeout` passes; how long it took.
template <typename Condition>
std::optional<Clock::duration> wait_until(Condition condition, Clock::duration timeout) {
  const auto start = Clock::now();
  while (Clock::now() - start < timeout) {
    if (condition()) {
      return Clock::now() - start;
    }
    std::this_thread::sleep_for(5ms);
  }
  return std::nullopt;
}

TEST(LeaderElectionLoop, ExactlyOneOfTwoCandidatesLeads) {
  RunningSim sim;
  Candidate a(sim, "pod-a");
  Candidate b(sim, "pod-b");
  ASSERT_FALSE(a.election->start());
  ASSERT_FALSE(b.election->start());
  ASSERT_TRUE(wait_until([&] { return a.election->is_leader() || b.election->is_leader(); }, 2s));
  // For a whole lease duration and more, never both and never none.
  const auto until = Clock::now() + 1500ms;
  int both = 0;
  int none = 0;
  while (Clock::now() < until) {
    const bool la = a.election->is_leader();
    const bool lb = b.election->is_leader();
    both += la && lb ? 1 : 0;
    none += !la && !lb ? 1 : 0;
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(both, 0);
  EXPECT_EQ(none, 0);
  EXPECT_EQ(a.started + b.started, 1);
  const auto lease = sim.get("/apis/coordination.k8s.io/v1/namespaces/default/leases/hpad-leader");
  EXPECT_EQ(lease.body["spec"]["holderIdentity"], a.election->is_leader() ? "pod-a" : "pod-b");
  EXPECT_EQ(lease.body["spec"]["leaseDurationSeconds"], 1);
}

TEST(LeaderElectionLoop, StoppingTheLeaderReleasesTheLeaseAndTheOtherTakesOverWithinARetryPeriodOrTwo) {
  RunningSim sim;
  Candidate a(sim, "pod-a");
  ASSERT_FALSE(a.election->start());
  ASSERT_TRUE(wait_until([&] { return a.election->is_leader(); }, 2s));
  Candidate b(sim, "pod-b");
  ASSERT_FALSE(b.election->start());
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(b.election->is_leader());  // a keeps renewing

  a.election->stop();
  EXPECT_FALSE(a.election->is_leader());
  EXPECT_EQ(a.started, 1);
  EXPECT_EQ(a.stopped, 1);
  const auto lease = sim.get("/apis/coordination.k8s.io/v1/namespaces/default/leases/hpad-leader");
  // Released (holder "") unless b was already quick enough to take it.
  EXPECT_NE(lease.body["spec"]["holderIdentity"], "pod-a");
  const auto took = wait_until([&] { return b.election->is_leader(); }, 2s);
  ASSERT_TRUE(took);
  EXPECT_LT(*took, 350ms) << "not within a retry period or two (100 ms each)";
  EXPECT_EQ(b.started, 1);
}

TEST(LeaderElectionLoop, ALeaderThatStopsRenewingLosesLeadershipAndTheLeaseExpiresToTheOther) {
  RunningSim sim;
  Candidate a(sim, "pod-a");
  ASSERT_FALSE(a.election->start());
  ASSERT_TRUE(wait_until([&] { return a.election->is_leader(); }, 2s));
  Candidate b(sim, "pod-b");
  ASSERT_FALSE(b.election->start());
  std::this_thread::sleep_for(200ms);

  a.lease.cut();
  const auto cut_at = Clock::now();
  bool overlap = false;
  std::optional<Clock::duration> a_lost;
  std::optional<Clock::duration> b_won;
  while (Clock::now() - cut_at < 3s && !(a_lost && b_won)) {
    const bool la = a.election->is_leader();
    const bool lb = b.election->is_leader();
    overlap = overlap || (la && lb);
    if (!la && !a_lost) {
      a_lost = Clock::now() - cut_at;
    }
    if (lb && !b_won) {
      b_won = Clock::now() - cut_at;
    }
    std::this_thread::sleep_for(5ms);
  }
  ASSERT_TRUE(a_lost && b_won);
  EXPECT_FALSE(overlap);
  // The renew deadline since its last successful renew (a renew in flight at the cut may land after it).
  EXPECT_LE(*a_lost, 800ms);
  EXPECT_GE(*b_won, 900ms);  // the lease (1 s) since b last saw it change, minus a retry period
  EXPECT_LT(*b_won, 1600ms);
  // The loop announced the loss too, within a retry period of it.
  EXPECT_TRUE(wait_until([&] { return a.stopped == 1; }, 500ms));
  a.election->stop();  // its release fails (cut): nothing to hand back
  EXPECT_EQ(a.stopped, 1);
  const auto lease = sim.get("/apis/coordination.k8s.io/v1/namespaces/default/leases/hpad-leader");
  EXPECT_EQ(lease.body["spec"]["holderIdentity"], "pod-b");
  EXPECT_EQ(lease.body["spec"]["leaseTransitions"], 1);
}

struct InvalidConfigCase {
  const char* name;
  std::function<void(LeaderLoopConfig&)> change;
  const char* message;
};

class LeaderLoopConfigCheck : public ::testing::TestWithParam<InvalidConfigCase> {};

TEST_P(LeaderLoopConfigCheck, StartRefusesItWithAClearMessage) {
  LeaderLoopConfig config;
  config.identity = "pod-a";
  EXPECT_FALSE(validate(config));
  GetParam().change(config);
  const auto error = validate(config);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->message, GetParam().message);
  CpprestPool pool;
  Connection unused;
  unused.server = "http://127.0.0.1:1";
  KubeClient client(unused);
  LeaderElection election(client, config);
  const auto refused = election.start();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->message, GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, LeaderLoopConfigCheck,
    ::testing::Values(InvalidConfigCase{"NoIdentity", [](LeaderLoopConfig& c) { c.identity.clear(); },
                                        "leader election: identity must not be empty"},
                      InvalidConfigCase{"RenewDeadlineNotBelowLease",
                                        [](LeaderLoopConfig& c) { c.renew_deadline = c.lease_duration; },
                                        "leader election: leaseDuration must be greater than renewDeadline"},
                      InvalidConfigCase{"RetryPeriodTooCloseToTheDeadline",
                                        [](LeaderLoopConfig& c) { c.retry_period = 9s; },
                                        "leader election: renewDeadline must be greater than retryPeriod*1.2"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

}  // namespace
}  // namespace hpad::kube
