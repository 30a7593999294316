// See leader_loop.h. The pure LeaderElector judges the Lease with whole seconds; this loop keeps
// its own millisecond renew deadline on the steady clock, which is the one is_leader() answers by.
#include "hpad/kube/leader_loop.h"

#include <algorithm>

namespace hpad::kube {
namespace {

// The pure elector's config: its renew deadline (whole seconds, rounded up) is never stricter
// than the loop's, which is checked on top of it.
LeaderElectionConfig elector_config(const LeaderLoopConfig& config) {
  LeaderElectionConfig out;
  out.identity = config.identity;
  out.lease_duration = config.lease_duration;
  out.renew_deadline =
      std::max(std::chrono::seconds(1), std::chrono::ceil<std::chrono::seconds>(config.renew_deadline));
  out.retry_period = std::max(std::chrono::seconds(1), std::chrono::ceil<std::chrono::seconds>(config.retry_period));
  return out;
}

}  // namespace

std::optional<Error> validate(const LeaderLoopConfig& config) {
  if (config.identity.empty()) {
    return make_error("leader election: identity must not be empty");
  }
  if (config.namespace_name.empty() || config.lease_name.empty()) {
    return make_error("leader election: lease namespace and name must not be empty");
  }
  if (config.lease_duration <= std::chrono::seconds(0) || config.renew_deadline <= std::chrono::milliseconds(0) ||
      config.retry_period <= std::chrono::milliseconds(0)) {
    return make_error("leader election: lease duration, renew deadline and retry period must be positive");
  }
  if (config.lease_duration <= config.renew_deadline) {
    return make_error("leader election: leaseDuration must be greater than renewDeadline");
  }
  if (static_cast<double>(config.renew_deadline.count()) <= 1.2 * static_cast<double>(config.retry_period.count())) {
    return make_error("leader election: renewDeadline must be greater than retryPeriod*1.2");
  }
  return std::nullopt;
}

LeaderElection::LeaderElection(LeaseClient& client, LeaderLoopConfig config)
    : client_(client), config_(std::move(config)), elector_(elector_config(config_)) {}

LeaderElection::~LeaderElection() {
  stop();
}

std::optional<Error> LeaderElection::start() {
  if (auto invalid = validate(config_)) {
    return invalid;
  }
  if (thread_.joinable()) {
    return make_error("leader election: already started");
  }
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { run(); });
  return std::nullopt;
}

void LeaderElection::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (!thread_.joinable()) {
    return;
  }
  thread_.join();
  release();
  {
    std::lock_guard lock(mutex_);
    holds_ = false;
  }
  if (leading_) {
    leading_ = false;
    if (config_.on_stopped_leading) {
      config_.on_stopped_leading();
    }
  }
}

bool LeaderElection::is_leader() const {
  std::lock_guard lock(mutex_);
  return holds_ && std::chrono::steady_clock::now() < last_renew_ + config_.renew_deadline;
}

void LeaderElection::log(const std::string& line) const {
  if (config_.log) {
    config_.log(line);
  }
}

void LeaderElection::run() {
  for (;;) {
    try_acquire_or_renew();
    update_leadership();
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, config_.retry_period, [this] { return stopping_; })) {
      return;
    }
  }
}

bool LeaderElection::try_acquire_or_renew() {
  const auto now = std::chrono::system_clock::now();
  std::optional<LeaseRecord> observed;
  auto got = client_.get_lease(config_.namespace_name, config_.lease_name);
  if (const auto* failure = std::get_if<ApiError>(&got)) {
    if (!is_not_found(*failure)) {
      log("leader election: cannot read lease " + config_.namespace_name + "/" + config_.lease_name + ": " +
          failure->to_string());
      return false;
    }
  } else {
    observed = std::get<LeaseRecord>(got);
  }
  const LeaseDecision decision = elector_.decide(observed, now);
  if (decision.action == LeaseAction::kWait) {
    return false;
  }
  auto written = decision.action == LeaseAction::kCreate
                     ? client_.create_lease(config_.namespace_name, config_.lease_name, decision.record)
                     : client_.update_lease(config_.namespace_name, config_.lease_name, decision.record);
  if (const auto* failure = std::get_if<ApiError>(&written)) {
    log("leader election: " + decision.reason + " failed: " + failure->to_string());
    return false;
  }
  elector_.write_succeeded(std::get<LeaseRecord>(written), now);
  std::lock_guard lock(mutex_);
  holds_ = std::get<LeaseRecord>(written).holder_identity == config_.identity;
  last_renew_ = std::chrono::steady_clock::now();
  return true;
}

void LeaderElection::update_leadership() {
  const bool leading_now = is_leader();
  if (leading_now == leading_) {
    return;
  }
  leading_ = leading_now;
  log(std::string("leader election: ") + config_.identity + (leading_now ? " started leading" : " stopped leading"));
  const auto& callback = leading_now ? config_.on_started_leading : config_.on_stopped_leading;
  if (callback) {
    callback();
  }
}

void LeaderElection::release() {
  const auto now = std::chrono::system_clock::now();
  const auto record = elector_.release(now);
  if (!record) {
    return;
  }
  auto written = client_.update_lease(config_.namespace_name, config_.lease_name, *record);
  if (const auto* failure = std::get_if<ApiError>(&written)) {
    log("leader election: releasing the lease failed: " + failure->to_string());
    return;
  }
  elector_.write_succeeded(std::get<LeaseRecord>(written), now);
}

}  // namespace hpad::kube
