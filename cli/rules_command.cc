// `keyward rules list|show|check`.
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "cli/commands.h"

namespace keyward::cli {
namespace {

nlohmann::json RuleToJson(const Rule& r) {
  nlohmann::json j = {{"id", r.id},
                      {"name", r.name},
                      {"provider", r.provider},
                      {"kind", r.kind},
                      {"severity", SeverityName(r.severity)},
                      {"confidence", r.confidence},
                      {"generic", r.generic},
                      {"pattern", r.pattern},
                      {"references", r.references},
                      {"revoke", r.revoke},
                      {"origin", r.origin}};
  if (!r.trigger.empty()) j["trigger"] = r.trigger;
  // File-format rules run only on files these globs name (their own
  // Hyperscan database); the others run on every file.
  if (!r.paths.empty()) j["paths"] = r.paths;
  return j;
}

int List(const std::vector<std::string>& extra, const std::string& format) {
  auto rules = LoadRules(extra, {});
  if (!rules.ok()) return Fail(rules.status().message());
  if (format == "json") {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& r : rules->rules()) arr.push_back(RuleToJson(r));
    std::cout << arr.dump(2, ' ', false,
                          nlohmann::json::error_handler_t::replace)
              << "\n";
    return 0;
  }
  if (format != "table") return Fail("unknown --format `" + format + "`");
  size_t w = 2;
  for (const auto& r : rules->rules()) w = std::max(w, r.id.size());
  for (const auto& r : rules->rules()) {
    std::string id = r.id;
    id.resize(w + 2, ' ');
    std::string sev = SeverityName(r.severity);
    sev.resize(10, ' ');
    std::cout << id << sev << r.name << "\n";
  }
  std::cerr << CountOf(rules->rules().size(), "rule") << "\n";
  return 0;
}

int Show(const std::vector<std::string>& extra, const std::string& id) {
  auto rules = LoadRules(extra, {}, {.examples = true});
  if (!rules.ok()) return Fail(rules.status().message());
  const Rule* r = rules->Find(id);
  if (!r) return Fail("no rule `" + id + "` (see keyward rules list)");
  nlohmann::json j = RuleToJson(*r);
  j["examples_count"] = r->examples.size();
  j["negative_examples_count"] = r->negative_examples.size();
  j["filters"] = r->filters;
  j["min_entropy"] = r->min_entropy;
  if (r->max_chars_per_token > 0) {
    j["max_chars_per_token"] = r->max_chars_per_token;
  }
  j["validate"] = r->validate;
  if (!r->paths.empty()) j["paths"] = r->paths;
  if (r->max_window) j["max_window"] = r->max_window;
  if (!r->max_confidence.empty()) j["max_confidence"] = r->max_confidence;
  j["description"] = r->description;
  // The live check `scan --verify` makes (docs/verify.md), as written.
  if (!r->verify.empty()) {
    j["verify"] = nlohmann::json::parse(r->verify, nullptr, false);
  }
  std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
            << "\n";
  return 0;
}

int Check(const std::vector<std::string>& paths) {
  auto rules = LoadRules(paths, {}, {.check_regexes = true, .examples = true});
  if (!rules.ok()) return Fail(rules.status().message());
  auto matcher = BuildMatcher(*rules, /*no_cache=*/true);
  if (!matcher.ok()) return Fail(matcher.status().message());
  // With paths, only the rules those files define are checked (their
  // negatives still against the whole set).
  std::set<std::string> only;
  if (!paths.empty()) {
    RuleSet mine;
    for (const auto& p : paths) {
      Status s = mine.AddPath(p);
      if (!s.ok()) return Fail(s.message());
    }
    for (const auto& r : mine.rules()) only.insert(r.id);
  }
  int failures = 0;
  for (const auto& f : CheckExamples(**matcher)) {
    if (!only.empty() && !only.count(f.rule_id)) continue;
    failures++;
    // Examples are fabricated test values, so printing them is safe and
    // needed to fix them.
    std::cout << f.origin << ": rule " << f.rule_id << ": " << f.reason
              << "\n    example: " << f.example << "\n";
  }
  for (const auto& id : (*matcher)->Re2OnlyRules()) {
    Warn("rule " + id +
         ": Hyperscan cannot compile this pattern; it runs through RE2 alone "
         "(slow)");
  }
  size_t count = only.empty() ? rules->rules().size() : only.size();
  size_t examples = 0;
  for (const auto& r : rules->rules()) {
    if (only.empty() || only.count(r.id)) {
      examples += r.examples.size() + r.negative_examples.size();
    }
  }
  std::cout << CountOf(count, "rule") << ", " << CountOf(examples, "example")
            << " checked, " << CountOf(failures, "failure") << "\n";
  return failures ? 1 : 0;
}

}  // namespace

void RegisterRules(CLI::App& app, Context& ctx) {
  CLI::App* cmd =
      app.add_subcommand("rules", "List, show and check detection rules");
  cmd->require_subcommand(1);
  auto extra = std::make_shared<std::vector<std::string>>();
  auto format = std::make_shared<std::string>("table");
  auto id = std::make_shared<std::string>();
  auto paths = std::make_shared<std::vector<std::string>>();

  CLI::App* list = cmd->add_subcommand("list", "List the rules");
  list->add_option("--rules", *extra, "Extra rule file or directory");
  list->add_option("--format", *format, "table or json")->capture_default_str();
  list->callback(
      [&ctx, extra, format] { ctx.exit_code = List(*extra, *format); });

  CLI::App* show = cmd->add_subcommand("show", "Show one rule");
  show->add_option("id", *id, "Rule id, e.g. github.pat.classic")->required();
  show->add_option("--rules", *extra, "Extra rule file or directory");
  show->callback([&ctx, extra, id] { ctx.exit_code = Show(*extra, *id); });

  CLI::App* check = cmd->add_subcommand(
      "check",
      "Check that every example matches its rule and no negative example "
      "matches any rule (exit 1 on failures, 2 on a broken rule file)");
  check->add_option("paths", *paths,
                    "Rule files or directories to add and check (default: "
                    "the built-in rules)");
  check->callback([&ctx, paths] { ctx.exit_code = Check(*paths); });
  // Each subcommand's own examples (else --help shows the program's).
  list->footer(
      "Examples:\n"
      "  keyward rules list                      id, severity and name\n"
      "  keyward rules list --format json        every field, for scripts");
  show->footer(
      "Examples:\n"
      "  keyward rules show github.pat.classic   pattern, filters, revoke");
  check->footer(
      "Examples:\n"
      "  keyward rules check                     the built-in rules\n"
      "  keyward rules check my-rules/           your rule files' examples");
  cmd->footer(
      "Examples:\n"
      "  keyward rules list --format json\n"
      "  keyward rules show aws.access_key_id\n"
      "  keyward rules check my-rules/");
}

}  // namespace keyward::cli
