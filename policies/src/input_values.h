// Internal: the values a DecisionInput holds beyond what detail::Reader reads for a policy
// (times, booleans, counts, mappings with free keys, Prometheus sample values, Unix seconds),
// and the lenient reading of a core/v1 Pod. Each reports a problem through the Reader and
// carries on, so that one pass finds every error. Not thread-safe (one Reader per input).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hpad/policies/replica_calculator.h"
#include "hpad/policies/time.h"
#include "yaml_reader.h"
#include "yaml_tree.h"

namespace hpad::policies::detail {

// Seconds written as a number: "12", "-3.25", "1795295717.052" exactly (the ninth fractional
// digit rounded half up); other spellings ("1e-09", as a JSON writer may print a small double)
// through a double. nullopt for anything that is not a finite number within int64 seconds.
std::optional<Time> decimal_seconds(std::string_view text);

// A sample value as Prometheus writes it (a number, or "NaN", "+Inf", "-Inf", "Inf", quoted or
// not), or YAML's .nan / .inf / -.inf spellings when unquoted. nullopt for anything else
// ("inf", "nan" and "infinity", which std::from_chars would take, included).
std::optional<double> sample_value(const YamlNode& node);

// True if the mapping holds `key`, even with a null value.
bool written(const Fields& f, std::string_view key);

// An RFC 3339 time (time_format.h); null counts as absent.
std::optional<Time> read_time(Reader& r, const Fields& f, std::string_view key, bool required);
// true or false, unquoted (YAML's True/TRUE/False/FALSE too).
std::optional<bool> read_bool(Reader& r, const Fields& f, std::string_view key);
// An int32 >= 0.
std::optional<std::int32_t> read_count(Reader& r, const Fields& f, std::string_view key, bool required);
// A number >= 0, or > 0 when strict.
std::optional<double> read_bounded(Reader& r, const Fields& f, std::string_view key, bool strict);

// The fields of a Pod that decide() reads (DECIDE-API.md), nothing else: metadata.name
// (required), metadata.deletionTimestamp (set and not null = deleting), spec.containers[] and
// spec.initContainers[] with restartPolicy Always (name, resources.requests as quantities),
// status.phase (absent or unknown: kUnknown), status.startTime and the first Ready condition
// (status True/False/Unknown; lastTransitionTime absent: Go's zero time, as Kubernetes gives).
void read_pod(Reader& r, const YamlNode& node, const std::string& path, PodInfo& pod);

}  // namespace hpad::policies::detail
