// Checks the rule set's own examples (`keyward rules check`).
#include <set>

#include "keyward/matcher.h"

namespace keyward {

std::vector<ExampleFailure> CheckExamples(const Matcher& matcher) {
  std::vector<ExampleFailure> failures;
  auto scratch = matcher.NewScratch();
  const auto& rules = matcher.rules();
  std::vector<RuleMatch> found;
  for (uint32_t i = 0; i < rules.size(); i++) {
    const Rule& r = rules[i];
    for (const auto& ex : r.examples) {
      found.clear();
      if (Status s = matcher.Scan(ex, scratch.get(), &found); !s.ok()) {
        failures.push_back({r.id, r.origin, ex, s.ToString()});
        continue;
      }
      bool hit = false;
      std::set<std::string> others;
      for (const auto& m : found) {
        if (m.rule == i)
          hit = true;
        else
          others.insert(rules[m.rule].id);
      }
      if (!hit) {
        std::string reason = "example does not match its rule";
        if (!others.empty()) {
          reason += " (matched instead by";
          for (const auto& o : others) reason += " " + o;
          reason += ")";
        }
        failures.push_back({r.id, r.origin, ex, reason});
      }
    }
    for (const auto& ex : r.negative_examples) {
      found.clear();
      if (Status s = matcher.Scan(ex, scratch.get(), &found); !s.ok()) {
        failures.push_back({r.id, r.origin, ex, s.ToString()});
        continue;
      }
      for (const auto& m : found) {
        // A negative example speaks for its own rule. Another rule's match
        // counts unless that rule is scoped to file names (examples have no
        // path, so it would never run there) or is a generic rule judging a
        // provider's negative (a malformed token under `API_KEY=` is still
        // a secret-named value; generic rules carry their own negatives).
        // A demo value (m.weak) is kept at low confidence outside
        // configuration files, and an example has no path: low, hidden by
        // default, so it does not break a negative example.
        const Rule& other = rules[m.rule];
        if (m.weak) continue;
        if (m.rule != i &&
            (!other.paths.empty() || (other.generic && !r.generic))) {
          continue;
        }
        failures.push_back(
            {r.id, r.origin, ex,
             "negative example matches rule " + rules[m.rule].id});
      }
    }
  }
  return failures;
}

}  // namespace keyward
