// Parsing one rule or filter from YAML and checking its regexes
// (rules/rule_parse.h), for RuleSet (rules/rule_set.cc).
#include "rules/rule_parse.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "keyward/finding.h"
#include "rules/validators.h"

namespace keyward {
static const std::set<std::string>& KnownRuleFields() {
  // clang-format off
  static const std::set<std::string> fields = {
      "id",         "name",        "provider",
      "kind",       "severity",    "confidence",
      "pattern",    "prefix",      "min_entropy",
      "filters",    "allow",       "stopwords",
      "require",    "min_classes", "generic", "fallback",
      "supersedes", "examples",    "negative_examples",
      "references", "revoke",      "description",
      "tags",       "max_chars_per_token", "validate",
      "paths",      "max_window",  "verify",
      "trigger",    "max_confidence"};
  // clang-format on
  return fields;
}

static const std::set<std::string>& KnownClasses() {
  static const std::set<std::string> classes = {"lower", "upper", "digit",
                                                "letter", "symbol"};
  return classes;
}

std::string RuleWhere(const std::string& origin, const YAML::Node& node) {
  return origin + ":" + std::to_string(node.Mark().line + 1);
}

// Reads a scalar or a list of scalars.
static Status ReadStrings(const YAML::Node& node, const std::string& what,
                          const std::string& where,
                          std::vector<std::string>* out) {
  out->clear();
  if (node.IsScalar()) {
    out->push_back(node.as<std::string>());
    return Status::OK();
  }
  if (!node.IsSequence()) {
    return Status::Config(where + ": `" + what + "` must be a list of strings");
  }
  for (const auto& item : node) {
    if (!item.IsScalar()) {
      return Status::Config(where + ": `" + what +
                            "` must be a list of strings");
    }
    out->push_back(item.as<std::string>());
  }
  return Status::OK();
}

Status ParseFilterNode(const YAML::Node& node, const std::string& origin,
                       SecretFilter* out) {
  std::string where = RuleWhere(origin, node);
  if (!node.IsMap()) return Status::Config(where + ": a filter must be a map");
  for (const auto& kv : node) {
    std::string key = kv.first.as<std::string>();
    Status s;
    if (key == "name") {
      out->name = kv.second.as<std::string>();
    } else if (key == "allow") {
      s = ReadStrings(kv.second, key, RuleWhere(origin, kv.second),
                      &out->allow);
    } else if (key == "stopwords") {
      s = ReadStrings(kv.second, key, RuleWhere(origin, kv.second),
                      &out->stopwords);
    } else if (key == "when_key") {
      if (!kv.second.IsScalar()) {
        return Status::Config(RuleWhere(origin, kv.second) +
                              ": `when_key` must be a regex string");
      }
      out->when_key = kv.second.as<std::string>();
    } else if (key == "needs_key") {
      out->needs_key = kv.second.as<bool>();
    } else if (key == "lowers") {
      out->lowers = kv.second.as<bool>();
    } else if (key == "overrides") {
      s = ReadStrings(kv.second, key, RuleWhere(origin, kv.second),
                      &out->overrides);
    } else if (key == "description") {
    } else {
      return Status::Config(RuleWhere(origin, kv.first) +
                            ": unknown filter field `" + key + "`");
    }
    if (!s.ok()) return s;
  }
  if (out->name.empty()) return Status::Config(where + ": filter without name");
  if (out->needs_key && out->when_key.empty()) {
    return Status::Config(where + ": filter " + out->name +
                          ": `needs_key` without `when_key`: no key to need");
  }
  for (auto& w : out->stopwords) {
    std::transform(w.begin(), w.end(), w.begin(), ::tolower);
  }
  return Status::OK();
}

Status ParseRuleNode(const YAML::Node& node, const std::string& origin,
                     Rule* rule) {
  std::string where = RuleWhere(origin, node);
  if (!node.IsMap()) return Status::Config(where + ": a rule must be a map");
  if (node["id"] && node["id"].IsScalar())
    rule->id = node["id"].as<std::string>();
  std::string label = where + ": rule " + (rule->id.empty() ? "?" : rule->id);
  rule->origin = where;
  for (const auto& kv : node) {
    std::string key = kv.first.as<std::string>();
    std::string at = RuleWhere(origin, kv.first) + ": rule " +
                     (rule->id.empty() ? "?" : rule->id);
    if (!KnownRuleFields().count(key)) {
      return Status::Config(at + ": unknown field `" + key + "`");
    }
    const YAML::Node& v = kv.second;
    Status s;
    try {
      if (key == "id") {
      } else if (key == "name") {
        rule->name = v.as<std::string>();
      } else if (key == "provider") {
        rule->provider = v.as<std::string>();
      } else if (key == "kind") {
        rule->kind = v.as<std::string>();
      } else if (key == "severity") {
        if (!ParseSeverity(v.as<std::string>(), &rule->severity)) {
          return Status::Config(at +
                                ": severity must be low, medium, high or "
                                "critical, not `" +
                                v.as<std::string>() + "`");
        }
      } else if (key == "confidence") {
        rule->confidence = v.as<std::string>();
        if (rule->confidence != "high" && rule->confidence != "medium" &&
            rule->confidence != "low") {
          return Status::Config(at +
                                ": confidence must be high, medium or low");
        }
      } else if (key == "pattern") {
        rule->pattern = v.as<std::string>();
      } else if (key == "trigger") {
        rule->trigger = v.as<std::string>();
      } else if (key == "prefix") {
        rule->prefix = v.as<std::string>();
      } else if (key == "min_entropy") {
        rule->min_entropy = v.as<double>();
      } else if (key == "max_chars_per_token") {
        rule->max_chars_per_token = v.as<double>();
        if (!(rule->max_chars_per_token >= 0)) {
          return Status::Config(at + ": max_chars_per_token must be >= 0");
        }
      } else if (key == "filters") {
        s = ReadStrings(v, key, at, &rule->filters);
      } else if (key == "allow") {
        s = ReadStrings(v, key, at, &rule->inline_filter.allow);
      } else if (key == "stopwords") {
        s = ReadStrings(v, key, at, &rule->inline_filter.stopwords);
        for (auto& w : rule->inline_filter.stopwords) {
          std::transform(w.begin(), w.end(), w.begin(), ::tolower);
        }
      } else if (key == "require") {
        s = ReadStrings(v, key, at, &rule->require);
        for (const auto& c : rule->require) {
          if (!KnownClasses().count(c)) {
            return Status::Config(at + ": unknown character class `" + c +
                                  "` in require (lower, upper, digit, letter, "
                                  "symbol)");
          }
        }
      } else if (key == "min_classes") {
        rule->min_classes = v.as<int>();
      } else if (key == "generic") {
        rule->generic = v.as<bool>();
      } else if (key == "fallback") {
        rule->fallback = v.as<bool>();
      } else if (key == "supersedes") {
        s = ReadStrings(v, key, at, &rule->supersedes);
      } else if (key == "validate") {
        s = ReadStrings(v, key, at, &rule->validate);
        for (const auto& name : rule->validate) {
          if (!s.ok()) break;
          if (!FindValidator(name)) {
            return Status::Config(at + ": unknown validator `" + name +
                                  "` in validate (known: " + ValidatorNames() +
                                  ")");
          }
        }
      } else if (key == "max_confidence") {
        rule->max_confidence = v.as<std::string>();
        if (rule->max_confidence != "high" &&
            rule->max_confidence != "medium" && rule->max_confidence != "low") {
          return Status::Config(at +
                                ": max_confidence must be high, medium or low");
        }
      } else if (key == "max_window") {
        rule->max_window = v.as<int>();
        if (rule->max_window < 1024 || rule->max_window > (1 << 20)) {
          return Status::Config(at +
                                ": max_window must be 1024 to 1048576 bytes");
        }
      } else if (key == "paths") {
        s = ReadStrings(v, key, at, &rule->paths);
        for (const auto& glob : rule->paths) {
          if (!s.ok()) break;
          if (glob.empty() || glob.back() == '/') {
            return Status::Config(at + ": paths: `" + glob +
                                  "` is not a file glob");
          }
        }
      } else if (key == "examples") {
        s = ReadStrings(v, key, at, &rule->examples);
      } else if (key == "negative_examples") {
        s = ReadStrings(v, key, at, &rule->negative_examples);
      } else if (key == "references") {
        s = ReadStrings(v, key, at, &rule->references);
      } else if (key == "revoke") {
        rule->revoke = v.as<std::string>();
      } else if (key == "description") {
        rule->description = v.as<std::string>();
      } else if (key == "tags") {
        s = ReadStrings(v, key, at, &rule->tags);
      } else if (key == "verify") {
        s = ParseVerifyNode(v, at, &rule->verify);
      }
    } catch (const YAML::Exception& e) {
      return Status::Config(at + ": field `" + key + "` has the wrong type");
    }
    if (!s.ok()) return s;
  }
  for (const char* required : {"id", "name", "pattern", "kind"}) {
    if (!node[required]) {
      return Status::Config(label + ": missing required field `" +
                            std::string(required) + "`");
    }
  }
  if (rule->id.empty()) {
    return Status::Config(label + ": field `id` is empty");
  }
  if (rule->provider.empty())
    rule->provider = rule->id.substr(0, rule->id.find('.'));
  return Status::OK();
}

// The allow patterns as the matcher compiles them: one RE2::Set, which can
// fail as a whole (its memory budget) even when each pattern compiles.
static Status CheckAllowSet(const std::vector<std::string>& allow,
                            const RE2::Options& opts,
                            const std::string& label) {
  if (allow.empty()) return Status::OK();
  RE2::Options set_opts = opts;
  set_opts.set_max_mem(64 << 20);  // as scanner/matcher.cc Latin1Options
  RE2::Set set(set_opts, RE2::UNANCHORED);
  for (const auto& a : allow) {
    std::string error;
    if (set.Add(a, &error) < 0) {
      return Status::Config(label + ": invalid allow regex `" + a +
                            "`: " + error);
    }
  }
  if (!set.Compile()) {
    return Status::Config(label +
                          ": the allow patterns do not compile together "
                          "(RE2 memory budget); split or simplify them");
  }
  return Status::OK();
}

Status CheckFilterPatterns(const SecretFilter& f, const std::string& origin) {
  RE2::Options opts;
  opts.set_encoding(RE2::Options::EncodingLatin1);
  opts.set_log_errors(false);
  for (const auto& a : f.allow) {
    RE2 re(a, opts);
    if (!re.ok()) {
      return Status::Config(origin + ": filter " + f.name +
                            ": invalid allow regex `" + a + "`: " + re.error());
    }
  }
  if (Status s = CheckAllowSet(f.allow, opts, origin + ": filter " + f.name);
      !s.ok()) {
    return s;
  }
  if (!f.when_key.empty()) {
    RE2 re(f.when_key, opts);
    if (!re.ok()) {
      return Status::Config(origin + ": filter " + f.name +
                            ": invalid when_key regex `" + f.when_key +
                            "`: " + re.error());
    }
  }
  return Status::OK();
}

// Checks a pattern compiles in RE2 and has a secret group.
Status CheckRulePattern(const Rule& rule) {
  RE2::Options opts;
  opts.set_encoding(RE2::Options::EncodingLatin1);
  opts.set_log_errors(false);
  RE2 re(rule.pattern, opts);
  std::string label = rule.origin + ": rule " + rule.id;
  if (!re.ok()) {
    return Status::Config(label + ": invalid regex: " + re.error() + " (at `" +
                          re.error_arg() + "`)");
  }
  if (re.NumberOfCapturingGroups() < 1) {
    return Status::Config(label +
                          ": pattern has no capture group for the secret");
  }
  // The matcher extracts at most 16 groups (the match and 15 captures):
  // a secret or id in group 16 or beyond would be read out of range or
  // never seen.
  if (re.NumberOfCapturingGroups() > kMaxCaptureGroups) {
    return Status::Config(label + ": pattern has " +
                          std::to_string(re.NumberOfCapturingGroups()) +
                          " capture groups; at most " +
                          std::to_string(kMaxCaptureGroups) +
                          " are allowed (use (?:...) for grouping)");
  }
  const auto& names = re.NamedCapturingGroups();
  if (re.NumberOfCapturingGroups() > 1 && !names.count("secret")) {
    return Status::Config(label +
                          ": pattern has several groups; name the secret "
                          "one (?P<secret>...)");
  }
  if (!rule.trigger.empty()) {
    RE2 trigger(rule.trigger, opts);
    if (!trigger.ok()) {
      return Status::Config(label +
                            ": invalid trigger regex: " + trigger.error() +
                            " (at `" + trigger.error_arg() + "`)");
    }
  }
  for (const auto& f : rule.inline_filter.allow) {
    RE2 allow(f, opts);
    if (!allow.ok()) {
      return Status::Config(label + ": invalid allow regex `" + f +
                            "`: " + allow.error());
    }
  }
  return CheckAllowSet(rule.inline_filter.allow, opts, label);
}

}  // namespace keyward
