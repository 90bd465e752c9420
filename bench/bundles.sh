#!/usr/bin/env bash
# Frontend bundle benchmark (issue 16): keyward on a tree of real built
# bundles and source maps from popular npm packages, with and without
# source maps read as their sources.
#
#   bench/bundles.sh [DIR]          (default /tmp/keyward-bundles)
#
# Environment: KEYWARD (binary, default build/keyward), RUNS (per variant,
# default 3), JOBS (threads, default 2), PACKAGES (npm packages to install
# when DIR/node_modules is missing; default below).
#
# Installs the packages into DIR with npm (registry only, --ignore-scripts;
# never inside the repository), then scans DIR/node_modules RUNS times per
# variant and prints, per variant, the median wall time, user+system CPU
# seconds, MB/s of scanned bytes (keyward's own --stats count: a map's
# embedded sources, not its JSON) by wall and by CPU, peak RSS
# (/usr/bin/time -v), files, findings and bundle findings folded into
# sources. CPU seconds are the steadier figure on a shared machine.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
dir=${1:-/tmp/keyward-bundles}
keyward=${KEYWARD:-$repo/build/keyward}
runs=${RUNS:-3}
jobs=${JOBS:-2}
packages=${PACKAGES:-"react-dom vue lodash rxjs @angular/core three monaco-editor bootstrap jquery"}

die() { echo "bundles: $*" >&2; exit 2; }
[ -x "$keyward" ] || die "no keyward binary at $keyward (set KEYWARD=...)"
[ -x /usr/bin/time ] || die "/usr/bin/time missing: apt-get install time"
case "$(cd "$(dirname "$dir")" && pwd)/" in
  "$repo"/*) die "$dir is inside the repository: use a scratch directory" ;;
esac

if [ ! -d "$dir/node_modules" ]; then
  command -v npm >/dev/null || die "npm not installed: apt-get install npm"
  mkdir -p "$dir"
  echo "bundles: installing $packages into $dir" >&2
  # shellcheck disable=SC2086
  npm install --prefix "$dir" --no-audit --no-fund --ignore-scripts \
    --no-save --loglevel=error $packages >&2
fi
tree=$dir/node_modules

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

bytes=$(du -sb "$tree" | cut -f1)
maps=$(find "$tree" -name '*.map' | wc -l)
embedding=$(find "$tree" -name '*.map' -size -64M -print0 |
  xargs -0 grep -l '"sourcesContent"' 2>/dev/null | wc -l)
bundle_bytes=$(find "$tree" \( -name '*.js' -o -name '*.mjs' -o -name '*.cjs' \
  -o -name '*.css' \) -print0 | du -cb --files0-from=- | tail -1 | cut -f1)
echo "tree: $tree"
printf 'on disk: %.1f MB; .js/.mjs/.cjs/.css: %.1f MB; %d source maps (%d embed sources)\n' \
  "$(echo "$bytes / 1000000" | bc -l)" "$(echo "$bundle_bytes / 1000000" | bc -l)" \
  "$maps" "$embedding"
python3 - "$tree" <<'PY' || true
import glob, json, sys
names = []
for f in sorted(glob.glob(sys.argv[1] + "/*/package.json") +
                glob.glob(sys.argv[1] + "/@*/*/package.json")):
    try:
        p = json.load(open(f))
        names.append(p["name"] + "@" + p["version"])
    except (OSError, ValueError, KeyError):
        pass
print("packages:", ", ".join(names))
PY

# Warm the page cache.
find "$tree" -type f -print0 | xargs -0 cat >/dev/null

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

run_variant() {
  local name=$1
  shift
  : >"$work/wall" ; : >"$work/cpu" ; : >"$work/rss"
  for _ in $(seq "$runs"); do
    /usr/bin/time -v -o "$work/time" "$keyward" scan --threads "$jobs" \
      --format json -o "$work/out.json" --quiet --stats "$@" "$tree" \
      2>"$work/stats" || [ $? -eq 1 ] || { cat "$work/stats" >&2; die "$name failed"; }
    awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0;
        for (i=1;i<=n;i++) s=s*60+t[i]; print s}' "$work/time" >>"$work/wall"
    awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print u+s}' \
      "$work/time" >>"$work/cpu"
    awk -F': ' '/Maximum resident/ {print $2}' "$work/time" >>"$work/rss"
  done
  local wall cpu rss scanned files findings folded maps_read
  wall=$(median <"$work/wall")
  cpu=$(median <"$work/cpu")
  rss=$(sort -n "$work/rss" | tail -1)
  scanned=$(awk '/^bytes:/ {print $2}' "$work/stats")
  files=$(awk '/^files:/ {print $2}' "$work/stats")
  findings=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$work/out.json")
  folded=$(sed -n 's/^source maps: *\([0-9]*\), \([0-9]*\) bundle.*/\2/p' "$work/stats")
  maps_read=$(sed -n 's/^source maps: *\([0-9]*\).*/\1/p' "$work/stats")
  printf '%-22s %7.2f s wall %7.2f s cpu %8.1f MB/s wall %8.1f MB/s cpu %7.1f MB rss  %6s files %5s maps %4s findings %3s folded\n' \
    "$name" "$wall" "$cpu" "$(echo "$scanned / 1000000 / $wall" | bc -l)" \
    "$(echo "$scanned / 1000000 / $cpu" | bc -l)" "$(echo "$rss / 1024" | bc -l)" \
    "$files" "${maps_read:-0}" "$findings" "${folded:-0}"
  printf '%-22s scanned %.1f MB\n' "" "$(echo "$scanned / 1000000" | bc -l)"
}

echo "runs: $runs per variant, threads: $jobs; median wall and cpu, max rss"
run_variant "source maps (default)"
run_variant "--no-source-maps" --no-source-maps
