// libFuzzer target: policy files (YAML or JSON, chosen as `hpad validate` chooses). Beyond "no
// crash, no UB, no leak": every policy the parser accepts passes validate_policy, and writing it
// as JSON and reading that back gives a policy that writes the same JSON (nothing lost).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

#include "hpad/policies/decision_json.h"
#include "hpad/policies/policy_parser.h"

namespace {

[[noreturn]] void fail(const std::string& what, std::string_view input) {
  std::cerr << "policy_parser_fuzz: " << what << "\ninput:\n" << input << "\n";
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const hpad::policies::ParseResult result = hpad::policies::parse_policies(text, "fuzz.yaml");
  for (const hpad::policies::Policy& policy : result.policies) {
    if (!hpad::policies::validate_policy(policy, "fuzz.yaml").empty()) {
      fail("an accepted policy fails validation", text);
    }
    const std::string json = hpad::policies::to_json(policy).dump();
    const hpad::policies::ParseResult again = hpad::policies::parse_policies_json(json, "again.json");
    if (!again.ok() || again.policies.size() != 1) {
      fail("the JSON written for an accepted policy does not read back:\n" + json + "\n" +
               (again.errors.empty() ? std::string() : again.errors[0].to_string()),
           text);
    }
    if (hpad::policies::to_json(again.policies[0]).dump() != json) {
      fail("the policy changed in a JSON round trip:\n" + json, text);
    }
  }
  return 0;
}
