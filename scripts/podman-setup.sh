#!/usr/bin/env bash
# Makes podman work on this kind of machine (no Docker engine, no registry)
# and idempotent enough to run before every `make container`:
#   1. installs podman, runc, catatonit and qemu-user (install-deps.sh container);
#   2. writes /etc/containers/containers.conf when none exists (runc, cgroupfs,
#      ulimits that may only be lowered in a sandbox without CAP_SYS_RESOURCE);
#   3. makes the base images debian:bookworm-slim and debian:trixie-slim
#      locally with mmdebstrap and imports them under the names the Dockerfiles
#      use, so FROM resolves offline. The tarballs are cached in $CACHE_DIR; an
#      import is skipped when podman already has the image. For each other
#      architecture in PLATFORMS (make container PLATFORMS=...),
#      localhost/debian:trixie-slim-ARCH the same way.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache_root=${CACHE_DIR:-$HOME/.cache/qemu-riscv64}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
conf=/etc/containers/containers.conf
marker="# written by qemu-riscv64 scripts/podman-setup.sh"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

write_containers_conf() {
  if [ -e "$conf" ] && ! grep -qF "$marker" "$conf"; then
    echo "podman-setup: keeping the existing $conf"
    return
  fi
  as_root mkdir -p "$(dirname "$conf")"
  as_root tee "$conf" >/dev/null <<CONF
$marker
[containers]
default_ulimits = ["nofile=10000:10000", "nproc=30000:30000"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
}

# debian:SUITE-slim from Debian's packages, no registry needed. With ARCH (not
# the host's): localhost/debian:SUITE-slim-ARCH, made under emulation
# (qemu-user through binfmt_misc; build-images.sh checks for it first).
import_base_image() {
  local suite=$1 arch=${2:-}
  local base_image=docker.io/library/debian:$suite-slim
  local tarball="$cache_root/base-debian-$suite-slim.tar"
  local arch_args=() import_args=()
  if [ -n "$arch" ]; then
    base_image=localhost/debian:$suite-slim-$arch
    tarball="$cache_root/base-debian-$suite-slim-$arch.tar"
    arch_args=(--arch="$arch")
    # podman 4.3 matches linux/arm64 only with the variant named.
    import_args=(--arch "$arch")
    [ "$arch" != arm64 ] || import_args+=(--variant v8)
  fi
  if podman image exists "$base_image"; then
    return
  fi
  if [ ! -s "$tarball" ]; then
    mkdir -p "$cache_root"
    # Like Debian's own slim image: no manuals, documentation or translations.
    mmdebstrap --quiet --variant=minbase --format=tar "${arch_args[@]}" \
      --dpkgopt='path-exclude=/usr/share/man/*' \
      --dpkgopt='path-exclude=/usr/share/doc/*' \
      --dpkgopt='path-include=/usr/share/doc/*/copyright' \
      --dpkgopt='path-exclude=/usr/share/locale/*' \
      --dpkgopt='path-exclude=/usr/share/info/*' \
      "$suite" "$tarball.tmp" "$mirror"
    mv "$tarball.tmp" "$tarball"
  fi
  podman import "${import_args[@]}" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' \
    "$tarball" "$base_image"
}

"$here/install-deps.sh" guest container
write_containers_conf
import_base_image bookworm  # the guest builder
import_base_image trixie    # the launcher (its passt) and the console
# The launcher's runtime base for each other architecture of PLATFORMS.
host_arch=$(podman info --format '{{.Host.Arch}}')
platforms=${PLATFORMS:-}
for platform in ${platforms//,/ }; do
  arch=${platform#*/}
  [ "$arch" = "$host_arch" ] || import_base_image trixie "$arch"
done
echo "podman-setup: podman $(podman version --format '{{.Client.Version}}') ready," \
  "debian:bookworm-slim and debian:trixie-slim present"
