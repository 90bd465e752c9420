#!/usr/bin/env bash
# What a directory scan costs per file, apart from the bytes in the files:
# the walk, the queue, opening and reading, the file-format rules' path
# check, the matcher's call. Counted by valgrind (instructions), which unlike
# wall or CPU time does not move with the machine's load.
#
#   bench/per_file_cost.sh [TREE] [KEYWARD]
#     TREE     default: the Debian linux-source tree under QUALITY_CACHE
#              (bench/quality/quality.sh --linux-source unpacks it there)
#     KEYWARD  default: build/keyward
#
# Makes a copy of TREE's layout in a scratch directory (every directory,
# every file name; every other file empty, the others holding "x\n", so that
# both the empty-file path and the scan of a block are taken), scans it with
# `scan --no-config --no-ignore -j1` under callgrind and prints the
# instructions in all and per file, and those of the parts named below
# (inclusive: a part's callees count in it). Needs valgrind.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${QUALITY_CACHE:-/work/quality-cache}
tree=${1:-$cache/linux-source-6.1/linux-source-6.1}
keyward=$(realpath "${2:-${KEYWARD:-$here/../build/keyward}}")
command -v valgrind >/dev/null || { echo "needs valgrind" >&2; exit 2; }
[ -d "$tree" ] || { echo "no tree at $tree" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir "$work/tree"
(cd "$tree" && find . -type d -print0) | (cd "$work/tree" && xargs -0 mkdir -p)
(cd "$tree" && find . -type f -print0) | (cd "$work/tree" && xargs -0 touch)
(cd "$work/tree" && find . -type f -print0 | sort -z | awk -v RS='\0' -v ORS='\0' 'NR % 2 == 0' |
  xargs -0 -r sh -c 'for f; do printf "x\n" >"$f"; done' _)
files=$(find "$work/tree" -type f | wc -l)

export XDG_CACHE_HOME=$work/cache
# Once outside valgrind, so that the run counted loads the rule databases
# (as any run after the first does) rather than compiling them.
(cd "$work/tree" && "$keyward" scan --no-config --no-ignore -j1 . >/dev/null 2>&1) || true
(cd "$work/tree" && valgrind --tool=callgrind --callgrind-out-file="$work/cg" \
  "$keyward" scan --no-config --no-ignore -j1 . >/dev/null 2>"$work/vg.err") || true
callgrind_annotate --inclusive=yes "$work/cg" 2>/dev/null >"$work/cg.txt"

total=$(awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }' "$work/cg.txt")
echo "tree: $tree ($files files, layout only)"
printf "%-44s %14s %10s\n" "part (inclusive)" "instructions" "per file"
printf "%-44s %14s %10.0f\n" "all" "$total" "$(echo "$total / $files" | bc -l)"
part() {  # part LABEL PATTERN
  local ir
  ir=$(grep -F -- "$2" "$work/cg.txt" | head -1 | awk '{ gsub(",", "", $1); print $1 }')
  printf "%-44s %14s %10.0f\n" "$1" "${ir:-0}" "$(echo "${ir:-0} / $files" | bc -l)"
}
part "walk (WalkPaths, the walker thread)" "keyward::WalkPaths("
part "queue push (ScanPaths' walk callback)" "std::_Function_handler<void (keyward::WalkEntry const&), keyward::Scanner::ScanPaths"
part "ScanWorker::ScanFile (open, read, scan)" "keyward::ScanWorker::ScanFile("
part "Matcher::Scan" "keyward::Matcher::Scan("
part "file-format rules' path check" "keyward::Matcher::Impl::ScopedRulesFor("
part "start-up (Matcher::Create)" "keyward::Matcher::Create("
