#!/usr/bin/env bash
# Builds every image `make container` promises, with docker or podman and
# nothing else on the host:
#   $REGISTRY/qemu-riscv64-launcher:$VERSION   containers/launcher/Dockerfile
#   $REGISTRY/qemu-riscv64-console:$VERSION    containers/console/Dockerfile
#   $REGISTRY/qemu-riscv64-data-NAME:$VERSION  data-images/NAME/Dockerfile, for
#                                              each NAME in $DATA_IMAGES
# The guests are built by data-images/NAME/build.sh inside a builder container
# (containers/guest-builder, privileged; cached in $CACHE_DIR, which it mounts)
# into BUILD_DIR/images/NAME, the data image's context (apart from
# BUILD_DIR/guest, whose disks the tests write to); then the launcher image
# saves each guest's warm-start snapshot into it (data-images/make-snapshot.sh),
# under passt, the chart's default network mode (a snapshot resumes only in the
# mode it was made in; SNAPSHOT_NETWORK=user for pods with network.mode=user).
# Every image carries the OCI labels title, version, source, licenses, created.
#
#   containers/build-images.sh REGISTRY VERSION BUILD_DIR
#   CONTAINER_ENGINE  docker or podman; unset: the one that answers
#                     (containers/pick-engine.sh says which and why)
#   DATA_IMAGES       default "debian-13 busybox"; ubuntu-22.04 needs internet
#   IMAGE_SOURCE      org.opencontainers.image.source (default: git remote origin)
#   IMAGE_LICENSES    org.opencontainers.image.licenses (default: NOASSERTION)
set -euo pipefail

registry=${1:?usage: build-images.sh REGISTRY VERSION BUILD_DIR}
version=${2:?usage: build-images.sh REGISTRY VERSION BUILD_DIR}
build_dir=${3:?usage: build-images.sh REGISTRY VERSION BUILD_DIR}
repo=$(cd "$(dirname "$0")/.." && pwd)
# podman-setup.sh installs podman when it is asked for by name.
if [ "${CONTAINER_ENGINE:-}" = podman ]; then
  "$repo/scripts/podman-setup.sh"
fi
engine=$("$repo/containers/pick-engine.sh" build-images)
data_images=${DATA_IMAGES:-debian-13 busybox}
cache_root=${CACHE_DIR:-$HOME/.cache/qemu-riscv64}
created=$(date -u +%Y-%m-%dT%H:%M:%SZ)
source_url=${IMAGE_SOURCE:-$(git -C "$repo" remote get-url origin 2>/dev/null || echo unknown)}
licenses=${IMAGE_LICENSES:-NOASSERTION}

case "$engine" in
  docker) build_flags=() run_flags=() stage_flags=() ;;
  # podman's build containers get the host's network: apt and npm need it.
  # The builder stages' compiler cache is a folder of the cache, mounted at
  # /ccache while they are built (alone, so no other image gets the mount point).
  podman) build_flags=(--network host --layers) run_flags=(--network host)
          stage_flags=(-v "$cache_root/ccache-images:/ccache")
          mkdir -p "$cache_root/ccache-images"
          [ "${CONTAINER_ENGINE:-}" = podman ] || "$repo/scripts/podman-setup.sh" ;;
esac

