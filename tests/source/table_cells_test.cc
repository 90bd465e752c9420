// source/table_cells.h: credential columns under a header, per table syntax.
#include "source/table_cells.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace keyward {
namespace {

// (label, value) of each cell found.
std::vector<std::pair<std::string, std::string>> Cells(const std::string& t) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const TableCell& c : CredentialTableCells(t)) {
    out.emplace_back(c.label, t.substr(c.offset, c.length));
  }
  return out;
}

using Want = std::vector<std::pair<std::string, std::string>>;

TEST(TableCellsTest, CsvAndTsvColumnsWhateverTheirPlace) {
  EXPECT_EQ(
      Cells("host,username,password,notes\n"
            "db01,admin,Harbor7099.Harbor,primary\n"
            "db02,admin,,replica\n"
            "db03,ops,\"Kx9,Tq4vLm\",quoted with a comma\n"),
      (Want{{"password", "Harbor7099.Harbor"}, {"password", "Kx9,Tq4vLm"}}));
  EXPECT_EQ(Cells("Access Token\tservice\n9f3b7d1e5a2c8f4b6d0e\tci\n"),
            (Want{{"token", "9f3b7d1e5a2c8f4b6d0e"}}));
  // Excel's European CSV, with a BOM-less German header.
  EXPECT_EQ(
      Cells("Standort;Benutzer;Passwort\nHamburg;admin;Ember9672@Willow\n"),
      (Want{{"password", "Ember9672@Willow"}}));
}

TEST(TableCellsTest, MarkupTables) {
  EXPECT_EQ(Cells("| Service | API key |\n|---|---|\n"
                  "| billing | `b569792385c208477c96e25f026e3c01` |\n"),
            (Want{{"api_key", "b569792385c208477c96e25f026e3c01"}}));
  EXPECT_EQ(
      Cells("||Host||User||Password||\n|web1|root|{{Falcon5594@Ember}}|\n"),
      (Want{{"password", "Falcon5594@Ember"}}));
  EXPECT_EQ(Cells("! Host !! Password\n|-\n| lab1 || Cobalt8408@Harbor\n"),
            (Want{{"password", "Cobalt8408@Harbor"}}));
  EXPECT_EQ(Cells("\\begin{tabular}{ll}\n\\toprule\nHost & Password \\\\\n"
                  "\\midrule\nvpn & \\texttt{Orchid2677!Cobalt} \\\\\n"),
            (Want{{"password", "Orchid2677!Cobalt"}}));
  EXPECT_EQ(Cells("+------+-------------------+\n| Host | Password          |\n"
                  "+======+===================+\n| db   | Ember3549.Quartz  |\n"
                  "+------+-------------------+\n"),
            (Want{{"password", "Ember3549.Quartz"}}));
}

// Header words are looked for 16 bytes at a time: each word, in any case,
// at every place before and across a block's edge and at the text's end,
// where the bytes left are fewer than a block.
TEST(TableCellsTest, HeaderWordsAtEveryOffsetAndInAnyCase) {
  const std::vector<std::pair<std::string, std::string>> words = {
      {"Password", "password"},
      {"PWD", "password"},
      {"sEcReT", "secret"},
      {"API Token", "token"},
      {"api KEY", "api_key"},
      {"Kennwort", "password"},
      {"Mot de passe", "password"},
      {"Senha", "password"},
      {"Contrase\xc3\xb1"
       "a",
       "password"},
      {"Salasana", "password"},
      {"Has\xc5\x82o", "password"},
      {"API-Schl\xc3\xbcssel", "api_key"},
      {"Wachtwoord", "password"},
      {"L\xc3\xb6senord", "password"}};
  for (const auto& [word, label] : words) {
    for (size_t pad = 0; pad < 40; pad++) {
      // A prose line of `pad` bytes, then the table.
      std::string text = std::string(pad, 'x') + "\n\nHost;" + word +
                         "\nvpn;Orchid2677!Cobalt\n";
      const auto cells = Cells(text);
      ASSERT_EQ(cells.size(), 1u) << word << " after " << pad << " bytes";
      EXPECT_EQ(cells[0].first, label) << word;
      EXPECT_EQ(cells[0].second, "Orchid2677!Cobalt");
    }
  }
}

