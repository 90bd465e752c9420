#!/usr/bin/env bash
# Issue 17's "large single pack" layout: ~8 GB of unique blob bytes of real
# text in one pack with deltas, and `keyward scan --git -j2` on it beside
# `git cat-file --batch-all-objects --batch`. Not a test; prints a table.
#
#   bench/git_big_pack.sh [KEYWARD_BINARY]
#   BIG_ROOT=dir    where the repository goes (default $TMPDIR/keyward-big;
#                   kept between runs, reused: a 410 MB pack)
#   BIG_TARGET=N    blob bytes to write (default 8e9)
#   BIG_SOURCES="dir ..." real text (default: linux-source 6.1 unpacked in
#                   ../quality-cache beside the checkout, /usr/include and
#                   the npm tree in ../quality-cache/npm/node_modules)
#   RUNS=N          runs per figure (default 3, every run printed)
#
# Build: bench/git_big_pack_gen.py writes release 0 (every file of the
# sources) and then releases that each edit 20% of the text files a few
# hunks each (cumulative), through `git fast-import` (fast compression),
# until BIG_TARGET bytes; then one `git repack -a -d -F --window=10
# --depth=50` (gc's default window and depth) on 2 threads makes the single
# pack. On the 2-core machine shared with other work: ~12 minutes
# (fast-import 7.5, repack 5), ~2.5 GB of disk at the peak.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
keyward=$(realpath "${1:-${KEYWARD:-$here/../build/keyward}}")
runs=${RUNS:-3}
root=${BIG_ROOT:-${TMPDIR:-/tmp}/keyward-big}
repo=$root/big.git
cache=$here/../../quality-cache
sources=${BIG_SOURCES:-"$cache/linux-source-6.1/linux-source-6.1 /usr/include $cache/npm/node_modules"}
export XDG_CACHE_HOME=$root/cache
mkdir -p "$root"

if [ ! -f "$repo/done" ]; then
  rm -rf "$repo"
  git init -q --bare "$repo"
  git -C "$repo" symbolic-ref HEAD refs/heads/main
  echo "building $repo: fast-import of ${BIG_TARGET:-8e9} blob bytes" >&2
  # shellcheck disable=SC2086
  /usr/bin/time -f "fast-import: %e s wall, %U+%S s CPU, %M KB" \
    bash -c "python3 '$here/git_big_pack_gen.py' --target '${BIG_TARGET:-8e9}' \
      $sources | git -C '$repo' -c pack.compression=1 fast-import --quiet"
  echo "repack -a -d -F --window=10 --depth=50, 2 threads" >&2
  /usr/bin/time -f "repack: %e s wall, %U+%S s CPU, %M KB" \
    git -C "$repo" -c pack.threads=2 repack -q -a -d -F --window=10 --depth=50
  touch "$repo/done"
fi

read -r blobs bytes < <(git -C "$repo" cat-file --batch-all-objects \
  --batch-check='%(objecttype) %(objectsize)' |
  awk '$1 == "blob" { n++; s += $2 } END { printf "%d %.0f\n", n, s }')
objects=$(git -C "$repo" cat-file --batch-all-objects --batch-check | wc -l)
echo "$repo: $(find "$repo/objects/pack" -name '*.pack' | wc -l) pack(s)," \
  "$(du -sh "$repo/objects/pack" | cut -f1), $objects objects," \
  "$blobs unique blobs, $bytes unique blob bytes"
echo "keyward: $keyward; load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| reader | wall | rate | CPU (user+sys) | cores | peak RSS |"
echo "| --- | --- | --- | --- | --- | --- |"
run() {  # label command...
  local t=$root/time i
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -v -o "$t" "${@:2}" >/dev/null 2>&1 || true
    awk -F': ' -v l="$1" -v b="$bytes" '
      /Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = 0
        for (k = 1; k <= n; k++) w = w * 60 + p[k] }
      /User time|System time/ { c += $2 }
      /Maximum resident/ { m = $2 }
      END { printf "| %s | %.2f s | %.2f GB/s | %.2f s | %.2f | %d MB |\n",
        l, w, b / 1e9 / w, c, c / w, m / 1000 }' "$t"
  done
}
"$keyward" scan --git -j2 -o /dev/null "$repo" >/dev/null 2>&1 || true  # warm
run "keyward scan --git -j2" "$keyward" scan --git -j2 -o /dev/null "$repo"
run "git cat-file --batch" git -C "$repo" cat-file --batch-all-objects --batch
