// The `hpad` binary: wires the command line (CLI11) to the subcommands in commands.h. No logic
// lives here.
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>
#include <vector>

#include "hpad/controller/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"hpad: an autoscaling controller for Kubernetes that explains every decision"};
  app.require_subcommand(1);

  hpad::controller::DecideOptions decide;
  CLI::App* decide_cmd =
      app.add_subcommand("decide", "Run one decision offline: DecisionInput (JSON or YAML) in, Decision JSON out");
  decide_cmd->add_option("file", decide.file, "DecisionInput file; standard input when absent or '-'");
  decide_cmd->add_flag("--compact", decide.compact, "Print the Decision on one line");
  decide_cmd->add_flag("--explain", decide.explain, "Print the Decision for a person to read instead of JSON");

  std::vector<std::string> files;
  CLI::App* validate_cmd =
      app.add_subcommand("validate", "Check ScalingPolicy files (YAML or JSON); print a summary or every error");
  validate_cmd->add_option("files", files, "Policy files")->required();

  CLI::App* version_cmd = app.add_subcommand("version", "Print hpad's version");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : hpad::controller::kExitBadInput;  // usage errors: 2, as most CLIs
  }
  if (*decide_cmd) {
    return hpad::controller::run_decide(decide, std::cin, std::cout, std::cerr);
  }
  if (*validate_cmd) {
    return hpad::controller::run_validate(files, std::cout, std::cerr);
  }
  if (*version_cmd) {
    return hpad::controller::run_version(std::cout);
  }
  return 0;
}
