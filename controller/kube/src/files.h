// Internal: reading the small files hpad::kube needs (kubeconfigs, certificates, tokens), with a
// size bound so that a wrong path (a device, a huge log) cannot exhaust memory.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "hpad/kube/result.h"

namespace hpad::kube::detail {

inline constexpr std::size_t kMaxConfigFileBytes = 4 * 1024 * 1024;

// The whole file, or an error `<what> "<path>": <reason>` (e.g. "No such file or directory").
Result<std::string> read_small_file(const std::filesystem::path& path, const std::string& what,
                                    std::size_t max_bytes = kMaxConfigFileBytes);

// `text` without leading and trailing ASCII whitespace (Go's strings.TrimSpace for ASCII).
std::string trim_space(std::string_view text);

}  // namespace hpad::kube::detail
