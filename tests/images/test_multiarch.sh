#!/usr/bin/env bash
# make container PLATFORMS=linux/amd64,linux/arm64 with podman, under its own
# REGISTRY (the container tier's localhost/... images stay single-platform):
# every image is a manifest list of one linux/amd64 and one linux/arm64 image,
# and the arm64 launcher and console images run (emulated) and print their
# version; the arm64 console image serves its page; the arm64 launcher image
# prints its QEMU's version and a --dry-run argv for the busybox data image's
# guest, then boots that guest (QEMU's TCG under qemu-user: double emulation)
# cold, hibernates it and resumes it, each timed until the guest's ready line.
# Then make container-push sends the lists to a registry run here (the CNCF
# Distribution registry, scripts/get-registry.sh) at the host:port REGISTRY
# names, whose API must serve each list with both platforms.
# Prints the build's time and each platform image's size. podman runs under
# `flock /tmp/podman.lock`, as everything using podman on shared machines.
#
#   test_multiarch.sh SOURCE_DIR BUILD_DIR REGISTRY VERSION
set -euo pipefail

usage="usage: test_multiarch.sh SOURCE_DIR BUILD_DIR REGISTRY VERSION"
source_dir=${1:?$usage}
build_dir=${2:?$usage}
registry=${3:?$usage}
version=${4:?$usage}
boot_deadline_s=3600 # a hang guard for a doubly emulated boot, not a measurement
platforms=linux/amd64,linux/arm64
data_images=${DATA_IMAGES:-busybox}

exec 9>/tmp/podman.lock
flock 9
start=$SECONDS
make -C "$source_dir" container CONTAINER_ENGINE=podman PLATFORMS="$platforms" \
  REGISTRY="$registry" VERSION="$version" DATA_IMAGES="$data_images" BUILD_DIR="$build_dir"
echo "multiarch_test: make container PLATFORMS=$platforms took $((SECONDS - start)) s"

failed=0
read -r -a data <<<"$data_images"
for name in launcher console "${data[@]/#/data-}"; do
  list=$registry/qemu-riscv64-$name:$version
  found=$(podman manifest inspect "$list" \
    | python3 -c 'import json, sys; print(" ".join(sorted(m["platform"]["os"] + "/" + m["platform"]["architecture"] for m in json.load(sys.stdin)["manifests"])))')
  echo "multiarch_test: $list: $found"
  [ "$found" = "linux/amd64 linux/arm64" ] || { echo "multiarch_test: expected linux/amd64 linux/arm64"; failed=1; }
  for arch in amd64 arm64; do
    image=$list-$arch
    size=$(podman image inspect --format '{{.Size}} {{.Architecture}}' "$image")
    echo "multiarch_test: $image: $((${size% *} / 1000000)) MB, architecture ${size#* }"
    [ "${size#* }" = "$arch" ] || { echo "multiarch_test: $image is not $arch"; failed=1; }
  done
done
for name in launcher console; do
  out=$(podman run --rm --network none --arch arm64 "$registry/qemu-riscv64-$name:$version-arm64" --version 2>&1 | tail -n1) || true
  echo "multiarch_test: $name arm64 image: $out"
  [ "$out" = "$name $version" ] || { echo "multiarch_test: expected '$name $version'"; failed=1; }
done
out=$(podman run --rm --network none --arch arm64 --entrypoint qemu-system-riscv64 \
  "$registry/qemu-riscv64-launcher:$version-arm64" --version 2>/dev/null | sed -n 1p) || true
echo "multiarch_test: arm64 launcher image's QEMU: $out"
[[ $out == "QEMU emulator version "* ]] || { echo "multiarch_test: expected QEMU's version line"; failed=1; }

