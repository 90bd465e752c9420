#!/bin/bash
# What the always-on Hyperscan database costs to scan, counted by valgrind:
# instructions (Ir) and simulated branch misses (Bcm conditional, Bim
# indirect), and an estimate of cycles, Ir/3 + 45 * (Bcm + Bim). Unlike wall
# or CPU time these counts do not move with the machine's load, so a rule's
# cost (a few percent of the set) shows above the noise. See bench/README.md,
# "Rule count and scan speed".
#
#   bench/hs_cost.sh [options]
#     --data FILE        text to scan (default: 16 MB of /usr/include headers)
#     --only IDS         keep only the rule ids listed in file IDS
#     --without ID       leave rule ID out (repeatable)
#     --replace ID PAT   scan PAT in place of rule ID's pattern or trigger
#     --loo IDS          then, for each id in file IDS, the set without it
#     --no-pad           leave out the padding literals the matcher adds to
#                        a set of 256 expressions or more (matcher_impl.h)
#     --native           time the scans on this CPU instead (compiled for it,
#                        AVX-512 included, as the matcher does): every set is
#                        scanned REPS times (default 20), interleaved, and the
#                        best and median ms are printed. Valgrind runs only
#                        the AVX2 code, and the costs differ where Hyperscan
#                        takes its AVX-512 paths (bench/README.md, "Fifteenth
#                        session"); timings still move with the machine's load
#
# Needs valgrind (`apt-get install valgrind`) and python3. Builds
# keyward_hs_cost in $BUILD (default build/). KEYWARD names the binary whose
# `rules list --format json` gives the rules (default $BUILD/keyward).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
KEYWARD=${KEYWARD:-$BUILD/keyward}
DATA="" ONLY="" LOO="" PAD=1 NATIVE=0 WITHOUT=() REPLACE=()
while [ $# -gt 0 ]; do
  case "$1" in
    --data) DATA=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --without) WITHOUT+=("$2"); shift 2 ;;
    --replace) REPLACE+=("$2" "$3"); shift 3 ;;
    --loo) LOO=$2; shift 2 ;;
    --no-pad) PAD=0; shift ;;
    --native) NATIVE=1; shift ;;
    *) echo "unknown option $1 (see the head of $0)" >&2; exit 2 ;;
  esac
done
[ "$NATIVE" = 1 ] || command -v valgrind >/dev/null ||
  { echo "needs valgrind" >&2; exit 2; }
cmake --build "$BUILD" --target keyward_hs_cost >/dev/null
TOOL=$BUILD/keyward_hs_cost
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

if [ -z "$DATA" ]; then
  DATA=$WORK/headers
  # The first 16 MB of text headers, in a fixed order.
  find /usr/include -type f -name '*.h' | LC_ALL=C sort | while read -r f; do
    cat "$f"
  done | head -c 16777216 >"$DATA" || true
fi

# The always-on set as the matcher builds it: rules without `paths`, each
# by its trigger when it has one ("id<TAB>pattern").
"$KEYWARD" rules list --format json >"$WORK/rules.json"
ONLY="$ONLY" python3 - "$WORK/rules.json" "${WITHOUT[@]+"${WITHOUT[@]}"}" \
  >"$WORK/set.txt" <<'EOF'
import json, os, sys
rules = json.load(open(sys.argv[1]))
without = set(sys.argv[2:])
only = None
if os.environ.get("ONLY"):
    only = {l.strip() for l in open(os.environ["ONLY"]) if l.strip()}
