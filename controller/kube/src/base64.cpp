// See base64.h. One pass over the input, O(n), no allocation beyond the output.
#include "hpad/kube/base64.h"

#include <cstddef>
#include <cstdint>

namespace hpad::kube {
namespace {

// The 6-bit value of a base64 alphabet character, or -1.
int sextet(char c) {
  if (c >= 'A' && c <= 'Z') {
    return c - 'A';
  }
  if (c >= 'a' && c <= 'z') {
    return c - 'a' + 26;
  }
  if (c >= '0' && c <= '9') {
    return c - '0' + 52;
  }
  if (c == '+') {
    return 62;
  }
  if (c == '/') {
    return 63;
  }
  return -1;
}

Error invalid_at(std::size_t offset) {
  return make_error("invalid base64 at offset " + std::to_string(offset));
}

}  // namespace

Result<std::string> base64_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size() / 4 * 3);
  std::uint32_t group = 0;  // up to four sextets, accumulated
  int in_group = 0;         // sextets in `group`
  int padding = 0;          // '=' seen; only whitespace-free '=' may follow the first one
  std::size_t last_offset = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\r' || c == '\n') {
      continue;
    }
    last_offset = i;
    if (c == '=') {
      // Padding completes a group of 2 or 3 sextets; nothing but more padding may follow.
      if (in_group + padding < 2) {
        return invalid_at(i);
      }
      ++padding;
      if (in_group + padding > 4) {
        return invalid_at(i);
      }
      continue;
    }
    const int v = sextet(c);
    if (v < 0 || padding > 0) {
      return invalid_at(i);
    }
    group = (group << 6) | static_cast<std::uint32_t>(v);
    if (++in_group == 4) {
      out.push_back(static_cast<char>((group >> 16) & 0xFF));
      out.push_back(static_cast<char>((group >> 8) & 0xFF));
      out.push_back(static_cast<char>(group & 0xFF));
      group = 0;
      in_group = 0;
    }
  }
  if (in_group == 0 && padding == 0) {
    return out;
  }
  if (in_group + padding != 4) {
    // A truncated final group (missing padding, or a lone sextet).
    return invalid_at(last_offset + 1);
  }
  if (in_group == 2) {
    out.push_back(static_cast<char>((group >> 4) & 0xFF));
  } else {  // in_group == 3
    out.push_back(static_cast<char>((group >> 10) & 0xFF));
    out.push_back(static_cast<char>((group >> 2) & 0xFF));
  }
  return out;
}

}  // namespace hpad::kube
