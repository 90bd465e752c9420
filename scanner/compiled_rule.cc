// A rule compiled for phase 2: its RE2 patterns (made on first use), the
// head/tail split and the groups of a known span.
#include <mutex>

#include "scanner/matcher_impl.h"
#include "scanner/pattern_syntax.h"

namespace keyward {

const RE2& CompiledRule::re() const {
  std::call_once(once_, [this] {
    re_ = std::make_unique<RE2>(rule.pattern, Latin1Options());
    auto names = re_->NamedCapturingGroups();
    auto s = names.find("secret");
    secret_group_ = s != names.end() ? s->second : 1;
    auto i = names.find("id");
    id_group_ = i != names.end() ? i->second : -1;
    auto k = names.find("key");
    key_group_ = k != names.end() ? k->second : -1;
    // "(?P<secret>...)" or "(...)" around the whole pattern: the secret is
    // the match, no group extraction needed.
    const std::string& p = rule.pattern;
    size_t open = p.rfind("(?P<secret>", 0) == 0                 ? 0
                  : (p.size() > 1 && p[0] == '(' && p[1] != '?') ? 0
                                                                 : p.npos;
    if (open == 0 && re_->NumberOfCapturingGroups() == 1 && p.back() == ')') {
      int depth = 0;
      bool escaped = false, in_class = false;
      size_t close = p.npos;
      for (size_t k = 0; k < p.size(); k++) {
        char c = p[k];
        if (escaped) {
          escaped = false;
        } else if (c == '\\') {
          escaped = true;
        } else if (in_class) {
          in_class = c != ']';
        } else if (c == '[') {
          in_class = true;
        } else if (c == '(') {
          depth++;
        } else if (c == ')' && --depth == 0) {
          close = k;
          break;
        }
      }
      secret_is_whole_ = close == p.size() - 1;
    }
  });
  return *re_;
}

const RE2& CompiledRule::re_end() const {
  std::call_once(end_once_, [this] {
    re_end_ =
        std::make_unique<RE2>("(?:" + rule.pattern + ")\\z", Latin1Options());
  });
  return *re_end_;
}

const RE2& CompiledRule::Split::head_longest() const {
  std::call_once(head_once, [this] {
    RE2::Options longest = Latin1Options();
    longest.set_longest_match(true);
    head_longest_ = std::make_unique<RE2>(head, longest);
  });
  return *head_longest_;
}

const CompiledRule::Split* CompiledRule::split() const {
  std::call_once(split_once_, [this] {
    const RE2& full = re();
    std::string head, tail;
    if (full.NumberOfCapturingGroups() == 0 ||
        !SplitBeforeGroups(rule.pattern, &head, &tail, "key")) {
      return;
    }
    auto sp = std::make_unique<Split>();
    sp->head = std::move(head);
    sp->tail = std::make_unique<RE2>(tail, Latin1Options());
    sp->tail_end =
        std::make_unique<RE2>("(?:" + tail + ")\\z", Latin1Options());
    // The head holds no group but perhaps the key group (group 1), so that
    // the tail's groups are the pattern's others (same names, numbers one
    // less with the key in the head); and the tail must be much smaller
    // than the pattern, or there is nothing to gain.
    if (!sp->tail->ok() || !sp->tail_end->ok() ||
        2 * sp->tail->ProgramSize() > full.ProgramSize()) {
      return;
    }
    int h =
        full.NumberOfCapturingGroups() - sp->tail->NumberOfCapturingGroups();
    if (h < 0 || h > 1 || (h == 1 && key_group_ != 1)) return;
    std::map<std::string, int> names;
    for (const auto& [name, index] : sp->tail->NamedCapturingGroups()) {
      names[name] = index + h;
    }
    if (h == 1) names["key"] = 1;
    if (names != full.NamedCapturingGroups()) return;
    sp->head_groups = h;
    split_ = std::move(sp);
  });
  return split_.get();
}

// A match of the pattern head·tail over [s, e) splits at some k with the
// head matching [s, k) and the tail [k, e); RE2's leftmost-first groups are
// those of the best parse, which takes the head's choices first, so once k
// is known the pattern's groups are the tail's own groups on [k, e). k is
// certain when it is the only point of the set R = {k : head matches [s, k)
// and tail matches [k, e)} (not empty: the pattern matches [s, e)).
//
// The end-anchored tail run backwards over the text cut at e gives the
// leftmost k where a tail match ends at e; on the cut text these are a
// superset of the real ones (only assertions at e read differently: \z and
// $ hold there, which can only add matches; the tail has no \b or \B). If
// no tail match ending at e starts after k, R = {k}. Otherwise, with k2 the
// next such start, R = {k} still when the head's longest match from s ends
// before k2. Else we cannot tell cheaply: the caller runs the full pattern.
namespace {

// The groups of `re` matching exactly [s, e) of `text`, with `text` cut to
// one byte either side of the span as context. Assertions read only the
// bytes next to a position, so the groups are the same; but RE2 sizes its
// choice of engine by the context: given the whole file, it first runs a
// DFA over the span, then one-pass or BitState; given a short text, it goes
// straight to one-pass or BitState.
bool GroupsOnSpan(const RE2& re, re2::StringPiece text, size_t s, size_t e,
                  re2::StringPiece* groups, int n) {
  size_t from = s > 0 ? s - 1 : 0, to = std::min<size_t>(e + 1, text.size());
  re2::StringPiece around(text.data() + from, to - from);
  return re.Match(around, s - from, e - from, RE2::ANCHOR_BOTH, groups, n);
}

}  // namespace

bool CompiledRule::TailGroups(re2::StringPiece text, size_t s, size_t e,
                              re2::StringPiece* groups, int n) const {
  const Split* sp = split();
  if (sp == nullptr) return false;
  re2::StringPiece cut(text.data(), e), m;
  if (!sp->tail_end->Match(cut, s, e, RE2::UNANCHORED, &m, 1)) return false;
  size_t k = m.data() - text.data();
  if (k < e && sp->tail_end->Match(cut, k + 1, e, RE2::UNANCHORED, &m, 1)) {
    size_t k2 = m.data() - text.data();
    const RE2& head = sp->head_longest();
    if (!head.ok() || !head.Match(text, s, e, RE2::ANCHOR_START, &m, 1) ||
        static_cast<size_t>(m.data() + m.size() - text.data()) >= k2) {
      return false;
    }
  }
  // With the key group in the head (group 1), the tail's group i is the
  // pattern's i + 1; the key is left unset.
  const int h = sp->head_groups;
  if (h > 0 && n > 1) {
    if (!GroupsOnSpan(*sp->tail, text, k, e, groups + h, n - h)) return false;
    groups[1] = re2::StringPiece();
  } else if (!GroupsOnSpan(*sp->tail, text, k, e, groups, n)) {
    return false;
  }
  groups[0] = re2::StringPiece(text.data() + s, e - s);
  return true;
}

bool CompiledRule::MatchGroups(re2::StringPiece text, size_t s, size_t e,
                               re2::StringPiece* groups, int n) const {
  return TailGroups(text, s, e, groups, n) ||
         GroupsOnSpan(re(), text, s, e, groups, n);
}

re2::StringPiece CompiledRule::KeyGroup(re2::StringPiece text, size_t s,
                                        size_t e) const {
  int k = key_group();
  re2::StringPiece groups[16];
  if (k < 1 || k >= 16 || !GroupsOnSpan(re(), text, s, e, groups, k + 1)) {
    return re2::StringPiece();
  }
  return groups[k];
}

}  // namespace keyward
