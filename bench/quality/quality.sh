#!/usr/bin/env bash
# Detection quality of keyward, before and after: recall on the generated
# corpus and on the labelled corpora in shared/, findings on real trees.
#
#   KEYWARD=build/keyward [KEYWARD_BEFORE=old/keyward] bench/quality/quality.sh [options]
#   bench/quality/quality.sh --before-rev 2dacc06 --linux-source --json out.json
#
# Options:
#   --before-rev REV   build the "before" binary from git revision REV in a git
#                      worktree at $QUALITY_CACHE/before-<sha7> (cmake, ccache);
#                      reused when present. Overrides KEYWARD_BEFORE.
#   --json FILE        write the machine-readable summary to FILE
#   --size-mb N        generated corpus size (default 64; $SIZE_MB)
#   --corpora DIR      labelled corpora (default: shared/corpora beside the checkout)
#   --linux-source     also scan a Debian linux-source-6.1 tree (apt-get install +
#                      unpack into the cache once, ~1.5 GB)
#   --only LIST        sections to run, comma-separated: gen,corpora,trees (default all)
#   --trees LIST       precision trees, comma-separated, of: doc,include,npm,tmux,linux
#                      (default doc,include,npm,tmux; linux with --linux-source)
#   --jobs N           keyward -j (default 2)
#   --top N            rules listed per tree (default 15)
#   --rescan           ignore cached scan results (inputs stay cached)
#
# Environment: KEYWARD (default <repo>/build/keyward), KEYWARD_BEFORE,
# QUALITY_CACHE (default /work/quality-cache), SIZE_MB.
# Everything slow is cached under $QUALITY_CACHE: the generated corpus, the npm
# tree, the history mirror, the linux-source tree, the before build, and each
# scan's result (keyed by binary sha256, arguments and tree signature).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${QUALITY_CACHE:-/work/quality-cache}
keyward=${KEYWARD:-$repo/build/keyward}
before=${KEYWARD_BEFORE:-}
size_mb=${SIZE_MB:-64}
seed=20240611
json=""
corpora=""
linux=0
only="gen,corpora,trees"
trees=""
jobs=2
top=15
rescan=()
before_rev=""

die() { echo "quality: $*" >&2; exit 2; }
say() { echo "quality: $*" >&2; }

while [ $# -gt 0 ]; do
  case $1 in
    --before-rev) before_rev=$2; shift 2 ;;
    --json) json=$(realpath -m "$2"); shift 2 ;;
    --size-mb) size_mb=$2; shift 2 ;;
    --corpora) corpora=$(realpath -m "$2"); shift 2 ;;
    --linux-source) linux=1; shift ;;
    --only) only=$2; shift 2 ;;
    --trees) trees=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --top) top=$2; shift 2 ;;
    --rescan) rescan=(--rescan); shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
[ -n "$trees" ] || { trees="doc,include,npm,tmux"; [ "$linux" = 0 ] || trees+=",linux"; }
has() { [[ ",$1," == *",$2,"* ]]; }

mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
t_start=$(date +%s)

# shared/ lies beside the checkout; from a worktree, beside the main checkout.
find_shared() {
  local d
  d="$repo/../shared"
  [ -d "$d" ] || d="$(cd "$(git -C "$repo" rev-parse --git-common-dir)/../.." && pwd)/shared"
  [ -d "$d" ] || die "no shared/ beside $repo (use --corpora DIR)"
  (cd "$d" && pwd)
}
shared=$(find_shared)
[ -n "$corpora" ] || corpora=$shared/corpora

# ---------------------------------------------------------------- before binary
if [ -n "$before_rev" ]; then
  sha=$(git -C "$repo" rev-parse --verify "$before_rev^{commit}") || die "unknown revision $before_rev"
  bdir=$cache/before-${sha:0:7}
  if [ ! -x "$bdir/build/keyward" ]; then
    say "building keyward at ${sha:0:7} in $bdir (ccache)"
    # The build directory sits inside the worktree, as in a checkout: with
    # ccache's base_dir the compile commands then match the main build's.
    # -f: the path may still be registered after the cache was deleted.
    [ -e "$bdir/.git" ] || git -C "$repo" worktree add -f --detach "$bdir" "$sha" >&2
    cmake -S "$bdir" -B "$bdir/build" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
    cmake --build "$bdir/build" -j"$jobs" --target keyward >&2
  fi
  before=$bdir/build/keyward
