#!/usr/bin/env bash
# mmdebstrap customize hook: runs on the host with the finished rootfs as $1.
# Adds this folder's files, the default login, and the boot-time units.
set -euo pipefail
root=$1
here=$(cd "$(dirname "$0")" && pwd)

cp -a "$here/rootfs/." "$root/"
chmod 755 "$root/usr/local/sbin/qemu-riscv64-guest-setup"

# The documented default login (docs: data-images/README.md); the chart's
# guest password and SSH key replace it at boot through fw_cfg.
echo "root:${DEBIAN_GUEST_PASSWORD:-riscv}" | chroot "$root" chpasswd

chroot "$root" systemctl enable systemd-networkd.service qemu-riscv64-guest-setup.service
# Timers that would only slow an emulated guest down.
chroot "$root" systemctl mask apt-daily.timer apt-daily-upgrade.timer \
  e2scrub_all.timer fstrim.timer man-db.timer dpkg-db-backup.timer 2>/dev/null || true

# Host keys are made per VM at first boot, never shared through the image.
rm -f "$root"/etc/ssh/ssh_host_*
# A fresh machine-id on first boot.
: >"$root/etc/machine-id"
