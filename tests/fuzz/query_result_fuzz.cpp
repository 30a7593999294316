// libFuzzer target: Prometheus instant-query responses. The first 2 bytes are the HTTP status
// (big-endian, so any int from 0 to 65535 occurs), the rest is the body. Beyond "no crash, no
// UB, no leak": nothing throws; data is a vector or one unlabelled scalar sample with finite
// timestamps, and only for a 2xx status; an error prints as one non-empty line of valid UTF-8,
// and a body excerpt stays within kExcerptBytes.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <variant>

#include "hpad/metrics/query_result.h"

namespace {

[[noreturn]] void fail(const std::string& what, int status, std::string_view body) {
  std::cerr << "query_result_fuzz: " << what << "\nstatus " << status << ", body:\n" << body << "\n";
  std::abort();
}

// UTF-8 as RFC 3629 defines it (no overlongs, no surrogates, nothing above U+10FFFF), written
// apart from the parser's own check so that a bug there is not repeated here.
bool valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t extra = 0;
    std::uint32_t code = 0;
    if (lead < 0x80) {
      code = lead;
    } else if ((lead & 0xE0U) == 0xC0U) {
      extra = 1;
      code = lead & 0x1FU;
    } else if ((lead & 0xF0U) == 0xE0U) {
      extra = 2;
      code = lead & 0x0FU;
    } else if ((lead & 0xF8U) == 0xF0U) {
      extra = 3;
      code = lead & 0x07U;
    } else {
      return false;
    }
    if (i + extra >= text.size()) {  // the sequence runs past the end
      return false;
    }
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0U) != 0x80U) {
        return false;
      }
      code = (code << 6U) | (next & 0x3FU);
    }
    constexpr std::uint32_t kMinimum[] = {0, 0x80, 0x800, 0x10000};
    if (code < kMinimum[extra] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) {
    return 0;
  }
  const int status = data[0] * 256 + data[1];
  const std::string_view body(reinterpret_cast<const char*>(data) + 2, size - 2);
  hpad::metrics::QueryOutcome outcome;
  try {
    outcome = hpad::metrics::parse_query_response(status, body);
  } catch (const std::exception& e) {
    fail(std::string("parse_query_response threw: ") + e.what(), status, body);
  }
  if (const auto* query = std::get_if<hpad::metrics::QueryData>(&outcome)) {
    if (status < 200 || status > 299) {
      fail("data from a non-2xx response", status, body);
    }
    if (query->type == hpad::metrics::ResultType::kScalar) {
      if (query->samples.size() != 1 || !query->samples[0].labels.empty()) {
        fail("a scalar that is not exactly one unlabelled sample", status, body);
      }
    } else if (query->type != hpad::metrics::ResultType::kVector) {
      fail("data that is neither a vector nor a scalar", status, body);
    }
    for (const hpad::metrics::Sample& sample : query->samples) {
      if (!std::isfinite(sample.timestamp)) {
        fail("a sample with a timestamp that is not finite", status, body);
      }
    }
    return 0;
  }
  const auto& error = std::get<hpad::metrics::QueryError>(outcome);
  const std::string line = hpad::metrics::to_string(error);
  if (line.empty() || line.find_first_of("\n\r") != std::string::npos || !valid_utf8(line)) {
    fail("to_string is not one non-empty line of UTF-8: " + line, status, body);
  }
  if (error.kind == hpad::metrics::QueryErrorKind::kHttpStatus && error.message.size() > hpad::metrics::kExcerptBytes) {
    fail("a body excerpt longer than kExcerptBytes", status, body);
  }
  return 0;
}
