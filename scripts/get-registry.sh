#!/usr/bin/env bash
# Prints the path of a container registry server (the CNCF Distribution
# registry, its Go module github.com/distribution/distribution/v3 at
# REGISTRY_GO_VERSION), building it once into $CACHE_DIR with Go's caches
# under $CACHE_DIR/go. The multiarch tier pushes its manifest lists there.
# Logs go to stderr.
#
#   scripts/get-registry.sh   -> $CACHE_DIR/registry/v3.0.0/registry
set -euo pipefail

REGISTRY_GO_VERSION="${REGISTRY_GO_VERSION:-v3.0.0}"
REGISTRY_GO_MIN=1.23.7 # the go line of distribution/v3 v3.0.0's go.mod
CACHE_DIR="${CACHE_DIR:-$HOME/.cache/qemu-riscv64}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

log() { echo "get-registry: $*" >&2; }

# shellcheck source=scripts/lib/find-go.sh
. "$here/lib/find-go.sh"
# shellcheck source=scripts/lib/fetch-once.sh
. "$here/lib/fetch-once.sh"

target_dir="$CACHE_DIR/registry/$REGISTRY_GO_VERSION"
target="$target_dir/registry"
cached() { [ -x "$target" ] && echo "$target"; }
fetch_once "$target_dir" cached

if ! GO="$(find_go "$REGISTRY_GO_MIN")"; then
  log "$GO"
  exit 1
fi
log "building github.com/distribution/distribution/v3/cmd/registry@$REGISTRY_GO_VERSION with $("$GO" env GOVERSION)"
GOMODCACHE="$CACHE_DIR/go/mod" GOCACHE="$CACHE_DIR/go/build" GOTOOLCHAIN=local \
  GOFLAGS=-buildvcs=false CGO_ENABLED=0 GOBIN="$work" nice -n 10 "$GO" install -p 2 -trimpath -ldflags "-s -w" \
  "github.com/distribution/distribution/v3/cmd/registry@$REGISTRY_GO_VERSION" >&2
# Renamed last, so a half-written binary is never seen as the cached one.
mv "$work/registry" "$target"
echo "$target"
