#!/usr/bin/env bash
# Builds the project and runs its unit tests inside a Debian 13 (stable) build
# root: Boost 1.83, Catch2 3, CLI11 2.4, g++ 14, the generation Ubuntu 24.04
# also has. The build root and a compiler cache live in $CACHE_DIR, so only the
# first run on a machine pays for them.
#
#   debian13-build.sh SOURCE_DIR
set -euo pipefail

src=$(cd "${1:?usage: debian13-build.sh SOURCE_DIR}" && pwd)

# Without root (chroot, mounts) or a tool it needs, the test is skipped (77), saying why.
if [ "$(id -u)" -ne 0 ]; then
  echo "debian13: SKIPPED: the build root needs root (chroot and mounts)"
  exit 77
fi
for tool in mmdebstrap unshare chroot; do
  command -v "$tool" >/dev/null || { echo "debian13: SKIPPED: needs '$tool'"; exit 77; }
done
cache_root=${CACHE_DIR:-$HOME/.cache/qemu-riscv64}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
packages=g++,cmake,make,pkg-config,libboost-dev,catch2,libcli11-dev,libtelnet-dev,nlohmann-json3-dev,nodejs,npm,ccache,ca-certificates,python3,git

key=$(echo "$packages" | sha256sum | cut -c1-12)
root="$cache_root/debian13-buildroot-$key"

if [ ! -d "$root" ]; then
  mkdir -p "$cache_root"
  rm -rf "$root.tmp"
  # The mirror is named so no update/security suites are added (reference.md).
  mmdebstrap --quiet --variant=apt --include="$packages" stable "$root.tmp" "$mirror"
  mv "$root.tmp" "$root"
fi
mkdir -p "$root/src" "$root/build" "$root/cache"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# npm inside trusts what the host trusts (a TLS-inspecting proxy's CA, say).
cp /etc/ssl/certs/ca-certificates.crt "$root/cache/host-ca.crt"

# A private mount namespace: the bind mounts vanish with the process.
unshare --mount --propagation private -- bash -euo pipefail -c '
  root=$1 src=$2
  mount --bind "$src" "$root/src"
  mount -t proc proc "$root/proc"
  chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    CCACHE_DIR=/cache/ccache CACHE_DIR=/cache npm_config_cache=/cache/npm \
    NODE_EXTRA_CA_CERTS=/cache/host-ca.crt bash -euo pipefail -c "
      echo \"debian13: \$(g++ --version | head -n1), boost \$(dpkg-query -W -f=\\\${Version} libboost-dev)\"
      rm -rf /build/tree
      cmake -S /src -B /build/tree -DCMAKE_CXX_COMPILER_LAUNCHER=ccache
      cmake --build /build/tree -j 2
      cd /build/tree && ctest -L unit --no-tests=error --output-on-failure
    "
' _ "$root" "$src"
