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
#   PLATFORMS         e.g. linux/amd64,linux/arm64: each image built for each
#                     (C++ cross-compiled by the builder stage on the build
#                     platform, only the launcher's package installs emulated)
#                     and joined in one manifest list per image, the platforms'
#                     images tagged VERSION-ARCH; default: the host's only
#   IMAGE_SOURCE      org.opencontainers.image.source (default: git remote origin)
#   IMAGE_LICENSES    org.opencontainers.image.licenses (default: NOASSERTION)
set -euo pipefail

registry=${1:?usage: build-images.sh REGISTRY VERSION BUILD_DIR}
version=${2:?usage: build-images.sh REGISTRY VERSION BUILD_DIR}
build_dir=${3:?usage: build-images.sh REGISTRY VERSION BUILD_DIR}
repo=$(cd "$(dirname "$0")/.." && pwd)
# podman (and qemu-user) installed first when it is asked for by name.
if [ "${CONTAINER_ENGINE:-}" = podman ]; then
  "$repo/scripts/install-deps.sh" guest container
fi
engine=$("$repo/containers/pick-engine.sh" build-images)
data_images=${DATA_IMAGES:-debian-13 busybox}
cache_root=${CACHE_DIR:-$HOME/.cache/qemu-riscv64}
created=$(date -u +%Y-%m-%dT%H:%M:%SZ)
source_url=${IMAGE_SOURCE:-$(git -C "$repo" remote get-url origin 2>/dev/null || echo unknown)}
licenses=${IMAGE_LICENSES:-NOASSERTION}

platforms=${PLATFORMS:-}
platforms=${platforms//,/ }
case "$engine" in
  docker) build_flags=() run_flags=() stage_flags=()
          host_platform=$(docker version --format '{{.Server.Os}}/{{.Server.Arch}}') ;;
  # podman's build containers get the host's network: apt and npm need it.
  # The builder stages' compiler cache is a folder of the cache, mounted at
  # /ccache while they are built (alone, so no other image gets the mount point).
  podman) host_platform=$(podman info --format '{{.Host.OS}}/{{.Host.Arch}}')
          build_flags=(--network host --layers)
          run_flags=(--network host)
          stage_flags=(-v "$cache_root/ccache-images:/ccache")
          mkdir -p "$cache_root/ccache-images" ;;
esac

# Another architecture's programs (the launcher's package installs) run through
# qemu-user, which the kernel's binfmt_misc must know.
qemu_arch() {
  case "$1" in
    amd64) echo x86_64 ;; arm64) echo aarch64 ;; arm/v7) echo arm ;; *) echo "$1" ;;
  esac
}
# Only PLATFORMS needs it: the default build runs nothing of another architecture.
for platform in $platforms; do
  [ "$platform" != "$host_platform" ] || continue
  [ "$engine" = podman ] || continue
  q=$(qemu_arch "${platform#*/}")
  handler=/proc/sys/fs/binfmt_misc/qemu-$q
  if [ -e "$handler" ] && [ "$(head -n 1 "$handler")" != enabled ]; then
    cat >&2 <<EOF
build-images: PLATFORMS names $platform, but this kernel's handler for $q programs
  ($handler) is disabled. As root:
    echo 1 >$handler
EOF
    exit 2
  elif [ ! -e "$handler" ]; then
    cat >&2 <<EOF
