// keyward_rulegen: the build-time half of RuleSet::Builtin.
//
//   keyward_rulegen OUT.cc rules/a.yaml rules/b.yaml ...
//
// Loads the rule files through the same YAML loader as `--rules` (origins
// "rules/<name>:<line>", files in name order, regexes compiled, cross-
// references validated) and writes OUT.cc: the resulting RuleSet as constant
// tables (rules/builtin_data.h). A broken rule file prints the loader's
// message (file:line: rule id: reason) and exits 1, which fails the build.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "keyward/rules.h"

namespace keyward {
namespace {

// A C++ string literal (with the `sv` suffix, so embedded NULs survive).
// Octal escapes: never more than three digits, so no digit that follows can
// be swallowed into the escape.
std::string Literal(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03o", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"sv";
}

std::string Double(double d) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%a", d);  // exact: hex float literal
  return buf;
}

const char* SeverityEnum(Severity s) {
  switch (s) {
    case Severity::kLow:
      return "Severity::kLow";
    case Severity::kMedium:
      return "Severity::kMedium";
    case Severity::kHigh:
      return "Severity::kHigh";
    case Severity::kCritical:
      return "Severity::kCritical";
  }
  return "Severity::kHigh";
}

class Emitter {
 public:
  // Declares a string array (when not empty) and returns the expression for
  // a builtin::Strings over it. Examples go to their own declarations, so
  // that their text, which a scan never reads, stays out of the pages it does.
  std::string Strings(const std::vector<std::string>& v,
                      bool examples = false) {
    if (v.empty()) return "{}";
    std::string name = "kS" + std::to_string(arrays_++);
    std::ostringstream& o = examples ? example_decls_ : decls_;
    o << "constexpr std::string_view " << name << "[] = {";
    for (size_t i = 0; i < v.size(); i++) {
      o << (i ? ",\n    " : "\n    ") << Literal(v[i]);
    }
    o << "};\n";
    return name;
  }

  std::string Filter(const SecretFilter& f) {
    return "{.name = " + Literal(f.name) + ", .allow = " + Strings(f.allow) +
           ", .stopwords = " + Strings(f.stopwords) +
           ", .when_key = " + Literal(f.when_key) +
           ", .needs_key = " + (f.needs_key ? "true" : "false") +
           ", .lowers = " + (f.lowers ? "true" : "false") +
           ", .overrides = " + Strings(f.overrides) + "}";
  }

  void AddRule(const Rule& r) {
    std::ostringstream o;
    o << "    {.id = " << Literal(r.id) << ",\n"
      << "     .name = " << Literal(r.name) << ",\n"
      << "     .provider = " << Literal(r.provider) << ",\n"
      << "     .kind = " << Literal(r.kind) << ",\n"
      << "     .severity = " << SeverityEnum(r.severity) << ",\n"
      << "     .confidence = " << Literal(r.confidence) << ",\n"
      << "     .max_confidence = " << Literal(r.max_confidence) << ",\n"
      << "     .pattern = " << Literal(r.pattern) << ",\n"
      << "     .trigger = " << Literal(r.trigger) << ",\n"
      << "     .prefix = " << Literal(r.prefix) << ",\n"
      << "     .min_entropy = " << Double(r.min_entropy) << ",\n"
      << "     .max_chars_per_token = " << Double(r.max_chars_per_token)
      << ",\n"
      << "     .filters = " << Strings(r.filters) << ",\n"
      << "     .inline_filter = " << Filter(r.inline_filter) << ",\n"
      << "     .require = " << Strings(r.require) << ",\n"
      << "     .min_classes = " << r.min_classes << ",\n"
      << "     .generic = " << (r.generic ? "true" : "false") << ",\n"
      << "     .fallback = " << (r.fallback ? "true" : "false") << ",\n"
      << "     .supersedes = " << Strings(r.supersedes) << ",\n"
      << "     .validate = " << Strings(r.validate) << ",\n"
      << "     .paths = " << Strings(r.paths) << ",\n"
      << "     .max_window = " << r.max_window << ",\n"
      << "     .examples = " << Strings(r.examples, true) << ",\n"
      << "     .negative_examples = " << Strings(r.negative_examples, true)
      << ",\n"
      << "     .references = " << Strings(r.references) << ",\n"
      << "     .revoke = " << Literal(r.revoke) << ",\n"
      << "     .description = " << Literal(r.description) << ",\n"
      << "     .tags = " << Strings(r.tags) << ",\n"
      << "     .verify = " << Literal(r.verify) << ",\n"
      << "     .origin = " << Literal(r.origin) << "},\n";
    rules_ += o.str();
  }

  void AddFilter(const SecretFilter& f) {
    filters_ += "    " + Filter(f) + ",\n";
  }

  std::string Source() const {
    std::ostringstream o;
    o << "// Generated by keyward_rulegen (rules/gen/rulegen.cc) from "
         "rules/*.yaml.\n// Do not edit.\n"
         "#include \"rules/builtin_data.h\"\n\n"
         "namespace keyward::builtin {\n"
         "namespace {\n\n"
         "using namespace std::string_view_literals;\n\n"
      << decls_.str()
      << "\n// Examples: only `rules check`, `rules show` and tests read "
         "them.\n"
      << example_decls_.str() << "\nconstexpr RuleData kRules[] = {\n"
      << rules_ << "};\n\n";
    if (filters_.empty()) {
      o << "constexpr std::span<const FilterData> kFilters;\n";
    } else {
      o << "constexpr FilterData kFilters[] = {\n" << filters_ << "};\n";
    }
    o << "\n}  // namespace\n\n"
         "std::span<const RuleData> Rules() { return kRules; }\n"
         "std::span<const FilterData> Filters() { return kFilters; }\n\n"
         "}  // namespace keyward::builtin\n";
    return o.str();
  }

 private:
  std::ostringstream decls_;
  std::ostringstream example_decls_;
  std::string rules_;
  std::string filters_;
  int arrays_ = 0;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int Run(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: keyward_rulegen OUT.cc RULE.yaml...\n";
    return 2;
  }
  std::string out = argv[1];
  std::vector<std::string> files(argv + 2, argv + argc);
  auto base = [](const std::string& p) { return p.substr(p.rfind('/') + 1); };
  std::sort(files.begin(), files.end(),
            [&](const auto& a, const auto& b) { return base(a) < base(b); });

  RuleSet set;
  for (const auto& f : files) {
    std::ifstream probe(f);
    if (!probe) {
      std::cerr << f << ": cannot read rule file\n";
      return 1;
    }
    // Same origin as the messages of `keyward rules check` name them.
    Status s = set.AddText(ReadFile(f), "rules/" + base(f));
    if (!s.ok()) {
      std::cerr << "keyward_rulegen: " << s.message() << "\n";
      return 1;
    }
  }
  Status s = set.Validate();
  if (!s.ok()) {
    std::cerr << "keyward_rulegen: " << s.message() << "\n";
    return 1;
  }

  Emitter e;
  for (const auto& r : set.rules()) e.AddRule(r);
  for (const auto& [name, f] : set.filters()) e.AddFilter(f);
  std::string source = e.Source();
  std::ofstream o(out, std::ios::binary | std::ios::trunc);
  o << source;
  if (!o.flush()) {
    std::cerr << "keyward_rulegen: cannot write " << out << "\n";
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace keyward

int main(int argc, char** argv) { return keyward::Run(argc, argv); }
