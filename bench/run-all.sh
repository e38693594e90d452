#!/usr/bin/env bash
# `make bench`: every part's benchmark, each measuring its peers in the same run.
#
#   run-all.sh BUILD_DIR
set -euo pipefail

build=$(cd "${1:?usage: run-all.sh BUILD_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
for part in launcher console pod soak fleet; do
  echo "== bench: $part"
  "$here/$part/run.sh" "$build"
done
