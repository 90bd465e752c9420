// End-to-end: PDFs and notebooks located by page and cell, their off switch
// (--no-documents, `documents: false`), --stats, and a built frontend whose
// bundle findings fold into the source map's sources (JSON and SARIF).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/fake_secrets.h"
#include "support/pdf.h"
#include "support/run.h"

namespace keyward {
namespace {

using test::FakeGithubToken;
using test::RunKeyward;
using test::TempDir;

void ExpectNoSecret(const test::RunResult& r, const std::string& secret) {
  EXPECT_EQ(r.out.find(secret.substr(4, 20)), std::string::npos)
      << "secret in stdout";
  EXPECT_EQ(r.err.find(secret.substr(4, 20)), std::string::npos)
      << "secret in stderr";
}

TEST(DocumentCliTest, PdfPagesAndNotebookCells) {
  TempDir dir;
  std::string t1 = FakeGithubToken(171), t2 = FakeGithubToken(172);
  dir.Write("docs/runbook.pdf",
            test::MinimalPdf({{"Runbook"}, {"Deploy", "GITHUB_TOKEN=" + t1}}));
  nlohmann::json nb = {
      {"nbformat", 4},
      {"nbformat_minor", 5},
      {"metadata", nlohmann::json::object()},
      {"cells",
       {{{"cell_type", "code"},
         {"source", {"import os\n", "os.environ['GH'] = '" + t2 + "'\n"}},
         {"outputs", nlohmann::json::array()}}}}};
  dir.Write("notebooks/explore.ipynb", nb.dump(1));
  auto r = RunKeyward({"scan", "--format", "json", "--stats", "."}, "", {},
                      dir.path());
  ASSERT_EQ(r.exit_code, 1) << r.err;
  ExpectNoSecret(r, t1);
  ExpectNoSecret(r, t2);
  auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["findings"].size(), 2u) << r.out;
  EXPECT_EQ(doc["findings"][0]["path"], "docs/runbook.pdf!page-2");
  EXPECT_EQ(doc["findings"][0]["line"], 2);
  EXPECT_EQ(doc["findings"][0]["column"], 14);
  EXPECT_EQ(doc["findings"][1]["path"], "notebooks/explore.ipynb!cell-1");
  EXPECT_EQ(doc["findings"][1]["line"], 2);
  EXPECT_EQ(doc["findings"][1]["column"], 21);
  EXPECT_EQ(doc["stats"]["pdfs"], 1);
  EXPECT_EQ(doc["stats"]["pdf_pages"], 2);
  EXPECT_EQ(doc["stats"]["notebooks"], 1);
  EXPECT_EQ(doc["stats"]["notebook_cells"], 1);
  EXPECT_NE(r.err.find("documents:       1 PDFs (2 pages), 1 notebooks "
                       "(1 cells), 0 unreadable, 0 cut off"),
            std::string::npos)
      << r.err;

