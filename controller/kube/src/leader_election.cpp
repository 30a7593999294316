// See leader_election.h. decide() follows client-go tryAcquireOrRenew step by step; the numbered
// comments are its own.
#include "hpad/kube/leader_election.h"

#include <charconv>
#include <cstdint>
#include <cstdio>

namespace hpad::kube {
namespace {

using std::chrono::seconds;

std::string clock_text(WallTime time) {
  const std::string text = format_micro_time(time);
  return text.substr(11, 8);  // "03:00:15"
}

}  // namespace

std::optional<Error> validate(const LeaderElectionConfig& config) {
  if (config.identity.empty()) {
    return make_error("leader election: identity must not be empty");
  }
  if (config.lease_duration <= seconds(0) || config.renew_deadline <= seconds(0) || config.retry_period <= seconds(0)) {
    return make_error("leader election: lease duration, renew deadline and retry period must be positive");
  }
  if (config.lease_duration <= config.renew_deadline) {
    return make_error("leader election: leaseDuration must be greater than renewDeadline");
  }
  // client-go: renewDeadline must be greater than retryPeriod*JitterFactor (1.2).
  if (static_cast<double>(config.renew_deadline.count()) <= 1.2 * static_cast<double>(config.retry_period.count())) {
    return make_error("leader election: renewDeadline must be greater than retryPeriod*1.2");
  }
  return std::nullopt;
}

LeaseDecision LeaderElector::decide(const std::optional<LeaseRecord>& observed, WallTime now) {
  LeaseRecord mine;
  mine.holder_identity = config_.identity;
  mine.lease_duration_seconds = static_cast<std::int32_t>(config_.lease_duration.count());
  mine.acquire_time = now;
  mine.renew_time = now;

  // 1. obtain or create the ElectionRecord
  if (!observed) {
    return {LeaseAction::kCreate, mine, "no lease yet: creating it"};
  }
  // 2. Record obtained, check the Identity & Time
  if (!observed_ || *observed_ != *observed) {
    observed_ = *observed;
    observed_time_ = now;
  }
  const LeaseRecord& old = *observed_;
  const WallTime expires = observed_time_ + seconds(old.lease_duration_seconds);
  if (!old.holder_identity.empty() && expires > now && !holds()) {
    return {LeaseAction::kWait, old,
            "lease held by \"" + old.holder_identity + "\" until ~" + clock_text(expires) + " by our clock"};
  }
  // 3. We're going to try to update.
  mine.resource_version = old.resource_version;
  if (holds()) {
    mine.acquire_time = old.acquire_time;
    mine.lease_transitions = old.lease_transitions;
    return {LeaseAction::kRenew, mine, "renewing our lease"};
  }
  mine.lease_transitions = old.lease_transitions + 1;
  return {LeaseAction::kTakeOver, mine,
          old.holder_identity.empty() ? std::string("lease released: taking it")
                                      : "lease of \"" + old.holder_identity + "\" expired: taking it over"};
}

void LeaderElector::write_succeeded(const LeaseRecord& written, WallTime now) {
  observed_ = written;
  observed_time_ = now;
  if (written.holder_identity == config_.identity) {
    last_renew_ = now;
  } else {
    last_renew_.reset();
  }
}

bool LeaderElector::is_leader(WallTime now) const {
  return holds() && last_renew_ && now < *last_renew_ + config_.renew_deadline;
}

std::optional<LeaseRecord> LeaderElector::release(WallTime now) const {
  if (!holds()) {
    return std::nullopt;
  }
  LeaseRecord record;
  record.lease_duration_seconds = 1;
  record.acquire_time = now;
  record.renew_time = now;
  record.lease_transitions = observed_->lease_transitions;
  record.resource_version = observed_->resource_version;
  return record;
}

std::string format_micro_time(WallTime time) {
  const auto micros = std::chrono::floor<std::chrono::microseconds>(time);
  const auto day = std::chrono::floor<std::chrono::days>(micros);
  const std::chrono::year_month_day date(day);
  const std::chrono::hh_mm_ss clock(micros - day);
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%06lldZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()), static_cast<long long>(clock.subseconds().count()));
  return text;
}

