#!/usr/bin/env bash
# Byte-identical outputs of two keyward binaries (a refactoring must not
# change behaviour): both run the same commands on the same inputs, and
# every output (stdout, stderr, exit code, files written) is compared.
#
#   bench/identical_outputs.sh OLD_BINARY NEW_BINARY [REPO]
#
# Inputs, made afresh in a temporary directory: a tree of planted tokens (the
# examples and negative examples of REPO/rules/*.yaml, default this checkout,
# in several file syntaxes, with inline allow comments, a binary file and a
# file in stream mode), the tests/ folder of REPO, a small git history (adds,
# edits, deletes, a branch; fixed authors and dates) and a staged change.
# Modes: text, json, jsonl and sarif scans of directories, stdin, git
# history, ranges and staged changes; baselines; inventory add / list / show /
# rotate / revoke / audit; scans against the inventory; tickets in every
# format. A fixed KEYWARD_FINGERPRINT_KEY; timings are masked ("<t> s",
# "seconds": 0). Exit status 0 when every output is identical.
set -euo pipefail

old=$(realpath "$1")
new=$(realpath "$2")
repo=$(realpath "${3:-$(dirname "$0")/..}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

export KEYWARD_FINGERPRINT_KEY=identical-outputs-fingerprint-key-0001
export GIT_AUTHOR_NAME=Ada GIT_AUTHOR_EMAIL=ada@example.org
export GIT_COMMITTER_NAME=Ada GIT_COMMITTER_EMAIL=ada@example.org
unset KEYWARD_INVENTORY || true
# A pepper-keyed inventory stores no random salt: the file is reproducible.
export KEYWARD_INVENTORY_PEPPER=identical-outputs-pepper-0001

# --- inputs -------------------------------------------------------------
python3 - "$repo" "$work/tree" <<'EOF'
import glob, os, sys, yaml
repo, out = sys.argv[1], sys.argv[2]
os.makedirs(out)
syntaxes = [("cfg.env", "{k}={v}\n"), ("app.py", "token = \"{v}\"  # {k}\n"),
            ("conf.json", "{{\"{k}\": \"{v}\"}}\n"), ("notes.md", "- `{v}`\n")]
n = 0
for path in sorted(glob.glob(os.path.join(repo, "rules", "*.yaml"))):
    doc = yaml.safe_load(open(path)) or {}
    base = os.path.splitext(os.path.basename(path))[0]
    d = os.path.join(out, base)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "examples.txt"), "w") as f:
        for r in doc.get("rules", []):
            for e in r.get("examples", []) or []:
                f.write(str(e) + "\n")
            for e in r.get("negative_examples", []) or []:
                f.write(str(e) + "\n")
    # The same examples in other syntaxes, one in four allowed inline.
    for name, fmt in syntaxes:
        with open(os.path.join(d, name), "w") as f:
            for r in doc.get("rules", []):
                for e in (r.get("examples", []) or [])[:1]:
                    n += 1
                    line = fmt.format(k=r["id"].replace(".", "_"), v=e)
                    if n % 4 == 0:
                        line = line.rstrip("\n") + "  # keyward:allow test\n"
                    f.write(line)
with open(os.path.join(out, "blob.bin"), "wb") as f:
    f.write(b"\x00\x01AKIA" + b"Z" * 16 + b"\n")
