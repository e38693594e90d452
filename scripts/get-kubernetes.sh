#!/usr/bin/env bash
# Prints the directory holding kube-apiserver, kube-controller-manager,
# kube-scheduler, kubelet, kube-proxy, kubectl and etcd, building them once
# from the Go module proxy (scripts/k8s/go.mod pins the release) into $CACHE_DIR.
#
#   scripts/get-kubernetes.sh   -> $CACHE_DIR/kubernetes/v1.34.4-<key>/bin
#
# The key is a hash of scripts/k8s/go.mod, go.sum and the Go version, so a
# warm run only checks that the seven files are there. Go's module and build
# caches live in $CACHE_DIR/go too: a changed recipe rebuilds only what changed.
# Exit status 3 and a message when Go is missing or older than go.mod asks
# (the cluster tests skip on that status). Logs go to stderr.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
recipe="$here/k8s"
CACHE_DIR="${CACHE_DIR:-$HOME/.cache/qemu-riscv64}"
BUILD_JOBS="${BUILD_JOBS:-2}"
# Binary name -> Go package; the Kubernetes ones are stamped with the release.
declare -A packages=(
  [kube-apiserver]=k8s.io/kubernetes/cmd/kube-apiserver
  [kube-controller-manager]=k8s.io/kubernetes/cmd/kube-controller-manager
  [kube-scheduler]=k8s.io/kubernetes/cmd/kube-scheduler
  [kubelet]=k8s.io/kubernetes/cmd/kubelet
  [kube-proxy]=k8s.io/kubernetes/cmd/kube-proxy
  [kubectl]=k8s.io/kubernetes/cmd/kubectl
  [etcd]=go.etcd.io/etcd/server/v3 # etcd's main package is its server module
)

log() { echo "get-kubernetes: $*" >&2; }

# shellcheck source=scripts/lib/find-go.sh
. "$here/lib/find-go.sh"
# shellcheck source=scripts/lib/fetch-once.sh
. "$here/lib/fetch-once.sh"
go_min="$(awk '$1 == "go" { print $2; exit }' "$recipe/go.mod")"
if ! GO="$(find_go "$go_min")"; then
  log "$GO"
  exit 3
fi

k8s_version="$(awk '$1 == "k8s.io/kubernetes" { print $2; exit }' "$recipe/go.mod")"
go_version="$("$GO" env GOVERSION)"
key="$(cat "$recipe/go.mod" "$recipe/go.sum" <(echo "$go_version") | sha256sum | cut -c1-12)"
target_dir="$CACHE_DIR/kubernetes/$k8s_version-$key"

missing() {
  local b
  for b in "${!packages[@]}"; do [ -x "$target_dir/bin/$b" ] || echo "$b"; done
}
built() { [ -z "$(missing)" ] && echo "$target_dir/bin"; }
fetch_once "$target_dir" built
cp "$recipe/go.mod" "$recipe/go.sum" "$work/"

export GOMODCACHE="$CACHE_DIR/go/mod" GOCACHE="$CACHE_DIR/go/build"
export GOTOOLCHAIN=local GOFLAGS="-mod=readonly -buildvcs=false" CGO_ENABLED=0

# What `make` in kubernetes stamps into every binary (hack/lib/version.sh).
minor="${k8s_version#v1.}"
minor="${minor%%.*}"
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done

read -r -a wanted <<<"$(missing | sort | tr '\n' ' ')"
log "building ${wanted[*]} ($k8s_version) with $go_version (-p $BUILD_JOBS, nice 10)"
start=$SECONDS
mkdir -p "$work/bin" "$target_dir/bin"
cd "$work"
for b in "${wanted[@]}"; do
  flags=(-ldflags "$ldflags")
  [ "$b" != etcd ] || flags=(-ldflags "-s -w")
  nice -n 10 "$GO" build -p "$BUILD_JOBS" -trimpath "${flags[@]}" -o "$work/bin/$b" "${packages[$b]}"
  version_flag=(--version)
  [ "$b" != kubectl ] || version_flag=(version --client)
  "$work/bin/$b" "${version_flag[@]}" 2>&1 | head -n 1 | sed "s/^/get-kubernetes: $b: /" >&2 || true
  # Rename last, so a half-built binary is never seen as the cached one.
  mv "$work/bin/$b" "$target_dir/bin/$b"
done
log "built in $((SECONDS - start)) s"
echo "$target_dir/bin"
