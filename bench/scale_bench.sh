#!/usr/bin/env bash
# Scaling benchmark (issue 14, class 6): figures, not a timed test.
#   - loading an inventory of 5k/10k/20k/40k credentials (`keyward scan
#     --inventory INV -` over one line with one finding: the inventory is
#     loaded and the finding matched against it);
#   - `keyward inventory import` of 800/1600/3200/6400 CSV rows into a new
#     inventory;
#   - peak RSS of `keyward scan --format jsonl -` over 50k/100k/200k lines
#     with one finding each (and of the text format at 200k).
# Linear means each doubling roughly doubles the time; RSS should not grow
# with the number of findings when they are streamed.
#
#   KEYWARD=build/keyward bench/scale_bench.sh [WORKDIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${1:-/tmp/keyward-scale-bench}
keyward=$(realpath "${KEYWARD:-$here/../build/keyward}")
mkdir -p "$work"
export XDG_CACHE_HOME=$work/cache
gen="python3 $here/scale_gen.py"

# Seconds (wall) and peak RSS (KB) of a command: "SECONDS KB".
measure() {
  /usr/bin/time -f '%e %M' -o "$work/time.txt" "$@" >/dev/null 2>"$work/err.txt" || {
    rc=$?
    # 1 = findings: expected here.
    [ "$rc" -eq 1 ] || { cat "$work/err.txt" >&2; return "$rc"; }
  }
  tail -1 "$work/time.txt"
}

line=$($gen stdin 1)
if [ "${SKIP_INVENTORY:-}" != 1 ]; then
echo "inventory load (scan - with --inventory; one finding matched)"
printf '  %8s %9s %9s\n' credentials seconds ratio
first=""
for n in ${INVENTORY_SIZES:-5000 10000 20000 40000}; do
  inv=$work/inv-$n.json
  [ -f "$inv" ] || $gen inventory "$n" "$inv"
  read -r secs _ < <(measure sh -c "printf '%s\n' '$line' | '$keyward' scan --quiet --inventory '$inv' -")
  first=${first:-$secs}
  printf '  %8d %9s %9s\n' "$n" "$secs" "$(awk -v a="$secs" -v b="$first" 'BEGIN{printf "%.1fx", (b>0?a/b:0)}')"
done

fi

echo "CSV import (inventory import into a new inventory)"
printf '  %8s %9s %9s\n' rows seconds ratio
first=""
for n in 800 1600 3200 6400; do
  csv=$work/import-$n.csv
  [ -f "$csv" ] || $gen csv "$n" "$csv"
  rm -f "$work/imported-$n.json"
  "$keyward" inventory --inventory "$work/imported-$n.json" init >/dev/null
  read -r secs _ < <(measure "$keyward" inventory --inventory "$work/imported-$n.json" import "$csv")
  first=${first:-$secs}
  printf '  %8d %9s %9s\n' "$n" "$secs" "$(awk -v a="$secs" -v b="$first" 'BEGIN{printf "%.1fx", (b>0?a/b:0)}')"
done

echo "stdin findings (peak RSS)"
printf '  %8s %6s %9s %9s %12s\n' findings format seconds 'RSS MB' 'bytes/finding'
for spec in "50000 jsonl" "100000 jsonl" "200000 jsonl" "200000 text"; do
  read -r n fmt <<<"$spec"
  input=$work/stdin-$n.txt
  [ -f "$input" ] || $gen stdin "$n" >"$input"
  read -r secs kb < <(measure sh -c "'$keyward' scan --quiet --format $fmt - <'$input'")
  printf '  %8d %6s %9s %9.1f %12.0f\n' "$n" "$fmt" "$secs" "$(awk -v k="$kb" 'BEGIN{print k/1024}')" "$(awk -v k="$kb" -v n="$n" 'BEGIN{print k*1024/n}')"
done
