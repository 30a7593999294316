// RFC 3339 <-> Time (see time_format.h). Calendar math after Howard Hinnant's days_from_civil /
// civil_from_days, on int64 so that no instant a Time can hold overflows (|days| < 1.1e14).
#include "hpad/policies/time_format.h"

#include <cstdint>
#include <cstdio>

namespace hpad::policies {
namespace {

constexpr std::int64_t kSecondsPerDay = 86'400;

bool is_leap(std::int64_t year) {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

int days_in_month(std::int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (month 1..12, day 1..31).
std::int64_t days_from_civil(std::int64_t year, int month, int day) {
  const std::int64_t y = month <= 2 ? year - 1 : year;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;                                                  // [0, 399]
  const std::int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;  // [0, 365]
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                          // [0, 146096]
  return era * 146'097 + doe - 719'468;
}

struct Civil {
  std::int64_t year;
  int month;
  int day;
};

Civil civil_from_days(std::int64_t days) {
  const std::int64_t z = days + 719'468;
  const std::int64_t era = (z >= 0 ? z : z - 146'096) / 146'097;
  const std::int64_t doe = z - era * 146'097;                                        // [0, 146096]
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36'524 - doe / 146'096) / 365;  // [0, 399]
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                  // [0, 365]
  const std::int64_t mp = (5 * doy + 2) / 153;                                       // [0, 11]
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

// The unsigned decimal in text[pos, pos + width), or -1 if any byte is not a digit.
int digits(std::string_view text, std::size_t pos, std::size_t width) {
  int value = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    if (i >= text.size() || text[i] < '0' || text[i] > '9') {
      return -1;
    }
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

std::optional<Time> parse_rfc3339(std::string_view s) {
  // "2006-01-02T15:04:05" is 19 bytes; every later part is optional or checked below.
  if (s.size() < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  const int year = digits(s, 0, 4);
  const int month = digits(s, 5, 2);
  const int day = digits(s, 8, 2);
  const int hour = digits(s, 11, 2);
  const int minute = digits(s, 14, 2);
  const int second = digits(s, 17, 2);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour < 0 || hour > 23 ||
      minute < 0 || minute > 59 || second < 0 || second > 59) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  std::int32_t nanos = 0;
  if (pos < s.size() && s[pos] == '.') {
    std::size_t n = 0;
    for (++pos; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos, ++n) {
      if (n < 9) {
        nanos = nanos * 10 + (s[pos] - '0');
      }
    }
    if (n == 0 || n > 9) {
      return std::nullopt;
    }
    for (; n < 9; ++n) {
      nanos *= 10;
    }
  }
  std::int64_t offset_seconds = 0;
  const std::string_view zone = s.substr(pos);
  if (zone != "Z" && zone != "z") {
    const int offset_hours = digits(zone, 1, 2);
    const int offset_minutes = digits(zone, 4, 2);
    if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':' || offset_hours < 0 ||
        offset_hours > 23 || offset_minutes < 0 || offset_minutes > 59) {
      return std::nullopt;
    }
    offset_seconds =
        (zone[0] == '-' ? -1 : 1) * (std::int64_t{offset_hours} * 3600 + std::int64_t{offset_minutes} * 60);
  }
  const std::int64_t local = days_from_civil(year, month, day) * kSecondsPerDay + std::int64_t{hour} * 3600 +
                             std::int64_t{minute} * 60 + second;
  return Time{local - offset_seconds, nanos};
}

std::string format_rfc3339(Time time) {
  // Floor division: a negative `seconds` still yields a time of day in [0, 86400).
  std::int64_t days = time.seconds / kSecondsPerDay;
  std::int64_t rest = time.seconds % kSecondsPerDay;
  if (rest < 0) {
    rest += kSecondsPerDay;
    --days;
  }
  const Civil civil = civil_from_days(days);
  char buffer[64];
  int n = std::snprintf(buffer, sizeof buffer, "%s%04lld-%02d-%02dT%02d:%02d:%02d", civil.year < 0 ? "-" : "",
                        static_cast<long long>(civil.year < 0 ? -civil.year : civil.year), civil.month, civil.day,
                        static_cast<int>(rest / 3600), static_cast<int>(rest / 60 % 60), static_cast<int>(rest % 60));
  std::string out(buffer, static_cast<std::size_t>(n));
  if (time.nanos != 0) {
    n = std::snprintf(buffer, sizeof buffer, ".%09d", static_cast<int>(time.nanos));
    std::string fraction(buffer, static_cast<std::size_t>(n));
    while (fraction.back() == '0') {
      fraction.pop_back();
    }
    out += fraction;
  }
  return out + "Z";
}

}  // namespace hpad::policies
