#!/usr/bin/env bash
# The chart's pod under podman: seconds from `podman kube play` to the guest's
# prompt, cold against warm, for each data image `make container
# CONTAINER_ENGINE=podman` built; recorded in RESULTS.md.
#
#   bench/pod/run.sh BUILD_DIR
#   POD_ROUNDS (2): rounds of one cold and one warm pod per image
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
version=$(sed -n 's/^appVersion: *"\{0,1\}\([^" ]*\)"\{0,1\}.*/\1/p' "$root/chart/qemu-riscv64/Chart.yaml")
helm=$("$root/scripts/get-helm.sh")

measure() {
  local image=localhost/qemu-riscv64-data-$1:$version prompt=$2
  if ! podman image exists "$image" 2>/dev/null; then
    echo "NOT MEASURED: no $image; build it with \`make container CONTAINER_ENGINE=podman\`."
    return
  fi
  flock /tmp/podman.lock python3 "$here/pod_bench.py" "$helm" "$root/chart/qemu-riscv64" \
    "$image" "$prompt" "${POD_ROUNDS:-2}"
}

report=$(cat <<REPORT
# Pod start, cold and warm

Command: \`bench/pod/run.sh build\` (or \`make bench\`), $(date -u '+%Y-%m-%d %H:%M UTC'),
$(nproc) CPUs, load average at the end: $(cut -d' ' -f1-3 /proc/loadavg).

Seconds from \`podman kube play\` of the Deployment \`helm template\` renders
(network \`passt\`, the chart's default) to the guest's prompt in the launcher
container's log; rounds alternate \`warmStart=off\` and \`auto\`, each pod
played fresh. Target: warm at most 10 s to the Debian login prompt and at most
a quarter of the cold boot.

$(measure debian-13 "login: ")

$(measure busybox ":~# ")
REPORT
)
echo "$report"
echo "$report" >"$here/RESULTS.md"
