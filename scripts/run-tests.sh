#!/usr/bin/env bash
# `make test`'s last step: ctest over every tier, or over the tiers in TIERS.
# Tiers left out are named, so a partial run never passes for a full one.
#
#   scripts/run-tests.sh BUILD_DIR [TIER... | all]
set -euo pipefail

build=${1:?usage: run-tests.sh BUILD_DIR [TIER...]}
shift
cd "$build"
if [ $# -eq 0 ] || [ "$*" = all ]; then
  exec ctest --output-on-failure --timeout 600
fi

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
regex="^($(IFS='|'; echo "$*"))\$"
exec ctest --output-on-failure --timeout 600 -L "$regex"
