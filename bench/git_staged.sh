#!/usr/bin/env bash
# Pre-commit benchmark for `keyward scan --staged`: a 10,000-file repository,
# a few files staged, warm rule-database cache. Prints the wall time per run
# (hyperfine when installed, else a loop over date +%s%N). Target < 50 ms.
#
#   KEYWARD=build-git/keyward bench/git_staged.sh [REPO_DIR]
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
git -C "$repo" add -A
echo "files in index: $(git -C "$repo" ls-files | wc -l);" \
  "staged: $(git -C "$repo" diff --cached --name-only | wc -l)" >&2

cd "$repo"
"$keyward" scan --staged >/dev/null 2>&1 || true  # warm the cache
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 3 --runs 20 "$keyward scan --staged"
else
  total=0
  for i in $(seq 1 20); do
    t0=$(date +%s%N)
    "$keyward" scan --staged >/dev/null 2>&1 || true
    t1=$(date +%s%N)
    total=$((total + t1 - t0))
  done
  echo "keyward scan --staged: mean $((total / 20 / 1000000)) ms over 20 runs"
fi
