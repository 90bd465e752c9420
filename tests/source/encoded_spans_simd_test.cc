// The encoded-string search with AVX2 and without finds exactly what the
// search found before either (tests/support/encoded_spans_reference.cc), on
// random bytes, on crafted mixtures of encodings placed across the SIMD
// block edges, and on this repository's own text; and the run-window scan
// of source/span_simd.h agrees with its definition on every byte value.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "source/encoded_spans.h"
#include "source/span_simd.h"
#include "support/base64.h"
#include "support/encoded_spans_reference.h"

namespace keyward {
namespace {

using test::B64;

struct Found {
  std::vector<DecodedSpan> spans;
  uint64_t budget = 0;
  bool hit = false;
};

Found Search(std::string_view text, const SpanLimits& limits, uint64_t budget,
             int which) {
  Found f;
  f.budget = budget;
  if (which == 0) {
    spans_reference::FindEncodedSpansReference(text, limits, &f.budget, &f.hit,
                                               &f.spans);
  } else {
    FindEncodedSpans(text, limits, &f.budget, &f.hit, &f.spans,
                     which == 1 ? SpanSimd::kAuto : SpanSimd::kPortable);
  }
  return f;
}

// Every search finds what the reference finds: the same spans (places,
// encodings, decoded text) in order, and the same budget left.
void ExpectSameAsReference(std::string_view text, const SpanLimits& limits,
                           uint64_t budget, const std::string& what) {
  const Found ref = Search(text, limits, budget, 0);
  for (int which : {1, 2}) {
    SCOPED_TRACE(what + (which == 1 ? " (auto)" : " (portable)"));
    const Found got = Search(text, limits, budget, which);
    ASSERT_EQ(got.spans.size(), ref.spans.size());
    for (size_t i = 0; i < ref.spans.size(); i++) {
      EXPECT_EQ(got.spans[i].begin, ref.spans[i].begin) << "span " << i;
      EXPECT_EQ(got.spans[i].end, ref.spans[i].end) << "span " << i;
      EXPECT_EQ(got.spans[i].encoding, ref.spans[i].encoding) << "span " << i;
      // (Compared without printing: a decoded span may hold a secret.)
      EXPECT_TRUE(got.spans[i].text == ref.spans[i].text) << "span " << i;
    }
    EXPECT_EQ(got.budget, ref.budget);
    EXPECT_EQ(got.hit, ref.hit);
  }
}

// Bit j of the run-window mask, by its definition in source/span_simd.h.
uint64_t WindowModel(const char* w) {
  auto alpha = [](unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '+' || c == '/';
  };
  auto hex = [](unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
           (c >= 'A' && c <= 'F');
  };
  for (int j = 0; j < 49; j++) {
    bool run = true, up = false, lo = false, all_hex = true;
    for (int k = j; k < j + 16; k++) {
      unsigned char c = w[k];
      run = run && alpha(c);
      up = up || (c >= 'A' && c <= 'Z');
      lo = lo || (c >= 'a' && c <= 'z');
      all_hex = all_hex && hex(c);
    }
    if (run && ((up && lo) || all_hex)) {
      // The first qualifying start and every run start above it.
      uint64_t r = 0;
      for (int s = j; s < 49; s++) {
        bool all = true;
        for (int k = s; k < s + 16; k++) all = all && alpha(w[k]);
        if (all) r |= uint64_t{1} << s;
      }
      return r;
    }
  }
  return 0;
}

// Windows from `i` by the model: (window start, mask) as the scan returns.
std::pair<size_t, uint64_t> NextWindowModel(std::string_view text, size_t i) {
  for (; i + 64 <= text.size(); i += 49) {
    if (uint64_t r = WindowModel(text.data() + i); r != 0) return {i, r};
  }
  return {i, 0};
}

void ExpectWindowsAgree(std::string_view text, const std::string& what) {
  span_simd::NextRunWindowFn avx2 = span_simd::NextRunWindowAvx2();
  for (size_t i = 0; i < std::min<size_t>(text.size(), 70); i++) {
    SCOPED_TRACE(what + " from " + std::to_string(i));
    auto [want_i, want_r] = NextWindowModel(text, i);
    uint64_t r = 0;
    EXPECT_EQ(span_simd::NextRunWindowSse2(text.data(), text.size(), i, &r),
              want_i);
    EXPECT_EQ(r, want_r);
    if (avx2) {
      r = 0;
      EXPECT_EQ(avx2(text.data(), text.size(), i, &r), want_i);
      EXPECT_EQ(r, want_r);
    }
  }
}

TEST(SpanSimdTest, RunWindowsAgreeWithTheirDefinitionOnEveryByteValue) {
#if defined(__x86_64__)
  // This build's CPU: AVX2 is used where it is there (and then compared).
  EXPECT_EQ(SpanSearchHasAvx2(), __builtin_cpu_supports("avx2") != 0);
#endif
  // A run of base64 of text, with each byte value at each place of it.
  const std::string base = B64("Some text that base64 encodes, for a run!!");
  ASSERT_GE(base.size(), 56u);
  for (int v = 0; v < 256; v++) {
    for (size_t at = 0; at < 64; at += 3) {
      std::string text = base.substr(0, 56) + base.substr(0, 56);
      text[at] = static_cast<char>(v);
      ExpectWindowsAgree(
          text, "byte " + std::to_string(v) + " at " + std::to_string(at));
      if (HasFatalFailure() || HasNonfatalFailure()) return;
    }
  }
  // Hex runs, upper-case only and lower-case only runs, url characters.
  ExpectWindowsAgree(std::string(40, 'x') + "0123456789abcdefABCDEF0123456789" +
                         std::string(60, '-'),
                     "hex");
  ExpectWindowsAgree(std::string(20, ' ') + "ABCDEFGHIJKLMNOPQRSTUVWXYZ" +
                         "abcdefghijklmnopqrstuvwxyz" + std::string(30, '_'),
                     "cases");
}

TEST(SpanSimdTest, CountByteCountsWhatStdCountCounts) {
  std::mt19937 rng(5);
  // Lengths around the 16-byte blocks and the 255-block counter flush.
  for (size_t len :
       {0, 1, 15, 16, 17, 31, 33, 4079, 4080, 4081, 4096, 8161, 20000}) {
    for (int density : {0, 1, 50, 100}) {
      std::string s(len, 'x');
      for (char& c : s) {
        if (static_cast<int>(rng() % 100) < density)
          c = '\n';
        else if (rng() % 7 == 0)
          c = static_cast<char>(rng());
      }
      for (size_t off : {size_t{0}, size_t{3}}) {
        std::string_view v = std::string_view(s).substr(std::min(off, len));
        EXPECT_EQ(span_simd::CountByte(v, '\n'),
                  static_cast<size_t>(std::count(v.begin(), v.end(), '\n')))
            << "length " << v.size() << " density " << density;
      }
    }
  }
  std::string all(300 * 16, '\n');  // every byte: past the counters' 255
  EXPECT_EQ(span_simd::CountByte(all, '\n'), all.size());
}

TEST(SpanSimdTest, RandomBytesFindWhatTheReferenceFinds) {
  std::mt19937 rng(17);
  // Weighted toward what the searches look at.
  const std::string pool =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
      "abcdefABCDEF0123456789+/-_=%\\\"'`\n\n  \t:.\r";
  for (int n = 0; n < 3000; n++) {
    std::string text(rng() % 700, '\0');
    const int mode = rng() % 3;
    for (char& c : text) {
      unsigned x = rng();
      c = mode == 0 || x % 8 != 0 ? pool[x % pool.size()]
                                  : static_cast<char>(x >> 8);
    }
    SpanLimits limits;
    if (n % 5 == 1) limits.min_length = 4 + rng() % 30;
    if (n % 7 == 2) limits.max_length = 20 + rng() % 100;
    ExpectSameAsReference(text, limits, n % 11 == 3 ? rng() % 64 : 1 << 20,
                          "random " + std::to_string(n));
    ExpectWindowsAgree(text, "random " + std::to_string(n));
    if (HasFatalFailure() || HasNonfatalFailure()) return;
  }
}

// Pieces of each encoding and of what is like one, joined at random places
// so that runs start and end on every side of the 16-, 32- and 64-byte
// blocks and the 49-byte window step.
std::string CraftedPiece(std::mt19937& rng) {
  auto printable = [&](size_t n) {
    std::string s;
    for (size_t i = 0; i < n; i++) s += static_cast<char>(' ' + rng() % 95);
    return s;
  };
  std::string hex_digits = "0123456789abcdef";
  switch (rng() % 12) {
    case 0:
      return B64(printable(8 + rng() % 120));
    case 1:
      return B64(printable(8 + rng() % 120), true);
    case 2: {  // base64 wrapped at 64 or 76, as PEM and the base64 tool do
      std::string b = B64(printable(100 + rng() % 300));
      size_t w = rng() % 2 ? 64 : 76;
      std::string out;
      for (size_t i = 0; i < b.size(); i += w) out += b.substr(i, w) + "\n";
      return out;
    }
    case 3: {
      std::string t = printable(8 + rng() % 60), h;
      for (unsigned char c : t) {
        h += hex_digits[c >> 4];
        h += hex_digits[c & 15];
      }
      return h;
    }
    case 4:
      return "\"key\\u0041=" + printable(10 + rng() % 40) + "\\n\\\"x\\\"\" ";
    case 5:
      return "'a\\tb\\x41" + std::string(rng() % 30, 'q') + "' `c\\\\d` ";
    case 6:
      return "https://h/p?q=a%20b%3Dc%26d%2F" + printable(rng() % 5) + " ";
    case 7:
      return "printf(\"%02x:%02x %s\\n\", a); ";
    case 8:
      return "someVeryLongCamelCaseIdentifierName" +
             std::string(rng() % 20, 'x') + " ";
    case 9:
      return "__SOME_CONSTANT_NAME_" + std::to_string(rng()) + "\n";
    case 10:
      return std::string(rng() % 70, rng() % 2 ? 'a' : '/');
    default:
      return printable(rng() % 80);
  }
}

TEST(SpanSimdTest, CraftedMixturesFindWhatTheReferenceFinds) {
  std::mt19937 rng(1717);
  for (int n = 0; n < 1500; n++) {
    std::string text = std::string(rng() % 70, ' ');
    const int pieces = 1 + rng() % 12;
    for (int k = 0; k < pieces; k++) {
      text += CraftedPiece(rng);
      if (rng() % 3 == 0)
        text += std::string(rng() % 50, rng() % 2 ? '\n' : ' ');
    }
    SpanLimits limits;
    if (n % 6 == 1) limits.min_length = 8 + rng() % 24;
    ExpectSameAsReference(text, limits, n % 9 == 4 ? rng() % 200 : 1 << 20,
                          "crafted " + std::to_string(n));
    ExpectWindowsAgree(text, "crafted " + std::to_string(n));
    if (HasFatalFailure() || HasNonfatalFailure()) return;
  }
}

TEST(SpanSimdTest, ThisRepositorysTextFindsWhatTheReferenceFinds) {
  namespace fs = std::filesystem;
  size_t files = 0, spans = 0;
  for (const char* dir : {"source", "scanner", "tests", "rules", "docs"}) {
    for (const auto& e :
         fs::recursive_directory_iterator(fs::path(KEYWARD_SOURCE_DIR) / dir)) {
      if (!e.is_regular_file()) continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      const std::string text = ss.str();
      ExpectSameAsReference(text, SpanLimits{}, 1 << 20, e.path().string());
      if (HasFatalFailure() || HasNonfatalFailure()) return;
      files++;
      spans += Search(text, SpanLimits{}, 1 << 20, 1).spans.size();
    }
  }
  EXPECT_GT(files, 100u);
  EXPECT_GT(spans, 50u);  // the tests' fixtures hold encoded strings
}

}  // namespace
}  // namespace keyward
