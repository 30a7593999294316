// Kubernetes label selectors as they travel in a query string (`app=web`, `app in (a,b)`,
// `tier!=db`, `!canary`, `env`), parsed once and matched against an object's labels. Pure values:
// thread-safe. Grammar as k8s.io/apimachinery/pkg/labels: requirements separated by ',', all
// must hold; an empty selector matches everything.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace hpad::sim {

struct LabelRequirement {
  enum class Op { kEquals, kNotEquals, kIn, kNotIn, kExists, kDoesNotExist };
  std::string key;
  Op op = Op::kExists;
  std::vector<std::string> values;  // one for (not) equals, a set for (not) in, none otherwise
};

class LabelSelector {
 public:
  // Returns the selector or a message saying what is wrong with `text`.
  static std::variant<LabelSelector, std::string> parse(std::string_view text);
  bool matches(const std::map<std::string, std::string>& labels) const;
  const std::vector<LabelRequirement>& requirements() const { return requirements_; }

 private:
  std::vector<LabelRequirement> requirements_;
};

}  // namespace hpad::sim
