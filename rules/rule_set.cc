// Loading rule files (YAML) into a RuleSet, with messages that name the file,
// line, rule id and reason. The built-in rules go through this code at build
// time only (rules/gen/rulegen.cc); RuleSet::Builtin is in rules/builtin.cc.
#include <dirent.h>
#include <re2/re2.h>
#include <re2/set.h>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "base/crypto.h"
#include "keyward/finding.h"
#include "keyward/rules.h"
#include "rules/validators.h"

namespace keyward {
namespace {

// Rule files are YAML a person writes; the built-in set is ~1 MiB.
constexpr size_t kMaxRuleFileBytes = size_t{64} << 20;

const std::set<std::string>& KnownRuleFields() {
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
      "paths",      "max_window"};
  // clang-format on
  return fields;
}

const std::set<std::string>& KnownClasses() {
  static const std::set<std::string> classes = {"lower", "upper", "digit",
                                                "letter", "symbol"};
  return classes;
}

std::string Where(const std::string& origin, const YAML::Node& node) {
  return origin + ":" + std::to_string(node.Mark().line + 1);
}

// Reads a scalar or a list of scalars.
Status ReadStrings(const YAML::Node& node, const std::string& what,
                   const std::string& where, std::vector<std::string>* out) {
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

Status ParseFilter(const YAML::Node& node, const std::string& origin,
                   SecretFilter* out) {
  std::string where = Where(origin, node);
  if (!node.IsMap()) return Status::Config(where + ": a filter must be a map");
  for (const auto& kv : node) {
    std::string key = kv.first.as<std::string>();
    Status s;
    if (key == "name") {
      out->name = kv.second.as<std::string>();
    } else if (key == "allow") {
      s = ReadStrings(kv.second, key, Where(origin, kv.second), &out->allow);
    } else if (key == "stopwords") {
      s = ReadStrings(kv.second, key, Where(origin, kv.second),
                      &out->stopwords);
    } else if (key == "when_key") {
      if (!kv.second.IsScalar()) {
        return Status::Config(Where(origin, kv.second) +
                              ": `when_key` must be a regex string");
      }
      out->when_key = kv.second.as<std::string>();
    } else if (key == "description") {
    } else {
      return Status::Config(Where(origin, kv.first) +
                            ": unknown filter field `" + key + "`");
    }
    if (!s.ok()) return s;
  }
  if (out->name.empty()) return Status::Config(where + ": filter without name");
  for (auto& w : out->stopwords) {
    std::transform(w.begin(), w.end(), w.begin(), ::tolower);
  }
  return Status::OK();
}

Status ParseRule(const YAML::Node& node, const std::string& origin,
                 Rule* rule) {
  std::string where = Where(origin, node);
  if (!node.IsMap()) return Status::Config(where + ": a rule must be a map");
  if (node["id"] && node["id"].IsScalar())
    rule->id = node["id"].as<std::string>();
  std::string label = where + ": rule " + (rule->id.empty() ? "?" : rule->id);
  rule->origin = where;
  for (const auto& kv : node) {
    std::string key = kv.first.as<std::string>();
    std::string at = Where(origin, kv.first) + ": rule " +
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
Status CheckAllowSet(const std::vector<std::string>& allow,
                     const RE2::Options& opts, const std::string& label) {
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

Status CheckFilterRegexes(const SecretFilter& f, const std::string& origin) {
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
Status CheckPattern(const Rule& rule) {
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
  for (const auto& f : rule.inline_filter.allow) {
    RE2 allow(f, opts);
    if (!allow.ok()) {
      return Status::Config(label + ": invalid allow regex `" + f +
                            "`: " + allow.error());
    }
  }
  return CheckAllowSet(rule.inline_filter.allow, opts, label);
}

}  // namespace

const char* SeverityName(Severity s) {
  switch (s) {
    case Severity::kLow:
      return "low";
    case Severity::kMedium:
      return "medium";
    case Severity::kHigh:
      return "high";
    case Severity::kCritical:
      return "critical";
  }
  return "high";
}

bool ParseSeverity(std::string_view text, Severity* out) {
  for (Severity s : {Severity::kLow, Severity::kMedium, Severity::kHigh,
                     Severity::kCritical}) {
    if (text == SeverityName(s)) {
      *out = s;
      return true;
    }
  }
  return false;
}

std::string PathGlobRegex(const std::string& glob) {
  // As fnmatch(FNM_PATHNAME | FNM_CASEFOLD) on the path's last components.
  std::string re = "(?i)(?:^|/)";
  for (size_t i = 0; i < glob.size(); i++) {
    char c = glob[i];
    if (c == '*') {
      re += "[^/]*";
    } else if (c == '?') {
      re += "[^/]";
    } else if (c == '[' && glob.find(']', i + 2) != std::string::npos) {
      size_t end = glob.find(']', i + 2);
      std::string set = glob.substr(i + 1, end - i - 1);
      if (set[0] == '!') set[0] = '^';
      re += "[";
      for (char k : set) {
        if (k == '\\' || k == '[') re += '\\';
        re += k;
      }
      re += "]";
      i = end;
    } else {
      re += RE2::QuoteMeta(std::string(1, c));
    }
  }
  return re + "$";
}

bool RulePathMatches(const Rule& rule, std::string_view path) {
  if (rule.paths.empty() || path.empty()) return true;
  for (const auto& glob : rule.paths) {
    RE2 re(PathGlobRegex(glob));
    if (RE2::PartialMatch(re2::StringPiece(path.data(), path.size()), re)) {
      return true;
    }
  }
  return false;
}

double ShannonEntropy(std::string_view s) {
  if (s.empty()) return 0;
  size_t counts[256] = {0};
  for (unsigned char c : s) counts[c]++;
  double h = 0, n = static_cast<double>(s.size());
  for (size_t c : counts) {
    if (c) {
      double p = c / n;
      h -= p * std::log2(p);
    }
  }
  return h;
}

Status RuleSet::AddText(std::string_view text, const std::string& origin) {
  return AddTextChecked(text, origin, /*check_regexes=*/true);
}

Status RuleSet::AddTextChecked(std::string_view text, const std::string& origin,
                               bool check_regexes) {
  YAML::Node doc;
  try {
    doc = YAML::Load(std::string(text));
  } catch (const YAML::ParserException& e) {
    return Status::Config(origin + ":" + std::to_string(e.mark.line + 1) + ":" +
                          std::to_string(e.mark.column + 1) +
                          ": YAML syntax error: " + e.msg);
  }
  if (doc.IsNull()) return Status::OK();
  if (!doc.IsMap()) {
    return Status::Config(origin +
                          ": expected a map with `rules:` and/or "
                          "`filters:`");
  }
  std::vector<Rule> rules;
  std::vector<SecretFilter> filters;
  try {
    for (const auto& kv : doc) {
      std::string key = kv.first.as<std::string>();
      if (key == "rules") {
        if (!kv.second.IsSequence()) {
          return Status::Config(Where(origin, kv.second) +
                                ": `rules` must be a list");
        }
        for (const auto& node : kv.second) {
          Rule rule;
          Status s = ParseRule(node, origin, &rule);
          if (s.ok() && check_regexes) s = CheckPattern(rule);
          if (!s.ok()) return s;
          rules.push_back(std::move(rule));
        }
      } else if (key == "filters") {
        if (!kv.second.IsSequence()) {
          return Status::Config(Where(origin, kv.second) +
                                ": `filters` must be a list");
        }
        for (const auto& node : kv.second) {
          SecretFilter f;
          Status s = ParseFilter(node, origin, &f);
          if (s.ok() && check_regexes) s = CheckFilterRegexes(f, origin);
          if (!s.ok()) return s;
          filters.push_back(std::move(f));
        }
      } else {
        return Status::Config(Where(origin, kv.first) +
                              ": unknown top-level key `" + key +
                              "` (expected rules or filters)");
      }
    }
  } catch (const YAML::Exception& e) {
    return Status::Config(origin + ":" + std::to_string(e.mark.line + 1) +
                          ": " + e.msg);
  }
  std::set<std::string> ids;
  for (const auto& r : rules) {
    if (!ids.insert(r.id).second) {
      return Status::Config(r.origin + ": rule " + r.id +
                            ": duplicate id in the same file");
    }
  }
  for (auto& f : filters) filters_[f.name] = std::move(f);
  for (auto& r : rules) {
    auto it = std::find_if(rules_.begin(), rules_.end(),
                           [&](const Rule& x) { return x.id == r.id; });
    if (it != rules_.end()) {
      *it = std::move(r);  // a later file overrides
    } else {
      rules_.push_back(std::move(r));
    }
  }
  return Status::OK();
}

Status RuleSet::AddPath(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    return Status::Config(path + ": no such rule file or directory");
  }
  std::vector<std::string> files;
  if (S_ISDIR(st.st_mode)) {
    DIR* dir = opendir(path.c_str());
    if (!dir) return Status::Config(path + ": cannot open directory");
    while (dirent* e = readdir(dir)) {
      std::string name = e->d_name;
      auto ends = [&](const std::string& suf) {
        return name.size() > suf.size() &&
               name.compare(name.size() - suf.size(), suf.size(), suf) == 0;
      };
      if (ends(".yaml") || ends(".yml")) files.push_back(path + "/" + name);
    }
    closedir(dir);
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(path);
  }
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) return Status::Config(f + ": cannot read rule file");
    // Bounded: `--rules /dev/zero` must not read until memory runs out.
    std::string text;
    char buf[65536];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
      if (text.size() + in.gcount() > kMaxRuleFileBytes) {
        return Status::Config(f + ": larger than " +
                              std::to_string(kMaxRuleFileBytes >> 20) +
                              " MiB, not a rule file");
      }
      text.append(buf, in.gcount());
    }
    if (in.bad()) return Status::Config(f + ": cannot read rule file");
    Status s = AddText(text, f);
    if (!s.ok()) return s;
  }
  return Status::OK();
}

Status RuleSet::Disable(const std::vector<std::string>& ids) {
  for (const auto& id : ids) {
    auto it = std::find_if(rules_.begin(), rules_.end(),
                           [&](const Rule& r) { return r.id == id; });
    if (it == rules_.end()) {
      return Status::Config("cannot disable unknown rule `" + id + "`");
    }
    rules_.erase(it);
  }
  return Status::OK();
}

Status RuleSet::Validate() const {
  for (const auto& r : rules_) {
    for (const auto& f : r.filters) {
      if (!filters_.count(f)) {
        return Status::Config(r.origin + ": rule " + r.id +
                              ": unknown filter `" + f + "`");
      }
    }
    for (const auto& v : r.validate) {
      if (!FindValidator(v)) {
        return Status::Config(r.origin + ": rule " + r.id +
                              ": unknown validator `" + v +
                              "` (known: " + ValidatorNames() + ")");
      }
    }
    for (const auto& s : r.supersedes) {
      if (!Find(s)) {
        return Status::Config(r.origin + ": rule " + r.id +
                              ": supersedes unknown rule `" + s + "`");
      }
    }
  }
  return Status::OK();
}

Status RuleSet::CheckRegexes() const {
  for (const auto& [name, f] : filters_) {
    Status s = CheckFilterRegexes(f, "rule set");
    if (!s.ok()) return s;
  }
  for (const auto& r : rules_) {
    Status s = CheckPattern(r);
    if (!s.ok()) return s;
  }
  return Status::OK();
}

const Rule* RuleSet::Find(std::string_view id) const {
  for (const auto& r : rules_) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

std::string RuleSet::Digest() const {
  std::string data;
  for (const auto& r : rules_) {
    data.append(r.id).push_back('\0');
    data.append(r.pattern).push_back('\0');
    // Scoped rules compile into a database of their own.
    for (const auto& glob : r.paths) data.append(glob).push_back('\1');
    // The window is part of each rule's cached metadata.
    if (r.max_window) data.append(std::to_string(r.max_window)).push_back('\2');
  }
  return Sha256Hex(data);
}

}  // namespace keyward
