#!/usr/bin/env bash
# `keyward scan --git` on the pack layouts real repositories have, beside
# git's own read of the same objects. Not a test; prints a table.
#
#   bench/git_layouts.sh [BUNDLE] [KEYWARD_BINARY]
#     BUNDLE default ../shared/bench/tmux-history.bundle (beside the checkout)
#   KEEP=1 keeps the layouts (in $TMPDIR/keyward-layouts, reused next run)
#   LARGE=1 also builds a larger synthetic history (git_history_gen.py)
#   MANY=N  also builds a history of N small distinct blobs (per-object
#           memory; many_objects_gen.py), e.g. MANY=1000000
#   WIDE=N  also builds a tree-heavy history of N commits over an
#           80,000-file tree (memory per tree and per tree entry, as a big
#           project's history has them; wide_history_gen.py), e.g.
#           WIDE=100000
#   RUNS=N  runs per figure (default 3; the run with the least CPU is shown)
#
# Layouts, made in $TMPDIR/keyward-layouts from the bundle:
#   fresh       `git clone --mirror` of the bundle: one fresh pack
#   aggressive  the same after `git repack -a -d -f --depth=50 --window=250`
#               (what `gc --aggressive` writes: long delta chains)
#   packs       the history fetched in 6 stages into an empty repository
#               (each fetch keeps its own self-contained pack, as years of
#               fetching leave them), plus a few loose objects
#   large       (LARGE=1) a generated history, one pack: LARGE_COMMITS
#               (default 20,000) commits of git_history_gen.py (slow: tens
#               of minutes on a loaded 2-core machine)
#   manyN       (MANY=N) N small distinct blobs, one fast-import pack
#   wideN       (WIDE=N) N commits editing 2 files each of an 80,000-file
#               tree: ~10 new trees a commit, one fast-import pack
#
# Per layout and reader: unique blob bytes (every distinct blob, summed by
# `git cat-file --batch-check`), wall seconds, GB/s of those bytes, CPU
# seconds (user+sys), cores used (CPU/wall) and peak RSS, from
# /usr/bin/time -v. On a machine shared with other work, wall time (and so
# GB/s) is noisy: CPU seconds and peak RSS are the primary figures.
# `git cat-file --batch-all-objects --batch` reads every object (blobs,
# trees, commits) on one thread: it is git's own decode cost, no matching.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bundle=$(realpath "${1:-$here/../../shared/bench/tmux-history.bundle}")
keyward=$(realpath "${2:-${KEYWARD:-$here/../build/keyward}}")
runs=${RUNS:-3}
root=${TMPDIR:-/tmp}/keyward-layouts
mkdir -p "$root"
if [ "${KEEP:-0}" != 1 ]; then trap 'rm -rf "$root"' EXIT; fi
export XDG_CACHE_HOME=$root/cache
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.org
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.org

