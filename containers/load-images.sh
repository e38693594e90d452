#!/usr/bin/env bash
# Puts the images `make container` built where a local cluster finds them, so
# `helm install myvm ./chart/qemu-riscv64` runs them with no registry:
#   kind            kind load docker-image (docker), or kind load image-archive
#                   of one `podman save` archive (podman); KIND_CLUSTER_NAME
#                   names the cluster (kind's default: kind)
#   minikube        minikube image load (docker), or of one `podman save`
#                   archive per image (podman); MINIKUBE_PROFILE as minikube reads it
#   docker-desktop  nothing to do: its Kubernetes runs on the Docker engine
#                   that built them (docker only)
#
#   containers/load-images.sh REGISTRY VERSION BUILD_DIR kind|minikube|docker-desktop
#   CONTAINER_ENGINE  docker or podman; unset: the one that answers
#   DATA_IMAGES       default "debian-13 busybox"
set -euo pipefail

usage="usage: load-images.sh REGISTRY VERSION BUILD_DIR kind|minikube|docker-desktop"
registry=${1:?$usage}
version=${2:?$usage}
build_dir=${3:?$usage}
target=${4:-}
data_images=${DATA_IMAGES:-debian-13 busybox}

case "$target" in
  kind | minikube | docker-desktop) ;;
  "") echo "load-images: which cluster? LOAD=kind, minikube or docker-desktop" >&2; exit 2 ;;
  *) echo "load-images: LOAD='$target' is none of kind, minikube, docker-desktop" >&2; exit 2 ;;
esac
engine=$("$(dirname "$0")/pick-engine.sh" load-images)
read -r -a data <<<"$data_images"
images=()
for name in launcher console "${data[@]/#/data-}"; do
  images+=("$registry/qemu-riscv64-$name:$version")
done

need() {
  if ! command -v "$1" >/dev/null; then
    echo "load-images: LOAD=$target needs the $1 command: install it ($2)" >&2
    exit 2
  fi
}

# engine save of the given images into one docker archive under BUILD_DIR
# (removed when the script ends).
archive=
save() {
  mkdir -p "$build_dir"
  archive=$(mktemp "$build_dir/load-images.XXXXXX.tar")
  trap 'rm -f "$archive"' EXIT
  rm -f "$archive"
  "$engine" save -q --format docker-archive -m -o "$archive" "$@"
}

case "$target:$engine" in
  docker-desktop:docker)
    echo "load-images: Docker Desktop's Kubernetes runs on the Docker engine that built the images:" \
      "nothing to load (${images[*]})"
    ;;
  docker-desktop:podman)
    echo "load-images: LOAD=docker-desktop needs the images in Docker Desktop's engine, but podman" \
      "built them: run make container CONTAINER_ENGINE=docker LOAD=docker-desktop" >&2
    exit 2
    ;;
  kind:docker)
    need kind "https://kind.sigs.k8s.io/docs/user/quick-start/#installation"
    kind load docker-image "${images[@]}"
    ;;
  kind:podman)
    need kind "https://kind.sigs.k8s.io/docs/user/quick-start/#installation"
    save "${images[@]}"
    # kind looks for a docker daemon first, and stops there when only its client answers.
    export KIND_EXPERIMENTAL_PROVIDER=${KIND_EXPERIMENTAL_PROVIDER:-podman}
    echo "load-images: kind load image-archive $archive (${images[*]})"
    kind load image-archive "$archive"
    ;;
  minikube:docker)
    need minikube "https://minikube.sigs.k8s.io/docs/start/"
    for image in "${images[@]}"; do
      minikube image load "$image"
    done
    ;;
  minikube:podman)
    need minikube "https://minikube.sigs.k8s.io/docs/start/"
    for image in "${images[@]}"; do
      save "$image"
      echo "load-images: minikube image load $image (from a podman save archive)"
      minikube image load "$archive"
      rm -f "$archive"
    done
    ;;
esac
echo "load-images: done; helm install myvm ./chart/qemu-riscv64 uses them" \
  "(images.data=$registry/qemu-riscv64-data-NAME:$version for another guest)"
