// hpad::kube leader election: two or more electors and a fake API server holding one Lease with
// optimistic concurrency (an update must carry the current resourceVersion, as a real PUT). Each
// case is a script on one clock: who reads and writes when, what each decides, and who leads.
// Also MicroTime formatting and the Lease JSON mapping.
#include "hpad/kube/leader_election.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hpad::kube {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::HasSubstr;

// 2026-11-22T03:00:00Z
const WallTime kEpoch = std::chrono::sys_days(std::chrono::year(2026) / 11 / 22) + std::chrono::hours(3);

// The API server's copy of the Lease, with resourceVersion checks.
class FakeLeaseStore {
 public:
  const std::optional<LeaseRecord>& get() const { return lease_; }
  // Create (no lease yet) or update (resourceVersion must match); returns the stored record.
  std::optional<LeaseRecord> write(LeaseRecord record) {
    if (lease_ ? record.resource_version != lease_->resource_version : !record.resource_version.empty()) {
      return std::nullopt;  // 409 Conflict
    }
    record.resource_version = std::to_string(++version_);
    lease_ = record;
    return record;
  }

 private:
  std::optional<LeaseRecord> lease_;
  int version_ = 0;
};

struct Step {
  enum class Kind { kTick, kForeignWrite, kLeader, kRelease };
  Kind kind;
  milliseconds at;
  std::string who{};                     // the elector
  LeaseAction expect{};                  // kTick: its decision
  std::int32_t transitions = -1;         // kTick, if >= 0: leaseTransitions of what it wrote
  bool leader = false;                   // kLeader: expected is_leader(at)
  std::optional<LeaseRecord> foreign{};  // kForeignWrite: what another client writes
};

Step tick(milliseconds at, std::string who, LeaseAction expect, std::int32_t transitions = -1) {
  return {Step::Kind::kTick, at, std::move(who), expect, transitions};
}
Step leader(milliseconds at, std::string who, bool is) {
  return {Step::Kind::kLeader, at, std::move(who), {}, -1, is};
}
Step release(milliseconds at, std::string who) {
  return {Step::Kind::kRelease, at, std::move(who)};
}
Step foreign(milliseconds at, LeaseRecord record) {
  return {Step::Kind::kForeignWrite, at, "", {}, -1, false, std::move(record)};
}

// A lease written by a holder whose clock is `skew` off ours, renewed at our `at`.
LeaseRecord held_by(std::string holder, milliseconds at, seconds skew = seconds(0)) {
  LeaseRecord r;
  r.holder_identity = std::move(holder);
  r.lease_duration_seconds = 15;
  r.acquire_time = kEpoch + skew;
  r.renew_time = kEpoch + at + skew;
  return r;
}

struct ElectionCase {
  std::string name{};
  std::vector<Step> steps{};
};

class LeaderElection : public ::testing::TestWithParam<ElectionCase> {};

TEST_P(LeaderElection, FollowsClientGo) {
  FakeLeaseStore store;
  std::map<std::string, LeaderElector> electors;
  const auto elector = [&electors](const std::string& who) -> LeaderElector& {
    return electors.try_emplace(who, LeaderElectionConfig{.identity = who}).first->second;
  };
  const auto& steps = GetParam().steps;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const Step& step = steps[i];
    SCOPED_TRACE("step " + std::to_string(i) + " at " + std::to_string(step.at.count()) + " ms");
    const WallTime now = kEpoch + step.at;
    switch (step.kind) {
      case Step::Kind::kForeignWrite: {
        LeaseRecord record = *step.foreign;
        record.resource_version = store.get() ? store.get()->resource_version : "";
        ASSERT_TRUE(store.write(record).has_value());
        break;
      }
      case Step::Kind::kTick: {
        LeaderElector& e = elector(step.who);
        const LeaseDecision decision = e.decide(store.get(), now);
        ASSERT_EQ(decision.action, step.expect) << decision.reason;
        if (decision.action == LeaseAction::kWait) {
          break;
        }
        EXPECT_EQ(decision.record.holder_identity, step.who);
        EXPECT_EQ(decision.record.renew_time, now);
        EXPECT_EQ(decision.record.lease_duration_seconds, 15);
        if (step.transitions >= 0) {
          EXPECT_EQ(decision.record.lease_transitions, step.transitions);
        }
        if (const auto written = store.write(decision.record)) {
          e.write_succeeded(*written, now);
        }
        break;
      }
      case Step::Kind::kLeader:
        EXPECT_EQ(elector(step.who).is_leader(now), step.leader);
        break;
      case Step::Kind::kRelease: {
        LeaderElector& e = elector(step.who);
        const auto record = e.release(now);
        ASSERT_TRUE(record.has_value());
        EXPECT_EQ(record->holder_identity, "");
        EXPECT_EQ(record->lease_duration_seconds, 1);
        const auto written = store.write(*record);
        ASSERT_TRUE(written.has_value());
        e.write_succeeded(*written, now);
        break;
      }
    }
  }
}