std::optional<WallTime> parse_micro_time(std::string_view text) {
  const auto number = [&text](std::size_t at, std::size_t width) -> std::optional<int> {
    if (at + width > text.size()) {
      return std::nullopt;
    }
    int v = 0;
    const auto [end, ec] = std::from_chars(text.data() + at, text.data() + at + width, v);
    if (ec != std::errc() || end != text.data() + at + width) {
      return std::nullopt;
    }
    return v;
  };
  // "2026-11-22T03:00:00" is 19 characters.
  const auto year = number(0, 4);
  const auto month = number(5, 2);
  const auto day = number(8, 2);
  const auto hour = number(11, 2);
  const auto minute = number(14, 2);
  const auto second = number(17, 2);
  if (!year || !month || !day || !hour || !minute || !second || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':' || *hour > 23 || *minute > 59 ||
      *second > 60) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year(*year), std::chrono::month(static_cast<unsigned>(*month)),
                                         std::chrono::day(static_cast<unsigned>(*day))};
  if (!date.ok()) {
    return std::nullopt;
  }
  WallTime time = std::chrono::sys_days(date) + std::chrono::hours(*hour) + std::chrono::minutes(*minute) +
                  std::chrono::seconds(*second);
  std::size_t at = 19;
  if (at < text.size() && text[at] == '.') {
    ++at;
    std::int64_t nanos = 0;
    int digits = 0;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      if (digits < 9) {
        nanos = nanos * 10 + (text[at] - '0');
        ++digits;
      }
      ++at;
    }
    if (digits == 0) {
      return std::nullopt;
    }
    for (int d = digits; d < 9; ++d) {
      nanos *= 10;
    }
    time += std::chrono::duration_cast<WallTime::duration>(std::chrono::nanoseconds(nanos));
  }
  if (at + 1 == text.size() && (text[at] == 'Z' || text[at] == 'z')) {
    return time;
  }
  if (at + 6 == text.size() && (text[at] == '+' || text[at] == '-') && text[at + 3] == ':') {
    const auto offset_hours = number(at + 1, 2);
    const auto offset_minutes = number(at + 4, 2);
    if (!offset_hours || !offset_minutes || *offset_hours > 23 || *offset_minutes > 59) {
      return std::nullopt;
    }
    const auto offset = std::chrono::hours(*offset_hours) + std::chrono::minutes(*offset_minutes);
    return text[at] == '+' ? time - offset : time + offset;
  }
  return std::nullopt;
}

nlohmann::json lease_to_json(const LeaseRecord& record, std::string_view name, std::string_view namespace_name) {
  nlohmann::json metadata{{"name", name}, {"namespace", namespace_name}};
  if (!record.resource_version.empty()) {
    metadata["resourceVersion"] = record.resource_version;
  }
  nlohmann::json spec{{"holderIdentity", record.holder_identity},
                      {"leaseDurationSeconds", record.lease_duration_seconds},
                      {"leaseTransitions", record.lease_transitions}};
  if (record.acquire_time) {
    spec["acquireTime"] = format_micro_time(*record.acquire_time);
  }
  if (record.renew_time) {
    spec["renewTime"] = format_micro_time(*record.renew_time);
  }
  return {{"apiVersion", "coordination.k8s.io/v1"}, {"kind", "Lease"}, {"metadata", metadata}, {"spec", spec}};
}

// Fields are looked up by pointer (`member`) rather than with find() iterators: g++ 12 at -O2
// under -fsanitize=thread sees a "potential null dereference" inside nlohmann's iterator and
// -Werror turns it into a build failure.
namespace {

const nlohmann::json* member(const nlohmann::json& object, const char* key) {
  if (!object.is_object() || !object.contains(key)) {
    return nullptr;
  }
  const nlohmann::json& value = object.at(key);
  return value.is_null() ? nullptr : &value;
}

}  // namespace

Result<LeaseRecord> lease_from_json(const nlohmann::json& lease) {
  if (!lease.is_object() || lease.value("kind", std::string()) != "Lease") {
    return make_error("not a Lease object");
  }
  LeaseRecord record;
  if (const auto* metadata = member(lease, "metadata")) {
    if (const auto* rv = member(*metadata, "resourceVersion"); rv != nullptr && rv->is_string()) {
      record.resource_version = rv->get<std::string>();
    }
  }
  const auto* spec = member(lease, "spec");
  if (spec == nullptr || !spec->is_object()) {
    return record;  // a Lease without spec: no holder
  }
  const auto integer = [spec](const char* key, std::int32_t& out) -> std::optional<Error> {
    const auto* value = member(*spec, key);
    if (value == nullptr) {
      return std::nullopt;
    }
    if (!value->is_number_integer() || value->get<std::int64_t>() < 0 || value->get<std::int64_t>() > INT32_MAX) {
      return make_error(std::string("Lease spec.") + key + " must be a non-negative 32-bit integer");
    }
    out = static_cast<std::int32_t>(value->get<std::int64_t>());
    return std::nullopt;
  };
  const auto time = [spec](const char* key, std::optional<WallTime>& out) -> std::optional<Error> {
    const auto* value = member(*spec, key);
    if (value == nullptr) {
      return std::nullopt;
    }
    out = value->is_string() ? parse_micro_time(value->get<std::string>()) : std::nullopt;
    if (!out) {
      return make_error(std::string("Lease spec.") + key + " is not a MicroTime");
    }
    return std::nullopt;
  };
  if (const auto* holder = member(*spec, "holderIdentity"); holder != nullptr && holder->is_string()) {
    record.holder_identity = holder->get<std::string>();
  }
  for (const auto& failure : {integer("leaseDurationSeconds", record.lease_duration_seconds),
                              integer("leaseTransitions", record.lease_transitions),
                              time("acquireTime", record.acquire_time), time("renewTime", record.renew_time)}) {
    if (failure) {
      return *failure;
    }
  }
  return record;
}

}  // namespace hpad::kube
