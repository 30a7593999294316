// hpad::kube::TokenSource from many threads while the token file is rotated (replaced by rename,
// as the kubelet's atomic writer does) and 401s are reported: every call gets a whole token that
// was once in the file, never a torn or empty one. Runs under ThreadSanitizer in CI.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "hpad/kube/token_source.h"
#include "hpad/test_support/subprocess.h"

namespace hpad::kube {
namespace {

TEST(TokenSourceConcurrent, ReadersSeeOnlyWholeTokensDuringRotation) {
  test_support::TempDir dir("hpad-token-concurrent");
  const auto path = dir.path() / "token";
  const auto rotate = [&](int generation) {
    const auto staging = dir.path() / "token.new";
    std::ofstream(staging) << "token-" << generation << "\n";
    std::filesystem::rename(staging, path);
  };
  rotate(0);
  std::atomic<std::int64_t> now_ms{0};
  const std::chrono::steady_clock::time_point epoch{};
  TokenSource source(path, "", [&] { return epoch + std::chrono::milliseconds(now_ms.load()); });

  constexpr int kGenerations = 50;
  std::atomic<bool> done{false};
  std::vector<std::thread> readers;
  std::vector<std::set<std::string>> seen(4);
  for (std::size_t r = 0; r < seen.size(); ++r) {
    readers.emplace_back([&, r] {
      while (!done.load()) {
        const auto token = source.token();
        ASSERT_TRUE(ok(token)) << error(token).message;
        seen[r].insert(value(token));
        source.report_unauthorized(epoch + std::chrono::milliseconds(now_ms.load()));
      }
    });
  }
  for (int generation = 1; generation <= kGenerations; ++generation) {
    rotate(generation);
    now_ms += 60'000;  // past the re-read period
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  done = true;
  for (auto& reader : readers) {
    reader.join();
  }
  std::set<std::string> valid;
  for (int generation = 0; generation <= kGenerations; ++generation) {
    valid.insert("token-" + std::to_string(generation));
  }
  for (const auto& tokens : seen) {
    for (const auto& token : tokens) {
      EXPECT_TRUE(valid.count(token) == 1) << "torn or unknown token \"" << token << "\"";
    }
  }
}

}  // namespace
}  // namespace hpad::kube
