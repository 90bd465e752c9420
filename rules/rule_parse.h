// Parsing one rule or shared filter from YAML, and checking that its
// regexes compile as the matcher will compile them. Internal to the rule
// loader (rules/rule_set.cc); every error names the file, line and rule.
#ifndef KEYWARD_RULES_RULE_PARSE_H_
#define KEYWARD_RULES_RULE_PARSE_H_

#include <yaml-cpp/yaml.h>

#include <string>

#include "keyward/rules.h"
#include "keyward/status.h"

namespace keyward {

// "origin:line" of `node` (the file a rule came from, 1-based line).
std::string RuleWhere(const std::string& origin, const YAML::Node& node);

// One rule mapping; unknown fields and bad values are kConfig errors.
Status ParseRuleNode(const YAML::Node& node, const std::string& origin,
                     Rule* rule);

// One shared filter mapping (name, allow, stopwords, when_key).
Status ParseFilterNode(const YAML::Node& node, const std::string& origin,
                       SecretFilter* out);

// A rule's `verify:` block (keyward/rules.h), checked by ParseVerifySpec,
// as the JSON kept in Rule::verify. `at` prefixes errors.
Status ParseVerifyNode(const YAML::Node& node, const std::string& at,
                       std::string* out);

// The rule's pattern compiles in RE2 and has the secret group; its own
// allow patterns compile as one RE2::Set.
Status CheckRulePattern(const Rule& rule);

// A shared filter's allow patterns and when_key compile.
Status CheckFilterPatterns(const SecretFilter& f, const std::string& origin);

}  // namespace keyward

#endif  // KEYWARD_RULES_RULE_PARSE_H_
