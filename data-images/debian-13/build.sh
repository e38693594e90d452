#!/usr/bin/env bash
# Builds the debian-13 guest from Debian stable's riscv64 packages into OUT:
#   Image        the kernel, from the rootfs' /boot
#   initrd.img   its initramfs (virtio_blk included), from the rootfs' /boot
#   disk.img     the root filesystem: ext4 in a qcow2 file
#   vm.conf      how the launcher boots it
#   warm-start.conf, warm-start.screen, warm-start.hook   the snapshot inside
#                disk.img of the guest at its login prompt, and its resume hook
#                (make-snapshot.sh with snapshot.conf, cached apart)
# mmdebstrap runs the packages' maintainer scripts under qemu-user (binfmt),
# about 8 minutes, so the result is cached in $CACHE_DIR keyed by what goes
# into it (packages, customize.sh, rootfs/, the build steps below): a second
# call, even from a fresh clone, only copies it. vm.conf (the kernel command
# line) and the snapshot's files are not in that key: changing them costs a
# new snapshot, not a new Debian.
set -euo pipefail

out=${1:?usage: build.sh OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/lib/keep-newest.sh
. "$here/../../scripts/lib/keep-newest.sh"
cache_root=${CACHE_DIR:-$HOME/.cache/qemu-riscv64}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
disk_size=${DEBIAN_DISK_SIZE:-4G}

# Maintainer scripts of riscv64 packages run through qemu-user's binfmt handler.
enable_emulation() {
  if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  fi
  update-binfmts --enable qemu-riscv64 2>/dev/null || true
  if [ ! -e /proc/sys/fs/binfmt_misc/qemu-riscv64 ]; then
    echo "debian-13: no binfmt handler for riscv64 (install qemu-user-static binfmt-support)" >&2
    exit 1
  fi
}

build_into() {
  local dest=$1 work
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN

  local include
  include=$(grep -v '^#' "$here/packages" | paste -sd, -)
  # The initramfs module list must be there before the kernel's postinst runs.
  mmdebstrap --arch=riscv64 --variant=minbase --include="$include" \
    --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-include=/usr/share/locale/locale.alias' \
    --setup-hook="mkdir -p \"\$1/usr/share/initramfs-tools/modules.d\" && cp '$here/rootfs/usr/share/initramfs-tools/modules.d/qemu-riscv64' \"\$1/usr/share/initramfs-tools/modules.d/\"" \
    --customize-hook="$here/customize.sh" \
    stable "$work/root" "$mirror"

  mkdir -p "$dest.tmp"
  cp "$(ls "$work"/root/boot/vmlinu[xz]-* | head -n1)" "$dest.tmp/Image"
  cp "$(ls "$work"/root/boot/initrd.img-* | head -n1)" "$dest.tmp/initrd.img"
  # A filesystem image straight from the folder (no loop mount), then qcow2 so
  # that only the used blocks travel in the container image.
  truncate -s "$disk_size" "$work/disk.raw"
  mkfs.ext4 -q -L debian-root -d "$work/root" "$work/disk.raw"
  qemu-img convert -f raw -O qcow2 "$work/disk.raw" "$dest.tmp/disk.img"
  mv "$dest.tmp" "$dest"
}

key=$( (cd "$here" && sha256sum packages customize.sh && find rootfs -type f | LC_ALL=C sort | xargs sha256sum
        declare -f enable_emulation build_into
        echo "$disk_size ${DEBIAN_GUEST_PASSWORD:-}") | sha256sum | cut -c1-16)
cached="$cache_root/guest-debian-13-$key"

if [ ! -d "$cached" ]; then
  enable_emulation
  mkdir -p "$cache_root"
  rm -rf "$cached.tmp"
  build_into "$cached"
fi
# The last few builds stay cached (another checkout may use an older one).
touch "$cached"
keep_newest 3 "$cache_root/guest-debian-13-"
rm -rf "$out"
mkdir -p "$(dirname "$out")"
cp -a --sparse=always "$cached" "$out"
cp "$here/vm.conf" "$out/vm.conf"
"$here/../make-snapshot.sh" "$out" "$here/snapshot.conf"
echo "debian-13 guest: $out"
