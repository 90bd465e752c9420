// File-format rules (Rule::paths): which paths a glob takes, and that a
// scoped rule runs where it applies (block and stream mode, with a cached
// database too) and nowhere else, beside the unscoped rules.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "keyward/matcher.h"
#include "keyward/rules.h"
#include "support/prebuilt.h"

namespace keyward {
namespace {

Rule WithPaths(std::vector<std::string> paths) {
  Rule r;
  r.id = "t.scoped";
  r.paths = std::move(paths);
  return r;
}

TEST(RulePathMatchesTest, BaseNameGlobs) {
  Rule r = WithPaths({".pgpass", "*.tfvars"});
  EXPECT_TRUE(RulePathMatches(r, ".pgpass"));
  EXPECT_TRUE(RulePathMatches(r, "home/ann/.pgpass"));
  EXPECT_TRUE(RulePathMatches(r, "/home/ann/.PGPASS"));  // any case
  EXPECT_TRUE(RulePathMatches(r, "infra/prod.tfvars"));
  EXPECT_FALSE(RulePathMatches(r, "docs/.pgpass.md"));
  EXPECT_FALSE(RulePathMatches(r, ".pgpass/notes.txt"));
  EXPECT_FALSE(RulePathMatches(r, "prod.tfvars.bak"));
  EXPECT_FALSE(RulePathMatches(r, "dir/"));
}

TEST(RulePathMatchesTest, GlobsWithSlashMatchTrailingComponents) {
  Rule r = WithPaths({"git/credentials", ".docker/*.json"});
  EXPECT_TRUE(RulePathMatches(r, "/home/ann/.config/git/credentials"));
  EXPECT_TRUE(RulePathMatches(r, "git/credentials"));
  EXPECT_TRUE(RulePathMatches(r, "a/.docker/config.json"));
  EXPECT_FALSE(RulePathMatches(r, "credentials"));
  EXPECT_FALSE(RulePathMatches(r, "a/mygit/credentials"));
  // `*` does not cross a '/'.
  EXPECT_FALSE(RulePathMatches(r, "a/.docker/sub/config.json"));
}

TEST(RulePathMatchesTest, UnscopedRulesAndUnnamedInputTakeEverything) {
  EXPECT_TRUE(RulePathMatches(WithPaths({}), "any/file.c"));
  EXPECT_TRUE(RulePathMatches(WithPaths({".pgpass"}), ""));
}

// Two file-format rules, t.a and t.b.
const std::string kRulesAB = R"(
rules:
  - id: t.a
    name: a
    kind: password
    pattern: 'aaa_(?P<secret>[a-z0-9]{12})'
    paths: ['.pgpass', 'conf/*.pass']
  - id: t.b
    name: b
    kind: password
    pattern: 'bbb_(?P<secret>[a-z0-9]{12})'
    paths: ['x/y/z.cfg', '/etc/shadow']
)";

std::unique_ptr<Matcher> MatcherOf(const std::string& yaml) {
  RuleSet set;
  Status s = set.AddText(yaml, "scoped.yaml");
  EXPECT_TRUE(s.ok()) << s.ToString();
  auto m = Matcher::Create(set, MatcherOptions());
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return m.ok() ? std::move(*m) : nullptr;
}

// The matcher matches the globs on a path's last components only (as many
// as the longest glob names): the same answer as every glob on the whole
// path, also for globs that start with '/' and paths with '//' or none.
TEST(ScopedPathSuffixTest, SameAnswerAsTheWholePath) {
  auto m = MatcherOf(kRulesAB);
  ASSERT_NE(m, nullptr);
  std::vector<std::string> paths = {
      ".pgpass",      "/.pgpass",        "a/b/c/.pgpass",
      "conf/p.pass",  "/conf/p.pass",    "a/conf/p.pass",
      "aconf/p.pass", "conf/sub/p.pass", "x/y/z.cfg",
      "/x/y/z.cfg",   "w/x/y/z.cfg",     "wx/y/z.cfg",
      "x//y/z.cfg",   "y/z.cfg",         "/etc/shadow",
      "//etc/shadow", "a//etc/shadow",   "a/etc/shadow",
      "etc/shadow",   "/a/etc/shadow",   "shadow",
      "z.cfg",        "README.md",       "/",
      "//",           "conf/",           "a/b/c/d/e/f/g/h.pass"};
  // And every path of up to four components over a few names.
  const char* names[] = {"",    "x",      "y",    "z.cfg",
                         "etc", "shadow", "conf", "p.pass"};
  for (const char* a : names)
    for (const char* b : names)
      for (const char* c : names)
        for (const char* d : names)
          paths.push_back(std::string(a) + "/" + b + "/" + c + "/" + d);
  for (const auto& path : paths) {
    bool want = false;
    for (const auto& r : m->rules()) want |= RulePathMatches(r, path);
    EXPECT_EQ(m->AnyScopedRuleApplies(path), want) << path;
  }
}

// A history scan knows a blob's name before its path: Matcher::FileNamed
// runs the file-format rules with a glob whose last component takes the
// name (every rule a path ending in it could take), and no other.
TEST(FileNamedScopeTest, RunsTheRulesWhoseGlobsMayTakeTheName) {
  auto m = MatcherOf(kRulesAB + R"(
  - id: t.c
    name: c
    kind: password
    pattern: 'ccc_(?P<secret>[a-z0-9]{12})'
    paths: ['*/.znc/*']
  - id: t.u
    name: u
    kind: password
    pattern: 'uuu_(?P<secret>[a-z0-9]{12})'
)");
  ASSERT_NE(m, nullptr);
  auto found = [&](std::string_view path) {
    auto scratch = m->NewScratch();
    std::vector<RuleMatch> out;
    EXPECT_TRUE(m->Scan("aaa_q7w9er2ty4u1 bbb_q7w9er2ty4u2 "
                        "ccc_q7w9er2ty4u3 uuu_q7w9er2ty4u4",
                        scratch.get(), &out, path)
                    .ok());
    std::vector<std::string> ids;
    for (const auto& r : out) ids.push_back(m->rules()[r.rule].id);
    return ids;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(found(Matcher::FileNamed(".pgpass")), (V{"t.a", "t.c", "t.u"}));
  EXPECT_EQ(found(Matcher::FileNamed("prod.pass")), (V{"t.a", "t.c", "t.u"}));
  EXPECT_EQ(found(Matcher::FileNamed("z.cfg")), (V{"t.b", "t.c", "t.u"}));
  EXPECT_EQ(found(Matcher::FileNamed("README.md")), (V{"t.c", "t.u"}));
  EXPECT_EQ(found(Matcher::FileNamed("")), (V{"t.u"}));
  EXPECT_EQ(Matcher::FileNamed(""), Matcher::kNoFileFormatRules);
  // A path is matched whole: z.cfg alone is not under x/y/.
  EXPECT_EQ(found("z.cfg"), (V{"t.u"}));
  EXPECT_EQ(found(""), (V{"t.a", "t.b", "t.c", "t.u"}));
}

const char* kRules = R"(
rules:
  - id: t.line
    name: colon line
    kind: password
    pattern: '(?m:^)[a-z]+:\d+:[a-z]+:(?P<secret>[A-Za-z0-9]{10})(?m:$)'
    paths: ['.pgpass', 'conf/*.pass']
  - id: t.token
    name: token
    kind: api-key
    pattern: '\b(tok_[a-z0-9]{12})\b'
)";

class ScopedMatcherTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    RuleSet set;
    Status s = set.AddText(kRules, "scoped.yaml");
    ASSERT_TRUE(s.ok()) << s.ToString();
    MatcherOptions opts;
    if (GetParam()) {
      // One directory per test process: ctest runs these side by side.
      cache_ = std::filesystem::path(::testing::TempDir()) /
               ("scoped-cache-" + std::to_string(getpid()));
      std::filesystem::remove_all(cache_);
      opts.cache_dir = cache_.string();
      // Compile once into the cache; the matcher under test loads from it.
      auto warm = Matcher::Create(set, opts);
      ASSERT_TRUE(warm.ok());
      auto scratch = (*warm)->NewScratch();
      std::vector<RuleMatch> out;
      EXPECT_TRUE(
          (*warm)
              ->Scan("db:5432:app:Q7w9Er2Ty4", scratch.get(), &out, ".pgpass")
              .ok());
      ASSERT_EQ(out.size(), 1u);
    }
    auto m = Matcher::Create(set, opts);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    matcher_ = std::move(*m);
    EXPECT_EQ(matcher_->loaded_from_cache(), GetParam());
  }
  void TearDown() override {
    std::error_code ec;
    if (!cache_.empty()) std::filesystem::remove_all(cache_, ec);
  }

  // Rule ids found in `data` as file `path`, block and stream mode (which
  // must agree).
  std::vector<std::string> Found(std::string_view data, std::string_view path) {
    auto scratch = matcher_->NewScratch();
    std::vector<RuleMatch> block;
    EXPECT_TRUE(matcher_->Scan(data, scratch.get(), &block, path).ok());
    std::vector<std::string> ids, stream_ids;
    for (const auto& m : block) ids.push_back(matcher_->rules()[m.rule].id);
    auto stream = matcher_->OpenStream(scratch.get(), path);
    auto sink = [&](const RuleMatch& m, std::string_view, uint64_t) {
      stream_ids.push_back(matcher_->rules()[m.rule].id);
    };
    for (size_t i = 0; i < data.size(); i += 7) {
      EXPECT_TRUE(stream->Feed(data.substr(i, 7), sink).ok());
    }
    EXPECT_TRUE(stream->Close(sink).ok());
    EXPECT_EQ(ids, stream_ids) << path;
    return ids;
  }

  std::filesystem::path cache_;
  std::unique_ptr<Matcher> matcher_;
};