make_layouts() {
  if [ ! -d "$root/fresh.git" ]; then
    echo "layout fresh: clone --mirror" >&2
    git clone -q --mirror "$bundle" "$root/fresh.git"
  fi
  if [ ! -d "$root/aggressive.git" ]; then
    echo "layout aggressive: repack -adf --depth=50 --window=250 (minutes)" >&2
    cp -r "$root/fresh.git" "$root/aggressive.git"
    git -C "$root/aggressive.git" repack -q -a -d -f --depth=50 --window=250
  fi
  if [ ! -d "$root/packs.git" ]; then
    echo "layout packs: 6 staged fetches" >&2
    git -C "$root/fresh.git" config uploadpack.allowAnySHA1InWant true
    git init -q --bare "$root/packs.git"
    local head
    head=$(git -C "$root/fresh.git" rev-parse HEAD)
    mapfile -t line < <(git -C "$root/fresh.git" rev-list --first-parent \
      --reverse "$head")
    local n=${#line[@]} k
    for k in 1 2 3 4 5; do
      git -C "$root/packs.git" -c fetch.unpackLimit=1 fetch -q \
        "$root/fresh.git" "${line[$((n * k / 6))]}:refs/heads/stage$k"
    done
    # The rest: every ref of the mirror.
    git -C "$root/packs.git" -c fetch.unpackLimit=1 fetch -q \
      "$root/fresh.git" '+refs/*:refs/*'
    # A few loose objects, as recent commits leave them.
    local wt=$root/packs-wt
    git clone -q "$root/packs.git" "$wt"
    for k in 1 2 3; do
      echo "loose $k" >>"$wt/README"
      git -C "$wt" commit -qam "loose $k"
    done
    git -C "$wt" push -q origin HEAD:refs/heads/loose
    rm -rf "$wt"
  fi
  if [ -n "${MANY:-}" ] && [ ! -d "$root/many$MANY.git" ]; then
    echo "layout many$MANY: $MANY small blobs" >&2
    git init -q --bare "$root/many$MANY.git"
    python3 "$here/many_objects_gen.py" --blobs "$MANY" |
      git -C "$root/many$MANY.git" fast-import --quiet
  fi
  if [ -n "${WIDE:-}" ] && [ ! -d "$root/wide$WIDE.git" ]; then
    echo "layout wide$WIDE: $WIDE commits over an 80,000-file tree" >&2
    git init -q --bare "$root/wide$WIDE.git"
    python3 "$here/wide_history_gen.py" --commits "$WIDE" |
      git -C "$root/wide$WIDE.git" fast-import --quiet
  fi
  if [ "${LARGE:-0}" = 1 ] && [ ! -d "$root/large.git" ]; then
    echo "layout large: ${LARGE_COMMITS:-20000} generated commits (minutes)" >&2
    git init -q --bare "$root/large.git"
    python3 "$here/git_history_gen.py" --commits "${LARGE_COMMITS:-20000}" |
      git -C "$root/large.git" fast-import --quiet
    git -C "$root/large.git" repack -q -a -d -f --window=10 --depth=50
  fi
}

blob_bytes() {
  git -C "$1" cat-file --batch-all-objects --batch-check='%(objecttype) %(objectsize)' |
    awk '$1 == "blob" { s += $2 } END { printf "%d\n", s }'
}

# Runs "$@" RUNS times under /usr/bin/time -v; prints "wall cpu rss_kb" of
# the run with the least CPU.
measure() {
  local best="" i t=$root/time
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -v -o "$t" "$@" >/dev/null 2>&1 || true
    local wall cpu rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$t" |
      awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
    cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$t")
    rss=$(awk -F': ' '/Maximum resident/ {print $2}' "$t")
    if [ -z "$best" ] || awk -v a="$cpu" -v b="${best#* }" \
      'BEGIN { exit !(a < b + 0) }'; then
      best="$wall $cpu $rss"
    fi
  done
  echo "$best"
}

row() {  # layout reader bytes wall cpu rss_kb
  awk -v l="$1" -v r="$2" -v b="$3" -v w="$4" -v c="$5" -v m="$6" 'BEGIN {
    printf "| %s | %s | %.2f GB | %.2f s | %.2f GB/s | %.2f s | %.2f | %d MB |\n",
      l, r, b / 1e9, w, b / 1e9 / w, c, c / w, m / 1024 }'
}

make_layouts
echo "keyward: $keyward ($runs runs each; the run with the least CPU)"
echo
echo "| layout | reader | unique blob bytes | wall | rate | CPU (user+sys) | cores | peak RSS |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
layouts=(fresh aggressive packs)
[ "${LARGE:-0}" = 1 ] && layouts+=(large)
[ -n "${MANY:-}" ] && layouts+=("many$MANY")
[ -n "${WIDE:-}" ] && layouts+=("wide$WIDE")
for layout in "${layouts[@]}"; do
  repo=$root/$layout.git
  [ -d "$repo" ] || continue
  bytes=$(blob_bytes "$repo")
  packs=$(find "$repo/objects/pack" -name '*.pack' | wc -l)
  # Warm: the page cache and the compiled rule database.
  "$keyward" scan --git -j2 "$repo" >/dev/null 2>&1 || true
  read -r wall cpu rss < <(measure "$keyward" scan --git -j2 "$repo")
  row "$layout ($packs packs)" "keyward scan --git -j2" "$bytes" "$wall" "$cpu" "$rss"
  read -r wall cpu rss < <(measure git -C "$repo" cat-file \
    --batch-all-objects --batch)
  row "$layout ($packs packs)" "git cat-file --batch" "$bytes" "$wall" "$cpu" "$rss"
done
