#!/usr/bin/env bash
# Long fuzzing runs: every fuzz target (or those named) for DURATION each,
# e.g. 2h, 30m or 600 (seconds), on the clang ASan+UBSan+libFuzzer build in
# build-asan (built here if missing, as ci/sanitizers.sh does). Corpora grow
# in build-asan/fuzz-long/corpus/<target> and carry over to the next run;
# crashes land in build-asan/fuzz-long/artifacts/. See fuzz/README.md.
#
#   bench/fuzz_long.sh DURATION [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:?usage: bench/fuzz_long.sh DURATION [TARGET...]}"
shift
case "$duration" in
  *h) seconds=$((${duration%h} * 3600)) ;;
  *m) seconds=$((${duration%m} * 60)) ;;
  *s) seconds=${duration%s} ;;
  *) seconds=$duration ;;
esac
if [ ! -d build-asan/fuzz ]; then
  # Reuse the main build's rule databases (see ci/sanitizers.sh).
  mkdir -p build-asan
  if [ -f build/prebuilt_db.bin ]; then cp -n build/prebuilt_db.bin build-asan/; fi
  cmake -S . -B build-asan -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" \
    -DKEYWARD_FUZZ=ON >/dev/null
fi
cmake --build build-asan -j "$(nproc)" --target keyward keyward_fuzzers >/dev/null
start=$(date +%s)
fuzz/run_fuzzers.sh build-asan build-asan/fuzz-long "$seconds" "$@"
echo "fuzz_long: $(( $(date +%s) - start )) s in all"