constexpr auto ms = [](long long n) { return milliseconds(n); };

INSTANTIATE_TEST_SUITE_P(
    Cases, LeaderElection,
    ::testing::Values(
        ElectionCase{"FirstCandidateCreatesTheLease",
                     {leader(ms(0), "a", false), tick(ms(0), "a", LeaseAction::kCreate, 0), leader(ms(0), "a", true),
                      tick(ms(0), "b", LeaseAction::kWait), leader(ms(0), "b", false)}},
        ElectionCase{"HolderRenewsKeepingAcquireTimeAndTransitions",
                     {tick(ms(0), "a", LeaseAction::kCreate, 0), tick(ms(2000), "a", LeaseAction::kRenew, 0),
                      tick(ms(4000), "a", LeaseAction::kRenew, 0), leader(ms(13999), "a", true)}},
        ElectionCase{"LeadershipLapsesAfterTheRenewDeadlineWithoutARenewal",
                     {tick(ms(0), "a", LeaseAction::kCreate), leader(ms(9999), "a", true),
                      leader(ms(10000), "a", false)}},  // renew deadline 10 s
        ElectionCase{"ExpiredLeaseIsTakenOverWithOneMoreTransition",
                     {tick(ms(0), "a", LeaseAction::kCreate, 0),
                      tick(ms(1000), "b", LeaseAction::kWait),   // b observes a's record at 1 s
                      tick(ms(15999), "b", LeaseAction::kWait),  // 1 s + 15 s not yet passed
                      tick(ms(16000), "b", LeaseAction::kTakeOver, 1), leader(ms(16000), "b", true),
                      // a comes back: it sees b's record, no longer leads, and waits.
                      tick(ms(17000), "a", LeaseAction::kWait), leader(ms(17000), "a", false)}},
        ElectionCase{"ARenewingHolderIsNeverTakenOver",
                     {tick(ms(0), "a", LeaseAction::kCreate), tick(ms(0), "b", LeaseAction::kWait),
                      tick(ms(10000), "a", LeaseAction::kRenew), tick(ms(14000), "b", LeaseAction::kWait),
                      tick(ms(20000), "a", LeaseAction::kRenew),
                      tick(ms(28000), "b", LeaseAction::kWait),  // 28 s after b first looked: still valid
                      leader(ms(28000), "a", true)}},
        ElectionCase{
            "ExpiryIgnoresTheHoldersSkewedRenewTime",
            {// c's clock is an hour behind: by its renewTime the lease expired long ago, but b has
             // only just seen it change, so b waits the full lease duration from now.
             foreign(ms(0), held_by("c", ms(0), -seconds(3600))), tick(ms(500), "b", LeaseAction::kWait),
             tick(ms(15000), "b", LeaseAction::kWait),
             // c renews at 15 s (still an hour behind): the record changed, the wait restarts.
             foreign(ms(15000), held_by("c", ms(15000), -seconds(3600))), tick(ms(16000), "b", LeaseAction::kWait),
             tick(ms(30999), "b", LeaseAction::kWait), tick(ms(31000), "b", LeaseAction::kTakeOver, 1)}},
        ElectionCase{"AFastClockDoesNotExtendTheLease",
                     {// c's renewTime is an hour ahead; c then dies. b takes over 15 s after it observed.
                      foreign(ms(0), held_by("c", ms(0), seconds(3600))), tick(ms(0), "b", LeaseAction::kWait),
                      tick(ms(15000), "b", LeaseAction::kTakeOver, 1)}},
        ElectionCase{"ReleaseLetsTheNextCandidateInAtOnce",
                     {tick(ms(0), "a", LeaseAction::kCreate, 0), tick(ms(1000), "b", LeaseAction::kWait),
                      release(ms(2000), "a"), leader(ms(2000), "a", false),
                      tick(ms(2100), "b", LeaseAction::kTakeOver, 1),  // holder "": no need to wait 15 s
                      leader(ms(2100), "b", true)}},
        ElectionCase{
            "AfterATakeOverTheOtherCandidatesSeeTheNewHolderAndWait",
            {tick(ms(0), "a", LeaseAction::kCreate), tick(ms(1000), "b", LeaseAction::kWait),
             tick(ms(1000), "c", LeaseAction::kWait), tick(ms(16000), "b", LeaseAction::kTakeOver, 1),
             // c reads after b wrote: the record changed, so c's wait starts again.
             tick(ms(16000), "c", LeaseAction::kWait), leader(ms(16000), "b", true), leader(ms(16000), "c", false)}}),
    [](const auto& param_info) { return param_info.param.name; });

