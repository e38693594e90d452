#!/usr/bin/env bash
# Installs what a group of make targets needs, and only what is missing:
# Debian's packages with apt-get, JavaScript tools with npm. Idempotent, no prompts.
# Packages are installed without their Recommends, so every package a command
# needs is named here, recommended or not (ipxe-qemu: QEMU's virtio-net ROM).
# "a|b" installs the first of a or b the release has (qemu-system-riscv is its
# own package from Debian 13 on; Debian 12 and Ubuntu 24.04 have it in -misc;
# Ubuntu has Chromium only as a snap, installed by chromium-browser).
#
#   scripts/install-deps.sh GROUP...
#   GROUP: build  compile launcher and console and their unit tests
#          vm     run a RISC-V guest (QEMU, OpenSBI, U-Boot)
#          guest  make guest images from Debian's riscv64 packages (on Ubuntu, mmdebstrap
#                 finds Debian's archive keys only in debian-archive-keyring, through gpg)
#          emulation  run riscv64 programs (a full Debian guest's maintainer scripts)
#          test   integration, browser and chart test tools (busybox: the chart's test pod's script
#                 runs with the same tools as in the launcher image; python3-venv: the test venv
#                 of tests/pylib/requirements.txt under CACHE_DIR)
#          container  build and run images with podman
#          bench  the peers `make bench` measures against
#          fuzz   libFuzzer targets and sanitizer builds (clang, compiler-rt)
#          lint   clang-tidy, shellcheck, and venvs for the pinned clang-format and ruff
#          cluster  a real Kubernetes node for the cluster tests (containerd, runc, CNI plugins)
set -euo pipefail

packages_for() {
  case "$1" in
    build) echo g++ ccache cmake make pkg-config libboost-dev libcli11-dev libtelnet-dev catch2 nlohmann-json3-dev nodejs ;;
    vm) echo 'qemu-system-riscv|qemu-system-misc' opensbi u-boot-qemu ipxe-qemu passt ;;
    guest) echo mmdebstrap debian-archive-keyring gpg cpio gzip xz-utils zstd kmod e2fsprogs qemu-utils ca-certificates curl ;;
    emulation) echo qemu-user-static binfmt-support arch-test ;;
    test) echo python3 python3-venv telnet procps iproute2 strace 'chromium|chromium-browser' fonts-dejavu-core 'busybox|busybox-static' ;;
    container) echo podman runc catatonit uidmap fuse-overlayfs slirp4netns qemu-user-static binfmt-support arch-test ;;
    bench) echo websocketd telnet procps python3 ;;
    fuzz) echo clang libclang-rt-dev ;;
    lint) echo clang-tidy python3-venv git shellcheck ;;
    cluster) echo containerd runc containernetworking-plugins iptables conntrack openssl python3 util-linux ;;
    *) echo "install-deps: unknown group '$1' (build, vm, guest, emulation, test, container, bench, lint, fuzz, cluster)" >&2; return 1 ;;
  esac
}

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# Prints each wanted entry none of whose alternatives is installed.
missing_packages() {
  local entry alt found
  for entry in "$@"; do
    found=
    for alt in ${entry//|/ }; do
      if installed "$alt"; then found=1; break; fi
    done
    [ -n "$found" ] || echo "$entry"
  done
}

# The first alternative of "a|b" that the package lists offer (after apt-get update).
pick_alternative() {
  local alt
  for alt in ${1//|/ }; do
    if [ -n "$(apt-cache policy "$alt" 2>/dev/null | awk '/Candidate:/ && $2 != "(none)" {print $2}')" ]; then
      echo "$alt"
      return
    fi
  done
  echo "install-deps: none of '$1' is offered by the configured apt sources" >&2
  return 1
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
  as_root apt-get update -q
  for i in "${!missing[@]}"; do
    case "${missing[$i]}" in *"|"*) missing[i]=$(pick_alternative "${missing[$i]}") ;; esac
  done
  echo "install-deps: installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Ubuntu's chromium-browser only asks snapd for the Chromium snap: without a
# running snapd (a container) it installs without error and leaves no browser.
if [[ " ${wanted[*]} " == *"chromium-browser"* ]] && installed chromium-browser && ! installed chromium \
   && [ ! -x /snap/bin/chromium ]; then
  echo "install-deps: chromium-browser is installed, but not the Chromium snap it stands for (is snapd" \
       "running?): the browser tier will find no Chromium; set CHROMIUM to one, or leave the tier out" \
       "(make test TIERS=...)" >&2
fi
