#!/usr/bin/env bash
# The launcher's benchmarks; prints the results and records them in RESULTS.md.
#
#   bench/launcher/run.sh BUILD_DIR
#   RELAY_MIB (64): MiB of fake guest output per relay run; BOOT_ROUNDS (3)
set -euo pipefail

build=$(cd "${1:?usage: run.sh BUILD_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
launcher="$build/bin/launcher"
fake_qemu="$root/tests/launcher/integration/fake_qemu.py"
guest="$build/guest/busybox"

relay=$(python3 "$here/relay_bench.py" "$launcher" "$fake_qemu" "${RELAY_MIB:-64}" 1 4 16)
boot=$(python3 "$here/boot_bench.py" "$launcher" "$guest" "${BOOT_ROUNDS:-3}")
warm_busybox=$(python3 "$here/warm_bench.py" "$launcher" "$guest" busybox "${WARM_ROUNDS:-2}")
# The Debian guest is big and slow to build: measured when it has been built.
debian="$build/guest/debian-13"
if [ -f "$debian/warm-start.conf" ]; then
  warm_debian=$(python3 "$here/warm_bench.py" "$launcher" "$debian" debian "${WARM_ROUNDS:-2}")
else
  warm_debian="NOT MEASURED: no $debian with a snapshot; make it with
\`data-images/debian-13/build.sh $debian\` (about 10 minutes the first time, then cached)."
  echo "bench: $warm_debian" >&2
fi

report=$(cat <<REPORT
# Launcher benchmarks

Command: \`bench/launcher/run.sh build\` (or \`make bench\`), $(date -u '+%Y-%m-%d %H:%M UTC'),
$(nproc) CPUs, load average at the end: $(cut -d' ' -f1-3 /proc/loadavg).

## Relay CPU per MiB of guest output

The launcher's own CPU time (getrusage, printed at exit) while a fake QEMU
serial source sends ${RELAY_MIB:-64} MiB in 64 KiB blocks to every telnet client and to
stdout (a pipe); a run without output is the baseline. Target: <= 5 CPU-ms
per MiB with one client, growing no faster than linearly with clients.

$relay

## Boot to the busybox shell prompt

Same guest, 2 CPUs, 2048 MiB; rounds alternate bare QEMU and the launcher.

$boot

## Warm start against cold boot

Seconds from the launcher's start, same guest, 2 CPUs, 2048 MiB (the
snapshot's), each boot on a fresh copy of the guest; rounds alternate
\`VM_WARM_START=off\` and the resume of the data folder's snapshot. Targets:
busybox warm at most 2 s to its shell; Debian warm at most 10 s to \`login:\`
and at most 0.25x its cold boot. A resumed guest shows its login prompt as
soon as QEMU has loaded the snapshot (the screen at the snapshot is replayed);
the second row is the real use: logged in and answering.

$warm_busybox

$warm_debian
REPORT
)
echo "$report"
echo "$report" > "$here/RESULTS.md"
