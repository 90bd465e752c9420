#!/usr/bin/env bash
# Runs every fuzz target (or those named) for SECONDS each, from the seed
# corpora (fuzz/make_corpus.sh), each on its own growing corpus and with its
# dictionary. A crash, leak, sanitizer report, timeout or out-of-memory
# stops that target, keeps the reproducer in WORK/artifacts/ and makes the
# script exit 1 once all targets have run. Prints one figures line per
# target: executions, exec/s, coverage (edges), features, corpus size.
#
#   fuzz/run_fuzzers.sh BUILD_DIR WORK SECONDS [TARGET...]
#
# FUZZ_JOBS (default 1) targets run at a time; the figures lines come in
# the targets' order whatever order they finish in.
#
# BUILD_DIR holds fuzz/fuzz_<target> (cmake -DKEYWARD_FUZZ=ON); WORK keeps
# the corpora between runs (corpus/<target>), so a later run goes on from
# what earlier ones found.
set -uo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "$1" && pwd)"
mkdir -p "$2"
work="$(cd "$2" && pwd)"
seconds="$3"
shift 3
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(rules_yaml config_yaml inventory_json inventory_csv baseline
           ticket_state pack_index pack_entry delta tree pack_reader
           matcher_stream encoded_spans pkcs12 cache_tree)
fi
dict_of() {
  case "$1" in
    inventory_json | baseline | ticket_state) echo "$src/fuzz/dict/json.dict" ;;
    matcher_stream) echo "$work/seeds/matcher_stream.dict" ;;
    delta) echo "" ;;
    *) echo "$src/fuzz/dict/$1.dict" ;;
  esac
}
if [ ! -d "$work/seeds" ]; then
  keyward="$build/keyward"
  [ -x "$keyward" ] || keyward=""
  "$src/fuzz/make_corpus.sh" "$work/seeds" "$keyward" >&2
fi
# Leaks are checked at exit of each input's run by libFuzzer itself.
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
mkdir -p "$work/artifacts" "$work/logs"
fuzz_jobs="${FUZZ_JOBS:-1}"
# One target: its figures line on stdout, or what went wrong on stderr
# (exit 1). Runs in the background, FUZZ_JOBS at a time.
run_target() {
  local t="$1" bin="$build/fuzz/fuzz_$1"
  if [ ! -x "$bin" ]; then
    echo "fuzz: $t: $bin not built" >&2
    return 1
  fi
  mkdir -p "$work/corpus/$t"
  local args=(-max_total_time="$seconds" -timeout=25 -rss_limit_mb=3072
              -max_len=65536 -print_final_stats=1
              -artifact_prefix="$work/artifacts/$t-")
  local dict
  dict="$(dict_of "$t")"
  [ -n "$dict" ] && [ -s "$dict" ] && args+=(-dict="$dict")
  local log="$work/logs/$t.log"
  "$bin" "${args[@]}" "$work/corpus/$t" "$work/seeds/$t" >"$log" 2>&1
  local rc=$?
  local execs rate cov ft corpus
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
  corpus=$(find "$work/corpus/$t" -type f | wc -l)
  if [ $rc -eq 0 ]; then
    echo "fuzz: $t: ok ${seconds}s execs=${execs:-?} exec/s=${rate:-?} cov=${cov:-?} ft=${ft:-?} corpus=$corpus"
  else
    echo "fuzz: $t: FAILED (exit $rc) after execs=${execs:-?}; log $log:" >&2
    grep -E 'ERROR|SUMMARY|keyward fuzz check|Test unit written|#0 |#1 |#2 |#3 ' "$log" | head -30 >&2
    return 1
  fi
}
results="$work/results"
rm -rf "$results"
mkdir -p "$results"
for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$fuzz_jobs" ]; do wait -n || true; done
  ( run_target "$t" >"$results/$t.out" 2>"$results/$t.err"
    echo $? >"$results/$t.rc" ) &
done
wait
failed=()
for t in "${targets[@]}"; do
  cat "$results/$t.out"
  cat "$results/$t.err" >&2
  [ "$(cat "$results/$t.rc")" = 0 ] || failed+=("$t")
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failed: ${failed[*]} (reproducers in $work/artifacts)" >&2
  exit 1
fi