def alternatives(p):
    # A trigger's top-level alternatives, one expression each, as the
    # matcher compiles them (scanner/pattern_syntax.cc, TopLevelAlternatives;
    # this reader gives up on the rarer syntax the C++ one refuses too).
    out, start, depth, i = [], 0, 0, 0
    while i < len(p):
        c = p[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            j = i + 1
            if p[j:j + 1] == "^": j += 1
            if p[j:j + 1] == "]": j += 1
            while j < len(p) and p[j] != "]":
                j += 2 if p[j] == "\\" else 1
            i = j + 1
            continue
        if c == "(":
            if depth == 0 and p.startswith("(?", i) and not p.startswith("(?P<", i):
                k = i + 2
                while k < len(p) and (p[k].isalpha() or p[k] == "-"): k += 1
                if p[k:k + 1] != ":": return [p]
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            out.append(p[start:i]); start = i + 1
        i += 1
    out.append(p[start:])
    return out if len(out) > 1 and all(out) else [p]

for r in rules:
    if r.get("paths") or r["id"] in without or (only and r["id"] not in only):
        continue
    exprs = alternatives(r["trigger"]) if r.get("trigger") else [r["pattern"]]
    for e in exprs:
        print(r["id"] + "\t" + e)
EOF
i=0
while [ $i -lt ${#REPLACE[@]} ]; do
  ID=${REPLACE[$i]} PAT=${REPLACE[$((i + 1))]} python3 - "$WORK/set.txt" <<'EOF'
import os, sys
path, rid, pat = sys.argv[1], os.environ["ID"], os.environ["PAT"]
lines = open(path).read().splitlines()
out, seen = [], False
for l in lines:  # a split trigger's expressions become one PAT
    if l.split("\t", 1)[0] != rid:
        out.append(l)
    elif not seen:
        out.append(rid + "\t" + pat)
        seen = True
if not seen:
    sys.exit("--replace: no always-on rule " + rid)
open(path, "w").write("\n".join(out) + "\n")
EOF
  i=$((i + 2))
done

# cost SETFILE -> "Ir Bcm Bim est" (millions), padded as the matcher would
# (the pattern counts printed are without the padding).
cost() {
  local pad=()
  [ "$PAD" = 1 ] && pad=(--pad)
  "$TOOL" compile "$1" "$WORK/db" "${pad[@]+"${pad[@]}"}" >"$WORK/compile.out"
  valgrind --tool=callgrind --branch-sim=yes --collect-atstart=no \
    --toggle-collect=ScanAll --callgrind-out-file="$WORK/cg" \
    "$TOOL" scan "$WORK/db" "$DATA" >/dev/null 2>"$WORK/vg.err"
  callgrind_annotate "$WORK/cg" 2>/dev/null | awk '/PROGRAM TOTALS/ {
    for (i = 1; i <= NF; i++) gsub(",", "", $i)
    printf "%.1f %.3f %.3f %.1f\n", $1 / 1e6, $5 / 1e6, $9 / 1e6,
      ($1 / 3 + 45 * ($5 + $9)) / 1e6 }'
}

n=$(wc -l <"$WORK/set.txt")
echo "data: $DATA ($(($(stat -c %s "$DATA") / 1048576)) MiB)"

if [ "$NATIVE" = 1 ]; then
  pad=(--native)
  [ "$PAD" = 1 ] && pad+=(--pad)
  "$TOOL" compile "$WORK/set.txt" "$WORK/all.db" "${pad[@]}" >"$WORK/compile.out"
  head -1 "$WORK/compile.out"
  dbs=("$WORK/all.db") names=("all ($n patterns)")
  if [ -n "$LOO" ]; then
    while read -r id; do
      [ -z "$id" ] && continue
      k=${#dbs[@]}
      awk -F'\t' -v id="$id" '$1 != id' "$WORK/set.txt" >"$WORK/loo$k.txt"
      "$TOOL" compile "$WORK/loo$k.txt" "$WORK/loo$k.db" "${pad[@]}" >/dev/null
      dbs+=("$WORK/loo$k.db") names+=("without $id")
    done <"$LOO"
  fi
  "$TOOL" time "$DATA" "${REPS:-20}" "${dbs[@]}" >"$WORK/time.out"
  printf '%-44s %10s %10s\n' "set" "best ms" "median ms"
  awk -v names="$(printf '%s\n' "${names[@]}")" '
    BEGIN { split(names, name, "\n") }
    { best = $3; med = $6; if (NR == 1) all = best
      printf "%-44s %10.2f %10.2f", name[NR], best, med
      if (NR > 1) printf "  (%+.2f)", best - all
      printf "\n" }' "$WORK/time.out"
  exit 0
fi

read -r ir bcm bim est < <(cost "$WORK/set.txt")
echo "$(head -1 "$WORK/compile.out")"
printf '%-44s %10s %8s %8s %10s\n' "set" "Ir (M)" "Bcm (M)" "Bim (M)" "est Mcycles"
printf '%-44s %10s %8s %8s %10s\n' "all ($n patterns)" "$ir" "$bcm" "$bim" "$est"
if [ -n "$LOO" ]; then
  while read -r id; do
    [ -z "$id" ] && continue
    awk -F'\t' -v id="$id" '$1 != id' "$WORK/set.txt" >"$WORK/loo.txt"
    read -r lir lbcm lbim lest < <(cost "$WORK/loo.txt")
    printf '%-44s %10s %8s %8s %10s  (%+.2f)\n' "without $id" "$lir" "$lbcm" \
      "$lbim" "$lest" "$(awk -v a="$lest" -v b="$est" 'BEGIN { print a - b }')"
  done <"$LOO"
fi
