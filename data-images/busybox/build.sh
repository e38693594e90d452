#!/usr/bin/env bash
# Builds the busybox test guest from Debian's riscv64 packages into OUT:
#   Image       Debian stable's riscv64 kernel
#   initrd.gz   busybox-static, init scripts and the kernel modules it needs
#   disk.img    a 16 MiB ext4 disk (qcow2), mounted on /mnt in the guest, holding
#               the warm-start snapshot of the guest at its shell
#   vm.conf     how the launcher boots it
#   warm-start.conf, warm-start.screen   the snapshot's record (make-snapshot.sh)
# The result is cached in $CACHE_DIR keyed by this folder's contents, so a
# second call (even from a fresh clone) only copies it.
set -euo pipefail

out=${1:?usage: build.sh OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/lib/keep-newest.sh
. "$here/../../scripts/lib/keep-newest.sh"
cache_root=${CACHE_DIR:-$HOME/.cache/qemu-riscv64}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

key=$(find "$here" -type f ! -name snapshot.conf | LC_ALL=C sort | xargs cat | sha256sum | cut -c1-16)
cached="$cache_root/guest-busybox-$key"

build_into() {
  local dest=$1 work
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN

  # Unpack only (no emulation): the kernel, its modules and a static busybox.
  mmdebstrap --quiet --arch=riscv64 --variant=extract \
    --include=linux-image-riscv64,busybox-static stable "$work/debs" "$mirror"

  local kver
  kver=$(basename "$(ls -d "$work"/debs/usr/lib/modules/* | head -n1)")

  # The initramfs tree: busybox, our init scripts, the modules for virtio disks,
  # network and console.
  local root="$work/root"
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root,mnt,etc,run}
  cp "$work/debs/usr/bin/busybox" "$root/bin/busybox"
  cp -r "$here/rootfs/." "$root/etc/"
  chmod +x "$root/etc/init.d/rcS" "$root/etc/udhcpc.script"
  ln -s /bin/busybox "$root/init"
  install_modules "$work/debs" "$root" "$kver"
  # The kernel opens /dev/console before init runs: it must exist in the archive.
  mknod -m 600 "$root/dev/console" c 5 1

  mkdir -p "$dest.tmp"
  cp "$(ls "$work"/debs/boot/vmlinux-* | head -n1)" "$dest.tmp/Image"
  (cd "$root" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) | gzip -9 >"$dest.tmp/initrd.gz"
  cp "$here/vm.conf" "$dest.tmp/vm.conf"
  # A small ext4 disk the guest mounts on /mnt: data that survives a restart.
  # qcow2, so that it can hold the warm-start snapshot.
  truncate -s 16M "$work/disk.raw"
  mkfs.ext4 -q -L data "$work/disk.raw"
  qemu-img convert -f raw -O qcow2 "$work/disk.raw" "$dest.tmp/disk.img"
  mv "$dest.tmp" "$dest"
}

# Copies the modules the guest loads at boot, decompressed, with their dependencies.
install_modules() {
  local debs=$1 root=$2 kver=$3 mod
  local src="$debs/usr/lib/modules/$kver"
  local dst="$root/lib/modules/$kver"
  mkdir -p "$dst"
  while read -r mod; do
    find "$src/kernel" -name "$mod.ko*" | while read -r path; do
      local rel=${path#"$src"/}
      mkdir -p "$dst/$(dirname "$rel")"
      case "$path" in
        *.xz) xz -dc "$path" >"$dst/${rel%.xz}" ;;
        *.zst) zstd -qdc "$path" >"$dst/${rel%.zst}" ;;
        *) cp "$path" "$dst/$rel" ;;
      esac
    done
  done <"$here/modules"
  cp "$src"/modules.builtin* "$src"/modules.order "$dst/" 2>/dev/null || true
  depmod -b "$root" "$kver"
}

if [ ! -d "$cached" ]; then
  mkdir -p "$cache_root"
  rm -rf "$cached.tmp"
  build_into "$cached"
fi
# The last few builds stay cached (another checkout may use an older one).
touch "$cached"
keep_newest 3 "$cache_root/guest-busybox-"
rm -rf "$out"
mkdir -p "$(dirname "$out")"
cp -a "$cached" "$out"
"$here/../make-snapshot.sh" "$out" "$here/snapshot.conf"
echo "busybox guest: $out"