build-images: PLATFORMS names $platform, but this kernel runs no $q programs
  (no $handler). As root:
    apt-get install qemu-user-static      # Debian, Ubuntu
    [ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
    cat /usr/lib/binfmt.d/qemu-$q.conf >/proc/sys/fs/binfmt_misc/register
  (or: podman run --privileged --rm tonistiigi/binfmt --install ${platform#*/})
EOF
    exit 2
  fi
done
if [ -n "$platforms" ] && [[ " $platforms " != *" $host_platform "* ]]; then
  echo "build-images: PLATFORMS ($PLATFORMS) must name the host's $host_platform too:" \
    "its launcher makes the guests' snapshots" >&2
  exit 2
fi
if [ "$engine" = podman ]; then
  PLATFORMS=$platforms "$repo/scripts/podman-setup.sh"
fi

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

# build_image TAG DOCKERFILE CONTEXT ARGS...: one image, the one it replaces removed.
build_image() {
  local tag=$1 dockerfile=$2 context=$3 before
  shift 3
  before=$(image_id "$tag")
  "$engine" build "${build_flags[@]}" "$@" -f "$dockerfile" -t "$tag" "$context"
  drop_replaced "$tag" "$before"
}

# build_stage TAG DOCKERFILE CONTEXT ARGS...: a Dockerfile's builder stage, built
# first, alone, with the compiler cache mounted; it gets a tag of its own, so the
# layer cache it holds stays and the one it replaces is removed.
build_stage() {
  local tag=$1 dockerfile=$2 context=$3 before
  shift 3
  grep -q '^FROM .* AS builder$' "$dockerfile" || return 0
  before=$(image_id "$tag")
  "$engine" build "${build_flags[@]}" "${stage_flags[@]}" "$@" -f "$dockerfile" --target builder \
    -t "$tag" "$context"
  drop_replaced "$tag" "$before"
}

# build NAME DOCKERFILE CONTEXT [host]: host builds for the host platform only.
build() {
  local name=$1 dockerfile=$2 context=$3 only_host=${4:-}
  local tag="$registry/qemu-riscv64-$name:$version" stage="$registry/qemu-riscv64-$name-build-stage:$version"
  local -a image_args=(
    --label "org.opencontainers.image.title=qemu-riscv64-$name"
    --label "org.opencontainers.image.version=$version"
    --label "org.opencontainers.image.source=$source_url"
    --label "org.opencontainers.image.licenses=$licenses"
    --label "org.opencontainers.image.created=$created")
  local -a base_args=()
  # podman 4.3 leaves BUILDPLATFORM empty in FROM under --platform: it is passed
  # to the Dockerfiles that use it (the others would warn of an unused argument).
  if [ "$engine" = podman ] && grep -q '^ARG BUILDPLATFORM' "$dockerfile"; then
    base_args+=(--build-arg "BUILDPLATFORM=$host_platform")
  fi
  if [ -z "$platforms" ] || [ -n "$only_host" ]; then
    build_stage "$stage" "$dockerfile" "$context" "${base_args[@]}"
    echo "build-images: $tag"
    build_image "$tag" "$dockerfile" "$context" "${base_args[@]}" "${image_args[@]}"
    return
  fi
  if [ "$engine" = docker ]; then
    # buildx builds every platform at once (its builder must support them).
    echo "build-images: $tag for ${platforms// /,}"
    docker build "${build_flags[@]}" --platform "${platforms// /,}" -f "$dockerfile" -t "$tag" \
      "${image_args[@]}" "$context"
    return
  fi
  local platform arch member
  local -a extra members=()
  for platform in $platforms; do
    arch=${platform#*/}
    arch=${arch//\//-}
    extra=(--platform "$platform" "${base_args[@]}")
    # FROM scratch (the data images): podman's layer cache ignores the
    # platform, so another platform's build would reuse the host's image.
    if [ "$platform" != "$host_platform" ] && [[ "$name" == data-* ]]; then
      extra+=(--no-cache)
    elif [ "$platform" != "$host_platform" ]; then
      # The base podman-setup.sh made, by its ID: podman 4.3 finds no image of
      # another platform by name (it looks in a registry named localhost).
      extra+=(--pull=never --build-arg
              "RUNTIME_BASE=$(podman image inspect --format '{{.Id}}' "localhost/debian:trixie-slim-$arch")")
    fi
    build_stage "$stage-$arch" "$dockerfile" "$context" "${extra[@]}"
    echo "build-images: $tag-$arch ($platform)"
    build_image "$tag-$arch" "$dockerfile" "$context" "${extra[@]}" "${image_args[@]}"
    members+=("$tag-$arch")
  done
  # One manifest list under the plain tag (this script's own name: replaced).
  if podman manifest exists "$tag"; then
    podman manifest rm "$tag" >/dev/null
  elif podman image exists "$tag"; then
    podman rmi "$tag" >/dev/null
  fi
  podman manifest create "$tag" >/dev/null
  for member in "${members[@]}"; do
    podman manifest add "$tag" "containers-storage:$member" >/dev/null
  done
  echo "build-images: $tag: manifest list of ${members[*]}"
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
# The host platform's launcher makes the snapshots.
snapshot_launcher=$registry/qemu-riscv64-launcher:$version
if [ -n "$platforms" ] && [ "$engine" = podman ]; then
  snapshot_launcher=$snapshot_launcher-${host_platform#*/}
fi
build guest-builder containers/guest-builder/Dockerfile . host
for name in $data_images; do
  build_guest "$name"
  # The warm-start snapshot, made by the launcher image itself (the pod's QEMU and argv).
  if [ -f "data-images/$name/snapshot.conf" ]; then
    LAUNCHER_IMAGE=$snapshot_launcher CONTAINER_ENGINE=$engine \
      SNAPSHOT_NETWORK=${SNAPSHOT_NETWORK:-passt} \
      data-images/make-snapshot.sh "$build_dir/images/$name" "data-images/$name/snapshot.conf"
  fi
  build "data-$name" "data-images/$name/Dockerfile" "$build_dir/images/$name"
done
"$engine" images --filter "reference=$registry/qemu-riscv64-*:$version"
