#!/usr/bin/env bash
# Prints a command that runs ttyd, a peer of the console in the benchmark, fetching it once.
#
#   bench/console/get-ttyd.sh   -> "$CACHE_DIR/bench/ttyd-forky/run-ttyd"
#
# Neither Debian 12 nor 13 has a ttyd package; Debian 14 (forky, testing) has ttyd 1.7.7.
# So ttyd and the telnet it runs come from a forky minbase root (mmdebstrap, cached in
# CACHE_DIR), and run-ttyd starts them chrooted there, with the host's network and ptys
# (libwebsockets loads its event loop from its own folder, so a chroot, not the root's loader alone).
# Logs go to stderr.
set -euo pipefail

cache_dir=${CACHE_DIR:-$HOME/.cache/qemu-riscv64}
suite=${TTYD_SUITE:-forky}
dir=$cache_dir/bench/ttyd-$suite
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

have() { [ -x "$dir/run-ttyd" ] && echo "$dir/run-ttyd"; }

# shellcheck source=scripts/lib/fetch-once.sh
. "$here/../../scripts/lib/fetch-once.sh"
fetch_once "$dir" have
command -v mmdebstrap >/dev/null ||
  { echo "get-ttyd: needs mmdebstrap (scripts/install-deps.sh guest) to make a Debian root" >&2; exit 1; }
echo "get-ttyd: a Debian $suite root with ttyd (mmdebstrap, once, into $dir)" >&2
# A testing suite's Release file may be past its Valid-Until on a mirror that is a
# snapshot; its signature is still checked.
mmdebstrap --quiet --variant=minbase --include=ttyd,telnet --aptopt='Acquire::Check-Valid-Until "false"' \
  "$suite" "$work/root" "$mirror" >&2
versions=$(dpkg-query --admindir="$work/root/var/lib/dpkg" -W -f='${Package} ${Version}\n' ttyd 'inetutils-telnet' telnet |
  paste -sd, - | sed 's/,/, /g')
rm -rf "$dir/root"
mv "$work/root" "$dir/root"
# One process from the start: unshare and chroot exec, so the pid the caller holds is ttyd's.
cat >"$dir/run-ttyd" <<EOF
#!/bin/sh
# $versions from Debian $suite
# (that root, beside this script, in a mount namespace of its own with the host's /dev and a /proc)
exec unshare --mount --propagation private sh -c 'mount --rbind /dev "\$0/dev" && mount -t proc proc "\$0/proc" &&
  exec chroot "\$0" ttyd "\$@"' "$dir/root" "\$@"
EOF
chmod +x "$dir/run-ttyd"
have
