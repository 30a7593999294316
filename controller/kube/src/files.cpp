// See files.h.
#include "files.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <system_error>

namespace hpad::kube::detail {

Result<std::string> read_small_file(const std::filesystem::path& path, const std::string& what, std::size_t max_bytes) {
  const std::string where = what + " \"" + path.string() + "\": ";
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec) {
    return make_error(where + ec.message());
  }
  if (std::filesystem::is_directory(status)) {
    return make_error(where + "is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error(where + std::strerror(errno));
  }
  std::string text;
  char buffer[64 * 1024];
  while (in) {
    in.read(buffer, sizeof buffer);
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_bytes) {
      return make_error(where + "larger than " + std::to_string(max_bytes) + " bytes");
    }
  }
  if (in.bad()) {
    return make_error(where + "read error");
  }
  return text;
}

std::string trim_space(std::string_view text) {
  const auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
  };
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && is_space(text[begin])) {
    ++begin;
  }
  while (end > begin && is_space(text[end - 1])) {
    --end;
  }
  return std::string(text.substr(begin, end - begin));
}

}  // namespace hpad::kube::detail
