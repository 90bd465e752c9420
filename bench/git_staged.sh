#!/usr/bin/env bash
# Pre-commit benchmark for `keyward scan --staged`: a 10,000-file repository,
# a few files staged. Prints wall and CPU milliseconds (median of RUNS runs,
# CPU from the children's rusage), cold (an empty rule-database cache
# before every run, as on the first run after a new build: the binary's
# prebuilt databases serve it) and warm (the cache as the previous run left
# it). Target < 50 ms both ways.
#
#   KEYWARD=build/keyward bench/git_staged.sh [REPO_DIR]
#
# RUNS (default 20). CANDIDATES=1 stages generic-rule candidates too
# (below). GC=1 packs the repository's objects first (a clone
# is packed; a repository built by `git add` has loose trees).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=${1:-/work/bench-staged}
keyward=$(realpath "${KEYWARD:-$here/../build/keyward}")
export XDG_CACHE_HOME=${XDG_CACHE_HOME:-$repo.cache}

if [ ! -d "$repo/.git" ]; then
  git init -q "$repo"
  # 10,000 real text files: C headers, then docs to make up the count.
  { find /usr/include -type f -name '*.h' -size -64k | sort
    find /usr/share/doc -type f -size -64k ! -name '*.gz' | sort; } |
    head -10000 >"$repo.list" || true
  while read -r f; do
    d="$repo/src$(dirname "$f")"
    mkdir -p "$d" && cp "$f" "$d/"
  done <"$repo.list"
  git -C "$repo" add -A
  git -C "$repo" -c user.name=b -c user.email=b@b commit -qm import
fi
# Stage a few edits: two modified files, one new file, one rename.
mapfile -t files < <(git -C "$repo" ls-files | head -3)
echo "/* edit $RANDOM */" >>"$repo/${files[0]}"
echo "/* edit $RANDOM */" >>"$repo/${files[1]}"
echo "int added_$RANDOM;" >"$repo/new_$RANDOM.c"
git -C "$repo" mv "${files[2]}" "${files[2]}.renamed" 2>/dev/null || true
# CANDIDATES=1 also stages code that the generic rules look at and their
# filters drop (a password read from the environment, a token from
# settings): what most real commits hold, and what makes a run compile the
# filters' and those rules' RE2 programs and load the BPE model.
if [ "${CANDIDATES:-0}" = 1 ]; then
  printf '%s\n' 'import os' 'db_password = os.environ["DB_PASSWORD"]' \
    'api_token = settings.API_TOKEN' 'client_secret = "${CLIENT_SECRET}"' \
    >"$repo/settings_$RANDOM.py"
fi
git -C "$repo" add -A
echo "files in index: $(git -C "$repo" ls-files | wc -l);" \
  "staged: $(git -C "$repo" diff --cached --name-only | wc -l)" >&2

if [ "${GC:-0}" = 1 ]; then git -C "$repo" gc -q; fi
cd "$repo"
python3 - "$keyward" "${RUNS:-20}" "$XDG_CACHE_HOME" <<'EOF2'
import os, resource, shutil, statistics, subprocess, sys, time
keyward, runs, cache = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def run(cold):
    if cold:
        shutil.rmtree(cache, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([keyward, "scan", "--staged"], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall * 1000, cpu * 1000
run(False)  # page cache
for label, cold in (("cold", True), ("warm", False)):
    run(cold)  # a warm run's cache is what the run before it left
    r = [run(cold) for _ in range(runs)]
    w = statistics.median(x[0] for x in r)
    c = statistics.median(x[1] for x in r)
    print(f"keyward scan --staged {label}: wall {w:.1f} ms, CPU {c:.1f} ms "
          f"(median of {runs}; min wall {min(x[0] for x in r):.1f} ms); "
          f"target < 50 ms: {'met' if w < 50 else 'NOT met'}")
EOF2