fi
[ -x "$keyward" ] || die "no keyward binary at $keyward (set KEYWARD=...)"
bins=()
[ -z "$before" ] || { [ -x "$before" ] || die "no binary at $before"; bins+=(--bin "before=$before"); }
bins+=(--bin "after=$keyward")

# ---------------------------------------------------------------- inputs (cached)
args=()
if has "$only" gen; then
  gen=$cache/gen-${size_mb}mb-s$seed
  if [ ! -f "$gen/manifest.json" ]; then
    say "generating a $size_mb MB corpus in $gen"
    rm -rf "$gen"
    python3 "$repo/bench/gen_corpus.py" --size-mb "$size_mb" --seed "$seed" --out "$gen" >&2
  fi
  args+=(--gen "$gen")
fi
if has "$only" corpora; then
  [ -f "$corpora/score.py" ] || die "no score.py in $corpora"
  args+=(--corpora "$corpora")
fi

prepare_npm() {  # $cache/npm/node_modules from npm-packages.txt, once per list
  local list=$here/npm-packages.txt dir=$cache/npm
  if [ -d "$dir/node_modules" ] && cmp -s "$list" "$dir/.packages"; then return; fi
  command -v npm >/dev/null || die "npm not installed (apt-get install npm)"
  say "installing the npm packages of $list into $dir"
  rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
  echo '{"name":"keyward-quality-npm","version":"0.0.0","private":true}' >"$dir.tmp/package.json"
  # shellcheck disable=SC2046
  (cd "$dir.tmp" && npm install --ignore-scripts --no-audit --no-fund --omit=optional \
    $(grep -v '^#' "$list") >&2)
  cp "$list" "$dir.tmp/.packages"
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
}

prepare_tmux() {  # a mirror clone of the shared history bundle
  local bundle=$shared/bench/tmux-history.bundle dir=$cache/tmux-history.git
  [ -f "$bundle" ] || die "no $bundle"
  if [ ! -f "$dir/.done" ]; then
    say "cloning $bundle into $dir"
    rm -rf "$dir"
    git clone -q --mirror "$bundle" "$dir" >&2
    touch "$dir/.done"
  fi
}

prepare_linux() {  # Debian's linux-source-6.1 unpacked
  local dir=$cache/linux-source-6.1 tarball=/usr/src/linux-source-6.1.tar.xz
  [ -f "$dir/.done" ] && return
  if [ ! -f "$tarball" ]; then
    say "apt-get install linux-source-6.1"
    apt-get install -y linux-source-6.1 >&2 || { apt-get update >&2 && apt-get install -y linux-source-6.1 >&2; }
  fi
  say "unpacking $tarball into $dir"
  rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
  tar -xJf "$tarball" -C "$dir.tmp"
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
  touch "$dir/.done"
}

if has "$only" trees; then
  IFS=, read -ra tlist <<<"$trees"
  for t in "${tlist[@]}"; do
    case $t in
      doc) args+=(--tree "usr-share-doc=/usr/share/doc") ;;
      include) args+=(--tree "usr-include=/usr/include") ;;
      npm) prepare_npm; args+=(--tree "npm=$cache/npm/node_modules") ;;
      tmux) prepare_tmux; args+=(--tree "tmux-history=$cache/tmux-history.git:git") ;;
      linux) prepare_linux; args+=(--tree "linux-source-6.1=$(echo "$cache"/linux-source-6.1/linux-source-*)") ;;
      *) die "unknown tree $t (doc, include, npm, tmux, linux)" ;;
    esac
  done
fi

[ -z "$json" ] || args+=(--json "$json")
set +e
python3 "$here/quality.py" "${bins[@]}" --cache "$cache" --jobs "$jobs" --top "$top" \
  "${rescan[@]}" "${args[@]}"
rc=$?
set -e
echo "quality.sh: $(($(date +%s) - t_start)) s in all"
exit $rc
