// Checks the rule set's own examples (`keyward rules check`).
#include <re2/re2.h>

#include <set>

#include "keyward/matcher.h"

namespace keyward {
namespace {

// A trigger stands in for its pattern in Hyperscan, so it must match
// wherever the pattern matches, ending where it ends. Returns "" when it
// does on `text`, else why not.
std::string TriggerMisses(const Rule& r, const std::string& text) {
  RE2::Options opts;
  opts.set_encoding(RE2::Options::EncodingLatin1);
  opts.set_log_errors(false);
  RE2 pattern(r.pattern, opts);
  RE2 ends_here("(?:" + r.trigger + ")\\z", opts);
  if (!pattern.ok() || !ends_here.ok()) return "pattern or trigger invalid";
  re2::StringPiece sp(text), whole;
  size_t pos = 0;
  while (pos <= text.size() &&
         pattern.Match(sp, pos, text.size(), RE2::UNANCHORED, &whole, 1)) {
    size_t end = whole.data() - text.data() + whole.size();
    re2::StringPiece before(text.data(), end);
    if (!RE2::PartialMatch(before, ends_here)) {
      return "the trigger does not match where the pattern's match ends (at "
             "byte " +
             std::to_string(end) + ")";
    }
    pos = whole.empty() ? end + 1 : end;
  }
  return "";
}

// A file name that `glob` matches (a rule's `paths:`): `*` and `?` as one
// `x`, a bracket as its first character. A file-format rule's examples are
// checked as such a file, where it runs and other formats' rules do not.
std::string PathOfGlob(const std::string& glob) {
  std::string out;
  for (size_t i = 0; i < glob.size(); i++) {
    char c = glob[i];
    if (c == '*' || c == '?') {
      out += 'x';
    } else if (c == '[') {
      size_t j = i + 1;
      if (j < glob.size() && (glob[j] == '!' || glob[j] == '^')) {
        out += '_';  // a negated class: a character it rarely excludes
      } else if (j < glob.size()) {
        out += glob[j];
      }
      size_t close = glob.find(']', j + 1);
      if (close == std::string::npos) break;
      i = close;
    } else if (c == '\\' && i + 1 < glob.size()) {
      out += glob[++i];
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::vector<ExampleFailure> CheckExamples(const Matcher& matcher) {
  std::vector<ExampleFailure> failures;
  auto scratch = matcher.NewScratch();
  const auto& rules = matcher.rules();
  std::vector<RuleMatch> found;
  for (uint32_t i = 0; i < rules.size(); i++) {
    const Rule& r = rules[i];
    // Examples have no file: a file-format rule's are read as a file of its
    // first glob, the others' as text of no file format.
    const std::string path = r.paths.empty()
                                 ? std::string(Matcher::kNoFileFormatRules)
                                 : PathOfGlob(r.paths.front());
    for (const auto& ex : r.examples) {
      if (!r.trigger.empty()) {
        if (std::string why = TriggerMisses(r, ex); !why.empty()) {
          failures.push_back({r.id, r.origin, ex, why});
          continue;
        }
      }
      found.clear();
      if (Status s = matcher.Scan(ex, scratch.get(), &found, path); !s.ok()) {
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
      if (Status s = matcher.Scan(ex, scratch.get(), &found, path); !s.ok()) {
        failures.push_back({r.id, r.origin, ex, s.ToString()});
        continue;
      }
      for (const auto& m : found) {
        // A negative example speaks for its own rule. Another rule's match
        // counts unless that rule is scoped to file names (another format's
        // file may hold the same line) or is a generic rule judging a
        // provider's negative (a malformed token under `API_KEY=` is still
        // a secret-named value; generic rules carry their own negatives).
        // A demo value (m.weak) is kept at low confidence outside
        // configuration files, and an example is judged without its path's
        // context: low, hidden by default, so it does not break a negative
        // example.
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
