#!/usr/bin/env bash
# run-fuzz.sh FUZZER SEED_CORPUS WORK_DIR: libFuzzer for FUZZ_SECONDS (default
# 20) over a working copy of the seed corpus (the repository's is never
# written). Seeds are replayed first; a crash, leak or sanitizer report fails.
# The last lines give executions and coverage.
set -euo pipefail
fuzzer=$1 seeds=$2 work=$3
seconds=${FUZZ_SECONDS:-20}
if [ ! -x "$fuzzer" ]; then
  echo "run-fuzz: $fuzzer is missing: the project.fuzz.build test builds it (Debian's clang and libclang-rt-dev)" >&2
  exit 1
fi
mkdir -p "$work/corpus" "$work/artifacts"
log=$work/fuzz.log
set +e
"$fuzzer" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix="$work/artifacts/" "$work/corpus" "$seeds" >"$log" 2>&1
status=$?
set -e
# Executions and coverage, from libFuzzer's own report.
grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)' "$log" | tail -2 || true
grep -E 'stat::number_of_executed_units|stat::peak_rss_mb' "$log" || true
if [ "$status" -ne 0 ]; then
  echo "run-fuzz: $(basename "$fuzzer") failed (exit $status); inputs in $work/artifacts" >&2
  tail -60 "$log" >&2
  exit 1
fi