const char kText[] =
    "db:5432:app:Q7w9Er2Ty4\n"
    "key tok_a1b2c3d4e5f6\n";

TEST_P(ScopedMatcherTest, RunsWhereThePathMatches) {
  using V = std::vector<std::string>;
  EXPECT_EQ(Found(kText, "home/ann/.pgpass"), (V{"t.line", "t.token"}));
  EXPECT_EQ(Found(kText, "srv/conf/prod.pass"), (V{"t.line", "t.token"}));
  EXPECT_TRUE(matcher_->AnyScopedRuleApplies("x/.pgpass"));
}

TEST_P(ScopedMatcherTest, SkippedElsewhere) {
  using V = std::vector<std::string>;
  EXPECT_EQ(Found(kText, "README.md"), (V{"t.token"}));
  EXPECT_EQ(Found(kText, "prod.pass"), (V{"t.token"}));  // not under conf/
  EXPECT_FALSE(matcher_->AnyScopedRuleApplies("src/main.c"));
}

TEST_P(ScopedMatcherTest, InputWithoutPathRunsEveryRule) {
  using V = std::vector<std::string>;
  EXPECT_EQ(Found(kText, ""), (V{"t.line", "t.token"}));
}

// A history scan reads blobs before it knows their names: it scans them
// without file-format rules, and again with them those that some tree names
// like their files.
TEST_P(ScopedMatcherTest, NoFileFormatRulesScope) {
  using V = std::vector<std::string>;
  EXPECT_EQ(Found(kText, Matcher::kNoFileFormatRules), (V{"t.token"}));
  EXPECT_FALSE(matcher_->AnyScopedRuleApplies(Matcher::kNoFileFormatRules));
}

