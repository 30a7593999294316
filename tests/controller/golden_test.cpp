// Golden tests of the `hpad` binary itself, on the files kept in policies/examples/:
//   decisions/<name>.input.{json,yaml}  -> `hpad decide` prints <name>.decision.json, exit 0;
//   decisions/<name>.bad.{json,yaml}    -> `hpad decide` exits 2, stderr is <name>.errors;
//   *.yaml (example policies)           -> `hpad validate` exits 0, stdout is <name>.summary;
//   broken/<name>.yaml                  -> `hpad validate` exits 1, stderr is <name>.errors.
// Decisions are compared as JSON values (a mismatch prints both). HPAD_UPDATE_GOLDEN=1 rewrites
// the expected files from the binary's output instead of comparing: review the diff before
// committing it.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const fs::path kExamples = HPAD_EXAMPLES_DIR;

struct HpadRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// Runs `hpad <args> <file>` from the examples directory, so that file names in messages are
// relative and the expected files do not depend on where the repository is checked out.
HpadRun run_hpad(const std::string& args, const fs::path& file) {
  const fs::path err_file = fs::temp_directory_path() / ("hpad-golden-" + std::to_string(::getpid()) + ".err");
  const std::string command = "cd '" + kExamples.string() + "' && '" + std::string(HPAD_BINARY) + "' " + args + " '" +
                              fs::relative(file, kExamples).string() + "' 2>'" + err_file.string() + "'";
  HpadRun run;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "popen failed: " << command;
    return run;
  }
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
    run.out.append(buffer, n);
  }
  const int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.err = read_text(err_file);
  fs::remove(err_file);
  return run;
}

bool updating() {
  const char* update = std::getenv("HPAD_UPDATE_GOLDEN");
  return update != nullptr && std::string(update) == "1";
}

std::vector<fs::path> files_in(const fs::path& dir, const std::string& marker) {
  std::vector<fs::path> out;
  if (!fs::exists(dir)) {
    return out;
  }
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    const bool data = entry.path().extension() == ".json" || entry.path().extension() == ".yaml";
    if (entry.is_regular_file() && data && (marker.empty() || name.find(marker) != std::string::npos)) {
      out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// "decisions/web.input.json" -> "decisions/web" + suffix.
fs::path sibling(const fs::path& file, const std::string& suffix) {
  std::string stem = file.filename().string();
  stem = stem.substr(0, stem.find('.'));
  return file.parent_path() / (stem + suffix);
}

std::string test_name(const testing::TestParamInfo<fs::path>& param_info) {
  std::string name = param_info.param.filename().string();
  name = name.substr(0, name.find('.'));
  std::replace_if(
      name.begin(), name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) == 0; }, '_');
  return name;
}

// Text comparison (or update) of a run's stream with an expected file.
void expect_text(const fs::path& expected_file, const std::string& actual) {
  if (updating()) {
    write_text(expected_file, actual);
    return;
  }
  ASSERT_TRUE(fs::exists(expected_file)) << expected_file << " is missing (HPAD_UPDATE_GOLDEN=1 creates it)";
  EXPECT_EQ(actual, read_text(expected_file)) << "expected file: " << expected_file;
}

class DecideGolden : public testing::TestWithParam<fs::path> {};

TEST_P(DecideGolden, PrintsTheExpectedDecision) {
  const HpadRun run = run_hpad("decide", GetParam());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "");
  const fs::path expected_file = sibling(GetParam(), ".decision.json");
  const nlohmann::json actual = nlohmann::json::parse(run.out);
  if (updating()) {
    write_text(expected_file, run.out);  // the binary's own field order, as a person reads it
    return;
  }
  ASSERT_TRUE(fs::exists(expected_file)) << expected_file << " is missing (HPAD_UPDATE_GOLDEN=1 creates it)";
  const nlohmann::json expected = nlohmann::json::parse(read_text(expected_file));
  EXPECT_EQ(actual, expected) << "actual:\n"
                              << actual.dump(2) << "\ndiff (RFC 6902, expected -> actual):\n"
                              << nlohmann::json::diff(expected, actual).dump(2);
}

INSTANTIATE_TEST_SUITE_P(Examples, DecideGolden, testing::ValuesIn(files_in(kExamples / "decisions", ".input.")),
                         test_name);

class DecideBadInputGolden : public testing::TestWithParam<fs::path> {};

TEST_P(DecideBadInputGolden, ExitsTwoWithEveryError) {
  const HpadRun run = run_hpad("decide", GetParam());
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  expect_text(sibling(GetParam(), ".errors"), run.err);
}

INSTANTIATE_TEST_SUITE_P(Examples, DecideBadInputGolden, testing::ValuesIn(files_in(kExamples / "decisions", ".bad.")),
                         test_name);

class ValidateGolden : public testing::TestWithParam<fs::path> {};

TEST_P(ValidateGolden, AcceptsTheExamplePolicy) {
  const HpadRun run = run_hpad("validate", GetParam());
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "");
  expect_text(sibling(GetParam(), ".summary"), run.out);
}

INSTANTIATE_TEST_SUITE_P(Examples, ValidateGolden, testing::ValuesIn(files_in(kExamples, "")), test_name);

class ValidateBrokenGolden : public testing::TestWithParam<fs::path> {};

TEST_P(ValidateBrokenGolden, ReportsEveryErrorWithItsPosition) {
  const HpadRun run = run_hpad("validate", GetParam());
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, "");
  expect_text(sibling(GetParam(), ".errors"), run.err);
}

INSTANTIATE_TEST_SUITE_P(Examples, ValidateBrokenGolden, testing::ValuesIn(files_in(kExamples / "broken", "")),
                         test_name);

// The harness itself must not pass vacuously: the examples are there.
TEST(GoldenFiles, ExamplesExist) {
  EXPECT_GE(files_in(kExamples / "decisions", ".input.").size(), 6U);
  EXPECT_GE(files_in(kExamples / "decisions", ".bad.").size(), 1U);
  EXPECT_GE(files_in(kExamples, "").size(), 3U);
  EXPECT_GE(files_in(kExamples / "broken", "").size(), 2U);
}

}  // namespace