TEST(LeaderElection, AWriteBasedOnAStaleReadIsRefusedAndChangesNothing) {
  FakeLeaseStore store;
  LeaderElector a(LeaderElectionConfig{.identity = "a"});
  LeaderElector b(LeaderElectionConfig{.identity = "b"});
  store.write(a.decide(std::nullopt, kEpoch).record);  // a creates, but never hears back
  const auto stale = store.get();
  b.decide(stale, kEpoch);
  const LeaseDecision late = b.decide(stale, kEpoch + seconds(15));
  ASSERT_EQ(late.action, LeaseAction::kTakeOver);
  // Meanwhile another writer updated the lease: b's update carries the old resourceVersion.
  LeaseRecord renewed = *stale;
  renewed.renew_time = kEpoch + seconds(14);
  ASSERT_TRUE(store.write(renewed).has_value());
  EXPECT_FALSE(store.write(late.record).has_value());  // 409: b writes nothing
  EXPECT_FALSE(b.is_leader(kEpoch + seconds(15)));
  EXPECT_FALSE(b.release(kEpoch + seconds(15)).has_value()) << "b holds nothing to release";
}

TEST(LeaderElectionConfig, ValidatesAsNewLeaderElector) {
  EXPECT_FALSE(validate(LeaderElectionConfig{.identity = "a"}).has_value());  // 15 / 10 / 2
  EXPECT_THAT(validate(LeaderElectionConfig{})->message, HasSubstr("identity"));
  EXPECT_THAT(validate(LeaderElectionConfig{.identity = "a", .lease_duration = seconds(10)})->message,
              HasSubstr("leaseDuration must be greater than renewDeadline"));
  EXPECT_THAT(validate(LeaderElectionConfig{.identity = "a", .renew_deadline = seconds(2)})->message,
              HasSubstr("renewDeadline must be greater than retryPeriod*1.2"));
}

TEST(MicroTime, FormatsWithMicrosecondsAndParsesBack) {
  EXPECT_EQ(format_micro_time(kEpoch), "2026-11-22T03:00:00.000000Z");
  const WallTime t = kEpoch + std::chrono::microseconds(1234567);
  EXPECT_EQ(format_micro_time(t), "2026-11-22T03:00:01.234567Z");
  EXPECT_EQ(parse_micro_time("2026-11-22T03:00:01.234567Z"), t);
  EXPECT_EQ(parse_micro_time("2026-11-22T03:00:00Z"), kEpoch);
  EXPECT_EQ(parse_micro_time("2026-11-22T04:30:00+01:30"), kEpoch);
  EXPECT_EQ(parse_micro_time("2026-11-22T03:00:01.2345678Z"), kEpoch + std::chrono::nanoseconds(1234567800));
  EXPECT_FALSE(parse_micro_time("2026-11-22 03:00:00Z").has_value());
  EXPECT_FALSE(parse_micro_time("2026-11-22T03:00:00").has_value());  // no zone
  EXPECT_FALSE(parse_micro_time("2026-02-30T03:00:00Z").has_value());
  EXPECT_FALSE(parse_micro_time("2026-11-22T03:00:00.Z").has_value());
  EXPECT_FALSE(parse_micro_time("").has_value());
}

TEST(LeaseJson, RoundTripsAndRejectsBadFields) {
  LeaseRecord record = held_by("hpad-0_ab12", ms(2000));
  record.lease_transitions = 3;
  record.resource_version = "4711";
  const nlohmann::json json = lease_to_json(record, "hpad", "hpad-system");
  EXPECT_EQ(
      json.dump(),
      R"({"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"hpad","namespace":"hpad-system",)"
      R"("resourceVersion":"4711"},"spec":{"acquireTime":"2026-11-22T03:00:00.000000Z","holderIdentity":"hpad-0_ab12",)"
      R"("leaseDurationSeconds":15,"leaseTransitions":3,"renewTime":"2026-11-22T03:00:02.000000Z"}})");
  const auto back = lease_from_json(json);
  ASSERT_TRUE(ok(back)) << error(back).message;
  EXPECT_EQ(value(back), record);

  nlohmann::json bad = json;
  bad["spec"]["renewTime"] = "yesterday";
  ASSERT_FALSE(ok(lease_from_json(bad)));
  EXPECT_EQ(error(lease_from_json(bad)).message, "Lease spec.renewTime is not a MicroTime");
  bad = json;
  bad["spec"]["leaseDurationSeconds"] = -1;
  EXPECT_FALSE(ok(lease_from_json(bad)));
  EXPECT_FALSE(ok(lease_from_json(nlohmann::json{{"kind", "ConfigMap"}})));
  // A new Lease without spec has no holder.
  const auto empty = lease_from_json(nlohmann::json{{"kind", "Lease"}, {"metadata", {{"resourceVersion", "1"}}}});
  ASSERT_TRUE(ok(empty));
  EXPECT_EQ(value(empty).holder_identity, "");
  EXPECT_EQ(value(empty).resource_version, "1");
}

}  // namespace
}  // namespace hpad::kube
