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
#include "rules/rule_parse.h"
#include "rules/validators.h"

namespace keyward {
namespace {

// Rule files are YAML a person writes; the built-in set is ~1 MiB.
constexpr size_t kMaxRuleFileBytes = size_t{64} << 20;

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

CharClasses ClassesOf(std::string_view s) {
  CharClasses c;
  for (unsigned char b : s) {
    if (b >= 'a' && b <= 'z') {
      c.lower = true;
    } else if (b >= 'A' && b <= 'Z') {
      c.upper = true;
    } else if (b >= '0' && b <= '9') {
      c.digit = true;
    } else {
      c.symbol = true;
    }
  }
  return c;
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

bool IsHexOfOneCase(std::string_view s) {
  if (s.empty()) return false;
  // Digits and the letters `first`..`first + 5`.
  auto hex_in = [s](char first) {
    return std::all_of(s.begin(), s.end(), [first](char c) {
      return (c >= '0' && c <= '9') || (c >= first && c <= first + 5);
    });
  };
  return hex_in('a') || hex_in('A');
}

double EntropyFloor(double min_entropy, std::string_view secret) {
  constexpr double kHexFloor = 3.0;
  if (min_entropy <= kHexFloor) return min_entropy;
  return IsHexOfOneCase(secret) ? kHexFloor : min_entropy;
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
          return Status::Config(RuleWhere(origin, kv.second) +
                                ": `rules` must be a list");
        }
        for (const auto& node : kv.second) {
          Rule rule;
          Status s = ParseRuleNode(node, origin, &rule);
          if (s.ok() && check_regexes) s = CheckRulePattern(rule);
          if (!s.ok()) return s;
          rules.push_back(std::move(rule));
        }
      } else if (key == "filters") {
        if (!kv.second.IsSequence()) {
          return Status::Config(RuleWhere(origin, kv.second) +
                                ": `filters` must be a list");
        }
        for (const auto& node : kv.second) {
          SecretFilter f;
          Status s = ParseFilterNode(node, origin, &f);
          if (s.ok() && check_regexes) s = CheckFilterPatterns(f, origin);
          if (!s.ok()) return s;
          filters.push_back(std::move(f));
        }
      } else {
        return Status::Config(RuleWhere(origin, kv.first) +
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
    for (const auto& f : r.filters) {
      for (const auto& o : filters_.at(f).overrides) {
        if (!filters_.count(o)) {
          return Status::Config(r.origin + ": filter " + f +
                                ": overrides unknown filter `" + o + "`");
        }
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
    Status s = CheckFilterPatterns(f, "rule set");
    if (!s.ok()) return s;
  }
  for (const auto& r : rules_) {
    Status s = CheckRulePattern(r);
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
    // Hyperscan compiles the trigger in the pattern's place.
    if (!r.trigger.empty()) data.append(r.trigger).push_back('\3');
    // Scoped rules compile into a database of their own.
    for (const auto& glob : r.paths) data.append(glob).push_back('\1');
    // The window is part of each rule's cached metadata.
    if (r.max_window) data.append(std::to_string(r.max_window)).push_back('\2');
  }
  return Sha256Hex(data);
}

}  // namespace keyward