TEST_P(ScopedMatcherTest, NamesAFileFormatRuleMayApplyTo) {
  EXPECT_TRUE(matcher_->AnyScopedRuleMayApplyToName(".pgpass"));
  EXPECT_TRUE(matcher_->AnyScopedRuleMayApplyToName(".PGPASS"));
  // conf/*.pass: any *.pass file may be under conf/.
  EXPECT_TRUE(matcher_->AnyScopedRuleMayApplyToName("prod.pass"));
  EXPECT_FALSE(matcher_->AnyScopedRuleMayApplyToName("prod.pass.md"));
  EXPECT_FALSE(matcher_->AnyScopedRuleMayApplyToName("pgpass"));
  EXPECT_FALSE(matcher_->AnyScopedRuleMayApplyToName("README.md"));
}

// One scratch scans file after file (a scan worker's does): which scoped
// rules apply is worked out again whenever the path changes, also back to
// a path seen before and to a path that is a prefix of the last one.
TEST_P(ScopedMatcherTest, OneScratchFollowsThePath) {
  auto scratch = matcher_->NewScratch();
  auto ids = [&](std::string_view path) {
    std::vector<RuleMatch> out;
    EXPECT_TRUE(matcher_->Scan(kText, scratch.get(), &out, path).ok());
    std::vector<std::string> r;
    for (const auto& m : out) r.push_back(matcher_->rules()[m.rule].id);
    return r;
  };
  using V = std::vector<std::string>;
  const V both{"t.line", "t.token"}, token{"t.token"};
  EXPECT_EQ(ids("a/.pgpass"), both);
  EXPECT_EQ(ids("a/.pgpass"), both);  // the same file's decoded spans
  EXPECT_EQ(ids("a/.pgpass.md"), token);
  EXPECT_EQ(ids("a/.pgpass"), both);
  EXPECT_EQ(ids("README.md"), token);
  EXPECT_EQ(ids(""), both);
  EXPECT_EQ(ids("conf/x.pass"), both);
  EXPECT_EQ(ids("conf/x.pas"), token);
}

