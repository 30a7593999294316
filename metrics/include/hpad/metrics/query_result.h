// The pure parser of Prometheus HTTP API instant-query responses (/api/v1/query): it turns an
// HTTP status and a body, whatever they hold, into either the query's numbers (QueryData) or a
// typed error (QueryError) that a person can read and the controller can act on. Transport
// (cpprestsdk, timeouts, connection refused) lives elsewhere; this file never does I/O.
//
// Shapes accepted (Prometheus 2.42, see TOOLCHAIN.md):
//   {"status":"success","data":{"resultType":"vector","result":[{"metric":{...},"value":[ts,"42"]}]},
//    "warnings":["..."]}
//   {"status":"success","data":{"resultType":"scalar","result":[ts,"42"]}}
//   {"status":"error","errorType":"bad_data","error":"..."}   (usually HTTP 400/422/503)
// A "matrix" (range vector) or "string" result is rejected (kUnsupportedResult): hpad needs an
// instant number.
//
// Thread-safety: parse_query_response and to_string are pure functions of their arguments
// (no globals, no state), so any number of threads may call them at once.
// Work bounds: O(n log n) time and O(n) memory in the body's length n; JSON nested deeper than
// kMaxJsonDepth is rejected as soon as the parser reaches that depth, so a body of 100,000 '['
// costs 32 steps, not a deep recursion. The body's size is not bounded here: the transport
// caps what it reads. Error messages are bounded (kExcerptBytes for bodies, kMessageBytes for
// everything else), one line, and valid UTF-8.
// No exception escapes: nlohmann::json's are caught inside (std::bad_alloc included, reported
// as kMalformed).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace hpad::metrics {

inline constexpr int kMaxJsonDepth = 32;            // a real response nests 5 levels (data.result[i].metric)
inline constexpr std::size_t kExcerptBytes = 512;   // of a non-Prometheus body (an HTML 502 page)
inline constexpr std::size_t kMessageBytes = 2048;  // of Prometheus' own "error" text

struct Sample {
  std::map<std::string, std::string> labels;  // empty for a scalar and for e.g. sum(); valid UTF-8
  double value;      // NaN and ±Inf occur ("NaN", "+Inf", "-Inf"); the caller decides what they mean
  double timestamp;  // evaluation time, Unix seconds as Prometheus wrote it; always finite
};

enum class ResultType : std::uint8_t { kVector, kScalar, kMatrix, kString };

struct QueryData {
  // Only kVector or kScalar: a matrix or string result is a QueryError.
  ResultType type = ResultType::kVector;
  // kVector: one sample per series, in Prometheus' order. kScalar: exactly one, without labels.
  std::vector<Sample> samples;
  std::vector<std::string> warnings;  // Prometheus' "warnings", verbatim, e.g. partial data

  // The query matched no series: an explicit, normal outcome (hold or fail is the caller's call).
  bool no_data() const { return type == ResultType::kVector && samples.empty(); }
};

enum class QueryErrorKind : std::uint8_t {
  kBadData,            // errorType "bad_data": the PromQL does not parse or its parameters are wrong
  kExecution,          // "execution": evaluation failed (e.g. many-to-many matching)
  kTimeout,            // "timeout": the query hit Prometheus' -query.timeout
  kCanceled,           // "canceled"
  kUnavailable,        // "unavailable": e.g. the TSDB is not ready yet
  kInternal,           // "internal"
  kNotFound,           // "not_found"
  kHttpStatus,         // a non-2xx answer without a Prometheus error body (a proxy's 502 page)
  kMalformed,          // anything else: not JSON, truncated, wrong shapes, an unknown errorType,
                       // "success" with a non-2xx status
  kUnsupportedResult,  // a well-formed matrix or string result: the PromQL asks for the wrong type
  // Transport (set by the client, never by parse_query_response; http_status is 0):
  kConnection,        // refused, reset, unresolvable, TLS handshake or certificate failure
  kRequestTimeout,    // no complete answer within the client's timeout
  kResponseTooLarge,  // the body exceeded the client's cap (message says the cap)
  kClientConfig,      // the request could not be made: bad URL, unreadable credentials file
};

struct QueryError {
  QueryErrorKind kind;
  int http_status;
  std::string error_type;  // Prometheus' errorType as sent; empty when the body had none
  // Prometheus' "error" text; for kHttpStatus an excerpt of the body (at most kExcerptBytes);
  // for kMalformed what was wrong, e.g. `expected "data.result" to be an array`.
  std::string message;
};

using QueryOutcome = std::variant<QueryData, QueryError>;

// One line, e.g. `Prometheus: bad_data (HTTP 400): 1:5: parse error: unexpected ...`,
// `Prometheus: HTTP 502: <excerpt>`, `Prometheus: malformed response: expected "data" ...`,
// `Prometheus: connection failed: Connection refused`.
// Never empty, never contains a line break or another control character, valid UTF-8.
std::string to_string(const QueryError& error);

// `text` made fit for a one-line message: blanks and control characters folded into single
// spaces, invalid UTF-8 replaced by '?', cut at a character boundary to at most `max_bytes` with
// "..." marking the cut. What every message in hpad::metrics quotes from outside goes through it.
std::string one_line_excerpt(std::string_view text, std::size_t max_bytes);

// Never throws. Duplicate keys in any JSON object (two "job" labels in one series) are
// malformed: Prometheus never sends them and we cannot tell which one was meant.
QueryOutcome parse_query_response(int http_status, std::string_view body);

}  // namespace hpad::metrics
