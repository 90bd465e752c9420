#!/usr/bin/env bash
# Precision on clean text: findings per MB over real files that hold no
# secrets (issue 3, "Measure and report").
#
#   bench/clean_corpus.sh CORPUS_DIR
#
# Assembles CORPUS_DIR (once; delete it to rebuild) from:
#   doc/      /usr/share/doc, with every .gz decompressed (changelogs, manuals)
#   include/  /usr/include
#   npm/      node_modules of react react-dom lodash axios moment webpack
#             typescript (JS bundles, .d.ts, package.json) and its
#             package-lock.json; skipped when npm is unavailable
#   lock/     lockfiles found under /usr and /work (Cargo.lock, yarn.lock,
#             poetry.lock, Gemfile.lock, go.sum, package-lock.json)
#   log/      readable files under /var/log (.gz decompressed)
# then runs `keyward scan --format jsonl --no-ignore` per part and prints MB
# scanned, findings, findings/MB per part and findings per rule. Findings go
# to CORPUS_DIR/findings-<part>.jsonl (redacted: keyward's default) so each
# one can be inspected.
#
# Environment: KEYWARD (binary, default build/keyward), JOBS (default 2),
# NPM_PACKAGES (override the npm package list).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
keyward=${KEYWARD:-$repo/build/keyward}
jobs=${JOBS:-2}
npm_packages=${NPM_PACKAGES:-react react-dom lodash axios moment webpack typescript}

die() { echo "clean_corpus: $*" >&2; exit 2; }
[ $# -eq 1 ] || die "usage: $0 CORPUS_DIR"
[ -x "$keyward" ] || die "no keyward binary at $keyward (set KEYWARD=...)"
corpus=$(mkdir -p "$1" && cd "$1" && pwd)

# Copies a tree, decompressing .gz files (keyward skips them as binary; their
# text is what a reader of the docs or logs actually sees).
copy_tree() {
  local src=$1 dst=$2
  mkdir -p "$dst"
  cp -rL --no-preserve=mode "$src/." "$dst/" 2>/dev/null || true
  find "$dst" -type f -name '*.gz' -exec gzip -df {} + 2>/dev/null || true
}

assemble() {
  local part=$1
  [ -e "$corpus/$part.done" ] && return 0
  rm -rf "${corpus:?}/$part"
  case $part in
    doc) copy_tree /usr/share/doc "$corpus/doc" ;;
    include) copy_tree /usr/include "$corpus/include" ;;
    log) copy_tree /var/log "$corpus/log" ;;
    npm)
      command -v npm >/dev/null || { echo "clean_corpus: npm missing, skipping npm/" >&2; return 0; }
      mkdir -p "$corpus/npm"
      (cd "$corpus/npm" && npm init -y >/dev/null &&
        # shellcheck disable=SC2086
        npm install --no-audit --no-fund --ignore-scripts $npm_packages >/dev/null) ||
        { echo "clean_corpus: npm install failed, skipping npm/" >&2; rm -rf "${corpus:?}/npm"; return 0; }
      ;;
    lock)
      mkdir -p "$corpus/lock"
      local n=0
      find /usr /work -xdev \( -name node_modules -o -name .git -o -path "$corpus" \) -prune -o \
        -type f \( -name Cargo.lock -o -name yarn.lock -o -name poetry.lock -o -name Gemfile.lock \
        -o -name go.sum -o -name package-lock.json -o -name Pipfile.lock -o -name pnpm-lock.yaml \) \
        -readable -print 2>/dev/null | head -500 | while IFS= read -r f; do
        n=$((n + 1)); cp "$f" "$corpus/lock/$n-$(basename "$f")"
      done
      [ -f "$corpus/npm/package-lock.json" ] && cp "$corpus/npm/package-lock.json" "$corpus/lock/npm-package-lock.json"
      ;;
  esac
  touch "$corpus/$part.done"
}

parts="doc include npm lock log"
for p in $parts; do assemble "$p"; done

total_bytes=0
total_findings=0
printf '%-10s %10s %9s %12s\n' part MB findings findings/MB
for p in $parts; do
  [ -d "$corpus/$p" ] || continue
  out=$corpus/findings-$p.jsonl
  # Exit 1 just means findings; 2 is a real error.
  rc=0
  "$keyward" scan --format jsonl --no-ignore -j "$jobs" --output "$out" "$corpus/$p" 2>"$corpus/scan-$p.err" || rc=$?
  [ $rc -le 1 ] || die "keyward failed on $p (exit $rc): $(tail -3 "$corpus/scan-$p.err")"
  # Bytes of the files keyward reads (text: no NUL in the first 8 KiB is the
  # scanner's rule; counting all regular files overstates MB only by the
  # binaries, which are few here).
  bytes=$(find "$corpus/$p" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')
  n=$(wc -l <"$out")
  total_bytes=$((total_bytes + bytes))
  total_findings=$((total_findings + n))
  awk -v p="$p" -v b="$bytes" -v n="$n" 'BEGIN {printf "%-10s %10.1f %9d %12.4f\n", p, b/1e6, n, (b ? n/(b/1e6) : 0)}'
done
awk -v b="$total_bytes" -v n="$total_findings" 'BEGIN {printf "%-10s %10.1f %9d %12.4f\n", "total", b/1e6, n, (b ? n/(b/1e6) : 0)}'

echo
echo "findings per rule (all parts):"
cat "$corpus"/findings-*.jsonl 2>/dev/null | grep -o '"rule_id": *"[^"]*"' | sed 's/.*"\([^"]*\)"$/\1/' |
  sort | uniq -c | sort -rn | awk -v b="$total_bytes" '{printf "  %-40s %6d  %.4f/MB\n", $2, $1, $1/(b/1e6)}'
echo
echo "details: $corpus/findings-<part>.jsonl"
