// The built-in rules as constant data: the tables rules/gen/rulegen.cc
// generates from rules/*.yaml at build time, read by RuleSet::Builtin.
// Internal to keyward.
#ifndef KEYWARD_RULES_BUILTIN_DATA_H_
#define KEYWARD_RULES_BUILTIN_DATA_H_

#include <span>
#include <string_view>

#include "keyward/rules.h"

namespace keyward::builtin {

using Strings = std::span<const std::string_view>;

// Mirrors SecretFilter.
struct FilterData {
  std::string_view name;
  Strings allow;
  Strings stopwords;
  std::string_view when_key;
  bool needs_key;
  bool lowers;
  Strings overrides;
};

// Mirrors Rule, field by field, in the same order.
struct RuleData {
  std::string_view id;
  std::string_view name;
  std::string_view provider;
  std::string_view kind;
  Severity severity;
  std::string_view confidence;
  std::string_view max_confidence;
  std::string_view pattern;
  std::string_view trigger;
  std::string_view prefix;
  double min_entropy;
  double max_chars_per_token;
  Strings filters;
  FilterData inline_filter;
  Strings require;
  int min_classes;
  bool generic;
  bool fallback;
  Strings supersedes;
  Strings validate;
  Strings paths;
  int max_window;
  Strings examples;
  Strings negative_examples;
  Strings references;
  std::string_view revoke;
  std::string_view description;
  Strings tags;
  std::string_view verify;
  std::string_view origin;
};

// Defined by the generated builtin_rules.cc. Rules in RuleSet::rules() order;
// filters in name order.
std::span<const RuleData> Rules();
std::span<const FilterData> Filters();

}  // namespace keyward::builtin

#endif  // KEYWARD_RULES_BUILTIN_DATA_H_
