#!/usr/bin/env bash
# Prints the path of the Prometheus Operator's ServiceMonitor CRD (its schema checks the
# chart's ServiceMonitor), taken once into $CACHE_DIR from the Go module
# github.com/prometheus-operator/prometheus-operator at the version below, and
# checked against the file's pinned sha256.
#
#   tests/chart/get-servicemonitor-crd.sh
#     -> $CACHE_DIR/tools/prometheus-operator-v0.91.0/monitoring.coreos.com_servicemonitors.yaml
#
# The module comes through `go mod download` where a Go toolchain is found (its
# module cache is $CACHE_DIR/go/mod), else straight from the module proxy that
# GOPROXY names (Go's default when unset). Where GOPROXY names none (off,
# direct) and there is no Go, it exits 77 saying so: the tests that need the
# schema then report Skipped.
set -euo pipefail

MODULE=github.com/prometheus-operator/prometheus-operator
VERSION=v0.91.0 # the ServiceMonitor API the chart was first checked against
FILE=example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml
SHA256=4c8e9b3727e2a04a1dacbadeb5cbc692cbe51d5f9e0a93eb91b473bf8845faa0
CACHE_DIR="${CACHE_DIR:-$HOME/.cache/qemu-riscv64}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
target_dir="$CACHE_DIR/tools/prometheus-operator-$VERSION"
target="$target_dir/${FILE##*/}"

log() { echo "get-servicemonitor-crd: $*" >&2; }

# shellcheck source=scripts/lib/find-go.sh
. "$here/../../scripts/lib/find-go.sh"
# shellcheck source=scripts/lib/fetch-once.sh
. "$here/../../scripts/lib/fetch-once.sh"
cached() { [ -f "$target" ] && echo "$target"; }
fetch_once "$target_dir" cached
# Without a GOPROXY, Go's own default proxy.
proxy="${GOPROXY:-https://proxy.golang.org}"
proxy="${proxy%%[,|]*}"
if GO="$(find_go 1.17.0)"; then
  log "go mod download $MODULE@$VERSION"
  if ! json="$(GOMODCACHE="$CACHE_DIR/go/mod" GOTOOLCHAIN=local GOFLAGS=-mod=mod \
      "$GO" mod download -json "$MODULE@$VERSION")"; then
    log "go mod download failed: $json"
    exit 1
  fi
  zip="$(sed -n 's/^[[:space:]]*"Zip": "\(.*\)",$/\1/p' <<<"$json")"
elif [[ "$proxy" == http* ]]; then
  log "$GO; fetching $MODULE@$VERSION from GOPROXY $proxy"
  zip="$work/module.zip"
  curl -fsSL --retry 3 -o "$zip" "$proxy/$MODULE/@v/$VERSION.zip"
else
  log "SKIPPED: $GO, and GOPROXY names no module proxy: the ServiceMonitor's schema cannot be had"
  exit 77
fi

python3 - "$zip" "$MODULE@$VERSION/$FILE" "$work/crd.yaml" <<'PYTHON'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as module, open(sys.argv[3], "wb") as out:
    out.write(module.read(sys.argv[2]))
PYTHON
if ! echo "$SHA256  $work/crd.yaml" | sha256sum -c --quiet - >&2; then
  log "$FILE of $MODULE@$VERSION is not the pinned one (sha256 $SHA256)"
  exit 1
fi
# Renamed last, so a half-written file is never taken for the cached one.
mv "$work/crd.yaml" "$target"
echo "$target"
