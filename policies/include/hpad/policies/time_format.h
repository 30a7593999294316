// RFC 3339 text <-> Time, as Kubernetes writes and reads times (Go's time.RFC3339 for parsing,
// RFC3339Nano in UTC for writing). Pure and thread-safe. The calendar arithmetic is done on
// int64 days (days-from-civil), never with system_clock or timegm, so years 0001..9999 work.
// Invariant: for every Time t in years 0001..9999, parse_rfc3339(format_rfc3339(t)) == t.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "hpad/policies/time.h"

namespace hpad::policies {

// "2026-01-01T00:00:00Z", "2026-01-01T01:00:00.5+01:00", "0001-01-01t00:00:00z". Fractional
// seconds have 1..9 digits; the offset is Z or ±hh:mm (hh <= 23, mm <= 59); 't' and 'z' may be
// lowercase. Years 0001..9999 only; impossible dates (Feb 30, hour 24, second 60) are rejected.
// Nothing else may precede or follow the time. nullopt on any violation.
std::optional<Time> parse_rfc3339(std::string_view text);

// UTC with 'Z'; the fraction only when nanos != 0, trailing zeros trimmed (Go's RFC3339Nano):
// "2026-01-01T00:00:00Z", "2026-01-01T00:00:00.05Z". A year outside 0001..9999 is written with
// as many digits as it needs (a '-' before a negative one), as Go's Format does; such text
// does not parse back.
std::string format_rfc3339(Time time);

}  // namespace hpad::policies
