#!/usr/bin/env bash
# Gives a guest folder its warm-start snapshot: boots it with the real
# launcher (the same QEMU argv as in the pod) in `--save-snapshot` mode, which
# waits for the image's ready point (its snapshot.conf), saves the running VM
# into the qcow2 disk (savevm) and writes warm-start.conf (what a resume must
# match) and warm-start.screen (the console at that moment).
#
#   data-images/make-snapshot.sh GUEST_DIR SNAPSHOT_CONF
#   LAUNCHER   the launcher binary (default build/bin/launcher, built when missing)
#   LAUNCHER_IMAGE  instead, the launcher image (run with CONTAINER_ENGINE, default
#              podman): the snapshot is made by exactly the pod's QEMU
#   SNAPSHOT   "no" leaves the guest without a snapshot (it always boots cold)
#   SNAPSHOT_NETWORK  the launcher's network mode while the snapshot is made
#              (VM_NETWORK, default user): a snapshot resumes only under the mode
#              it was made in, so the data images use passt, the chart's default
#
# Cached in $CACHE_DIR, keyed by the guest's files, the recipe, the launcher's
# QEMU argv for the guest and the QEMU version: a rebuild only copies it.
set -euo pipefail

guest=$(cd "${1:?usage: make-snapshot.sh GUEST_DIR SNAPSHOT_CONF}" && pwd)
recipe=$(realpath "${2:?usage: make-snapshot.sh GUEST_DIR SNAPSHOT_CONF}")
repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib/keep-newest.sh
. "$repo/scripts/lib/keep-newest.sh"
cache_root=${CACHE_DIR:-$HOME/.cache/qemu-riscv64}
launcher=${LAUNCHER:-$repo/build/bin/launcher}
[ "${SNAPSHOT:-yes}" = no ] && { echo "make-snapshot: SNAPSHOT=no: $guest boots cold"; exit 0; }

if [ -z "${LAUNCHER_IMAGE:-}" ] && [ ! -x "$launcher" ]; then
  echo "make-snapshot: building the launcher ($launcher)"
  cmake -S "$repo" -B "$repo/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$repo/build" --target launcher -j "${JOBS:-2}" >/dev/null
  launcher=$repo/build/bin/launcher
fi

# The launcher runs with the image's vm.conf and defaults only, as in the pod.
recipe_dir=$(dirname "$recipe")
engine=${CONTAINER_ENGINE:-podman}
network=${SNAPSHOT_NETWORK:-user}
# No port needs to reach a guest that is only booted and saved; passt's default
# range would need more descriptors than a build container may have.
passt_ports=49150-49151
run_launcher() {
  if [ -n "${LAUNCHER_IMAGE:-}" ]; then
    # Root in the container: the guest folder belongs to the caller.
    "$engine" run --rm --user 0 -v "$guest:$guest" -v "$recipe_dir:$recipe_dir:ro" \
      -e VM_DATA_DIR="$guest" -e VM_TELNET_PORT=0 -e VM_RUNTIME_DIR=/tmp \
      -e VM_NETWORK="$network" -e VM_PASST_PORTS="$passt_ports" "$LAUNCHER_IMAGE" "$@"
  else
    env -i PATH="$PATH" HOME="${HOME:-/root}" VM_DATA_DIR="$guest" VM_TELNET_PORT=0 \
      VM_RUNTIME_DIR="${TMPDIR:-/tmp}" VM_NETWORK="$network" VM_PASST_PORTS="$passt_ports" \
      "$launcher" "$@"
  fi
}
qemu_version() {
  if [ -n "${LAUNCHER_IMAGE:-}" ]; then
    "$engine" run --rm --entrypoint qemu-system-riscv64 "$LAUNCHER_IMAGE" --version | head -n1
  else
    qemu-system-riscv64 --version | head -n1
  fi
}

key=$( { run_launcher --warm-start off --dry-run 2>/dev/null | sed "s|$guest|DATA|g; s|launcher-[A-Za-z0-9]*|RUN|g"
         qemu_version
         cat "$recipe" "$(dirname "$recipe")"/*hook* 2>/dev/null
         (cd "$guest" && find . -type f ! -name 'warm-start.*' | LC_ALL=C sort | xargs sha256sum)
         cat "$repo"/launcher/src/warm/{warm_manifest,warm_start,snapshot_saver,qcow2_file,fingerprint}.cpp
       } | sha256sum | cut -c1-16)
cached=$cache_root/snapshot-$key

if [ ! -d "$cached" ]; then
  echo "make-snapshot: booting $guest to its ready point (cached as $cached)"
  rm -f "$guest"/warm-start.*
  run_launcher --save-snapshot "$recipe" </dev/null >"$guest/.snapshot.log" 2>&1 || {
    tail -n 30 "$guest/.snapshot.log" >&2
    echo "make-snapshot: no snapshot for $guest" >&2
    exit 1
  }
  grep '^launcher: snapshot' "$guest/.snapshot.log"
  rm -f "$guest/.snapshot.log"
  mkdir -p "$cached.tmp"
  cp --sparse=always "$guest/disk.img" "$guest"/warm-start.* "$cached.tmp/"
  rm -rf "$cached" && mv "$cached.tmp" "$cached"
else
  cp --sparse=always "$cached"/* "$guest/"
fi
# Each guest (the images' two, the host's, the tests') keeps its last snapshots.
touch "$cached"
keep_newest 8 "$cache_root/snapshot-"
echo "make-snapshot: $guest resumes from $(grep '^SAVED_AT' "$guest/warm-start.conf")"
