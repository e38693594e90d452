#!/usr/bin/env bash
# Builds every image `make container` promises, with docker or podman:
#   $REGISTRY/qemu-riscv64-launcher:$VERSION   containers/launcher/Dockerfile
#   $REGISTRY/qemu-riscv64-console:$VERSION    containers/console/Dockerfile
#   $REGISTRY/qemu-riscv64-data-NAME:$VERSION  data-images/NAME/Dockerfile, for
#                                              each NAME in $DATA_IMAGES
# The guests are built on the host first (data-images/NAME/build.sh, cached in
# $CACHE_DIR) into BUILD_DIR/images/NAME, the data image's context (apart from
# BUILD_DIR/guest, whose disks the tests write to).
#
#   containers/build-images.sh REGISTRY VERSION BUILD_DIR
#   CONTAINER_ENGINE  docker (default) or podman
#   DATA_IMAGES       default "debian-13 busybox"; ubuntu-22.04 needs internet
set -euo pipefail

registry=${1:?usage: build-images.sh REGISTRY VERSION BUILD_DIR}
version=${2:?usage: build-images.sh REGISTRY VERSION BUILD_DIR}
build_dir=${3:?usage: build-images.sh REGISTRY VERSION BUILD_DIR}
engine=${CONTAINER_ENGINE:-docker}
data_images=${DATA_IMAGES:-debian-13 busybox}
repo=$(cd "$(dirname "$0")/.." && pwd)

case "$engine" in
  docker) build_flags=() ;;
  # podman's build containers get the host's network: apt and npm need it.
  podman) build_flags=(--network host --layers)
          "$repo/scripts/podman-setup.sh" ;;
  *) echo "build-images: CONTAINER_ENGINE='$engine' is neither docker nor podman" >&2; exit 2 ;;
esac

# The host's CA bundle reaches the builders' npm as a build secret, so a
# TLS-inspecting proxy the host trusts works inside the build too.
ca_bundle=${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
if [ -s "$ca_bundle" ]; then
  build_flags+=(--secret "id=ca-bundle,src=$ca_bundle")
fi

build() {
  local name=$1 dockerfile=$2 context=$3
  local tag="$registry/qemu-riscv64-$name:$version"
  echo "build-images: $tag"
  "$engine" build "${build_flags[@]}" -f "$dockerfile" -t "$tag" "$context"
}

cd "$repo"
build launcher containers/launcher/Dockerfile .
build console containers/console/Dockerfile .
for name in $data_images; do
  if [ ! -f "data-images/$name/Dockerfile" ]; then
    echo "build-images: DATA_IMAGES names '$name', but data-images/$name/Dockerfile does not exist" >&2
    exit 2
  fi
  "data-images/$name/build.sh" "$build_dir/images/$name"
  build "data-$name" "data-images/$name/Dockerfile" "$build_dir/images/$name"
done
"$engine" images --filter "reference=$registry/qemu-riscv64-*:$version"