  // Off: both are plain files (this PDF is all text, so its drawing
  // commands are scanned; the notebook's JSON as one text).
  for (const auto& args :
       {std::vector<std::string>{"scan", "--format", "json", "--no-documents",
                                 "."},
        std::vector<std::string>{"scan", "--format", "json", "."}}) {
    if (args.size() == 4) dir.Write(".keyward.yaml", "documents: false\n");
    auto off = RunKeyward(args, "", {}, dir.path());
    ASSERT_EQ(off.exit_code, 1) << off.err;
    auto off_doc = nlohmann::json::parse(off.out);
    ASSERT_EQ(off_doc["findings"].size(), 2u);
    EXPECT_EQ(off_doc["findings"][0]["path"], "docs/runbook.pdf");
    EXPECT_EQ(off_doc["findings"][1]["path"], "notebooks/explore.ipynb");
    EXPECT_EQ(off_doc["stats"]["pdfs"], 0);
  }
}

TEST(DocumentCliTest, BrokenPdfWarnsAndTheScanGoesOn) {
  TempDir dir;
  std::string pdf = test::MinimalPdf({{"x"}});
  dir.Write("cut.pdf", pdf.substr(0, 40));
  dir.Write("app.env", "GH=" + FakeGithubToken(173) + "\n");
  auto r = RunKeyward({"scan", "--stats", "."}, "", {}, dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("warning: cut.pdf: not a readable PDF"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("1 unreadable, 0 cut off"), std::string::npos) << r.err;
  // Poppler's own complaints are not printed.
  EXPECT_EQ(r.err.find("Syntax Error"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("Internal Error"), std::string::npos) << r.err;
}

// A built frontend: the secret in dist/app.js is reported once, at the
// source its map embeds, with the bundle as the related location.
TEST(DocumentCliTest, BundleFindingIsReportedAtTheSource) {
  TempDir dir;
  std::string t = FakeGithubToken(174);
  dir.Write("dist/app.js", "(()=>{const g=\"" + t +
                               "\";fetch(g)})();\n"
                               "//# sourceMappingURL=app.js.map\n");
  nlohmann::json map = {
      {"version", 3},
      {"sources", {"src/config.ts"}},
      {"sourcesContent", {"// c\nexport const g = \"" + t + "\";\n"}},
      {"mappings", "AAAA"}};
  dir.Write("dist/app.js.map", map.dump());
  auto r = RunKeyward({"scan", "--format", "json", "--stats", "dist"}, "", {},
                      dir.path());
  ASSERT_EQ(r.exit_code, 1) << r.err;
  ExpectNoSecret(r, t);
  auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["findings"].size(), 1u) << r.out;
  const auto& f = doc["findings"][0];
  EXPECT_EQ(f["path"], "dist/app.js.map!src/config.ts");
  EXPECT_EQ(f["line"], 2);
  ASSERT_EQ(f["related_locations"].size(), 1u);
  EXPECT_EQ(f["related_locations"][0]["path"], "dist/app.js");
  EXPECT_EQ(f["related_locations"][0]["line"], 1);
  EXPECT_EQ(f["related_locations"][0]["column"], 16);
  EXPECT_EQ(doc["stats"]["bundle_findings_folded"], 1);
  EXPECT_EQ(doc["stats"]["findings"], 1);
  EXPECT_NE(r.err.find("1 bundle findings folded into sources"),
            std::string::npos)
      << r.err;

  auto sarif =
      RunKeyward({"scan", "--format", "sarif", "dist"}, "", {}, dir.path());
  ASSERT_EQ(sarif.exit_code, 1) << sarif.err;
  auto results = nlohmann::json::parse(sarif.out)["runs"][0]["results"];
  ASSERT_EQ(results.size(), 1u);
  // URIs are relative to the scanned directory (%SRCROOT%).
  EXPECT_EQ(
      results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
      "app.js.map!src/config.ts");
  EXPECT_EQ(results[0]["relatedLocations"][0]["physicalLocation"]
                   ["artifactLocation"]["uri"],
            "app.js");

  auto text = RunKeyward({"scan", "dist"}, "", {}, dir.path());
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_NE(text.out.find("(also in bundle dist/app.js:1:16)"),
            std::string::npos)
      << text.out;
}

// A spreadsheet export and a wiki table: the header names the column, the
// row holds the value. Each cell is reported at its own line and column,
// once even where a provider rule also reads the row. Code is no table.
TEST(DocumentCliTest, CredentialColumnsOfTables) {
  TempDir dir;
  const std::string token = FakeGithubToken(181);
  dir.Write("exports/servers.csv",
            "host,username,password,notes\n"
            "db01,admin,Harbor7099.Harbor,primary\n"
            "db02,admin,********,replica\n"
            "ci,bot," +
                token + ",\n");
  dir.Write("wiki/Handover.md",
            "# Handover\n\n| Service | API key |\n|---|---|\n"
            "| billing | `b569792385c208477c96e25f026e3c01` |\n");
  dir.Write("src/table.py",
            "ROWS = '''\nuser,password\nadm,Harbor3980!Willow\n'''\n");
  auto r =
      RunKeyward({"scan", "--format", "json", "--min-confidence", "low", "."},
                 "", {}, dir.path());
  ASSERT_EQ(r.exit_code, 1) << r.err;
  ExpectNoSecret(r, token);
  auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["findings"].size(), 3u) << r.out;
  const auto& pw = doc["findings"][0];
  EXPECT_EQ(pw["path"], "exports/servers.csv");
  EXPECT_EQ(pw["line"], 2);
  EXPECT_EQ(pw["column"], 12);
  EXPECT_EQ(pw["end_column"], 29);
  EXPECT_EQ(pw["rule_id"], "generic.password.unquoted");
  EXPECT_EQ(doc["findings"][1]["line"], 4);
  EXPECT_EQ(doc["findings"][1]["rule_id"], "github.pat.classic");
  const auto& key = doc["findings"][2];
  EXPECT_EQ(key["path"], "wiki/Handover.md");
  EXPECT_EQ(key["line"], 5);
  EXPECT_EQ(key["column"], 14);  // after the backtick
  EXPECT_EQ(key["rule_id"], "generic.secret.unquoted");
}

}  // namespace
}  // namespace keyward
