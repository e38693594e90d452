#!/usr/bin/env bash
# The node's images for chart.node.real_node: `make container` with podman
# (launcher, console, the busybox and debian-13 data images), then one docker
# archive of the four that the test imports into containerd. podman runs under
# `flock /tmp/podman.lock`, as everything using podman on shared machines.
#
#   tests/cluster/build-images.sh SOURCE_DIR BUILD_DIR REGISTRY VERSION ARCHIVE
set -euo pipefail

usage="usage: build-images.sh SOURCE_DIR BUILD_DIR REGISTRY VERSION ARCHIVE"
source_dir=${1:?$usage}
build_dir=${2:?$usage}
registry=${3:?$usage}
version=${4:?$usage}
archive=${5:?$usage}
images=("$registry/qemu-riscv64-launcher:$version" "$registry/qemu-riscv64-console:$version"
        "$registry/qemu-riscv64-data-busybox:$version" "$registry/qemu-riscv64-data-debian-13:$version")

exec 9>/tmp/podman.lock
flock 9
make -C "$source_dir" container CONTAINER_ENGINE=podman REGISTRY="$registry" VERSION="$version" \
  DATA_IMAGES="busybox debian-13" BUILD_DIR="$build_dir"
rm -f "$archive.tmp"
podman save --multi-image-archive --format docker-archive -o "$archive.tmp" "${images[@]}"
mv "$archive.tmp" "$archive"
echo "build-images: ${images[*]} saved in $archive ($(du -h "$archive" | cut -f1))"
