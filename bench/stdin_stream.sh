#!/usr/bin/env bash
# Stdin benchmark (issue 17): GB of text piped through `keyward scan -`,
# never stored on disk. Prints peak RSS, CPU seconds and throughput.
#
#   bench/stdin_stream.sh [GB]        (default 5; target: peak RSS < 256 MB)
#
# Environment: KEYWARD (binary, default build/keyward), FORMAT (output
# format, default jsonl), SEED (headers, default, or log). The stream
# repeats a ~32 MB seed with three planted secrets (a Stripe live key, a
# Slack webhook, an AWS key pair) after every seed copy; the seed lives in a
# temp dir, the stream only in the pipe. SEED=headers: real text
# (/usr/include headers). SEED=log: an application log with a login line
# (`password=changeme`) every 50 lines, ~4 KB apart: candidates of one rule
# closer than its window all the way through, which held the whole stream
# before the thirty-seventh session (bench/README.md).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
keyward=$(realpath "${KEYWARD:-$here/../build/keyward}")
gb=${1:-5}
format=${FORMAT:-jsonl}
[ -x /usr/bin/time ] || { echo "stdin_stream: apt-get install time" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
case "${SEED:-headers}" in
headers)
  find /usr/include -type f -name '*.h' -size -256k -print0 | sort -z |
    xargs -0 cat 2>/dev/null | head -c $((32 << 20)) >"$work/seed" || true
  ;;
log)
  python3 - >"$work/seed" <<'EOF'
import random
r = random.Random(5)
out, size, i = [], 0, 0
while size < 32 << 20:
    if i % 50 == 0:
        line = (f"2026-12-01 10:00:{i % 60:02d} INFO login user=u{i} "
                "password=changeme result=ok\n")
    else:
        line = (f"2026-12-01 10:00:{i % 60:02d} INFO request id={i} "
                f"path=/api/v1/items status=200 bytes={r.randint(100, 9999)}\n")
    out.append(line)
    size += len(line)
    i += 1
print("".join(out), end="")
EOF
  ;;
*) echo "stdin_stream: SEED is headers or log" >&2; exit 2 ;;
esac
python3 - >>"$work/seed" <<'EOF'
import random, string
r = random.Random(17)
a = string.ascii_letters + string.digits
up = string.ascii_uppercase + string.digits
print("\nstripe_key = 'sk_live_" + "".join(r.choice(a) for _ in range(24)) + "'")
print("SLACK_WEBHOOK=https://hooks.slack.com/services/T"
      + "".join(r.choice(up) for _ in range(8)) + "/B"
      + "".join(r.choice(up) for _ in range(8)) + "/"
      + "".join(r.choice(a) for _ in range(24)))
print("aws_access_key_id = AKIA"
      + "".join(r.choice(string.ascii_uppercase + "234567") for _ in range(16)))
print("aws_secret_access_key = " + "".join(r.choice(a + "/+") for _ in range(40)))
EOF
seed_bytes=$(stat -c %s "$work/seed")
total=$((gb * 1024 * 1024 * 1024))
copies=$(((total + seed_bytes - 1) / seed_bytes))

t0=$(date +%s%N)
set +e
for ((i = 0; i < copies; i++)); do cat "$work/seed"; done | head -c "$total" |
  /usr/bin/time -v -o "$work/time" "$keyward" scan --format "$format" - \
    >"$work/out" 2>"$work/err"
rc=$?
set -e
t1=$(date +%s%N)
if [ "$rc" -gt 1 ]; then
  echo "stdin_stream: keyward exited $rc" >&2
  tail -n 5 "$work/err" >&2
  exit 1
fi
rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time")
user=$(awk -F': ' '/User time/ {print $2}' "$work/time")
sys=$(awk -F': ' '/System time/ {print $2}' "$work/time")
findings=$(grep -c '"rule_id"' "$work/out" || true)
awk -v b="$total" -v w="$(((t1 - t0) / 1000000))" -v u="$user" -v s="$sys" \
  -v rss="$rss_kb" -v f="$findings" -v c="$copies" -v k="$keyward" '
  BEGIN {
    gbytes = b / 1073741824; cpu = u + s; wall = w / 1000
    printf "keyward: %s   stream: %.1f GB (%d copies of a seed with 3 plants)\n", k, gbytes, c
    printf "wall %.1f s (%.2f GB/s)   CPU %.1f s (user %.1f + sys %.1f; %.2f GB/CPU-s)\n",
      wall, gbytes / wall, cpu, u, s, gbytes / cpu
    printf "peak RSS %.1f MB (target < 256 MB: %s)   findings: %d\n",
      rss / 1024, (rss / 1024 < 256 ? "met" : "NOT met"), f
  }'
