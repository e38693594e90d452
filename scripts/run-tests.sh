#!/usr/bin/env bash
# `make test`'s last step: ctest over every tier, or over the tiers in TIERS.
# Tiers left out are named, so a partial run never passes for a full one.
# Two tests at a time (TEST_JOBS, 2 by default: this machine's cores), but a
# test of a tier that needs the whole machine runs alone (tests/CMakeLists.txt,
# TIERS_ALONE).
# After the run, one line per tier (scripts/tier-times.py: its time, passed,
# failed, skipped), then ctest's summary again as the last line; the exit
# status is ctest's.
#
#   scripts/run-tests.sh BUILD_DIR [TIER... | all]
set -euo pipefail

scripts=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: run-tests.sh BUILD_DIR [TIER...]}
shift
cd "$build"
selection=()
if [ $# -gt 0 ] && [ "$*" != all ]; then
  all=$(ctest --print-labels | sed -n 's/^  //p')
  for tier in "$@"; do
    if ! grep -qx "$tier" <<<"$all"; then
      echo "make test: TIERS names '$tier', which no test has (tiers: ${all//$'\n'/ })" >&2
      exit 2
    fi
  done
  left_out=$(grep -vxF -f <(printf '%s\n' "$@") <<<"$all" | paste -sd' ' - || true)
  echo "make test: running tiers: $*"
  echo "make test: tiers left out: ${left_out:-none}"
  selection=(-L "^($(IFS='|'; echo "$*"))\$")
fi

junit=$PWD/Testing/run-tests.junit.xml
log=$PWD/Testing/run-tests.log
mkdir -p Testing
rm -f "$junit"
status=0
started=$SECONDS
ctest --output-on-failure --timeout 600 --parallel "${TEST_JOBS:-2}" "${selection[@]}" \
  --output-junit "$junit" 2>&1 | tee "$log" || status=${PIPESTATUS[0]}
took=$((SECONDS - started))

if [ -s "$junit" ]; then
  echo
  echo "make test: time per tier (its tests' times added up; unit, chart, lint, fuzz and fresh ran two at a time)"
  python3 "$scripts/tier-times.py" "$junit" || true
  echo "make test: $((took / 60)) min $((took % 60)) s in all, ${TEST_JOBS:-2} tests at a time"
fi
grep -E '^[0-9]+% tests passed' "$log" | tail -n1 || true
exit "$status"
