#!/usr/bin/env bash
# The sanitizer stage of CI, run by .ci/run after ci/test.sh (which built
# build/ and its prebuilt rule databases):
#   1. build-asan: clang, ASan + UBSan (-fno-sanitize-recover=undefined)
#      with libFuzzer coverage (-DKEYWARD_FUZZ=ON), the ctest suite (but the
#      tests named in not_under_sanitizers), test sources at -O0;
#   2. build-tsan: clang, TSan, the tests that scan with several threads;
#   3. every fuzz target of build-asan for FUZZ_SECONDS (default 30) each,
#      from the seed corpora (fuzz/README.md), one per core at a time.
# Any sanitizer report, failed test or fuzzer crash fails the run. Each
# stage prints its time. STAGES="asan tsan fuzz" picks stages.
# Idempotent: packages are installed only when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=ci/apt_packages.sh
source ci/apt_packages.sh

packages=(clang libclang-rt-14-dev ccache)
ensure_packages ci/sanitizers.sh "${packages[@]}"

stages="${STAGES:-asan tsan fuzz}"
jobs="$(nproc)"
fuzz_seconds="${FUZZ_SECONDS:-30}"
common=(-DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo
        "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only"
        -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DKEYWARD_TEST_TIMEOUT=900
        -DKEYWARD_TEST_CXX_FLAGS=-O0)
# Sanitizer reports end the process with an error; leaks count (ASan).
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1"

# keyward_dbgen would compile ~470 rules' databases under the sanitizers
# (minutes); the main build's pack holds the same databases (same rules,
# Hyperscan and CPU), so dbgen finds them there and compiles nothing.
seed_pack() {
  mkdir -p "$1"
  if [ -f build/prebuilt_db.bin ] && [ ! -f "$1/prebuilt_db.bin" ]; then
    cp build/prebuilt_db.bin "$1/prebuilt_db.bin"
  fi
}
stage() {
  local name="$1" start=$SECONDS
  shift
  echo "== sanitizers: $name" >&2
  "$@"
  echo "== sanitizers: $name took $((SECONDS - start)) s" >&2
}

# Tests left to the Release build (ci/test.sh): DocCommandsTest runs every
# documented command line (~100 scans, ~3 min in the Release build; under
# ASan ~10 min of CI for code paths the other CLI tests run too), and the
# tests that scan with extra rules in a fresh cache, each compiling the
# whole rule set's databases: the time goes to Hyperscan's compiler (not
# instrumented, but slowed several times by the sanitizers' allocators),
# 80-90 s a test, while MatcherTest covers our compile path under them.
not_under_sanitizers='^(DocCommandsTest|ScanCliTest\.FirstRunLoadsPrebuiltDatabases|GitCliTest\.RangeScanUsesTheBaseCommits)'
asan() {
  seed_pack build-asan
  cmake -S . -B build-asan "${common[@]}" -DKEYWARD_FUZZ=ON >/dev/null
  cmake --build build-asan -j "$jobs" >/dev/null
  (cd build-asan && ctest --output-on-failure -j "$jobs" -E "$not_under_sanitizers")
}

# Tests whose scans run on several threads (the default is one per core,
# -j in the CLI tests), the concurrent writers, and the verifier (curl and a
# mock server thread) and audit workers.
tsan_tests='Git|PackReader|PackedTrees|PipelineRead|Progress|ScanCli|Wordiness.*Threads|Parallel|Concurrent|Occurrences|Hostile|Verify|Audit|FindingsStore'
tsan() {
  seed_pack build-tsan
  cmake -S . -B build-tsan "${common[@]}" -DKEYWARD_SANITIZE=thread >/dev/null
  cmake --build build-tsan -j "$jobs" --target keyward keyward_tests >/dev/null
  (cd build-tsan && ctest --output-on-failure -j "$jobs" -R "$tsan_tests" \
    -E "$not_under_sanitizers")
}

fuzz() {
  [ -d build-asan/fuzz ] || { echo "fuzz needs the asan stage's build" >&2; exit 1; }
  cmake --build build-asan -j "$jobs" --target keyward_fuzzers >/dev/null
  FUZZ_JOBS="$jobs" fuzz/run_fuzzers.sh build-asan build-asan/fuzz-work "$fuzz_seconds"
}

for s in $stages; do stage "$s" "$s"; done
