#!/usr/bin/env bash
# The fresh tier: a pristine Debian or Ubuntu RELEASE (mmdebstrap --variant=minbase)
# in a root of its own (pivot_root), where new-user.sh does what the README asks of a new user.
#
#   fresh-machine.sh RELEASE SOURCE_DIR      RELEASE: bookworm, trixie, ... or noble
#
# Each run starts from the minbase tarball unpacked into a new folder, so no
# package of the host or of an earlier run is there. Only caches of downloads
# and builds carry over ($CACHE_DIR/fresh):
#   minbase-RELEASE-KEY.tar  the pristine root (KEY: release and mirror)
#   apt-RELEASE/             apt's .deb files (the root's /var/cache/apt/archives)
#   user-cache-RELEASE/      the user's ~/.cache/qemu-riscv64: npm, guests, helm
#   ubuntu-keyring/          Ubuntu's archive keys (noble), from Debian 13's package
# and the host's compiler cache (CCACHE_DIR) is the root's: it hits only for
# the same compiler (by content) and the same headers, so with the host's
# release it saves the compiling, never a package.
# The root shares the host's network (the package registries), runs in its
# own PID and mount namespaces (nothing it starts outlives it) and gets a
# clean copy of the repository's HEAD (git archive), never the working tree.
set -euo pipefail

release=${1:?usage: fresh-machine.sh RELEASE SOURCE_DIR}
src=$(cd "${2:?usage: fresh-machine.sh RELEASE SOURCE_DIR}" && pwd)
cache_root=${CACHE_DIR:-$HOME/.cache/qemu-riscv64}
debian_mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
fresh=$cache_root/fresh

log() { echo "fresh[$release] $(date -u +%T) $*"; }

for tool in mmdebstrap unshare git python3; do
  command -v "$tool" >/dev/null || { log "SKIPPED: needs '$tool' (scripts/install-deps.sh guest test)"; exit 77; }
done
if [ "$(id -u)" -ne 0 ]; then
  log "SKIPPED: a pristine root needs root (pivot_root and mounts); run the fresh tier as root"
  exit 77
fi

# Ubuntu's archive keys, to check its packages: the host's ubuntu-keyring
# (Debian 13, Ubuntu), else that package from Debian 13, fetched with a private
# apt state and checked with the host's Debian keys (Debian 12 has no such package).
ubuntu_keyring() {
  local installed=/usr/share/keyrings/ubuntu-archive-keyring.gpg dir=$fresh/ubuntu-keyring
  if [ -f "$installed" ]; then echo "$installed"; return; fi
  if [ ! -s "$dir/ubuntu-archive-keyring.gpg" ]; then
    mkdir -p "$dir/lists/partial" "$dir/cache"
    echo "deb $debian_mirror trixie main" >"$dir/sources.list"
    local apt=(apt-get -q -o Dir::Etc::SourceList="$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
               -o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir/cache" -o APT::Sandbox::User=root)
    "${apt[@]}" update >/dev/null
    (cd "$dir" && rm -f ubuntu-keyring_*.deb && "${apt[@]}" download ubuntu-keyring >/dev/null)
    dpkg-deb --fsys-tarfile "$dir"/ubuntu-keyring_*.deb |
      tar -xO ./usr/share/keyrings/ubuntu-archive-keyring.gpg >"$dir/ubuntu-archive-keyring.gpg.tmp"
    mv "$dir/ubuntu-archive-keyring.gpg.tmp" "$dir/ubuntu-archive-keyring.gpg"
  fi
  echo "$dir/ubuntu-archive-keyring.gpg"
}

# The mirror and mmdebstrap's options for the release. Ubuntu's minbase has
# neither apt nor its keys, which every Ubuntu machine (and its container
# image) has; main and universe hold the project's packages.
case "$release" in
  noble)
    mirror=${UBUNTU_MIRROR:-http://archive.ubuntu.com/ubuntu}
    keyring=$(ubuntu_keyring)
    # shellcheck disable=SC2054 # the commas separate mmdebstrap's components
    options=(--components=main,universe --include=apt,ubuntu-keyring --keyring="$keyring") ;;
  *)
    mirror=$debian_mirror
    options=() ;;
esac

