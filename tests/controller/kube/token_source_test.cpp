// hpad::kube::TokenSource: when a rotated service account token is picked up (after 50 s, as
// client-go's CachedFileTokenSource with its 60 s period and 10 s leeway, or at once after a 401),
// and what is served when the file cannot be read. Each case is a script of steps on a fake clock.
#include "hpad/kube/token_source.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "hpad/test_support/subprocess.h"

namespace hpad::kube {
namespace {

using std::chrono::seconds;
using ::testing::HasSubstr;

struct Step {
  enum class Kind { kWriteFile, kRemoveFile, kAdvance, kExpectToken, kExpectError, kUnauthorized };
  Kind kind;
  std::string text{};  // file content, expected token, or expected error part
  seconds amount{0};   // kAdvance: by how much; kUnauthorized: request start, from the epoch
};

Step write(std::string text) {
  return {Step::Kind::kWriteFile, std::move(text)};
}
Step remove_file() {
  return {Step::Kind::kRemoveFile};
}
Step advance(seconds by) {
  return {Step::Kind::kAdvance, "", by};
}
Step expect_token(std::string token) {
  return {Step::Kind::kExpectToken, std::move(token)};
}
Step expect_error(std::string part) {
  return {Step::Kind::kExpectError, std::move(part)};
}
Step unauthorized(seconds request_start) {
  return {Step::Kind::kUnauthorized, "", request_start};
}

struct TokenCase {
  std::string name{};
  std::string initial_token{};
  std::vector<Step> steps{};
};

class TokenSourceScript : public ::testing::TestWithParam<TokenCase> {};

TEST_P(TokenSourceScript, ServesTheTokenClientGoWould) {
  const TokenCase& c = GetParam();
  test_support::TempDir dir("hpad-token");
  const auto path = dir.path() / "token";
  const std::chrono::steady_clock::time_point epoch{};
  auto now = epoch;
  TokenSource source(path, c.initial_token, [&now] { return now; });
  for (std::size_t i = 0; i < c.steps.size(); ++i) {
    const Step& step = c.steps[i];
    SCOPED_TRACE("step " + std::to_string(i));
    switch (step.kind) {
      case Step::Kind::kWriteFile:
        std::ofstream(path) << step.text;
        break;
      case Step::Kind::kRemoveFile:
        std::filesystem::remove(path);
        break;
      case Step::Kind::kAdvance:
        now += step.amount;
        break;
      case Step::Kind::kExpectToken: {
        const auto got = source.token();
        ASSERT_TRUE(ok(got)) << error(got).message;
        EXPECT_EQ(value(got), step.text);
        break;
      }
      case Step::Kind::kExpectError: {
        const auto got = source.token();
        ASSERT_FALSE(ok(got)) << value(got);
        EXPECT_THAT(error(got).message, HasSubstr(step.text));
        break;
      }
      case Step::Kind::kUnauthorized:
        source.report_unauthorized(epoch + step.amount);
        break;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, TokenSourceScript,
    ::testing::Values(
        TokenCase{"ReadsTheFileTrimmed", "", {write("one\n"), expect_token("one")}},
        TokenCase{"KeepsTheCachedTokenFor50Seconds",
                  "",
                  {write("one"), expect_token("one"), write("two"), advance(seconds(49)),
                   expect_token("one"),  // 49 s < 60 s period - 10 s leeway
                   advance(seconds(1)), expect_token("two")}},
        TokenCase{"UnauthorizedAfterTheReadDropsTheToken",
                  "",
                  {write("one"), expect_token("one"), write("two"), advance(seconds(5)),
                   unauthorized(seconds(5)),  // the request started after "one" was read
                   expect_token("two")}},
        TokenCase{"UnauthorizedForARequestOlderThanTheTokenKeepsIt",
                  "",
                  {write("one"), advance(seconds(10)), expect_token("one"),  // read at 10 s
                   write("two"),
                   unauthorized(seconds(3)),  // a request that started at 3 s used an older token
                   expect_token("one"),
                   unauthorized(seconds(10)),  // started at the very read: not older, kept (client-go: Before)
                   expect_token("one")}},
        TokenCase{"ReadFailureKeepsTheLastGoodToken",
                  "",
                  {write("one"), expect_token("one"), remove_file(), advance(seconds(120)), expect_token("one")}},
        TokenCase{"EmptyFileKeepsTheLastGoodToken",
                  "",
                  {write("one"), expect_token("one"), write("  \n"), advance(seconds(60)), expect_token("one")}},
        TokenCase{"NoFileFallsBackToTheInitialToken", "from-kubeconfig", {expect_token("from-kubeconfig")}},
        TokenCase{"AfterAResetAMissingFileFallsBackToTheInitialToken",
                  "from-kubeconfig",
                  {write("one"), expect_token("one"), remove_file(), advance(seconds(1)), unauthorized(seconds(1)),
                   expect_token("from-kubeconfig")}},
        TokenCase{"NoFileAndNoInitialTokenNamesTheFile", "", {expect_error("token\": No such file or directory")}},
        TokenCase{"EmptyFileAndNoInitialToken", "", {write("\n"), expect_error("read empty token from file")}}),
    [](const auto& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace hpad::kube
