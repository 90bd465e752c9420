// Optional modules (base/module.h): found, refused when from another build,
// missing with a message that says where it looked; and the executable
// itself does not link what the modules carry.
#include "base/module.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "source/pdf_module.h"
#include "support/run.h"
#include "verify/http_module.h"

namespace keyward {
namespace {

TEST(ModuleTest, MissingModuleSaysWhereItLooked) {
  ModuleLoad load = LoadModule("keyward-nonesuch.so", "keyward_nonesuch", 1,
                               sizeof(ModuleHeader));
  EXPECT_EQ(load.table, nullptr);
  EXPECT_NE(load.error.find("keyward-nonesuch.so not found"), std::string::npos)
      << load.error;
  const char* dir = std::getenv("KEYWARD_MODULE_DIR");
  ASSERT_NE(dir, nullptr);
  EXPECT_NE(load.error.find(dir), std::string::npos) << load.error;
  EXPECT_NE(load.error.find("/../lib/keyward"), std::string::npos)
      << load.error;
}

TEST(ModuleTest, BuiltModulesLoadAndAnotherAbiIsRefused) {
  ModuleLoad wrong = LoadModule(kPdfModuleFile, kPdfModuleEntry,
                                kPdfModuleAbi + 1, sizeof(PdfModule));
  EXPECT_EQ(wrong.table, nullptr);
  EXPECT_NE(wrong.error.find("from another keyward build"), std::string::npos)
      << wrong.error;
  // The refusal is not remembered against a caller with the right ABI.
  ModuleLoad pdf = LoadModule(kPdfModuleFile, kPdfModuleEntry, kPdfModuleAbi,
                              sizeof(PdfModule));
  ASSERT_NE(pdf.table, nullptr) << pdf.error;
  EXPECT_NE(static_cast<const PdfModule*>(pdf.table)->read_pages, nullptr);
  ModuleLoad http = LoadModule(kHttpModuleFile, kHttpModuleEntry,
                               kHttpModuleAbi, sizeof(HttpModule));
  ASSERT_NE(http.table, nullptr) << http.error;
  EXPECT_NE(static_cast<const HttpModule*>(http.table)->fetch_once, nullptr);
}

// The point of the modules: a start maps neither poppler nor libcurl.
// DT_NEEDED names are strings in the ELF file; the modules carry them.
TEST(ModuleTest, ExecutableLinksNeitherPopplerNorCurl) {
  std::string exe = test::ReadFile(KEYWARD_BINARY);
  ASSERT_GT(exe.size(), 1000u);
  EXPECT_EQ(exe.find("libpoppler"), std::string::npos);
  EXPECT_EQ(exe.find("libcurl.so"), std::string::npos);
  const std::string dir = KEYWARD_MODULE_BUILD_DIR;
  EXPECT_NE(test::ReadFile(dir + "/keyward-pdf.so").find("libpoppler-cpp.so"),
            std::string::npos);
  EXPECT_NE(test::ReadFile(dir + "/keyward-http.so").find("libcurl.so"),
            std::string::npos);
}

}  // namespace
}  // namespace keyward