# The pristine root, made once per release, mirror and options.
key=$(echo "minbase $release $mirror ${options[*]}" | sha256sum | cut -c1-12)
tarball=$fresh/minbase-$release-$key.tar
ccache_dir=${CCACHE_DIR:-$cache_root/ccache}
mkdir -p "$fresh/apt-$release/partial" "$fresh/user-cache-$release/ccache" "$ccache_dir"
exec 9>"$fresh/.minbase-$release.lock"
flock 9
if [ ! -f "$tarball" ] || [ ! -s "$tarball" ]; then
  log "making the pristine $release root with mmdebstrap (cached as $tarball)"
  # What an interrupted run left (a folder, with an older version of this script) goes.
  rm -rf "$tarball" "$tarball.tmp"
  # The mirror is named so no update/security suites are added (reference.md).
  # --format: the .tmp name would make mmdebstrap write a folder, not a tarball.
  mmdebstrap --quiet --variant=minbase --format=tar "${options[@]}" "$release" "$tarball.tmp" "$mirror"
  mv "$tarball.tmp" "$tarball"
fi
flock -u 9

root=$(mktemp -d "${TMPDIR:-/var/tmp}/fresh-$release.XXXXXX")
trap 'rm -rf "$root"' EXIT
tar -xf "$tarball" -C "$root"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# npm, pip and curl trust what the host trusts (a TLS-inspecting proxy's CA, say): network, not packages.
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/host-ca-bundle.crt" 2>/dev/null || true
# The Go module proxy the host uses (its GOPROXY, else its Go's): the root has no Go,
# and the chart tests take the ServiceMonitor's CRD from a Go module through it.
goproxy=${GOPROXY:-}
# shellcheck source=scripts/lib/find-go.sh
. "$(dirname "$0")/../../../scripts/lib/find-go.sh"
if [ -z "$goproxy" ] && go=$(find_go 1.13.0); then
  goproxy=$("$go" env GOPROXY)
fi

commit=$(git -C "$src" rev-parse HEAD)
if [ -n "$(git -C "$src" status --porcelain --untracked-files=no)" ]; then
  log "note: $src has uncommitted changes; the fresh root gets HEAD ($commit) only"
fi
mkdir -p "$root/root/qemu-riscv64"
git -C "$src" archive --format=tar HEAD | tar -x -C "$root/root/qemu-riscv64"
log "pristine root $root, repository at $commit"

# Two free ports for `make run`: the host's 8080 may be someone else's.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
console_port=$(free_port)
telnet_port=$(free_port)

# PID namespace: when new-user.sh ends (or this script is killed: --kill-child),
# everything it started ends with it.
unshare --mount --pid --fork --kill-child --propagation private -- bash -euo pipefail -c '
  root=$1 fresh=$2 release=$3 ccache_dir=$4
  # The root a mount point, as on a machine: `ip netns exec` remounts /sys
  # through it (otherwise: "mount: /: not mount point").
  mount --bind "$root" "$root"
  mount -t proc proc "$root/proc"
  mount --rbind /sys "$root/sys"
  mount --rbind /dev "$root/dev"
  mount --bind "$fresh/apt-$release" "$root/var/cache/apt/archives"
  mkdir -p "$root/root/.cache/qemu-riscv64"
  mount --bind "$fresh/user-cache-$release" "$root/root/.cache/qemu-riscv64"
  mount --bind "$ccache_dir" "$root/root/.cache/qemu-riscv64/ccache"
  shift 4
  # The root becomes the mount namespace'"'"'s own (pivot_root, then the host'"'"'s tree
  # unmounted), not a chroot: the kernel refuses a user namespace to a chrooted
  # process, and passt'"'"'s sandbox makes one.
  cd "$root"
  mkdir -p .host-root
  pivot_root . .host-root
  umount -l /.host-root
  rmdir /.host-root
  cd /
  exec "$@"
' _ "$root" "$fresh" "$release" "$ccache_dir" \
  env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  LANG=C.UTF-8 TERM=dumb NODE_EXTRA_CA_CERTS=/etc/host-ca-bundle.crt PIP_CERT=/etc/host-ca-bundle.crt \
  CURL_CA_BUNDLE=/etc/host-ca-bundle.crt ${goproxy:+GOPROXY=$goproxy} \
  ${http_proxy:+http_proxy=$http_proxy} ${https_proxy:+https_proxy=$https_proxy} \
  FRESH_CONSOLE_PORT="$console_port" FRESH_TELNET_PORT="$telnet_port" \
  FRESH_HOST_RELEASE="$(. /etc/os-release && echo "$ID $VERSION_CODENAME")" \
  ${FRESH_TIERS:+"FRESH_TIERS=$FRESH_TIERS"} \
  bash /root/qemu-riscv64/tests/project/fresh/new-user.sh
