#!/bin/bash
# Minified bundles vs short-line text (issue 16): the same bytes scanned as
# files of one 5 MB line each and as the same files with their line breaks
# kept, CPU seconds and peak RSS of `keyward scan` for each, and the ratio
# (target: one-line within 1.2x of short-line).
#
#   bench/minified.sh [SRC_DIR] [MB]     # SRC_DIR: *.js files to take text from
#
# Defaults: the npm tree of bench/quality ($QUALITY_CACHE/npm/node_modules,
# /work/quality-cache by default), 200 MB. The tree is made under
# $WORK (default /tmp/keyward-minified) once and reused.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
KEYWARD=${KEYWARD:-$here/../build/keyward}
src=${1:-${QUALITY_CACHE:-/work/quality-cache}/npm/node_modules}
mb=${2:-200}
work=${WORK:-/tmp/keyward-minified}
runs=${RUNS:-3}

if [ ! -f "$work/done-$mb" ]; then
  rm -rf "$work"
  mkdir -p "$work/lines" "$work/oneline"
  python3 - "$src" "$mb" "$work" <<'PY'
import os, sys
src, mb, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]
limit, size, n, buf = mb << 20, 5 << 20, 0, []
total = 0
def flush():
    global n, buf
    data = b"".join(buf)
    if not data:
        return
    with open(f"{work}/lines/b{n:04d}.js", "wb") as f:
        f.write(data)
    # The same bytes, line breaks made spaces: one line per file.
    with open(f"{work}/oneline/b{n:04d}.js", "wb") as f:
        f.write(data.replace(b"\n", b" "))
    n += 1
    buf = []
cur = 0
for root, dirs, files in os.walk(src):
    dirs.sort()
    for name in sorted(files):
        if not name.endswith(".js") or total >= limit:
            continue
        try:
            data = open(os.path.join(root, name), "rb").read()
        except OSError:
            continue
        if b"\0" in data[:8192]:
            continue
        buf.append(data if data.endswith(b"\n") else data + b"\n")
        cur += len(buf[-1])
        total += len(buf[-1])
        if cur >= size:
            flush()
            cur = 0
flush()
print(f"{n} files, {total >> 20} MB", file=sys.stderr)
PY
  touch "$work/done-$mb"
fi

"$KEYWARD" scan --no-config --no-ignore "$work/lines" -q >/dev/null 2>&1 || true  # warm up
measure() {  # prints "cpu_seconds rss_kb findings"
  local best=""
  for _ in $(seq "$runs"); do
    local out
    out=$( { /usr/bin/time -f "%U %S %M" "$KEYWARD" scan --no-config --no-ignore \
              --format json -j 1 "$1" > "$work/report.json"; } 2>&1 | tail -1 || true)
    local cpu
    cpu=$(echo "$out" | awk '{printf "%.2f", $1 + $2}')
    if [ -z "$best" ] || awk "BEGIN{exit !($cpu < $best)}"; then best=$cpu; rss=$(echo "$out" | awk '{print $3}'); fi
  done
  local found
  found=$(python3 -c "import json;print(len(json.load(open('$work/report.json'))['findings']))")
  echo "$best $rss $found"
}
read -r a_cpu a_rss a_found < <(measure "$work/lines")
read -r b_cpu b_rss b_found < <(measure "$work/oneline")
bytes=$(du -sb "$work/lines" | cut -f1)
printf "%-12s %10s %10s %10s %9s\n" tree cpu_s MB/s rss_MB findings
printf "%-12s %10s %10.0f %10.0f %9s\n" short-lines "$a_cpu" \
  "$(awk "BEGIN{print $bytes/1e6/$a_cpu}")" "$(awk "BEGIN{print $a_rss/1024}")" "$a_found"
printf "%-12s %10s %10.0f %10.0f %9s\n" one-line "$b_cpu" \
  "$(awk "BEGIN{print $bytes/1e6/$b_cpu}")" "$(awk "BEGIN{print $b_rss/1024}")" "$b_found"
echo "one-line / short-lines CPU: $(awk "BEGIN{printf \"%.2f\", $b_cpu/$a_cpu}")x (target <= 1.2x)"