INSTANTIATE_TEST_SUITE_P(CompiledOrCached, ScopedMatcherTest,
                         ::testing::Values(false, true));

// The matcher's path check (a base-name prefilter, then the globs) agrees
// with RulePathMatches for every built-in file-format rule, on paths made
// from each glob (its stars filled in, under directories, in other case)
// and on near misses of them.
TEST(ScopedRuleLoadTest, BuiltinPathCheckAgreesWithTheGlobs) {
  auto set = RuleSet::Builtin();
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  auto m = Matcher::Create(*set, test::BuiltinMatcherOptions());
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  std::vector<std::string> names;
  for (const Rule& r : set->rules()) {
    for (const std::string& glob : r.paths) {
      for (const char* fill : {"", "prod.a"}) {
        std::string name;
        for (char c : glob) {
          if (c == '*') {
            name += fill;
          } else if (c == '?') {
            name += 'q';
          } else {
            name += c;
          }
        }
        names.push_back(name);
      }
    }
  }
  ASSERT_GT(names.size(), 30u);
  std::vector<std::string> paths;
  int scoped_paths = 0;
  for (const std::string& name : names) {
    std::string upper = name;
    for (char& c : upper) c = static_cast<char>(toupper(c));
    for (const std::string& n :
         {name, upper, name + ".md", "x" + name, name + "/inner.txt"}) {
      for (const char* dir : {"", "/srv/git/"}) {
        paths.push_back(dir + n);
      }
    }
  }
  for (const std::string& path : paths) {
    bool want = false;
    for (const Rule& r : set->rules()) {
      if (!r.paths.empty() && RulePathMatches(r, path)) want = true;
    }
    scoped_paths += want;
    EXPECT_EQ((*m)->AnyScopedRuleApplies(path), want) << path;
  }
  // Both answers occur, many times each.
  EXPECT_GT(scoped_paths, 100);
  EXPECT_GT(static_cast<int>(paths.size()) - scoped_paths, 100);
}

TEST(ScopedRuleLoadTest, EmptyOrDirectoryGlobIsAnError) {
  for (const char* glob : {"''", "'conf/'"}) {
    RuleSet set;
    std::string text = std::string(R"(
rules:
  - id: t.bad
    name: bad
    kind: password
    pattern: 'x(y+)'
    paths: [)") + glob +
                       "]\n";
    Status s = set.AddText(text, "bad.yaml");
    ASSERT_FALSE(s.ok()) << glob;
    EXPECT_NE(s.message().find("bad.yaml:7"), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("paths"), std::string::npos) << s.message();
  }
}

TEST(ScopedRuleLoadTest, BuiltinFileFormatRulesAreScoped) {
  auto set = RuleSet::Builtin();
  ASSERT_TRUE(set.ok());
  const Rule* pgpass = set->Find("pgpass.line");
  ASSERT_NE(pgpass, nullptr);
  EXPECT_TRUE(RulePathMatches(*pgpass, "home/ann/.pgpass"));
  EXPECT_FALSE(RulePathMatches(*pgpass, "include/linux/list.h"));
}

}  // namespace
}  // namespace keyward
