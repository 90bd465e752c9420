// Issue 12: the shape of a person's password, and a test's text fixture.
//
// A 9-11 character password mixing letters and digits is how people choose
// them, not a demo word: it is not "weak" evidence. A `.txt` file among tests
// is a fixture (a test's input), lowered once as a test, not a second time
// as documentation. All values here are invented for these tests.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "keyward/matcher.h"
#include "scanner/confidence.h"
#include "support/builtin_matcher_test.h"

namespace keyward {
namespace {

TEST(PasswordShapeTest, ShortMixedPasswordIsNeutralForHumanChosenKinds) {
  for (const char* v :
       {"tr4inL1ne9", "qu1lt9Rava", "m0ssGr8den", "7pelic4nX"}) {
    EXPECT_EQ(ClassifyValue(v, 0, /*human_chosen=*/true), ValueShape::kNeutral)
        << v;
    // A token-like kind keeps calling a value this short weak.
    EXPECT_EQ(ClassifyValue(v, 0, /*human_chosen=*/false), ValueShape::kWeak)
        << v;
  }
}

TEST(PasswordShapeTest, WordLikeShortOrSingleClassPasswordsStayWeak) {
  // Word-like by BPE (a measured characters-per-token of 3 or more).
  EXPECT_EQ(ClassifyValue("orchard2024", 4.0, true), ValueShape::kWeak);
  // Letters only, digits only, too short, too repetitive.
  for (const char* v :
       {"orchardtree", "84736251904", "orch4rd7", "aaaaa11111"}) {
    EXPECT_EQ(ClassifyValue(v, 0, true), ValueShape::kWeak) << v;
  }
}

TEST(PasswordShapeTest, TextFixtureAmongTestsIsATestNotDocs) {
  for (const char* p :
       {"test/snapshots/case1/input.txt", "tests/fixtures/expected.txt",
        "pkg/testdata/urls.txt", "login_test.txt"}) {
    PathContext c = ClassifyPath(p);
    EXPECT_TRUE(c.test) << p;
    EXPECT_FALSE(c.docs) << p;
  }
  // Documentation stays documentation, among tests too.
  for (const char* p : {"tests/README.txt", "docs/tests/notes.txt",
                        "test/CHANGELOG.txt", "tests/guide.md"}) {
    PathContext c = ClassifyPath(p);
    EXPECT_TRUE(c.docs) << p;
  }
  // Plain text outside documentation is read like a log, not as docs.
  EXPECT_FALSE(ClassifyPath("notes.txt").docs);
  EXPECT_TRUE(ClassifyPath("notes.txt").log);
}

class PasswordShapeScanTest : public test::BuiltinMatcherTest {};

TEST_F(PasswordShapeScanTest, ConnectionUriWithAChosenPasswordIsReported) {
  const std::string line = "connect with mysql://app:tr4inL1ne9@db.host/app\n";
  // A plain text file, a test's text fixture, a test script: reported.
  for (const char* p : {"notes.txt", "ops/notes", "src/db.py",
                        "tests/fixtures/input.txt", "tests/test_db.py"}) {
    auto best = Best(line, p);
    ASSERT_TRUE(best.has_value()) << p;
    EXPECT_NE(*best, Confidence::kLow) << p;
  }
  // Documentation that is also a test's: still lowered twice.
  auto best = Best(line, "docs/tests/notes.txt");
  ASSERT_TRUE(best.has_value());
  EXPECT_EQ(*best, Confidence::kLow);
}

TEST_F(PasswordShapeScanTest, GenericPasswordInTextFixtureStaysLow) {
  // Without a specific rule's prior, a `password:` line in a test's fixture
  // stays below the default: the fixture is still a test.
  auto best = Best("password: tr4inL1ne9\n", "tests/fixtures/values.txt");
  ASSERT_TRUE(best.has_value());
  EXPECT_EQ(*best, Confidence::kLow);
}

}  // namespace
}  // namespace keyward
