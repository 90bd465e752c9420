#!/usr/bin/env bash
# Audit scale-out figures (issue 19): makes REPOS small git repositories
# locally, audits them with N = 1, 2, 4 local worker processes (each
# `keyward audit --shard K/N -j 1`), merges, and prints targets/s, CPU
# seconds per repository, peak RSS and the merge time; then a rerun with
# nothing changed (every result current). docs/audit.md turns the figures
# into an estimate for 10,000 repositories.
#
#   bench/audit_scale.sh [REPOS] [MODE]     # REPOS 1000, MODE tree or git
#   KEYWARD=path/to/keyward bench/audit_scale.sh
#
# Each repository: ~40 small files (~60 KB of source-like text) in 5
# commits, one planted AWS-shaped key. The machine may be shared: wall
# times are noisy, CPU seconds (from /usr/bin/time) less so.
set -euo pipefail
cd "$(dirname "$0")/.."
KW=${KEYWARD:-$PWD/build/keyward}
REPOS=${1:-1000}
MODE=${2:-tree}
[ -x "$KW" ] || { echo "no keyward binary at $KW (build first)" >&2; exit 2; }
mode_flag=()
[ "$MODE" = git ] && mode_flag=(--git)
work=$(mktemp -d /tmp/keyward-audit-bench.XXXXXX)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
export KEYWARD_FINGERPRINT_KEY=keyward-audit-bench-key-0001
export GIT_CONFIG_NOSYSTEM=1 HOME="$work"
git config --global user.name bench
git config --global user.email bench@example.test
git config --global init.defaultBranch main

# A template repository, then REPOS copies each with one commit of its own.
python3 - "$work/template" <<'PY'
import os, random, sys
root = sys.argv[1]
random.seed(19)
words = "config server client request handle parse value token index list map".split()
for i in range(40):
    d = os.path.join(root, "src", "pkg%d" % (i % 6))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%d.py" % i), "w") as f:
        for n in range(50):
            f.write("def %s_%d(x):\n    return x + %d  # %s\n" % (
                random.choice(words), n, n, " ".join(random.sample(words, 4))))
PY
(cd "$work/template" && git init -q && git add -A && git commit -qm base)
mkdir -p "$work/repos"
t0=$(date +%s.%N)
for ((i = 0; i < REPOS; i++)); do
  r="$work/repos/r$i"
  cp -a "$work/template" "$r"
  key=AKIA$(printf '%s' "$i" | sha256sum | cut -c1-16 | tr 'a-f0-9' 'WXYZ27ABCDEFGHJK')
  printf 'aws_access_key_id = %s\n' "$key" >"$r/deploy.env"
  git -C "$r" add -A && git -C "$r" commit -qm "deploy $i"
  echo "repos/r$i" >>"$work/targets.txt"
done
echo "made $REPOS repositories in $(echo "$(date +%s.%N) - $t0" | bc) s ($(du -sh "$work/repos" | cut -f1))"

run_workers() {  # N OUT -> prints wall, sums CPU
  local n=$1 out=$2 k pids=()
  local start end
  start=$(date +%s.%N)
  for ((k = 0; k < n; k++)); do
    /usr/bin/time -f '%U %S %M' -o "$work/time-$n-$k" \
      "$KW" audit --targets "$work/targets.txt" --shard "$k/$n" --out "$out" \
      -j 1 "${mode_flag[@]}" 2>"$work/err-$n-$k" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || { cat "$work"/err-$n-*; exit 1; }; done
  end=$(date +%s.%N)
  wall=$(echo "$end - $start" | bc)
  cpu=$(cat "$work"/time-$n-* | awk '{s += $1 + $2} END {printf "%.2f", s}')
  rss=$(cat "$work"/time-$n-* | awk '$3 > m {m = $3} END {print int(m / 1024)}')
  rm -f "$work"/time-$n-*
}

printf '%-8s %-8s %9s %10s %11s %12s %8s %10s\n' workers mode wall_s targets/s cpu_s cpu_ms/repo rss_MB merge_s
for n in 1 2 4; do
  out="$work/out-$n"
  run_workers "$n" "$out"
  mstart=$(date +%s.%N)
  set +e
  /usr/bin/time -f '%U %S %M' -o "$work/merge-time" "$KW" merge --in "$out" \
    --report json="$work/audit-$n.json" --report sarif="$work/audit-$n.sarif" \
    --store "$work/store-$n.db" 2>/dev/null
  rc=$?
  set -e
  [ "$rc" -le 1 ] || { echo "merge failed ($rc)" >&2; exit 1; }
  mwall=$(echo "$(date +%s.%N) - $mstart" | bc)
  printf '%-8s %-8s %9.2f %10.1f %11s %12.1f %8s %10.2f\n' "$n" "$MODE" "$wall" \
    "$(echo "$REPOS / $wall" | bc -l)" "$cpu" \
    "$(echo "$cpu * 1000 / $REPOS" | bc -l)" "$rss" "$mwall"
done
cmp -s "$work/audit-1.json" "$work/audit-4.json" && cmp -s "$work/audit-1.sarif" "$work/audit-4.sarif" \
  && echo "merged reports of 1, 2 and 4 workers: identical" \
  || echo "merged reports of 1 and 4 workers DIFFER"
# Nothing changed: every result is current (HEAD and rule digest match).
run_workers 2 "$work/out-2"
printf 'rerun, nothing changed, 2 workers: %.2f s wall, %s CPU s (%.1f ms/repo)\n' \
  "$wall" "$cpu" "$(echo "$cpu * 1000 / $REPOS" | bc -l)"
echo "merge input: $(du -sh "$work/out-1" | cut -f1) of results; report $(du -h "$work/audit-1.json" | cut -f1), SARIF $(du -h "$work/audit-1.sarif" | cut -f1)"
