// End-to-end: the installed layout (bin/keyward, lib/keyward/*.so) finds its
// PDF module with no help; without the module a PDF is reported and scanned
// as plain bytes, and the rest of the scan goes on.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "support/fake_secrets.h"
#include "support/pdf.h"
#include "support/run.h"

namespace keyward {
namespace {

namespace fs = std::filesystem;
using test::FakeGithubToken;
using test::RunProgram;
using test::TempDir;

// The loader's override emptied: only the binary's own places count.
const std::vector<std::string> kNoOverride = {"KEYWARD_MODULE_DIR="};

std::string InstallBinary(const TempDir& root) {
  fs::create_directories(root.path() + "/usr/bin");
  const std::string bin = root.path() + "/usr/bin/keyward";
  fs::copy_file(KEYWARD_BINARY, bin);
  return bin;
}

TEST(ModulesCliTest, InstalledLayoutLoadsThePdfModule) {
  TempDir root, tree;
  const std::string bin = InstallBinary(root);
  fs::create_directories(root.path() + "/usr/lib/keyward");
  fs::copy_file(std::string(KEYWARD_MODULE_BUILD_DIR) + "/keyward-pdf.so",
                root.path() + "/usr/lib/keyward/keyward-pdf.so");
  const std::string token = FakeGithubToken(181);
  tree.Write("guide.pdf", test::MinimalPdf({{"Setup"}, {"GH=" + token}}));
  auto r = RunProgram({bin, "scan", "--format", "json", "."}, "", kNoOverride,
                      tree.path());
  ASSERT_EQ(r.exit_code, 1) << r.err;
  auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["findings"].size(), 1u) << r.out;
  EXPECT_EQ(doc["findings"][0]["path"], "guide.pdf!page-2");
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
}

TEST(ModulesCliTest, WithoutThePdfModuleTheScanWarnsAndGoesOn) {
  TempDir root, tree;
  const std::string bin = InstallBinary(root);
  tree.Write("guide.pdf", test::MinimalPdf({{"GH=" + FakeGithubToken(182)}}));
  tree.Write("app.env", "GH=" + FakeGithubToken(183) + "\n");
  auto r = RunProgram({bin, "scan", "--format", "json", "."}, "", kNoOverride,
                      tree.path());
  ASSERT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("warning: guide.pdf: PDF text cannot be read: "
                       "keyward-pdf.so not found (looked in " +
                       root.path() + "/usr/bin/../lib/keyward, " + root.path() +
                       "/usr/bin;"),
            std::string::npos)
      << r.err;
  // This PDF is all text: its bytes still show the token.
  auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["findings"].size(), 2u) << r.out;
  EXPECT_EQ(doc["findings"][0]["path"], "app.env");
  EXPECT_EQ(doc["findings"][1]["path"], "guide.pdf");
}

}  // namespace
}  // namespace keyward
