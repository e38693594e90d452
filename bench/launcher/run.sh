#!/usr/bin/env bash
# The launcher's benchmarks; prints the results and records them in RESULTS.md.
#
#   bench/launcher/run.sh BUILD_DIR
#   RELAY_MIB (64): MiB of fake guest output per relay run; LATENCY_KEYS (3000):
#   keystrokes of the echo run; BOOT_ROUNDS (3)
#   HIBERNATE_ROUNDS (2); FAIR_SHARE_SECONDS (30: each echo window);
#   HIBERNATE_CYCLES (20, 0 to skip): the Debian
#   hibernate reliability run, about 6 minutes on a busy 2-core machine
set -euo pipefail

build=$(cd "${1:?usage: run.sh BUILD_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
launcher="$build/bin/launcher"
fake_qemu="$root/tests/launcher/integration/fake_qemu.py"
guest="$build/guest/busybox"

relay=$(python3 "$here/relay_bench.py" "$launcher" "$fake_qemu" "${RELAY_MIB:-64}" 1 4 16)
added_latency=$(python3 "$here/latency_bench.py" "$launcher" "$fake_qemu" "${LATENCY_KEYS:-3000}")
boot=$(python3 "$here/boot_bench.py" "$launcher" "$guest" "${BOOT_ROUNDS:-3}")
warm_busybox=$(python3 "$here/warm_bench.py" "$launcher" "$guest" busybox "${WARM_ROUNDS:-2}")
hibernate_busybox=$(python3 "$here/hibernate_bench.py" "$launcher" "$guest" busybox "${HIBERNATE_ROUNDS:-2}")
fair_share=$(python3 "$here/fair_share_bench.py" "$launcher" "$build/bin/console" "$guest" "${FAIR_SHARE_SECONDS:-30}")
# The Debian guest is big and slow to build: measured when it has been built.
debian="$build/guest/debian-13"
if [ -f "$debian/warm-start.conf" ]; then
  warm_debian=$(python3 "$here/warm_bench.py" "$launcher" "$debian" debian "${WARM_ROUNDS:-2}")
  hibernate_debian=$(python3 "$here/hibernate_bench.py" "$launcher" "$debian" debian "${HIBERNATE_ROUNDS:-2}")
  if [ "${HIBERNATE_CYCLES:-20}" -gt 0 ]; then
    # A failed cycle is a result to record, not a reason to lose the others.
    cycles=$(python3 "$here/hibernate_cycles.py" "$launcher" "$debian" "${HIBERNATE_CYCLES:-20}") ||
      cycles="$cycles

hibernate_cycles.py exited with status $?."
  else
    cycles="NOT MEASURED: HIBERNATE_CYCLES=0."
  fi
else
  warm_debian="NOT MEASURED: no $debian with a snapshot; make it with
\`data-images/debian-13/build.sh $debian\` (about 10 minutes the first time, then cached)."
  echo "bench: $warm_debian" >&2
  hibernate_debian=$warm_debian
  cycles=$warm_debian
fi

report=$(cat <<REPORT
# Launcher benchmarks

Command: \`bench/launcher/run.sh build\` (or \`make bench\`), $(date -u '+%Y-%m-%d %H:%M UTC'),
$(nproc) CPUs, load average at the end: $(cut -d' ' -f1-3 /proc/loadavg).

## Relay CPU per MiB of guest output

The launcher's own CPU time (getrusage, printed at exit) while a fake QEMU
serial source sends ${RELAY_MIB:-64} MiB in 64 KiB blocks to every telnet client and to
stdout (a pipe); a run without output is the baseline. Goals: at most 2, 2
and 5 CPU-ms per MiB with 1, 4 and 16 clients.

$relay

## What the launcher adds to a keystroke's echo

\`latency_bench.py\`: ${LATENCY_KEYS:-3000} keystrokes, one at a time, through the launcher's
telnet port to a fake QEMU that echoes them on its serial socket, against the same
echo over one TCP socket with no launcher between.

$added_latency

## Fair sharing: a console's echo beside booting VMs

$fair_share

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

## Hibernate against cold boot of the same written disk

\`hibernate_bench.py\`: seconds, 2 CPUs, 2048 MiB, each round on a fresh copy of
the guest: booted, at its shell (Debian: logged in), a file written and
synced (so no warm start is possible), then SIGTERM with \`VM_HIBERNATE=on\`
(the save), a start that must resume (to the answer of a first command), a
second save (not counted), and a start with \`VM_HIBERNATE=off\`: the state is
discarded and the same disk boots cold. Goal (issue 20): Debian answers its
shell within 5 s of its start after hibernate, at most 0.1x its cold boot.

$hibernate_busybox

$hibernate_debian

## Hibernate reliability: ${HIBERNATE_CYCLES:-20} stop/start cycles of one Debian VM

\`hibernate_cycles.py\`: one data folder, \`VM_HIBERNATE=on\`; each cycle starts
(every cycle after the first must resume), writes a new file of random bytes
through the console, syncs, and is stopped with SIGTERM (saved). Then one cold
boot with \`VM_HIBERNATE=off\` checks every file's sha256 in the guest and
powers off; the disk is checked with \`qemu-img check\`, converted to raw for
\`e2fsck -f -n\` (the image is a bare ext4 filesystem; \`qemu-nbd\` needs the
nbd module, absent here) and each file is read back with \`debugfs\`.

$cycles
REPORT
)
echo "$report"
echo "$report" > "$here/RESULTS.md"
