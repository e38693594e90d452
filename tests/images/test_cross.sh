#!/usr/bin/env bash
# The images' builder stages cross-compile for another architecture on the
# build platform (make container PLATFORMS=...): the launcher and console
# built for ARCH (default arm64) by containers/{launcher,console}/Dockerfile's
# builder stage, nothing compiled under emulation, then run here through
# qemu-user (qemu-ARCH-static -L, no binfmt_misc needed) with the libraries
# the images would carry: --version, and the launcher's --dry-run. The builder
# stages compile through the images' compiler cache ($CACHE_DIR/ccache-images).
# podman runs under `flock /tmp/podman.lock`, as everything using podman on
# shared machines. Skipped (77) without podman or qemu-user-static.
#
#   test_cross.sh SOURCE_DIR REGISTRY VERSION [ARCH]
set -euo pipefail

usage="usage: test_cross.sh SOURCE_DIR REGISTRY VERSION [ARCH]"
source_dir=${1:?$usage}
registry=${2:?$usage}
version=${3:?$usage}
arch=${4:-arm64}
case "$arch" in
  arm64) qemu=qemu-aarch64-static machine=AArch64 ;;
  amd64) qemu=qemu-x86_64-static machine=X86-64 ;;
  *) echo "cross_test: no qemu-user known for $arch" >&2; exit 2 ;;
esac
for tool in podman "$qemu" readelf; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIPPED: no $tool (scripts/install-deps.sh container installs podman and qemu-user-static)"
    exit 77
  fi
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
exec 9>/tmp/podman.lock
flock 9
host_platform=$(podman info --format '{{.Host.OS}}/{{.Host.Arch}}')
"$source_dir/scripts/podman-setup.sh" >/dev/null
ca_bundle=/etc/ssl/certs/ca-certificates.crt
secret=()
[ -s "$ca_bundle" ] && secret=(--secret "id=ca-bundle,src=$ca_bundle")
# The builder stages' compiler cache, as make container mounts it: after a
# source change only what changed is compiled again for ARCH.
ccache_dir=${CACHE_DIR:-$HOME/.cache/qemu-riscv64}/ccache-images
mkdir -p "$ccache_dir"
for name in launcher console; do
  builder=$registry/qemu-riscv64-$name-builder:$version-$arch
  start=$SECONDS
  podman build --network host --layers --platform "linux/$arch" \
    --build-arg "BUILDPLATFORM=$host_platform" "${secret[@]}" -v "$ccache_dir:/ccache" --target builder \
    -f "$source_dir/containers/$name/Dockerfile" -t "$builder" "$source_dir" >"$work/build-$name.log" 2>&1 \
    || { tail -n 40 "$work/build-$name.log"; exit 1; }
  echo "cross_test: $name builder stage for $arch: $((SECONDS - start)) s"
  # The binary and the libraries it needs, found by the builder's own tools.
  # (podman 4.3 gives a --target builder image ARCH in its config, and warns here:
  # its files are the build platform's.)
  podman run --rm --network none -v "$work:/out" "$builder" bash -euc '
    mkdir -p /out/root/usr/local/bin
    cp /build/bin/$1 /out/root/usr/local/bin/
    cross.sh libs "$2" /build/bin/$1 | xargs -I{} cp --parents -L {} /out/root/
  ' _ "$name" "$arch"
done
flock -u 9

root=$work/root
failed=0
for name in launcher console; do
  binary=$root/usr/local/bin/$name
  if ! readelf -h "$binary" | grep -q "Machine:.*$machine"; then
    echo "cross_test: $name is not an $arch binary: $(readelf -h "$binary" | grep Machine:)"
    failed=1
  fi
  out=$("$qemu" -L "$root" "$binary" --version 2>&1) || true
  echo "cross_test: $name --version under $qemu: $out"
  [ "$out" = "$name $version" ] || { echo "cross_test: expected '$name $version'"; failed=1; }
done

# --dry-run: the argv the launcher would give QEMU, from a guest folder.
data=$work/data
mkdir -p "$data"
: >"$data/Image"
: >"$data/initrd.img"
printf 'VM_KERNEL=Image\nVM_INITRD=initrd.img\nVM_APPEND="console=ttyS0"\n' >"$data/vm.conf"
if out=$("$qemu" -L "$root" "$root/usr/local/bin/launcher" --dry-run --data-dir "$data" --cpus 3 2>"$work/err"); then
  echo "cross_test: launcher --dry-run under $qemu:"
  echo "$out" | tr '\n' ' ' | cut -c1-400
  echo
  for word in /usr/bin/qemu-system-riscv64 virt rv64 3 "$data/Image"; do
    grep -qxF -- "$word" <<<"$out" || { echo "cross_test: '$word' not in the argv"; failed=1; }
  done
else
  echo "cross_test: launcher --dry-run failed: $(cat "$work/err")"
  failed=1
fi
exit "$failed"
