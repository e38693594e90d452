#!/usr/bin/env bash
# Builds the ubuntu-22.04 guest (the original project's) into OUT:
#   disk.img   Ubuntu 22.04 preinstalled riscv64 server image, as qcow2, grown
#              by $UBUNTU_DISK_GROW (cloud-init grows the root partition)
#   vm.conf    only VM_DRIVE: the launcher's defaults (OpenSBI fw_jump, then
#              U-Boot S-mode) boot the disk through U-Boot's distro boot
# NEEDS INTERNET ACCESS: it downloads Ubuntu's image (about 1 GB) and checks
# it against Ubuntu's SHA256SUMS. The download is cached in $CACHE_DIR.
# Not part of `make container` by default; add it with
#   make container DATA_IMAGES="debian-13 busybox ubuntu-22.04"
set -euo pipefail

out=${1:?usage: build.sh OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
cache_root=${CACHE_DIR:-$HOME/.cache/qemu-riscv64}
release_url=${UBUNTU_RELEASE_URL:-https://cdimage.ubuntu.com/releases/22.04/release}
image=${UBUNTU_IMAGE:-ubuntu-22.04.5-preinstalled-server-riscv64+unmatched.img.xz}
grow=${UBUNTU_DISK_GROW:-+8G}
download="$cache_root/downloads/$image"

fetch() {
  mkdir -p "$(dirname "$download")"
  if ! curl -fsSL -o "$download.sums" "$release_url/SHA256SUMS"; then
    echo "ubuntu-22.04: cannot reach $release_url: this image needs internet access" >&2
    exit 1
  fi
  if [ ! -s "$download" ]; then
    curl -fL -o "$download.tmp" "$release_url/$image"
    mv "$download.tmp" "$download"
  fi
  local want
  want=$(grep -F "*$image" "$download.sums" | cut -d' ' -f1 || true)
  if [ -z "$want" ]; then
    echo "ubuntu-22.04: $image is not listed in $release_url/SHA256SUMS (set UBUNTU_IMAGE)" >&2
    exit 1
  fi
  echo "$want  $download" | sha256sum -c --quiet -
}

fetch
rm -rf "$out" "$out.tmp"
mkdir -p "$out.tmp"
xz -dc "$download" >"$out.tmp/disk.raw"
qemu-img convert -f raw -O qcow2 "$out.tmp/disk.raw" "$out.tmp/disk.img"
rm "$out.tmp/disk.raw"
qemu-img resize -f qcow2 "$out.tmp/disk.img" "$grow"
cp "$here/vm.conf" "$out.tmp/vm.conf"
mv "$out.tmp" "$out"
echo "ubuntu-22.04 guest: $out"