# The host's CA bundle reaches the builders' npm as a build secret, so a
# TLS-inspecting proxy the host trusts works inside the build too.
ca_bundle=${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
if [ -s "$ca_bundle" ]; then
  build_flags+=(--secret "id=ca-bundle,src=$ca_bundle")
fi

image_id() {
  "$engine" image inspect --format '{{.Id}}' "$1" 2>/dev/null || true
}

# An image a build has just replaced under its tag is removed, with its untagged
# parent layers, so that rebuilding after every change does not fill the disk
# (the store is kept between runs); one a container still uses is kept.
drop_replaced() {
  local tag=$1 before=$2
  if [ -n "$before" ] && [ "$before" != "$(image_id "$tag")" ]; then
    if "$engine" rmi "$before" >/dev/null 2>&1; then
      echo "build-images: removed the image $tag replaced (${before:0:12})"
    else
      echo "build-images: kept the image $tag replaced (${before:0:12}): still in use"
    fi
  fi
}

build() {
  local name=$1 dockerfile=$2 context=$3
  local tag="$registry/qemu-riscv64-$name:$version" before
  # A builder stage is built first, alone, with the compiler cache mounted; it
  # gets a tag of its own, so the layer cache it holds stays and the one it
  # replaces is removed like any replaced image.
  if grep -q '^FROM .* AS builder$' "$dockerfile"; then
    local stage_tag="$registry/qemu-riscv64-$name-build-stage:$version"
    before=$(image_id "$stage_tag")
    "$engine" build "${build_flags[@]}" "${stage_flags[@]}" -f "$dockerfile" --target builder \
      -t "$stage_tag" "$context"
    drop_replaced "$stage_tag" "$before"
  fi
  echo "build-images: $tag"
  before=$(image_id "$tag")
  "$engine" build "${build_flags[@]}" -f "$dockerfile" -t "$tag" \
    --label "org.opencontainers.image.title=qemu-riscv64-$name" \
    --label "org.opencontainers.image.version=$version" \
    --label "org.opencontainers.image.source=$source_url" \
    --label "org.opencontainers.image.licenses=$licenses" \
    --label "org.opencontainers.image.created=$created" \
    "$context"
  drop_replaced "$tag" "$before"
}

# data-images/NAME/build.sh in the builder container: the repository read-only,
# the cache and the output folder mounted, files handed back to the caller's UID.
build_guest() {
  local name=$1 out
  mkdir -p "$build_dir/images" "$cache_root"
  out=$(cd "$build_dir/images" && pwd)
  echo "build-images: guest $name (in $builder)"
  "$engine" run --rm --privileged "${run_flags[@]}" \
    -v "$repo:/src:ro" -v "$(cd "$cache_root" && pwd):/cache" -v "$out:/out" \
    -e CACHE_DIR=/cache -e SNAPSHOT=no -e DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}" \
    ${DEBIAN_GUEST_PASSWORD:+-e DEBIAN_GUEST_PASSWORD="$DEBIAN_GUEST_PASSWORD"} \
    "$builder" bash -euc '
      /src/data-images/$1/build.sh /out/$1
      chown -R "$2" /out/$1
      find /cache -maxdepth 1 \( -name "guest-*" -o -name downloads \) -exec chown -R "$2" {} +
    ' _ "$name" "$(id -u):$(id -g)"
}

cd "$repo"
for name in $data_images; do
  if [ ! -f "data-images/$name/Dockerfile" ]; then
    echo "build-images: DATA_IMAGES names '$name', but data-images/$name/Dockerfile does not exist" >&2
    exit 2
  fi
done
build launcher containers/launcher/Dockerfile .
build console containers/console/Dockerfile .
builder=$registry/qemu-riscv64-guest-builder:$version
build guest-builder containers/guest-builder/Dockerfile .
for name in $data_images; do
  build_guest "$name"
  # The warm-start snapshot, made by the launcher image itself (the pod's QEMU and argv).
  if [ -f "data-images/$name/snapshot.conf" ]; then
    LAUNCHER_IMAGE=$registry/qemu-riscv64-launcher:$version CONTAINER_ENGINE=$engine \
      SNAPSHOT_NETWORK=${SNAPSHOT_NETWORK:-passt} \
      data-images/make-snapshot.sh "$build_dir/images/$name" "data-images/$name/snapshot.conf"
  fi
  build "data-$name" "data-images/$name/Dockerfile" "$build_dir/images/$name"
done
"$engine" images --filter "reference=$registry/qemu-riscv64-*:$version"
