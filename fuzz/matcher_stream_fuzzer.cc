// The matcher across stream chunk boundaries, differential: the built-in
// rules' matches over a buffer scanned in stream mode, cut into chunks at
// random points, must equal a block-mode scan of the whole buffer (same
// rules, offsets, secret and identifier groups, lines and columns, same
// secret bytes in the window the stream hands out).
//
// Input: 1 byte seed for the chunk sizes, then the text. The built-in
// databases come from the build's prebuilt pack (KEYWARD_FUZZ_PREBUILT, or
// the path the build compiled in); without one they are compiled once,
// ~20 s, at start.
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "keyward/matcher.h"
#include "keyward/rules.h"

namespace {

struct Engine {
  std::string pack;
  std::unique_ptr<keyward::Matcher> matcher;
  std::unique_ptr<keyward::Matcher::Scratch> scratch;
};

Engine* Get() {
  static Engine* engine = [] {
    auto* e = new Engine;
    const char* path = std::getenv("KEYWARD_FUZZ_PREBUILT");
#ifdef KEYWARD_FUZZ_PREBUILT_PACK
    if (!path) path = KEYWARD_FUZZ_PREBUILT_PACK;
#endif
    if (path) {
      std::ifstream in(path, std::ios::binary);
      e->pack.assign(std::istreambuf_iterator<char>(in), {});
    }
    auto rules = keyward::RuleSet::Builtin();
    if (!rules.ok()) keyward::fuzz::Fail("RuleSet::Builtin");
    keyward::MatcherOptions opts;
    opts.prebuilt = e->pack;
    auto m = keyward::Matcher::Create(*rules, opts);
    if (!m.ok()) keyward::fuzz::Fail("Matcher::Create");
    e->matcher = std::move(*m);
    e->scratch = e->matcher->NewScratch();
    return e;
  }();
  return engine;
}

bool Same(const keyward::RuleMatch& a, const keyward::RuleMatch& b) {
  return a.rule == b.rule && a.start == b.start && a.end == b.end &&
         a.secret_start == b.secret_start && a.secret_end == b.secret_end &&
         a.has_id == b.has_id &&
         (!a.has_id || (a.id_start == b.id_start && a.id_end == b.id_end)) &&
         a.checksum_verified == b.checksum_verified &&
         a.checksum_failed == b.checksum_failed && a.line == b.line &&
         a.column == b.column && a.end_line == b.end_line &&
         a.end_column == b.end_column;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  Engine* e = Get();
  std::minstd_rand rng(data[0] + 1);
  std::string_view text = keyward::fuzz::AsText(data + 1, size - 1);

  std::vector<keyward::RuleMatch> block;
  KEYWARD_FUZZ_CHECK(e->matcher->Scan(text, e->scratch.get(), &block).ok());

  std::vector<keyward::RuleMatch> streamed;
  auto stream = e->matcher->OpenStream(e->scratch.get());
  auto sink = [&](const keyward::RuleMatch& m, std::string_view window,
                  uint64_t base) {
    KEYWARD_FUZZ_CHECK(m.secret_start >= base &&
                       m.secret_end - base <= window.size());
    KEYWARD_FUZZ_CHECK(m.secret_start <= m.secret_end &&
                       m.secret_end <= text.size());
    KEYWARD_FUZZ_CHECK(
        window.substr(m.secret_start - base, m.secret_end - m.secret_start) ==
        text.substr(m.secret_start, m.secret_end - m.secret_start));
    streamed.push_back(m);
  };
  // Chunks of 1..64 bytes, or up to the whole rest: both tiny and large
  // chunks, a boundary anywhere.
  size_t pos = 0;
  while (pos < text.size()) {
    size_t n = (rng() & 3) == 0 ? 1 + rng() % text.size() : 1 + rng() % 64;
    n = std::min(n, text.size() - pos);
    KEYWARD_FUZZ_CHECK(stream->Feed(text.substr(pos, n), sink).ok());
    pos += n;
  }
  KEYWARD_FUZZ_CHECK(stream->Close(sink).ok());

  if (block.size() != streamed.size()) {
    keyward::fuzz::Fail("stream and block modes found different counts");
  }
  for (size_t i = 0; i < block.size(); ++i) {
    if (!Same(block[i], streamed[i])) {
      keyward::fuzz::Fail("stream and block modes found different matches");
    }
  }
  return 0;
}
