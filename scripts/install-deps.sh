#!/usr/bin/env bash
# Installs what a group of make targets needs, and only what is missing:
# Debian's packages with apt-get, JavaScript tools with npm. Idempotent, no prompts.
#
#   scripts/install-deps.sh GROUP...
#   GROUP: build  compile launcher and console and their unit tests
#          vm     run a RISC-V guest (QEMU, OpenSBI, U-Boot)
#          guest  make guest images from Debian's riscv64 packages
#          test   integration and browser test tools
#          container  build and run images with podman
#          bench  the peers `make bench` measures against
#          lint   clang-tidy, and a venv for the pinned clang-format
set -euo pipefail

packages_for() {
  case "$1" in
    build) echo g++ ccache cmake make pkg-config libboost-dev libcli11-dev libtelnet-dev catch2 nodejs ;;
    vm) echo qemu-system-misc opensbi u-boot-qemu ;;
    guest) echo mmdebstrap cpio gzip xz-utils kmod e2fsprogs qemu-utils ca-certificates ;;
    test) echo python3 telnet procps chromium fonts-dejavu-core ;;
    container) echo podman runc catatonit uidmap fuse-overlayfs slirp4netns qemu-user-static binfmt-support arch-test ;;
    bench) echo websocketd telnet procps python3 ;;
    lint) echo clang-tidy python3-venv git ;;
    *) echo "install-deps: unknown group '$1' (build, vm, guest, test, container, bench, lint)" >&2; return 1 ;;
  esac
}

missing_packages() {
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || echo "$pkg"
  done
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

wanted=()
for group in "$@"; do
  read -r -a pkgs <<<"$(packages_for "$group")"
  wanted+=("${pkgs[@]}")
done

read -r -a missing <<<"$(missing_packages "${wanted[@]}" | tr '\n' ' ')"
# Node.js from other sources carries its own npm, which Debian's npm would conflict with.
if [[ " ${wanted[*]} " == *" nodejs "* ]] && ! command -v npm >/dev/null; then
  missing+=(npm)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