work=$(mktemp -d)
containers=()
trap '[ ${#containers[@]} -eq 0 ] || podman rm -f "${containers[@]}" >/dev/null 2>&1; rm -rf "$work"' EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The arm64 console image serves its page (no launcher behind it: the page
# does not need one).
port=$(free_port)
containers+=("$(podman run -d --arch arm64 --network host \
  "$registry/qemu-riscv64-console:$version-arm64" --listen "127.0.0.1:$port")")
page=""
for _ in $(seq 120); do
  page=$(curl -sf "http://127.0.0.1:$port/" 2>/dev/null) && break
  sleep 1
done
if grep -q "xterm" <<<"$page"; then
  echo "multiarch_test: arm64 console image serves its page on 127.0.0.1:$port ($(wc -c <<<"$page") bytes)"
else
  echo "multiarch_test: arm64 console image served no page on 127.0.0.1:$port:"
  podman logs "${containers[-1]}" 2>&1 | tail -n5
  failed=1
fi

# The busybox data image's guest, as a pod gets it (its snapshot made by the
# launcher image's QEMU); guest_copy makes a fresh copy, writable by the
# image's user (uid 1000).
holder=$(podman create --arch arm64 "$registry/qemu-riscv64-data-busybox:$version-arm64" /none)
containers+=("$holder")
podman cp "$holder:/data" "$work/guest"
guest_copy() {
  rm -rf "$work/data"
  cp -a "$work/guest" "$work/data"
  chmod -R a+rwX "$work/data"
}
guest_copy
launcher_image=$registry/qemu-riscv64-launcher:$version-arm64
out=$(podman run --rm --network none --arch arm64 -v "$work/data:/data:ro" "$launcher_image" --dry-run 2>&1) || true
if grep -qxF /usr/bin/qemu-system-riscv64 <<<"$out" && grep -qxF /data/Image <<<"$out"; then
  echo "multiarch_test: arm64 launcher image --dry-run: $(tr '\n' ' ' <<<"$out" | cut -c1-300)"
else
  echo "multiarch_test: arm64 launcher image --dry-run gave no argv for /data/Image: $out"
  failed=1
fi

# wait_ready CONTAINER COUNT WHAT: waits until the guest's ready line is on the
# console (the launcher mirrors it to stdout) for the COUNT-th time; prints the
# seconds it took, or fails the test with the log's end.
wait_ready() {
  local container=$1 count=$2 what=$3 start=$SECONDS logs
  while ((SECONDS - start < boot_deadline_s)); do
    logs=$(podman logs "$container" 2>&1)
    if (($(grep -c "qemu-riscv64 busybox guest ready" <<<"$logs") >= count)); then
      echo "multiarch_test: busybox guest $what under the arm64 launcher image (QEMU under qemu-user): ready after $((SECONDS - start)) s"
      return 0
    fi
    [ "$(podman inspect --format '{{.State.Running}}' "$container")" = true ] || break
    sleep 2
  done
  echo "multiarch_test: busybox guest $what under the arm64 launcher image: not ready after $((SECONDS - start)) s"
  tail -n20 <<<"$logs"
  failed=1
  return 1
}

# expect_line CONTAINER TEXT: the launcher said TEXT.
expect_line() {
  podman logs "$1" 2>&1 | grep -F "launcher: $2" \
    || { echo "multiarch_test: no line 'launcher: $2'"; failed=1; }
}

# The guest boots cold, is stopped (SIGTERM: the launcher hibernates it into its
# disk) and started again: it resumes. No network: passt cannot run under
# qemu-user (it makes a user namespace, which qemu-user's clone refuses), so the
# data image's snapshot, made under passt, does not match; on an arm64 node
# passt runs natively.
guest_copy
vm=$(podman run -d --arch arm64 --network none -v "$work/data:/data" \
  -e VM_WARM_START=off -e VM_NETWORK=none "$launcher_image")
containers+=("$vm")
if wait_ready "$vm" 1 "cold boot"; then
  expect_line "$vm" "cold boot: VM_WARM_START=off"
  start=$SECONDS
  podman stop -t 900 "$vm" >/dev/null
  echo "multiarch_test: podman stop (the guest hibernated) took $((SECONDS - start)) s"
  expect_line "$vm" "hibernate: saved in"
  podman start "$vm" >/dev/null
  wait_ready "$vm" 2 "resumed from hibernation" && expect_line "$vm" "hibernate: resumed in"
fi
# make container-push to a registry at REGISTRY's host:port, served over plain
# HTTP on this machine (registries.conf says so, for the push alone).
registry_address=${registry%%/*}
registry_server=$(CACHE_DIR=${CACHE_DIR:-$HOME/.cache/qemu-riscv64} "$source_dir/scripts/get-registry.sh")
printf 'version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: %s\n' \
  "$work/registry-data" "$registry_address" >"$work/registry.yml"
"$registry_server" serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
registry_pid=$!
trap 'kill "$registry_pid" 2>/dev/null; [ ${#containers[@]} -eq 0 ] || podman rm -f "${containers[@]}" >/dev/null 2>&1; rm -rf "$work"' EXIT
for _ in $(seq 50); do
  curl -sf "http://$registry_address/v2/" >/dev/null && break
  sleep 0.2
done
printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$registry_address" >"$work/registries.conf"
list_types="application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json"
if CONTAINERS_REGISTRIES_CONF=$work/registries.conf make -C "$source_dir" container-push CONTAINER_ENGINE=podman \
   REGISTRY="$registry" VERSION="$version" DATA_IMAGES="$data_images" >"$work/push.log" 2>&1; then
  for name in launcher console "${data[@]/#/data-}"; do
    repository=${registry#*/}/qemu-riscv64-$name
    served=$(curl -sf -H "Accept: $list_types" "http://$registry_address/v2/$repository/manifests/$version" \
      | python3 -c 'import json, sys; print(" ".join(sorted(m["platform"]["os"] + "/" + m["platform"]["architecture"] for m in json.load(sys.stdin)["manifests"])))') \
      || served=nothing
    echo "multiarch_test: make container-push: the registry at $registry_address serves $repository:$version as a list of $served"
    [ "$served" = "linux/amd64 linux/arm64" ] || { echo "multiarch_test: expected linux/amd64 linux/arm64"; failed=1; }
  done
else
  echo "multiarch_test: make container-push to $registry_address failed:"
  tail -n20 "$work/push.log"
  tail -n5 "$work/registry.log"
  failed=1
fi
exit "$failed"
