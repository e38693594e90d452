#!/usr/bin/env bash
# Pushes what containers/build-images.sh built to $REGISTRY (log in first);
# with PLATFORMS, each image's manifest list and its platforms' images.
#   containers/push-images.sh REGISTRY VERSION
#   CONTAINER_ENGINE  docker or podman; unset: the one that answers
#   DATA_IMAGES       default "debian-13 busybox"
set -euo pipefail

registry=${1:?usage: push-images.sh REGISTRY VERSION}
version=${2:?usage: push-images.sh REGISTRY VERSION}
data_images=${DATA_IMAGES:-debian-13 busybox}

if [ "$registry" = localhost ]; then
  echo "push-images: REGISTRY=localhost names no registry; run make container-push REGISTRY=host/namespace" >&2
  exit 2
fi
engine=$("$(dirname "$0")/pick-engine.sh" push-images)
read -r -a data <<<"$data_images"
for name in launcher console "${data[@]/#/data-}"; do
  image=$registry/qemu-riscv64-$name:$version
  # make container PLATFORMS=... made a manifest list: pushed with its images.
  if [ "$engine" = podman ] && podman manifest exists "$image"; then
    podman manifest push --all "$image" "docker://$image"
  else
    "$engine" push "$image"
  fi
done