TEST(TableCellsTest, ColumnsThatHoldNoCredential) {
  // Digests, ids, policies, names of secrets, and values with blanks.
  EXPECT_TRUE(
      Cells("file,sha256,password hint\na.tar,9f3b7d1e5a2c,my dog\n").empty());
  EXPECT_TRUE(Cells("| Token ID | Token name |\n|---|---|\n"
                    "| 4f1a9c7e2b | deploy-bot |\n")
                  .empty());
  EXPECT_TRUE(Cells("| Password | Note |\n|---|---|\n"
                    "| (in the vault) | rotate monthly |\n")
                  .empty());
  // A row of values is no header, whatever it contains.
  EXPECT_TRUE(
      Cells("MyPassword1!,Harbor7099.Harbor\nx,Ember9672@Willow\n").empty());
  // The table ends at the first line without its delimiter.
  EXPECT_EQ(Cells("user,password\nadm,Harbor3980!Willow\n\nthen prose, "
                  "with commas, Falcon5594@Ember\n"),
            (Want{{"password", "Harbor3980!Willow"}}));
}

// Cells are returned whatever their value: the rules that read them as
// `password = <cell>` drop a placeholder such as `********`.
TEST(TableCellsTest, HtmlTablesOneLineOrPrettyPrinted) {
  EXPECT_EQ(
      Cells("<table><tr><th>Host</th><th>Password</th></tr>\n"
            "<tr><td>web1</td><td><code>Harbor7099.Harbor</code></td>"
            "</tr>\n<tr><td>web2</td><td>********</td></tr></table>\n"),
      (Want{{"password", "Harbor7099.Harbor"}, {"password", "********"}}));
  EXPECT_EQ(Cells("<table>\n  <tr>\n    <th>Service</th>\n    <th>Client "
                  "Secret</th>\n  </tr>\n  <tr>\n    <td>crm</td>\n    <td>\n"
                  "      AYKga5DdLdVqw9EKybzmX86HCIEv\n    </td>\n  </tr>\n"
                  "</table>\n"),
            (Want{{"secret", "AYKga5DdLdVqw9EKybzmX86HCIEv"}}));
}

TEST(TableCellsTest, AHeaderOpensItsTable) {
  // A translation table's row of credential words is no header.
  EXPECT_TRUE(Cells("key\ten\tde\n"
                    "login.password\tPassword\tPasswort\n"
                    "settings.key\tAPI key\tAPI-Schl\xc3\xbcssel\n")
                  .empty());
  // A spreadsheet's `#` column and an empty one; a German header.
  EXPECT_EQ(Cells("#,Hostname,Login,Password,,MFA\n"
                  "1,db1.internal,admin,Cobalt5837-Ember,,Yes\n"),
            (Want{{"password", "Cobalt5837-Ember"}}));
  EXPECT_EQ(Cells("Dienst;API-Schl\xc3\xbcssel\nMail;9f3b7d1e5a2c8f4b6d0e\n"),
            (Want{{"api_key", "9f3b7d1e5a2c8f4b6d0e"}}));
}

TEST(TableCellsTest, PathsThatHoldTables) {
  EXPECT_TRUE(IsTablePath("exports/Server Passwords.CSV"));
  EXPECT_TRUE(IsTablePath("wiki/Onboarding.md"));
  EXPECT_TRUE(IsTablePath("docs/appendix.tex"));
  EXPECT_FALSE(IsTablePath("src/main.cc"));
  EXPECT_FALSE(IsTablePath("config/app.yaml"));
}

}  // namespace
}  // namespace keyward
