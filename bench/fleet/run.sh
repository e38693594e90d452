#!/usr/bin/env bash
# The fleet's start on a real node: helm install --set replicas=N --wait, timed
# (fleet_bench.py); recorded in RESULTS.md. Needs root (a kubelet and
# containerd) and the node tier's images archive, made here as that tier makes it.
#
#   bench/fleet/run.sh BUILD_DIR
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${1:?usage: run.sh BUILD_DIR}" && pwd)
if [ "$(id -u)" -ne 0 ]; then
  echo "NOT MEASURED: the fleet bench runs a kubelet and containerd, which need root." | tee "$here/RESULTS.md"
  exit 0
fi
archive=$build/cluster-images.tar
"$root/tests/cluster/build-images.sh" "$root" "$build" localhost 0.1.0 "$archive"
PYTHONPATH=$root/tests/pylib python3 "$here/fleet_bench.py" --chart "$root/chart/qemu-riscv64" \
  --kubernetes-script "$root/scripts/get-kubernetes.sh" --helm-script "$root/scripts/get-helm.sh" \
  --images-archive "$archive" --results "$here/RESULTS.md"
