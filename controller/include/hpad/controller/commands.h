// hpad's offline subcommands as functions of their streams, so that tests drive them exactly as
// the binary does: `hpad decide` (DecisionInput -> Decision JSON), `hpad validate` (policy files
// -> a summary line each, or every error) and `hpad version`. They return the process exit code
// and never throw; what they print to `out` is the only machine-readable output.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "hpad/policies/decision.h"
#include "hpad/policies/policy.h"

namespace hpad::controller {

// Exit codes shared by the subcommands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalid = 1;   // validate: at least one file has errors
inline constexpr int kExitBadInput = 2;  // decide: the input cannot be read or is invalid

struct DecideOptions {
  std::string file;      // "" or "-": standard input
  bool compact = false;  // one line of JSON instead of indented JSON
  bool explain = false;  // a few lines a person reads, instead of JSON
};

// Reads a DecisionInput (JSON or YAML) from options.file or `in`, runs decide(), prints the
// Decision as JSON to `out`. Bad input: every error, one per line as file:line:col: path: message,
// to `err`, and kExitBadInput.
int run_decide(const DecideOptions& options, std::istream& in, std::ostream& out, std::ostream& err);

// For each file (YAML or JSON, one or more policies): a one-line summary of each valid policy to
// `out`; every error of every file to `err`. kExitOk when every file was read and is valid.
int run_validate(const std::vector<std::string>& files, std::ostream& out, std::ostream& err);

// "hpad <version>".
int run_version(std::ostream& out);

// What `hpad decide --explain` prints: the decision, each metric, the stages, the conditions.
std::string explain(const policies::Decision& decision);

// The one-line summary run_validate prints for a valid policy (after "<file>: ").
std::string summarize(const policies::Policy& policy);

}  // namespace hpad::controller