EOF
# A file scanned in stream mode (--stream-threshold below its size).
cat "$work"/tree/*/examples.txt > "$work/tree/big.log"
cp -r "$repo/tests" "$work/tree/tests"

# Git history: three commits on main, one on a branch, a staged change.
git init -q -b main "$work/repo"
(
  cd "$work/repo"
  d=1
  commit() {
    GIT_AUTHOR_DATE="2024-01-0${d}T10:00:00Z" \
      GIT_COMMITTER_DATE="2024-01-0${d}T10:00:00Z" git commit -qm "$1"
    d=$((d + 1))
  }
  cp -r "$work"/tree/a* "$work"/tree/g* . 2>/dev/null || true
  git add -A && commit "first"
  cp -r "$work"/tree/[h-s]* . && git add -A && commit "second"
  git rm -rq "$(ls -d a* | head -1)" && commit "remove one"
  git checkout -qb side
  cp -r "$work"/tree/[t-z]* . && git add -A && commit "side branch"
  git checkout -q main
  cp "$work/tree/big.log" staged.log && git add staged.log
)

# --- the suite ----------------------------------------------------------
# run NAME [--in FILE] -- ARGS...: runs the binary in $run, keeps stdout,
# stderr (timings masked) and the exit code under $out/NAME.
run() {
  local name=$1 in=/dev/null
  shift
  if [ "$1" = --in ]; then in=$2; shift 2; fi
  set +e
  (cd "$run" && "$bin" "$@" <"$in" >"$out/$name.out" 2>"$out/$name.err")
  echo $? >"$out/$name.rc"
  set -e
}

mask() {  # timings and durations, in every text and JSON output
  sed -E -i -e 's/[0-9]+\.[0-9]+ s\b/<t> s/g' \
    -e 's/"(seconds|compile_seconds|elapsed[a-z_]*)": ?[0-9.e+-]+/"\1": 0/g' \
    -e 's/^(seconds|compile seconds|MB\/s): +[0-9.]+$/\1: <t>/' "$@"
}

suite() {
  bin=$1 out=$2 run=$work/run
  rm -rf "$run" && mkdir -p "$out" && cp -r "$work/tree" "$run"
  cp -r "$work/repo" "$run/repo"
  export HOME=$work/home-$(basename "$out") XDG_CACHE_HOME=$work/cache-$(basename "$out")
  for fmt in text json jsonl sarif; do
    run "dir.$fmt" scan --no-config -j 2 -f "$fmt" .
    run "dir-verbose.$fmt" scan --no-config -j 1 -f "$fmt" --show-suppressed \
      --min-confidence low --stats --stream-threshold 4096 --chunk-size 1024 .
    run "stdin.$fmt" --in "$work/tree/big.log" scan --no-config -f "$fmt" -
    run "git.$fmt" scan --no-config -f "$fmt" --git repo
    run "git-all.$fmt" scan --no-config -f "$fmt" --git --all-occurrences \
      --all-objects repo
    run "range.$fmt" scan --no-config -f "$fmt" --git --range main~2..side repo
  done
  run "show-secrets" scan --no-config -f json --show-secrets .
  printf 'exclude:\n  - "g*/"\n  - "*.md"\n' >"$run/exclude.yaml"
  run "exclude-git" scan --config exclude.yaml -f json --git repo
  run "exclude-dir" scan --config exclude.yaml -f json .
  (cd "$run/repo" && set +e
   "$bin" scan --no-config --staged -f json >"$out/staged.out" 2>"$out/staged.err"
   echo $? >"$out/staged.rc")
  run baseline-out scan --no-config -f json --baseline-out base.json .
  cp "$run/base.json" "$out/base.json" 2>/dev/null || true
  run baseline scan --no-config -f json --baseline base.json \
    --report-stale-baseline .
  run report scan --no-config -f json -o report.json .
  # The scans below read "." again, report.json included: its timing would
  # change the bytes they count (one more digit of seconds, one more byte).
  mask "$run/report.json"
  # Inventory: add, list, show, rotate, revoke, audit, and scans with it.
  export KEYWARD_INVENTORY=$run/inv.json
  local secret
  secret=$(grep -h -m1 -o 'ghp_[A-Za-z0-9]\{36\}' "$run"/*/examples.txt | head -1)
  printf '%s\n' "$secret" >"$run/s1"
  printf 'kwtest-rotated-Secret-0123456789\n' >"$run/s2"
  run inv-init inventory init
  run inv-add --in "$run/s1" inventory --today 2024-02-01 add --secret-stdin \
    --id gh-ci --name "GitHub CI - production - Ops" --provider GitHub \
    --owner ops --environment production --access full --systems ci,deploy
  run inv-add2 inventory --today 2024-02-01 add --no-secret \
    --name "Warehouse sync" --owner data --environment staging \
    --identifier WH-123 --created 2023-01-01
  run inv-list inventory list
  run inv-list-json inventory list --format json
  run inv-show inventory show gh-ci
  run inv-rotate-dry --in "$run/s2" inventory rotate gh-ci --secret-stdin \
    --date 2024-03-01 --dry-run
  run inv-rotate --in "$run/s2" inventory rotate gh-ci --secret-stdin \
    --date 2024-03-01
  run inv-rotate-missing --in "$run/s2" inventory rotate nope --secret-stdin \
    --date 2024-03-01
  run inv-revoke inventory revoke warehouse-sync --date 2024-03-02
  run inv-revoke-missing inventory revoke nope --date 2024-03-02
  run inv-audit inventory --today 2024-12-01 audit
  run inv-audit-json inventory --today 2024-12-01 audit --format json
  cp "$run/inv.json" "$out/inv.json"
  run inv-scan scan --no-config -f json --inventory inv.json .
  run tickets-scan scan --no-config -f json --inventory inv.json \
    --tickets tickets-a .
  run tickets tickets --from report.json --inventory inv.json --out tickets-b \
    --format json,markdown,csv --today 2024-12-01
  for d in tickets-a tickets-b; do
    [ -d "$run/$d" ] && cp -r "$run/$d" "$out/$d"
  done
  unset KEYWARD_INVENTORY
  mask "$out"/*.out "$out"/*.err
}

suite "$old" "$work/old"
suite "$new" "$work/new"
n=$(ls "$work/old" | wc -l)
# Names only: outputs hold planted (fake) secrets, never printed here.
if diff -rq "$work/old" "$work/new" >"$work/diff"; then
  echo "identical: $n outputs (old $old, new $new)"
else
  cat "$work/diff"
  echo "DIFFERENT outputs (see above)" >&2
  exit 1
fi
